package tdmrep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/gpai-project/gpai/internal/pathpattern"
	"io"
)

// MaxFileSize is the number of bytes of a tdmrep.json file that ParseFile
// reads: 512 KiB, the size robots.txt parsers must at least accept
// (RFC 9309). Rules that end past the limit are dropped and the File is
// marked Truncated; rules before it are kept, since the first matching rule
// wins and the earlier rules are the narrower ones.
const MaxFileSize = 512 << 10

// A Rule is one object of a tdmrep.json array.
type Rule struct {
	// Index is the 0-based position of the object in the array.
	Index int
	// Line is the 1-based line on which the object starts.
	Line int

	// Location is the path pattern as written.
	Location string
	// Reservation is the parsed tdm-reservation member; Unset when it is
	// missing or is anything but the JSON number 0 or 1.
	Reservation Reservation
	// Raw is the JSON text of the tdm-reservation member, or "" when the
	// member is missing.
	Raw string
	// Policy is the tdm-policy member, or "" when missing or not a string.
	Policy string

	pattern pathpattern.Pattern
}

// A File is a parsed /.well-known/tdmrep.json.
type File struct {
	// Rules holds the usable rules in array order.
	Rules []Rule
	// Errors lists the problems that made ParseFile skip an entry or
	// ignore a member's value; each is an *Error.
	Errors []error
	// Truncated reports that the input was longer than MaxFileSize.
	Truncated bool
}

// Error is a problem in a tdmrep.json file.
type Error struct {
	Line  int // 1-based line, or 0 if unknown
	Index int // 0-based array index of the entry, or -1 for the whole file
	Msg   string
	Err   error // underlying error, if any
}

// Error returns a message of the form "tdmrep: line 3: entry 1: ...".
func (e *Error) Error() string {
	s := "tdmrep: "
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Index >= 0 {
		s += fmt.Sprintf("entry %d: ", e.Index)
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ErrNotArray is wrapped by the error ParseFile returns when the file's
// top-level value is not a JSON array; the specification makes the brackets
// mandatory even for a single rule.
var ErrNotArray = errors.New("top-level value is not an array")

// ParseFile parses a /.well-known/tdmrep.json file. It reads at most
// MaxFileSize bytes of r.
//
// ParseFile returns an *Error when r does not hold a JSON array (invalid
// JSON, or an object or other value at the top level). The caller should
// then treat the site as not implementing the protocol: tdm-reservation is
// unset for every URL. A UTF-8 byte order mark is skipped.
//
// Inside a valid array ParseFile is lenient. An entry that is not an object,
// or whose location is missing, empty or not a string, cannot match any URL
// and is skipped. An entry whose tdm-reservation is missing or is anything
// but the number 0 or 1 is kept with an Unset reservation: it still matches,
// and as the first match it leaves the URL unset. Every such problem is
// recorded in File.Errors.
func ParseFile(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("tdmrep: read: %w", err)
	}
	f := new(File)
	if len(data) > MaxFileSize {
		data = data[:MaxFileSize]
		f.Truncated = true
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	lines := lineCounter{data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, &Error{Line: lines.at(errOffset(dec, 0, data, err)), Index: -1, Msg: "invalid JSON", Err: syntaxErr(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &Error{Line: 1, Index: -1, Msg: "invalid file", Err: ErrNotArray}
	}
	for i := 0; ; i++ {
		if !dec.More() {
			break
		}
		var raw json.RawMessage
		base := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			if f.Truncated {
				return f, nil
			}
			return nil, &Error{Line: lines.at(errOffset(dec, base, data, err)), Index: i, Msg: "invalid JSON", Err: syntaxErr(err)}
		}
		start := int(dec.InputOffset()) - len(raw)
		if rule, ok := f.parseRule(raw, i, lines.at(start)); ok {
			f.Rules = append(f.Rules, rule)
		}
	}
	base := dec.InputOffset()
	if _, err := dec.Token(); err != nil && !f.Truncated {
		return nil, &Error{Line: lines.at(errOffset(dec, base, data, err)), Index: -1, Msg: "invalid JSON", Err: syntaxErr(err)}
	}
	if !f.Truncated {
		// Anything but whitespace after the array makes the file invalid.
		if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
			return nil, &Error{Line: lines.at(int(dec.InputOffset())), Index: -1, Msg: "invalid JSON: data after the array"}
		}
	}
	return f, nil
}

// errOffset returns the byte offset at which a decoding error occurred.
// base is the decoder's input offset before the failed call: a
// json.Decoder reports syntax errors relative to the value it was reading.
func errOffset(dec *json.Decoder, base int64, data []byte, err error) int {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return int(base + se.Offset)
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return len(data)
	}
	return int(dec.InputOffset())
}

func syntaxErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (f *File) parseRule(raw json.RawMessage, index, line int) (Rule, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: "not an object; entry skipped"})
		return Rule{}, false
	}
	rule := Rule{Index: index, Line: line}
	loc, ok := obj["location"]
	if !ok {
		f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: "missing location; entry skipped"})
		return Rule{}, false
	}
	if err := json.Unmarshal(loc, &rule.Location); err != nil || rule.Location == "" {
		f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: fmt.Sprintf("location %s is not a non-empty string; entry skipped", loc)})
		return Rule{}, false
	}
	if c := rule.Location[0]; c != '/' && c != '*' {
		f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: fmt.Sprintf("location %q does not start with / or *; it matches no path", rule.Location)})
	}
	rule.pattern = pathpattern.Compile(rule.Location)

	if v, ok := obj["tdm-reservation"]; ok {
		rule.Raw = string(v)
		switch string(v) {
		case "1":
			rule.Reservation = Reserved
		case "0":
			rule.Reservation = NotReserved
		default:
			f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: fmt.Sprintf("tdm-reservation %s is not 0 or 1; treated as unset", v)})
		}
	} else {
		f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: "missing tdm-reservation; treated as unset"})
	}
	if v, ok := obj["tdm-policy"]; ok {
		if err := json.Unmarshal(v, &rule.Policy); err != nil {
			f.Errors = append(f.Errors, &Error{Line: line, Index: index, Msg: fmt.Sprintf("tdm-policy %s is not a string; ignored", v)})
		}
		rule.Policy = trim(rule.Policy)
	}
	return rule, true
}

