package crawl

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai/fetch"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/warc"
)

// A Crawler crawls into one directory. Create it with New and call Run.
type Crawler struct {
	cfg     Config
	policy  *optout.Policy
	tr      *transport
	fetcher *fetch.Fetcher
	client  *http.Client

	msgs chan message
	quit chan struct{}

	sitemapsMu sync.Mutex
	sitemaps   map[string]bool // origins whose robots.txt sitemaps were queued
}

// Progress is a snapshot of a running crawl, counted over every run in the
// directory.
type Progress struct {
	Fetched  int
	Skipped  int
	Pending  int
	InFlight int
	// Requests is the number of HTTP requests made by this run.
	Requests int64
	// Bytes is the number of body bytes stored.
	Bytes   int64
	Elapsed time.Duration
}

// Summary is the result of a crawl, counted over every run in the
// directory except where it says otherwise.
type Summary struct {
	// Fetched, Redirected and Sitemaps count the URLs with those outcomes.
	Fetched    int
	Redirected int
	Sitemaps   int
	// Skipped counts the skipped URLs by reason.
	Skipped map[string]int
	// Bytes is the number of body bytes stored.
	Bytes int64
	// Pending is the number of URLs left in the frontier: past MaxPages,
	// on hosts that asked for a pause longer than MaxRetryAfter, or not
	// reached before the crawl was interrupted.
	Pending int
	// Requests is the number of HTTP requests this run made.
	Requests int64
	// Runs is the number of runs in the directory, this one included.
	Runs int
	// Files are the WARC files, relative to the directory.
	Files []string
	// Elapsed is the time this run took.
	Elapsed time.Duration
}

// SkippedTotal returns the number of skipped URLs.
func (s *Summary) SkippedTotal() int {
	n := 0
	for _, v := range s.Skipped {
		n += v
	}
	return n
}

// message is what the workers send the crawl loop: a capture or a result.
type message struct {
	capture []byte // encoded records for the robots.txt stream
	result  *result
}

// result is the outcome of one URL.
type result struct {
	item  Item
	entry Entry
	// records are the encoded content records; resp is the response
	// record, with its Offset relative to records.
	records []byte
	resp    warcRef
	adds    []Item
	// canceled reports that the crawl stopped before the URL was done;
	// deferred that its host asked for a pause longer than MaxRetryAfter.
	canceled, deferred bool
}

type warcRef struct {
	offset, length int64
	id             string
}

// New returns a Crawler with the configuration c, or an error if c is not
// usable.
func New(c Config) (*Crawler, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	cr := &Crawler{cfg: c, sitemaps: map[string]bool{}}
	cr.policy = &optout.Policy{Agents: c.Identity.Tokens, Purpose: c.Purpose, Profile: c.Profile, Blocklist: c.Blocklist}
	base := c.Transport
	if base == nil {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: c.Timeout,
			MaxIdleConnsPerHost:   c.PerHost,
			IdleConnTimeout:       30 * time.Second,
			DisableCompression:    true,
			ForceAttemptHTTP2:     true,
		}
	}
	cr.tr = &transport{base: base, ua: c.Identity.UserAgent, timeout: c.Timeout, perHost: c.PerHost, delay: c.Delay, backoff: c.Backoff, maxWait: c.MaxRetryAfter,
		now: c.Now, capture: cr.capture, hosts: map[string]*gate{}}
	// The transport times each request from its turn; the fetcher's own
	// timeout would count the politeness wait too, so it is only a bound.
	cr.fetcher = fetch.New(fetch.Config{UserAgent: c.Identity.UserAgent, Timeout: 24 * time.Hour, HostDelay: -1, HostConcurrency: c.PerHost,
		Concurrency: c.Workers, Transport: cr.tr, Now: c.Now, Logger: c.Logger})
	cr.client = &http.Client{Transport: cr.tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return cr, nil
}

