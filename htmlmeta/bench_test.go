package htmlmeta_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/gpai-project/gpai/htmlmeta"
)

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/news.html")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := htmlmeta.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
