package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Reservations accepted through the contact point flow back into the
// rights-reservation engine: optout check --registry FILE|URL.
func TestOptoutRegistry(t *testing.T) {
	doc := `{"reservations": [{"kind": "domain", "value": "news.example.org", "acceptedAt": "2026-11-20T10:00:00Z"}], "total": 1}`
	dir := t.TempDir()
	robots := filepath.Join(dir, "robots.txt")
	reg := filepath.Join(dir, "reservations.json")
	os.WriteFile(robots, []byte("User-agent: *\nAllow: /\n"), 0o644)
	os.WriteFile(reg, []byte(doc), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/reservations" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(doc))
	}))
	defer srv.Close()
	for _, source := range []string{reg, srv.URL + "/api/reservations"} {
		r := run(t, "optout", "check", "--robots", robots, "--agent", "LumenBot", "--registry", source, "--format", "json",
			"https://news.example.org/a", "https://other.example/b")
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", source, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines, want 2:\n%s", len(lines), r.stdout)
		}
		var a, b struct {
			Allowed  bool
			Decision string
			Evidence []struct{ Source string }
		}
		json.Unmarshal([]byte(lines[0]), &a)
		json.Unmarshal([]byte(lines[1]), &b)
		if a.Allowed || a.Decision != "reserved" || b.Decision != "allowed" {
			t.Errorf("%s: decisions %s, %s; want reserved, allowed", source, a.Decision, b.Decision)
		}
		found := false
		for _, e := range a.Evidence {
			found = found || e.Source == "registry"
		}
		if !found {
			t.Errorf("%s: no registry evidence:\n%s", source, lines[0])
		}
	}
	if r := run(t, "optout", "check", "--robots", robots, "--agent", "LumenBot", "--registry", filepath.Join(dir, "nope.json"), "https://x.example/"); r.code != 2 {
		t.Errorf("missing registry: exit %d", r.code)
	}
	if r := run(t, "optout", "check", "--robots", robots, "--agent", "LumenBot", "--registry", srv.URL+"/missing", "https://x.example/"); r.code != 2 || !strings.Contains(r.stderr, "HTTP 404") {
		t.Errorf("registry 404: exit %d %s", r.code, r.stderr)
	}
}
