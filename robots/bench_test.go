package robots_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/robots"
	"github.com/temoto/robotstxt"
)

// benchURLs returns the committed sample of the benchmark's URL list, or
// the full list when GPAI_BENCH_ROBOTS_URLS names it.
func benchURLs(b *testing.B) []string {
	b.Helper()
	name := "testdata/urls-10k.txt"
	if env := os.Getenv("GPAI_BENCH_ROBOTS_URLS"); env != "" {
		name = env
	}
	fh, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	var urls []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			urls = append(urls, line)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return urls
}

func benchPaths(b *testing.B) []string {
	urls := benchURLs(b)
	paths := make([]string, len(urls))
	for i, u := range urls {
		paths[i] = robots.Path(u)
	}
	return paths
}

func benchFile(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile("testdata/bench.txt")
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkParse(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		robots.ParseBytes(data)
	}
}

// BenchmarkParseAndFirstDecision parses and takes one Strict decision for
// CCBot, which compiles the rule sets of that one agent (a named group with
// many rules).
func BenchmarkParseAndFirstDecision(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f := robots.ParseBytes(data)
		if f.Decide("CCBot", "/news/a.html?utm_source=x", robots.Strict).Allowed {
			b.Fatal("CCBot allowed")
		}
	}
}

// BenchmarkParseAndCompileAll parses and compiles the rule sets of every
// agent the file names and of the "*" groups: the cost of parsing before
// decisions were compiled lazily.
func BenchmarkParseAndCompileAll(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		robots.ParseBytes(data).Compile()
	}
}

func BenchmarkParseTemoto(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := robotstxt.FromBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAgents are the agents of the decision benchmarks: a named group with
// many rules, the "*" group (an agent the file does not name), a group with
// Disallow: / and a search engine group.
var benchAgents = []string{"CCBot", "UnlistedBot", "GPTBot", "Googlebot"}

func BenchmarkDecide(b *testing.B) {
	f := robots.ParseBytes(benchFile(b))
	f.Compile() // measure decisions, not the first one's compilation
	paths := benchPaths(b)
	for _, agent := range benchAgents {
		for _, p := range []robots.Profile{robots.Strict, robots.RFC, robots.Google} {
			b.Run(agent+"/"+p.String(), func(b *testing.B) {
				b.ReportAllocs()
				n, disallowed := 0, 0
				for b.Loop() {
					for _, path := range paths {
						if !f.Decide(agent, path, p).Allowed {
							disallowed++
						}
					}
					n += len(paths)
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "decisions/s")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/decision")
				b.ReportMetric(100*float64(disallowed)/float64(n), "%disallowed")
			})
		}
	}
}

func BenchmarkDecideTemoto(b *testing.B) {
	data := benchFile(b)
	rt, err := robotstxt.FromBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	paths := benchPaths(b)
	for _, agent := range benchAgents {
		b.Run(agent, func(b *testing.B) {
			b.ReportAllocs()
			n, disallowed := 0, 0
			for b.Loop() {
				// temoto's recommended use: find the group once per agent.
				g := rt.FindGroup(agent)
				for _, path := range paths {
					if !g.Test(path) {
						disallowed++
					}
				}
				n += len(paths)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "decisions/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/decision")
			b.ReportMetric(100*float64(disallowed)/float64(n), "%disallowed")
		})
	}
}
