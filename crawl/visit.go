package crawl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/warc"
)

// accept is the Accept header field of page requests.
const accept = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"

// visit decides and, where allowed, fetches one URL. It runs on a worker.
//
// The order is that of optout.md section 9, arranged so that nothing is
// requested that may not be: robots.txt first (package fetch, cached per
// origin), then tdmrep.json where robots.txt lets the crawler fetch it,
// then a decision on what is known before the page is requested (robots.txt
// rules and AI preferences, tdmrep.json); only an allowed URL is
// requested, and the response is decided again with its own signals.
func (c *Crawler) visit(ctx context.Context, it Item) *result {
	r := &result{item: it}
	e := &r.entry
	*e = Entry{URL: it.URL, Time: c.cfg.Now().UTC(), Depth: it.Depth, Via: it.Via, Agents: c.cfg.Identity.Tokens, Purpose: c.cfg.Purpose.String()}
	skip := func(reason, detail string) *result {
		e.Outcome, e.Reason, e.Detail = OutcomeSkipped, reason, detail
		return r
	}
	u, err := url.Parse(it.URL)
	if err != nil {
		return skip(ReasonError, err.Error())
	}
	if _, ok := c.policy.Blocklist.Match(u.Hostname()); ok {
		res := c.policy.Decide(it.URL, nil, nil)
		decided(e, &res)
		return r
	}
	rb, err := c.fetcher.Robots(ctx, it.URL)
	if ctx.Err() != nil {
		r.canceled = true
		return r
	}
	if err != nil {
		return skip(ReasonError, err.Error())
	}
	e.Robots = robotsDoc(rb)
	if rb.Access() == optout.AccessRules {
		c.tr.setCrawlDelay(u.Host, c.crawlDelay(rb.File))
		r.adds = append(r.adds, c.robotsSitemaps(u, rb)...)
	}
	site := &optout.Site{Robots: rb}
	if !it.Sitemap && c.mayFetch(rb, it.URL) && c.mayFetch(rb, u.Scheme+"://"+u.Host+"/.well-known/tdmrep.json") {
		site.TDMRep, _ = c.fetcher.TDMRep(ctx, it.URL)
		if ctx.Err() != nil {
			r.canceled = true
			return r
		}
		e.TDMRep = tdmDoc(site.TDMRep)
	}
	if pre := c.policy.Decide(it.URL, site, nil); !pre.Allowed {
		decided(e, &pre)
		return r
	}

	// The URL may be requested.
	var x *exchange
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		if wait := c.tr.readyAt(u.Host).Sub(c.cfg.Now()); wait > c.cfg.MaxRetryAfter {
			r.deferred = true
			return r
		}
		x = &exchange{}
		req, err := http.NewRequestWithContext(withExchange(ctx, x), http.MethodGet, it.URL, nil)
		if err != nil {
			return skip(ReasonError, err.Error())
		}
		req.Header.Set("User-Agent", c.cfg.Identity.UserAgent)
		req.Header.Set("Accept", accept)
		resp, err = c.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				r.canceled = true
				return r
			}
			e.Requested = true
			return skip(ReasonError, "the request failed: "+err.Error())
		}
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		if !retry || attempt >= c.cfg.Retries {
			break
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}
	defer resp.Body.Close()
	x.resp = resp
	e.Time = x.start.UTC()
	e.Requested = true
	e.Status = resp.StatusCode
	e.ContentType = resp.Header.Get("Content-Type")
	page := &optout.Page{URL: it.URL, Status: resp.StatusCode, Header: resp.Header, FetchedAt: x.start}
	var target *url.URL
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc := resp.Header.Get("Location"); loc != "" {
			if t, err := u.Parse(loc); err == nil && (t.Scheme == "http" || t.Scheme == "https") {
				t.Fragment, t.RawFragment = "", ""
				target = t
				page.FinalURL = t.String()
			}
		}
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	storable := ok && (it.Sitemap || c.cfg.allowedType(e.ContentType))
	var body []byte
	if storable {
		limit := c.cfg.MaxBytes
		if it.Sitemap {
			limit = MaxSitemapBytes
		}
		body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
		if err != nil {
			if ctx.Err() != nil {
				r.canceled = true
				return r
			}
			return skip(ReasonError, "reading the body: "+err.Error())
		}
		if int64(len(body)) > limit {
			body, x.truncated = body[:limit], true
			e.Truncated = true
		}
		x.body = body
		if !it.Sitemap && isHTML(e.ContentType) {
			cfg := htmlmeta.Config{MaxBytes: int64(len(body)) + 1, Body: true}
			page.HTML, _ = cfg.Parse(bytes.NewReader(body))
		}
	}
	res := c.policy.Decide(it.URL, site, page)
	decided(e, &res)
	if !res.Allowed {
		return r // not stored
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		if target == nil {
			return skip(ReasonError, fmt.Sprintf("HTTP %d without a usable Location", resp.StatusCode))
		}
		e.Outcome, e.Location = OutcomeRedirected, target.String()
		e.Detail = fmt.Sprintf("HTTP %d to %s, which is decided as a URL of its own; %s", resp.StatusCode, target, res.Reason)
		r.adds = append(r.adds, Item{URL: target.String(), Depth: it.Depth, Via: it.URL, Sitemap: it.Sitemap})
	case !ok:
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			return skip(ReasonError, fmt.Sprintf("HTTP %d after %d tries", resp.StatusCode, c.cfg.Retries+1))
		}
		return skip(ReasonError, "HTTP "+strconv.Itoa(resp.StatusCode))
	case it.Sitemap:
		sm, err := ParseSitemap(bytes.NewReader(body), u)
		if sm == nil {
			return skip(ReasonError, err.Error())
		}
		e.Outcome, e.URLs = OutcomeSitemap, len(sm.URLs)
		e.Detail = fmt.Sprintf("a sitemap listing %d URLs", len(sm.URLs))
		if sm.Index {
			e.Detail = fmt.Sprintf("a sitemap index listing %d sitemaps", len(sm.URLs))
		}
		if err != nil {
			e.Detail += "; read up to an error: " + err.Error()
		}
		for _, s := range sm.URLs {
			r.adds = append(r.adds, Item{URL: s, Depth: it.Depth, Via: it.URL, Sitemap: sm.Index})
		}
	case !storable:
		return skip(ReasonOutOfScope, fmt.Sprintf("the media type %q is not collected", e.ContentType))
	default:
		c.store(r, x, u, page, &res)
	}
	return r
}