// Run crawls until the frontier is empty, MaxPages pages are stored, or
// ctx is done, and returns the summary. It continues the crawl the
// directory holds, if any: the directory's files are first brought back
// to their last commit. An interrupted crawl (ctx done) commits what it
// finished and returns its summary with ctx's error.
func (c *Crawler) Run(ctx context.Context) (*Summary, error) {
	start := time.Now()
	st, state, err := openStore(c.cfg.Dir, c.cfg.Prefix, c.cfg.SegmentSize, c.cfg.Now)
	if err != nil {
		return nil, err
	}
	st.warcinfo = c.warcinfo
	l := &loop{c: c, st: st, state: state, queues: map[string]*hostQueue{}, start: start}
	sum, err := l.run(ctx)
	if sum == nil {
		// A failed write may have left part of a record: commit nothing
		// more, and let the next start cut the files back.
		st.closeFiles()
		return nil, err
	}
	if cerr := st.close(); cerr != nil {
		return nil, cerr
	}
	sum.Files = st.files()
	sum.Elapsed = time.Since(start)
	sum.Requests = c.tr.requests.Load()
	return sum, err
}

// loop is the state of one run, owned by the goroutine of Run.
type loop struct {
	c     *Crawler
	st    *store
	start time.Time

	state    *State
	seen     map[string]bool
	domains  map[string]bool
	queues   map[string]*hostQueue
	hosts    []string // hosts with queued URLs, in round-robin order
	rr       int
	queued   int
	inflight int
	pages    int // page URLs in flight
	batch    int // results since the last commit
	sum      Summary
}

type hostQueue struct {
	items    []Item
	inflight int
}

func (l *loop) run(ctx context.Context) (*Summary, error) {
	c := l.c
	if err := l.init(); err != nil {
		return nil, err
	}
	if err := l.st.commit(); err != nil {
		return nil, err
	}
	c.msgs = make(chan message, 4*c.cfg.Workers)
	c.quit = make(chan struct{})
	tasks := make(chan Item)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range c.cfg.Workers {
		wg.Go(func() {
			for it := range tasks {
				r := c.visit(wctx, it)
				select {
				case c.msgs <- message{result: r}:
				case <-c.quit:
					return
				}
			}
		})
	}
	defer func() {
		close(tasks)
		close(c.quit)
		wg.Wait()
	}()

	commitTick := time.NewTicker(c.cfg.CommitInterval)
	defer commitTick.Stop()
	var progress <-chan time.Time
	if c.cfg.Progress != nil {
		t := time.NewTicker(c.cfg.ProgressInterval)
		defer t.Stop()
		progress = t.C
	}
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	done := ctx.Done()
	stopping := false
	for {
		var send chan Item
		var next Item
		var host string
		var at time.Time
		ok := false
		if !stopping && !l.limit() {
			next, host, at, ok = l.pick()
			if ok {
				send = tasks
			}
		}
		if l.inflight == 0 && !ok && (at.IsZero() || stopping || l.limit()) {
			break
		}
		if !at.IsZero() && !ok {
			wake.Reset(max(time.Millisecond, at.Sub(c.cfg.Now())))
		}
		select {
		case send <- next:
			l.dispatched(host, next)
		case m := <-c.msgs:
			if err := l.handle(m); err != nil {
				return nil, err
			}
		case <-commitTick.C:
			if err := l.commit(); err != nil {
				return nil, err
			}
		case <-progress:
			c.cfg.Progress(l.progress())
		case <-wake.C:
		case <-done:
			stopping, done = true, nil
			cancel()
		}
	}
	if err := l.commit(); err != nil {
		return nil, err
	}
	if c.cfg.Progress != nil {
		c.cfg.Progress(l.progress())
	}
	sum := l.summary()
	if stopping {
		return sum, ctx.Err()
	}
	return sum, nil
}

