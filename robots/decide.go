package robots

import (
	"strconv"
	"strings"
	"time"
)

// A Profile selects how a File is read when deciding. See the package
// documentation for the differences between the readings.
type Profile uint8

const (
	// Strict disallows a path when either RFC or Google disallows it. It is
	// the zero Profile and the default for AI-training decisions.
	Strict Profile = iota
	// RFC reads the file exactly as RFC 9309 does.
	RFC
	// Google answers what Google's open-source robots.txt parser answers.
	Google
)

// String returns "strict", "rfc" or "google".
func (p Profile) String() string {
	switch p {
	case Strict:
		return "strict"
	case RFC:
		return "rfc"
	case Google:
		return "google"
	}
	return "Profile(" + strconv.Itoa(int(p)) + ")"
}

// A Scope tells which groups applied to a decision.
type Scope uint8

const (
	// ScopeNone means that no group applied: the file has neither a group
	// naming the agent nor a "*" group, so everything is allowed.
	ScopeNone Scope = iota
	// ScopeAgent means that the groups naming the agent applied.
	ScopeAgent
	// ScopeGlobal means that the "*" groups applied, because no group
	// names the agent.
	ScopeGlobal
)

// String returns "none", "agent" or "global".
func (s Scope) String() string {
	switch s {
	case ScopeNone:
		return "none"
	case ScopeAgent:
		return "agent"
	case ScopeGlobal:
		return "global"
	}
	return "Scope(" + strconv.Itoa(int(s)) + ")"
}

// A Decision is the answer to whether an agent may fetch a path, with its
// evidence.
type Decision struct {
	// Allowed reports whether the agent may fetch the path.
	Allowed bool
	// Profile is the reading that supplied the evidence: RFC or Google.
	// Under Strict it is the reading that disallowed, or Google when both
	// allow.
	Profile Profile
	// Scope tells which groups applied.
	Scope Scope
	// Groups are the line numbers of the first user-agent line of each
	// group that applied, in file order. The slice is shared and must not
	// be modified.
	Groups []int
	// Rule is the rule that decided; its Line is 0 when no rule matched.
	Rule Rule
	// IndexRule reports that Rule, an Allow ending in a segment that starts
	// with index.htm, matched the directory itself under Google's reading.
	IndexRule bool
	// Implicit reports that the path is /robots.txt, which RFC 9309 always
	// allows.
	Implicit bool
}

// String describes d in one line, such as
// `disallowed (google): line 12 "Disallow: /private/" in group at line 10`.
func (d Decision) String() string {
	var b strings.Builder
	if d.Allowed {
		b.WriteString("allowed")
	} else {
		b.WriteString("disallowed")
	}
	b.WriteString(" (" + d.Profile.String() + "): ")
	switch {
	case d.Implicit:
		b.WriteString("/robots.txt is always allowed")
		return b.String()
	case d.Rule.Line != 0:
		k := "Allow"
		if d.Rule.Kind == Disallow {
			k = "Disallow"
		}
		b.WriteString("line " + strconv.Itoa(d.Rule.Line) + " " + strconv.Quote(k+": "+d.Rule.Pattern))
		if d.IndexRule {
			b.WriteString(" (index.html rule)")
		}
	case d.Scope == ScopeNone:
		b.WriteString("no group applies")
		return b.String()
	default:
		b.WriteString("no rule matches")
	}
	if d.Scope == ScopeGlobal {
		b.WriteString(" in * group")
	} else {
		b.WriteString(" in group")
	}
	if len(d.Groups) > 1 {
		b.WriteString("s")
	}
	b.WriteString(" at line")
	for i, l := range d.Groups {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" " + strconv.Itoa(l))
	}
	return b.String()
}

// Decide reports whether agent may fetch path under profile p, with the
// evidence.
//
// The agent is a crawler's product token, such as "GPTBot", compared with
// the user-agent lines case-insensitively; never pass a whole User-Agent
// header. The path is a URL's path with its parameters and query and
// without its fragment, such as "/a/b?c=d" (see Path); an empty path is
// read as "/". Under Google's reading the path must already be
// percent-encoded with upper-case hex digits, as Google's parser expects.
//
// The rules that apply to an agent are compiled on its first decision
// (see Compile); after that Decide takes no lock and does not allocate.
func (f *File) Decide(agent, path string, p Profile) Decision {
	if path == "" {
		path = "/"
	}
	e := f.rulesFor(agent)
	switch p {
	case RFC:
		return e.decideRFC(e.rfc, e.rscope, path)
	case Google:
		return e.decideGoogle(e.google, e.gscope, path)
	}
	if e.rfc != nil && e.rfc == e.google && path != "/robots.txt" {
		// Both readings hold the same rules for this agent: if the path
		// reads the same under both, decide once.
		rs := e.google
		var m uint64
		var norm bool
		if rs.fwords > 0 {
			m = pathMask(path)
			norm = m&normClasses != 0
		} else {
			norm = needsNorm(path)
		}
		if !norm {
			return e.decision(rs, e.gscope, e.eval(rs, path, m), Google)
		}
	}
	gd := e.decideGoogle(e.google, e.gscope, path)
	if !gd.Allowed {
		return gd
	}
	rd := e.decideRFC(e.rfc, e.rscope, path)
	if !rd.Allowed {
		return rd
	}
	return gd
}

