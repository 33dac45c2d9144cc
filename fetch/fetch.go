package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// Token is the fetcher's own product token, which it obeys robots.txt as.
const Token = "gpai-optout"

// Config controls a Fetcher. Use DefaultConfig and change what you need.
type Config struct {
	// UserAgent is sent with every request. It should contain Token.
	UserAgent string
	// Timeout bounds each request, from connecting to reading the body.
	Timeout time.Duration
	// MaxRobotsSize is the number of bytes of robots.txt read; at least
	// 500 KiB (RFC 9309 section 2.5).
	MaxRobotsSize int64
	// MaxPageSize is the number of bytes of a page's HTML read for its
	// metadata.
	MaxPageSize int64
	// MaxCacheAge caps how long a robots.txt or tdmrep.json result is
	// used: RFC 9309 says not more than 24 hours.
	MaxCacheAge time.Duration
	// ErrorCacheAge is how long an unreachable result is kept before
	// trying again.
	ErrorCacheAge time.Duration
	// StaleLimit is how long an expired robots.txt copy may stand in for
	// one that has become unreachable (RFC 9309 section 2.4 gives 30 days as
	// an example of a reasonably long time).
	StaleLimit time.Duration
	// HostDelay is the least time between the starts of two requests to
	// one host; zero means the default and a negative value none.
	HostDelay time.Duration
	// MaxCrawlDelay caps the Crawl-delay honoured for Token.
	MaxCrawlDelay time.Duration
	// HostConcurrency is the number of requests in flight to one host.
	HostConcurrency int
	// Concurrency is the number of requests in flight in all.
	Concurrency int
	// Transport makes the requests; nil means a transport with the
	// timeouts above.
	Transport http.RoundTripper
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// Logger receives one debug record per request; nil discards.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults: a 20-second timeout, 500 KiB of
// robots.txt and 512 KiB of HTML, at most 24 hours of caching, 500 ms
// between requests to a host and one at a time, 8 requests in flight.
func DefaultConfig() Config {
	return Config{
		UserAgent:       "Mozilla/5.0 (compatible; " + Token + "/1.0; +https://github.com/gpai-project/gpai)",
		Timeout:         20 * time.Second,
		MaxRobotsSize:   robots.MaxSize,
		MaxPageSize:     htmlmeta.DefaultMaxBytes,
		MaxCacheAge:     24 * time.Hour,
		ErrorCacheAge:   5 * time.Minute,
		StaleLimit:      30 * 24 * time.Hour,
		HostDelay:       500 * time.Millisecond,
		MaxCrawlDelay:   10 * time.Second,
		HostConcurrency: 1,
		Concurrency:     8,
	}
}

// A Fetcher fetches and caches what the rights-reservation decision needs.
// It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
	sem    chan struct{}
	log    *slog.Logger

	mu    sync.Mutex
	cache map[string]*entry // by origin and kind
	hosts map[string]*hostState

	requests atomic.Int64
}

type entry struct {
	ready   chan struct{} // closed once the fetch is done
	robots  *optout.Robots
	tdm     *optout.TDMRep
	expires time.Time
}

type hostState struct {
	sem   chan struct{}
	mu    sync.Mutex
	next  time.Time // earliest start of the next request
	delay time.Duration
}