// init reads the directory's state and admits the seeds and sitemaps.
func (l *loop) init() error {
	c := l.c
	state := l.state
	if state.Agents != nil && !slices.Equal(state.Agents, c.cfg.Identity.Tokens) {
		return fmt.Errorf("crawl: %s was crawled as %s, not %s; use another directory", c.cfg.Dir,
			strings.Join(state.Agents, ", "), strings.Join(c.cfg.Identity.Tokens, ", "))
	}
	l.seen = state.seen
	l.domains = map[string]bool{}
	for _, d := range state.Domains {
		l.domains[d] = true
	}
	for _, d := range c.cfg.Domains {
		l.domains[optout.RegisteredDomain(strings.TrimPrefix(d, "."))] = true
	}
	for _, s := range append(slices.Clone(c.cfg.Seeds), c.cfg.Sitemaps...) {
		if u, err := normalize(s); err == nil {
			l.domains[optout.RegisteredDomain(u.Hostname())] = true
		}
	}
	doms := make([]string, 0, len(l.domains))
	for d := range l.domains {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	l.st.event(event{E: evRun, A: c.cfg.Identity.Tokens, M: doms, T: c.cfg.Now().UTC()})
	l.sum = Summary{Fetched: state.Outcomes[OutcomeFetched], Redirected: state.Outcomes[OutcomeRedirected], Sitemaps: state.Outcomes[OutcomeSitemap],
		Skipped: state.Skipped, Bytes: state.Bytes, Runs: state.Runs + 1}
	for _, it := range state.Pending {
		l.enqueue(it)
	}
	for _, s := range c.cfg.Seeds {
		if err := l.admit(Item{URL: s}); err != nil {
			return err
		}
	}
	for _, s := range c.cfg.Sitemaps {
		if err := l.admit(Item{URL: s, Sitemap: true}); err != nil {
			return err
		}
	}
	return nil
}

// limit reports whether MaxPages pages are stored or being fetched.
func (l *loop) limit() bool {
	return l.c.cfg.MaxPages > 0 && l.sum.Fetched+l.pages >= l.c.cfg.MaxPages
}

// pick returns the next URL to dispatch: the first in round-robin order
// of a host with room for a request that is ready for one. Otherwise it
// returns the time the first host becomes ready, or zero when none will
// within MaxRetryAfter.
func (l *loop) pick() (Item, string, time.Time, bool) {
	now := l.c.cfg.Now()
	var wake time.Time
	for i := range l.hosts {
		h := l.hosts[(l.rr+i)%len(l.hosts)]
		q := l.queues[h]
		if len(q.items) == 0 || q.inflight >= l.c.cfg.PerHost {
			continue
		}
		at := l.c.tr.readyAt(h)
		if at.After(now) {
			if at.Sub(now) > l.c.cfg.MaxRetryAfter {
				continue // deferred to a later run
			}
			if wake.IsZero() || at.Before(wake) {
				wake = at
			}
			continue
		}
		l.rr = (l.rr + i + 1) % len(l.hosts)
		return q.items[0], h, time.Time{}, true
	}
	return Item{}, "", wake, false
}

func (l *loop) dispatched(host string, it Item) {
	q := l.queues[host]
	q.items = q.items[1:]
	q.inflight++
	l.queued--
	l.inflight++
	if !it.Sitemap {
		l.pages++
	}
}

func hostKey(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return strings.ToLower(u.Host)
	}
	return ""
}

// enqueue puts an item at the end of its host's queue.
func (l *loop) enqueue(it Item) {
	h := hostKey(it.URL)
	q := l.queues[h]
	if q == nil {
		q = &hostQueue{}
		l.queues[h] = q
		l.hosts = append(l.hosts, h)
	}
	q.items = append(q.items, it)
	l.queued++
}

// handle writes a capture or a result.
func (l *loop) handle(m message) error {
	if m.capture != nil {
		_, _, err := l.st.write(streamRobots, m.capture)
		return err
	}
	r := m.result
	h := hostKey(r.item.URL)
	l.queues[h].inflight--
	l.inflight--
	if !r.item.Sitemap {
		l.pages--
	}
	if r.canceled || r.deferred {
		q := l.queues[h]
		q.items = append([]Item{r.item}, q.items...)
		l.queued++
		return nil
	}
	if len(r.records) > 0 {
		name, off, err := l.st.write(streamContent, r.records)
		if err != nil {
			return err
		}
		r.entry.WARC = &Location{File: name, Offset: off + r.resp.offset, Length: r.resp.length, RecordID: r.resp.id}
	}
	if err := l.done(&r.entry); err != nil {
		return err
	}
	for _, it := range r.adds {
		if err := l.admit(it); err != nil {
			return err
		}
	}
	l.batch++
	if l.batch >= l.c.cfg.CommitEvery {
		return l.commit()
	}
	return nil
}

