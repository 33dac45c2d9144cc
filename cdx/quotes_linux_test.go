package cdx

import (
	"os"
	"syscall"
	"testing"
)

// TestScanGuarded runs fastFields.scan on scanObjects placed right after
// and right before an inaccessible page: reading a byte outside the object
// crashes the test.
func TestScanGuarded(t *testing.T) {
	page := os.Getpagesize()
	n := (maxFastJSON + 1 + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, n+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip(err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mprotect(mem[page+n:], syscall.PROT_NONE); err != nil {
		t.Skip(err)
	}
	data := mem[page : page+n]
	for _, m := range scanModes {
		restore := m.set()
		for _, o := range scanObjects() {
			var f fastFields
			copy(data, o)
			f.scan(data[:len(o)])
			end := data[n-len(o):]
			copy(end, o)
			f.scan(end)
		}
		restore()
	}
}
