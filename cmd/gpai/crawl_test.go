package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gpai-project/gpai"
)

// runCrawlCLI runs gpai with args like run, with the crawl command added
// to the root if it is not registered there yet.
func runCrawlCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	root := m.rootCommand()
	if c, _, err := root.Find([]string{"crawl"}); err != nil || c == root {
		root.AddCommand(m.crawlCommand())
	}
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	code := exitOK
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, &ue):
		code = exitUsage
		fmt.Fprintf(&errb, "gpai: %v\nTry: %s\n", ue.err, ue.hint)
	case gpai.ErrorCode(err) != gpai.EINTERNAL:
		code = exitUsage
		fmt.Fprintf(&errb, "gpai: %s\n", gpai.ErrorMessage(err))
	default:
		code = exitUsage
		fmt.Fprintf(&errb, "gpai: %v\n", err)
	}
	return result{code, out.String(), errb.String()}
}

const crawlUA = "Mozilla/5.0 (compatible; LumenBot/1.0; +https://lumen.example/bot)"

func TestCrawlCommand(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		if r.UserAgent() != crawlUA {
			t.Errorf("User-Agent %q", r.UserAgent())
		}
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: LumenBot\nDisallow: /private/\n")
		case "/":
			fmt.Fprint(w, `<html><body><a href="/a">a</a> <a href="/private/x">x</a> <a href="/noai">n</a> <a href="https://elsewhere.example/">e</a></body></html>`)
		case "/a":
			fmt.Fprint(w, `<html><body>article</body></html>`)
		case "/noai":
			w.Header().Set("X-Robots-Tag", "noai")
			fmt.Fprint(w, `<html><body>reserved</body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "crawl")
	args := []string{"crawl", "--agent", "LumenBot", "--user-agent", crawlUA, "--out", dir, "--delay", "0", "--per-host", "2", "-q", srv.URL + "/"}
	r := runCrawlCLI(t, args...)
	if r.code != 0 {
		t.Fatalf("crawl: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"crawl finished", "fetched           2", "reserved          2", "out-of-scope      1", "next:   gpai crawlstats"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	if hits["/private/x"] != 0 || hits["/a"] != 1 || hits["/noai"] != 1 {
		t.Errorf("requests %v", hits)
	}
	b, err := os.ReadFile(filepath.Join(dir, "ledger.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("ledger has %d lines, want 5:\n%s", n, b)
	}

	// The WARC files feed crawlstats and optout audit directly.
	content, _ := filepath.Glob(filepath.Join(dir, "warc", "*.warc.gz"))
	captures, _ := filepath.Glob(filepath.Join(dir, "robotstxt", "*.warc.gz"))
	if len(content) != 1 || len(captures) != 1 {
		t.Fatalf("WARC files %v %v", content, captures)
	}
	if r := run(t, append([]string{"crawlstats", "--format", "json"}, content...)...); r.code != 0 || !strings.Contains(r.stdout, `"records": 2`) {
		t.Errorf("crawlstats: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"optout", "audit", "--agent", "LumenBot", "--format", "json"}, append(content, captures...)...)...); r.code != 0 || !strings.Contains(r.stdout, `"allowed": 2`) {
		t.Errorf("optout audit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Run again: nothing is fetched again, nothing written twice.
	r = runCrawlCLI(t, append(args, "--format", "json")...)
	if r.code != 0 {
		t.Fatalf("second crawl: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var sum struct {
		Fetched int `json:"fetched"`
		Runs    int `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || sum.Fetched != 2 || sum.Runs != 2 {
		t.Errorf("second crawl: %s (%v)", r.stdout, err)
	}
	if hits["/"] != 1 || hits["/a"] != 1 {
		t.Errorf("requests after the second run %v", hits)
	}
	b2, _ := os.ReadFile(filepath.Join(dir, "ledger.jsonl"))
	if !bytes.Equal(b, b2) {
		t.Errorf("the second run changed the ledger")
	}
}

func TestCrawlUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no agent", []string{"crawl", "--user-agent", crawlUA, "--out", dir, "http://example.com/"}, "--agent is required"},
		{"agent not a token", []string{"crawl", "--agent", "LumenBot/1.0", "--user-agent", crawlUA, "--out", dir, "http://example.com/"}, "not a product token"},
		{"no user agent", []string{"crawl", "--agent", "LumenBot", "--out", dir, "http://example.com/"}, "--user-agent is required"},
		{"user agent without the token", []string{"crawl", "--agent", "LumenBot", "--user-agent", "curl/8", "--out", dir, "http://example.com/"}, "does not contain the product token"},
		{"no out", []string{"crawl", "--agent", "LumenBot", "--user-agent", crawlUA, "http://example.com/"}, "--out is required"},
		{"no seed", []string{"crawl", "--agent", "LumenBot", "--user-agent", crawlUA, "--out", dir}, "no seed"},
		{"bad per-host", []string{"crawl", "--agent", "LumenBot", "--user-agent", crawlUA, "--out", dir, "--per-host", "0", "http://example.com/"}, "--per-host"},
		{"bad format", []string{"crawl", "--agent", "LumenBot", "--user-agent", crawlUA, "--out", dir, "--format", "xml", "http://example.com/"}, "unknown --format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCrawlCLI(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
	if r := runCrawlCLI(t, "crawl", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
		t.Errorf("crawl --help: exit %d", r.code)
	}
}

// TestCrawlFromDossier takes the crawler's identity from copyright.yaml.
func TestCrawlFromDossier(t *testing.T) {
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>t</title></head><body>hello</body></html>")
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "crawl")
	r := run(t, "crawl", "-q", "--dossier", exdir+"api-model", "--out", out, "--max-depth", "0", srv.URL+"/page")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("no request")
	}
	for _, a := range agents {
		if !strings.Contains(a, "MeridianBot/1.0") {
			t.Errorf("User-Agent %q is not MeridianBot's from copyright.yaml", a)
		}
	}
	if r := run(t, "crawl", "--dossier", exdir+"api-model", "--crawler", "Nope", "--out", out, srv.URL); r.code != 2 || !strings.Contains(r.stderr, `no crawler "Nope"`) {
		t.Errorf("unknown crawler: exit %d %s", r.code, r.stderr)
	}
}
