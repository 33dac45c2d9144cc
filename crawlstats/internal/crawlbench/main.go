// Command crawlbench measures crawlstats on the benchmark data set and
// the baselines it is compared with (see ../../BENCHMARKS.md).
//
//	crawlbench [-workers N] [-psl] [-truth FILE] INPUT...   run crawlstats, compare with the truth CSV
//	crawlbench -read FILE                             read the file's bytes and discard them
//	crawlbench -gunzip FILE [-klauspost]              decompress on one goroutine and discard
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/gpai-project/gpai/crawlstats"
)

func main() {
	workers := flag.Int("workers", 0, "worker goroutines (0: GOMAXPROCS)")
	truth := flag.String("truth", "", "truth CSV to compare with")
	read := flag.Bool("read", false, "only read the input's bytes")
	gunzip := flag.Bool("gunzip", false, "only decompress the input on one goroutine")
	kp := flag.Bool("klauspost", false, "with -gunzip: use github.com/klauspost/compress/gzip")
	progress := flag.Bool("progress", false, "report progress on stderr")
	chunk := flag.Int("chunk", 0, "chunk size")
	psl := flag.Bool("psl", false, "Parquet: compute domains with the PSL instead of reading url_host_private_domain")
	out := flag.String("csv", "", "write the ranking as CSV")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t0 := time.Now()
	var size int64
	for _, in := range flag.Args() {
		fi, err := os.Stat(in)
		if err != nil {
			fatal(err)
		}
		size += fi.Size()
	}
	switch {
	case *read:
		var n int64
		buf := make([]byte, 1<<20)
		for _, in := range flag.Args() {
			f, err := os.Open(in)
			if err != nil {
				fatal(err)
			}
			for {
				m, err := f.Read(buf)
				n += int64(m)
				if err == io.EOF {
					break
				} else if err != nil {
					fatal(err)
				}
			}
			f.Close()
		}
		report("read", n, 0, t0)
		return
	case *gunzip:
		var n int64
		for _, in := range flag.Args() {
			f, err := os.Open(in)
			if err != nil {
				fatal(err)
			}
			var zr io.Reader
			if *kp {
				zr, err = kgzip.NewReader(f)
			} else {
				zr, err = gzip.NewReader(f)
			}
			if err != nil {
				fatal(err)
			}
			m, err := io.Copy(io.Discard, zr)
			if err != nil {
				fatal(err)
			}
			n += m
			f.Close()
		}
		report("gunzip (in: "+fmt.Sprint(size)+" bytes)", n, 0, t0)
		return
	}
	cfg := crawlstats.Config{Inputs: flag.Args(), Workers: *workers, ChunkSize: *chunk, IgnoreDomainColumn: *psl}
	if *progress {
		cfg.Progress = os.Stderr
	}
	st, err := crawlstats.Run(ctx, cfg)
	if err != nil {
		fatal(err)
	}
	report("crawlstats", size, st.Lines, t0)
	fmt.Printf("lines %d, records %d, bytes %d, domains %d, malformed %v\n", st.Lines, st.Records, st.Bytes, len(st.Domains), st.Malformed)
	var b bytes.Buffer
	crawlstats.WriteCSV(&b, st.Ranking())
	if *out != "" {
		os.WriteFile(*out, b.Bytes(), 0o644)
	}
	if *truth != "" {
		want, err := os.ReadFile(*truth)
		if err != nil {
			fatal(err)
		}
		if bytes.Equal(want, b.Bytes()) {
			fmt.Println("truth: equal")
		} else {
			fmt.Println("truth: DIFFERENT")
		}
	}
}

func report(what string, n, lines int64, t0 time.Time) {
	el := time.Since(t0).Seconds()
	fmt.Printf("%s: %d bytes in %.2f s: %.0f MB/s", what, n, el, float64(n)/1e6/el)
	if lines > 0 {
		fmt.Printf(", %.2f M lines/s", float64(lines)/1e6/el)
	}
	fmt.Println()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "crawlbench:", err)
	os.Exit(1)
}
