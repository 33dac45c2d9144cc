package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gpai-project/gpai/fetch"
	"github.com/gpai-project/gpai/optout"
)

// site is a test server that counts requests per path.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
	agents []string
}

func newSite(t *testing.T, routes map[string]http.HandlerFunc) *site {
	t.Helper()
	s := &site{counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[r.URL.Path]++
		s.agents = append(s.agents, r.UserAgent())
		s.mu.Unlock()
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>page</title></head><body>hello</body></html>")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, body)
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, http.StatusText(code), code) }
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newFetcher(c *clock) *fetch.Fetcher {
	cfg := fetch.DefaultConfig()
	cfg.HostDelay = -1
	cfg.Timeout = 2 * time.Second
	if c != nil {
		cfg.Now = c.Now
	}
	return fetch.New(cfg)
}

var gptbot = &optout.Policy{Agents: []string{"GPTBot"}}

func TestRobotsStatus(t *testing.T) {
	tests := []struct {
		name      string
		robots    http.HandlerFunc
		want      optout.Decision
		pageFetch bool
	}{
		{"200 disallow", text("User-agent: GPTBot\nDisallow: /\n"), optout.Reserved, false},
		{"200 allow", text("User-agent: GPTBot\nAllow: /\n"), optout.Allowed, true},
		{"200 empty", text(""), optout.Allowed, true},
		{"404 allow all", status(404), optout.Allowed, true},
		{"410 allow all", status(410), optout.Allowed, true},
		{"401 allow all", status(401), optout.Allowed, true},
		{"403 allow all", status(403), optout.Allowed, true},
		{"429 disallow all", status(429), optout.Unknown, false},
		{"500 disallow all", status(500), optout.Unknown, false},
		{"503 disallow all", status(503), optout.Unknown, false},
		{"binary junk parses leniently", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("\x00\xff\xfe\x1f\x8b garbage\nUser-agent: GPTBot\nDisallow: /\n"))
		}, optout.Reserved, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": tt.robots})
			f := newFetcher(nil)
			res := f.Check(context.Background(), gptbot, s.URL+"/article")
			if res.Decision != tt.want {
				t.Fatalf("Check = %v, want %v: %s", res.Decision, tt.want, res.Reason)
			}
			if got := s.count("/article") > 0; got != tt.pageFetch {
				t.Errorf("page fetched = %v, want %v", got, tt.pageFetch)
			}
			for _, ua := range s.agents {
				if !strings.Contains(ua, fetch.Token) {
					t.Errorf("User-Agent %q lacks %s", ua, fetch.Token)
				}
			}
		})
	}
}

func TestRobotsRedirects(t *testing.T) {
	for hops := 1; hops <= 6; hops++ {
		t.Run(fmt.Sprint(hops, " hops"), func(t *testing.T) {
			routes := map[string]http.HandlerFunc{}
			from := "/robots.txt"
			for i := 1; i <= hops; i++ {
				to := fmt.Sprintf("/r%d", i)
				routes[from] = func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusMovedPermanently) }
				from = to
			}
			routes[from] = text("User-agent: *\nDisallow: /\n")
			s := newSite(t, routes)
			f := newFetcher(nil)
			r, err := f.Robots(context.Background(), s.URL+"/x")
			if err != nil {
				t.Fatal(err)
			}
			res := gptbot.Decide(s.URL+"/x", &optout.Site{Robots: r}, nil)
			want := optout.Reserved
			if hops > optout.MaxRedirects {
				want = optout.Allowed // more than 5 redirects: unavailable
			}
			if res.Decision != want {
				t.Errorf("%d hops: %v, want %v (%s)", hops, res.Decision, want, res.Reason)
			}
			if hops <= optout.MaxRedirects && r.Redirects != hops {
				t.Errorf("Redirects = %d, want %d", r.Redirects, hops)
			}
			if r.URL != s.URL+"/robots.txt" {
				t.Errorf("URL = %q, want the original robots.txt URL", r.URL)
			}
		})
	}
}

