package archive_test

import (
	"fmt"
	"testing"

	"github.com/gpai-project/gpai/archive"
)

// benchPublication is a version of ten 8 KiB files, one of them new at
// each n.
func benchPublication(n int) archive.Publication {
	p := pub(fmt.Sprint(n), nil)
	for i := range 10 {
		b := make([]byte, 8<<10)
		for j := range b {
			b[j] = byte('a' + (i+j)%26)
		}
		p.Files[fmt.Sprintf("doc/%02d.md", i)] = b
	}
	p.Files["doc/00.md"] = fmt.Appendf(nil, "version %d", n)
	return p
}

func BenchmarkPublish(b *testing.B) {
	a, _ := newArchive(b)
	b.SetBytes(10 * 8 << 10)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if _, _, err := a.Publish(ctx, benchPublication(n)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	a, _ := newArchive(b)
	for n := range 20 {
		if _, _, err := a.Publish(ctx, benchPublication(n)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := a.Verify(ctx)
		if err != nil || !r.OK() {
			b.Fatalf("Verify = %v, %v", r, err)
		}
	}
}
