package audit

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// A Manifest is a named manifest that can be opened, ideally more than once.
type Manifest struct {
	Name string
	Open func() (io.ReadCloser, error)
	// Once reports that Open works only once (standard input): the
	// manifest is then read in one pass, and only the captures that come
	// before a record are evidence for it.
	Once bool
}

// Progress is a snapshot of a running audit.
type Progress struct {
	Manifest string
	Pass     int // 1 collects captures, 2 decides
	Records  int64
	Origins  int
	Elapsed  time.Duration
}

// An Auditor audits manifests for one policy.
type Auditor struct {
	Policy *optout.Policy
	// Robots, if set, supplies robots.txt for an origin with no capture in
	// the manifests, such as a live fetch; nil leaves such records
	// Unknown.
	Robots func(ctx context.Context, origin string) *optout.Robots
	// Filtered, if set, receives the records that may be used: a CDXJ or
	// URL-list line as it was read, or a WARC record's URL, one per line.
	Filtered io.Writer
	// IncludeUnknown makes Filtered receive Unknown records too.
	IncludeUnknown bool
	// Progress, if set, is called about once a second and at the end of
	// each pass.
	Progress func(Progress)
	// TopDomains is the number of most-reserved domains reported; 0 means
	// 20.
	TopDomains int
	// Now returns the time; nil means time.Now.
	Now func() time.Time

	origins map[string]*origin
	domains map[string]*domainStat
}

// MaxCapturesPerOrigin bounds the robots.txt (and tdmrep.json) captures kept
// per origin: the first ones read.
const MaxCapturesPerOrigin = 8

type origin struct {
	robots []*optout.Robots
	tdm    []*optout.TDMRep
	live   *optout.Robots
	asked  bool
}

type domainStat struct {
	records    int64
	byDecision [5]int64
	bySignal   map[string]int64
	example    *Example
}

// Run audits the manifests and returns the report. It stops at the first
// manifest that cannot be opened or read, and when ctx is done.
func (a *Auditor) Run(ctx context.Context, manifests []Manifest) (*Report, error) {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	start := now()
	a.origins = map[string]*origin{}
	a.domains = map[string]*domainStat{}
	rep := &Report{
		Purpose: a.Policy.Purpose.String(), Agents: a.Policy.Agents, Profile: a.Policy.Profile.String(),
		Started: start.UTC(), ByDecision: map[string]int64{}, BySignal: map[string]int64{}, Skipped: map[string]int64{},
	}
	if a.Policy.Purpose == 0 {
		rep.Purpose = "train-genai"
	}
	var fw *bufio.Writer
	if a.Filtered != nil {
		fw = bufio.NewWriterSize(a.Filtered, 256<<10)
	}
	// Pass 1: captures.
	for _, m := range manifests {
		if m.Once {
			continue
		}
		if err := a.pass(ctx, m, 1, rep, nil, start, now); err != nil {
			return nil, err
		}
	}
	// Pass 2: decisions.
	for _, m := range manifests {
		if err := a.pass(ctx, m, 2, rep, fw, start, now); err != nil {
			return nil, err
		}
	}
	if fw != nil {
		if err := fw.Flush(); err != nil {
			return nil, fmt.Errorf("write the filtered manifest: %w", err)
		}
	}
	rep.Origins = len(a.origins)
	rep.Domains = len(a.domains)
	rep.Elapsed = now().Sub(start).Round(time.Millisecond).String()
	a.finish(rep)
	return rep, nil
}

