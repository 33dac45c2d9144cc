package aipref

import (
	"strings"

	"github.com/gpai-project/gpai/internal/pathpattern"
)

// MaxValueSize is the longest field or rule value the parsers read, 16 KiB.
// A longer value is cut at the limit before parsing; a cut Content-Usage
// dictionary usually fails to parse and so expresses nothing.
const MaxValueSize = 16 << 10

// Entry is one member of a Content-Usage dictionary.
type Entry struct {
	// Label is the member's key as written.
	Label string
	// Preference is Allow for the Token y, Disallow for the Token n, and
	// Unknown for any other value (a String "n", a Token N or yes, a
	// Boolean, a number, an inner list, or a bare key).
	Preference Preference
	// Value is the member's value and parameters as written, or "" for a
	// bare key.
	Value string
}

// Usage is a parsed Content-Usage header field value or robots.txt rule.
type Usage struct {
	Source Source
	// Raw is the value parsed: the header field lines joined with ", ",
	// or the rule's value after the path.
	Raw string
	// Entries holds the dictionary members in order. A repeated key keeps
	// the last occurrence, as RFC 9651 requires. Entries is empty when the
	// value failed to parse: every category is then unknown.
	Entries []Entry
	// Line is the robots.txt line of a rule, or 0.
	Line int
	// Path is the path pattern of a robots.txt rule, or "" for a rule
	// without a path and for a header field.
	Path string

	compiled *compiled // Path, compiled by ParseRule
}

// compiled is a rule's path pattern, compiled once when the rule is parsed
// so that Applicable does not compile it on every call. Path is an
// exported field that a caller may set or change, so the pattern is used
// only while it was compiled from the current Path. It is never written
// after parsing, so parsed rules can be shared between goroutines.
type compiled struct {
	from    string
	pattern pathpattern.Pattern
}

func compile(path string) *compiled {
	if path == "" {
		return nil
	}
	return &compiled{from: path, pattern: pathpattern.Compile(path)}
}

// compiledPattern returns path compiled, from c when it was compiled from
// path.
func (c *compiled) compiledPattern(path string) pathpattern.Pattern {
	if c != nil && c.from == path {
		return c.pattern
	}
	return pathpattern.Compile(path)
}

// ParseHeader parses the Content-Usage header field. Several field lines are
// combined as HTTP combines them, joined with ", ".
//
// When the value is not a valid Structured Field Dictionary, ParseHeader
// returns a Usage with no entries, which makes every category unknown, and a
// *SyntaxError. That includes upper-case keys (TRAIN-AI=n), spaces around =
// and a trailing comma. The Usage is never nil.
func ParseHeader(values ...string) (*Usage, error) {
	u := &Usage{Source: SourceHeader, Raw: strings.Join(values, ", ")}
	var err error
	u.Entries, err = parse(u.Raw, 0, nil)
	return u, err
}

// AppendHeaderEvidence appends to dst the evidence that the Content-Usage
// header field with the given field lines gives for p, which is
// ParseHeader(values...).Evidence(p), and returns the extended slice. It
// does not allocate for a field of one line and a few members.
func AppendHeaderEvidence(dst []Evidence, p Purpose, values ...string) []Evidence {
	var buf [8]Entry
	raw := strings.Join(values, ", ")
	entries, err := parse(raw, 0, buf[:0])
	if err != nil {
		return dst
	}
	return appendEvidence(dst, p, entries, Evidence{Source: SourceHeader, Raw: raw})
}

// ParseRule parses the value of a Content-Usage robots.txt rule, given by
// the robots.txt reader as the text after the colon, and the rule's line.
//
// The value ends at the first "#". If it starts with "/", the path pattern
// runs to the first space or tab and the rest is the preference; otherwise
// the whole value is the preference and the rule has no path. A reader that
// has already split the path may pass "path preference" joined by a space.
// Errors are handled as by ParseHeader.
func ParseRule(value string, line int) (*Usage, error) {
	path, pref := splitRule(value)
	u := &Usage{Source: SourceRobots, Raw: pref, Line: line, Path: path, compiled: compile(path)}
	var err error
	u.Entries, err = parse(pref, line, nil)
	return u, err
}

// splitRule splits a robots.txt value into its optional path and the rest.
func splitRule(value string) (path, rest string) {
	if i := strings.IndexByte(value, '#'); i >= 0 {
		value = value[:i]
	}
	value = trimWS(strings.TrimRight(value, "\r\n"))
	if strings.HasPrefix(value, "/") {
		i := strings.IndexAny(value, " \t")
		if i < 0 {
			return value, ""
		}
		return value[:i], trimWS(value[i:])
	}
	return "", value
}

