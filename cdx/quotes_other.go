//go:build !amd64

package cdx

import "encoding/binary"

// quoteScan stores the quote mask of each 16-byte block k of b
// (16 <= len(b) <= 64*len(out)) as bits 16k..16k+15 of the bitmap out,
// the bits past len(b) in the last block zero, and returns the OR of the
// blocks' backslash masks (not zero if b holds a backslash).
func quoteScan(b []byte, out []uint64) uint16 { return quoteScanGo(b, out) }

// load32 returns the four bytes of b at i, i+4 <= len(b), as a
// little-endian word.
func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