// store encodes the records of allowed content and takes its links.
func (c *Crawler) store(r *result, x *exchange, u *url.URL, page *optout.Page, res *optout.Result) {
	e := &r.entry
	body := x.body
	e.Outcome, e.Bytes = OutcomeFetched, int64(len(body))
	e.PayloadDigest, e.SHA256 = warc.Digest(body), optout.Hash(body)
	meta := []warc.Field{
		{Name: "via", Value: e.Via},
		{Name: "hopsFromSeed", Value: strconv.Itoa(e.Depth)},
		{Name: "agents", Value: strings.Join(e.Agents, " ")},
		{Name: "purpose", Value: e.Purpose},
		{Name: "decision", Value: e.Decision},
		{Name: "reason", Value: res.Reason},
		{Name: "payload-sha256", Value: e.SHA256},
	}
	if d := e.Robots; d != nil {
		meta = append(meta, warc.Field{Name: "robots-txt", Value: docField(d)})
	}
	if d := e.TDMRep; d != nil {
		meta = append(meta, warc.Field{Name: "tdmrep-json", Value: docField(d)})
	}
	var buf bytes.Buffer
	rec, err := encodeExchange(&buf, x, e.URL, meta)
	if err != nil {
		e.Outcome, e.Reason, e.Detail = OutcomeSkipped, ReasonError, err.Error()
		return
	}
	r.records = buf.Bytes()
	r.resp = warcRef{offset: rec.Offset, length: rec.Length, id: rec.RecordID}
	if !isHTML(e.ContentType) || nofollow(page.Header, page.HTML, c.cfg.Identity.Tokens) {
		return
	}
	for _, l := range links(body, u) {
		r.adds = append(r.adds, Item{URL: l, Depth: e.Depth + 1, Via: e.URL})
	}
}

