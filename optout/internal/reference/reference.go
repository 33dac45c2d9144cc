package reference

import (
	"fmt"
	"mime"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/internal/pathpattern"
	"github.com/gpai-project/gpai/noai"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// Aliases keep the frozen code below as it was written inside optout.
type (
	Policy   = optout.Policy
	Result   = optout.Result
	Evidence = optout.Evidence
	Decision = optout.Decision
	Access   = optout.Access
	Robots   = optout.Robots
	TDMRep   = optout.TDMRep
	Site     = optout.Site
	Page     = optout.Page
)

const (
	Unknown    = optout.Unknown
	Allowed    = optout.Allowed
	Reserved   = optout.Reserved
	Restricted = optout.Restricted
	Blocked    = optout.Blocked

	AccessUnknown     = optout.AccessUnknown
	AccessRules       = optout.AccessRules
	AccessAllowAll    = optout.AccessAllowAll
	AccessDisallowAll = optout.AccessDisallowAll
	MaxRedirects      = optout.MaxRedirects

	SourcePiracyList    = optout.SourcePiracyList
	SourceRegistry      = optout.SourceRegistry
	SourceRobots        = optout.SourceRobots
	SourceContentUsage  = optout.SourceContentUsage
	SourceContentSignal = optout.SourceContentSignal
	SourceTDMRep        = optout.SourceTDMRep
	SourceNoAI          = optout.SourceNoAI
	SourceHTTPStatus    = optout.SourceHTTPStatus
	SourceLoginWall     = optout.SourceLoginWall
	SourceSchemaOrg     = optout.SourceSchemaOrg
)

// LoginPage is optout.LoginPage.
func LoginPage(rawURL string) bool { return optout.LoginPage(rawURL) }

func purpose(p *Policy) aipref.Purpose {
	if p.Purpose == 0 {
		return aipref.PurposeTrainGenAI
	}
	return p.Purpose
}

// groupPrefs are the AI-preference rules of one robots.txt group.
type groupPrefs struct {
	usage  []*aipref.Usage
	signal []*aipref.Signal
}

// parsed holds the result of prefs per *Robots, as optout kept it in the
// Robots.
var parsed sync.Map

// prefs returns the AI-preference rules of each group, parsed once.
func prefs(r *Robots) []groupPrefs {
	if g, ok := parsed.Load(r); ok {
		return g.([]groupPrefs)
	}
	g, _ := parsed.LoadOrStore(r, parseGroups(r))
	return g.([]groupPrefs)
}

func parseGroups(r *Robots) []groupPrefs {
	f := r.File
	if f == nil {
		return nil
	}
	groups := make([]groupPrefs, len(f.Groups))
	for _, rec := range f.Records {
		if rec.Group < 0 || rec.Group >= len(groups) {
			continue
		}
		g := &groups[rec.Group]
		switch {
		case strings.EqualFold(rec.Key, "content-usage"):
			u, _ := aipref.ParseRule(rec.Value, rec.Line)
			u.Source = aipref.SourceRobots
			g.usage = append(g.usage, u)
		case strings.EqualFold(rec.Key, "content-signal"):
			s, _ := aipref.ParseSignal(rec.Value, rec.Line)
			g.signal = append(g.signal, s)
		}
	}
	return groups
}

// applicable is aipref.Applicable as it was: every pattern compiled on
// every call.
func applicable[S aipref.Scoped](rules []S, u string) []S {
	p := pathpattern.NormalizePath(u)
	best := -1
	var out []S
	var zero S
	for _, r := range rules {
		if r == zero {
			continue
		}
		n := -1 // a rule without a path
		if scope := r.Scope(); scope != "" {
			pt := pathpattern.Compile(scope)
			if !pt.Match(p) {
				continue
			}
			n = pt.Length()
		}
		switch {
		case n > best:
			best, out = n, append(out[:0], r)
		case n == best:
			out = append(out, r)
		}
	}
	return out
}

// Decide is optout's Policy.Decide as it was.
func Decide(p *Policy, rawURL string, site *Site, page *Page) Result {
	d := decider{p: p, purpose: purpose(p), ev: make([]Evidence, 0, 8)}
	return d.decide(rawURL, site, page)
}

// accessStatus are the HTTP statuses that mark access control.
var accessStatus = map[int]string{
	401: "401 Unauthorized: the content is behind authentication",
	402: "402 Payment Required: the content is behind a paywall",
	403: "403 Forbidden: access to the content is denied",
	407: "407 Proxy Authentication Required: the content is behind authentication",
	451: "451 Unavailable For Legal Reasons: access is legally restricted",
}

type decider struct {
	p       *Policy
	purpose aipref.Purpose
	ev      []Evidence
}

func (d *decider) add(e Evidence) { d.ev = append(d.ev, e) }

func (d *decider) decide(rawURL string, site *Site, page *Page) Result {
	p := d.p
	res := Result{URL: rawURL, Purpose: d.purpose.String(), Agents: p.Agents}
	if site == nil {
		site = &Site{}
	}
	if page == nil {
		page = &Page{}
	}
	host := hostOf(rawURL)
	if p.Blocklist != nil && host != "" {
		if e, ok := p.Blocklist.Match(host); ok {
			d.add(Evidence{Source: SourcePiracyList, Decision: Blocked, Where: e.File, Line: e.Line, Rule: e.Domain,
				Detail: fmt.Sprintf("%s is listed as a piracy domain (entry %q); Code of Practice Measure 1.2(b) excludes it from crawling", host, e.Domain)})
		}
	}
	if v, ok := p.Registry.Match(rawURL); ok {
		d.add(Evidence{Source: SourceRegistry, Decision: Reserved, Where: p.Registry.Source, Rule: v.Kind + " " + v.Value,
			Detail: fmt.Sprintf("the rights holder's reservation of %s was accepted on %s through the provider's contact point", v.Value, v.AcceptedAt.UTC().Format(time.DateOnly))})
	}
	path := robots.Path(rawURL)
	access := site.Robots.Access()
	crawlable := d.robots(site.Robots, access, path)
	d.prefs(site.Robots, crawlable, path, page)
	d.tdm(rawURL, site.TDMRep, page)
	d.noai(page)
	d.access(page)

	// Combine most restrictively. Unknown evidence is informational,
	// except for robots.txt, which must be known to allow anything.
	final, decided := Allowed, false
	for _, e := range d.ev {
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
	res.Evidence = d.ev
	res.Reason = reason(final, d.ev)
	return res
}

// robots adds the robots.txt evidence and returns, per agent, whether the
// agent may fetch the path.
func (d *decider) robots(r *Robots, access Access, path string) []bool {
	crawlable := make([]bool, len(d.p.Agents))
	base := Evidence{Source: SourceRobots}
	if r != nil {
		base.Where, base.FetchedAt, base.SHA256 = r.URL, r.FetchedAt, r.SHA256
	}
	stale := ""
	if r != nil && r.Stale {
		stale = " (a cached copy past its lifetime, used because robots.txt is now unreachable)"
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
		why := r.Err
		if r.Status != 0 {
			why = fmt.Sprintf("HTTP %d", r.Status)
		}
		e.Value = why
		e.Detail = fmt.Sprintf("robots.txt is unreachable (%s); RFC 9309 section 2.3.1.4 requires assuming complete disallow", why)
		d.add(e)
		return crawlable
	case AccessAllowAll:
		e := base
		e.Decision = Allowed
		if r.Status >= 300 && r.Status < 400 {
			e.Value = fmt.Sprintf("%d redirects", r.Redirects)
			e.Detail = fmt.Sprintf("robots.txt redirects more than %d times; RFC 9309 section 2.3.1.2 lets the crawler treat it as unavailable, which allows everything", MaxRedirects)
		} else {
			e.Value = fmt.Sprintf("HTTP %d", r.Status)
			e.Detail = fmt.Sprintf("robots.txt is unavailable (HTTP %d); RFC 9309 section 2.3.1.3 allows the crawler to access anything", r.Status)
		}
		d.add(e)
		for i := range crawlable {
			crawlable[i] = true
		}
		return crawlable
	}
	for i, agent := range d.p.Agents {
		dec := r.File.Decide(agent, path, d.p.Profile)
		crawlable[i] = dec.Allowed
		e := base
		e.Agent = agent
		e.Line = dec.Rule.Line
		if dec.Rule.Line != 0 {
			e.Rule = ruleText(dec.Rule)
			e.Value = dec.Rule.Pattern
		}
		if dec.Allowed {
			e.Decision = Allowed
		} else {
			e.Decision = Reserved
		}
		e.Detail = fmt.Sprintf("%s: %s for %s under the %s profile%s", agent, dec, path, d.p.Profile, stale)
		d.add(e)
	}
	return crawlable
}

func ruleText(r robots.Rule) string {
	k := "Disallow"
	if r.Kind == robots.Allow {
		k = "Allow"
	}
	return k + ": " + r.Pattern
}

// prefs adds the AIPREF and Content-Signal evidence.
func (d *decider) prefs(r *Robots, crawlable []bool, path string, page *Page) {
	var stmts []aipref.Statement
	seen := func(s aipref.Statement) bool {
		for _, t := range stmts {
			if t == s {
				return true
			}
		}
		return false
	}
	if r.Access() == AccessRules {
		groups := prefs(r)
		for i, agent := range d.p.Agents {
			if !crawlable[i] {
				continue
			}
			idx, _ := r.File.GroupsFor(agent)
			var usage []*aipref.Usage
			var signal []*aipref.Signal
			for _, g := range idx {
				usage = append(usage, groups[g].usage...)
				signal = append(signal, groups[g].signal...)
			}
			for _, u := range applicable(usage, path) {
				if !seen(u) {
					stmts = append(stmts, u)
				}
			}
			for _, s := range applicable(signal, path) {
				if !seen(s) {
					stmts = append(stmts, s)
				}
			}
		}
	}
	if vs := headerValues(page, "Content-Usage"); len(vs) > 0 {
		u, _ := aipref.ParseHeader(vs...)
		stmts = append(stmts, u)
	}
	if len(stmts) == 0 {
		return
	}
	v := aipref.Decide(d.purpose, stmts...)
	for _, a := range v.Evidence {
		e := Evidence{Source: SourceContentUsage, Line: a.Line, Value: a.Raw, Rule: a.Key + "=" + a.Value}
		if a.Path != "" {
			e.Rule = a.Path + " " + e.Rule
		}
		switch a.Source {
		case aipref.SourceContentSignal:
			e.Source = SourceContentSignal
		case aipref.SourceHeader:
			e.Header = "Content-Usage"
		}
		switch a.Source {
		case aipref.SourceRobots, aipref.SourceContentSignal:
			if r != nil {
				e.Where, e.FetchedAt, e.SHA256 = r.URL, r.FetchedAt, r.SHA256
			}
		default:
			e.Where, e.FetchedAt = pageURL(page), page.FetchedAt
		}
		what := map[aipref.Source]string{aipref.SourceHeader: "the Content-Usage header field", aipref.SourceRobots: fmt.Sprintf("the robots.txt Content-Usage rule on line %d", a.Line),
			aipref.SourceContentSignal: fmt.Sprintf("the robots.txt Content-Signal line %d", a.Line)}[a.Source]
		switch a.Preference {
		case aipref.Disallow:
			e.Decision = Reserved
			e.Detail = fmt.Sprintf("%s states %s, a reservation for %s", what, e.Rule, d.purpose)
		case aipref.Allow:
			e.Decision = Allowed
			e.Detail = fmt.Sprintf("%s states %s, a permission for %s", what, e.Rule, d.purpose)
		default:
			e.Decision = Unknown
			e.Detail = fmt.Sprintf("%s states %s, a value that expresses no preference", what, e.Rule)
		}
		d.add(e)
	}
}

func headerValues(page *Page, name string) []string {
	if page == nil || page.Header == nil {
		return nil
	}
	var out []string
	for k, vs := range page.Header {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

func pageURL(page *Page) string {
	if page.FinalURL != "" {
		return page.FinalURL
	}
	return page.URL
}

// tdm adds the TDMRep evidence.
func (d *decider) tdm(rawURL string, t *TDMRep, page *Page) {
	var stmts []tdmrep.Statement
	if t != nil && t.File != nil {
		stmts = append(stmts, t.File.Lookup(rawURL))
	}
	if page.Header != nil {
		stmts = append(stmts, tdmrep.ParseHeader(page.Header))
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
				e.Decision = Unknown
				e.Detail = fmt.Sprintf("%s: tdm-reservation %q is neither 0 nor 1, which TDMRep treats as unset", e.Detail, s.Raw)
				d.add(e)
			}
		}
		if t != nil && t.File == nil {
			why := t.Err
			if t.Status != 0 {
				why = fmt.Sprintf("HTTP %d", t.Status)
			}
			d.add(Evidence{Source: SourceTDMRep, Decision: Unknown, Where: t.URL, FetchedAt: t.FetchedAt, SHA256: t.SHA256, Value: why,
				Detail: fmt.Sprintf("no usable tdmrep.json (%s): the site does not implement TDMRep there", why)})
		}
		return
	}
	e := d.tdmEvidence(r.From, t, page)
	if r.Reservation == tdmrep.Reserved {
		e.Decision = Reserved
		e.Detail += ": tdm-reservation 1 reserves text and data mining rights (Art. 4(3) Directive (EU) 2019/790)"
		if r.Policy != "" {
			e.Detail += "; licensing policy " + r.Policy
		}
	} else {
		e.Decision = Allowed
		e.Detail += ": tdm-reservation 0, mining is not reserved"
	}
	d.add(e)
}

func (d *decider) tdmEvidence(s tdmrep.Statement, t *TDMRep, page *Page) Evidence {
	e := Evidence{Source: SourceTDMRep, Value: s.Raw, Rule: "tdm-reservation: " + s.Raw}
	switch s.Source {
	case tdmrep.SourceWellKnown:
		if t != nil {
			e.Where, e.FetchedAt, e.SHA256 = t.URL, t.FetchedAt, t.SHA256
		}
		if s.Rule != nil {
			e.Line = s.Rule.Line
			e.Rule = fmt.Sprintf(`{"location": %q, "tdm-reservation": %s}`, s.Rule.Location, s.Rule.Raw)
			e.Detail = fmt.Sprintf("tdmrep.json entry %d (line %d, location %q) is the first that matches", s.Rule.Index, s.Rule.Line, s.Rule.Location)
		}
	case tdmrep.SourceHeader:
		e.Where, e.FetchedAt, e.Header = pageURL(page), page.FetchedAt, tdmrep.HeaderReservation
		e.Detail = "the tdm-reservation header field"
	default:
		e.Where, e.FetchedAt = pageURL(page), page.FetchedAt
		e.Detail = "the tdm-reservation meta element"
		e.Rule = fmt.Sprintf(`<meta name="tdm-reservation" content=%q>`, s.Raw)
	}
	return e
}

// noai adds the noai and noimageai evidence.
func (d *decider) noai(page *Page) {
	var dirs []noai.Directive
	if page.Header != nil {
		dirs = noai.ParseHeader(page.Header)
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
	if ct := headerValues(page, "Content-Type"); len(ct) > 0 {
		mt, _, _ := mime.ParseMediaType(ct[0])
		image = strings.HasPrefix(mt, "image/")
	}
	agents := d.p.Agents
	if len(agents) == 0 {
		agents = []string{""}
	}
	seen := map[string]bool{}
	for _, agent := range agents {
		r := noai.Reserved(dirs, agent)
		for _, dir := range r.Evidence {
			key := dir.Name + "\x00" + dir.Agent + "\x00" + dir.Raw + "\x00" + dir.Source.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			e := Evidence{Source: SourceNoAI, Agent: dir.Agent, Where: pageURL(page), FetchedAt: page.FetchedAt, Rule: dir.Name, Value: dir.Raw}
			if dir.Source == noai.SourceHeader {
				e.Header = "X-Robots-Tag"
			}
			switch {
			case dir.Name != noai.NoImageAI:
				e.Decision = Reserved
				e.Detail = fmt.Sprintf("%s %s reserves the content for AI datasets", dir.Source, dir.Name)
			case image:
				e.Decision = Reserved
				e.Detail = fmt.Sprintf("%s noimageai reserves this image for AI datasets", dir.Source)
			default:
				e.Decision = Unknown
				e.Detail = fmt.Sprintf("%s noimageai reserves the page's images, not this %s content", dir.Source, "non-image")
			}
			d.add(e)
		}
	}
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
	if msg, ok := accessStatus[page.Status]; ok {
		d.add(Evidence{Source: SourceHTTPStatus, Decision: Restricted, Where: pageURL(page), FetchedAt: page.FetchedAt, Value: fmt.Sprint(page.Status),
			Detail: "HTTP " + msg + "; Code of Practice Measure 1.2(a) forbids circumventing it"})
	}
	if page.FinalURL != "" && page.FinalURL != page.URL && LoginPage(page.FinalURL) && !LoginPage(page.URL) {
		d.add(Evidence{Source: SourceLoginWall, Decision: Restricted, Where: page.FinalURL, FetchedAt: page.FetchedAt, Value: page.FinalURL,
			Detail: fmt.Sprintf("the page redirects to the login page %s", page.FinalURL)})
	}
	if page.HTML != nil {
		for _, a := range page.HTML.Access {
			if a.Valid && !a.Free {
				d.add(Evidence{Source: SourceSchemaOrg, Decision: Restricted, Where: pageURL(page), FetchedAt: page.FetchedAt, Line: a.Line,
					Rule: "isAccessibleForFree: " + a.Value, Value: a.Value,
					Detail: fmt.Sprintf("schema.org isAccessibleForFree is false (%s); the content is paywalled or subscription-only", a.Format)})
				break
			}
		}
	}
}

// hostOf returns the lower-case host of rawURL without port, or "".
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// reason explains the decision.
func reason(final Decision, ev []Evidence) string {
	var deciding []Evidence
	var overridden []string
	seen := map[string]bool{}
	for _, e := range ev {
		switch {
		case e.Decision == final:
			deciding = append(deciding, e)
		case final != Allowed && e.Decision == Allowed && e.Source != SourceRobots && !seen[e.Source]:
			// robots.txt permits crawling, not a use: only explicit
			// permissions of use count as overridden.
			seen[e.Source] = true
			overridden = append(overridden, e.Source)
		}
	}
	var b strings.Builder
	b.WriteString(final.String())
	switch {
	case final == Allowed:
		for _, e := range deciding {
			if e.Source == SourceRobots {
				fmt.Fprintf(&b, ": %s", e.Detail)
				break
			}
		}
		b.WriteString("; no source reserves it or restricts access")
	case final == Unknown:
		for _, e := range ev {
			if e.Source == SourceRobots {
				fmt.Fprintf(&b, ": %s", e.Detail)
				break
			}
		}
	case len(deciding) > 0:
		fmt.Fprintf(&b, " by %s: %s", deciding[0].Source, deciding[0].Detail)
		if n := len(deciding) - 1; n > 0 {
			fmt.Fprintf(&b, " (and %d more)", n)
		}
	}
	if final != Allowed && len(overridden) > 0 {
		fmt.Fprintf(&b, "; this overrides the permission of %s, because conflicts resolve to the most restrictive", strings.Join(overridden, ", "))
	}
	return b.String()
}
