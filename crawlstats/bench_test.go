package crawlstats_test

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/gpai-project/gpai/cdx"
	"github.com/gpai-project/gpai/crawlstats"
)

func benchRun(b *testing.B, input string, workers int) {
	fi, err := os.Stat(input)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	var lines int64
	for b.Loop() {
		st, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{input}, Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		lines += st.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkRun(b *testing.B) {
	plain := plainFile(b)
	for _, bm := range []struct {
		name, input string
	}{
		{"cdxj", plain},
		{"gzip", gzPath},
		{"parquet", parquetPath},
	} {
		b.Run(bm.name, func(b *testing.B) { benchRun(b, bm.input, 0) })
		b.Run(bm.name+"/1worker", func(b *testing.B) { benchRun(b, bm.input, 1) })
	}
}

// BenchmarkAggregator measures the aggregation alone, over the parsed
// records of the test data.
func BenchmarkAggregator(b *testing.B) {
	text, err := os.ReadFile(plainFile(b))
	if err != nil {
		b.Fatal(err)
	}
	type rec struct {
		host      []byte
		len, unix int64
	}
	var recs []rec
	r := cdx.NewReader(bytesReader(text))
	for r.Next() {
		if x := r.Record(); x.Kind == cdx.Valid {
			recs = append(recs, rec{append([]byte(nil), x.Host...), x.Length, x.Unix})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		a := crawlstats.NewAggregator(0)
		for _, x := range recs {
			a.Add(x.host, x.len, x.unix)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

func bytesReader(b []byte) *bytesReaderT { return &bytesReaderT{b: b} }

type bytesReaderT struct{ b []byte }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
