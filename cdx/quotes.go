package cdx

// The fast path's quote scan: the quotes of a JSON object are found in one
// pass over its bytes (SSE2 on amd64: 16 bytes per compare, 64 per loop),
// as a bitmap; the same pass tells whether the object holds a backslash.

// maxFastJSON is the longest JSON object the fast path takes; its quote
// bitmap has quoteWords words (and a spare one).
const (
	maxFastJSON = 8192
	quoteWords  = maxFastJSON / 64
)

// A quoteMap marks the quotes of a JSON object: bit i%64 of w[i/64] is
// set if byte i is a quote. Bits after the object's last byte may be stale.
type quoteMap struct {
	w [quoteWords + 1]uint64
}

// scan fills m for js, 16 <= len(js) <= maxFastJSON, and reports whether
// js holds a backslash.
func (m *quoteMap) scan(js []byte) (backslash bool) {
	return quoteScan(js, m.w[:]) != 0
}

// quoteScanGo is quoteScan in portable Go.
func quoteScanGo(b []byte, out []uint64) uint16 {
	var bs uint16
	for k := 0; k < len(b); k += 16 {
		var q uint16
		for j, c := range b[k:min(k+16, len(b))] {
			if c == '"' {
				q |= 1 << j
			} else if c == '\\' {
				bs |= 1 << j
			}
		}
		w, s := k>>6, uint(k&63)
		out[w] = out[w]&^(0xffff<<s) | uint64(q)<<s
	}
	return bs
}
