package cdx

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The fast path.
//
// Nearly every line of a Common Crawl index has the same shape: a JSON
// object whose values are all strings, written with exactly ": " after
// each key and ", " between fields, with no escapes and nothing after the
// closing brace:
//
//	{"url": "https://example.com/", "mime": "text/html", ..., "languages": "eng"}
//
// fastJSON recognises exactly that shape and extracts the fields in one
// pass, without the general scanner's bookkeeping (escapes, white space,
// scalars, nesting). When the object has no backslash, a quote always
// delimits a string, so the shape can be checked quote by quote: every
// string's closing quote is the next quote. Anything else (an escape, a
// scalar value, other spacing, trailing bytes, a truncated or malformed
// object) makes fastJSON give up before it has changed rec, and parseJSON
// decides. On the objects it accepts, fastJSON sets the fields exactly as
// parseJSON does: the object is then valid JSON for parseJSON too, and the
// fields are applied in the same order with the same rules (later
// duplicates win, "offset" and "status" keep their previous value when
// not a number); TestFastPath and FuzzFastPath check this.

const (
	colonSep = uint32('"') | uint32(':')<<8 | uint32(' ')<<16 | uint32('"')<<24 // `": "`
	commaSep = uint32('"') | uint32(',')<<8 | uint32(' ')<<16 | uint32('"')<<24 // `", "`
)

// nextQuote returns the index of the first quote in js at or after i, or
// -1. Short strings are searched a word at a time; long ones with
// bytes.IndexByte.
func nextQuote(js []byte, i int) int {
	if i+16 <= len(js) {
		w := binary.LittleEndian.Uint64(js[i:])
		if q := zeroBytes(w ^ quote8); q != 0 {
			return i + bits.TrailingZeros64(q)>>3
		}
		w = binary.LittleEndian.Uint64(js[i+8:])
		if q := zeroBytes(w ^ quote8); q != 0 {
			return i + 8 + bits.TrailingZeros64(q)>>3
		}
		i += 16
	}
	if i > len(js) {
		return -1
	}
	q := bytes.IndexByte(js[i:], '"')
	if q < 0 {
		return -1
	}
	return i + q
}

// Field identifiers of the keys the fast path knows.
const (
	fOther uint8 = iota
	fURL
	fMIME
	fLength
	fOffset
	fStatus
	fFilename
)

// A knownKey is a key of Common Crawl's index followed by `": "`, matched
// as one or two words: the first (masked when shorter than a word) and the
// last word of it.
type knownKey struct {
	w1, mask uint64
	w2       uint64 // the last 8 bytes, if n > 8
	n        int    // length of key + `": "`
	field    uint8
	long     bool  // the value is usually long: search it with bytes.IndexByte
	next     uint8 // the key that usually follows, as an index in knownKeys
}

// knownKeys are the keys of Common Crawl's index, in their usual order;
// knownKeys[0] is a sentinel that matches nothing. keyByFirst gives, for a
// first byte, the first of them that starts with it.
var knownKeys, keyByFirst = func() (t [13]knownKey, first [256]uint8) {
	keys := []struct {
		name  string
		field uint8
		long  bool
	}{
		{"url", fURL, true}, {"mime", fMIME, false}, {"mime-detected", fOther, false},
		{"status", fStatus, false}, {"digest", fOther, true}, {"length", fLength, false},
		{"offset", fOffset, false}, {"filename", fFilename, true}, {"charset", fOther, false},
		{"languages", fOther, false}, {"redirect", fOther, true}, {"truncated", fOther, false},
	}
	t[0] = knownKey{w1: 1} // mask 0: never matches
	for i, k := range keys {
		p := []byte(k.name + `": "`)
		e := knownKey{n: len(p), field: k.field, long: k.long, mask: ^uint64(0)}
		var b [8]byte
		copy(b[:], p)
		e.w1 = binary.LittleEndian.Uint64(b[:])
		if len(p) < 8 {
			e.mask = 1<<(8*len(p)) - 1
		}
		if len(p) > 8 {
			e.w2 = binary.LittleEndian.Uint64(p[len(p)-8:])
		}
		// the usual successor: the next key up to "languages", which
		// ends the lines of text captures (redirects end with "redirect")
		if k.name != "languages" && k.name != "redirect" && k.name != "truncated" {
			e.next = uint8(i + 2)
		}
		t[i+1] = e
		if first[p[0]] == 0 {
			first[p[0]] = uint8(i + 1)
		}
	}
	return t, first
}()