// New returns a Fetcher with the configuration c; zero fields take their
// defaults, and a MaxRobotsSize below robots.MaxSize is raised to it.
func New(c Config) *Fetcher {
	d := DefaultConfig()
	if c.UserAgent == "" {
		c.UserAgent = d.UserAgent
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.MaxRobotsSize < robots.MaxSize {
		c.MaxRobotsSize = robots.MaxSize
	}
	if c.MaxPageSize <= 0 {
		c.MaxPageSize = d.MaxPageSize
	}
	if c.MaxCacheAge <= 0 || c.MaxCacheAge > d.MaxCacheAge {
		c.MaxCacheAge = d.MaxCacheAge
	}
	if c.ErrorCacheAge <= 0 {
		c.ErrorCacheAge = d.ErrorCacheAge
	}
	if c.StaleLimit <= 0 {
		c.StaleLimit = d.StaleLimit
	}
	switch {
	case c.HostDelay < 0:
		c.HostDelay = 0
	case c.HostDelay == 0:
		c.HostDelay = d.HostDelay
	}
	if c.MaxCrawlDelay <= 0 {
		c.MaxCrawlDelay = d.MaxCrawlDelay
	}
	if c.HostConcurrency <= 0 {
		c.HostConcurrency = d.HostConcurrency
	}
	if c.Concurrency <= 0 {
		c.Concurrency = d.Concurrency
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	tr := c.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: c.Timeout,
			MaxIdleConnsPerHost:   c.HostConcurrency,
			IdleConnTimeout:       30 * time.Second,
		}
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{
		cfg: c,
		client: &http.Client{Transport: tr, Timeout: c.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		sem:   make(chan struct{}, c.Concurrency),
		log:   log,
		cache: map[string]*entry{},
		hosts: map[string]*hostState{},
	}
}

// Requests returns the number of HTTP requests made so far.
func (f *Fetcher) Requests() int64 { return f.requests.Load() }

// ErrInvalidURL is wrapped by the errors for URLs that cannot be checked.
var ErrInvalidURL = errors.New("invalid URL")

// ParseURL parses an absolute http or https URL with a host.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidURL, raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%w %q: the scheme must be http or https", ErrInvalidURL, raw)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%w %q: no host", ErrInvalidURL, raw)
	}
	return u, nil
}

func origin(u *url.URL) string {
	return u.Scheme + "://" + strings.ToLower(u.Host)
}

// do makes one GET request, politely: within the global and per-host
// limits and after the host's delay.
func (f *Fetcher) do(ctx context.Context, u *url.URL) (*http.Response, func(), error) {
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	h := f.host(u.Host)
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		<-f.sem
		return nil, nil, ctx.Err()
	}
	release := func() { <-h.sem; <-f.sem }
	h.mu.Lock()
	now := f.cfg.Now()
	wait := h.next.Sub(now)
	delay := max(f.cfg.HostDelay, h.delay)
	if wait > 0 {
		h.next = h.next.Add(delay)
	} else {
		h.next = now.Add(delay)
	}
	h.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			release()
			return nil, nil, ctx.Err()
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		release()
		return nil, nil, err
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	f.requests.Add(1)
	resp, err := f.client.Do(req)
	if err != nil {
		release()
		f.log.Debug("fetch", "url", u.String(), "err", err)
		return nil, nil, err
	}
	f.log.Debug("fetch", "url", u.String(), "status", resp.StatusCode)
	return resp, func() { resp.Body.Close(); release() }, nil
}

func (f *Fetcher) host(h string) *hostState {
	h = strings.ToLower(h)
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.hosts[h]
	if s == nil {
		s = &hostState{sem: make(chan struct{}, f.cfg.HostConcurrency)}
		f.hosts[h] = s
	}
	return s
}

