package optout_test

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func rob(body string) *optout.Robots {
	return optout.NewRobots("https://example.com/robots.txt", 200, []byte(body), t0)
}

func tdm(t testing.TB, body string) *optout.TDMRep {
	t.Helper()
	f, err := tdmrep.ParseFile(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return &optout.TDMRep{URL: "https://example.com/.well-known/tdmrep.json", Status: 200, File: f, SHA256: optout.Hash([]byte(body)), FetchedAt: t0}
}

func html(t *testing.T, doc string) *htmlmeta.Document {
	t.Helper()
	d, err := htmlmeta.Config{Body: true}.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

const allowAll = "User-agent: *\nAllow: /\n"

// TestDecide covers the decision procedure of optout.md section 9, one
// behaviour per case.
func TestDecide(t *testing.T) {
	bl := optout.NewBlocklist(optout.BlockEntry{Domain: "pirate.example", File: "list.txt", Line: 3})
	tests := []struct {
		name    string
		agents  []string
		purpose aipref.Purpose
		profile robots.Profile
		url     string
		site    func(t *testing.T) *optout.Site
		page    func(t *testing.T) *optout.Page
		want    optout.Decision
		source  string // the source of the first deciding evidence
		reason  string // a substring of the reason
	}{
		// 1. robots.txt
		{name: "robots disallows agent", url: "https://example.com/private/a",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: GPTBot\nDisallow: /private/\n")}
			},
			want: optout.Reserved, source: "robots.txt", reason: `"Disallow: /private/"`},
		{name: "robots allows agent", url: "https://example.com/public",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: GPTBot\nDisallow: /private/\n")}
			},
			want: optout.Allowed, source: "robots.txt"},
		{name: "star group applies when no group names agent", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: *\nDisallow: /\n")} },
			want: optout.Reserved, source: "robots.txt"},
		{name: "named group replaces star", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nDisallow: /\n\nUser-agent: GPTBot\nAllow: /\n")}
			},
			want: optout.Allowed},
		{name: "any agent token disallowed reserves", agents: []string{"MyBot", "GPTBot"}, url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: GPTBot\nDisallow: /\n")} },
			want: optout.Reserved, reason: "GPTBot"},
		{name: "strict profile: google reading disallows", profile: robots.Strict, url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: GPTBot\nDisallowed: /\n")} },
			want: optout.Reserved},
		{name: "rfc profile ignores google-only key", profile: robots.RFC, url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: GPTBot\nDisallowed: /\n")} },
			want: optout.Allowed},
		{name: "robots unavailable 404 allows all", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: &optout.Robots{Status: 404}} },
			want: optout.Allowed, reason: "HTTP 404"},
		{name: "robots 403 allows all", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: &optout.Robots{Status: 403}} },
			want: optout.Allowed},
		{name: "robots too many redirects is unavailable", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: &optout.Robots{Status: 301, Redirects: 6}} },
			want: optout.Allowed, reason: "redirects more than 5"},
		{name: "robots 503 disallows all", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: &optout.Robots{Status: 503}} },
			want: optout.Unknown, reason: "complete disallow"},
		{name: "robots 429 disallows all", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: &optout.Robots{Status: 429}} },
			want: optout.Unknown},
		{name: "robots unreachable disallows all", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: &optout.Robots{Err: "dial tcp: connection refused"}}
			},
			want: optout.Unknown, reason: "connection refused"},
		{name: "robots not known", url: "https://example.com/x", want: optout.Unknown, reason: "not known"},
		{name: "unknown robots with explicit permissions stays unknown", url: "https://example.com/x",
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Usage", "train-ai=y", "Tdm-Reservation", "0")}
			},
			want: optout.Unknown},

		// 2. AIPREF Content-Usage
		{name: "content-usage rule train-ai=n", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nAllow: /\nContent-Usage: train-ai=n\n")}
			},
			want: optout.Reserved, source: "content-usage"},
		{name: "content-usage longest path rule wins", url: "https://example.com/ai-ok/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nAllow: /\nDisallow: /never/\nContent-Usage: train-ai=n\nContent-Usage: /ai-ok/ train-ai=y\n")}
			},
			want: optout.Allowed},
		{name: "content-usage not read for disallowed path", url: "https://example.com/never/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nDisallow: /never/\nContent-Usage: /never/ train-ai=y\n")}
			},
			want: optout.Reserved, source: "robots.txt"},
		{name: "content-usage of other agent's group ignored", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: CCBot\nAllow: /\nContent-Usage: train-ai=n\n\nUser-agent: *\nAllow: /\n")}
			},
			want: optout.Allowed},
		{name: "content-usage header train-ai=n", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Usage", "train-ai=n")}
			},
			want: optout.Reserved, source: "content-usage"},
		{name: "header disallow beats robots rule allow", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nAllow: /\nContent-Usage: train-ai=y\n")}
			},
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Usage", "train-ai=n")}
			},
			want:   optout.Reserved,
			reason: "most restrictive"},
		{name: "malformed content-usage expresses nothing", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Usage", "TRAIN-AI=n")}
			},
			want: optout.Allowed},
		{name: "search purpose reads search label", purpose: aipref.PurposeSearch, url: "https://example.com/x",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Usage", "train-ai=n, search=y")}
			},
			want: optout.Allowed},

		// 3. Content-Signal
		{name: "content-signal ai-train=no", url: "https://example.com/x",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n")}
			},
			want: optout.Reserved, source: "content-signal"},
		{name: "content-signal ai-train=yes does not override tdmrep", url: "https://example.com/x",
			site: func(t *testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nContent-Signal: ai-train=yes\nAllow: /\n"), TDMRep: tdm(t, `[{"location":"/","tdm-reservation":1}]`)}
			},
			want: optout.Reserved, source: "tdmrep", reason: "overrides the permission of content-signal"},

		// 4. TDMRep
		{name: "tdmrep.json first matching rule", url: "https://example.com/free/a",
			site: func(t *testing.T) *optout.Site {
				return &optout.Site{Robots: rob(allowAll), TDMRep: tdm(t, `[{"location":"/free/*","tdm-reservation":0},{"location":"/","tdm-reservation":1}]`)}
			},
			want: optout.Allowed},
		{name: "tdmrep.json reserves", url: "https://example.com/paid/a",
			site: func(t *testing.T) *optout.Site {
				return &optout.Site{Robots: rob(allowAll), TDMRep: tdm(t, `[{"location":"/free/*","tdm-reservation":0},{"location":"/","tdm-reservation":1}]`)}
			},
			want: optout.Reserved, source: "tdmrep"},
		{name: "tdm header supersedes file", url: "https://example.com/a",
			site: func(t *testing.T) *optout.Site {
				return &optout.Site{Robots: rob(allowAll), TDMRep: tdm(t, `[{"location":"/","tdm-reservation":0}]`)}
			},
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 200, Header: hdr("tdm-reservation", "1")} },
			want: optout.Reserved, reason: "header"},
		{name: "tdm meta supersedes header", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(t *testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Tdm-Reservation", "1"), HTML: html(t, `<head><meta name="tdm-reservation" content="0"></head>`)}
			},
			want: optout.Allowed},
		{name: "tdm invalid value is unset", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 200, Header: hdr("Tdm-Reservation", "yes")} },
			want: optout.Allowed},

		// 5. noai
		{name: "x-robots-tag noai", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("X-Robots-Tag", "noindex, noai")}
			},
			want: optout.Reserved, source: "noai"},
		{name: "x-robots-tag scoped to other agent", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("X-Robots-Tag", "otherbot: noai")}
			},
			want: optout.Allowed},
		{name: "x-robots-tag scoped to this agent", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("X-Robots-Tag", "gptbot: noai")}
			},
			want: optout.Reserved},
		{name: "meta robots noai", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(t *testing.T) *optout.Page {
				return &optout.Page{Status: 200, HTML: html(t, `<head><meta name="robots" content="noai, noimageai"></head>`)}
			},
			want: optout.Reserved, source: "noai"},
		{name: "noimageai on html page reserves only images", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Type", "text/html", "X-Robots-Tag", "noimageai")}
			},
			want: optout.Allowed},
		{name: "noimageai on an image", url: "https://example.com/a.jpg",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{Status: 200, Header: hdr("Content-Type", "image/jpeg", "X-Robots-Tag", "noimageai")}
			},
			want: optout.Reserved},

		// Access controls.
		{name: "401", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 401} }, want: optout.Restricted, source: "http-status"},
		{name: "402", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 402} }, want: optout.Restricted},
		{name: "403", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 403} }, want: optout.Restricted},
		{name: "407", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 407} }, want: optout.Restricted},
		{name: "451", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 451} }, want: optout.Restricted, reason: "451"},
		{name: "404 page is not an access control", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 404} }, want: optout.Allowed},
		{name: "login wall redirect", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(*testing.T) *optout.Page {
				return &optout.Page{URL: "https://example.com/a", FinalURL: "https://example.com/account/login?next=/a", Status: 200}
			},
			want: optout.Restricted, source: "login-wall"},
		{name: "isAccessibleForFree false", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(t *testing.T) *optout.Page {
				return &optout.Page{Status: 200, HTML: html(t, `<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script></head></html>`)}
			},
			want: optout.Restricted, source: "schema.org"},
		{name: "isAccessibleForFree true", url: "https://example.com/a", site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} },
			page: func(t *testing.T) *optout.Page {
				return &optout.Page{Status: 200, HTML: html(t, `<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true}</script></head></html>`)}
			},
			want: optout.Allowed},

		// Piracy lists and the order of restrictiveness.
		{name: "piracy domain", url: "https://pirate.example/film", want: optout.Blocked, source: "piracy-list"},
		{name: "piracy subdomain", url: "https://www.cdn.pirate.example:8443/film", want: optout.Blocked},
		{name: "piracy list does not match similar names", url: "https://notpirate.example/film",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob(allowAll)} }, want: optout.Allowed},
		{name: "blocked beats restricted and reserved", url: "https://pirate.example/film",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: *\nDisallow: /\n")} },
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 451} }, want: optout.Blocked},
		{name: "restricted beats reserved", url: "https://example.com/a",
			site: func(*testing.T) *optout.Site {
				return &optout.Site{Robots: rob("User-agent: *\nAllow: /\nContent-Usage: train-ai=n\n")}
			},
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 402} }, want: optout.Restricted},
		{name: "reserved beats unknown", url: "https://example.com/a",
			page: func(*testing.T) *optout.Page { return &optout.Page{Status: 200, Header: hdr("X-Robots-Tag", "noai")} },
			want: optout.Reserved},
		{name: "offline path only", url: "/private/a",
			site: func(*testing.T) *optout.Site { return &optout.Site{Robots: rob("User-agent: *\nDisallow: /private\n")} },
			want: optout.Reserved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &optout.Policy{Agents: tt.agents, Purpose: tt.purpose, Profile: tt.profile, Blocklist: bl}
			if p.Agents == nil {
				p.Agents = []string{"GPTBot"}
			}
			var site *optout.Site
			var page *optout.Page
			if tt.site != nil {
				site = tt.site(t)
			}
			if tt.page != nil {
				page = tt.page(t)
			}
			got := p.Decide(tt.url, site, page)
			if got.Decision != tt.want || got.Allowed != (tt.want == optout.Allowed) {
				t.Fatalf("Decide(%q) = %v (allowed %v), want %v\nreason: %s\nevidence: %v", tt.url, got.Decision, got.Allowed, tt.want, got.Reason, got.Evidence)
			}
			if tt.source != "" {
				d := got.Deciding()
				if len(d) == 0 || d[0].Source != tt.source {
					t.Errorf("deciding evidence %v, want source %s", d, tt.source)
				}
			}
			if !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", got.Reason, tt.reason)
			}
			if !strings.HasPrefix(got.Reason, tt.want.String()) {
				t.Errorf("reason %q does not start with the decision", got.Reason)
			}
		})
	}
}

