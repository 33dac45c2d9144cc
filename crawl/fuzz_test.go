package crawl_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/crawl"
)

func TestParseSitemap(t *testing.T) {
	base, _ := url.Parse("http://example.com/sitemap.xml")
	tests := []struct {
		name    string
		in      string
		index   bool
		urls    []string
		skipped int
		err     bool
	}{
		{name: "urlset", in: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://example.com/a</loc><lastmod>2026-01-01</lastmod></url><url><loc>
			https://example.com/b?x=1&amp;y=2 </loc></url></urlset>`, urls: []string{"http://example.com/a", "https://example.com/b?x=1&y=2"}},
		{name: "index", in: `<sitemapindex><sitemap><loc>http://example.com/s1.xml.gz</loc></sitemap></sitemapindex>`, index: true, urls: []string{"http://example.com/s1.xml.gz"}},
		{name: "relative, duplicate, fragment and bad scheme", in: `<urlset><url><loc>/x#f</loc></url><url><loc>/x</loc></url><url><loc>ftp://example.com/</loc></url></urlset>`,
			urls: []string{"http://example.com/x"}, skipped: 1},
		{name: "loc outside url ignored", in: `<urlset><loc>http://example.com/no</loc><url><image><loc>http://example.com/img.png</loc></image><loc>http://example.com/yes</loc></url></urlset>`,
			urls: []string{"http://example.com/yes"}},
		{name: "text", in: "http://example.com/1\n\nhttp://example.com/2\r\nnot a url\n", urls: []string{"http://example.com/1", "http://example.com/2", "http://example.com/not%20a%20url"}},
		{name: "gzip", in: gz(`<urlset><url><loc>http://example.com/z</loc></url></urlset>`), urls: []string{"http://example.com/z"}},
		{name: "not a sitemap", in: `<html><body>hello</body></html>`, err: true},
		{name: "syntax error keeps what came before", in: `<urlset><url><loc>http://example.com/a</loc></url><url><loc>http://exa`, urls: []string{"http://example.com/a"}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm, err := crawl.ParseSitemap(strings.NewReader(tt.in), base)
			if (err != nil) != tt.err {
				t.Fatalf("ParseSitemap() error = %v, want error %v", err, tt.err)
			}
			if sm == nil {
				if len(tt.urls) > 0 {
					t.Fatalf("ParseSitemap() = nil")
				}
				return
			}
			if sm.Index != tt.index || strings.Join(sm.URLs, " ") != strings.Join(tt.urls, " ") || sm.Skipped != tt.skipped {
				t.Errorf("ParseSitemap() = %+v, want index %v, URLs %q, skipped %d", sm, tt.index, tt.urls, tt.skipped)
			}
		})
	}
}

func FuzzParseSitemap(f *testing.F) {
	for _, s := range []string{
		`<urlset><url><loc>http://example.com/a</loc></url></urlset>`,
		`<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>`,
		"http://example.com/1\nhttp://example.com/2\n",
		gz(`<urlset><url><loc>http://example.com/z</loc></url></urlset>`),
		`<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc><![CDATA[http://example.com/c]]></loc></url></urlset>`,
		"\x1f\x8b garbage",
	} {
		f.Add([]byte(s))
	}
	base, _ := url.Parse("http://example.com/dir/sitemap.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		sm, _ := crawl.ParseSitemap(bytes.NewReader(b), base)
		if sm == nil {
			return
		}
		if len(sm.URLs) > crawl.MaxSitemapURLs {
			t.Fatalf("%d URLs", len(sm.URLs))
		}
		seen := map[string]bool{}
		for _, s := range sm.URLs {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || seen[s] {
				t.Fatalf("bad or duplicate URL %q", s)
			}
			seen[s] = true
		}
	})
}

// journalSeed is a journal of two commits, a batch without one, and a torn
// line.
const journalSeed = `{"e":"run","t":"2026-01-01T00:00:00Z","a":["LumenBot"],"m":["example.com"]}
{"e":"add","u":"http://example.com/"}
{"e":"add","u":"http://example.com/a","d":1,"v":"http://example.com/"}
{"e":"commit","n":1,"l":0,"t":"2026-01-01T00:00:00Z"}
{"e":"done","u":"http://example.com/","o":"fetched","b":120}
{"e":"done","u":"http://other.org/","o":"skipped","r":"out-of-scope"}
{"e":"commit","n":2,"s":[{"f":"warc/a.warc.gz","z":2048}],"l":512,"t":"2026-01-01T00:00:01Z"}
{"e":"done","u":"http://example.com/a","o":"fetched","b":99}
{"e":"add","u":"http://exam`

func TestReadJournal(t *testing.T) {
	st, err := crawl.ReadJournal(strings.NewReader(journalSeed))
	if err != nil {
		t.Fatal(err)
	}
	committed := strings.Index(journalSeed, `{"e":"done","u":"http://example.com/a"`)
	if st.Size != int64(committed) || st.Size+st.Tail != int64(len(journalSeed)) {
		t.Errorf("Size %d, Tail %d; want %d, %d", st.Size, st.Tail, committed, len(journalSeed)-committed)
	}
	if len(st.Pending) != 1 || st.Pending[0].URL != "http://example.com/a" || st.Pending[0].Depth != 1 {
		t.Errorf("Pending = %+v", st.Pending)
	}
	if st.Outcomes["fetched"] != 1 || st.Skipped["out-of-scope"] != 1 || st.Bytes != 120 || st.Seen != 3 || st.Commits != 2 || st.Runs != 1 {
		t.Errorf("state = %+v", st)
	}
	if st.Files["warc/a.warc.gz"] != 2048 || st.LedgerSize != 512 || strings.Join(st.Agents, ",") != "LumenBot" || strings.Join(st.Domains, ",") != "example.com" {
		t.Errorf("files %v, ledger %d, agents %v, domains %v", st.Files, st.LedgerSize, st.Agents, st.Domains)
	}
}

