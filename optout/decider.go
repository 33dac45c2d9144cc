package optout

import (
	"mime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/noai"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// deciders recycles the scratch space of decisions, like the buffers of
// package fmt: after a few decisions Decide allocates only its result.
var deciders = sync.Pool{New: func() any { return new(decider) }}

// decider takes one decision, in scratch space that is kept between
// decisions. The evidence is gathered in ev. The texts that must be built
// (details, rules, values, and the reason) are written one after the other
// to buf, and text records where each one is; at the end buf becomes one
// string, and each text a substring of it. Texts that do not depend on the
// URL are not built at all: constants, and the evidence of robots.txt
// Content-Usage and Content-Signal rules, which Robots keeps. So a decision
// allocates its evidence slice and one string.
type decider struct {
	p       *Policy
	purpose aipref.Purpose
	ev      []Evidence
	text    []text // per evidence, its texts in buf
	buf     []byte // the texts built for this decision
	moved   []byte // a text moved within buf

	fields    fields
	crawlable []bool
	pref      []aipref.Evidence
	usage     []*aipref.Usage  // Applicable's result
	signal    []*aipref.Signal // Applicable's result
	seenUsage []*aipref.Usage
	seenSig   []*aipref.Signal
	seenNoAI  []noai.Directive
}

func (d *decider) reset() {
	// The scratch slices keep their old elements until they are
	// overwritten: what they refer to (a page's strings, a Robots' rules)
	// stays alive at most until the pool is emptied at the next but one
	// garbage collection, and not clearing them saves time.
	d.p, d.fields = nil, fields{}
	d.ev, d.text, d.buf = d.ev[:0], d.text[:0], d.buf[:0]
	d.pref, d.usage, d.signal = d.pref[:0], d.usage[:0], d.signal[:0]
	d.seenUsage, d.seenSig, d.seenNoAI = d.seenUsage[:0], d.seenSig[:0], d.seenNoAI[:0]
	if cap(d.buf) > maxPooled {
		d.buf, d.moved = nil, nil
	}
	if cap(d.ev) > 64 {
		d.ev, d.text = nil, nil
	}
}

func (d *decider) decide(rawURL string, site *Site, page *Page) Result {
	p := d.p
	res := Result{URL: rawURL, Purpose: d.purpose.String(), Agents: p.Agents}
	if site == nil {
		site = &Site{}
	}
	if page == nil {
		page = &Page{}
	}
	if p.Blocklist != nil {
		if host := hostOf(rawURL); host != "" {
			if e, ok := p.Blocklist.Match(host); ok {
				t := d.add(Evidence{Source: SourcePiracyList, Decision: Blocked, Where: e.File, Line: e.Line, Rule: e.Domain})
				s := len(d.buf)
				d.str(host, " is listed as a piracy domain (entry ")
				d.quote(e.Domain)
				d.str("); Code of Practice Measure 1.2(b) excludes it from crawling")
				t.detail = d.since(s)
			}
		}
	}
	if v, ok := p.Registry.Match(rawURL); ok {
		t := d.add(Evidence{Source: SourceRegistry, Decision: Reserved, Where: p.Registry.Source})
		s := len(d.buf)
		d.str(v.Kind, " ", v.Value)
		t.rule = d.since(s)
		s = len(d.buf)
		d.str("the rights holder's reservation of ", v.Value, " was accepted on ")
		d.buf = v.AcceptedAt.UTC().AppendFormat(d.buf, time.DateOnly)
		d.str(" through the provider's contact point")
		t.detail = d.since(s)
	}
	d.fields.read(page.Header)
	path := robots.Path(rawURL)
	access := site.Robots.Access()
	crawlable := d.robots(site.Robots, access, path)
	d.prefs(site.Robots, access, crawlable, path, page)
	d.tdm(rawURL, site.TDMRep, page)
	d.noai(page)
	d.access(page)

	// Combine most restrictively. Unknown evidence is informational,
	// except for robots.txt, which must be known to allow anything.
	final, decided := Allowed, false
	for i := range d.ev {
		e := &d.ev[i]
		if e.Decision == Unknown {
			continue
		}
		if !decided || e.Decision.Rank() > final.Rank() {
			final, decided = e.Decision, true
		}
	}
	if final == Allowed && (access == AccessUnknown || access == AccessDisallowAll) {
		final = Unknown
	}
	res.Decision = final
	res.Allowed = final == Allowed

	// One string holds every text built above and the reason.
	start := d.reason(final)
	all := string(d.buf)
	res.Reason = all[start:]
	res.Evidence = make([]Evidence, len(d.ev))
	copy(res.Evidence, d.ev)
	for i, t := range d.text {
		e := &res.Evidence[i]
		if t.detail.end > 0 {
			e.Detail = all[t.detail.start:t.detail.end]
		}
		if t.rule.end > 0 {
			e.Rule = all[t.rule.start:t.rule.end]
		}
		if t.value.end > 0 {
			e.Value = all[t.value.start:t.value.end]
		}
	}
	return res
}

// accessStatus are the HTTP statuses that mark access control, with the
// Value and Detail of their evidence.
var accessStatus = map[int]struct{ value, detail string }{
	401: {"401", "HTTP 401 Unauthorized: the content is behind authentication" + circumvent},
	402: {"402", "HTTP 402 Payment Required: the content is behind a paywall" + circumvent},
	403: {"403", "HTTP 403 Forbidden: access to the content is denied" + circumvent},
	407: {"407", "HTTP 407 Proxy Authentication Required: the content is behind authentication" + circumvent},
	451: {"451", "HTTP 451 Unavailable For Legal Reasons: access is legally restricted" + circumvent},
}

const circumvent = "; Code of Practice Measure 1.2(a) forbids circumventing it"

const staleNote = " (a cached copy past its lifetime, used because robots.txt is now unreachable)"

// redirectDetail explains a robots.txt redirect chain given up.
var redirectDetail = "robots.txt redirects more than " + strconv.Itoa(MaxRedirects) + " times; RFC 9309 section 2.3.1.2 lets the crawler treat it as unavailable, which allows everything"

// robots adds the robots.txt evidence and returns, per agent, whether the
// agent may fetch the path.
func (d *decider) robots(r *Robots, access Access, path string) []bool {
	crawlable := d.crawlable[:0]
	for range d.p.Agents {
		crawlable = append(crawlable, false)
	}
	d.crawlable = crawlable
	base := Evidence{Source: SourceRobots}
	if r != nil {
		base.Where, base.FetchedAt, base.SHA256 = r.URL, r.FetchedAt, r.SHA256
	}
	switch access {
	case AccessUnknown:
		e := base
		e.Decision = Unknown
		e.Detail = "robots.txt is not known for this URL's origin, so crawling cannot be shown to be permitted"
		d.add(e)
		return crawlable
	case AccessDisallowAll:
		e := base
		e.Decision = Unknown
		if r.Status == 0 {
			e.Value = r.Err
			t := d.add(e)
			s := len(d.buf)
			d.str("robots.txt is unreachable (", r.Err, "); RFC 9309 section 2.3.1.4 requires assuming complete disallow")
			t.detail = d.since(s)
			return crawlable
		}
		t := d.add(e)
		s := len(d.buf)
		d.str("HTTP ")
		d.int(r.Status)
		t.value = d.since(s)
		s = len(d.buf)
		d.str("robots.txt is unreachable (")
		d.buf = append(d.buf, d.buf[t.value.start:t.value.end]...)
		d.str("); RFC 9309 section 2.3.1.4 requires assuming complete disallow")
		t.detail = d.since(s)
		return crawlable
	case AccessAllowAll:
		e := base
		e.Decision = Allowed
		t := d.add(e)
		s := len(d.buf)
		if r.Status >= 300 && r.Status < 400 {
			d.int(r.Redirects)
			d.str(" redirects")
			t.value = d.since(s)
			d.ev[len(d.ev)-1].Detail = redirectDetail
		} else {
			d.str("HTTP ")
			d.int(r.Status)
			t.value = d.since(s)
			s = len(d.buf)
			d.str("robots.txt is unavailable (")
			d.buf = append(d.buf, d.buf[t.value.start:t.value.end]...)
			d.str("); RFC 9309 section 2.3.1.3 allows the crawler to access anything")
			t.detail = d.since(s)
		}
		for i := range crawlable {
			crawlable[i] = true
		}
		return crawlable
	}
	stale := ""
	if r.Stale {
		stale = staleNote
	}
	for i, agent := range d.p.Agents {
		dec := r.File.Decide(agent, path, d.p.Profile)
		crawlable[i] = dec.Allowed
		e := base
		e.Agent = agent
		e.Line = dec.Rule.Line
		if dec.Allowed {
			e.Decision = Allowed
		} else {
			e.Decision = Reserved
		}
		if dec.Rule.Line != 0 {
			e.Value = dec.Rule.Pattern
		}
		t := d.add(e)
		if dec.Rule.Line != 0 {
			s := len(d.buf)
			k := "Disallow: "
			if dec.Rule.Kind == robots.Allow {
				k = "Allow: "
			}
			d.str(k, dec.Rule.Pattern)
			t.rule = d.since(s)
		}
		s := len(d.buf)
		d.str(agent, ": ")
		d.buf = appendDecision(d.buf, dec)
		d.str(" for ", path, " under the ", d.p.Profile.String(), " profile", stale)
		t.detail = d.since(s)
	}
	return crawlable
}

// prefs adds the AIPREF and Content-Signal evidence: that of the
// Content-Usage and Content-Signal rules of the groups of the agents that
// may fetch the path, each rule once, then that of the Content-Usage
// header field.
func (d *decider) prefs(r *Robots, access Access, crawlable []bool, path string, page *Page) {
	if access == AccessRules {
		for i, agent := range d.p.Agents {
			if !crawlable[i] {
				continue
			}
			a := r.agentPrefs(agent, d.purpose)
			if a == nil {
				continue
			}
			if len(a.usage) > 0 {
				d.usage = aipref.AppendApplicable(d.usage[:0], a.usage, path)
				j := 0
				for _, u := range d.usage {
					for a.usage[j] != u {
						j++
					}
					if !slices.Contains(d.seenUsage, u) {
						d.seenUsage = append(d.seenUsage, u)
						d.addRuleEvidence(r, a.usageEv[j])
					}
				}
			}
			if len(a.signal) > 0 {
				d.signal = aipref.AppendApplicable(d.signal[:0], a.signal, path)
				j := 0
				for _, s := range d.signal {
					for a.signal[j] != s {
						j++
					}
					if !slices.Contains(d.seenSig, s) {
						d.seenSig = append(d.seenSig, s)
						d.addRuleEvidence(r, a.signalEv[j])
					}
				}
			}
		}
	}
	if vs := d.fields.usage; len(vs) > 0 {
		d.pref = aipref.AppendHeaderEvidence(d.pref[:0], d.purpose, vs...)
		for _, a := range d.pref {
			e := prefEvidence(a)
			e.Where, e.FetchedAt = pageURL(page), page.FetchedAt
			if tx, ok := headerTexts.lookup(a, d.purpose); ok {
				e.Rule, e.Detail = tx.rule, tx.detail
				d.add(e)
				continue
			}
			t := d.add(e)
			var mid int
			s := len(d.buf)
			d.buf, mid = appendPrefText(d.buf, a, d.purpose)
			t.rule, t.detail = span{s, mid}, span{mid, len(d.buf)}
		}
	}
}

// addRuleEvidence adds the evidence of a robots.txt rule, kept by
// agentPrefs.
func (d *decider) addRuleEvidence(r *Robots, evs []Evidence) {
	for _, e := range evs {
		e.Where, e.FetchedAt, e.SHA256 = r.URL, r.FetchedAt, r.SHA256
		d.add(e)
	}
}

// prefEvidence returns the evidence of one AIPREF or Content-Signal key
// without its Where, FetchedAt, Rule and Detail.
func prefEvidence(a aipref.Evidence) Evidence {
	e := Evidence{Source: SourceContentUsage, Line: a.Line, Value: a.Raw}
	switch a.Source {
	case aipref.SourceContentSignal:
		e.Source = SourceContentSignal
	case aipref.SourceHeader:
		e.Header = "Content-Usage"
	}
	switch a.Preference {
	case aipref.Disallow:
		e.Decision = Reserved
	case aipref.Allow:
		e.Decision = Allowed
	default:
		e.Decision = Unknown
	}
	return e
}

// ruleEvidence returns the evidence that the robots.txt rule stmt gives
// for purpose, without Where, FetchedAt and SHA256, which the Robots
// supplies.
func ruleEvidence(stmt aipref.Statement, purpose aipref.Purpose) []Evidence {
	var out []Evidence
	for _, a := range stmt.Evidence(purpose) {
		e := prefEvidence(a)
		b, mid := appendPrefText(nil, a, purpose)
		s := string(b)
		e.Rule, e.Detail = s[:mid], s[mid:]
		out = append(out, e)
	}
	return out
}

// tdm adds the TDMRep evidence.
func (d *decider) tdm(rawURL string, t *TDMRep, page *Page) {
	var buf [3]tdmrep.Statement
	stmts := buf[:0]
	if t != nil && t.File != nil {
		stmts = append(stmts, t.File.Lookup(rawURL))
	}
	switch {
	case d.fields.irregular:
		stmts = append(stmts, tdmrep.ParseHeader(page.Header))
	case page.Header != nil:
		stmts = append(stmts, tdmrep.ParseHeaderValues(d.fields.tdm, d.fields.tdmPolicy))
	}
	if page.HTML != nil {
		res, pol := page.HTML.Content(tdmrep.MetaReservation), page.HTML.Content(tdmrep.MetaPolicy)
		if len(res) > 0 || len(pol) > 0 {
			stmts = append(stmts, tdmrep.ParseMeta(res, pol))
		}
	}
	r := tdmrep.Resolve(stmts...)
	if r.Reservation == tdmrep.Unset {
		for _, s := range stmts {
			if s.Raw != "" {
				e := d.tdmEvidence(s, t, page)
				d.ev[len(d.ev)-1].Decision = Unknown
				d.str(": tdm-reservation ")
				d.quote(s.Raw)
				d.str(" is neither 0 nor 1, which TDMRep treats as unset")
				e.detail.end = len(d.buf)
			}
		}
		if t != nil && t.File == nil {
			e := Evidence{Source: SourceTDMRep, Decision: Unknown, Where: t.URL, FetchedAt: t.FetchedAt, SHA256: t.SHA256}
			if t.Status == 0 {
				e.Value = t.Err
				tx := d.add(e)
				s := len(d.buf)
				d.str("no usable tdmrep.json (", t.Err, "): the site does not implement TDMRep there")
				tx.detail = d.since(s)
				return
			}
			tx := d.add(e)
			s := len(d.buf)
			d.str("HTTP ")
			d.int(t.Status)
			tx.value = d.since(s)
			s = len(d.buf)
			d.str("no usable tdmrep.json (")
			d.buf = append(d.buf, d.buf[tx.value.start:tx.value.end]...)
			d.str("): the site does not implement TDMRep there")
			tx.detail = d.since(s)
		}
		return
	}
	if f := r.From; f.Source == tdmrep.SourceHeader && (f.Raw == "0" || f.Raw == "1" && r.Policy == "") {
		// The usual header field: texts without formatting.
		e := Evidence{Source: SourceTDMRep, Decision: Allowed, Where: pageURL(page), FetchedAt: page.FetchedAt, Header: tdmrep.HeaderReservation,
			Rule: "tdm-reservation: 0", Value: f.Raw, Detail: tdmHeader + tdmNotReserved}
		if f.Raw == "1" {
			e.Decision, e.Rule, e.Detail = Reserved, "tdm-reservation: 1", tdmHeader+tdmReserved
		}
		d.add(e)
		return
	}
	e := d.tdmEvidence(r.From, t, page)
	if r.Reservation == tdmrep.Reserved {
		d.ev[len(d.ev)-1].Decision = Reserved
		d.str(tdmReserved)
		if r.Policy != "" {
			d.str("; licensing policy ", r.Policy)
		}
	} else {
		d.ev[len(d.ev)-1].Decision = Allowed
		d.str(tdmNotReserved)
	}
	e.detail.end = len(d.buf)
}

// Texts of the TDMRep evidence.
const (
	tdmHeader      = "the tdm-reservation header field"
	tdmReserved    = ": tdm-reservation 1 reserves text and data mining rights (Art. 4(3) Directive (EU) 2019/790)"
	tdmNotReserved = ": tdm-reservation 0, mining is not reserved"
)

// tdmEvidence adds the evidence of the statement s and writes the start of
// its Detail last in buf, for the caller to finish.
func (d *decider) tdmEvidence(s tdmrep.Statement, t *TDMRep, page *Page) *text {
	e := Evidence{Source: SourceTDMRep, Value: s.Raw}
	switch s.Source {
	case tdmrep.SourceWellKnown:
		if t != nil {
			e.Where, e.FetchedAt, e.SHA256 = t.URL, t.FetchedAt, t.SHA256
		}
		if s.Rule != nil {
			e.Line = s.Rule.Line
		}
	case tdmrep.SourceHeader:
		e.Where, e.FetchedAt, e.Header = pageURL(page), page.FetchedAt, tdmrep.HeaderReservation
	default:
		e.Where, e.FetchedAt = pageURL(page), page.FetchedAt
	}
	tx := d.add(e)
	start := len(d.buf)
	switch {
	case s.Source == tdmrep.SourceWellKnown && s.Rule != nil:
		d.str(`{"location": `)
		d.quote(s.Rule.Location)
		d.str(`, "tdm-reservation": `, s.Rule.Raw, "}")
		tx.rule = d.since(start)
		start = len(d.buf)
		d.str("tdmrep.json entry ")
		d.int(s.Rule.Index)
		d.str(" (line ")
		d.int(s.Rule.Line)
		d.str(", location ")
		d.quote(s.Rule.Location)
		d.str(") is the first that matches")
	case s.Source == tdmrep.SourceWellKnown:
		d.str("tdm-reservation: ", s.Raw)
		tx.rule = d.since(start)
		start = len(d.buf)
	case s.Source == tdmrep.SourceHeader:
		d.str("tdm-reservation: ", s.Raw)
		tx.rule = d.since(start)
		start = len(d.buf)
		d.str(tdmHeader)
	default:
		d.str(`<meta name="tdm-reservation" content=`)
		d.quote(s.Raw)
		d.str(">")
		tx.rule = d.since(start)
		start = len(d.buf)
		d.str("the tdm-reservation meta element")
	}
	tx.detail = d.since(start)
	return tx
}

// anyAgent stands for a crawler without product tokens.
var anyAgent = []string{""}

// noai adds the noai and noimageai evidence.
func (d *decider) noai(page *Page) {
	var dirs []noai.Directive
	if d.fields.irregular {
		dirs = noai.ParseHeader(page.Header)
	} else {
		dirs = noai.ParseXRobotsTag(d.fields.robotsTag...)
	}
	if page.HTML != nil {
		for _, m := range page.HTML.Meta {
			name := strings.TrimSpace(m.Name)
			if strings.EqualFold(name, "robots") || d.isAgent(name) {
				dirs = append(dirs, noai.ParseMeta(name, m.Content)...)
			}
		}
	}
	if len(dirs) == 0 {
		return
	}
	image := false
	if ct := d.fields.contentType; len(ct) > 0 {
		mt, _, _ := mime.ParseMediaType(ct[0])
		image = strings.HasPrefix(mt, "image/")
	}
	agents := d.p.Agents
	if len(agents) == 0 {
		agents = anyAgent
	}
	for _, agent := range agents {
		r := noai.Reserved(dirs, agent)
		for _, dir := range r.Evidence {
			if d.seenDirective(dir) {
				continue
			}
			d.seenNoAI = append(d.seenNoAI, dir)
			e := Evidence{Source: SourceNoAI, Agent: dir.Agent, Where: pageURL(page), FetchedAt: page.FetchedAt, Rule: dir.Name, Value: dir.Raw}
			if dir.Source == noai.SourceHeader {
				e.Header = "X-Robots-Tag"
			}
			switch {
			case dir.Name != noai.NoImageAI:
				e.Decision = Reserved
				t := d.add(e)
				s := len(d.buf)
				d.str(dir.Source.String(), " ", dir.Name, " reserves the content for AI datasets")
				t.detail = d.since(s)
			case image:
				e.Decision = Reserved
				t := d.add(e)
				s := len(d.buf)
				d.str(dir.Source.String(), " noimageai reserves this image for AI datasets")
				t.detail = d.since(s)
			default:
				e.Decision = Unknown
				t := d.add(e)
				s := len(d.buf)
				d.str(dir.Source.String(), " noimageai reserves the page's images, not this non-image content")
				t.detail = d.since(s)
			}
		}
	}
}

// seenDirective reports whether evidence was added for a directive with
// the same name, agent, value and source.
func (d *decider) seenDirective(dir noai.Directive) bool {
	for _, s := range d.seenNoAI {
		if s.Name == dir.Name && s.Agent == dir.Agent && s.Raw == dir.Raw && s.Source.String() == dir.Source.String() {
			return true
		}
	}
	return false
}

func (d *decider) isAgent(name string) bool {
	for _, a := range d.p.Agents {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// access adds the access-control evidence.
func (d *decider) access(page *Page) {
	if st, ok := accessStatus[page.Status]; ok {
		d.add(Evidence{Source: SourceHTTPStatus, Decision: Restricted, Where: pageURL(page), FetchedAt: page.FetchedAt, Value: st.value, Detail: st.detail})
	}
	if page.FinalURL != "" && page.FinalURL != page.URL && LoginPage(page.FinalURL) && !LoginPage(page.URL) {
		t := d.add(Evidence{Source: SourceLoginWall, Decision: Restricted, Where: page.FinalURL, FetchedAt: page.FetchedAt, Value: page.FinalURL})
		s := len(d.buf)
		d.str("the page redirects to the login page ", page.FinalURL)
		t.detail = d.since(s)
	}
	if page.HTML != nil {
		for _, a := range page.HTML.Access {
			if a.Valid && !a.Free {
				t := d.add(Evidence{Source: SourceSchemaOrg, Decision: Restricted, Where: pageURL(page), FetchedAt: page.FetchedAt, Line: a.Line, Value: a.Value})
				s := len(d.buf)
				d.str("isAccessibleForFree: ", a.Value)
				t.rule = d.since(s)
				s = len(d.buf)
				d.str("schema.org isAccessibleForFree is false (", a.Format, "); the content is paywalled or subscription-only")
				t.detail = d.since(s)
				break
			}
		}
	}
}

// reason writes the reason for the decision at the end of buf and returns
// where it starts: the decision, the evidence that made it, and the
// explicit permissions of use it overrode. The Detail of the evidence the
// reason quotes moves into the reason, so that the text holds it once.
func (d *decider) reason(final Decision) int {
	quoted, n := -1, 0 // the evidence quoted, and the number deciding
	switch final {
	case Allowed:
		for i := range d.ev {
			if e := &d.ev[i]; e.Decision == final && e.Source == SourceRobots {
				quoted = i
				break
			}
		}
	case Unknown:
		for i := range d.ev {
			if d.ev[i].Source == SourceRobots {
				quoted = i
				break
			}
		}
	default:
		for i := range d.ev {
			if d.ev[i].Decision == final {
				if quoted < 0 {
					quoted = i
				}
				n++
			}
		}
	}
	var moved []byte
	if quoted >= 0 {
		moved = d.takeDetail(quoted)
	}
	start := len(d.buf)
	d.str(final.String())
	if quoted >= 0 {
		if final == Allowed || final == Unknown {
			d.str(": ")
		} else {
			d.str(" by ", d.ev[quoted].Source, ": ")
		}
		if moved != nil {
			s := len(d.buf)
			d.buf = append(d.buf, moved...)
			d.text[quoted].detail = d.since(s)
		} else {
			d.str(d.ev[quoted].Detail)
		}
		if n > 1 {
			d.str(" (and ")
			d.int(n - 1)
			d.str(" more)")
		}
	}
	if final == Allowed {
		d.str("; no source reserves it or restricts access")
		return start
	}
	// robots.txt permits crawling, not a use: only explicit permissions of
	// use count as overridden.
	k := 0
	for i := range d.ev {
		e := &d.ev[i]
		if e.Decision != Allowed || e.Source == SourceRobots || d.allowedBefore(i, e.Source) {
			continue
		}
		if k == 0 {
			d.str("; this overrides the permission of ")
		} else {
			d.str(", ")
		}
		d.str(e.Source)
		k++
	}
	if k > 0 {
		d.str(", because conflicts resolve to the most restrictive")
	}
	return start
}

// allowedBefore reports whether an evidence before i is a permission from
// source.
func (d *decider) allowedBefore(i int, source string) bool {
	for j := range i {
		if e := &d.ev[j]; e.Decision == Allowed && e.Source == source {
			return true
		}
	}
	return false
}