// Match returns the first rule, in array order, whose location matches the
// URL or path u, and reports whether there was one. Match does not look for
// the longest or most specific location: the specification makes the first
// match win, so publishers must list narrow rules first.
//
// u may be a path with an optional query ("/a/b?c=d") or a full URL, whose
// scheme and authority are ignored. A fragment is ignored. Matching is
// case-sensitive; percent-encoded unreserved characters are decoded and
// non-ASCII bytes are percent-encoded on both sides before comparison.
// Match on a nil File returns false.
func (f *File) Match(u string) (*Rule, bool) {
	if f == nil || len(f.Rules) == 0 {
		return nil, false
	}
	p := pathpattern.NormalizePath(u)
	for i := range f.Rules {
		if f.Rules[i].pattern.Match(p) {
			return &f.Rules[i], true
		}
	}
	return nil, false
}

// Lookup returns the statement the file makes about the URL or path u: the
// properties of the first matching rule, or an empty statement when no rule
// matches. The statement's Source is SourceWellKnown even when f is nil.
func (f *File) Lookup(u string) Statement {
	s := Statement{Source: SourceWellKnown}
	r, ok := f.Match(u)
	if !ok {
		return s
	}
	s.Reservation = r.Reservation
	s.Raw = r.Raw
	s.Policy = r.Policy
	s.Rule = r
	return s
}

// lineCounter maps byte offsets to line numbers, scanning forward only.
type lineCounter struct {
	data []byte
	off  int // offset counted so far
	line int // newlines before off
}

func (c *lineCounter) at(off int) int {
	off = min(max(off, 0), len(c.data))
	if off < c.off {
		c.off, c.line = 0, 0
	}
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line + 1
}
