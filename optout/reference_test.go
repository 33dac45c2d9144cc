package optout_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/optout/internal/reference"
	"github.com/gpai-project/gpai/robots"
)

// The tests in this file compare Policy.Decide with internal/reference, a
// frozen copy of the decision code that preceded the speed rewrite: every
// field of every result, the reason and each evidence's text included,
// must be exactly the same.

// refRobots are robots.txt files that exercise every path of the
// AI-preference code: rules with and without paths, wildcards and
// anchors, ties of identical paths, groups for several agents, malformed
// values, unknown labels and keys, and Content-Signal lines.
var refRobots = []string{
	"",
	"User-agent: *\nAllow: /\n",
	"User-agent: GPTBot\nDisallow: /private/\n",
	"User-agent: *\nDisallow: /\n\nUser-agent: GPTBot\nAllow: /\n",
	"User-agent: GPTBot\nDisallowed: /\n",
	"User-agent: *\nAllow: /\nDisallow: /never/\nContent-Usage: train-ai=n\nContent-Usage: /ai-ok/ train-ai=y\n",
	"User-agent: *\nContent-Usage: /a/ train-ai=y\nContent-Usage: /a/ train-ai=n\nContent-Usage: /a/ search=n\nContent-Usage: train-ai=y, search=y\n",
	"User-agent: *\nContent-Usage: /*.pdf$ train-ai=n\nContent-Usage: /docs/ search=y\nContent-Usage: /my%20docs/ train-ai=n\nContent-Usage: /%7Euser/ train-ai=n\nContent-Usage: train-ai=y\n",
	"User-agent: *\nContent-Usage: TRAIN-AI=n\nContent-Usage: /x train-ai = n\nContent-Usage: train-genai=n, bots=n\nContent-Usage: /y train-ai=\"n\"\nContent-Usage: /z train-ai\nContent-Usage: /w/\n",
	"User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n",
	"User-agent: *\nContent-Signal: ai-train=yes\nContent-Signal: /paid/ ai-train=no, AI-Train=No, ai-input=no, use=x\nContent-Signal: /paid/ search=yes, ai-input=maybe\nContent-Signal: junk, =x\n",
	"User-agent: CCBot\nAllow: /\nContent-Usage: train-ai=n\n\nUser-agent: *\nAllow: /\nContent-Usage: train-ai=y\n",
	"User-agent: GPTBot\nUser-agent: MyBot\nDisallow: /private/\nContent-Usage: train-ai=n\nContent-Signal: ai-train=no, search=yes\n\nUser-agent: gptbot\nContent-Usage: /news/ train-ai=y\nContent-Signal: /news/ ai-train=yes\n\nUser-agent: *\nDisallow: /\n",
	"User-agent: *\nDisallow: /private\nContent-Usage: /private/ train-ai=y\nContent-Usage: /pub*/x$ train-ai=n, search=n\nContent-Signal: /pub ai-train=no\n",
	"User-agent: *\nAllow: /\nContent-Usage: /a/ train-ai=y # comment\nContent-Usage: /a/b/ train-ai=n;exp=1, search=y\nContent-Usage: /a/b/c train-ai=y, train-ai=n\nContent-Usage: \nContent-Signal:\n",
}

var refURLs = []string{
	"https://example.com/", "https://example.com", "https://example.com/x", "https://example.com/a/x", "https://example.com/a/b/c",
	"https://example.com/ai-ok/test", "https://example.com/never/test", "https://example.com/private/a", "https://example.com/public",
	"https://example.com/docs/a.pdf", "https://example.com/docs/a.pdf?x=1", "https://example.com/my%20docs/a", "https://example.com/my docs/a",
	"https://example.com/~user/a", "https://example.com/%7euser/a", "https://example.com/news/2026/a.html#top", "https://example.com/paid/x",
	"https://example.com/pub/y/x", "https://example.com/publish/x", "https://example.com/w/", "https://example.com/free/a", "https://example.com/café",
	"https://example.com/robots.txt", "https://Example.COM:8443/a/x?q=1", "http://example.com/a*b$c", "/private/a", "/a/x", "example.com?a",
	"//example.com/p", "", "://bad", "http://[::1/x", "https://pirate.example/film", "https://www.cdn.pirate.example:8443/film",
	"https://notpirate.example/film", "https://news.example.org/a", "https://blog.example.com/author/jane/post-1#top",
	"https://example.com/account/login", "https://example.com/a.jpg",
}

