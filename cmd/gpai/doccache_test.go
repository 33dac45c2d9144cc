package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

// TestDocCache serves the downstream documentation through a docCache:
// an unchanged documentation.yaml is not loaded again, a changed one is
// served within a second, and a broken one is reported, not re-parsed.
func TestDocCache(t *testing.T) {
	dir := copyDir(t, exdir+"api-model")
	docFile := filepath.Join(dir, gpai.DocumentationFile)
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	var loads atomic.Int32
	cache := newDocCache(dir)
	cache.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	realLoad := cache.load
	cache.load = func(dir string) (*gpai.Documentation, error) {
		loads.Add(1)
		return realLoad(dir)
	}

	st, err := openStore(filepath.Join(t.TempDir(), "gpai.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	secret, err := st.tokens.CreateToken(context.Background(), gpai.SystemActor, &gpai.Token{Name: "Acme GmbH", Kind: gpai.TokenDownstream})
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Cases: st.cases, Users: st.users, Sessions: st.sessions, Tokens: st.tokens, Audit: st.audit,
		Reservations: st.reservations, Documentation: cache.Documentation, Config: web.DefaultConfig()}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	// version returns the document version served to the downstream
	// provider, or the error message.
	version := func() string {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+"/api/documentation", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		var v struct {
			Version string `json:"document_version"`
			Error   struct{ Message string }
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("GET /api/documentation: %d %s", r.StatusCode, b)
		}
		if v.Version == "" {
			return "error: " + v.Error.Message
		}
		return v.Version
	}
	edit := func(old, new string) {
		t.Helper()
		b, err := os.ReadFile(docFile)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s has no %q", docFile, old)
		}
		if err := os.WriteFile(docFile, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what, wantVersion string, wantLoads int32) {
		t.Helper()
		if got := version(); got != wantVersion {
			t.Errorf("%s: served version %q, want %q", what, got, wantVersion)
		}
		if got := loads.Load(); got != wantLoads {
			t.Errorf("%s: %d loads, want %d", what, got, wantLoads)
		}
	}

	check("first view", "2.0.1", 1)
	check("second view", "2.0.1", 1)
	advance(5 * time.Second)
	check("unchanged files, looked at again", "2.0.1", 1)

	edit(`version: "2.0.1"`, `version: "2.0.10"`)
	check("changed less than a second after the last look", "2.0.1", 1)
	advance(time.Second)
	check("changed, looked at again", "2.0.10", 2)

	// Same size, newer modification time.
	edit(`version: "2.0.10"`, `version: "2.0.11"`)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(docFile, later, later); err != nil {
		t.Fatal(err)
	}
	advance(time.Second)
	check("same size, new modification time", "2.0.11", 3)

	edit(`version: "2.0.11"`, `version: [`)
	advance(time.Second)
	if got := version(); !strings.HasPrefix(got, "error: ") || loads.Load() != 4 {
		t.Errorf("broken documentation.yaml: served %q after %d loads", got, loads.Load())
	}
	advance(time.Second)
	version()
	if loads.Load() != 4 {
		t.Errorf("an unchanged broken file was parsed again: %d loads", loads.Load())
	}
	edit(`version: [`, `version: "2.1"`)
	advance(time.Second)
	check("fixed", "2.1", 5)

	advance(24 * time.Hour)
	check("a new day", "2.1", 6)

	// Concurrent views after a change wait for one load.
	edit(`version: "2.1"`, `version: "2.2.0"`)
	advance(time.Second)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { cache.Documentation(context.Background()) })
	}
	wg.Wait()
	if loads.Load() != 7 {
		t.Errorf("8 concurrent views after a change: %d loads in all, want 7", loads.Load())
	}
}
