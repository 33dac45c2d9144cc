package robots_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/robots"
)

// A decideCase checks one decision under the RFC and Google profiles;
// Strict must allow exactly when both do.
type decideCase struct {
	name    string
	section string // of optout.md
	robots  string
	agent   string
	path    string
	rfc     bool // allowed under RFC 9309
	google  bool // allowed by Google's parser
}

func runDecide(t *testing.T, tests []decideCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.section+" "+tt.name, func(t *testing.T) {
			f := robots.ParseString(tt.robots)
			if got := f.Decide(tt.agent, tt.path, robots.RFC); got.Allowed != tt.rfc {
				t.Errorf("Decide(%q, %q, RFC) = %v, want allowed=%v", tt.agent, tt.path, got, tt.rfc)
			}
			if got := f.Decide(tt.agent, tt.path, robots.Google); got.Allowed != tt.google {
				t.Errorf("Decide(%q, %q, Google) = %v, want allowed=%v", tt.agent, tt.path, got, tt.google)
			}
			want := tt.rfc && tt.google
			if got := f.Decide(tt.agent, tt.path, robots.Strict); got.Allowed != want {
				t.Errorf("Decide(%q, %q, Strict) = %v, want allowed=%v", tt.agent, tt.path, got, want)
			}
			if got := f.Allowed(tt.agent, tt.path); got != want {
				t.Errorf("Allowed(%q, %q) = %v, want %v", tt.agent, tt.path, got, want)
			}
		})
	}
}

