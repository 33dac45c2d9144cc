package cdx

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

const (
	lo7    = 0x7f7f7f7f7f7f7f7f
	quote8 = '"' * 0x0101010101010101
	bslash = '\\' * 0x0101010101010101
)

// zeroBytes returns a word with 0x80 in each byte where w has a zero byte.
func zeroBytes(w uint64) uint64 {
	y := (w & lo7) + lo7
	return ^(y | w | lo7)
}

// closeQuote returns the index of the quote that ends the JSON string
// starting at i, -1 if the string does not end, or -2 if it holds an
// invalid escape. Most strings of CDXJ are short: the first sixteen
// bytes are searched a word at a time, which is cheaper than a call of
// bytes.IndexByte.
func closeQuote(js []byte, i int) int {
	start := i
	for k := 0; k < 2 && i+8 <= len(js); k++ {
		w := binary.LittleEndian.Uint64(js[i:])
		q := zeroBytes(w ^ quote8)
		b := zeroBytes(w ^ bslash)
		if q|b != 0 {
			if b != 0 && bits.TrailingZeros64(b) < bits.TrailingZeros64(q) {
				return escapedEnd(js, start) // an escape comes first
			}
			return i + bits.TrailingZeros64(q)>>3
		}
		i += 8
	}
	q := bytes.IndexByte(js[i:], '"')
	if q < 0 {
		return -1
	}
	q += i
	if bytes.IndexByte(js[i:q], '\\') >= 0 {
		return escapedEnd(js, start)
	}
	return q
}

// escapedEnd is closeQuote for a string with escapes: it checks them.
func escapedEnd(js []byte, i int) int {
	q := stringEnd(js, i)
	if q < 0 {
		return -1
	}
	s := js[i:q]
	for k := 0; k < len(s); k++ {
		if s[k] != '\\' {
			continue
		}
		k++
		switch s[k] { // k < len(s): the string does not end with a lone backslash
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if k+4 >= len(s) {
				return -2
			}
			for _, h := range s[k+1 : k+5] {
				if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
					return -2
				}
			}
			k += 4
		default:
			return -2
		}
	}
	return q
}