// get fetches u following up to optout.MaxRedirects redirects by hand. It
// returns the final response's status, header and at most limit bytes of
// body, the number of redirects followed and the final URL. A chain longer
// than the limit returns the last 3xx status.
func (f *Fetcher) get(ctx context.Context, u *url.URL, limit int64) (status int, hdr http.Header, body []byte, hops int, final *url.URL, err error) {
	for {
		resp, done, err := f.do(ctx, u)
		if err != nil {
			return 0, nil, nil, hops, u, err
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified {
			loc := resp.Header.Get("Location")
			done()
			if loc == "" {
				return resp.StatusCode, resp.Header, nil, hops, u, errors.New("redirect without a Location")
			}
			next, perr := u.Parse(loc)
			if perr != nil || (next.Scheme != "http" && next.Scheme != "https") {
				return resp.StatusCode, resp.Header, nil, hops, u, fmt.Errorf("redirect to an unusable Location %q", loc)
			}
			if hops == optout.MaxRedirects {
				return resp.StatusCode, resp.Header, nil, hops + 1, u, fmt.Errorf("more than %d redirects", optout.MaxRedirects)
			}
			hops++
			u = next
			continue
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
		done()
		if err != nil {
			return 0, nil, nil, hops, u, fmt.Errorf("reading the body: %w", err)
		}
		return resp.StatusCode, resp.Header, b, hops, u, nil
	}
}

// lookup returns the cache entry for key, fetching it with fill when it is
// missing or expired; concurrent callers share one fetch.
func (f *Fetcher) lookup(key string, fill func(old *entry) *entry) *entry {
	f.mu.Lock()
	e := f.cache[key]
	if e != nil {
		select {
		case <-e.ready:
			if f.cfg.Now().Before(e.expires) {
				f.mu.Unlock()
				return e
			}
		default:
			f.mu.Unlock()
			<-e.ready
			return e
		}
	}
	ne := &entry{ready: make(chan struct{})}
	f.cache[key] = ne
	f.mu.Unlock()
	filled := fill(e)
	ne.robots, ne.tdm, ne.expires = filled.robots, filled.tdm, filled.expires
	close(ne.ready)
	return ne
}

// Robots returns the robots.txt result for rawURL's origin, from the cache
// when it is fresh.
func (f *Fetcher) Robots(ctx context.Context, rawURL string) (*optout.Robots, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	o := origin(u)
	e := f.lookup("robots "+o, func(old *entry) *entry {
		r, expires := f.fetchRobots(ctx, o)
		if r.Access() == optout.AccessDisallowAll && old != nil && old.robots != nil && old.robots.Access() == optout.AccessRules && !old.robots.Stale &&
			f.cfg.Now().Sub(old.robots.FetchedAt) < f.cfg.StaleLimit {
			s := old.robots
			stale := &optout.Robots{URL: s.URL, Status: s.Status, Redirects: s.Redirects, File: s.File, SHA256: s.SHA256, FetchedAt: s.FetchedAt, Stale: true,
				Err: "now unreachable: " + describe(r)}
			return &entry{robots: stale, expires: expires}
		}
		return &entry{robots: r, expires: expires}
	})
	if e.robots.Access() == optout.AccessRules {
		if d, ok := e.robots.File.CrawlDelay(Token); ok {
			h := f.host(u.Host)
			h.mu.Lock()
			h.delay = min(d, f.cfg.MaxCrawlDelay)
			h.mu.Unlock()
		}
	}
	return e.robots, nil
}

func describe(r *optout.Robots) string {
	if r.Status != 0 {
		return fmt.Sprintf("HTTP %d", r.Status)
	}
	return r.Err
}

func (f *Fetcher) fetchRobots(ctx context.Context, o string) (*optout.Robots, time.Time) {
	ru, _ := url.Parse(o + "/robots.txt")
	now := f.cfg.Now()
	status, hdr, body, hops, _, err := f.get(ctx, ru, f.cfg.MaxRobotsSize+1)
	r := &optout.Robots{URL: ru.String(), Status: status, Redirects: hops, FetchedAt: now}
	if err != nil {
		r.Err = err.Error()
		if status == 0 {
			return r, now.Add(f.cfg.ErrorCacheAge)
		}
	}
	if status >= 200 && status < 300 {
		r.File = robots.ParseBytes(body)
		r.SHA256 = optout.Hash(body[:min(len(body), robots.MaxSize)])
	}
	if r.Access() == optout.AccessDisallowAll {
		return r, now.Add(min(f.cfg.ErrorCacheAge, f.ttl(hdr, now)))
	}
	return r, now.Add(f.ttl(hdr, now))
}

// ttl is the cache lifetime a response's header allows, capped at
// MaxCacheAge: 0 for no-store and no-cache, else max-age, else Expires
// minus Date.
func (f *Fetcher) ttl(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return f.cfg.MaxCacheAge
	}
	for _, cc := range h.Values("Cache-Control") {
		for _, d := range strings.Split(cc, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(k) {
			case "no-store", "no-cache":
				return 0
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
				if err != nil || n < 0 {
					return 0
				}
				return min(time.Duration(n)*time.Second, f.cfg.MaxCacheAge)
			}
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0 // an invalid Expires means already expired (RFC 9111)
		}
		base := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			base = d
		}
		return max(0, min(t.Sub(base), f.cfg.MaxCacheAge))
	}
	return f.cfg.MaxCacheAge
}