func TestRFC(t *testing.T) {
	runDecide(t, []decideCase{
		// §1.2 line grammar
		{"keys are case-insensitive", "§1.2", "USER-AGENT: a\nDISALLOW: /x\n", "a", "/x", false, false},
		{"mixed-case keys", "§1.2", "uSeR-aGeNt: a\ndIsAlLoW: /x\nAlLoW: /x/y\n", "a", "/x/y", true, true},
		{"comment after rule", "§1.2", "User-agent: a\nDisallow: /x # not /y\n", "a", "/x", false, false},
		{"comment cuts pattern", "§1.2", "User-agent: a\nDisallow: /x#y\n", "a", "/x", false, false},
		{"comment line", "§1.2", "User-agent: a\n# Disallow: /\n", "a", "/x", true, true},
		{"CR line ends", "§1.2", "User-agent: a\rDisallow: /x\r", "a", "/x", false, false},
		{"CRLF line ends", "§1.2", "User-agent: a\r\nDisallow: /x\r\n", "a", "/x", false, false},
		{"white space around colon", "§1.2", "User-agent \t:\t a\nDisallow  :   /x\n", "a", "/x", false, false},
		{"no space after colon", "§1.2", "User-agent:a\nDisallow:/x\n", "a", "/x", false, false},
		{"tab indentation", "§1.2", "\tUser-agent: a\n\tDisallow: /x\n", "a", "/x", false, false},
		// §1.3 groups
		{"consecutive agents share a group", "§1.3", "User-agent: a\nUser-agent: b\nDisallow: /x\n", "b", "/x", false, false},
		{"blank lines do not end a group", "§1.3", "User-agent: a\n\nUser-agent: b\n\nDisallow: /x\n\nDisallow: /y\n", "a", "/y", false, false},
		{"sitemap between agents", "§1.3", "User-agent: a\nSitemap: https://e/s.xml\nUser-agent: *\nDisallow: /\n", "a", "/", false, false},
		{"unknown key between agents", "§1.3", "User-agent: a\nInvalid-Unknown-Line: unknown\nUser-agent: *\nDisallow: /\n", "a", "/", false, false},
		{"crawl-delay between agents", "§1.3", "User-agent: a\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n", "a", "/", false, false},
		{"content-usage between rules", "§1.3", "User-agent: a\nDisallow: /x\nContent-Usage: train-ai=n\nDisallow: /y\n", "a", "/y", false, false},
		{"rule ends the group", "§1.3", "User-agent: a\nDisallow: /x\nUser-agent: b\nDisallow: /y\n", "a", "/y", true, true},
		{"rules before any group ignored", "§1.3", "Disallow: /\nUser-agent: a\nAllow: /x\n", "a", "/y", true, true},
		{"rules before any group ignored for *", "§1.3", "Disallow: /\n\nUser-agent: *\nAllow: /x\n", "b", "/y", true, true},
		{"empty last group allows", "§1.3", "User-agent: *\nDisallow: /\nUser-agent: a\n", "a", "/x", true, true},
		// §1.4 which group applies
		{"token case-insensitive", "§1.4", "User-agent: ExampleBot\nDisallow: /\n", "examplebot", "/x", false, false},
		{"groups merged", "§1.4", "User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /y\n\nUser-agent: a\nDisallow: /z\n", "a", "/z", false, false},
		{"groups merged, first group", "§1.4", "User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /y\n\nUser-agent: a\nDisallow: /z\n", "a", "/x", false, false},
		{"* when no group matches", "§1.4", "User-agent: a\nAllow: /\nUser-agent: *\nDisallow: /\n", "b", "/x", false, false},
		{"specific group replaces *", "§1.4", "User-agent: *\nDisallow: /x\nUser-agent: a\nDisallow: /y\n", "a", "/x", true, true},
		{"several * groups merged", "§1.4", "User-agent: *\nDisallow: /x\nUser-agent: a\nDisallow: /\nUser-agent: *\nDisallow: /y\n", "b", "/y", false, false},
		{"no * and no match", "§1.4", "User-agent: a\nDisallow: /\n", "b", "/x", true, true},
		{"no groups at all", "§1.4", "Sitemap: https://e/s.xml\n", "b", "/x", true, true},
		{"empty file", "§1.4", "", "b", "/x", true, true},
		{"no prefix matching of agent", "§1.4", "User-agent: Google\nDisallow: /\n", "Googlebot", "/x", true, true},
		{"no substring matching of agent", "§1.4", "User-agent: Googlebot\nDisallow: /\n", "Googlebot-News", "/x", true, true},
		// §1.5 allow / disallow evaluation
		{"path is case-sensitive", "§1.5", "User-agent: a\nDisallow: /X/\n", "a", "/x/y", true, true},
		{"anchored at the start", "§1.5", "User-agent: a\nDisallow: /fish\n", "a", "/catfish", true, true},
		{"longest match wins: disallow", "§1.5", "User-agent: a\nAllow: /x/\nDisallow: /x/page.html\n", "a", "/x/page.html", false, false},
		{"longest match wins: allow", "§1.5", "User-agent: a\nDisallow: /x/\nAllow: /x/page.html\n", "a", "/x/page.html", true, true},
		{"allow wins ties", "§1.5", "User-agent: a\nDisallow: /x\nAllow: /x\n", "a", "/x", true, true},
		{"allow wins ties, other order", "§1.5", "User-agent: a\nAllow: /x\nDisallow: /x\n", "a", "/x", true, true},
		{"wildcards count in length", "§1.5", "User-agent: a\nAllow: /page\nDisallow: /*.html\n", "a", "/page.html", false, false},
		{"wildcards count in length 2", "§1.5", "User-agent: a\nAllow: /x/page.\nDisallow: /*.html\n", "a", "/x/page.html", true, true},
		{"$ counts in length", "§1.5", "User-agent: a\nDisallow: /ab\nAllow: /a$\n", "a", "/a", true, true},
		{"query is matched", "§1.5", "User-agent: a\nDisallow: /*?s=\n", "a", "/p?s=1", false, false},
		{"no rule matches", "§1.5", "User-agent: a\nDisallow: /x\n", "a", "/y", true, true},
		{"empty disallow allows", "§1.5", "User-agent: a\nDisallow:\n", "a", "/x", true, true},
		{"empty allow and disallow", "§1.5", "User-agent: a\nDisallow:\nAllow:\n", "a", "/x", true, true},
		{"* matches /", "§1.5", "User-agent: a\nDisallow: /a*c\n", "a", "/ab/c", false, false},
		{"* matches nothing", "§1.5", "User-agent: a\nDisallow: /a*b\n", "a", "/ab", false, false},
		{"$ anchors the end", "§1.5", "User-agent: a\nDisallow: /*.pdf$\n", "a", "/a.pdf?x", true, true},
		{"$ anchors the end, match", "§1.5", "User-agent: a\nDisallow: /*.pdf$\n", "a", "/a.pdf", false, false},
		{"$ in the middle is literal", "§1.5", "User-agent: a\nDisallow: /a$b\n", "a", "/a$b", false, false},
		{"$ in the middle is literal, no match", "§1.5", "User-agent: a\nDisallow: /a$b\n", "a", "/a", true, true},
		{"%2A is a literal *", "§1.5", "User-agent: a\nDisallow: /a%2A\n", "a", "/a%2A", false, false},
		{"%2A does not match any", "§1.5", "User-agent: a\nDisallow: /a%2A\n", "a", "/ab", true, true},
		{"%24 is a literal $", "§1.5", "User-agent: a\nDisallow: /a%24\n", "a", "/a%24b", false, false},
		{"pattern without slash", "§1.10", "User-agent: *\nDisallow: *.gif$\n", "a", "/x/y.gif", false, false},
		{"/robots.txt", "§1.5", "User-agent: *\nDisallow: /\n", "a", "/robots.txt", true, false},
		// §1.6 percent-encoding
		{"unreserved escapes decoded", "§1.6", "User-agent: a\nDisallow: /foo/bar/%62%61%7A\n", "a", "/foo/bar/baz", false, true},
		{"unreserved escapes in path decoded", "§1.6", "User-agent: a\nDisallow: /foo/bar/baz\n", "a", "/foo/bar/%62%61%7A", false, true},
		{"non-ASCII in rule and path", "§1.6", "User-agent: a\nDisallow: /foo/bar/ツ\n", "a", "/foo/bar/ツ", false, true},
		{"non-ASCII rule, encoded path", "§1.6", "User-agent: a\nDisallow: /foo/bar/ツ\n", "a", "/foo/bar/%E3%83%84", false, false},
		{"hex case", "§1.6", "User-agent: a\nDisallow: /%AA\n", "a", "/%aa", false, true},
		{"%2F is not /", "§1.6", "User-agent: a\nDisallow: /a/b\n", "a", "/a%2Fb", true, true},
		{"reserved characters unencoded", "§1.6", "User-agent: a\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n", "a", "/foo/bar?qux=taz&baz=http://foo.bar?tar&par", true, true},
	})
}