func (a *Auditor) pass(ctx context.Context, m Manifest, pass int, rep *Report, fw *bufio.Writer, start time.Time, now func() time.Time) error {
	rc, err := m.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", m.Name, err)
	}
	defer rc.Close()
	r, err := NewReader(rc)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.Name, err)
	}
	if pass == 1 && r.Format() != FormatWARC {
		return nil // only WARC files hold captures with content
	}
	var ms *ManifestStat
	if pass == 2 {
		rep.Manifests = append(rep.Manifests, ManifestStat{Name: m.Name, Format: string(r.Format())})
		ms = &rep.Manifests[len(rep.Manifests)-1]
	}
	var n int64
	last := now()
	report := func() {
		if a.Progress != nil {
			a.Progress(Progress{Manifest: m.Name, Pass: pass, Records: n, Origins: len(a.origins), Elapsed: now().Sub(start)})
		}
	}
	for r.Next() {
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if t := now(); t.Sub(last) >= time.Second {
				last = t
				report()
			}
		}
		rec := r.Record()
		switch rec.Kind {
		case KindRobots, KindTDMRep:
			if pass == 1 || m.Once || r.Format() != FormatWARC {
				a.capture(rec)
			}
			if pass == 2 {
				ms.Captures++
				rep.Captures++
			}
			continue
		}
		if pass == 1 {
			continue
		}
		ms.Records++
		res := a.decide(ctx, rec)
		a.count(rep, rec, &res)
		if fw != nil && (res.Allowed || a.IncludeUnknown && res.Decision == optout.Unknown) {
			if r.Format() == FormatWARC {
				fw.WriteString(rec.URL)
			} else {
				fw.Write(rec.Line)
			}
			fw.WriteByte('\n')
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("read %s: %w", m.Name, err)
	}
	if pass == 2 {
		for k, v := range r.Skipped() {
			if v != 0 {
				rep.Skipped[k] += v
				ms.Skipped += v
			}
		}
	}
	report()
	return nil
}

// capture records a robots.txt or tdmrep.json capture for its origin.
func (a *Auditor) capture(rec *Record) {
	key, ok := validURL(rec.URL)
	if !ok {
		return
	}
	o := a.origin(key)
	switch rec.Kind {
	case KindRobots:
		if len(o.robots) >= MaxCapturesPerOrigin {
			return
		}
		if rec.Bodyless && rec.Status >= 200 && rec.Status < 300 {
			return // a 2xx capture without its content says nothing
		}
		r := &optout.Robots{URL: rec.URL, Status: rec.Status, FetchedAt: rec.Time}
		if rec.Status >= 200 && rec.Status < 300 {
			r.File = robots.ParseBytes(rec.Body)
			r.SHA256 = optout.Hash(rec.Body)
		} else if rec.Status >= 300 && rec.Status < 400 {
			return // the redirect target's capture is the evidence
		}
		o.robots = append(o.robots, r)
	case KindTDMRep:
		if len(o.tdm) >= MaxCapturesPerOrigin || rec.Bodyless {
			return
		}
		t := &optout.TDMRep{URL: rec.URL, Status: rec.Status, FetchedAt: rec.Time}
		if rec.Status >= 200 && rec.Status < 300 {
			t.SHA256 = optout.Hash(rec.Body)
			f, err := tdmrep.ParseFile(bytes.NewReader(rec.Body))
			if err != nil {
				t.Err = err.Error()
			} else {
				t.File = f
			}
		}
		o.tdm = append(o.tdm, t)
	}
}

func (a *Auditor) origin(key string) *origin {
	o := a.origins[key]
	if o == nil {
		o = &origin{}
		a.origins[key] = o
	}
	return o
}

// pick returns the capture in force at t: the latest taken at or before t,
// else the earliest if it was taken within a day after t.
func pick[T any](caps []T, at func(T) time.Time, t time.Time) (T, bool) {
	var best T
	found := false
	for _, c := range caps {
		ct := at(c)
		if !t.IsZero() && ct.After(t) {
			continue
		}
		if !found || ct.After(at(best)) {
			best, found = c, true
		}
	}
	if found {
		return best, true
	}
	for _, c := range caps {
		ct := at(c)
		if ct.Sub(t) <= 24*time.Hour && (!found || ct.Before(at(best))) {
			best, found = c, true
		}
	}
	return best, found
}

