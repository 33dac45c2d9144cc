package noai

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Directive names this package recognises.
const (
	// NoAI reserves the content for AI datasets: text and images.
	NoAI = "noai"
	// NoImageAI reserves the content's images for AI datasets.
	NoImageAI = "noimageai"
	// NoML is a variant of noai found in some tooling; it is read as noai.
	NoML = "noml"
)

// Known reports whether name (in any case) is a directive of this package.
func Known(name string) bool {
	switch strings.ToLower(name) {
	case NoAI, NoImageAI, NoML:
		return true
	}
	return false
}

// Source identifies where a directive was found.
type Source int

// The sources of directives.
const (
	SourceNone   Source = iota
	SourceHeader        // an X-Robots-Tag HTTP response header field
	SourceMeta          // a robots meta element (<meta name="robots">)
)

// String returns "X-Robots-Tag", "meta" or "none".
func (s Source) String() string {
	switch s {
	case SourceHeader:
		return "X-Robots-Tag"
	case SourceMeta:
		return "meta"
	}
	return "none"
}

// Directive is one noai, noimageai or noml directive.
type Directive struct {
	// Name is the directive in lower case: NoAI, NoImageAI or NoML.
	Name string
	// Agent is the crawler the directive is scoped to, as written, or ""
	// for a directive that applies to every crawler.
	Agent  string
	Source Source
	// Raw is the whole header field value or meta content attribute
	// the directive was found in.
	Raw string
}

// MaxValueSize is the longest header field value or content attribute read,
// 16 KiB; the rest of a longer value is ignored.
const MaxValueSize = 16 << 10

// ParseHeader returns the directives of every X-Robots-Tag field of h, in
// field order. Field names are matched case-insensitively, even in a header
// whose keys are not canonical.
func ParseHeader(h http.Header) []Directive {
	var one string // the only spelling of the name, in the usual case
	var keys []string
	for k := range h {
		if strings.EqualFold(k, "X-Robots-Tag") {
			if keys == nil && one == "" {
				one = k
				continue
			}
			if keys == nil {
				keys = append(keys, one)
			}
			keys = append(keys, k)
		}
	}
	if keys == nil {
		if one == "" {
			return nil
		}
		return ParseXRobotsTag(h[one]...)
	}
	slices.Sort(keys)
	var out []Directive
	for _, k := range keys {
		out = append(out, ParseXRobotsTag(h[k]...)...)
	}
	return out
}

// ParseXRobotsTag returns the directives of X-Robots-Tag field values.
//
// Each value is a comma-separated list. An element of the form
// "token: rest", where token is not a directive that takes a value (such as
// max-snippet or unavailable_after), scopes rest and the following elements
// of the same value to the crawler token, until the next such prefix:
// "googlebot: noai, noimageai" scopes both directives to googlebot. Each
// field value starts unscoped. Directive names are case-insensitive, and
// directives separated by spaces instead of commas are accepted.
func ParseXRobotsTag(values ...string) []Directive {
	var out []Directive
	for _, v := range values {
		out = parse(out, SourceHeader, "", v, true)
	}
	return out
}

// ParseMeta returns the directives of a robots meta element with the given
// name and content attribute. A name of "robots" (in any case) makes the
// directives apply to every crawler; any other name is taken as the product
// token of the crawler they are scoped to, as in
// <meta name="googlebot" content="noai">. The caller passes only robots
// elements and those named for crawlers it cares about, not every meta
// element of the document. Content attributes have no agent prefixes: in
// "googlebot: noai" the noai directive is read unscoped, the more
// restrictive reading.
func ParseMeta(name, content string) []Directive {
	agent := strings.TrimSpace(name)
	if strings.EqualFold(agent, "robots") {
		agent = ""
	}
	return parse(nil, SourceMeta, agent, content, false)
}

// valueDirectives are robots directives written "name: value".
var valueDirectives = map[string]bool{
	"unavailable_after": true,
	"max-snippet":       true,
	"max-image-preview": true,
	"max-video-preview": true,
}

// plainDirectives are robots directives without a value; a colon after one
// does not make it an agent prefix.
var plainDirectives = map[string]bool{
	"all": true, "none": true, "noindex": true, "nofollow": true, "noarchive": true,
	"nocache": true, "nosnippet": true, "notranslate": true, "noimageindex": true,
	"indexifembedded": true, "noodp": true, "noydir": true,
	NoAI: true, NoImageAI: true, NoML: true,
}

func parse(out []Directive, src Source, agent, value string, prefixes bool) []Directive {
	raw := value
	if len(value) > MaxValueSize {
		value = value[:MaxValueSize]
	}
	if !mayHold(value) {
		return out
	}
	for elem := range strings.SplitSeq(value, ",") {
		elem = strings.TrimSpace(elem)
		if prefixes {
			if name, rest, ok := strings.Cut(elem, ":"); ok {
				name = strings.TrimSpace(name)
				lower := strings.ToLower(name)
				switch {
				case valueDirectives[lower]:
					continue
				case plainDirectives[lower]:
					elem = name
				case isToken(name):
					agent, elem = name, strings.TrimSpace(rest)
				default:
					continue
				}
			}
		}
		for word := range strings.FieldsSeq(elem) {
			if Known(word) {
				out = append(out, Directive{Name: strings.ToLower(word), Agent: agent, Source: src, Raw: raw})
			}
		}
	}
	return out
}

// mayHold reports whether value may hold a directive of this package. A
// value of ASCII text holds none unless it contains noai, noml or
// noimageai in some case; a value with other bytes may, because
// strings.ToLower maps some non-ASCII letters (such as U+0130) to ASCII.
func mayHold(value string) bool {
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if c|0x20 == 'n' && (hasFoldPrefix(value[i:], NoAI) || hasFoldPrefix(value[i:], NoML) || hasFoldPrefix(value[i:], NoImageAI)) {
			return true
		}
	}
	return false
}

// hasFoldPrefix reports whether s starts with the lower-case ASCII word
// name in any case.
func hasFoldPrefix(s, name string) bool {
	if len(s) < len(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if s[i]|0x20 != name[i] {
			return false
		}
	}
	return true
}

// isToken reports whether s can be a crawler name: a non-empty run of
// letters, digits and "-_./" (real AI crawler names contain digits and
// dots, such as AI2Bot or quillbot.com).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_./", c) >= 0) {
			return false
		}
	}
	return true
}

// Reservation says which content the directives reserve for a crawler.
type Reservation struct {
	// Text reports a noai or noml directive: the content may not be used
	// in AI datasets.
	Text bool
	// Images reports a noai, noml or noimageai directive: the content's
	// images may not be used in AI datasets.
	Images bool
	// Evidence lists the directives that apply, in input order.
	Evidence []Directive
}

// Reserved returns the reservation that the directives make for the crawler
// with the product token agent. Directives without an agent apply to every
// crawler; scoped directives apply when their agent equals agent,
// case-insensitively. Unscoped and scoped directives add up: a scoped
// directive never lifts an unscoped one. With an empty agent only unscoped
// directives apply.
//
// Pass a product token (GPTBot, CCBot), never a full User-Agent header.
func Reserved(dirs []Directive, agent string) Reservation {
	var r Reservation
	for _, d := range dirs {
		if d.Agent != "" && (agent == "" || !strings.EqualFold(d.Agent, agent)) {
			continue
		}
		switch d.Name {
		case NoAI, NoML:
			r.Text, r.Images = true, true
		case NoImageAI:
			r.Images = true
		default:
			continue
		}
		r.Evidence = append(r.Evidence, d)
	}
	return r
}
