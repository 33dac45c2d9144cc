package aipref_test

import (
	"testing"

	"github.com/gpai-project/gpai/aipref"
)

func BenchmarkParseHeader(b *testing.B) {
	const v = "train-ai=n;exp=1767225600, search=y"
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aipref.ParseHeader(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSignal(b *testing.B) {
	const v = "search=yes, ai-input=yes, ai-train=no"
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aipref.ParseSignal(v, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplicable(b *testing.B) {
	var rules []*aipref.Usage
	for _, v := range []string{"train-ai=n", "/ai-ok/ train-ai=y", "/docs/*.pdf$ train-ai=n, search=y", "/blog/ train-ai=y", "/*/archive/ search=n"} {
		u, err := aipref.ParseRule(v, 1)
		if err != nil {
			b.Fatal(err)
		}
		rules = append(rules, u)
	}
	const path = "/docs/manuals/2026/model-card.pdf"
	b.SetBytes(int64(len(path)))
	b.ReportAllocs()
	for b.Loop() {
		if got := aipref.Applicable(rules, path); len(got) != 1 {
			b.Fatalf("Applicable = %d rules", len(got))
		}
	}
}
