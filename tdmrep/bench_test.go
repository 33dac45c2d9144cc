package tdmrep_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/tdmrep"
)

func BenchmarkParseHeader(b *testing.B) {
	h := http.Header{
		"Content-Type":    {"text/html; charset=utf-8"},
		"Tdm-Reservation": {"1"},
		"Tdm-Policy":      {"https://example.com/policies/policy.json"},
	}
	b.SetBytes(int64(len("1") + len(h["Tdm-Policy"][0])))
	b.ReportAllocs()
	for b.Loop() {
		tdmrep.ParseHeader(h)
	}
}

func BenchmarkParseFile(b *testing.B) {
	data, err := os.ReadFile("testdata/publisher.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tdmrep.ParseFile(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch matches a path against a 100-rule file whose only matching
// rule is the last, a wildcard rule: the worst case for first-match order.
func BenchmarkMatch(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := range 99 {
		fmt.Fprintf(&sb, `{"location": "/section-%d/*.pdf$", "tdm-reservation": 0},`, i)
	}
	sb.WriteString(`{"location": "/*/articles/*.html", "tdm-reservation": 1}]`)
	f, err := tdmrep.ParseFile(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	const path = "/news/2026/articles/eu-ai-act-copyright-policy.html?utm_source=feed"
	b.SetBytes(int64(len(path)))
	b.ReportAllocs()
	for b.Loop() {
		if s := f.Lookup(path); s.Reservation != tdmrep.Reserved {
			b.Fatalf("Lookup = %v", s.Reservation)
		}
	}
}