// Allowed reports whether agent may fetch path under the Strict profile:
// it is false when either RFC 9309 or Google's parser disallows it.
func (f *File) Allowed(agent, path string) bool {
	return f.Decide(agent, path, Strict).Allowed
}

// DecideURL is Decide for the path of a full URL, as Path extracts it.
func (f *File) DecideURL(agent, rawURL string, p Profile) Decision {
	return f.Decide(agent, Path(rawURL), p)
}

func (f *agentRules) decision(set *ruleset, scope Scope, ri int32, p Profile) Decision {
	d := Decision{Allowed: true, Profile: p, Scope: scope}
	if set != nil {
		d.Groups = set.groupLines
	}
	if ri >= 0 {
		r := &f.rules[ri]
		allow := r.flags&fAllow != 0
		d.Allowed = allow
		d.Rule = Rule{Line: int(r.line), Kind: Disallow, Pattern: f.src[r.raw : r.raw+r.rawn]}
		if allow {
			d.Rule.Kind = Allow
		}
		d.IndexRule = r.flags&fDerived != 0
	}
	return d
}

func (f *agentRules) decideGoogle(rs *ruleset, scope Scope, path string) Decision {
	if rs == nil {
		return Decision{Allowed: true, Profile: Google}
	}
	var m uint64
	if rs.fwords > 0 {
		m = pathMask(path)
	}
	return f.decision(rs, scope, f.eval(rs, path, m), Google)
}

// decideRFC decides under RFC 9309.
func (f *agentRules) decideRFC(set *ruleset, scope Scope, path string) Decision {
	if needsNorm(path) {
		return f.decideRFCNorm(set, scope, path)
	}
	return f.decideRFCPath(set, scope, path)
}

// decideRFCNorm normalises path on the stack; it is kept apart so that
// paths that need no normalisation do not pay for clearing the buffer.
//
//go:noinline
func (f *agentRules) decideRFCNorm(set *ruleset, scope Scope, path string) Decision {
	var buf [512]byte
	return f.decideRFCPath(set, scope, bytesString(appendRFC(buf[:0], path)))
}

func (f *agentRules) decideRFCPath(rs *ruleset, scope Scope, path string) Decision {
	if path == "/robots.txt" {
		d := f.decision(rs, scope, -1, RFC)
		d.Implicit = true
		return d
	}
	if rs == nil {
		return Decision{Allowed: true, Profile: RFC}
	}
	var m uint64
	if rs.fwords > 0 {
		m = pathMask(path)
	}
	return f.decision(rs, scope, f.eval(rs, path, m), RFC)
}

// GroupsFor returns the indices in f.Groups of the groups that apply to
// agent under RFC 9309, and their scope: every group naming the agent, or
// else every "*" group. Use it to find the other records (Content-Usage,
// Content-Signal, Crawl-delay) that apply to a crawler. The slice is shared
// and must not be modified.
func (f *File) GroupsFor(agent string) ([]int, Scope) {
	e := f.index().table.find(agent)
	if len(e.rgs) == 0 {
		return nil, ScopeNone
	}
	return e.gidx, e.rscope
}

// CrawlDelay returns the crawl delay that applies to agent under RFC 9309
// grouping: the first valid Crawl-delay of the groups that apply, in file
// order. It reports false when they have none.
func (f *File) CrawlDelay(agent string) (time.Duration, bool) {
	idx, _ := f.GroupsFor(agent)
	for _, i := range idx {
		if g := &f.Groups[i]; g.CrawlDelayLine != 0 {
			return g.CrawlDelay, true
		}
	}
	return 0, false
}

// Path returns the part of a URL that robots.txt rules are matched
// against: the path with its parameters and query, without the scheme,
// the authority and the fragment. The result always starts with "/"; a URL
// without a path gives "/". It follows Google's parser, which matches RFC
// 9309 section 2.2.2: "http://example.com/a/b?c=d#e" gives "/a/b?c=d",
// "example.com?a" gives "/?a" and "//host/p" gives "/p". Path does not
// percent-encode or otherwise change the URL, and allocates only when it
// must add the leading "/".
func Path(rawURL string) string {
	start := 0
	if strings.HasPrefix(rawURL, "//") {
		start = 2
	}
	early := indexAnyFrom(rawURL, start)
	proto := strings.Index(rawURL[start:], "://")
	if proto >= 0 {
		proto += start
	}
	if early >= 0 && (proto < 0 || early < proto) {
		proto = -1
	}
	if proto < 0 {
		proto = start
	} else {
		proto += 3
	}
	ps := indexAnyFrom(rawURL, proto)
	if ps < 0 {
		return "/"
	}
	end := len(rawURL)
	if h := strings.IndexByte(rawURL[start:], '#'); h >= 0 {
		h += start
		if h < ps {
			return "/"
		}
		end = h
	}
	if rawURL[ps] != '/' {
		return "/" + rawURL[ps:end]
	}
	return rawURL[ps:end]
}

// indexAnyFrom returns the index of the first '/', '?' or ';' of s at or
// after i, or -1.
func indexAnyFrom(s string, i int) int {
	for ; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '?' || c == ';' {
			return i
		}
	}
	return -1
}
