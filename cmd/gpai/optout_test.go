package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const optoutDir = "testdata/optout/"

func TestOptoutHelp(t *testing.T) {
	for _, c := range [][]string{{"optout"}, {"optout", "check"}, {"optout", "audit"}} {
		r := run(t, append(c, "--help")...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, "Examples:") && len(c) > 1 {
			t.Errorf("gpai %v --help: exit %d\n%s", c, r.code, r.stdout)
		}
	}
}

func TestOptoutUsageErrors(t *testing.T) {
	robots := optoutDir + "robots.txt"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"optout", "check", "--robots", robots, "/x"}, "--agent is required"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "Mozilla/5.0 (compatible)", "/x"}, "not a product token"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "*", "/x"}, "other than *"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot", "--purpose", "fun", "/x"}, "unknown --purpose"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot", "--profile", "lax", "/x"}, "unknown --profile"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot", "--format", "xml", "/x"}, "unknown --format"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot"}, "no URL to check"},
		{[]string{"optout", "check", "--robots", "no/such/robots.txt", "--agent", "GPTBot", "/x"}, "cannot read robots.txt"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot", "--urls", "no/such/urls", "/x"}, "cannot read --urls"},
		{[]string{"optout", "check", "--robots", robots, "--agent", "GPTBot", "--piracy-list", optoutDir + "bad-piracy.txt", "/x"}, "bad-piracy.txt:2"},
		{[]string{"optout", "audit", "--agent", "GPTBot"}, "one or more manifests"},
		{[]string{"optout", "audit", "--agent", "GPTBot", "no/such/manifest"}, "cannot read manifest"},
		{[]string{"optout", "audit", "--agent", "GPTBot", "--format", "pdf", optoutDir + "robots.txt"}, "unknown --format"},
		{[]string{"optout", "audit", "--agent", "GPTBot", optoutDir + "../../main.go"}, ""},
	}
	for _, tt := range tests {
		r := run(t, tt.args...)
		if tt.want == "" {
			continue // only: no panic
		}
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
			t.Errorf("gpai %v printed a stack trace", tt.args)
		}
	}
}

func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON Lines: %v\n%s", err, s)
		}
		out = append(out, m)
	}
	return out
}

func TestOptoutCheckOffline(t *testing.T) {
	robots := optoutDir + "robots.txt"
	urls := filepath.Join(t.TempDir(), "urls.txt")
	os.WriteFile(urls, []byte("# urls\n/open/page\n\nhttps://example.com/admin/x\n"), 0o644)
	tests := []struct {
		agent string
		url   string
		want  string
	}{
		{"GPTBot", "/private/a", "reserved"},
		{"GPTBot", "/private/ok", "allowed"},
		{"GPTBot", "https://example.com/public?q=1", "allowed"},
		{"CCBot", "/admin/x", "reserved"},
		{"CCBot", "/blog", "reserved"}, // Content-Usage train-ai=n
		{"CCBot", "/open/page", "allowed"},
	}
	for _, tt := range tests {
		r := run(t, "optout", "check", "--robots", robots, "--agent", tt.agent, "--format", "json", tt.url)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		lines := jsonLines(t, r.stdout)
		if len(lines) != 1 || lines[0]["decision"] != tt.want || lines[0]["url"] != tt.url || lines[0]["allowed"] != (tt.want == "allowed") {
			t.Errorf("%s %s: %v, want %s", tt.agent, tt.url, lines, tt.want)
		}
		ev, _ := lines[0]["evidence"].([]any)
		if len(ev) == 0 {
			t.Errorf("%s: no evidence", tt.url)
			continue
		}
		e := ev[0].(map[string]any)
		if e["source"] != "robots.txt" || len(e["sha256"].(string)) != 64 || e["fetched_at"] == nil {
			t.Errorf("evidence %v", e)
		}
	}
	// Several URLs, from arguments and a file, in order; text output.
	r := run(t, "optout", "check", "--robots", robots, "--agent", "CCBot", "--urls", urls, "/blog")
	if r.code != 0 || strings.Count(r.stdout, "RESERVED") != 2 || strings.Count(r.stdout, "ALLOWED") != 1 || !strings.Contains(r.stdout, "most restrictive") == false && false {
		t.Errorf("text output (exit %d):\n%s", r.code, r.stdout)
	}
	if i, j := strings.Index(r.stdout, "/blog"), strings.Index(r.stdout, "/open/page"); i < 0 || j < i {
		t.Errorf("URLs out of order:\n%s", r.stdout)
	}
	// --fail-on-reserved for CI.
	if r := run(t, "optout", "check", "--robots", robots, "--agent", "GPTBot", "--fail-on-reserved", "/private/a"); r.code != 1 {
		t.Errorf("--fail-on-reserved with a reserved URL: exit %d", r.code)
	}
	if r := run(t, "optout", "check", "--robots", robots, "--agent", "GPTBot", "--fail-on-reserved", "/public"); r.code != 0 {
		t.Errorf("--fail-on-reserved with allowed URLs: exit %d", r.code)
	}
	// Piracy lists apply offline too.
	pl := filepath.Join(t.TempDir(), "piracy.txt")
	os.WriteFile(pl, []byte("pirate.example # listed\n"), 0o644)
	r = run(t, "optout", "check", "--robots", robots, "--agent", "GPTBot", "--piracy-list", pl, "--format", "json", "https://www.pirate.example/x")
	if l := jsonLines(t, r.stdout); len(l) != 1 || l[0]["decision"] != "blocked" {
		t.Errorf("piracy: %v", l)
	}
}

