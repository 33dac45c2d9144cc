package optout

import (
	"fmt"
	"time"
)

// A Decision is the answer for one URL. Decisions are ordered from the most
// permissive to the most restrictive; see [Decision.Rank].
type Decision uint8

// Decisions. The zero value is Unknown.
const (
	// Unknown means that no source reserves the content but the crawl
	// rules could not be read, so the content may not be used.
	Unknown Decision = iota
	// Allowed means that robots.txt lets the crawler fetch the URL and no
	// other source reserves it or restricts access to it.
	Allowed
	// Reserved means that a rights reservation applies.
	Reserved
	// Restricted means that an access control protects the content.
	Restricted
	// Blocked means that the URL's domain is on a piracy list.
	Blocked
)

// Decisions lists every decision from the most permissive to the most
// restrictive.
var Decisions = []Decision{Allowed, Unknown, Reserved, Restricted, Blocked}

var decisionNames = [...]string{"unknown", "allowed", "reserved", "restricted", "blocked"}

// String returns "allowed", "reserved", "blocked", "restricted" or "unknown".
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("decision(%d)", d)
}

// Rank orders decisions by restrictiveness: Allowed 0, Unknown 1, Reserved 2,
// Restricted 3, Blocked 4.
func (d Decision) Rank() int {
	switch d {
	case Allowed:
		return 0
	case Unknown:
		return 1
	}
	return int(d)
}

// MarshalText returns the decision's name.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a decision's name.
func (d *Decision) UnmarshalText(b []byte) error {
	v, ok := ParseDecision(string(b))
	if !ok {
		return fmt.Errorf("optout: unknown decision %q", b)
	}
	*d = v
	return nil
}

// ParseDecision parses a decision's name.
func ParseDecision(s string) (Decision, bool) {
	for i, n := range decisionNames {
		if n == s {
			return Decision(i), true
		}
	}
	return Unknown, false
}

// Sources of evidence, the values of Evidence.Source.
const (
	SourcePiracyList    = "piracy-list"
	SourceRobots        = "robots.txt"
	SourceContentUsage  = "content-usage"
	SourceContentSignal = "content-signal"
	SourceTDMRep        = "tdmrep"
	SourceNoAI          = "noai"
	SourceHTTPStatus    = "http-status"
	SourceLoginWall     = "login-wall"
	SourceSchemaOrg     = "schema.org"
)

// Sources lists the evidence sources in the order Decide consults them.
var Sources = []string{SourcePiracyList, SourceRobots, SourceContentUsage, SourceContentSignal, SourceTDMRep, SourceNoAI, SourceHTTPStatus, SourceLoginWall, SourceSchemaOrg}

// Evidence is what one source said about a URL.
type Evidence struct {
	// Source is one of the Source constants.
	Source string `json:"source"`
	// Decision is what this source alone says: Allowed for an explicit
	// permission, Unknown when it states nothing usable.
	Decision Decision `json:"decision"`
	// Agent is the product token the statement applied to, or "" for a
	// statement that applies to every crawler.
	Agent string `json:"agent,omitempty"`
	// Where is the document the statement was read from: the robots.txt
	// or tdmrep.json URL, the page URL, or the piracy-list file.
	Where string `json:"where,omitempty"`
	// Line is the 1-based line in Where, or 0.
	Line int `json:"line,omitempty"`
	// Header is the HTTP header field name, for statements made by a
	// header field.
	Header string `json:"header,omitempty"`
	// Rule is the rule that decided, as written, such as
	// "Disallow: /private/" or "train-ai=n".
	Rule string `json:"rule,omitempty"`
	// Value is the raw value the rule was read from.
	Value string `json:"value,omitempty"`
	// Detail explains the evidence in a sentence.
	Detail string `json:"detail"`
	// FetchedAt is when Where was fetched or captured.
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	// SHA256 is the hex SHA-256 of the robots.txt or tdmrep.json body that
	// decided, as read (after the size limit).
	SHA256 string `json:"sha256,omitempty"`
}

// String describes the evidence in one line.
func (e Evidence) String() string {
	s := e.Source + ": " + e.Decision.String()
	if e.Agent != "" {
		s += " for " + e.Agent
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// A Result is the decision for one URL with its evidence.
type Result struct {
	URL      string   `json:"url"`
	Allowed  bool     `json:"allowed"`
	Decision Decision `json:"decision"`
	// Purpose is the use asked about, such as "train-genai".
	Purpose string `json:"purpose"`
	// Agents are the product tokens of the crawler.
	Agents []string `json:"agents"`
	// Reason explains the decision in a sentence, naming the source that
	// decided and any permission it overrode.
	Reason string `json:"reason"`
	// Evidence lists what every source said, in the order consulted.
	Evidence []Evidence `json:"evidence"`
	// Error is set when the URL could not be checked at all (an invalid
	// URL); Decision is then Unknown.
	Error string `json:"error,omitempty"`
}

// Deciding returns the evidence that made the decision: the entries whose
// Decision equals the result's.
func (r *Result) Deciding() []Evidence {
	var out []Evidence
	for _, e := range r.Evidence {
		if e.Decision == r.Decision {
			out = append(out, e)
		}
	}
	return out
}