func docField(d *Document) string {
	s := d.URL
	if d.Status != 0 {
		s += " status " + strconv.Itoa(d.Status)
	}
	if d.SHA256 != "" {
		s += " sha256 " + d.SHA256
	}
	if !d.FetchedAt.IsZero() {
		s += " fetched " + d.FetchedAt.UTC().Format(time.RFC3339)
	}
	return s
}

func isHTML(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// decided copies a decision into an entry, which is skipped unless the
// decision is Allowed.
func decided(e *Entry, res *optout.Result) {
	e.Decision = res.Decision.String()
	e.Evidence = res.Evidence
	e.Detail = res.Reason
	if res.Allowed {
		return
	}
	e.Outcome = OutcomeSkipped
	switch {
	case res.Error != "":
		e.Reason = ReasonError
	case res.Decision == optout.Reserved:
		e.Reason = ReasonReserved
	case res.Decision == optout.Blocked:
		e.Reason = ReasonBlocked
	case res.Decision == optout.Restricted:
		e.Reason = ReasonRestricted
	default:
		e.Reason = ReasonUnknown
	}
}

// mayFetch reports whether robots.txt lets every token of the crawler
// fetch rawURL.
func (c *Crawler) mayFetch(r *optout.Robots, rawURL string) bool {
	switch r.Access() {
	case optout.AccessAllowAll:
		return true
	case optout.AccessRules:
		p := robots.Path(rawURL)
		for _, t := range c.cfg.Identity.Tokens {
			if !r.File.Decide(t, p, c.cfg.Profile).Allowed {
				return false
			}
		}
		return true
	}
	return false
}

// crawlDelay returns the longest Crawl-delay robots.txt sets for the
// crawler's tokens.
func (c *Crawler) crawlDelay(f *robots.File) time.Duration {
	var d time.Duration
	for _, t := range c.cfg.Identity.Tokens {
		if v, ok := f.CrawlDelay(t); ok && v > d {
			d = v
		}
	}
	return d
}

// robotsSitemaps returns the sitemaps robots.txt lists, once per origin,
// when Config.RobotsSitemaps is set.
func (c *Crawler) robotsSitemaps(u *url.URL, rb *optout.Robots) []Item {
	if !c.cfg.RobotsSitemaps || len(rb.File.Sitemaps) == 0 {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	c.sitemapsMu.Lock()
	defer c.sitemapsMu.Unlock()
	if c.sitemaps[origin] {
		return nil
	}
	c.sitemaps[origin] = true
	ru, _ := url.Parse(rb.URL)
	var out []Item
	for _, s := range rb.File.Sitemaps {
		ref, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			continue
		}
		if ru != nil {
			ref = ru.ResolveReference(ref)
		}
		out = append(out, Item{URL: ref.String(), Via: rb.URL, Sitemap: true})
	}
	return out
}

var accessNames = map[optout.Access]string{optout.AccessRules: "rules", optout.AccessAllowAll: "allow-all", optout.AccessDisallowAll: "disallow-all"}

func robotsDoc(r *optout.Robots) *Document {
	if r == nil {
		return nil
	}
	return &Document{URL: r.URL, Status: r.Status, SHA256: r.SHA256, FetchedAt: r.FetchedAt.UTC(), Access: accessNames[r.Access()], Stale: r.Stale, Err: r.Err}
}

func tdmDoc(t *optout.TDMRep) *Document {
	if t == nil {
		return nil
	}
	return &Document{URL: t.URL, Status: t.Status, SHA256: t.SHA256, FetchedAt: t.FetchedAt.UTC(), Err: t.Err}
}
