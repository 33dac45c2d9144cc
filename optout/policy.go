package optout

import (
	"net/url"
	"strings"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/robots"
)

// A Policy is the crawler's identity and what it asks about. It is safe for
// concurrent use once set up, as long as its fields are not changed.
type Policy struct {
	// Agents are the product tokens the crawler answers to, such as
	// "GPTBot"; the "*" group applies to a token no group names. The
	// crawler is disallowed where robots.txt disallows any of them.
	// Pass product tokens ([A-Za-z_-]+), never whole User-Agent headers.
	Agents []string
	// Purpose is the use asked about; zero means
	// aipref.PurposeTrainGenAI.
	Purpose aipref.Purpose
	// Profile is the robots.txt reading; zero is robots.Strict.
	Profile robots.Profile
	// Blocklist lists piracy domains; nil blocks nothing.
	Blocklist *Blocklist
	// Registry holds the rights reservations the provider accepted through
	// its own contact point; nil holds none.
	Registry *Registry
}

// ValidAgent reports whether s is a product token as RFC 9309 defines it:
// one or more of A-Z, a-z, "-" and "_".
func ValidAgent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ParsePurpose parses a purpose name: train-genai, train-ai, ai-input or
// search.
func ParsePurpose(s string) (aipref.Purpose, bool) {
	for _, p := range Purposes {
		if p.String() == s {
			return p, true
		}
	}
	return 0, false
}

// Purposes lists the purposes a Policy can ask about.
var Purposes = []aipref.Purpose{aipref.PurposeTrainGenAI, aipref.PurposeTrainAI, aipref.PurposeAIInput, aipref.PurposeSearch}

// ParseProfile parses a robots.txt profile name: strict, rfc or google.
func ParseProfile(s string) (robots.Profile, bool) {
	for _, p := range []robots.Profile{robots.Strict, robots.RFC, robots.Google} {
		if p.String() == s {
			return p, true
		}
	}
	return 0, false
}

func (p *Policy) purpose() aipref.Purpose {
	if p.Purpose == 0 {
		return aipref.PurposeTrainGenAI
	}
	return p.Purpose
}

// Decide returns the decision for rawURL given what is known about its site
// and page; site and page may be nil. The URL is used as given: its host
// for the piracy list, its path and query (robots.Path) for robots.txt,
// Content-Usage and tdmrep.json rules.
//
// The sources are consulted in the order of optout.md section 9: the piracy
// list, robots.txt (whose unreachability means complete disallow), the
// Content-Usage rules of the crawler's robots.txt groups with the
// Content-Usage header field, Content-Signal lines, TDMRep (tdmrep.json,
// header, HTML meta), noai and noimageai, and then the access controls:
// the page's HTTP status, a redirect to a login page, and schema.org
// isAccessibleForFree false. AI preferences in robots.txt are read only for
// the agents robots.txt lets fetch the URL, as draft-ietf-aipref-attach
// requires.
//
// The Content-Usage and Content-Signal rules of a robots.txt file are
// parsed and compiled once, on the first decision that reads them, and the
// evidence each gives is kept with them (see Robots). The texts the
// decision builds (the reason and the evidence's details) share one
// string.
func (p *Policy) Decide(rawURL string, site *Site, page *Page) Result {
	d := deciders.Get().(*decider)
	d.p, d.purpose = p, p.purpose()
	res := d.decide(rawURL, site, page)
	d.reset()
	deciders.Put(d)
	return res
}

var loginSegments = map[string]bool{"login": true, "log-in": true, "logon": true, "signin": true, "sign-in": true, "sign_in": true,
	"sso": true, "auth": true, "oauth": true, "authorize": true, "authenticate": true, "accounts": false}

// LoginPage reports whether rawURL looks like a login page: a path segment
// such as login, signin, sso or auth (with any extension), as a paywall or
// login wall redirects to.
func LoginPage(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	for _, seg := range strings.Split(strings.ToLower(u.Path), "/") {
		if i := strings.IndexByte(seg, '.'); i > 0 {
			seg = seg[:i]
		}
		if loginSegments[seg] {
			return true
		}
	}
	return false
}

// hostOf returns the lower-case host of rawURL without port, or "".
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}