func TestRobotsRedirectAcrossHosts(t *testing.T) {
	other := newSite(t, map[string]http.HandlerFunc{"/shared-robots.txt": text("User-agent: GPTBot\nDisallow: /secret\n")})
	s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/shared-robots.txt", http.StatusFound)
	}})
	f := newFetcher(nil)
	if res := f.Check(context.Background(), gptbot, s.URL+"/secret/1"); res.Decision != optout.Reserved {
		t.Errorf("secret: %v (%s)", res.Decision, res.Reason)
	}
	if res := f.Check(context.Background(), gptbot, s.URL+"/open"); res.Decision != optout.Allowed {
		t.Errorf("open: %v (%s)", res.Decision, res.Reason)
	}
}

func TestUnreachable(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	addr := s.URL
	s.Close()
	f := newFetcher(nil)
	res := f.Check(context.Background(), gptbot, addr+"/x")
	if res.Decision != optout.Unknown || res.Allowed {
		t.Errorf("unreachable: %v (%s)", res.Decision, res.Reason)
	}
	if !strings.Contains(res.Reason, "complete disallow") {
		t.Errorf("reason %q", res.Reason)
	}
}

func TestTimeoutAndSlow(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	slowHeader := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}
	trickle := func(total time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			lines := []string{"User-agent: *\n", "Disallow: /a\n", "Disallow: /b\n", "Disallow: /c\n", "Disallow: /d\n"}
			for _, l := range lines {
				fmt.Fprint(w, l)
				w.(http.Flusher).Flush()
				select {
				case <-time.After(total / time.Duration(len(lines))):
				case <-r.Context().Done():
					return
				}
			}
		}
	}
	tests := []struct {
		name string
		h    http.HandlerFunc
		want optout.Decision
	}{
		{"no response within the timeout", slowHeader, optout.Unknown},
		{"body slower than the timeout", trickle(2 * time.Second), optout.Unknown},
		{"slow body within the timeout", trickle(200 * time.Millisecond), optout.Reserved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": tt.h})
			cfg := fetch.DefaultConfig()
			cfg.HostDelay = -1
			cfg.Timeout = 500 * time.Millisecond
			f := fetch.New(cfg)
			start := time.Now()
			res := f.Check(context.Background(), gptbot, s.URL+"/d/1")
			if res.Decision != tt.want {
				t.Errorf("%v, want %v (%s)", res.Decision, tt.want, res.Reason)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %v despite a 500 ms timeout", el)
			}
		})
	}
}

func TestHugeRobots(t *testing.T) {
	// The rules after 500 KiB are ignored.
	big := "User-agent: *\nDisallow: /early\n" + strings.Repeat("# padding padding padding padding padding padding padding\n", 600<<10/58) + "Disallow: /late\n"
	var written atomic.Int64
	routes := map[string]http.HandlerFunc{"/robots.txt": text(big)}
	s := newSite(t, routes)
	f := newFetcher(nil)
	if res := f.Check(context.Background(), gptbot, s.URL+"/early"); res.Decision != optout.Reserved {
		t.Errorf("/early: %v", res.Decision)
	}
	if res := f.Check(context.Background(), gptbot, s.URL+"/late"); res.Decision != optout.Allowed {
		t.Errorf("/late (past 500 KiB): %v", res.Decision)
	}
	r, _ := f.Robots(context.Background(), s.URL)
	if !r.File.Truncated {
		t.Error("File.Truncated = false")
	}

	// A 100 MB file is streamed; the fetcher stops reading at the limit.
	stream := newSite(t, map[string]http.HandlerFunc{"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
		chunk := []byte(strings.Repeat("#"+strings.Repeat("z", 1022)+"\n", 64)) // 64 KiB
		for i := 0; i < 100<<20/len(chunk); i++ {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}})
	start := time.Now()
	if res := f.Check(context.Background(), gptbot, stream.URL+"/x"); res.Decision != optout.Reserved {
		t.Errorf("100 MB file: %v (%s)", res.Decision, res.Reason)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("100 MB file took %v", el)
	}
	time.Sleep(50 * time.Millisecond)
	if w := written.Load(); w > 20<<20 {
		t.Errorf("server wrote %d bytes: the fetcher read far past the limit", w)
	}
}

