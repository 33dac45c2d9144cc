//go:build amd64

package cdx

import "unsafe"

// quoteScan stores the quote mask of each 16-byte block k of b
// (16 <= len(b) <= 64*len(out)) as bits 16k..16k+15 of the bitmap out,
// the bits past len(b) in the last block zero, and returns the OR of the
// blocks' backslash masks (not zero if b holds a backslash).
func quoteScan(b []byte, out []uint64) uint16 {
	_ = out[(len(b)-1)>>6]
	return quoteScanSSE2(&b[0], len(b), &out[0])
}

// quoteScanSSE2 is quoteScan for the n bytes at p (n >= 16), storing the
// masks as 16-bit words at out (the bitmap, little-endian).
//
//go:noescape
func quoteScanSSE2(p *byte, n int, out *uint64) uint16

// load32 returns the four bytes of b at i, i+4 <= len(b), as a
// little-endian word, without a bounds check: the fast path checks i
// first, and amd64 loads unaligned words.
func load32(b []byte, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))
}
