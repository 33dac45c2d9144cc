package cdx

import "encoding/binary"

// The fast path.
//
// Nearly every line of a Common Crawl index has the same shape: a JSON
// object whose values are all strings, written with exactly ": " after
// each key and ", " between fields, with no escapes and nothing after the
// closing brace:
//
//	{"url": "https://example.com/", "mime": "text/html", ..., "languages": "eng"}
//
// fastJSON recognises exactly that shape and extracts the fields without
// the general scanner's bookkeeping (escapes, white space, scalars,
// nesting). When the object has no backslash, a quote always delimits a
// string, so the shape can be checked quote by quote: every string's
// closing quote is the next quote, followed by `": "` or `", "` and the
// next string's opening quote. Anything else (an escape, a scalar value,
// other spacing, trailing bytes, a truncated or malformed object) makes
// fastJSON give up, and parseJSON decides. On the objects it accepts,
// fastJSON sets the fields exactly as parseJSON does: the object is then
// valid JSON for parseJSON too, and the fields are applied in the same
// order with the same rules (later duplicates win, "offset" and "status"
// keep their previous value when not a number); TestFastPath and
// FuzzFastPath check this.

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
// The shape is checked, and the last occurrence of each field of interest
// found, by fastFields.scan; the values are then applied. Duplicates are
// rare: when "offset" or "status", which keep an earlier value when a
// later one is not a number, occur more than once, the object is walked
// again by scanGo, which applies the earlier occurrences in order (even
// with Skip, as they always were).
func (rec *Record) fastJSON(js []byte) bool {
	f := &rec.fast.fields
	switch f.scan(js) {
	case 0:
		return false
	case 2: // rare
		if f.scanGo(js, rec) == 0 {
			return false
		}
	}
	if f.n[fURL] > 0 {
		rec.URL = js[f.start[fURL]:f.end[fURL]]
	}
	if rec.Skip&FieldMIME == 0 && f.n[fMIME] > 0 {
		rec.MIME = js[f.start[fMIME]:f.end[fMIME]]
	}
	if rec.Skip&FieldFilename == 0 && f.n[fFilename] > 0 {
		rec.Filename = js[f.start[fFilename]:f.end[fFilename]]
	}
	rec.Length = -1
	if f.n[fLength] > 0 {
		rec.Length = -2
		s, e := f.start[fLength], f.end[fLength]
		if l := e - s; l > 0 && l <= 8 && s+8 <= len(js) {
			// the usual length, up to 8 digits: digits, inlined
			if x, ok := digits8(binary.LittleEndian.Uint64(js[s:]), l); ok {
				rec.Length = int64(x)
			}
		} else if x, ok := digits(js, s, e); ok {
			rec.Length = x
		}
	}
	if rec.Skip&FieldOffset == 0 && f.n[fOffset] > 0 {
		if x, ok := digits(js, f.start[fOffset], f.end[fOffset]); ok {
			rec.Offset = x
		}
	}
	if rec.Skip&FieldStatus == 0 && f.n[fStatus] > 0 {
		if x, ok := digits(js, f.start[fStatus], f.end[fStatus]); ok && x < 1000 {
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
