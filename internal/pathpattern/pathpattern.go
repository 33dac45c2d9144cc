// Package pathpattern implements the robots.txt path-pattern language that
// TDMRep location rules and the IETF AI-preference robots.txt rule reuse
// (RFC 9309 §2.2.3): patterns are anchored at the start of the path, "*"
// matches any sequence of characters, a final "$" anchors the end, and a
// literal "*" or "$" is written %2A or %24. Matching is case-sensitive.
// Before comparison both sides are normalised: bytes outside US-ASCII are
// percent-encoded, hex digits are upper-cased, and percent-encoded
// unreserved characters are decoded; reserved characters stay as they are.
//
// It is internal: the leaf packages that need it share this one copy.
package pathpattern

import "strings"

// Pattern is a normalised path pattern.
type Pattern struct {
	text     string // normalised pattern without the end anchor
	anchored bool   // pattern ended in "$"
	wild     bool   // text contains "*"
	length   int    // length in bytes of the normalised pattern, with "$"
}

// Compile normalises the pattern s.
func Compile(s string) Pattern {
	anchored := strings.HasSuffix(s, "$")
	if anchored {
		s = s[:len(s)-1]
	}
	// A "$" elsewhere is a literal and compares equal to %24 in a path.
	text := normalize(s, false)
	n := len(text)
	if anchored {
		n++
	}
	return Pattern{text: text, anchored: anchored, wild: strings.IndexByte(text, '*') >= 0, length: n}
}

// Match reports whether the normalised path p matches the pattern.
func (pt Pattern) Match(p string) bool {
	if !pt.wild {
		if pt.anchored {
			return p == pt.text
		}
		return strings.HasPrefix(p, pt.text)
	}
	// Position-set walk, linear in len(pattern) x len(path), as in
	// Google's robots.txt matcher: pos holds the path offsets reachable
	// after the pattern bytes consumed so far.
	var buf [128]int
	pos := buf[:0]
	if len(p)+1 > len(buf) {
		pos = make([]int, 0, len(p)+1)
	}
	pos = append(pos, 0)
	for i := 0; i < len(pt.text); i++ {
		c := pt.text[i]
		if c == '*' {
			first := pos[0]
			pos = pos[:0]
			for j := first; j <= len(p); j++ {
				pos = append(pos, j)
			}
			continue
		}
		n := 0
		for _, at := range pos {
			if at < len(p) && p[at] == c {
				pos[n] = at + 1
				n++
			}
		}
		pos = pos[:n]
		if n == 0 {
			return false
		}
	}
	if pt.anchored {
		return pos[len(pos)-1] == len(p)
	}
	return true
}

// NormalizePath reduces a URL or path to its normalised path and query.
// A full URL loses its scheme and authority, a fragment is dropped, and an
// empty path becomes "/". Raw "*" and "$" are encoded as %2A and %24 so that
// they compare equal to the literal forms a pattern must use.
func NormalizePath(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if !strings.HasPrefix(u, "/") {
		// byte loops: strings.IndexAny and ContainsAny build a set on
		// every call, which cost more than scanning a scheme and a host
		if i := strings.Index(u, "://"); i >= 0 && indexSep(u[:i], false) < 0 {
			rest := u[i+3:]
			j := indexSep(rest, true)
			if j < 0 {
				rest = "/"
			} else {
				rest = rest[j:]
			}
			u = rest
		}
		if !strings.HasPrefix(u, "/") {
			u = "/" + u
		}
	}
	return normalize(u, true)
}

// indexSep returns the index of the first '/' or '?' in s, or also ';'
// if semicolon, or -1.
func indexSep(s string, semicolon bool) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '?' || semicolon && c == ';' {
			return i
		}
	}
	return -1
}

// normalize percent-encodes non-ASCII bytes and controls, upper-cases
// percent-encoding hex digits and decodes encoded unreserved characters.
// When path is true, "*" and "$" are encoded too.
func normalize(s string, path bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c >= 0x7f || c <= ' ' || (path && (c == '*' || c == '$')) || (!path && c == '$') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if unreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
		case c >= 0x7f || c <= ' ' || c == '$' || (path && c == '*'):
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// Length returns the length in bytes of the normalised pattern, counting a
// final "$", for longest-match precedence.
func (pt Pattern) Length() int { return pt.length }
