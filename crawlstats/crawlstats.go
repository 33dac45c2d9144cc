// Package crawlstats computes per-domain statistics of crawl manifests:
// for every registered domain (eTLD+1 under the Public Suffix List), the
// number of captures, the bytes captured and the first and last capture
// times. They feed the domain-name rule of the public summary of training
// content (the top 10 % of domains by size of content scraped; for SMEs
// the top 5 % or 1,000 domains, whichever is lower).
//
// Run reads manifests in these formats, streaming, on all cores:
//
//   - CDXJ, as in Common Crawl's index shards and pywb (package cdx);
//   - gzip-compressed CDXJ, including Common Crawl's shards of
//     concatenated gzip members, whose members are decompressed in parallel;
//   - Parquet in the layout of Common Crawl's columnar index (package
//     ccparquet), reading only the host, domain, length and time columns;
//     the registered domain is Common Crawl's url_host_private_domain
//     unless Config.IgnoreDomainColumn is set;
//   - CSV or TSV URL lists with a size column (optionally gzip-compressed);
//   - WARC files (package warc), plain or compressed record by record; they
//     are read on one goroutine.
//
// A record's bytes are its WARC record length (the CDXJ field "length",
// the Parquet column warc_record_length, the record's gzip member in a
// WARC file): the size of the stored, compressed capture, as the
// benchmark generator sums it. Malformed lines are counted by kind and
// skipped. An IP address is its own domain; ports are ignored.
//
// Memory grows with the number of distinct domains, not with the input:
// each worker keeps its domains' totals and a bounded cache of host names.
//
// The result, a Stats, can be written as JSON and merged with the Stats of
// other shards of the same crawl; merging gives exactly the result of one
// run over all of them.
package crawlstats

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Format names an input format.
type Format string

// The input formats. Gzip compression is detected from the content and is
// not part of the format.
const (
	FormatAuto    Format = ""        // detect from the content and the file name
	FormatCDXJ    Format = "cdxj"    // CDXJ lines
	FormatParquet Format = "parquet" // Common Crawl columnar index
	FormatCSV     Format = "csv"     // comma-separated URL list with a size column
	FormatTSV     Format = "tsv"     // tab-separated URL list with a size column
	FormatWARC    Format = "warc"    // WARC file (read on one goroutine)
)

// Config configures Run.
type Config struct {
	// Inputs are the files to read.
	Inputs []string
	// Format is the format of all inputs; FormatAuto detects each input's
	// format: Parquet and WARC by their first bytes (after decompression),
	// CSV and TSV by the file name extension (.csv, .tsv, optionally
	// followed by .gz), CDXJ otherwise.
	Format Format
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// HostCache bounds the number of host names each worker maps to their
	// registered domain: a direct-mapped cache of the largest power of two
	// of entries not above it (and not above 1<<20), 64 bytes each; hosts
	// longer than 55 bytes are not cached. 0 means 1<<17.
	HostCache int
	// ChunkSize is the number of bytes of a plain file, or of compressed
	// bytes of a gzip file, a worker takes at a time; 0 means 8 MiB.
	ChunkSize int
	// IgnoreDomainColumn computes the registered domain of Parquet rows
	// from url_host_name with the Public Suffix List, as for the other
	// formats, instead of taking url_host_private_domain from the file
	// (computed by Common Crawl with the list of its day).
	IgnoreDomainColumn bool
	// Progress, if not nil, receives progress reports every
	// ProgressInterval (0 means one second) and a summary at the end.
	Progress io.Writer
	// ProgressLive rewrites a single line with carriage returns, for a
	// terminal; otherwise each report is a line of its own.
	ProgressLive     bool
	ProgressInterval time.Duration
}

// DefaultConfig returns a Config with every field at its default.
func DefaultConfig() Config {
	return Config{
		Workers:          runtime.GOMAXPROCS(0),
		HostCache:        1 << 17,
		ChunkSize:        8 << 20,
		ProgressInterval: time.Second,
	}
}

func (c *Config) setDefaults() {
	d := DefaultConfig()
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.HostCache <= 0 {
		c.HostCache = d.HostCache
	}
	if c.ChunkSize <= 0 {
		c.ChunkSize = d.ChunkSize
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = d.ProgressInterval
	}
}

// ErrFormat is wrapped by errors about an input that is not in the
// expected format.
var ErrFormat = errors.New("unsupported input format")