func TestSignals(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt":              text("User-agent: *\nAllow: /\n"),
		"/.well-known/tdmrep.json": text(`[{"location":"/reserved/*","tdm-reservation":1,"tdm-policy":"https://example.com/p.json"},{"location":"/","tdm-reservation":0}]`),
		"/usage": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Usage", "train-ai=n")
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "text")
		},
		"/xrobots": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Robots-Tag", "noai, noimageai")
			fmt.Fprint(w, "text")
		},
		"/tdmheader": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("tdm-reservation", "1")
			fmt.Fprint(w, "text")
		},
		"/paywalled": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","isAccessibleForFree":false}</script></head><body>teaser</body></html>`)
		},
		"/meta": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><meta name="robots" content="noai"><meta name="tdm-reservation" content="1"></head></html>`)
		},
		"/legal": status(451),
		"/paid":  status(402),
		"/members": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/login?next=/members", http.StatusFound)
		},
	})
	tests := []struct {
		path   string
		want   optout.Decision
		source string
	}{
		{"/free", optout.Allowed, ""},
		{"/reserved/a", optout.Reserved, optout.SourceTDMRep},
		{"/usage", optout.Reserved, optout.SourceContentUsage},
		{"/xrobots", optout.Reserved, optout.SourceNoAI},
		{"/tdmheader", optout.Reserved, optout.SourceTDMRep},
		{"/meta", optout.Reserved, optout.SourceTDMRep},
		{"/paywalled", optout.Restricted, optout.SourceSchemaOrg},
		{"/legal", optout.Restricted, optout.SourceHTTPStatus},
		{"/paid", optout.Restricted, optout.SourceHTTPStatus},
		{"/members", optout.Restricted, optout.SourceLoginWall},
	}
	f := newFetcher(nil)
	for _, tt := range tests {
		res := f.Check(context.Background(), gptbot, s.URL+tt.path)
		if res.Decision != tt.want {
			t.Errorf("%s: %v, want %v (%s)", tt.path, res.Decision, tt.want, res.Reason)
			continue
		}
		found := tt.source == ""
		for _, e := range res.Deciding() {
			found = found || e.Source == tt.source
		}
		if !found {
			t.Errorf("%s: no %s evidence among %v", tt.path, tt.source, res.Evidence)
		}
	}
	if n := s.count("/.well-known/tdmrep.json"); n != 1 {
		t.Errorf("tdmrep.json fetched %d times, want 1 (cached)", n)
	}
	// Evidence carries the hash and time of the file that decided.
	res := f.Check(context.Background(), gptbot, s.URL+"/reserved/b")
	d := res.Deciding()
	if len(d) == 0 || len(d[0].SHA256) != 64 || d[0].FetchedAt.IsZero() || d[0].Where != s.URL+"/.well-known/tdmrep.json" {
		t.Errorf("tdmrep evidence %+v", d)
	}
}

func TestCaching(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		advance time.Duration
		want    int // robots.txt requests for two checks, then one after advance
	}{
		{"default reused within 24 h", nil, 23 * time.Hour, 1},
		{"default refetched after 24 h", nil, 25 * time.Hour, 2},
		{"max-age reused", map[string]string{"Cache-Control": "max-age=3600"}, 30 * time.Minute, 1},
		{"max-age expired", map[string]string{"Cache-Control": "public, max-age=3600"}, 61 * time.Minute, 2},
		{"max-age capped at 24 h", map[string]string{"Cache-Control": "max-age=604800"}, 25 * time.Hour, 2},
		{"no-store", map[string]string{"Cache-Control": "no-store"}, time.Second, 3},
		{"no-cache", map[string]string{"Cache-Control": "no-cache"}, time.Second, 3},
		{"expires", map[string]string{"Expires": "Sun, 01 Nov 2026 13:00:00 GMT", "Date": "Sun, 01 Nov 2026 12:00:00 GMT"}, 59 * time.Minute, 1},
		{"expires passed", map[string]string{"Expires": "Sun, 01 Nov 2026 13:00:00 GMT", "Date": "Sun, 01 Nov 2026 12:00:00 GMT"}, 61 * time.Minute, 2},
		{"invalid expires", map[string]string{"Expires": "0"}, time.Second, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			}})
			c := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
			f := newFetcher(c)
			f.Check(context.Background(), gptbot, s.URL+"/private/1")
			f.Check(context.Background(), gptbot, s.URL+"/private/2")
			c.Add(tt.advance)
			f.Check(context.Background(), gptbot, s.URL+"/private/3")
			if got := s.count("/robots.txt"); got != tt.want {
				t.Errorf("robots.txt requested %d times, want %d", got, tt.want)
			}
		})
	}
}

func TestStaleCopyWhenUnreachable(t *testing.T) {
	var down atomic.Bool
	s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", 503)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
	}})
	c := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	f := newFetcher(c)
	f.Check(context.Background(), gptbot, s.URL+"/private/1")
	down.Store(true)
	c.Add(25 * time.Hour)
	res := f.Check(context.Background(), gptbot, s.URL+"/public")
	if res.Decision != optout.Allowed || !strings.Contains(res.Evidence[0].Detail, "cached copy") {
		t.Errorf("stale copy not used: %v %s", res.Decision, res.Reason)
	}
	c.Add(31 * 24 * time.Hour)
	res = f.Check(context.Background(), gptbot, s.URL+"/public")
	if res.Decision != optout.Unknown {
		t.Errorf("after 30 days: %v, want unknown (complete disallow)", res.Decision)
	}
}

func TestPiracyListFetchesNothing(t *testing.T) {
	var requests atomic.Int64
	tr := roundTripper(func(r *http.Request) (*http.Response, error) {
		requests.Add(1)
		return nil, fmt.Errorf("no network in this test")
	})
	cfg := fetch.DefaultConfig()
	cfg.Transport = tr
	f := fetch.New(cfg)
	p := &optout.Policy{Agents: []string{"GPTBot"}, Blocklist: optout.NewBlocklist(optout.BlockEntry{Domain: "pirate.example", File: "list.txt", Line: 1})}
	for _, u := range []string{"https://pirate.example/film.mkv", "http://cdn.eu.pirate.example/x", "https://PIRATE.example./"} {
		res := f.Check(context.Background(), p, u)
		if res.Decision != optout.Blocked || res.Allowed {
			t.Errorf("%s: %v (%s)", u, res.Decision, res.Reason)
		}
	}
	if requests.Load() != 0 {
		t.Errorf("%d requests to a piracy domain", requests.Load())
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestInvalidURL(t *testing.T) {
	f := newFetcher(nil)
	for _, u := range []string{"", "not a url", "ftp://example.com/x", "http://", "http://[::1", "\x00\xff"} {
		res := f.Check(context.Background(), gptbot, u)
		if res.Error == "" || res.Decision != optout.Unknown || res.Allowed {
			t.Errorf("Check(%q) = %+v, want an error", u, res)
		}
	}
	if f.Requests() != 0 {
		t.Errorf("%d requests for invalid URLs", f.Requests())
	}
}

func TestPoliteness(t *testing.T) {
	var inFlight, maxInFlight atomic.Int64
	var mu sync.Mutex
	var starts []time.Time
	s := newSite(t, map[string]http.HandlerFunc{"/robots.txt": text("User-agent: *\nAllow: /\n")})
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
	})
	cfg := fetch.DefaultConfig()
	cfg.HostDelay = 50 * time.Millisecond
	f := fetch.New(cfg)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { f.Check(context.Background(), gptbot, fmt.Sprintf("%s/p%d", s.URL, i)) })
	}
	wg.Wait()
	if maxInFlight.Load() != 1 {
		t.Errorf("%d requests in flight to one host, want 1", maxInFlight.Load())
	}
	// Arrival times at the server carry scheduling jitter (an arrival
	// delayed by load shortens the next gap), so each gap gets a generous
	// allowance while the whole span must hold every delay.
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 20*time.Millisecond {
			t.Errorf("requests %d and %d only %v apart", i-1, i, gap)
		}
	}
	if n := len(starts); n > 1 {
		if span, want := starts[n-1].Sub(starts[0]), time.Duration(n-1)*50*time.Millisecond-25*time.Millisecond; span < want {
			t.Errorf("%d requests spread over %v, want at least %v", n, span, want)
		}
	}
	if len(starts) != 6 { // robots.txt, tdmrep.json, 4 pages
		t.Errorf("%d requests, want 6", len(starts))
	}
}

func TestCrawlDelay(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	s := newSite(t, nil)
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: gpai-optout\nCrawl-delay: 0.2\nAllow: /\n")
			return
		}
		fmt.Fprint(w, "x")
	})
	f := newFetcher(nil)
	f.Check(context.Background(), gptbot, s.URL+"/a")
	if len(starts) < 3 {
		t.Fatalf("%d requests", len(starts))
	}
	if gap := starts[2].Sub(starts[1]); gap < 180*time.Millisecond {
		t.Errorf("Crawl-delay 0.2 not honoured: %v between requests", gap)
	}
}
