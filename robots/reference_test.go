package robots_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/robots/internal/reference"
)

// The tests in this file compare the package with internal/reference, a
// frozen copy of the implementation that preceded the speed rewrite:
// parsing and every decision must be exactly the same.

// refAgents are agents of every kind the bench file has: named groups, a
// group named in several spellings, tokens that only one reading sees
// (AI2Bot is "AI" for Google), the "*" group and odd inputs.
var refAgents = []string{
	"CCBot", "UnlistedBot", "GPTBot", "Googlebot", "googlebot", "GOOGLEBOT-NEWS",
	"Googlebot-Image", "AI2Bot", "AI", "Ai2Bot-Dolma", "img", "img2dataset",
	"Screaming", "Screaming Frog SEO Spider", "Sogou", "archive", "archive.org_bot",
	"ia_archiver", "Feedly", "Mediapartners-Google", "AdsBot-Google", "Twitterbot",
	"", "*", "* x", strings.Repeat("LongBot", 20),
}

var refProfiles = []robots.Profile{robots.Strict, robots.RFC, robots.Google, robots.Profile(7)}

func decisionString(allowed bool, profile, scope string, groups []int, line int, kind, pattern string, index, implicit bool, s string) string {
	return fmt.Sprintf("%v %s %s %v %d %s %q %v %v | %s", allowed, profile, scope, groups, line, kind, pattern, index, implicit, s)
}

func newDecision(d robots.Decision) string {
	return decisionString(d.Allowed, d.Profile.String(), d.Scope.String(), d.Groups, d.Rule.Line,
		d.Rule.Kind.String(), d.Rule.Pattern, d.IndexRule, d.Implicit, d.String())
}

func refDecision(d reference.Decision) string {
	return decisionString(d.Allowed, d.Profile.String(), d.Scope.String(), d.Groups, d.Rule.Line,
		d.Rule.Kind.String(), d.Rule.Pattern, d.IndexRule, d.Implicit, d.String())
}

// compareParse checks that both implementations parse data alike.
func compareParse(t testing.TB, data []byte) (*robots.File, *reference.File) {
	t.Helper()
	f := robots.ParseBytes(data)
	r := reference.ParseBytes(data)
	if got, want := fmt.Sprintf("%+v", f.Records), fmt.Sprintf("%+v", r.Records); got != want {
		t.Fatalf("Records differ:\n got %s\nwant %s", got, want)
	}
	if got, want := fmt.Sprintf("%+v", f.Groups), fmt.Sprintf("%+v", r.Groups); got != want {
		t.Fatalf("Groups differ:\n got %s\nwant %s", got, want)
	}
	if got, want := fmt.Sprintf("%q", f.Sitemaps), fmt.Sprintf("%q", r.Sitemaps); got != want {
		t.Fatalf("Sitemaps differ:\n got %s\nwant %s", got, want)
	}
	if got, want := fmt.Sprintf("%+v", f.Warnings), fmt.Sprintf("%+v", r.Warnings); got != want {
		t.Fatalf("Warnings differ:\n got %s\nwant %s", got, want)
	}
	if f.Size != r.Size || f.Truncated != r.Truncated {
		t.Fatalf("Size, Truncated = %d, %v; want %d, %v", f.Size, f.Truncated, r.Size, r.Truncated)
	}
	return f, r
}

// compareAgent checks GroupsFor and CrawlDelay.
func compareAgent(t testing.TB, f *robots.File, r *reference.File, agent string) {
	t.Helper()
	gi, gs := f.GroupsFor(agent)
	ri, rs := r.GroupsFor(agent)
	if fmt.Sprint(gi, gs.String()) != fmt.Sprint(ri, rs.String()) {
		t.Fatalf("GroupsFor(%q) = %v %v, want %v %v", agent, gi, gs, ri, rs)
	}
	gd, gok := f.CrawlDelay(agent)
	rd, rok := r.CrawlDelay(agent)
	if gd != rd || gok != rok {
		t.Fatalf("CrawlDelay(%q) = %v %v, want %v %v", agent, gd, gok, rd, rok)
	}
}

// sameDecision reports whether d and r are the same decision.
func sameDecision(d robots.Decision, r reference.Decision) bool {
	return d.Allowed == r.Allowed && uint8(d.Profile) == uint8(r.Profile) && uint8(d.Scope) == uint8(r.Scope) &&
		slices.Equal(d.Groups, r.Groups) && d.Rule.Line == r.Rule.Line && uint8(d.Rule.Kind) == uint8(r.Rule.Kind) &&
		d.Rule.Pattern == r.Rule.Pattern && d.IndexRule == r.IndexRule && d.Implicit == r.Implicit
}

