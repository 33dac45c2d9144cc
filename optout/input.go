package optout

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// Access is what a robots.txt fetch result means for crawling, by RFC 9309
// section 2.3.1.
type Access uint8

// Accesses.
const (
	// AccessUnknown means that robots.txt was not checked.
	AccessUnknown Access = iota
	// AccessRules means that robots.txt was read (2xx) and its rules apply.
	AccessRules
	// AccessAllowAll means that robots.txt is unavailable (4xx, or more
	// redirects than the limit): the crawler may access anything.
	AccessAllowAll
	// AccessDisallowAll means that robots.txt is unreachable (5xx, 429, a
	// network error or a timeout): the crawler must assume complete
	// disallow.
	AccessDisallowAll
)

// MaxRedirects is the number of consecutive redirects RFC 9309 (section
// 2.3.1.2) asks a crawler to follow for robots.txt.
const MaxRedirects = 5

// Robots is the result of fetching (or finding a capture of) a robots.txt
// file. Create it with a struct literal; it must not be copied after first
// use, and File must not be changed after first use.
//
// A Robots keeps what decisions derive from File: the Content-Usage and
// Content-Signal rules of each group, parsed with their path patterns
// compiled, and for each agent and purpose decided about, the rules of the
// agent's groups with the evidence each gives. It is safe for concurrent
// use.
type Robots struct {
	// URL is the robots.txt URL of the origin.
	URL string
	// Status is the HTTP status of the final response, or 0 when there was
	// none (network error, timeout).
	Status int
	// Redirects is the number of redirects followed; more than
	// MaxRedirects means the chain was given up.
	Redirects int
	// Err says why there was no response, or why the redirect chain was
	// given up.
	Err string
	// File is the parsed file, for a 2xx response.
	File *robots.File
	// SHA256 is the hex SHA-256 of the body read, for a 2xx response.
	SHA256 string
	// FetchedAt is when the file was fetched or captured.
	FetchedAt time.Time
	// Stale reports that the copy is past its cache lifetime and is used
	// because robots.txt is now unreachable (RFC 9309 section 2.4).
	Stale bool

	once     sync.Once
	groups   []groupPrefs // per group of File
	hasPrefs bool         // some group has AI-preference rules

	mu     sync.Mutex                    // serialises additions to agents
	agents atomic.Pointer[[]*agentPrefs] // replaced, never changed
}

// groupPrefs are the AI-preference rules of one robots.txt group.
type groupPrefs struct {
	usage  []*aipref.Usage
	signal []*aipref.Signal
}

// NewRobots returns the Robots for a 2xx response with body b.
func NewRobots(url string, status int, b []byte, fetchedAt time.Time) *Robots {
	return &Robots{URL: url, Status: status, File: robots.ParseBytes(b), SHA256: Hash(b), FetchedAt: fetchedAt}
}

// Hash returns the hex SHA-256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Access tells what the fetch result means for crawling.
func (r *Robots) Access() Access {
	switch {
	case r == nil:
		return AccessUnknown
	case r.Status >= 200 && r.Status < 300 && r.File != nil:
		return AccessRules
	case r.Status >= 300 && r.Status < 400:
		// A redirect chain longer than the limit: RFC 9309 lets the
		// crawler treat it as unavailable, and Google does.
		return AccessAllowAll
	case r.Status == http.StatusTooManyRequests:
		// Google treats 429 like 5xx; RFC 9309 leaves it with 4xx. The
		// stricter reading is used.
		return AccessDisallowAll
	case r.Status >= 400 && r.Status < 500:
		return AccessAllowAll
	}
	return AccessDisallowAll
}

