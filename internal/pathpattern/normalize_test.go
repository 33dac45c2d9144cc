package pathpattern

import (
	"strings"
	"testing"
)

// normalizePathStrings is NormalizePath as it was written with
// strings.ContainsAny and IndexAny, the reference for its byte loops.
func normalizePathStrings(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if !strings.HasPrefix(u, "/") {
		if i := strings.Index(u, "://"); i >= 0 && !strings.ContainsAny(u[:i], "/?") {
			rest := u[i+3:]
			j := strings.IndexAny(rest, "/?;")
			if j < 0 {
				rest = "/"
			} else {
				rest = rest[j:]
			}
			u = rest
		}
		if !strings.HasPrefix(u, "/") {
			u = "/" + u
		}
	}
	return normalize(u, true)
}

var normalizeCases = []string{
	"", "/", "/a/b?c", "https://example.com", "https://example.com/", "https://example.com?q=1",
	"https://example.com;jsessionid=1/x", "http://a.b/c#frag", "a/b://c", "?x://y/z", "x?://y/z",
	"https://ex%41mple.com/%7euser/*$", "https://é.example/ü", "mailto:x", "//host/path", "://x/y",
	"https://user:pw@host:8080/p;q?r", "https://host/a b\tc", "HTTPS://HOST", "http:/x",
}

func TestNormalizePath(t *testing.T) {
	for _, u := range normalizeCases {
		if got, want := NormalizePath(u), normalizePathStrings(u); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", u, got, want)
		}
	}
}

func FuzzNormalizePath(f *testing.F) {
	for _, u := range normalizeCases {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if got, want := NormalizePath(u), normalizePathStrings(u); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", u, got, want)
		}
	})
}
