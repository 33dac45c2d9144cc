package robots_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/robots"
)

// FuzzParse parses fuzzed files, seeded from testdata, and decides on
// fuzzed agents and paths: it must not panic, and Strict must allow exactly
// what both RFC and Google allow.
func FuzzParse(f *testing.F) {
	names, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), "urls") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "GPTBot", "/news/a.html?utm_source=x")
		f.Add(data, "AI2Bot", "/wp-admin/index.html")
		f.Add(data, "Googlebot", "/d/")
	}
	f.Add([]byte("User-agent: *\nAllow: /d/index.html\nDisallow: /\n"), "x", "/d/")
	f.Add([]byte("\xEF\xBBuser agent foo\ndissallow /%62\n"), "foo", "/b")
	f.Fuzz(func(t *testing.T, data []byte, agent, path string) {
		file := robots.ParseBytes(data)
		lines := strings.Count(string(data), "\n") + strings.Count(string(data), "\r") + 1
		paths := []string{path, "/" + path, robots.Path(path), "/robots.txt", ""}
		for _, p := range paths {
			s := file.Decide(agent, p, robots.Strict)
			r := file.Decide(agent, p, robots.RFC)
			g := file.Decide(agent, p, robots.Google)
			if s.Allowed && (!r.Allowed || !g.Allowed) {
				t.Fatalf("Decide(%q, %q): Strict allows, RFC %v, Google %v", agent, p, r, g)
			}
			if s.Allowed != (r.Allowed && g.Allowed) {
				t.Fatalf("Decide(%q, %q): Strict %v, RFC %v, Google %v", agent, p, s, r, g)
			}
			if file.Allowed(agent, p) != s.Allowed {
				t.Fatalf("Allowed(%q, %q) != Decide Strict", agent, p)
			}
			for _, d := range []robots.Decision{s, r, g} {
				if d.Rule.Line < 0 || d.Rule.Line > lines {
					t.Fatalf("Decide(%q, %q) = %v: line out of range", agent, p, d)
				}
				if d.Rule.Line != 0 && d.Allowed != (d.Rule.Kind == robots.Allow) {
					t.Fatalf("Decide(%q, %q) = %v: evidence contradicts the answer", agent, p, d)
				}
				_ = d.String()
			}
		}
		for _, rec := range file.Records {
			if rec.Line < 1 || rec.Line > lines || rec.Group >= len(file.Groups) {
				t.Fatalf("record %+v out of range", rec)
			}
		}
		if file.Size > robots.MaxSize {
			t.Fatalf("Size %d > MaxSize", file.Size)
		}
	})
}
