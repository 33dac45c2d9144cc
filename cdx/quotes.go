package cdx

import (
	"bytes"
	"encoding/binary"
)

// The fast path's shape check: fastFields.scan checks that a JSON object
// has the shape fastJSON takes and finds the fields of interest in it.
// scanGo is the portable implementation and the reference for the others
// (SSE2 or AVX2 on amd64: see quotes_amd64.s).

// maxFastJSON is the longest JSON object the fast path takes.
const maxFastJSON = 8192

// fastFields is what scan finds in an object: for each field identifier
// f (fOther collecting the other keys), if n[f], its number of
// occurrences, is not zero, the value of its last one is
// js[start[f]:end[f]].
type fastFields struct {
	start, end [8]int
	n          [8]uint16
	words      [maxFastJSON / 64]uint64 // scratch: the quote bitmap (amd64)
}

// scanGo reports whether js, a JSON object (js[0] is '{'), has the shape
// fastJSON takes. It returns 0 if not, and otherwise sets f and returns 1,
// or 2 if "offset" or "status" occur more than once: then their earlier
// values, which count when a later one is not a number, are to be applied
// in order, which scanGo does, to rec, if rec is not nil (returning 1).
// Other implementations of scan may return 2 for any reason: scanGo(js,
// rec) then decides.
func (f *fastFields) scanGo(js []byte, rec *Record) int {
	n := len(js)
	if n < 16 || n > maxFastJSON || js[1] != '"' || js[n-1] != '}' || js[n-2] != '"' ||
		bytes.IndexByte(js, '\\') >= 0 { // escapes are for parseJSON
		return 0
	}
	f.n = [8]uint16{}
	// Without backslashes every quote delimits a string, and js[n-2] is
	// a quote: a string that starts before it ends at the latest there.
	for ks := 2; ; { // the key's first byte
		ke := ks + bytes.IndexByte(js[ks:], '"')
		// ke+4 <= n-2: the value's opening quote precedes the last quote
		if ke+4 > n-2 || load32(js, ke) != colonSep {
			return 0
		}
		ve := ke + 4 + bytes.IndexByte(js[ke+4:], '"')
		field := keyField(js[ks:ke])
		if rec != nil && f.n[field] > 0 && (field == fOffset || field == fStatus) {
			rec.set(field, js[f.start[field]:f.end[field]])
		}
		f.start[field], f.end[field] = ke+4, ve
		f.n[field]++
		if ve == n-2 { // the value's closing quote is the object's last quote
			if rec == nil && f.n[fOffset]|f.n[fStatus] > 1 {
				return 2
			}
			return 1
		}
		if ve+4 > n-2 || load32(js, ve) != commaSep {
			return 0
		}
		ks = ve + 4
	}
}

// load32 returns the four bytes of b at i as a little-endian word.
func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