func TestEvidenceFields(t *testing.T) {
	body := "User-agent: GPTBot\nDisallow: /a\n"
	p := &optout.Policy{Agents: []string{"GPTBot"}}
	got := p.Decide("https://example.com/a", &optout.Site{Robots: rob(body)}, nil)
	if len(got.Evidence) != 1 {
		t.Fatalf("evidence %v", got.Evidence)
	}
	e := got.Evidence[0]
	want := optout.Evidence{Source: "robots.txt", Decision: optout.Reserved, Agent: "GPTBot", Where: "https://example.com/robots.txt", Line: 2,
		Rule: "Disallow: /a", Value: "/a", FetchedAt: t0, SHA256: optout.Hash([]byte(body))}
	e.Detail = ""
	if e != want {
		t.Errorf("evidence = %+v\nwant %+v", e, want)
	}
}

func TestDecisionOrder(t *testing.T) {
	for i := 1; i < len(optout.Decisions); i++ {
		if optout.Decisions[i-1].Rank() >= optout.Decisions[i].Rank() {
			t.Errorf("%v ranks not below %v", optout.Decisions[i-1], optout.Decisions[i])
		}
	}
	for _, d := range optout.Decisions {
		b, _ := d.MarshalText()
		var back optout.Decision
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Errorf("round trip of %v: %v, %v", d, back, err)
		}
	}
}

