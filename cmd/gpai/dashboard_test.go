package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

func TestDashboardReports(t *testing.T) {
	dir := copyDir(t, exdir+"api-model")
	now := time.Now()
	d := newDashboard([]string{dir, filepath.Join(t.TempDir(), "missing")}, func(string) string { return "" })
	d.now = func() time.Time { return now }
	reports, err := d.Reports(context.Background())
	if err != nil || len(reports) != 2 {
		t.Fatalf("Reports: %d, %v", len(reports), err)
	}
	r := reports[0]
	if r.Error != "" || r.Model.Name == "" || !r.Classification.GPAI || !r.Classification.Provider || r.CheckedAt != now {
		t.Errorf("report: %+v", r)
	}
	var finding *gpai.Finding
	for i, f := range r.Findings {
		if f.Rule == "ART53-1D-SUMMARY" && f.Severity == gpai.SeverityError {
			finding = &r.Findings[i]
		}
	}
	if finding == nil || !strings.HasSuffix(finding.Pos.File, "gpai.yaml") || finding.Pos.Line == 0 {
		t.Errorf("no error ART53-1D-SUMMARY at gpai.yaml:line in %+v", r.Findings)
	}
	var ob *gpai.ObligationStatus
	for i, o := range r.Obligations {
		if o.Rule == "ART53-1D-SUMMARY" {
			ob = &r.Obligations[i]
		}
	}
	if ob == nil || ob.Status != gpai.StatusOverdue || ob.Citation == "" || ob.Due == nil {
		t.Errorf("obligation ART53-1D-SUMMARY: %+v", ob)
	}
	if m := reports[1]; m.Error == "" || !strings.Contains(m.Error, "does not exist") || m.Findings != nil {
		t.Errorf("missing dossier: %+v", m)
	}

	checks := func() int { return d.cache[dir].checked }
	tests := []struct {
		name    string
		advance time.Duration
		change  func()
		want    int // checks so far
	}{
		{"within 10 s, unchanged", time.Second, nil, 1},
		{"within 10 s, changed: not looked at yet", time.Second, func() { writeDashboardFile(t, filepath.Join(dir, "data.yaml"), "nope: [") }, 1},
		{"after 10 s, changed", 10 * time.Second, nil, 2},
		{"after 10 s, unchanged", 11 * time.Second, nil, 2},
		{"after 10 s, file removed", 11 * time.Second, func() { os.Remove(filepath.Join(dir, "data.yaml")) }, 3},
		{"after 10 s, file touched", 11 * time.Second, func() {
			p := filepath.Join(dir, "gpai.yaml")
			os.Chtimes(p, time.Now(), time.Now().Add(time.Hour))
		}, 4},
	}
	for _, tt := range tests {
		if tt.change != nil {
			tt.change()
		}
		now = now.Add(tt.advance)
		if _, err := d.Reports(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := checks(); got != tt.want {
			t.Errorf("%s: checked %d times, want %d", tt.name, got, tt.want)
		}
	}
}

func writeDashboardFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardPage serves the dashboard of a real example dossier through
// web.Server, as gpai serve wires it.
func TestDashboardPage(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "gpai.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := context.Background()
	const pw = "a long enough password"
	if err := st.users.CreateUser(ctx, gpai.SystemActor, &gpai.User{Email: "viewer@example.org", Role: gpai.RoleViewer}, pw); err != nil {
		t.Fatal(err)
	}
	cfg := web.DefaultConfig()
	cfg.SecureCookies = false
	s := &web.Server{Cases: st.cases, Users: st.users, Sessions: st.sessions, Tokens: st.tokens, Audit: st.audit,
		Reservations: st.reservations, Config: cfg,
		Dossiers: newDashboard([]string{exdir + "api-model", exdir + "no-such-model"}, func(string) string { return "" }).Reports}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.PostForm(ts.URL+"/staff/login", url.Values{"email": {"viewer@example.org"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	r, err = c.Get(ts.URL + "/staff/dossiers")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	body := string(b)
	if r.StatusCode != 200 {
		t.Fatalf("GET /staff/dossiers: %d\n%s", r.StatusCode, body)
	}
	for _, want := range []string{
		"ART53-1D-SUMMARY",       // the finding and the obligation
		"api-model/gpai.yaml:39", // the finding's file:line
		"AI Act Art 53(1)(d)",    // the obligation's citation
		`<span class="badge overdue">overdue</span>`,
		"no-such-model", "could not be loaded", // a broken dossier is shown, not a 500
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

// TestServeDossiers runs gpai serve with two --dossier flags: both are on
// the dashboard, and the first one's documentation is the downstream view.
func TestServeDossiers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	st, err := openStore(db)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "a long enough password"
	err = st.users.CreateUser(context.Background(), gpai.SystemActor, &gpai.User{Email: "viewer@example.org", Role: gpai.RoleViewer}, pw)
	st.close()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- execCommand(ctx, m, m.serveCommand(), "--db", db, "--addr", "127.0.0.1:0", "--insecure-cookies",
			"--dossier", exdir+"api-model", "--dossier", exdir+"frontier")
	}()
	var base string
	re := regexp.MustCompile(`serving on (http://\S+)`)
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := re.FindStringSubmatch(out.String()); mm != nil {
			base = mm[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
	}
	if base == "" {
		t.Fatal("server did not start")
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.PostForm(base+"/staff/login", url.Values{"email": {"viewer@example.org"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	r, err = c.Get(base + "/staff/dossiers")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), "examples/api-model") || !strings.Contains(string(b), "examples/frontier") {
		t.Errorf("dashboard: %d\n%s", r.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