func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(journalSeed))
	f.Add([]byte(journalSeed[:strings.Index(journalSeed, "commit")+30]))
	f.Add([]byte("{\"e\":\"commit\"}\n{\"e\":\"bogus\"}\n{\"e\":\"commit\"}\n"))
	f.Add([]byte("\n\n{\"e\":\"add\",\"u\":\"x\"}\n{\"e\":\"done\",\"u\":\"x\",\"o\":\"skipped\"}\n{\"e\":\"commit\",\"l\":-1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := crawl.ReadJournal(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if st.Size < 0 || st.Tail < 0 || st.Size+st.Tail != int64(len(b)) {
			t.Fatalf("Size %d + Tail %d != %d", st.Size, st.Tail, len(b))
		}
		if st.Size > 0 && b[st.Size-1] != '\n' {
			t.Fatalf("Size %d does not end a line", st.Size)
		}
		// What was committed reads the same, with no tail.
		again, err := crawl.ReadJournal(bytes.NewReader(b[:st.Size]))
		if err != nil || again.Tail != 0 || again.Size != st.Size || len(again.Pending) != len(st.Pending) || again.Seen != st.Seen || again.Commits != st.Commits {
			t.Fatalf("committed prefix reads as %+v, want %+v", again, st)
		}
		if st.LedgerSize < 0 {
			t.Fatalf("ledger size %d", st.LedgerSize)
		}
	})
}

func FuzzLedgerReader(f *testing.F) {
	f.Add([]byte(`{"url":"http://example.com/","time":"2026-01-01T00:00:00Z","outcome":"skipped","reason":"reserved","detail":"d","depth":0,"agents":["LumenBot"],"requested":false,"evidence":[{"source":"robots.txt","decision":"reserved","detail":"x"}]}` + "\n"))
	f.Add([]byte("{\"url\":\"u\",\"outcome\":\"fetched\"}\n\n{\"url\":\"\"}\n"))
	f.Add([]byte(`{"url":"u","outcome":"fetched","evidence":[{"decision":"nonsense"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := crawl.NewLedgerReader(bytes.NewReader(b))
		n := 0
		for r.Next() {
			if e := r.Entry(); e.URL == "" || e.Outcome == "" {
				t.Fatalf("entry without URL or outcome: %+v", e)
			}
			n++
		}
		if n > bytes.Count(b, []byte("\n"))+1 {
			t.Fatalf("%d entries from %d lines", n, bytes.Count(b, []byte("\n"))+1)
		}
		_ = r.Err()
	})
}

// memTransport serves a web from memory, without a network: each host
// has an allow-all robots.txt, no tdmrep.json, a sitemap at /sitemap.txt
// listing its pages, and pages that link nowhere.
type memTransport struct{ pages int }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var status = 200
	ct, body := "text/html", "<html><head><title>t</title></head><body><p>Some text of a page.</p></body></html>"
	switch req.URL.Path {
	case "/robots.txt":
		ct, body = "text/plain", "User-agent: *\nAllow: /\n"
	case tdmPath:
		status, body = 404, ""
	case "/sitemap.txt":
		var b strings.Builder
		for i := range m.pages {
			fmt.Fprintf(&b, "http://%s/p/%d\n", req.URL.Host, i)
		}
		ct, body = "text/plain", b.String()
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {ct}}, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// BenchmarkCrawlPerURL measures what the crawler spends per URL beyond the
// network: the decision before and after the request, politeness
// bookkeeping, WARC encoding, the ledger, the journal and its commits
// (with fsync, which dominates: compare the batch sizes). The web is
// served from memory by 16 hosts.
func BenchmarkCrawlPerURL(b *testing.B) {
	for _, every := range []int{64, 1024} {
		b.Run(fmt.Sprintf("commit=%d", every), func(b *testing.B) { benchmarkCrawl(b, every) })
	}
}

func benchmarkCrawl(b *testing.B, commitEvery int) {
	const hosts = 16
	perHost := max(1, b.N/hosts)
	cfg := crawl.DefaultConfig()
	cfg.Identity = identity
	cfg.Dir = b.TempDir()
	for h := range hosts {
		cfg.Sitemaps = append(cfg.Sitemaps, fmt.Sprintf("http://h%d.test/sitemap.txt", h))
	}
	cfg.Delay = 0
	cfg.PerHost = 4
	cfg.Workers = 8
	cfg.Transport = memTransport{pages: perHost}
	cfg.CommitEvery = commitEvery
	cfg.CommitInterval = time.Minute
	c, err := crawl.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	sum, err := c.Run(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if sum.Fetched != hosts*perHost {
		b.Fatalf("fetched %d, want %d", sum.Fetched, hosts*perHost)
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(sum.Fetched), "ns/url")
}
