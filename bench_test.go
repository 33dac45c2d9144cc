package gpai_test

import (
	"os"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/rulebook"
)

// BenchmarkAssess measures one scope assessment of the frontier example
// (32 obligations), after loading: the work gpai check repeats per day.
func BenchmarkAssess(b *testing.B) {
	d, est, err := dossier.Load("examples/frontier")
	if err != nil {
		b.Fatal(err)
	}
	rb, err := rulebook.Default()
	if err != nil {
		b.Fatal(err)
	}
	day := gpai.NewDate(2026, 11, 26)
	b.ReportAllocs()
	for b.Loop() {
		gpai.Assess(d, est, rb, day)
	}
}

// BenchmarkLoadAndAssess measures what gpai check does for one dossier:
// read, validate and decode gpai.yaml, compile the rulebook, assess.
func BenchmarkLoadAndAssess(b *testing.B) {
	data, err := os.ReadFile("examples/frontier/gpai.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, est, err := dossier.Load("examples/frontier")
		if err != nil {
			b.Fatal(err)
		}
		rb, err := rulebook.Default()
		if err != nil {
			b.Fatal(err)
		}
		gpai.Assess(d, est, rb, gpai.NewDate(2026, 11, 26))
	}
}