func compareDecide(t testing.TB, f *robots.File, r *reference.File, agent, path string) {
	t.Helper()
	rr := r.Decide(agent, path, reference.RFC)
	rg := r.Decide(agent, path, reference.Google)
	// Strict as documented: Google's decision if it disallows, else the
	// RFC one if it disallows, else Google's.
	strict := rg
	if rg.Allowed && !rr.Allowed {
		strict = rr
	}
	for _, p := range refProfiles {
		got := f.Decide(agent, path, p)
		want := r.Decide(agent, path, reference.Profile(p))
		if p != robots.RFC && p != robots.Google && !sameDecision(got, want) {
			// The reference decides once when the RFC rule set's twin
			// equals Google's, and both are nil when the RFC reading has
			// groups for the agent without a Google twin and Google's
			// reading has none: it then allows what RFC 9309 disallows.
			if want.Scope != reference.ScopeNone || want.Profile != reference.Google || rr.Scope == reference.ScopeNone || want.Allowed == strict.Allowed {
				t.Fatalf("Decide(%q, %q, %v): reference Strict %s differs from its RFC and Google decisions", agent, path, p, refDecision(want))
			}
			want = strict
		}
		if !sameDecision(got, want) || got.String() != want.String() {
			t.Fatalf("Decide(%q, %q, %v):\n got %s\nwant %s", agent, path, p, newDecision(got), refDecision(want))
		}
	}
	if f.Allowed(agent, path) != (rr.Allowed && rg.Allowed) {
		t.Fatalf("Allowed(%q, %q) differs", agent, path)
	}
}

func readLines(t testing.TB, name string) []string {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var lines []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestReferenceBench compares every decision on the benchmark file and
// the benchmark's 10,000 URLs, for every profile and many agents.
func TestReferenceBench(t *testing.T) {
	data, err := os.ReadFile("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	f, r := compareParse(t, data)
	urls := readLines(t, "testdata/urls-10k.txt")
	extra := []string{"/robots.txt", "", "/", "/caf%c3%a9", "/café", "/%41pi/", "/wp-admin/index.html"}
	for _, agent := range refAgents {
		compareAgent(t, f, r, agent)
		for _, u := range urls {
			compareDecide(t, f, r, agent, robots.Path(u))
		}
		for _, p := range extra {
			compareDecide(t, f, r, agent, p)
		}
	}
}

// TestReferenceTestdata compares parsing and decisions on every test file,
// with paths made from the patterns the files hold.
func TestReferenceTestdata(t *testing.T) {
	names, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), "urls") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, r := compareParse(t, data)
		paths := []string{"/", "/robots.txt", "/index.html", "/d/", "/a%2fb", "/%7Efoo"}
		agents := append([]string{}, refAgents...)
		for _, rec := range f.Records {
			v := rec.Value
			paths = append(paths, v, v+"x", strings.TrimSuffix(v, "$"), strings.ReplaceAll(v, "*", "zz"),
				strings.ReplaceAll(strings.TrimSuffix(v, "$"), "*", ""))
			if rec.Kind == robots.UserAgent || rec.Google == robots.UserAgent {
				agents = append(agents, v, strings.ToUpper(v))
			}
		}
		for _, agent := range agents {
			compareAgent(t, f, r, agent)
			for _, p := range paths {
				compareDecide(t, f, r, agent, p)
			}
		}
	}
}

// TestReferenceCases compares the two implementations on the files of the
// other tests.
func TestReferenceCases(t *testing.T) {
	var files []string
	for _, c := range googleCases {
		files = append(files, c.robots)
	}
	files = append(files,
		"User-agent: *\nAllow: /d/index.html\nDisallow: /\n",
		"User-agent: *\nAllow: /d*/index.htm$\nAllow: /x/*/index.html*\nDisallow: /\n",
		"\xEF\xBBuser agent foo\ndissallow /%62\n",
		"User-agent: a\nUser-agent: b\nDisallow: /x\nUser-agent: a\nAllow: /x/y\nUser-agent: *\nDisallow: /\nUser-agent: *\nAllow: /p\n",
		"User-agent: a\x00b\nDisallow: /\x0b\nAllow: /q\x0c\n\x0bUser-agent: *\nDisallow: /x y\n",
		"uſer-agent: a\ndiſallow: /s\nUser-agent: b\nDisallow: /%e2%82%AC\nAllow: /€\nDisallow: /%61b\n",
		"User-agent: *\n"+strings.Repeat("Disallow: /x", 6000)+"\n",
		"User-agent: *\nDisallow: /"+strings.Repeat("*a", 300)+"\n",
		// Runs of rule and agent lines in every spelling, groups and
		// records between them, as the fast line loop reads them.
		"user-agent: a\nUSER-AGENT: b\nUser-agent: *\nDisallow: /x\ndisallow: /y\nALLOW: /z\nAllow:/w\n\nDisallow: /v\n"+
			"Crawl-delay: 1\nUser-agent: c\nSitemap: http://s.example/a\nsitemap: http://s.example/b\nUser-agent: d e\n"+
			"User-agent: x1\nDisallow: /q#c\nDisallow: /r\nUser-Agent: e\nDisallow:\nAllow: \nDisallow: /t",
		// More lines than LF bytes: Records fills up and grows.
		"User-agent: a\r"+strings.Repeat("Disallow: /x\rAllow: /y\r\rUser-agent: b\r", 40)+"Disallow: /z",
		strings.Repeat("User-agent: a\r\nDisallow: /x\r\n", 30)+"Allow: /",
		// Comments and blank lines with every line end, and comments
		// with a NUL byte or tab.
		"# c\r\nUser-agent: a\r\n\r\n# d\r\nDisallow: /x\r\n\r\rAllow: /y\r# e\r#\r\n#\n#\x00x\n# \t\x0b\x0c\n\r\n\n\rDisallow: /z\r\n#",
	)
	for _, src := range files {
		f, r := compareParse(t, []byte(src))
		for _, agent := range []string{"a", "b", "foo", "FooBot", "BarBot", "x", "*"} {
			compareAgent(t, f, r, agent)
			for _, p := range []string{"/", "/x", "/x/y", "/d/", "/d/index.html", "/s", "/€", "/%E2%82%AC", "/ab", "/%61b", "/q", "/p", "/b", "/%62",
				"/" + strings.Repeat("a", 400), "/x/1/index.html", "/d1/index.htm"} {
				compareDecide(t, f, r, agent, p)
			}
		}
	}
}