var refAgents = [][]string{
	{"GPTBot"}, {"CCBot"}, {"UnlistedBot"}, {"MyBot", "GPTBot"}, {"gptbot", "GPTBot"}, nil, {"Googlebot", "CCBot", "UnlistedBot"},
}

var refPurposes = []aipref.Purpose{0, aipref.PurposeTrainGenAI, aipref.PurposeTrainAI, aipref.PurposeAIInput, aipref.PurposeSearch, aipref.Purpose(9)}

var refProfiles = []robots.Profile{robots.Strict, robots.RFC, robots.Google}

// refInputs builds the sites, pages and policies the comparisons draw from.
type refInputs struct {
	sites    []*optout.Site
	pages    []*optout.Page
	blocks   []*optout.Blocklist
	registry []*optout.Registry
}

func newRefInputs(t testing.TB) *refInputs {
	t.Helper()
	in := &refInputs{sites: []*optout.Site{nil, {}}, pages: []*optout.Page{nil, {}}}
	t1 := t0.Add(time.Hour)
	var robotsList []*optout.Robots
	for _, body := range refRobots {
		robotsList = append(robotsList, rob(body))
	}
	bench, err := os.ReadFile("testdata/bench-robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	bench = append(bench, "\nUser-agent: *\nContent-Usage: train-ai=n\nContent-Usage: /news/ train-ai=y\nContent-Signal: search=yes, ai-train=no\n"...)
	robotsList = append(robotsList, optout.NewRobots("https://www.example-news.com/robots.txt", 200, bench, t0))
	stale := rob(refRobots[5])
	stale.Stale, stale.Err = true, "now unreachable: HTTP 503"
	robotsList = append(robotsList, stale,
		&optout.Robots{URL: "https://example.com/robots.txt", Status: 404, FetchedAt: t1},
		&optout.Robots{Status: 403},
		&optout.Robots{URL: "https://example.com/robots.txt", Status: 301, Redirects: 6},
		&optout.Robots{Status: 503, FetchedAt: t1},
		&optout.Robots{Status: 429},
		&optout.Robots{URL: "https://example.com/robots.txt", Err: "dial tcp: connection refused"},
		&optout.Robots{Status: 200}, // 2xx without a file: not read
	)
	tdms := []*optout.TDMRep{nil,
		tdm(t, `[{"location":"/free/*","tdm-reservation":0},{"location":"/","tdm-reservation":1,"tdm-policy":"https://example.com/policy.json"}]`),
		tdm(t, `[{"location":"/a/","tdm-reservation":1}, {"location":"/x","tdm-reservation":"1"}, {"location":"/","tdm-reservation":0,"tdm-policy":" https://e.com/p "}]`),
		tdm(t, `[{"location":"/paid/*","tdm-reservation":2},{"location":"/news/","tdm-policy":"https://e.com/p"},{"location":"*.pdf$","tdm-reservation":1}]`),
		{URL: "https://example.com/.well-known/tdmrep.json", Status: 404, FetchedAt: t1},
		{URL: "https://example.com/.well-known/tdmrep.json", Status: 200, Err: "tdmrep: line 1: invalid file: top-level value is not an array", SHA256: optout.Hash([]byte("{}"))},
		{URL: "https://example.com/.well-known/tdmrep.json", Err: "timeout"},
	}
	for i, r := range robotsList {
		for j, td := range tdms {
			if (i+j)%3 == 0 || r == nil || td == nil {
				in.sites = append(in.sites, &optout.Site{Robots: r, TDMRep: td})
			}
		}
		in.sites = append(in.sites, &optout.Site{Robots: r})
	}
	for _, td := range tdms {
		in.sites = append(in.sites, &optout.Site{TDMRep: td})
	}

	// Pages: header fields with at most one spelling of each name (the
	// old code read several spellings in map order), HTML heads, statuses
	// and redirects.
	headers := []http.Header{
		nil, {},
		{"Content-Usage": {"train-ai=y"}, "Tdm-Reservation": {"0"}, "X-Robots-Tag": {"noindex"}},
		{"Content-Usage": {"train-ai=n"}},
		{"Content-Usage": {"train-ai=n", "search=y"}},
		{"Content-Usage": {"TRAIN-AI=n"}},
		{"Content-Usage": {"train-ai=y, train-ai=?0, search=n;x=1"}},
		{"content-usage": {"search=y, train-ai=x"}},
		{"Content-Usage": {""}},
		{"Tdm-Reservation": {"1"}, "Tdm-Policy": {"", " https://example.com/policy "}},
		{"tdm-reservation": {"yes"}},
		{"Tdm-Reservation": {"1, 0"}},
		{"Tdm-Reservation": {"0"}, "Tdm-Policy": {"https://x/p"}},
		{"X-Robots-Tag": {"noindex, noai"}},
		{"X-Robots-Tag": {"otherbot: noai", "gptbot: noai, noimageai", "GPTBot: noai"}},
		{"x-robots-tag": {"noimageai", "noml"}, "Content-Type": {"text/html; charset=utf-8"}},
		{"X-Robots-Tag": {"noimageai"}, "Content-Type": {"image/jpeg"}},
		{"X-Robots-Tag": {"noimageai", "ccbot: noimageai"}, "content-type": {"IMAGE/PNG"}},
		{"X-Robots-Tag": {"max-snippet: 3, noai noimageai", "unavailable_after: x, noai"}, "Content-Type": {"bad/type;;"}},
		{"X-Robots-Tag": {"noai"}, "x-Robots-tag": {"noai"}},
		{"Tdm-Reservation": {"1"}, "tdm-reservation": {"0"}},
	}
	htmls := []string{
		"",
		`<head><meta name="tdm-reservation" content="0"></head>`,
		`<head><meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="https://example.com/p"></head>`,
		`<head><meta name="tdm-reservation" content="maybe"></head>`,
		`<head><meta name="tdm-policy" content="https://example.com/p"></head>`,
		`<head><meta name="robots" content="noai, noimageai"><meta name="GPTBot" content="noai"><meta name=" ccbot " content="noimageai"><meta name="other" content="noai"></head>`,
		`<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script></head></html>`,
		`<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":"False"}</script></head></html>`,
		`<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true}</script></head></html>`,
	}
	var docs []*htmlmeta.Document
	for _, h := range htmls {
		if h == "" {
			docs = append(docs, nil)
			continue
		}
		d, err := htmlmeta.Config{Body: true}.Parse(strings.NewReader(h))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	statuses := []int{0, 200, 401, 402, 403, 404, 407, 451, 500}
	redirects := [][2]string{{"", ""}, {"https://example.com/a", "https://example.com/account/login?next=/a"},
		{"https://example.com/login", "https://example.com/sso/x"}, {"https://example.com/a", "https://example.com/b"}, {"", "https://example.com/final"}}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		p := &optout.Page{Status: statuses[i%len(statuses)], Header: headers[i%len(headers)], FetchedAt: t1}
		if i%4 == 0 {
			p.HTML = docs[r.IntN(len(docs))]
		}
		if i%5 == 0 {
			rd := redirects[r.IntN(len(redirects))]
			p.URL, p.FinalURL = rd[0], rd[1]
		}
		in.pages = append(in.pages, p)
	}
	for _, d := range docs {
		in.pages = append(in.pages, &optout.Page{Status: 200, HTML: d})
	}
	in.blocks = []*optout.Blocklist{nil, optout.NewBlocklist(optout.BlockEntry{Domain: "pirate.example", File: "list.txt", Line: 3})}
	reg, err := optout.ParseRegistry(strings.NewReader(registryDoc), "registry.json")
	if err != nil {
		t.Fatal(err)
	}
	in.registry = []*optout.Registry{nil, reg}
	return in
}

func compareDecide(t testing.TB, p *optout.Policy, u string, site *optout.Site, page *optout.Page) {
	t.Helper()
	got := p.Decide(u, site, page)
	want := reference.Decide(p, u, site, page)
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("Decide(%q) with agents %q, purpose %v, profile %v differs from the reference (-want +got):\n%s", u, p.Agents, p.Purpose, p.Profile, cmp.Diff(want, got))
	}
}

