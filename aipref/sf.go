package aipref

import (
	"strings"
	"unicode/utf8"
)

// This file holds a validating parser for RFC 9651 Structured Field
// Dictionaries. It keeps what the vocabulary needs (each member's key,
// whether its value is the bare Token y or n, and the member's text) and
// checks everything else only for syntax, because a syntax error anywhere
// makes the whole field unknown.

type sfParser struct {
	s   string
	pos int
}

// maxLinear is the number of members up to which parseDictionary finds a
// repeated key by comparing it with each earlier one.
const maxLinear = 16

// parseDictionary parses s as an SF Dictionary and appends its members to
// dst as entries: each member's key, Allow or Disallow for the Tokens y
// and n, and its value and parameters as written. A repeated key replaces
// the earlier member (RFC 9651 s.4.2.2) but keeps its position. On failure
// it returns dst unchanged, the offset of the error and a message.
func parseDictionary(dst []Entry, s string) ([]Entry, int, string) {
	p := &sfParser{s: s}
	p.skipSP()
	base := len(dst)
	var index map[string]int // beyond maxLinear members
	for p.pos < len(p.s) {
		key, msg := p.key()
		if msg != "" {
			return dst[:base], p.pos, msg
		}
		start := p.pos
		e := Entry{Label: key}
		if p.peek() == '=' {
			p.pos++
			start = p.pos
			if p.peek() == '(' {
				if msg := p.innerList(); msg != "" {
					return dst[:base], p.pos, msg
				}
			} else {
				tok, msg := p.bareItem()
				if msg != "" {
					return dst[:base], p.pos, msg
				}
				switch tok {
				case "y":
					e.Preference = Allow
				case "n":
					e.Preference = Disallow
				}
			}
		}
		if msg := p.parameters(); msg != "" {
			return dst[:base], p.pos, msg
		}
		e.Value = p.s[start:p.pos]
		if i := find(dst[base:], index, key); i >= 0 {
			dst[base+i] = e
		} else {
			if index == nil && len(dst)-base == maxLinear {
				index = make(map[string]int, 2*maxLinear)
				for i, e := range dst[base:] {
					index[e.Label] = i
				}
			}
			if index != nil {
				index[key] = len(dst) - base
			}
			dst = append(dst, e)
		}
		p.skipOWS()
		if p.pos >= len(p.s) {
			break
		}
		if p.s[p.pos] != ',' {
			return dst[:base], p.pos, "expected comma after member"
		}
		p.pos++
		p.skipOWS()
		if p.pos >= len(p.s) {
			return dst[:base], p.pos, "trailing comma"
		}
	}
	return dst, 0, ""
}

// find returns the index of the entry labelled key, or -1.
func find(entries []Entry, index map[string]int, key string) int {
	if index != nil {
		if i, ok := index[key]; ok {
			return i
		}
		return -1
	}
	for i := range entries {
		if entries[i].Label == key {
			return i
		}
	}
	return -1
}

func (p *sfParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *sfParser) skipSP() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *sfParser) skipOWS() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func isLCAlpha(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool   { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool   { return '0' <= c && c <= '9' }

// key parses an SF key: (lcalpha / "*") *(lcalpha / DIGIT / "_" / "-" / "." / "*").
func (p *sfParser) key() (string, string) {
	start := p.pos
	if c := p.peek(); !isLCAlpha(c) && c != '*' {
		return "", "key must start with a lower-case letter or *"
	}
	p.pos++
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if !isLCAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*' {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos], ""
}

func (p *sfParser) parameters() string {
	for p.peek() == ';' {
		p.pos++
		p.skipSP()
		if _, msg := p.key(); msg != "" {
			return msg
		}
		if p.peek() == '=' {
			p.pos++
			if _, msg := p.bareItem(); msg != "" {
				return msg
			}
		}
	}
	return ""
}

func (p *sfParser) innerList() string {
	p.pos++ // '('
	for p.pos < len(p.s) {
		p.skipSP()
		if p.peek() == ')' {
			p.pos++
			return p.parameters()
		}
		if _, msg := p.bareItem(); msg != "" {
			return msg
		}
		if msg := p.parameters(); msg != "" {
			return msg
		}
		if c := p.peek(); c != ' ' && c != ')' {
			return "expected space or ) in inner list"
		}
	}
	return "unterminated inner list"
}

// bareItem parses a bare item and returns its text if it is a Token.
func (p *sfParser) bareItem() (string, string) {
	c := p.peek()
	switch {
	case c == '-' || isDigit(c):
		return "", p.number(false)
	case c == '"':
		return "", p.str()
	case c == '*' || isAlpha(c):
		return p.token(), ""
	case c == ':':
		return "", p.bytes()
	case c == '?':
		p.pos++
		if c := p.peek(); c != '0' && c != '1' {
			return "", "invalid boolean"
		}
		p.pos++
		return "", ""
	case c == '@':
		p.pos++
		return "", p.number(true)
	case c == '%':
		return "", p.displayString()
	case p.pos >= len(p.s):
		return "", "missing value"
	}
	return "", "invalid value"
}

func (p *sfParser) number(integerOnly bool) string {
	if p.peek() == '-' {
		p.pos++
	}
	if !isDigit(p.peek()) {
		return "invalid number"
	}
	digits, decimal, intDigits := 0, false, 0
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if isDigit(c) {
			digits++
		} else if c == '.' && !decimal && !integerOnly {
			if digits > 12 {
				return "decimal too long"
			}
			decimal, intDigits = true, digits
		} else {
			break
		}
		p.pos++
		if !decimal && digits > 15 || decimal && digits > 15 {
			return "number too long"
		}
	}
	if decimal {
		if p.s[p.pos-1] == '.' {
			return "decimal ends with a dot"
		}
		if digits-intDigits > 3 {
			return "decimal has too many fractional digits"
		}
	}
	return ""
}

func (p *sfParser) str() string {
	p.pos++ // '"'
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == '\\':
			if c := p.peek(); c != '"' && c != '\\' {
				return "invalid escape in string"
			}
			p.pos++
		case c == '"':
			return ""
		case c < 0x20 || c > 0x7e:
			return "invalid character in string"
		}
	}
	return "unterminated string"
}

func (p *sfParser) token() string {
	start := p.pos
	p.pos++
	for p.pos < len(p.s) && (isTChar(p.s[p.pos]) || p.s[p.pos] == ':' || p.s[p.pos] == '/') {
		p.pos++
	}
	return p.s[start:p.pos]
}

func isTChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *sfParser) bytes() string {
	p.pos++ // ':'
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		if c == ':' {
			return ""
		}
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			return "invalid character in byte sequence"
		}
	}
	return "unterminated byte sequence"
}

func (p *sfParser) displayString() string {
	p.pos++ // '%'
	if p.peek() != '"' {
		return "display string must start with %\""
	}
	p.pos++
	var buf []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c < 0x20 || c > 0x7e:
			return "invalid character in display string"
		case c == '%':
			if p.pos+2 > len(p.s) || !isLowerHex(p.s[p.pos]) || !isLowerHex(p.s[p.pos+1]) {
				return "invalid percent-encoding in display string"
			}
			buf = append(buf, unhexLower(p.s[p.pos])<<4|unhexLower(p.s[p.pos+1]))
			p.pos += 2
		case c == '"':
			if !utf8.Valid(buf) {
				return "display string is not UTF-8"
			}
			return ""
		default:
			buf = append(buf, c)
		}
	}
	return "unterminated display string"
}

func isLowerHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' }

func unhexLower(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c - 'a' + 10
}
