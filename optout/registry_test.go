package optout_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/optout"
)

var robotsTime = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const registryDoc = `{"reservations": [
  {"kind": "domain", "value": "News.Example.ORG", "acceptedAt": "2026-11-20T10:00:00Z"},
  {"kind": "url", "value": "https://Blog.Example.com/author/jane/", "acceptedAt": "2026-11-21T10:00:00Z"},
  {"kind": "work", "value": "ISBN 978-3-16-148410-0", "acceptedAt": "2026-11-22T10:00:00Z"}
], "total": 3}`

func TestRegistry(t *testing.T) {
	reg, err := optout.ParseRegistry(strings.NewReader(registryDoc), "registry.json")
	if err != nil {
		t.Fatal(err)
	}
	if n, w := reg.Len(); n != 2 || w != 1 {
		t.Errorf("Len = %d, %d; want 2, 1", n, w)
	}
	tests := []struct {
		url  string
		want bool
	}{
		{"https://news.example.org/a", true},
		{"http://www.news.example.org/b?c=d", true},
		{"https://example.org/", false},
		{"https://othernews.example.org/", false},
		{"https://blog.example.com/author/jane/post-1#top", true},
		{"HTTPS://BLOG.EXAMPLE.COM/author/jane/", true},
		{"https://blog.example.com/author/john/", false},
		{"not a url", false},
	}
	for _, tt := range tests {
		if _, got := reg.Match(tt.url); got != tt.want {
			t.Errorf("Match(%q) = %t, want %t", tt.url, got, tt.want)
		}
	}
	for _, bad := range []string{`{"reservations": [{"kind": "domain", "value": "a b"}]}`, `{"reservations": [{"kind": "url", "value": "ftp://x/"}]}`, `{"reservations": [{"kind": "isbn", "value": "1"}]}`, `not json`} {
		if _, err := optout.ParseRegistry(strings.NewReader(bad), "r"); err == nil || !strings.Contains(err.Error(), "optout: registry r") {
			t.Errorf("ParseRegistry(%q) error = %v", bad, err)
		}
	}
}

// An accepted reservation reserves a URL that robots.txt allows, and the
// evidence says where it came from.
func TestDecideRegistry(t *testing.T) {
	reg, _ := optout.ParseRegistry(strings.NewReader(registryDoc), "https://contact.example/api/reservations")
	p := &optout.Policy{Agents: []string{"LumenBot"}, Registry: reg}
	site := &optout.Site{Robots: optout.NewRobots("https://news.example.org/robots.txt", 200, []byte("User-agent: *\nAllow: /\n"), robotsTime)}
	res := p.Decide("https://news.example.org/article", site, nil)
	if res.Allowed || res.Decision != optout.Reserved || !strings.Contains(res.Reason, "accepted on 2026-11-20") {
		t.Errorf("Decide = %+v", res)
	}
	found := false
	for _, e := range res.Evidence {
		found = found || e.Source == optout.SourceRegistry && e.Where == "https://contact.example/api/reservations"
	}
	if !found {
		t.Errorf("no registry evidence: %+v", res.Evidence)
	}
	if res := p.Decide("https://elsewhere.example/", &optout.Site{Robots: optout.NewRobots("https://elsewhere.example/robots.txt", 404, nil, robotsTime)}, nil); !res.Allowed {
		t.Errorf("unlisted site: %+v", res)
	}
}
