//go:build linux || darwin || freebsd

package crawlstats

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestMappedShrink maps a file that then loses most of its bytes, as when
// it is rewritten during a run: reading the mapping past the new end
// faults, and that must be an error, not the end of the process.
func TestMappedShrink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.cdxj")
	page := os.Getpagesize()
	line := []byte("com,example)/ 20240802103102 {\"url\": \"https://example.com/\", \"length\": \"10\"}\n")
	text := bytes.Repeat(line, 4*page/len(line)+1)
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, mapping, ok := mapRange(f, 0, len(text))
	if !ok {
		t.Fatal("mapRange failed")
	}
	defer unmap(mapping)
	if err := os.Truncate(path, int64(page)); err != nil {
		t.Fatal(err)
	}
	s := newShard(16)
	var k sink
	k.reset(s, cdxjLine, path, &segment{}, true, false)
	if err := mapped(data, 0, 1024, &k); !errors.Is(err, errChanged) {
		t.Fatalf("mapped = %v, want errChanged", err)
	}
	if s.lines == 0 || s.lines*int64(len(line)) > int64(page) {
		t.Errorf("%d lines read from a page of %d bytes", s.lines, page)
	}
}