// TestReferenceKeys compares how both implementations classify keys:
// every prefix of every key either reading knows, in several cases, with
// suffixes, and with U+017F (long s), which strings.EqualFold folds to s.
func TestReferenceKeys(t *testing.T) {
	known := []string{"user-agent", "useragent", "user agent", "allow", "disallow", "dissallow",
		"dissalow", "disalow", "diasllow", "disallaw", "sitemap", "site-map", "crawl-delay", "content-usage"}
	var keys []string
	for _, k := range known {
		for i := 1; i <= len(k); i++ {
			p := k[:i]
			for _, v := range []string{p, strings.ToUpper(p), strings.ToUpper(p[:1]) + p[1:]} {
				keys = append(keys, v, v+"x", v+"-", v+"s", v+"ed", v+"\x80", v+"nt", v+"t", v+"w")
			}
		}
		keys = append(keys, strings.ReplaceAll(k, "s", "ſ"), strings.ReplaceAll(k, "s", "S"))
	}
	keys = append(keys, "@llow", "allo\x17", "user-agenT", "USER-AGENTS", "dis\x00llow", "")
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + ": /v\n" + k + " /w\n")
	}
	compareParse(t, []byte(b.String()))
	for _, k := range keys {
		compareParse(t, []byte("User-agent: a\n"+k+": /x\n"))
	}
}

// FuzzReference checks that parsing and decisions match the reference
// implementation on fuzzed files, agents and paths.
func FuzzReference(f *testing.F) {
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
	}
	f.Add([]byte("User-agent: *\nAllow: /d/index.html\nDisallow: /\n"), "x", "/d/")
	f.Add([]byte("\xEF\xBBuser agent foo\ndissallow /%62\n"), "foo", "/b")
	f.Add([]byte("User-agent: a\nDisallow: /*a*b$\nAllow: /%61\nuser-agent: b\nallow: /x/index.htm\n"), "A", "/aab")
	f.Fuzz(func(t *testing.T, data []byte, agent, path string) {
		file, ref := compareParse(t, data)
		compareAgent(t, file, ref, agent)
		for _, p := range []string{path, "/" + path, robots.Path(path), "/robots.txt", ""} {
			compareDecide(t, file, ref, agent, p)
		}
		for _, rec := range file.Records {
			if rec.Kind == robots.UserAgent || rec.Google == robots.UserAgent {
				compareDecide(t, file, ref, rec.Value, path)
			}
		}
	})
}

// TestReferenceScan compares the two implementations on files that
// exercise the word-at-a-time line loop: line ends at every offset within
// a word, CR and CRLF, white space and comments around values, control
// bytes in otherwise ordinary files, the last line without a line end.
func TestReferenceScan(t *testing.T) {
	lines := []string{
		"User-agent: *", "user-agent:a", "Disallow: /x", "DISALLOW:/y", "disallow:", "Allow: /z", "allow:",
		"ALLOW :/p", "allow\x1a/q", "Allow:\t/t", "Allow: \t /u", "Disallow: /v ", "Disallow: /w#c",
		"Disallow: /w #c", "# Disallow: /c", "#", "", " ", "\t", "Sitemap: https://a.example/s.xml",
		"Crawl-delay: 2", "Crawl-delay : 3", "Content-Usage: train-ai=n", "Disallow /nocolon",
		"Disallow: /a\x00b", "Disallow: /a\x0bb", "Allow: /a\x0cb", "Disallow: /é", "Dis\x80llow: /k",
		"Disallow:" + strings.Repeat("/abcdefg", 3), "User-agent: Foo Bar", "Disallow: /" + strings.Repeat("x", 16400),
	}
	ends := []string{"\n", "\r\n", "\r"}
	for i, l := range lines {
		for _, end := range ends {
			for pad := 0; pad < 9; pad++ {
				src := strings.Repeat("#", pad) + "\nUser-agent: a\n" + l + end + lines[(i+1)%len(lines)] + end + l
				compareParse(t, []byte(src))
				compareParse(t, []byte(src+end))
				compareParse(t, []byte(l+end+"User-agent: b\n"+l))
			}
		}
	}
	compareParse(t, []byte("User-agent: *\nDisallow: /a\x7f\nAllow: /b\n"))
}