// TestDecideReference compares Decide with the reference on every URL,
// agent set, purpose and profile for a sample of sites and pages, and on a
// pseudo-random sample of every combination.
func TestDecideReference(t *testing.T) {
	in := newRefInputs(t)
	n := 0
	step := 1
	if testing.Short() || raceEnabled {
		step = 5
	}
	for _, site := range in.sites {
		for _, u := range refURLs {
			for _, agents := range refAgents {
				n++
				if n%step != 0 {
					continue
				}
				p := &optout.Policy{Agents: agents, Purpose: refPurposes[n%len(refPurposes)], Profile: refProfiles[n/7%len(refProfiles)]}
				compareDecide(t, p, u, site, in.pages[n%len(in.pages)])
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 / step {
		p := &optout.Policy{
			Agents:    refAgents[r.IntN(len(refAgents))],
			Purpose:   refPurposes[r.IntN(len(refPurposes))],
			Profile:   refProfiles[r.IntN(len(refProfiles))],
			Blocklist: in.blocks[r.IntN(len(in.blocks))],
			Registry:  in.registry[r.IntN(len(in.registry))],
		}
		compareDecide(t, p, refURLs[r.IntN(len(refURLs))], in.sites[r.IntN(len(in.sites))], in.pages[r.IntN(len(in.pages))])
	}
}

// TestDecideReferenceBench compares Decide with the reference on the
// benchmark's inputs.
func TestDecideReferenceBench(t *testing.T) {
	site, page := benchInputs(t)
	urls := benchURLs(t)
	if testing.Short() || raceEnabled {
		urls = urls[:500]
	}
	for _, agent := range []string{"CCBot", "UnlistedBot", "GPTBot", "Googlebot"} {
		for _, prof := range refProfiles {
			p := &optout.Policy{Agents: []string{agent}, Profile: prof}
			for i, u := range urls {
				if prof != robots.Strict && i%4 != 0 && !testing.Short() {
					continue // every URL under Strict, a quarter under the others
				}
				compareDecide(t, p, u, site, page)
			}
		}
	}
}

// TestDecideConcurrent decides on many goroutines with shared sites, so
// that the race detector sees the caches filled and read concurrently.
func TestDecideConcurrent(t *testing.T) {
	in := newRefInputs(t)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 5))
			for range 300 {
				p := &optout.Policy{Agents: refAgents[r.IntN(len(refAgents))], Purpose: refPurposes[r.IntN(len(refPurposes))], Profile: refProfiles[r.IntN(len(refProfiles))]}
				u, site, page := refURLs[r.IntN(len(refURLs))], in.sites[r.IntN(len(in.sites))], in.pages[r.IntN(len(in.pages))]
				got, want := p.Decide(u, site, page), reference.Decide(p, u, site, page)
				if !reflect.DeepEqual(want, got) {
					select {
					case errs <- fmt.Sprintf("Decide(%q) differs from the reference (-want +got):\n%s", u, cmp.Diff(want, got)):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// maxDecideAllocs bounds the allocations of one decision on the benchmark inputs.
const maxDecideAllocs = 2

// TestDecideAllocs pins the allocations of one decision on the benchmark's
// inputs: the evidence slice and the one string that holds the texts.
func TestDecideAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	site, page := benchInputs(t)
	urls := benchURLs(t)
	for _, agent := range []string{"CCBot", "UnlistedBot", "GPTBot"} {
		p := &optout.Policy{Agents: []string{agent}}
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			p.Decide(urls[i%len(urls)], site, page)
			i++
		})
		if allocs > maxDecideAllocs {
			t.Errorf("Decide for %s: %.1f allocations, want at most %d", agent, allocs, maxDecideAllocs)
		}
	}
}

// benchInputs returns the site and page of BenchmarkDecide.
func benchInputs(t testing.TB) (*optout.Site, *optout.Page) {
	t.Helper()
	body, err := os.ReadFile("testdata/bench-robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	body = append(body, "\nUser-agent: *\nContent-Usage: train-ai=n\nContent-Usage: /news/ train-ai=y\nContent-Signal: search=yes, ai-train=no\n"...)
	site := &optout.Site{
		Robots: optout.NewRobots("https://www.example-news.com/robots.txt", 200, body, t0),
		TDMRep: tdm(t, `[{"location":"/free/*","tdm-reservation":0},{"location":"/","tdm-reservation":1,"tdm-policy":"https://example.com/policy.json"}]`),
	}
	page := &optout.Page{Status: 200, Header: http.Header{"Content-Usage": {"train-ai=y"}, "Tdm-Reservation": {"0"}, "X-Robots-Tag": {"noindex"}}}
	return site, page
}