// done writes the ledger entry of a URL and its done event.
func (l *loop) done(e *Entry) error {
	if err := l.st.log(e); err != nil {
		return err
	}
	l.st.event(event{E: evDone, U: e.URL, O: e.Outcome, R: e.Reason, B: e.Bytes})
	l.seen[e.URL] = true
	switch e.Outcome {
	case OutcomeFetched:
		l.sum.Fetched++
		l.sum.Bytes += e.Bytes
	case OutcomeRedirected:
		l.sum.Redirected++
	case OutcomeSitemap:
		l.sum.Sitemaps++
	case OutcomeSkipped:
		l.sum.Skipped[e.Reason]++
	}
	return nil
}

func (l *loop) commit() error {
	l.batch = 0
	return l.st.commit()
}

// admit puts a URL found in a seed list, a sitemap, a page or a redirect
// into the frontier, or writes why it is skipped: an invalid URL, a domain
// on a piracy list, a domain out of scope or a depth past MaxDepth. URLs
// seen before are ignored.
func (l *loop) admit(it Item) error {
	c := l.c
	u, err := normalize(it.URL)
	if err != nil {
		if l.seen[it.URL] {
			return nil
		}
		e := l.entry(it)
		e.Outcome, e.Reason, e.Detail = OutcomeSkipped, ReasonError, err.Error()
		return l.done(e)
	}
	it.URL = u.String()
	if l.seen[it.URL] {
		return nil
	}
	if _, ok := c.policy.Blocklist.Match(u.Hostname()); ok {
		e := l.entry(it)
		res := c.policy.Decide(it.URL, nil, nil)
		decided(e, &res)
		return l.done(e)
	}
	dom := optout.RegisteredDomain(u.Hostname())
	if !l.domains[dom] {
		e := l.entry(it)
		e.Outcome, e.Reason = OutcomeSkipped, ReasonOutOfScope
		e.Detail = fmt.Sprintf("the registered domain %s is not in the crawl's scope", dom)
		return l.done(e)
	}
	if c.cfg.MaxDepth >= 0 && it.Depth > c.cfg.MaxDepth {
		e := l.entry(it)
		e.Outcome, e.Reason = OutcomeSkipped, ReasonOutOfScope
		e.Detail = fmt.Sprintf("%d links from a seed, more than the depth limit of %d", it.Depth, c.cfg.MaxDepth)
		return l.done(e)
	}
	l.seen[it.URL] = true
	l.st.event(event{E: evAdd, U: it.URL, D: it.Depth, V: it.Via, K: it.Sitemap})
	l.enqueue(it)
	return nil
}

func (l *loop) entry(it Item) *Entry {
	c := l.c
	return &Entry{URL: it.URL, Time: c.cfg.Now().UTC(), Depth: it.Depth, Via: it.Via, Agents: c.cfg.Identity.Tokens, Purpose: c.cfg.Purpose.String()}
}

// normalize parses an absolute http or https URL and puts it in the form
// the crawl keys URLs by: lower-case scheme and host, no default port, a
// path of at least "/", no fragment.
func normalize(raw string) (*url.URL, error) {
	u, err := fetch.ParseURL(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u, nil
}

func (l *loop) progress() Progress {
	return Progress{Fetched: l.sum.Fetched, Skipped: l.sum.SkippedTotal(), Pending: l.queued, InFlight: l.inflight,
		Requests: l.c.tr.requests.Load(), Bytes: l.sum.Bytes, Elapsed: time.Since(l.start)}
}

func (l *loop) summary() *Summary {
	s := l.sum
	s.Skipped = map[string]int{}
	for k, v := range l.sum.Skipped {
		s.Skipped[k] = v
	}
	s.Pending = l.queued
	s.Files = l.st.files()
	return &s
}

// capture encodes a robots.txt or tdmrep.json exchange and sends it to the
// loop; called by the transport, on a worker's goroutine.
func (c *Crawler) capture(ctx context.Context, x *exchange) {
	var buf bytes.Buffer
	target := x.req.URL.String()
	meta := []warc.Field{{Name: "body-sha256", Value: optout.Hash(x.body)}}
	if _, err := encodeExchange(&buf, x, target, meta); err != nil {
		c.cfg.Logger.Debug("capture", "url", target, "err", err)
		return
	}
	select {
	case c.msgs <- message{capture: buf.Bytes()}:
	case <-c.quit:
	}
}
