package tdmrep

import (
	"net/http"
	"slices"
	"strings"
)

// Reservation is the state of the tdm-reservation property.
type Reservation int

// The states of the tdm-reservation property. The zero value is Unset.
const (
	// Unset means the protocol expresses nothing: the property is absent
	// or its value is invalid (the specification requires an agent to
	// treat an invalid value as unset).
	Unset Reservation = iota
	// NotReserved is the value 0: mining is allowed without contacting
	// the rightsholder.
	NotReserved
	// Reserved is the value 1: text and data mining rights are reserved.
	Reserved
)

// String returns "unset", "0" or "1".
func (r Reservation) String() string {
	switch r {
	case NotReserved:
		return "0"
	case Reserved:
		return "1"
	}
	return "unset"
}

// Source identifies where a statement was found. Sources are ordered by the
// protocol's processing priority: a higher Source supersedes a lower one.
type Source int

// The sources of TDMRep statements, in processing order.
const (
	SourceNone      Source = iota
	SourceWellKnown        // /.well-known/tdmrep.json
	SourceHeader           // tdm-reservation and tdm-policy HTTP response header fields
	SourceHTML             // <meta name="tdm-reservation"> and <meta name="tdm-policy">
	SourceEmbedded         // EPUB package metadata or a PDF XMP packet
)

var sourceNames = [...]string{"none", "tdmrep.json", "header", "html", "embedded"}

// String returns a short lower-case name for the source.
func (s Source) String() string {
	if s < 0 || int(s) >= len(sourceNames) {
		return "unknown"
	}
	return sourceNames[s]
}

// Header field and meta element names used by the protocol.
const (
	HeaderReservation = "Tdm-Reservation"
	HeaderPolicy      = "Tdm-Policy"
	MetaReservation   = "tdm-reservation"
	MetaPolicy        = "tdm-policy"
)

// A Statement is what one source says about one resource.
type Statement struct {
	Source Source

	// Reservation is the parsed tdm-reservation property; Unset when it is
	// absent or invalid.
	Reservation Reservation

	// Raw is the tdm-reservation value exactly as found: the header field
	// values joined with ", ", the meta content attributes joined with
	// ", ", or the JSON text of a tdmrep.json rule's value. Raw is empty
	// when the property is absent; a non-empty Raw with an Unset
	// Reservation is a protocol error in the publisher's statement.
	Raw string

	// Policy is the tdm-policy URL, trimmed of surrounding whitespace, or
	// "" when absent. The specification says a policy that accompanies
	// tdm-reservation 0 should not be processed.
	Policy string

	// Rule is the matching rule of a tdmrep.json file, for statements
	// from SourceWellKnown, and nil otherwise.
	Rule *Rule
}

// ParseReservation parses a tdm-reservation value. Surrounding whitespace is
// ignored. It returns Unset and false for anything but "0" and "1".
func ParseReservation(v string) (Reservation, bool) {
	switch trim(v) {
	case "1":
		return Reserved, true
	case "0":
		return NotReserved, true
	}
	return Unset, false
}

// ParseHeader returns the statement made by the tdm-reservation and
// tdm-policy fields of an HTTP response header. Field names are matched
// case-insensitively, even in a header whose keys are not canonical.
//
// The specification does not address repeated fields. ParseHeader reads
// every field line and every comma-separated element: if all elements agree
// the value is used, and if they disagree (for example "1, 0") the
// reservation is Unset. Repeated tdm-policy fields keep the first non-empty
// value.
func ParseHeader(h http.Header) Statement {
	return ParseHeaderValues(headerValues(h, HeaderReservation), headerValues(h, HeaderPolicy))
}

// ParseHeaderValues returns the statement made by the values of the
// tdm-reservation and tdm-policy header fields, every field line of each
// in order, as ParseHeader reads them. It serves a caller that has already
// found the fields in a header.
func ParseHeaderValues(reservation, policy []string) Statement {
	return parseValues(SourceHeader, reservation, policy)
}

// ParseMeta returns the statement made by an HTML document's meta elements.
// reservation and policy are the content attributes of every
// <meta name="tdm-reservation"> and <meta name="tdm-policy"> element, in
// document order. Repeated elements are treated like repeated header fields.
// The statement applies to the HTML document only, not to the images and
// other media it references.
func ParseMeta(reservation, policy []string) Statement {
	return parseValues(SourceHTML, reservation, policy)
}

// ParseEmbedded returns the statement made by EPUB package metadata
// (tdm:reservation and tdm:policy) or a PDF's XMP packet. The caller extracts
// the values; this package does not read EPUB or PDF files.
func ParseEmbedded(reservation, policy []string) Statement {
	return parseValues(SourceEmbedded, reservation, policy)
}

func parseValues(src Source, reservation, policy []string) Statement {
	s := Statement{Source: src}
	if len(reservation) > 0 {
		s.Raw = strings.Join(reservation, ", ")
		s.Reservation = parseList(reservation)
	}
	for _, p := range policy {
		if p = trim(p); p != "" {
			s.Policy = p
			break
		}
	}
	return s
}

// parseList parses one or more field values, each possibly a
// comma-separated list, and returns their common value or Unset.
func parseList(values []string) Reservation {
	res, seen := Unset, false
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			r, ok := ParseReservation(elem)
			if !ok || (seen && r != res) {
				return Unset
			}
			res, seen = r, true
		}
	}
	return res
}

func headerValues(h http.Header, name string) []string {
	out := h[name]
	// A raw header map built from a WARC record may hold non-canonical
	// spellings; collect them too, in a deterministic order.
	var keys []string
	for k := range h {
		if k != name && strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return out
	}
	slices.Sort(keys)
	out = slices.Clone(out)
	for _, k := range keys {
		out = append(out, h[k]...)
	}
	return out
}

// trim removes surrounding HTTP optional whitespace and HTML whitespace.
func trim(s string) string {
	return strings.Trim(s, " \t\r\n\f")
}

// Result is the TDMRep state in force for a resource.
type Result struct {
	Reservation Reservation
	Policy      string

	// From is the statement that set Reservation; its Source is SourceNone
	// when Reservation is Unset.
	From Statement

	// PolicyFrom is the statement that set Policy; its Source is
	// SourceNone when Policy is "".
	PolicyFrom Statement
}

// Resolve combines the statements known for one resource following the
// protocol's processing priority: the well-known file, then the HTTP header,
// then HTML meta elements, then EPUB or PDF metadata. Statements are applied
// in order of their Source whatever the order of the arguments; statements
// with the same Source are applied in argument order.
//
// A statement supersedes earlier values only for the properties it sets:
// the absence of a property, or an invalid value (which the specification
// requires to be treated as unset), leaves the value already found in force.
// So a policy from tdmrep.json survives a header that only sets the
// reservation.
func Resolve(stmts ...Statement) Result {
	bySource := func(a, b Statement) int { return int(a.Source) - int(b.Source) }
	ordered := stmts
	if !slices.IsSortedFunc(stmts, bySource) {
		ordered = slices.Clone(stmts)
		slices.SortStableFunc(ordered, bySource)
	}
	var r Result
	for _, s := range ordered {
		if s.Reservation != Unset {
			r.Reservation = s.Reservation
			r.From = s
		}
		if s.Policy != "" {
			r.Policy = s.Policy
			r.PolicyFrom = s
		}
	}
	return r
}
