package cdx

import (
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

// Field identifiers of the keys the statistics use.
const (
	fOther uint8 = iota
	fURL
	fMIME
	fLength
	fOffset
	fStatus
	fFilename
)

// fastJSON parses js, a JSON object of the shape described above, into
// rec and reports true. It reports false if js does not have that shape;
// the fields it may have set are then reset by the caller (resetJSON).
//
// All quotes of the object are found first, in one pass that also looks
// for backslashes (quoteMap.scan). Then the quotes are taken in order
// from the bitmap, four per field: the key's, then the value's. After the
// quote closing a key come `": "` and the value's opening quote, after
// the one closing a value `", "` and the next key's, each checked as a
// 4-byte word, so the next quote is known to be three bytes on and is
// dropped without looking. The values of the fields of interest are
// applied once the walk is done, the last of each (duplicates are rare;
// "offset" and "status", which keep an earlier value when a later one is
// not a number, are applied in order).
func (rec *Record) fastJSON(js []byte) bool {
	n := len(js)
	// js[0] == '{' (checked by parse); the object is `{"` ... `"}`.
	if n < 16 || n > maxFastJSON || js[1] != '"' || js[n-1] != '}' || js[n-2] != '"' {
		return false
	}
	m := &rec.fast.quotes
	if m.scan(js) {
		return false // a backslash: escapes are for parseJSON
	}
	// Without backslashes every quote delimits a string, and js[n-2], the
	// last quote, is reached before any stale bit past the object.
	rec.Length = -1
	var vals [fFilename + 1]struct{ s, e int } // the values of the fields, if e > 0
	w := &m.w
	wi, cur := 0, w[0]&^2 // the first key's opening quote, js[1], taken
	ks := 2               // the first byte of the current key
	for {
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		ke := wi<<6 | bits.TrailingZeros64(cur) // the quote closing the key
		cur &= cur - 1
		// ke+4 <= n-2: the value's opening quote precedes the last quote
		if ke+4 > n-2 || load32(js, ke) != colonSep {
			return false
		}
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		cur &= cur - 1 // the value's opening quote, js[ke+3]
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		ve := wi<<6 | bits.TrailingZeros64(cur) // the quote closing the value
		cur &= cur - 1
		if field := keyField(js[ks:ke]); field != fOther {
			v := &vals[field]
			if v.e > 0 && (field == fOffset || field == fStatus) {
				rec.set(field, js[v.s:v.e]) // a duplicate
			}
			v.s, v.e = ke+4, ve
		}
		if ve == n-2 {
			break // the value's closing quote is the object's last quote
		}
		if ve+4 > n-2 || load32(js, ve) != commaSep {
			return false
		}
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		cur &= cur - 1 // the next key's opening quote, js[ve+3]
		ks = ve + 4
	}
	if v := vals[fURL]; v.e > 0 {
		rec.URL = js[v.s:v.e]
	}
	if v := vals[fMIME]; v.e > 0 {
		rec.MIME = js[v.s:v.e]
	}
	if v := vals[fFilename]; v.e > 0 {
		rec.Filename = js[v.s:v.e]
	}
	if v := vals[fLength]; v.e > 0 {
		rec.Length = -2
		if x, ok := digits(js, v.s, v.e); ok {
			rec.Length = x
		}
	}
	if v := vals[fOffset]; v.e > 0 && rec.Skip&FieldOffset == 0 {
		if x, ok := digits(js, v.s, v.e); ok {
			rec.Offset = x
		}
	}
	if v := vals[fStatus]; v.e > 0 && rec.Skip&FieldStatus == 0 {
		if x, ok := digits(js, v.s, v.e); ok && x < 1000 {
			rec.Status = int(x)
		}
	}
	return true
}

// digits is parseUint(js[s:e]), a word at a time; e+2 <= len(js).
func digits(js []byte, s, e int) (int64, bool) {
	l := e - s
	if l > 16 || s+16 > len(js) {
		return parseUint(js[s:e])
	}
	if l <= 0 {
		return 0, false
	}
	if l <= 8 {
		w := binary.LittleEndian.Uint64(js[s:])
		v, ok := digits8(w, l)
		return int64(v), ok
	}
	hi, ok1 := digits8(binary.LittleEndian.Uint64(js[s:]), l-8)
	lo, ok2 := digits8(binary.LittleEndian.Uint64(js[e-8:]), 8)
	if !ok1 || !ok2 {
		return 0, false
	}
	return int64(hi*100000000 + lo), true
}

// digits8 converts the first l (1 to 8) bytes of w, in memory order, as
// decimal digits, and reports whether they all are digits.
func digits8(w uint64, l int) (uint64, bool) {
	// the bytes past l become '0'; then the digits are moved to the high
	// bytes, after zeros: leading zeros of the number
	sh := uint(8*(8-l)) & 63
	mask := ^uint64(0) >> sh
	w = w&mask | 0x3030303030303030&^mask
	if w&0xf0f0f0f0f0f0f0f0|(w+0x0606060606060606)&0xf0f0f0f0f0f0f0f0>>4 != 0x3333333333333333 {
		return 0, false
	}
	w = (w - 0x3030303030303030) << sh
	w = (w * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	w = (w * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	w = (w * (10000<<32 + 1)) >> 32
	return w, true
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