// prefs returns the AI-preference rules of each group, parsed once.
func (r *Robots) prefs() []groupPrefs {
	r.once.Do(func() {
		f := r.File
		if f == nil {
			return
		}
		r.groups = make([]groupPrefs, len(f.Groups))
		for _, rec := range f.Records {
			if rec.Group < 0 || rec.Group >= len(r.groups) {
				continue
			}
			g := &r.groups[rec.Group]
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
		for _, g := range r.groups {
			r.hasPrefs = r.hasPrefs || len(g.usage) > 0 || len(g.signal) > 0
		}
	})
	return r.groups
}

// agentPrefs are the AI-preference rules of the groups that apply to one
// agent, in the order of the groups, with the evidence each rule gives
// for one purpose (without Where, FetchedAt and SHA256).
type agentPrefs struct {
	agent    string
	purpose  aipref.Purpose
	usage    []*aipref.Usage
	usageEv  [][]Evidence // per rule of usage
	signal   []*aipref.Signal
	signalEv [][]Evidence // per rule of signal
}

// maxAgentPrefs bounds the number of agent and purpose pairs a Robots
// keeps; beyond it the rules are gathered again on every decision.
const maxAgentPrefs = 32

// agentPrefs returns the AI-preference rules that apply to agent, with their
// evidence for purpose, or nil when File has no such rules. Each is built
// on first use and kept; lookups take no lock.
func (r *Robots) agentPrefs(agent string, purpose aipref.Purpose) *agentPrefs {
	groups := r.prefs()
	if !r.hasPrefs {
		return nil
	}
	if l := r.agents.Load(); l != nil {
		for _, a := range *l {
			if a.agent == agent && a.purpose == purpose {
				return a
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var old []*agentPrefs
	if l := r.agents.Load(); l != nil {
		old = *l
		for _, a := range old {
			if a.agent == agent && a.purpose == purpose {
				return a
			}
		}
	}
	a := &agentPrefs{agent: agent, purpose: purpose}
	idx, _ := r.File.GroupsFor(agent)
	for _, g := range idx {
		a.usage = append(a.usage, groups[g].usage...)
		a.signal = append(a.signal, groups[g].signal...)
	}
	a.usageEv = make([][]Evidence, len(a.usage))
	for i, u := range a.usage {
		a.usageEv[i] = ruleEvidence(u, purpose)
	}
	a.signalEv = make([][]Evidence, len(a.signal))
	for i, s := range a.signal {
		a.signalEv[i] = ruleEvidence(s, purpose)
	}
	if len(old) < maxAgentPrefs {
		l := append(old[:len(old):len(old)], a)
		r.agents.Store(&l)
	}
	return a
}

// TDMRep is the result of fetching (or finding a capture of) an origin's
// /.well-known/tdmrep.json.
type TDMRep struct {
	URL string
	// Status is the HTTP status of the final response, or 0 when there was
	// none.
	Status int
	// Err says why there was no usable file.
	Err string
	// File is the parsed file, for a 2xx response holding a JSON array.
	File *tdmrep.File
	// SHA256 is the hex SHA-256 of the body read.
	SHA256    string
	FetchedAt time.Time
}

// Site is what is known about a URL's origin.
type Site struct {
	Robots *Robots
	TDMRep *TDMRep
}

// Page is what is known about the URL's own response.
type Page struct {
	// URL is the URL asked for; FinalURL the URL of the response after
	// redirects, or "" if the same.
	URL      string
	FinalURL string
	// Status is the HTTP status of the final response, or 0 if the page
	// was not fetched.
	Status int
	// Header holds the response's header fields.
	Header http.Header
	// HTML is the metadata of the document, for an HTML response.
	HTML *htmlmeta.Document
	// FetchedAt is when the page was fetched or captured.
	FetchedAt time.Time
	// Err says why the page could not be fetched.
	Err string
}

// fields are the values of the header fields of a page that Decide reads.
type fields struct {
	usage, contentType, tdm, tdmPolicy, robotsTag []string
	// irregular reports a field name spelled other than canonically, as a
	// raw header map from an archive may hold; the fields are then read
	// with the protocol packages' ParseHeader functions.
	irregular bool
}

// read reads the fields of h, looking at each field name once.
func (f *fields) read(h http.Header) {
	for k, vs := range h {
		switch len(k) {
		case len("Content-Usage"):
			f.usage = f.field(k, "Content-Usage", vs, f.usage)
		case len("Content-Type"): // and X-Robots-Tag
			f.contentType = f.field(k, "Content-Type", vs, f.contentType)
			f.robotsTag = f.field(k, "X-Robots-Tag", vs, f.robotsTag)
		case len(tdmrep.HeaderReservation):
			f.tdm = f.field(k, tdmrep.HeaderReservation, vs, f.tdm)
		case len(tdmrep.HeaderPolicy):
			f.tdmPolicy = f.field(k, tdmrep.HeaderPolicy, vs, f.tdmPolicy)
		}
	}
	if f.irregular {
		f.usage = headerValues(h, "Content-Usage")
		f.contentType = headerValues(h, "Content-Type")
	}
}

// field returns vs if the field name k is name, and else old, noting a
// name spelled other than canonically.
func (f *fields) field(k, name string, vs, old []string) []string {
	if k == name {
		return vs
	}
	if strings.EqualFold(k, name) {
		f.irregular = true
	}
	return old
}

// headerValues returns the values of the header field name under any
// spelling of the name: the canonical spelling's first, then the others'
// in the order of their spellings.
func headerValues(h http.Header, name string) []string {
	var other []string
	for k := range h {
		if k != name && strings.EqualFold(k, name) {
			other = append(other, k)
		}
	}
	out := h[name]
	if len(other) == 0 {
		return out
	}
	slices.Sort(other)
	out = slices.Clip(out)
	for _, k := range other {
		out = append(out, h[k]...)
	}
	return out
}

func pageURL(page *Page) string {
	if page.FinalURL != "" {
		return page.FinalURL
	}
	return page.URL
}