func (a *Auditor) decide(ctx context.Context, rec *Record) optout.Result {
	site := &optout.Site{}
	if key, ok := validURL(rec.URL); ok {
		o := a.origins[key]
		if o == nil {
			o = a.origin(key)
		}
		if r, ok := pick(o.robots, func(r *optout.Robots) time.Time { return r.FetchedAt }, rec.Time); ok {
			site.Robots = r
		} else if a.Robots != nil && !blocked(a.Policy, rec.URL) {
			if !o.asked {
				o.asked = true
				o.live = a.Robots(ctx, key)
			}
			site.Robots = o.live
		}
		if t, ok := pick(o.tdm, func(t *optout.TDMRep) time.Time { return t.FetchedAt }, rec.Time); ok {
			site.TDMRep = t
		}
	}
	page := &optout.Page{URL: rec.URL, Status: rec.Status, Header: rec.Header, HTML: rec.HTML, FetchedAt: rec.Time}
	return a.Policy.Decide(rec.URL, site, page)
}

func blocked(p *optout.Policy, rawURL string) bool {
	_, ok := p.Blocklist.Match(hostOf(rawURL))
	return ok
}

// hostOf returns the lower-case host of an absolute URL, without port.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

func (a *Auditor) count(rep *Report, rec *Record, res *optout.Result) {
	rep.Records++
	rep.ByDecision[res.Decision.String()]++
	if res.Allowed {
		rep.Usable++
	}
	dom := optout.RegisteredDomain(hostOf(rec.URL))
	ds := a.domains[dom]
	if ds == nil {
		ds = &domainStat{bySignal: map[string]int64{}}
		a.domains[dom] = ds
	}
	ds.records++
	ds.byDecision[res.Decision]++
	var seen [16]string
	ns := 0
	for _, e := range res.Evidence {
		if e.Decision.Rank() < optout.Reserved.Rank() || slices.Contains(seen[:ns], e.Source) {
			continue
		}
		if ns < len(seen) {
			seen[ns] = e.Source
			ns++
		}
		rep.BySignal[e.Source]++
		ds.bySignal[e.Source]++
	}
	if ds.example == nil && !res.Allowed {
		ex := &Example{URL: res.URL, Decision: res.Decision.String(), Reason: res.Reason}
		for _, e := range res.Evidence {
			if e.Decision == res.Decision || res.Decision == optout.Unknown && e.Source == optout.SourceRobots {
				ex.Evidence = append(ex.Evidence, e)
			}
		}
		ds.example = ex
	}
}

func (a *Auditor) finish(rep *Report) {
	top := a.TopDomains
	if top <= 0 {
		top = 20
	}
	type kv struct {
		name string
		st   *domainStat
		bad  int64
	}
	var all []kv
	for name, st := range a.domains {
		bad := st.byDecision[optout.Reserved] + st.byDecision[optout.Restricted] + st.byDecision[optout.Blocked]
		if bad > 0 {
			all = append(all, kv{name, st, bad})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].bad != all[j].bad {
			return all[i].bad > all[j].bad
		}
		return all[i].name < all[j].name
	})
	for i, d := range all {
		if i == top {
			break
		}
		ds := DomainStat{Domain: d.name, Records: d.st.records, NotUsable: d.bad, ByDecision: map[string]int64{}, BySignal: d.st.bySignal, Example: d.st.example}
		for k, v := range d.st.byDecision {
			if v != 0 {
				ds.ByDecision[optout.Decision(k).String()] = v
			}
		}
		rep.TopDomains = append(rep.TopDomains, ds)
	}
	rep.Shares = map[string]float64{}
	if rep.Records > 0 {
		for k, v := range rep.ByDecision {
			rep.Shares[k] = float64(v) / float64(rep.Records)
		}
		rep.SignalShares = map[string]float64{}
		for k, v := range rep.BySignal {
			rep.SignalShares[k] = float64(v) / float64(rep.Records)
		}
	}
}
