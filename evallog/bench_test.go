package evallog_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/gpai-project/gpai/evallog"
)

func benchmarkRead(b *testing.B, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evallog.Read(file, bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadInspectEval(b *testing.B) { benchmarkRead(b, "testdata/inspect_multi_scorer.eval") }
func BenchmarkReadInspectJSON(b *testing.B) { benchmarkRead(b, "testdata/inspect_multi_scorer.json") }
func BenchmarkReadInspectStarted(b *testing.B) {
	benchmarkRead(b, "testdata/inspect_started.eval")
}
func BenchmarkReadLMEval(b *testing.B) {
	benchmarkRead(b, "testdata/results_2025-05-12T10-31-07.512345.json")
}
