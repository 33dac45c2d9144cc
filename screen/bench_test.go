package screen_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gpai-project/gpai/screen"
)

// benchWorks is the number of works in the benchmark index:
// GPAI_BENCH_SCREEN_WORKS, or 100,000.
func benchWorks() int {
	if n, err := strconv.Atoi(os.Getenv("GPAI_BENCH_SCREEN_WORKS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchDoc returns the i-th work of the benchmark corpus, about 2 KB of
// pseudo-text, generated afresh from its number.
func benchDoc(i int) doc {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	return render(r, genWords(r, 250+r.IntN(60)), false)
}

var bench struct {
	once  sync.Once
	data  []byte
	idx   *screen.Index
	text  int64
	build time.Duration
}

// benchIndex builds the benchmark index once per process.
func benchIndex(b *testing.B) *screen.Index {
	bench.once.Do(func() {
		start := time.Now()
		bl, _ := screen.NewBuilder(screen.DefaultConfig())
		for i := range benchWorks() {
			d := benchDoc(i)
			bench.text += int64(len(d.text))
			if err := bl.Add(screen.Work{Name: fmt.Sprintf("work-%d", i)}, d.text); err != nil {
				b.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := bl.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		bench.build = time.Since(start)
		bench.data = buf.Bytes()
		idx, err := screen.Load(bench.data)
		if err != nil {
			b.Fatal(err)
		}
		bench.idx = idx
		s := idx.Stats()
		fmt.Fprintf(os.Stderr, "benchmark index: %d works, %.1f MB of text, %d words, %d fingerprints, %.1f MB on disk, built (with generation) in %v\n",
			s.Works, float64(bench.text)/1e6, s.Words, s.Fingerprints, float64(len(bench.data))/1e6, bench.build.Round(time.Millisecond))
	})
	return bench.idx
}

// benchOutputs returns 64 outputs of about 2 KB; with plant, each holds
// an 80-word passage of a work of the index.
func benchOutputs(plant bool) ([]string, int64) {
	r := rand.New(rand.NewPCG(99, 100))
	var outs []string
	var total int64
	for range 64 {
		text := render(r, genWords(r, 270), false).text
		if plant {
			d := benchDoc(r.IntN(benchWorks()))
			s := r.IntN(len(d.words) - 80)
			text = text[:len(text)/2] + " " + d.text[d.starts[s]:d.ends[s+79]] + " " + text[len(text)/2:]
		}
		outs = append(outs, text)
		total += int64(len(text))
	}
	return outs, total
}

// BenchmarkScan measures the throughput of Scan, in bytes of generated
// text per second, against an index of 100,000 works of about 2 KB.
func BenchmarkScan(b *testing.B) {
	idx := benchIndex(b)
	for _, plant := range []bool{false, true} {
		name := "clean"
		if plant {
			name = "planted"
		}
		b.Run(name, func(b *testing.B) {
			outs, total := benchOutputs(plant)
			dst := make([]screen.Match, 0, 8)
			found := 0
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				found = 0
				for _, o := range outs {
					dst, _ = idx.AppendScan(dst[:0], o, 0)
					found += len(dst)
				}
			}
			if plant && found < len(outs) || !plant && found > 0 {
				b.Fatalf("found %d matches in %d outputs", found, len(outs))
			}
			b.ReportMetric(float64(len(bench.data))/1e6, "index-MB")
		})
	}
}

// BenchmarkScanParallel measures Scan from all cores at once.
func BenchmarkScanParallel(b *testing.B) {
	idx := benchIndex(b)
	outs, total := benchOutputs(true)
	b.SetBytes(total / int64(len(outs)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		dst := make([]screen.Match, 0, 8)
		i := 0
		for pb.Next() {
			dst, _ = idx.AppendScan(dst[:0], outs[i%len(outs)], 0)
			i++
		}
	})
}

// BenchmarkLoad measures loading the 100,000-work index from memory.
func BenchmarkLoad(b *testing.B) {
	benchIndex(b)
	b.SetBytes(int64(len(bench.data)))
	for b.Loop() {
		idx, err := screen.Load(bench.data)
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}

// BenchmarkBuild measures building and writing an index of 10,000 works,
// in bytes of text per second, and reports its size.
func BenchmarkBuild(b *testing.B) {
	docs := make([]string, 10_000)
	var total int64
	for i := range docs {
		docs[i] = benchDoc(i).text
		total += int64(len(docs[i]))
	}
	b.SetBytes(total)
	var size int
	for b.Loop() {
		bl, _ := screen.NewBuilder(screen.DefaultConfig())
		for i, d := range docs {
			bl.Add(screen.Work{Name: strconv.Itoa(i)}, d)
		}
		var buf bytes.Buffer
		bl.WriteTo(&buf)
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/float64(len(docs)), "index-B/work")
	b.ReportMetric(float64(size)/float64(total), "index-B/text-B")
}
