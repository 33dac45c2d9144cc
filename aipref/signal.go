package aipref

import "strings"

// Content-Signal keys defined by the Content Signals Policy.
const (
	// SignalSearch is building a search index and showing results (links
	// and short excerpts), excluding AI-generated summaries.
	SignalSearch = "search"
	// SignalAIInput is feeding content into AI models at answer time
	// (retrieval-augmented generation, grounding, generative answers).
	SignalAIInput = "ai-input"
	// SignalAITrain is training or fine-tuning AI models.
	SignalAITrain = "ai-train"
)

// SignalEntry is one key=value element of a Content-Signal line.
type SignalEntry struct {
	Key        string     // as written
	Value      string     // as written
	Preference Preference // Allow for yes, Disallow for no, else Unknown
}

// Signal is a parsed Content-Signal robots.txt line, such as
// "search=yes, ai-input=yes, ai-train=no".
//
// A signal that is absent neither grants nor restricts. The policy states
// that restrictions are express reservations under Article 4 of Directive
// (EU) 2019/790. A Content-Signal line does not change crawl permission.
type Signal struct {
	Raw     string // the value after any path
	Entries []SignalEntry
	Line    int    // robots.txt line, or 0
	Path    string // path pattern, or "" (see ParseSignal)

	compiled *compiled // Path, compiled by ParseSignal
}

// ParseSignal parses the value of a Content-Signal robots.txt line and the
// line's number. The policy leaves much unspecified, and ParseSignal is
// lenient about it:
//   - keys and the values yes and no are matched case-insensitively;
//   - the value ends at the first "#", and elements are separated by commas
//     with optional spaces and tabs around them and around "=";
//   - keys other than search, ai-input and ai-train (such as use=) are kept
//     with an Unknown preference, as are values other than yes and no;
//   - a key repeated on one line is kept twice and combined like separate
//     lines, most restrictively;
//   - a value starting with "/" is read as a path pattern followed by the
//     signals, like a Content-Usage rule (the policy does not define path
//     scoping; no known publisher uses it).
//
// An element without "=" or with an empty key is skipped; ParseSignal then
// returns the Signal with the other elements and a *SyntaxError for the first
// such element. The Signal is never nil.
func ParseSignal(value string, line int) (*Signal, error) {
	path, rest := splitRule(value)
	if len(rest) > MaxValueSize {
		rest = rest[:MaxValueSize]
	}
	s := &Signal{Raw: rest, Line: line, Path: path, compiled: compile(path)}
	var err error
	off := 0
	for elem := range strings.SplitSeq(rest, ",") {
		start := off
		off += len(elem) + 1
		if trimWS(elem) == "" {
			continue
		}
		k, v, ok := strings.Cut(elem, "=")
		k, v = trimWS(k), trimWS(v)
		if !ok || k == "" {
			if err == nil {
				err = &SyntaxError{Line: line, Offset: start, Value: rest, Msg: "element without key=value"}
			}
			continue
		}
		e := SignalEntry{Key: k, Value: v}
		switch strings.ToLower(v) {
		case "yes":
			e.Preference = Allow
		case "no":
			e.Preference = Disallow
		}
		s.Entries = append(s.Entries, e)
	}
	return s, err
}

// Get returns the combined preference for a signal key (search, ai-input,
// ai-train; case-insensitive), or Unknown when it is absent.
func (s *Signal) Get(key string) Preference {
	if s == nil {
		return Unknown
	}
	p := Unknown
	for _, e := range s.Entries {
		if strings.EqualFold(e.Key, key) {
			p = Combine(p, e.Preference)
		}
	}
	return p
}

// Evidence returns the entries for the signal key that p maps to.
func (s *Signal) Evidence(p Purpose) []Evidence {
	key := p.signal()
	if s == nil || key == "" {
		return nil
	}
	var out []Evidence
	for _, e := range s.Entries {
		if strings.EqualFold(e.Key, key) {
			out = append(out, Evidence{
				Source:     SourceContentSignal,
				Key:        e.Key,
				Preference: e.Preference,
				Value:      e.Value,
				Raw:        s.Raw,
				Line:       s.Line,
				Path:       s.Path,
			})
		}
	}
	return out
}

// Scope returns the line's path pattern.
func (s *Signal) Scope() string {
	if s == nil {
		return ""
	}
	return s.Path
}