// matches reports whether js[i:] starts with the key and `": "`;
// i+24 <= len(js).
func (k *knownKey) matches(js []byte, i int) bool {
	return binary.LittleEndian.Uint64(js[i:])&k.mask == k.w1 &&
		(k.n <= 8 || binary.LittleEndian.Uint64(js[i+k.n-8:]) == k.w2)
}

// quoteIn16 returns the index of the first quote in the 16 bytes at
// js[i], or -1; i+16 <= len(js).
func quoteIn16(js []byte, i int) int {
	w := binary.LittleEndian.Uint64(js[i:])
	if q := zeroBytes(w ^ quote8); q != 0 {
		return i + bits.TrailingZeros64(q)>>3
	}
	w = binary.LittleEndian.Uint64(js[i+8:])
	if q := zeroBytes(w ^ quote8); q != 0 {
		return i + 8 + bits.TrailingZeros64(q)>>3
	}
	return -1
}

// fastJSON parses js, a JSON object of the shape described above, into
// rec and reports true. It reports false if js does not have that shape;
// the fields it may have set are then reset by the caller (resetJSON).
func (rec *Record) fastJSON(js []byte) bool {
	n := len(js)
	// js[0] == '{' (checked by parse); the object is `{"` ... `"}` and
	// holds no backslash.
	if n < 8 || js[1] != '"' || js[n-1] != '}' || js[n-2] != '"' || bytes.IndexByte(js, '\\') >= 0 {
		return false
	}
	rec.Length = -1
	i := 1             // the quote opening the current key
	expect := uint8(1) // the key expected there, as an index in knownKeys
	for {
		var (
			vs    int // the value's first byte
			field uint8
			long  bool
		)
		if i+25 <= n {
			// the expected key, or the first known key with the same first byte
			k := &knownKeys[expect]
			if !k.matches(js, i+1) {
				k = &knownKeys[keyByFirst[js[i+1]]]
				if !k.matches(js, i+1) {
					k = nil
				}
			}
			if k != nil {
				// the key holds no quote, so it ends where `": "` starts
				vs, field, long, expect = i+1+k.n, k.field, k.long, k.next
				if vs > n-2 {
					return false
				}
			}
		}
		if vs == 0 {
			ke := nextQuote(js, i+1)
			// ke+4 <= n-2: the value's opening quote precedes the final quote
			if ke < 0 || ke+4 > n-2 || binary.LittleEndian.Uint32(js[ke:]) != colonSep {
				return false
			}
			vs = ke + 4
			field = keyField(js[i+1 : ke])
		}
		// js[vs-1] is the value's opening quote, vs <= n-2, js[n-2] == '"'
		ve := -1
		if !long && vs+16 <= n {
			ve = quoteIn16(js, vs)
		}
		if ve < 0 {
			ve = bytes.IndexByte(js[vs:], '"')
			if ve < 0 {
				return false
			}
			ve += vs
		}
		if field != fOther {
			rec.set(field, js[vs:ve])
		}
		if ve == n-2 {
			return true // the value's closing quote is the object's last quote
		}
		if ve+4 > n-2 || binary.LittleEndian.Uint32(js[ve:]) != commaSep {
			return false
		}
		i = ve + 3
	}
}

// set stores a string value without escapes of a field of interest, as
// field does.
func (rec *Record) set(field uint8, val []byte) {
	switch field {
	case fURL:
		rec.URL = val
	case fMIME:
		rec.MIME = val
	case fLength:
		if v, ok := parseUint(val); ok {
			rec.Length = v
		} else {
			rec.Length = -2
		}
	case fOffset:
		if v, ok := parseUint(val); ok {
			rec.Offset = v
		}
	case fStatus:
		if v, ok := parseUint(val); ok && v < 1000 {
			rec.Status = int(v)
		}
	case fFilename:
		rec.Filename = val
	}
}

// resetJSON undoes what fastJSON set, before parseJSON runs.
func (rec *Record) resetJSON() {
	rec.URL, rec.MIME, rec.Filename = nil, nil, nil
	rec.Length, rec.Offset, rec.Status = -1, -1, 0
}

// keyField returns the field identifier of a key.
func keyField(key []byte) uint8 {
	switch len(key) {
	case 3:
		if string(key) == "url" {
			return fURL
		}
	case 4:
		if string(key) == "mime" {
			return fMIME
		}
	case 6:
		switch string(key) {
		case "length":
			return fLength
		case "offset":
			return fOffset
		case "status":
			return fStatus
		}
	case 8:
		if string(key) == "filename" {
			return fFilename
		}
	}
	return fOther
}