// parse parses the Content-Usage value s into entries, appended to buf. A
// nil buf is allocated with room for the members a short value has. On
// failure it returns nil entries and a *SyntaxError.
func parse(s string, line int, buf []Entry) ([]Entry, error) {
	if len(s) > MaxValueSize {
		s = s[:MaxValueSize]
	}
	if buf == nil {
		buf = make([]Entry, 0, min(strings.Count(s, ",")+1, 8))
	}
	entries, off, msg := parseDictionary(buf, s)
	if msg != "" {
		return nil, &SyntaxError{Line: line, Offset: off, Value: s, Msg: msg}
	}
	return entries, nil
}

// Get returns the preference stated for label, known or not, and Unknown
// when the label is absent.
func (u *Usage) Get(label string) Preference {
	if u == nil {
		return Unknown
	}
	for _, e := range u.Entries {
		if e.Label == label {
			return e.Preference
		}
	}
	return Unknown
}

// Evidence returns the entry for the vocabulary category that p maps to, if
// the usage states it. Labels the current vocabulary does not define are
// never returned.
func (u *Usage) Evidence(p Purpose) []Evidence {
	if u == nil {
		return nil
	}
	return appendEvidence(nil, p, u.Entries, Evidence{Source: u.Source, Raw: u.Raw, Line: u.Line, Path: u.Path})
}

// appendEvidence appends to dst the entry of entries for the category p
// maps to, if there is one, as evidence with the other fields of stmt.
func appendEvidence(dst []Evidence, p Purpose, entries []Entry, stmt Evidence) []Evidence {
	label := p.label()
	if label == "" {
		return dst
	}
	for _, e := range entries {
		if e.Label == label {
			stmt.Key, stmt.Preference, stmt.Value = e.Label, e.Preference, e.Value
			return append(dst, stmt)
		}
	}
	return dst
}

// Scope returns the rule's path pattern.
func (u *Usage) Scope() string {
	if u == nil {
		return ""
	}
	return u.Path
}

// Scoped is a robots.txt rule with an optional path pattern: a *Usage or a
// *Signal.
type Scoped interface {
	comparable
	// Scope returns the path pattern, or "" for a rule that covers every
	// path.
	Scope() string
}

// Applicable returns the rules of one robots.txt group that apply to the URL
// or path u, as draft-ietf-aipref-attach section 4 selects them: the rules
// whose path pattern matches with the most bytes (robots.txt longest match,
// with "*" and "$" as in Allow and Disallow). Every rule of that length is
// returned, so that conflicting rules with identical paths are all applied
// and combined by Decide. Rules without a path cover every path with the
// lowest specificity: they apply only when no path rule matches.
//
// The caller selects the group as RFC 9309 does, and passes only the rules
// of that group. Preferences apply only to paths the group lets the crawler
// fetch: for a disallowed path the caller must not call Decide with them.
//
// Applicable does not fall back from the longest rule to shorter ones for a
// category the longest rule does not mention: the draft selects a rule, not
// a value per category, so such a category is unknown.
func Applicable[S Scoped](rules []S, u string) []S {
	return AppendApplicable(nil, rules, u)
}

// AppendApplicable appends the rules that Applicable returns to dst and
// returns the extended slice. A caller that keeps dst between calls
// selects rules without allocating.
func AppendApplicable[S Scoped](dst, rules []S, u string) []S {
	var p string // u normalised, once a rule has a path
	normalized := false
	base, best := len(dst), -1
	var zero S
	for _, r := range rules {
		if r == zero {
			continue
		}
		n := -1 // a rule without a path
		if scope := r.Scope(); scope != "" {
			var pt pathpattern.Pattern
			switch r := any(r).(type) {
			case *Usage:
				pt = r.compiled.compiledPattern(scope)
			case *Signal:
				pt = r.compiled.compiledPattern(scope)
			default:
				pt = pathpattern.Compile(scope)
			}
			if !normalized {
				p, normalized = pathpattern.NormalizePath(u), true
			}
			if !pt.Match(p) {
				continue
			}
			n = pt.Length()
		}
		switch {
		case n > best:
			best, dst = n, append(dst[:base], r)
		case n == best:
			dst = append(dst, r)
		}
	}
	return dst
}