// Run reads the inputs and returns their statistics. It returns the first
// read error, or ctx's error if ctx is done first; malformed lines are not
// errors.
func Run(ctx context.Context, cfg Config) (*Stats, error) {
	cfg.setDefaults()
	if len(cfg.Inputs) == 0 {
		return nil, errors.New("crawlstats: no inputs")
	}
	r := &runner{cfg: cfg}
	// a shard per worker, and one for the lines that span chunks
	r.shards = make([]*shard, cfg.Workers+1)
	for i := range cfg.Workers {
		r.shards[i] = newShard(cfg.HostCache)
	}
	r.shards[cfg.Workers] = newShard(1024)
	var total int64
	for _, name := range cfg.Inputs {
		if fi, err := os.Stat(name); err == nil {
			total += fi.Size()
		}
	}
	r.prog.total = total
	stop := r.prog.start(cfg.Progress, cfg.ProgressLive, cfg.ProgressInterval)
	err := r.run(ctx)
	st := r.flush()
	stop(st, err)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// flush gathers the shards' totals: each shard's become a Stats of their
// own, all at once, and the others are then moved into the largest's,
// which was sized for all.
func (r *runner) flush() *Stats {
	n, big := 0, 0
	for i, s := range r.shards {
		n += s.doms.len()
		if s.doms.len() > r.shards[big].doms.len() {
			big = i
		}
	}
	parts := make([]*Stats, len(r.shards))
	var wg sync.WaitGroup
	for i, s := range r.shards {
		size := s.doms.len()
		if i == big {
			size = n
		}
		parts[i] = &Stats{Domains: make(map[string]*Domain, size)}
		wg.Go(func() { s.flush(parts[i]) })
	}
	wg.Wait()
	st := parts[big]
	for i, p := range parts {
		if i != big {
			st.absorb(p)
		}
	}
	return st
}

type runner struct {
	cfg    Config
	shards []*shard
	prog   progress
}

// joins returns the shard for the lines that span chunks, which no worker
// uses: inputs are read one after another, and a stitcher feeds it under
// its lock.
func (r *runner) joins() *shard { return r.shards[r.cfg.Workers] }

func (r *runner) run(ctx context.Context) error {
	for _, name := range r.cfg.Inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.input(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) input(ctx context.Context, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("crawlstats: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("crawlstats: %w", err)
	}
	size := fi.Size()
	var magic [4]byte
	n, _ := f.ReadAt(magic[:], 0)
	gz := n >= 3 && magic[0] == 0x1f && magic[1] == 0x8b && magic[2] == 8
	format := r.cfg.Format
	if format == FormatAuto {
		format = detect(name, magic[:n])
		if isWARC(f, gz) {
			format = FormatWARC
		}
	}
	var lf lineFunc
	header := false
	switch format {
	case FormatParquet:
		if gz {
			return fmt.Errorf("crawlstats: %s: gzip-compressed Parquet: %w", name, ErrFormat)
		}
		return r.parquet(ctx, name, f, size)
	case FormatWARC:
		return r.warcFile(ctx, name, f)
	case FormatCDXJ:
		lf = cdxjLine
	case FormatCSV, FormatTSV:
		lf, header, err = newListFunc(f, gz, format)
		if err != nil {
			return fmt.Errorf("crawlstats: %s: %w", name, err)
		}
	default:
		return fmt.Errorf("crawlstats: %s: format %q: %w", name, format, ErrFormat)
	}
	if gz {
		err = r.gzip(ctx, name, f, size, lf, header)
	} else {
		err = r.plain(ctx, name, f, size, lf, header)
	}
	if err != nil {
		return fmt.Errorf("crawlstats: %s: %w", name, err)
	}
	return nil
}

// isWARC reports whether the file starts with a WARC version line, after
// decompression if it is compressed.
func isWARC(f io.ReaderAt, gz bool) bool {
	var src io.Reader = io.NewSectionReader(f, 0, 1<<62)
	if gz {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return false
		}
		src = zr
	}
	var b [5]byte
	_, err := io.ReadFull(src, b[:])
	return err == nil && string(b[:]) == "WARC/"
}

func detect(name string, magic []byte) Format {
	if string(magic) == "PAR1" {
		return FormatParquet
	}
	base := strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".gz"))
	switch filepath.Ext(base) {
	case ".csv":
		return FormatCSV
	case ".tsv", ".tab":
		return FormatTSV
	case ".parquet":
		return FormatParquet
	}
	return FormatCDXJ
}

// parallel runs task(worker, i) for i in [0, n) on the workers and returns
// the first error.
func (r *runner) parallel(ctx context.Context, n int, task func(ctx context.Context, w, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := range min(r.cfg.Workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				err := ctx.Err()
				if err == nil {
					err = task(ctx, w, i)
				}
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func unixTime(sec int64) time.Time {
	return time.Unix(sec, 0).UTC()
}