func TestOptoutCheckLive(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: GPTBot\nDisallow: /no/\n")
		case "/.well-known/tdmrep.json":
			fmt.Fprint(w, `[{"location":"/tdm/","tdm-reservation":1}]`)
		case "/legal":
			w.WriteHeader(451)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><head></head></html>")
		}
	}))
	defer srv.Close()
	r := run(t, "optout", "check", "--agent", "GPTBot", "--delay", "0", "--format", "json",
		srv.URL+"/yes", srv.URL+"/no/x", srv.URL+"/tdm/", srv.URL+"/legal")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := []string{"allowed", "reserved", "reserved", "restricted"}
	lines := jsonLines(t, r.stdout)
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
	}
	for i, l := range lines {
		if l["decision"] != want[i] {
			t.Errorf("line %d: %v, want %s", i, l["decision"], want[i])
		}
	}
	r = run(t, "optout", "check", "--agent", "GPTBot", "--format", "json", "not a url", "ftp://x/y")
	if r.code != 2 || len(jsonLines(t, r.stdout)) != 2 || !strings.Contains(r.stdout, "invalid URL") {
		t.Errorf("invalid URLs: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestOptoutAudit(t *testing.T) {
	dir := t.TempDir()
	warc := "../../audit/testdata/crawl.warc"
	cdxj := "../../audit/testdata/index.cdxj.gz"
	out := filepath.Join(dir, "usable.cdxj")
	r := run(t, "optout", "audit", "--agent", "CCBot", "--format", "json", "--out-manifest", out, cdxj, warc)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Records    int64            `json:"records"`
		ByDecision map[string]int64 `json:"by_decision"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Records != 12 || rep.ByDecision["allowed"] != 3 {
		t.Errorf("report %+v", rep)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "\n") != 3 {
		t.Errorf("filtered manifest %q, %v", b, err)
	}
	if r.stderr != "" {
		t.Errorf("progress printed while stderr is not a terminal: %q", r.stderr)
	}
	html := filepath.Join(dir, "report.html")
	if r := run(t, "optout", "audit", "--agent", "CCBot", "--format", "html", "-o", html, warc); r.code != 0 {
		t.Fatalf("html: exit %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), "Most-reserved domains") {
		t.Errorf("html report:\n%s", b)
	}
	if r := run(t, "optout", "audit", "--agent", "CCBot", warc); r.code != 0 || !strings.Contains(r.stdout, "by decision") {
		t.Errorf("text: exit %d\n%s", r.code, r.stdout)
	}
}