func TestGoogleDifferences(t *testing.T) {
	runDecide(t, []decideCase{
		// §2.1 parsing leniencies
		{"key by prefix: Disallowed", "§2.1", "User-agent: a\nDisallowed: /x\n", "a", "/x", true, false},
		{"key by prefix: allow-this", "§2.1", "User-agent: a\nDisallow: /\nallow-this: /y\n", "a", "/y", false, true},
		{"key by prefix: User-agentx", "§2.1", "User-agentx: a\nDisallow: /x\n", "a", "/x", true, false},
		{"typo useragent", "§2.1", "useragent: a\nDisallow: /x\n", "a", "/x", true, false},
		{"typo user agent", "§2.1", "user agent: a\nDisallow: /x\n", "a", "/x", true, false},
		{"typo dissallow", "§2.1", "User-agent: a\ndissallow: /x\n", "a", "/x", true, false},
		{"typo dissalow", "§2.1", "User-agent: a\ndissalow: /x\n", "a", "/x", true, false},
		{"typo disalow", "§2.1", "User-agent: a\ndisalow: /x\n", "a", "/x", true, false},
		{"typo diasllow", "§2.1", "User-agent: a\ndiasllow: /x\n", "a", "/x", true, false},
		{"typo disallaw", "§2.1", "User-agent: a\ndisallaw: /x\n", "a", "/x", true, false},
		{"typo by prefix Dissallowed", "§2.1", "User-agent: a\nDissallowed: /x\n", "a", "/x", true, false},
		{"no typos for allow", "§2.1", "User-agent: a\nDisallow: /\nalow: /x\n", "a", "/x", false, false},
		{"missing colon, two words", "§2.1", "user-agent a\ndisallow /x\n", "a", "/x", true, false},
		{"missing colon, three words", "§2.1", "User-agent: a\ndisallow /x y\n", "a", "/x", true, true},
		{"first colon splits the value", "§2.1", "User-agent: FooBot:1\nDisallow: /\n", "FooBot", "/x", true, false},
		{"key with a colon-less prefix", "§2.1", "User-agent: a\nDisallow /a: b\n", "a", "/a", true, true},
		{"key with a colon-less prefix, value", "§2.1", "User-agent: a\nDisallow /a: /b\n", "a", "/b", true, false},
		{"VT acts as space", "§2.1", "User-agent: a\nDisallow:\v/x\v\n", "a", "/x", true, false},
		{"FF acts as space", "§2.1", "User-agent: a\nDisallow: /x\f\n", "a", "/x", true, false},
		{"inner space in pattern", "§2.1", "User-agent: a\nDisallow: /a b\n", "a", "/a b", true, false},
		{"NUL cuts the line", "§2.1", "User-agent: a\nDisallow: /x\x00yz\n", "a", "/xq", true, false},
		{"BOM skipped", "§2.1", "\xEF\xBB\xBFUser-agent: a\nDisallow: /x\n", "a", "/x", false, false},
		{"partial BOM EF BB", "§2.1", "\xEF\xBBUser-agent: a\nDisallow: /x\n", "a", "/x", true, false},
		{"partial BOM EF", "§2.1", "\xEFUser-agent: a\nDisallow: /x\n", "a", "/x", true, false},
		{"broken BOM", "§2.1", "\xEF\x11\xBFUser-agent: a\nDisallow: /x\n", "a", "/x", true, true},
		{"BOM in the middle", "§2.1", "User-agent: a\n\xEF\xBB\xBFDisallow: /x\n", "a", "/x", true, true},
		{"CR CR LF is two lines", "§2.1", "User-agent: a\r\r\nDisallow: /x\r\n", "a", "/x", false, false},
		// §2.2 user-agent handling
		{"value truncated at /", "§2.2", "User-agent: Googlebot/2.1\nDisallow: /\n", "Googlebot", "/x", true, false},
		{"value truncated at space", "§2.2", "User-agent: Foo Bar\nDisallow: /\n", "Foo", "/x", true, false},
		{"whole value with space", "§2.2", "User-agent: Foo Bar\nDisallow: /\n", "Foo Bar", "/x", false, true},
		{"digit truncation AI2Bot", "§2.2", "User-agent: *\nAllow: /\nUser-agent: AI2Bot\nDisallow: /\n", "AI2Bot", "/x", false, true},
		{"digit truncation AI", "§2.2", "User-agent: AI2Bot\nDisallow: /\n", "AI", "/x", true, false},
		{"img2dataset", "§2.2", "User-agent: img2dataset\nDisallow: /\n", "img", "/x", true, false},
		{"* followed by text is global", "§2.2", "User-agent: * foo\nDisallow: /\n", "a", "/x", true, false},
		{"* followed by comment", "§2.2", "User-agent: * # all\nDisallow: /\n", "a", "/x", false, false},
		{"*bot is not global", "§2.2", "User-agent: *bot\nDisallow: /\n", "a", "/x", true, true},
		{"** is not global", "§2.2", "User-agent: **\nDisallow: /\n", "a", "/x", true, true},
		{"full header matches nothing", "§2.2", "User-agent: GPTBot\nDisallow: /\n", "Mozilla/5.0 (compatible; GPTBot/1.0)", "/x", true, true},
		{"empty specific group allows", "§2.2", "User-agent: *\nDisallow: /\nUser-agent: a\nDisallow:\n", "a", "/x", true, true},
		// §2.3 matching
		{"index.html allows directory", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /\n", "a", "/d/", false, true},
		{"index.html exact", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /\n", "a", "/d/index.html", true, true},
		{"index.html not index.htm", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /\n", "a", "/d/index.htm", false, false},
		{"index.html not other", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /\n", "a", "/d/other", false, false},
		{"index.htmlx", "§2.3", "User-agent: *\nAllow: /d/index.htmlx\nDisallow: /\n", "a", "/d/", false, true},
		{"index.htm", "§2.3", "User-agent: *\nAllow: /d/index.htm\nDisallow: /\n", "a", "/d/", false, true},
		{"index rule never for disallow", "§2.3", "User-agent: *\nDisallow: /d/index.html\n", "a", "/d/", true, true},
		{"index rule beats shorter disallow", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /d/\n", "a", "/d/", false, true},
		{"index rule loses to longer disallow", "§2.3", "User-agent: *\nAllow: /d/index.html\nDisallow: /d/*$\n", "a", "/d/", false, false},
		{"URL not normalised: raw ツ", "§2.3", "User-agent: a\nDisallow: /\nAllow: /ツ\n", "a", "/ツ", true, false},
		{"URL not normalised: %aa", "§2.3", "User-agent: a\nDisallow: /%AA\n", "a", "/%aa", false, true},
		{"pattern hex upper-cased", "§2.3", "User-agent: a\nDisallow: /%aa\n", "a", "/%AA", false, false},
		{"pattern non-ASCII encoded", "§2.3", "User-agent: a\nDisallow: /é\n", "a", "/%C3%A9", false, false},
		{"escape not decoded", "§2.3", "User-agent: a\nDisallow: /\nAllow: /%62\n", "a", "/b", true, false},
		{"empty path is /", "§2.3", "User-agent: a\nDisallow: /\n", "a", "", false, false},
		{"$ alone never matches", "§2.3", "User-agent: a\nDisallow: $\n", "a", "/", true, true},
		{"/$ matches only /", "§2.3", "User-agent: a\nAllow: /$\nDisallow: /\n", "a", "/", true, true},
		{"/$ and a page", "§2.3", "User-agent: a\nAllow: /$\nDisallow: /\n", "a", "/page.html", false, false},
	})
}

func TestGoogleLineTooLong(t *testing.T) { // §2.1 line length
	const max = 2083*8 - 1
	long := "/x/" + strings.Repeat("a", max)
	src := "user-agent: FooBot\ndisallow: " + long + "/qux\n"
	f := robots.ParseString(src)
	cut := ("disallow: " + long)[:max][len("disallow: "):]
	if f.Decide("FooBot", "/fux", robots.Google).Allowed != true {
		t.Errorf("Google: /fux disallowed")
	}
	if f.Decide("FooBot", cut+"/fux", robots.Google).Allowed {
		t.Errorf("Google: cut-off pattern does not match")
	}
	if !f.Decide("FooBot", cut+"/fux", robots.RFC).Allowed {
		t.Errorf("RFC: pattern was cut")
	}
	if f.Decide("FooBot", long+"/qux", robots.RFC).Allowed {
		t.Errorf("RFC: full pattern does not match")
	}
}

func TestParseRecords(t *testing.T) {
	src := "Sitemap: https://e.org/a.xml\n" +
		"User-agent: GPTBot # training\n" +
		"Content-Usage: train-ai=n\n" +
		"User-agent: ClaudeBot\n" +
		"Disallow: /\n" +
		"Crawl-delay: 2.5\n" +
		"\n" +
		"User-agent: *\n" +
		"Content-Signal: search=yes, ai-train=no\n" +
		"Allow: /\n" +
		"X-Unknown: v\n" +
		"Site-map: https://e.org/b.xml\n"
	f := robots.ParseString(src)
	want := []robots.Record{
		{Line: 1, Key: "Sitemap", Value: "https://e.org/a.xml", Kind: robots.Sitemap, Google: robots.Sitemap, Group: -1},
		{Line: 2, Key: "User-agent", Value: "GPTBot", Kind: robots.UserAgent, Google: robots.UserAgent, Group: 0},
		{Line: 3, Key: "Content-Usage", Value: "train-ai=n", Kind: robots.Other, Google: robots.Other, Group: 0},
		{Line: 4, Key: "User-agent", Value: "ClaudeBot", Kind: robots.UserAgent, Google: robots.UserAgent, Group: 0},
		{Line: 5, Key: "Disallow", Value: "/", Kind: robots.Disallow, Google: robots.Disallow, Group: 0},
		{Line: 6, Key: "Crawl-delay", Value: "2.5", Kind: robots.Other, Google: robots.Other, Group: 0},
		{Line: 8, Key: "User-agent", Value: "*", Kind: robots.UserAgent, Google: robots.UserAgent, Group: 1},
		{Line: 9, Key: "Content-Signal", Value: "search=yes, ai-train=no", Kind: robots.Other, Google: robots.Other, Group: 1},
		{Line: 10, Key: "Allow", Value: "/", Kind: robots.Allow, Google: robots.Allow, Group: 1},
		{Line: 11, Key: "X-Unknown", Value: "v", Kind: robots.Other, Google: robots.Other, Group: 1},
		{Line: 12, Key: "Site-map", Value: "https://e.org/b.xml", Kind: robots.Other, Google: robots.Sitemap, Group: 1},
	}
	if diff := cmp.Diff(want, f.Records); diff != "" {
		t.Errorf("Parse(%q).Records mismatch (-want +got):\n%s", src, diff)
	}
	wantGroups := []robots.Group{
		{Line: 2, Agents: []string{"GPTBot", "ClaudeBot"}, Rules: []robots.Rule{{Line: 5, Kind: robots.Disallow, Pattern: "/"}}, CrawlDelay: 2500 * time.Millisecond, CrawlDelayLine: 6},
		{Line: 8, Agents: []string{"*"}, Rules: []robots.Rule{{Line: 10, Kind: robots.Allow, Pattern: "/"}}},
	}
	if diff := cmp.Diff(wantGroups, f.Groups); diff != "" {
		t.Errorf("Parse(%q).Groups mismatch (-want +got):\n%s", src, diff)
	}
	if diff := cmp.Diff([]string{"https://e.org/a.xml", "https://e.org/b.xml"}, f.Sitemaps); diff != "" {
		t.Errorf("Sitemaps mismatch (-want +got):\n%s", diff)
	}
	if idx, scope := f.GroupsFor("claudebot"); !cmp.Equal(idx, []int{0}) || scope != robots.ScopeAgent {
		t.Errorf("GroupsFor(claudebot) = %v, %v, want [0], agent", idx, scope)
	}
	if idx, scope := f.GroupsFor("Other"); !cmp.Equal(idx, []int{1}) || scope != robots.ScopeGlobal {
		t.Errorf("GroupsFor(Other) = %v, %v, want [1], global", idx, scope)
	}
	if d, ok := f.CrawlDelay("GPTBot"); !ok || d != 2500*time.Millisecond {
		t.Errorf("CrawlDelay(GPTBot) = %v, %v, want 2.5s, true", d, ok)
	}
	if _, ok := f.CrawlDelay("Other"); ok {
		t.Errorf("CrawlDelay(Other) reports a delay")
	}
}

func TestCrawlDelay(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  time.Duration
		ok    bool
	}{
		{"integer", "10", 10 * time.Second, true},
		{"decimal", "0.5", 500 * time.Millisecond, true},
		{"zero", "0", 0, true},
		{"negative", "-1", 0, false},
		{"text", "fast", 0, false},
		{"exponent", "1e3", 0, false},
		{"empty", "", 0, false},
		{"NaN", "NaN", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := robots.ParseString("User-agent: a\nCrawl-delay: " + tt.value + "\n")
			got, ok := f.CrawlDelay("a")
			if got != tt.want || ok != tt.ok {
				t.Errorf("CrawlDelay with %q = %v, %v, want %v, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestLineNumbers(t *testing.T) { // §1.2, §2.1 line endings
	for _, src := range []string{
		"User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /\n",
		"User-Agent: foo\r\nAllow: /some/path\r\nUser-Agent: bar\r\n\r\n\r\nDisallow: /\r\n",
		"User-Agent: foo\rAllow: /some/path\rUser-Agent: bar\r\r\rDisallow: /\r",
		"User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /",
		"User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\n\r\n\nDisallow: /",
	} {
		f := robots.ParseString(src)
		var lines []int
		for _, r := range f.Records {
			lines = append(lines, r.Line)
		}
		if !cmp.Equal(lines, []int{1, 2, 3, 6}) {
			t.Errorf("Parse(%q) record lines = %v, want [1 2 3 6]", src, lines)
		}
	}
}

func TestDecisionEvidence(t *testing.T) {
	src := "User-agent: *\nDisallow: /private/\n\nUser-agent: a\nDisallow: /x\n\nUser-agent: a\nAllow: /d/index.html\nDisallow: /d/\n"
	f := robots.ParseString(src)
	tests := []struct {
		name  string
		agent string
		path  string
		p     robots.Profile
		want  robots.Decision
	}{
		{"global rule", "b", "/private/a", robots.Google, robots.Decision{
			Profile: robots.Google, Scope: robots.ScopeGlobal, Groups: []int{1},
			Rule: robots.Rule{Line: 2, Kind: robots.Disallow, Pattern: "/private/"}}},
		{"merged groups, no match", "A", "/y", robots.RFC, robots.Decision{
			Allowed: true, Profile: robots.RFC, Scope: robots.ScopeAgent, Groups: []int{4, 7}}},
		{"second group", "a", "/d/x", robots.Strict, robots.Decision{
			Profile: robots.Google, Scope: robots.ScopeAgent, Groups: []int{4, 7},
			Rule: robots.Rule{Line: 9, Kind: robots.Disallow, Pattern: "/d/"}}},
		{"robots.txt", "b", "/robots.txt", robots.RFC, robots.Decision{
			Allowed: true, Profile: robots.RFC, Scope: robots.ScopeGlobal, Groups: []int{1}, Implicit: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Decide(tt.agent, tt.path, tt.p)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide(%q, %q, %v) mismatch (-want +got):\n%s", tt.agent, tt.path, tt.p, diff)
			}
		})
	}
	none := robots.ParseString("User-agent: a\nDisallow: /\n").Decide("b", "/", robots.Strict)
	if !none.Allowed || none.Scope != robots.ScopeNone || none.Groups != nil {
		t.Errorf("Decide with no applicable group = %+v", none)
	}
}

// TestStrict shows, for each difference between the readings, that Strict
// takes the more restrictive one.
func TestStrict(t *testing.T) {
	tests := []struct {
		name, robots, agent, path string
		from                      robots.Profile // the reading that disallows
	}{
		{"Google typo key", "User-agent: a\nDissallow: /x\n", "a", "/x", robots.Google},
		{"Google index.html is more permissive", "User-agent: *\nAllow: /d/index.html\nDisallow: /\n", "a", "/d/", robots.RFC},
		{"RFC decodes unreserved escapes", "User-agent: a\nDisallow: /%62\n", "a", "/b", robots.RFC},
		{"RFC reads AI2Bot whole", "User-agent: *\nAllow: /\nUser-agent: AI2Bot\nDisallow: /\n", "AI2Bot", "/x", robots.RFC},
		{"Google truncates Googlebot/2.1", "User-agent: Googlebot/2.1\nDisallow: /\n", "Googlebot", "/x", robots.Google},
		{"Google reads /robots.txt as any path", "User-agent: *\nDisallow: /\n", "a", "/robots.txt", robots.Google},
		{"Google accepts a missing colon", "User-agent: a\nDisallow /x\n", "a", "/x", robots.Google},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := robots.ParseString(tt.robots)
			other := robots.RFC
			if tt.from == robots.RFC {
				other = robots.Google
			}
			if f.Decide(tt.agent, tt.path, tt.from).Allowed {
				t.Fatalf("Decide(%q, %q, %v) allowed, want disallowed", tt.agent, tt.path, tt.from)
			}
			if !f.Decide(tt.agent, tt.path, other).Allowed {
				t.Fatalf("Decide(%q, %q, %v) disallowed, want allowed", tt.agent, tt.path, other)
			}
			d := f.Decide(tt.agent, tt.path, robots.Strict)
			if d.Allowed || d.Profile != tt.from {
				t.Errorf("Decide(%q, %q, Strict) = %v, want disallowed by %v", tt.agent, tt.path, d, tt.from)
			}
		})
	}
}

func TestPath(t *testing.T) { // §1.5, §2.3; upstream TestGetPathParamsQuery
	tests := []struct{ url, want string }{
		{"", "/"},
		{"http://www.example.com", "/"},
		{"http://www.example.com/", "/"},
		{"http://www.example.com/a", "/a"},
		{"http://www.example.com/a/", "/a/"},
		{"http://www.example.com/a/b?c=http://d.e/", "/a/b?c=http://d.e/"},
		{"http://www.example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f"},
		{"example.com", "/"},
		{"example.com/", "/"},
		{"example.com/a", "/a"},
		{"example.com/a/", "/a/"},
		{"example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f"},
		{"a", "/"},
		{"a/", "/"},
		{"/a", "/a"},
		{"a/b", "/b"},
		{"example.com?a", "/?a"},
		{"example.com/a;b#c", "/a;b"},
		{"//a/b/c", "/b/c"},
		{"http://h#frag/x", "/"},
		{"https://h:8080/p?q", "/p?q"},
	}
	for _, tt := range tests {
		if got := robots.Path(tt.url); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestSizeLimit(t *testing.T) { // §1.7
	head := "User-agent: *\nDisallow: /a\n"
	pad := strings.Repeat("#", robots.MaxSize-len(head))
	src := head + pad + "\nDisallow: /b\n"
	f, err := robots.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Truncated || f.Size != robots.MaxSize {
		t.Errorf("Parse: Truncated = %v, Size = %d, want true, %d", f.Truncated, f.Size, robots.MaxSize)
	}
	if f.Allowed("x", "/a") || !f.Allowed("x", "/b") {
		t.Errorf("Parse: rules past the limit were used or rules before it were not")
	}
	exact, err := robots.Parse(strings.NewReader(head + pad))
	if err != nil || exact.Truncated {
		t.Errorf("Parse of exactly MaxSize bytes: Truncated = %v, err = %v", exact.Truncated, err)
	}
}

// hugeReader yields n bytes of robots.txt-like junk without holding them.
type hugeReader struct{ n, read int64 }

func (r *hugeReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	const pat = "User-agent: x\nDisallow: /a*b*c$\n\x00\xff" + "zzzzzzzzzzzzzzzz"
	n := min(int64(len(p)), r.n)
	for i := range n {
		p[i] = pat[(r.read+i)%int64(len(pat))]
	}
	r.n -= n
	r.read += n
	return int(n), nil
}

func TestHugeInput(t *testing.T) { // §1.7, §1.9
	r := &hugeReader{n: 100 << 20}
	f, err := robots.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Truncated {
		t.Errorf("Parse(100 MB): not truncated")
	}
	if r.read > robots.MaxSize+64<<10 {
		t.Errorf("Parse(100 MB) read %d bytes, want at most about %d", r.read, robots.MaxSize)
	}
	f.Allowed("x", "/a"+strings.Repeat("b", 10000))
	// One huge line.
	line := "Disallow: /" + strings.Repeat("*a", 300000)
	g := robots.ParseString("User-agent: *\n" + line)
	g.Decide("x", "/"+strings.Repeat("a", 5000)+"b", robots.Strict)
}

func TestReadError(t *testing.T) { // §4 of the brief: hard failures
	boom := errors.New("boom")
	_, err := robots.Parse(io.MultiReader(strings.NewReader("User-agent: *\n"), iotest.ErrReader(boom)))
	var re *robots.ReadError
	if !errors.As(err, &re) || !errors.Is(err, boom) || re.Offset != 14 {
		t.Fatalf("Parse(failing reader) error = %v, want *ReadError at 14 wrapping boom", err)
	}
	if !strings.HasPrefix(err.Error(), "robots: ") {
		t.Errorf("error %q lacks the robots: prefix", err)
	}
}

func TestWarnings(t *testing.T) {
	src := "Disallow: /early\nUser-agent: Googlebot/2.1\nDisallow /x\nDisallow: /a b\nnonsense\nCrawl-delay: soon\n"
	f := robots.ParseString(src)
	lines := map[int]bool{}
	for _, w := range f.Warnings {
		lines[w.Line] = true
		if !strings.HasPrefix(w.String(), "line ") {
			t.Errorf("Warning.String() = %q", w.String())
		}
	}
	for _, l := range []int{1, 2, 3, 4, 5, 6} {
		if !lines[l] {
			t.Errorf("Parse(%q): no warning for line %d; warnings: %v", src, l, f.Warnings)
		}
	}
}

// TestStrictWithoutGoogleGroup checks that Strict disallows what RFC 9309
// disallows when Google's reading has no group for the agent (here Google
// reads "a1" as "a", and the readings normalise /%41 differently). The
// implementation before the speed rewrite allowed it.
func TestStrictWithoutGoogleGroup(t *testing.T) {
	f := robots.ParseString("User-agent: a1\nDisallow: /%41\n")
	if d := f.Decide("a1", "/A", robots.RFC); d.Allowed {
		t.Errorf("RFC: %v, want disallowed", d)
	}
	if d := f.Decide("a1", "/A", robots.Google); !d.Allowed {
		t.Errorf("Google: %v, want allowed", d)
	}
	if d := f.Decide("a1", "/A", robots.Strict); d.Allowed || d.Profile != robots.RFC {
		t.Errorf("Strict: %v, want disallowed by rfc", d)
	}
}

// TestDecideAllocs checks that a decision does not allocate, with a path
// that the RFC reading must normalise too.
func TestDecideAllocs(t *testing.T) {
	f := robots.ParseString("User-agent: *\nDisallow: /*?s=\nDisallow: /caf%C3%A9\nAllow: /a/index.html\n")
	for _, path := range []string{"/p?s=1", "/café", "/%62", "/" + strings.Repeat("é", 400)} {
		for _, p := range []robots.Profile{robots.Strict, robots.RFC, robots.Google} {
			if n := testing.AllocsPerRun(100, func() { f.Decide("SomeBot", path, p) }); n != 0 && len(path) < 200 {
				t.Errorf("Decide(%q, %v) allocates %v times", path, p, n)
			}
		}
	}
}

// TestRFCExample checks the example of RFC 9309 section 5.1 (optout.md §1.10).
func TestRFCExample(t *testing.T) {
	data, err := os.ReadFile("testdata/rfc-example.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := robots.ParseBytes(data)
	tests := []struct {
		agent, path string
		want        bool
	}{
		{"anybot", "/x/y.gif", false},
		{"anybot", "/example/a", false},
		{"anybot", "/publications/a", true},
		{"foobot", "/example/page.html", true},
		{"foobot", "/example/allowed.gif", true},
		{"foobot", "/other", false},
		{"barbot", "/example/page.html", false},
		{"bazbot", "/example/page.html", false},
		{"bazbot", "/example/other", true},
		{"quxbot", "/example/a", true},
	}
	for _, tt := range tests {
		for _, p := range []robots.Profile{robots.RFC, robots.Google, robots.Strict} {
			if got := f.Decide(tt.agent, tt.path, p); got.Allowed != tt.want {
				t.Errorf("Decide(%q, %q, %v) = %v, want allowed=%v", tt.agent, tt.path, p, got, tt.want)
			}
		}
	}
}
