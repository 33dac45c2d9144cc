package noai_test

import (
	"net/http"
	"testing"

	"github.com/gpai-project/gpai/noai"
)

func BenchmarkParseHeader(b *testing.B) {
	h := http.Header{
		"Content-Type": {"image/jpeg"},
		"X-Robots-Tag": {"noindex, nofollow", "GPTBot: noai, noimageai"},
	}
	b.SetBytes(int64(len(h["X-Robots-Tag"][0]) + len(h["X-Robots-Tag"][1])))
	b.ReportAllocs()
	for b.Loop() {
		if r := noai.Reserved(noai.ParseHeader(h), "GPTBot"); !r.Text {
			b.Fatal("not reserved")
		}
	}
}

func BenchmarkParseMeta(b *testing.B) {
	const content = "index, follow, max-image-preview:large, noai, noimageai"
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		noai.ParseMeta("robots", content)
	}
}