func TestValidAgent(t *testing.T) {
	for s, want := range map[string]bool{"GPTBot": true, "Google-Extended": true, "my_bot": true, "": false, "*": false, "AI2Bot": false, "Mozilla/5.0": false, "Foo Bar": false} {
		if got := optout.ValidAgent(s); got != want {
			t.Errorf("ValidAgent(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestLoginPage(t *testing.T) {
	for u, want := range map[string]bool{"https://x.com/login": true, "https://x.com/account/sign-in?r=1": true, "https://x.com/signin.php": true,
		"https://x.com/blog/logging": false, "https://x.com/": false, "://bad": false} {
		if got := optout.LoginPage(u); got != want {
			t.Errorf("LoginPage(%q) = %v, want %v", u, got, want)
		}
	}
}

func open(name string) optout.BlockSource {
	return optout.BlockSource{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }}
}

func TestBlocklist(t *testing.T) {
	bl, err := optout.LoadBlocklist(open("testdata/piracy-a.txt"), open("testdata/piracy-b.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if bl.Len() != 5 {
		t.Errorf("Len = %d, want 5", bl.Len())
	}
	tests := []struct {
		host string
		want bool
		line int
	}{
		{"pirate-movies.example", true, 2},
		{"www.pirate-movies.example", true, 2},
		{"PIRATE-MOVIES.EXAMPLE.", true, 2},
		{"stream-free.to", true, 3},
		{"a.b.stream-free.to", true, 3},
		{"warez.example.net", true, 4},
		{"cdn.warez.example.net", true, 4},
		{"example.net", false, 0},
		{"books-free.example.org", true, 5},
		{"mirror.example.com", true, 1},
		{"www.mirror.example.com", true, 1},
		{"example.com", false, 0},
		{"other.example.com", false, 0},
		{"notpirate-movies.example", false, 0},
		{"127.0.0.1", false, 0},
		{"", false, 0},
	}
	for _, tt := range tests {
		e, ok := bl.Match(tt.host)
		if ok != tt.want || e.Line != tt.line {
			t.Errorf("Match(%q) = %+v, %v; want line %d, %v", tt.host, e, ok, tt.line, tt.want)
		}
	}
	var nilList *optout.Blocklist
	if _, ok := nilList.Match("x.com"); ok {
		t.Error("nil Blocklist matched")
	}
}

func TestBlocklistReload(t *testing.T) {
	content := "one.example\n"
	src := optout.BlockSource{Name: "mem", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }}
	bl, err := optout.LoadBlocklist(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bl.Match("one.example"); !ok {
		t.Fatal("one.example not listed")
	}
	content = "two.example\n"
	if err := bl.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, ok := bl.Match("one.example"); ok {
		t.Error("one.example still listed after reload")
	}
	if _, ok := bl.Match("www.two.example"); !ok {
		t.Error("www.two.example not listed after reload")
	}
	content = "co.uk\n"
	if err := bl.Reload(); err == nil {
		t.Error("reload of a bad list succeeded")
	}
	if _, ok := bl.Match("two.example"); !ok {
		t.Error("a failed reload dropped the entries in use")
	}
}

func TestParseBlocklistErrors(t *testing.T) {
	in := "good.example\nco.uk\ncom\n10.0.0.1\nhas space.example\nblogspot.com\nhttp://\nok.blogspot.com\n"
	entries, err := optout.ParseBlocklist(strings.NewReader(in), "list.txt")
	var probs gpai.Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err = %v, want gpai.Problems", err)
	}
	var lines []int
	for _, p := range probs {
		lines = append(lines, p.Pos.Line)
	}
	if got, want := lines, []int{2, 3, 4, 5, 6, 7}; !equal(got, want) {
		t.Errorf("bad lines %v, want %v (%v)", got, want, probs)
	}
	if len(entries) != 2 || entries[1].Domain != "ok.blogspot.com" {
		t.Errorf("entries %v", entries)
	}
	_, err = optout.ParseBlocklist(strings.NewReader(strings.Repeat("a", optout.MaxBlocklistLine+10)), "long.txt")
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long line: %v", err)
	}
	if e, err := optout.ParseBlocklist(strings.NewReader("bücher.example\n"), "idn"); err != nil || e[0].Domain != "xn--bcher-kva.example" {
		t.Errorf("IDN entry: %v, %v", e, err)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRegisteredDomain(t *testing.T) {
	for h, want := range map[string]string{"www.example.co.uk": "example.co.uk", "foo.blogspot.com": "foo.blogspot.com", "127.0.0.1": "127.0.0.1", "localhost": "localhost", "WWW.Example.COM.": "example.com"} {
		if got := optout.RegisteredDomain(h); got != want {
			t.Errorf("RegisteredDomain(%q) = %q, want %q", h, got, want)
		}
	}
}

func FuzzParseBlocklist(f *testing.F) {
	for _, name := range []string{"testdata/piracy-a.txt", "testdata/piracy-b.txt"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xef\xbb\xbfexample.com\n\x00\xff\n*.\n..\nhttp://[::1]/\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, _ := optout.ParseBlocklist(strings.NewReader(string(b)), "fuzz")
		bl := optout.NewBlocklist(entries...)
		for _, e := range entries {
			if _, ok := bl.Match(e.Domain); !ok {
				t.Errorf("entry %q does not match itself", e.Domain)
			}
			if _, ok := bl.Match("sub." + e.Domain); !ok {
				t.Errorf("entry %q does not match its subdomain", e.Domain)
			}
		}
	})
}
