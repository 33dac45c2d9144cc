package optout_test

import (
	"bufio"
	"net/http"
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
	body, err := os.ReadFile("testdata/bench-robots.txt")
	if err != nil {
		b.Fatal(err)
	}
	body = append(body, "\nUser-agent: *\nContent-Usage: train-ai=n\nContent-Usage: /news/ train-ai=y\nContent-Signal: search=yes, ai-train=no\n"...)
	urls := benchURLs(b)
	site := &optout.Site{
		Robots: optout.NewRobots("https://www.example-news.com/robots.txt", 200, body, t0),
		TDMRep: tdm(b, `[{"location":"/free/*","tdm-reservation":0},{"location":"/","tdm-reservation":1,"tdm-policy":"https://example.com/policy.json"}]`),
	}
	page := &optout.Page{Status: 200, Header: http.Header{"Content-Usage": {"train-ai=y"}, "Tdm-Reservation": {"0"}, "X-Robots-Tag": {"noindex"}}}
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
