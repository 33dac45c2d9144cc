//go:build linux || darwin || freebsd

package crawlstats

import (
	"os"
	"syscall"
)

// mapRange maps n bytes of f from off for reading and returns them and
// the mapping to pass to unmap. It reports ok false when
// the file cannot be mapped; the caller then reads it.
func mapRange(f *os.File, off int64, n int) (data, mapping []byte, ok bool) {
	page := int64(os.Getpagesize())
	start := off &^ (page - 1) // mappings start at a page boundary
	m, err := syscall.Mmap(int(f.Fd()), start, n+int(off-start), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return m[off-start:], m, true
}

func unmap(mapping []byte) { _ = syscall.Munmap(mapping) }