// TDMRep returns the /.well-known/tdmrep.json result for rawURL's origin,
// from the cache when it is fresh.
func (f *Fetcher) TDMRep(ctx context.Context, rawURL string) (*optout.TDMRep, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	o := origin(u)
	e := f.lookup("tdmrep "+o, func(*entry) *entry {
		tu, _ := url.Parse(o + "/.well-known/tdmrep.json")
		now := f.cfg.Now()
		status, hdr, body, _, _, err := f.get(ctx, tu, tdmrep.MaxFileSize+1)
		t := &optout.TDMRep{URL: tu.String(), Status: status, FetchedAt: now}
		switch {
		case err != nil:
			t.Err = err.Error()
			return &entry{tdm: t, expires: now.Add(f.cfg.ErrorCacheAge)}
		case status >= 200 && status < 300:
			t.SHA256 = optout.Hash(body[:min(len(body), tdmrep.MaxFileSize)])
			file, perr := tdmrep.ParseFile(strings.NewReader(string(body)))
			if perr != nil {
				t.Err = perr.Error()
			} else {
				t.File = file
			}
		}
		return &entry{tdm: t, expires: now.Add(f.ttl(hdr, now))}
	})
	return e.tdm, nil
}

// Page fetches rawURL itself, following up to five redirects, and reads its
// header fields and, for HTML, the metadata of its first MaxPageSize bytes.
func (f *Fetcher) Page(ctx context.Context, rawURL string) (*optout.Page, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	p := &optout.Page{URL: u.String(), FetchedAt: f.cfg.Now()}
	hops := 0
	for {
		resp, done, err := f.do(ctx, u)
		if err != nil {
			p.Err = err.Error()
			return p, nil
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && hops < optout.MaxRedirects {
			if next, err := u.Parse(resp.Header.Get("Location")); err == nil && resp.Header.Get("Location") != "" && (next.Scheme == "http" || next.Scheme == "https") {
				done()
				hops++
				u = next
				continue
			}
		}
		if u.String() != p.URL {
			p.FinalURL = u.String()
		}
		p.Status, p.Header = resp.StatusCode, resp.Header
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt == "text/html" || mt == "application/xhtml+xml" {
			cfg := htmlmeta.Config{MaxBytes: f.cfg.MaxPageSize, Body: true}
			doc, err := cfg.Parse(io.LimitReader(resp.Body, f.cfg.MaxPageSize+1))
			if err != nil {
				p.Err = "reading the page: " + err.Error()
			}
			p.HTML = doc
		}
		done()
		return p, nil
	}
}

// Check decides rawURL for the policy, fetching what it needs: nothing for
// a piracy-listed domain; robots.txt; and, where robots.txt lets both the
// policy's agents and Token fetch them, tdmrep.json and the page. An
// invalid URL gives a Result with Error set and an Unknown decision.
func (f *Fetcher) Check(ctx context.Context, p *optout.Policy, rawURL string) optout.Result {
	u, err := ParseURL(rawURL)
	if err != nil {
		return optout.Result{URL: rawURL, Decision: optout.Unknown, Agents: p.Agents, Reason: "unknown: " + err.Error(), Error: err.Error(), Evidence: []optout.Evidence{}}
	}
	norm := u.String()
	if _, ok := p.Blocklist.Match(u.Hostname()); ok {
		res := p.Decide(norm, nil, nil)
		res.URL = rawURL
		return res
	}
	r, err := f.Robots(ctx, norm)
	if err != nil {
		return optout.Result{URL: rawURL, Decision: optout.Unknown, Error: err.Error()}
	}
	site := &optout.Site{Robots: r}
	var page *optout.Page
	if f.mayFetch(p, r, norm) {
		if f.mayFetch(p, r, u.Scheme+"://"+u.Host+"/.well-known/tdmrep.json") {
			site.TDMRep, _ = f.TDMRep(ctx, norm)
		}
		page, _ = f.Page(ctx, norm)
	}
	res := p.Decide(norm, site, page)
	res.URL = rawURL
	if ctx.Err() != nil && res.Error == "" {
		res.Error = ctx.Err().Error()
	}
	return res
}

// mayFetch reports whether robots.txt lets Token and every agent of p fetch
// rawURL.
func (f *Fetcher) mayFetch(p *optout.Policy, r *optout.Robots, rawURL string) bool {
	switch r.Access() {
	case optout.AccessAllowAll:
		return true
	case optout.AccessRules:
		path := robots.Path(rawURL)
		if !r.File.Decide(Token, path, p.Profile).Allowed {
			return false
		}
		for _, a := range p.Agents {
			if !r.File.Decide(a, path, p.Profile).Allowed {
				return false
			}
		}
		return true
	}
	return false
}
