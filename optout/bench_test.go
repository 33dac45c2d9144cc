package optout_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
)

// BenchmarkDecide measures the full decision for one URL given parsed
// inputs: the 9.7 KB bench robots.txt (robots.txt rules of the agent's
// group, with Content-Usage and Content-Signal lines added), a tdmrep.json
// and a page header with Content-Usage, tdm-reservation and X-Robots-Tag.
// One op is one URL.
func BenchmarkDecide(b *testing.B) {
	site, page := benchInputs(b)
	urls := benchURLs(b)
	for _, agent := range []string{"CCBot", "UnlistedBot", "GPTBot"} {
		for _, prof := range []robots.Profile{robots.Strict, robots.Google} {
			b.Run(agent+"/"+prof.String(), func(b *testing.B) {
				p := &optout.Policy{Agents: []string{agent}, Profile: prof}
				reserved := 0
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					r := p.Decide(urls[i%len(urls)], site, page)
					if !r.Allowed {
						reserved++
					}
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
			})
		}
	}
}

func benchURLs(b testing.TB) []string {
	f, err := os.Open("../robots/testdata/urls-10k.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var urls []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			urls = append(urls, s)
		}
	}
	return urls
}
