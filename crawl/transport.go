package crawl

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// transport is the crawler's politeness layer: every request, whether the
// crawler's own or one that package fetch makes for robots.txt and
// tdmrep.json, passes through it. Per host it admits at most perHost
// requests at once, spaces their starts by the longer of delay and the
// host's Crawl-delay, and after a 429 or 503 holds the host back for its
// Retry-After or an exponentially growing pause. Requests that are not the
// crawler's own are captures: their bodies are read here and handed to
// capture, to be kept as evidence.
type transport struct {
	base    http.RoundTripper
	ua      string
	timeout time.Duration
	perHost int
	delay   time.Duration
	backoff time.Duration
	maxWait time.Duration
	now     func() time.Time
	capture func(ctx context.Context, x *exchange)

	mu    sync.Mutex
	hosts map[string]*gate

	requests atomic.Int64
}

// gate is the politeness state of one host.
type gate struct {
	sem   chan struct{}
	turn  chan struct{} // held by the request whose start is being timed
	mu    sync.Mutex
	last  time.Time     // start of the latest request
	crawl time.Duration // Crawl-delay
	until time.Time     // backoff: no request before
	fails int
}

// exchange is one request and its response, as recorded.
type exchange struct {
	req       *http.Request
	resp      *http.Response
	body      []byte
	truncated bool
	ip        string
	start     time.Time
	err       error
}

type ctxKey int

const exchangeKey ctxKey = 0

// withExchange marks a request as the crawler's own: the transport records
// its exchange in x and leaves the body to the caller.
func withExchange(ctx context.Context, x *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey, x)
}

// maxCapture bounds the body of a captured robots.txt or tdmrep.json.
const maxCapture = 1 << 20

func (t *transport) gate(host string) *gate {
	host = strings.ToLower(host)
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.hosts[host]
	if g == nil {
		g = &gate{sem: make(chan struct{}, t.perHost), turn: make(chan struct{}, 1)}
		t.hosts[host] = g
	}
	return g
}

// setCrawlDelay sets the Crawl-delay of a host.
func (t *transport) setCrawlDelay(host string, d time.Duration) {
	g := t.gate(host)
	g.mu.Lock()
	g.crawl = d
	g.mu.Unlock()
}

// readyAt returns the earliest time the host takes another request.
func (t *transport) readyAt(host string) time.Time {
	g := t.gate(host)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.next(t.delay)
}

func (g *gate) next(delay time.Duration) time.Time {
	at := g.until
	if !g.last.IsZero() {
		if n := g.last.Add(max(delay, g.crawl)); n.After(at) {
			at = n
		}
	}
	return at
}

// RoundTrip sends the request when the host's politeness allows.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	g := t.gate(req.URL.Host)
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := sync.OnceFunc(func() { <-g.sem })
	x, own := ctx.Value(exchangeKey).(*exchange)
	if !own {
		x = &exchange{}
	}
	req = req.Clone(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", t.ua)
	}
	x.req = req
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if a := info.Conn.RemoteAddr(); a != nil {
			x.ip = a.String()
			if i := strings.LastIndexByte(x.ip, ':'); i > 0 {
				x.ip = strings.Trim(x.ip[:i], "[]")
			}
		}
	}}
	// Requests to a host take turns to be timed, and a request's start is
	// the moment it is sent, so that starts are spaced as seen by the host.
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
	for {
		g.mu.Lock()
		now := t.now()
		wait := g.next(t.delay).Sub(now)
		if wait <= 0 {
			g.last, x.start = now, now
			g.mu.Unlock()
			break
		}
		g.mu.Unlock()
		tm := time.NewTimer(wait)
		select {
		case <-tm.C:
		case <-ctx.Done():
			tm.Stop()
			<-g.turn
			release()
			return nil, ctx.Err()
		}
	}
	<-g.turn
	// The timeout runs from the request's turn, not from the caller's
	// call: waiting for the host is politeness, not slowness.
	rctx, cancel := context.WithTimeout(ctx, t.timeout)
	req = req.WithContext(httptrace.WithClientTrace(rctx, trace))
	t.requests.Add(1)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		cancel()
		release()
		x.err = err
		return nil, err
	}
	t.observe(g, resp)
	x.resp = resp
	if own {
		resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { cancel(); release() }}
		return resp, nil
	}
	// A capture: read the body here, keep it, and hand it on.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxCapture+1))
	resp.Body.Close()
	cancel()
	release()
	if rerr != nil {
		x.err = rerr
		return nil, rerr
	}
	if len(body) > maxCapture {
		body, x.truncated = body[:maxCapture], true
	}
	x.body = body
	t.capture(ctx, x)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// observe updates the host's backoff after a response.
func (t *transport) observe(g *gate, resp *http.Response) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		g.fails = 0
		return
	}
	g.fails++
	now := t.now()
	wait, ok := retryAfter(resp.Header.Get("Retry-After"), now)
	if !ok {
		wait = t.backoff << min(g.fails-1, 20)
		wait = min(wait, t.maxWait)
	}
	if u := now.Add(wait); u.After(g.until) {
		g.until = u
	}
}

// retryAfter parses a Retry-After value: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// releaseBody frees the host's slot when the body is closed.
type releaseBody struct {
	io.ReadCloser
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
