package crawlstats_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/crawlstats"
)

const (
	gzPath      = "testdata/cc5k.cdxj.gz"
	parquetPath = "testdata/cc5k.parquet"
	truthPath   = "testdata/cc5k.truth.csv"
	statsPath   = "testdata/cc5k.stats.json"
)

// genStats is the part of the generator's summary the tests check.
type genStats struct {
	Lines     int64            `json:"lines"`
	Valid     int64            `json:"valid_records"`
	Malformed map[string]int64 `json:"malformed_by_kind"`
	Bytes     int64            `json:"total_bytes"`
	Domains   int              `json:"domains_with_valid_records"`
	Top10     int              `json:"top10pct_domain_count"`
	Top10B    int64            `json:"top10pct_bytes"`
}

func readGenStats(t testing.TB) genStats {
	b, err := os.ReadFile(statsPath)
	if err != nil {
		t.Fatal(err)
	}
	var g genStats
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// plainFile decompresses the gzip test data into a temporary file.
func plainFile(t testing.TB) string {
	t.Helper()
	f, err := os.Open(gzPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "cc5k.cdxj", b)
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// gzipOne compresses b as a single gzip member.
func gzipOne(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// gzipMembers compresses b as gzip members of n uncompressed bytes each,
// cutting lines as bgzip does.
func gzipMembers(t testing.TB, b []byte, n int) []byte {
	var out []byte
	for len(b) > 0 {
		m := min(n, len(b))
		out = append(out, gzipOne(t, b[:m])...)
		b = b[m:]
	}
	return out
}

func csvOf(t testing.TB, st *crawlstats.Stats) string {
	t.Helper()
	var b strings.Builder
	if err := crawlstats.WriteCSV(&b, st.Ranking()); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func run(t testing.TB, cfg crawlstats.Config) *crawlstats.Stats {
	t.Helper()
	st, err := crawlstats.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run(%v) = %v", cfg.Inputs, err)
	}
	return st
}

// TestTruth checks every format against the generator's truth, with
// several worker counts and chunk sizes (small chunks cut lines and gzip
// members across tasks).
func TestTruth(t *testing.T) {
	truth, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	g := readGenStats(t)
	plain := plainFile(t)
	text, _ := os.ReadFile(plain)
	single := writeTemp(t, "single.cdxj.gz", gzipOne(t, text))
	midLine := writeTemp(t, "midline.cdxj.gz", gzipMembers(t, text, 1000))
	noNL := writeTemp(t, "nonl.cdxj", bytes.TrimSuffix(text, []byte("\n")))
	crlf := writeTemp(t, "crlf.cdxj", bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n")))

	tests := []struct {
		name      string
		input     string
		workers   int
		chunk     int
		malformed bool // the input has the malformed lines
		psl       bool // IgnoreDomainColumn
	}{
		{"plain", plain, 0, 0, true, false},
		{"plain/1 worker", plain, 1, 0, true, false},
		{"plain/small chunks", plain, 3, 4093, true, false},
		{"plain/tiny chunks", plain, 2, 97, true, false},
		{"plain/no final newline", noNL, 2, 65536, true, false},
		{"plain/CRLF", crlf, 2, 65536, true, false},
		{"gzip members", gzPath, 0, 0, true, false},
		{"gzip members/1 worker", gzPath, 1, 0, true, false},
		{"gzip members/small ranges", gzPath, 3, 5000, true, false},
		{"gzip members/tiny ranges", gzPath, 2, 600, true, false},
		{"gzip single member", single, 2, 8192, true, false},
		{"gzip members cutting lines", midLine, 2, 20000, true, false},
		{"gzip members cutting lines/tiny ranges", midLine, 3, 300, true, false},
		{"parquet", parquetPath, 0, 0, false, false},
		{"parquet/1 worker", parquetPath, 1, 0, false, false},
		{"parquet/own PSL", parquetPath, 2, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := run(t, crawlstats.Config{Inputs: []string{tt.input}, Workers: tt.workers, ChunkSize: tt.chunk, IgnoreDomainColumn: tt.psl})
			if diff := cmp.Diff(string(truth), csvOf(t, st)); diff != "" {
				t.Errorf("CSV differs from the truth (-want +got):\n%s", diff)
			}
			if st.Records != g.Valid || st.Bytes != g.Bytes || len(st.Domains) != g.Domains {
				t.Errorf("records, bytes, domains = %d, %d, %d, want %d, %d, %d",
					st.Records, st.Bytes, len(st.Domains), g.Valid, g.Bytes, g.Domains)
			}
			if tt.malformed {
				if diff := cmp.Diff(g.Malformed, st.Malformed); diff != "" {
					t.Errorf("malformed kinds differ (-want +got):\n%s", diff)
				}
				if st.Lines != g.Lines {
					t.Errorf("lines = %d, want %d", st.Lines, g.Lines)
				}
				if len(st.Examples) != 4*crawlstats.MaxExamples {
					t.Errorf("%d examples, want %d", len(st.Examples), 4*crawlstats.MaxExamples)
				}
			}
			top := st.RuleList(false)
			var topBytes int64
			for _, r := range top {
				topBytes += r.Bytes
			}
			if len(top) != g.Top10 || topBytes != g.Top10B {
				t.Errorf("top 10%%: %d domains, %d bytes; want %d, %d", len(top), topBytes, g.Top10, g.Top10B)
			}
		})
	}
}

// TestExamplesDeterministic checks that the kept examples do not depend
// on the number of workers or on the chunking.
func TestExamplesDeterministic(t *testing.T) {
	plain := plainFile(t)
	want := run(t, crawlstats.Config{Inputs: []string{plain}, Workers: 1}).Examples
	for _, chunk := range []int{1000, 50000} {
		got := run(t, crawlstats.Config{Inputs: []string{plain}, Workers: 3, ChunkSize: chunk}).Examples
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chunk %d: examples differ (-1 worker +3 workers):\n%s", chunk, diff)
		}
	}
	for _, e := range want {
		if e.Offset < 0 || e.Line == "" || e.Input != plain {
			t.Errorf("bad example %+v", e)
		}
	}
}

// TestMerge splits the manifest into shards, runs each, writes the
// results as JSON, reads them back and merges them: the result must equal
// one run over the whole manifest.
func TestMerge(t *testing.T) {
	plain := plainFile(t)
	text, _ := os.ReadFile(plain)
	lines := bytes.SplitAfter(text, []byte("\n"))
	whole := run(t, crawlstats.Config{Inputs: []string{plain}})

	for _, n := range []int{2, 3, 7} {
		merged := &crawlstats.Stats{}
		per := (len(lines) + n - 1) / n
		for i := 0; i < len(lines); i += per {
			part := bytes.Join(lines[i:min(i+per, len(lines))], nil)
			name := writeTemp(t, "part.cdxj", part)
			st := run(t, crawlstats.Config{Inputs: []string{name}})
			var buf bytes.Buffer
			if err := st.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			back, err := crawlstats.ReadJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			merged.Merge(back)
		}
		// examples name their shard's file, so compare them apart
		if len(merged.Examples) != len(whole.Examples) {
			t.Errorf("%d shards: %d examples, want %d", n, len(merged.Examples), len(whole.Examples))
		}
		w, m := *whole, *merged
		w.Examples, m.Examples = nil, nil
		if diff := cmp.Diff(w, m); diff != "" {
			t.Errorf("%d shards: merged Stats differ (-whole +merged):\n%s", n, diff)
		}
	}

	// Inputs of several formats in one run equal the merge of their runs.
	both := run(t, crawlstats.Config{Inputs: []string{gzPath, parquetPath}})
	a := run(t, crawlstats.Config{Inputs: []string{gzPath}})
	a.Merge(run(t, crawlstats.Config{Inputs: []string{parquetPath}}))
	if diff := cmp.Diff(a, both); diff != "" {
		t.Errorf("Run(gzip, parquet) differs from the merge of the two runs:\n%s", diff)
	}
}

// TestTimes checks first and last capture times against the CDXJ lines.
func TestTimes(t *testing.T) {
	plain := run(t, crawlstats.Config{Inputs: []string{gzPath}})
	pq := run(t, crawlstats.Config{Inputs: []string{parquetPath}})
	if diff := cmp.Diff(plain.Domains, pq.Domains); diff != "" {
		t.Errorf("CDXJ and Parquet domains differ (-cdxj +parquet):\n%s", diff)
	}
	for name, d := range plain.Domains {
		if d.First.IsZero() || d.Last.Before(d.First) || d.First.Year() != 2024 {
			t.Errorf("%s: first %v, last %v", name, d.First, d.Last)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		file    string
		want    string
	}{
		{"parquet of another schema", otherParquet(t), "x.parquet", "no column \"url_host_name\""},
		{"corrupt gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00garbage"), "x.cdxj.gz", "gzip member at offset 0"},
		{"list without columns", []byte("a,b\nc,d\n"), "x.csv", "cannot find the URL and size columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTemp(t, tt.file, tt.content)
			_, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{p}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run(%s) = %v, want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
	if _, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{"testdata/missing"}}); err == nil {
		t.Error("Run(missing file) = nil error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := crawlstats.Run(ctx, crawlstats.Config{Inputs: []string{gzPath}}); err == nil {
		t.Error("Run(cancelled context) = nil error")
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                string // CSV
		malformed           map[string]int64
	}{
		{
			name: "csv with header", file: "l.csv",
			content:   "url,size,timestamp\nhttps://www.Example.co.uk/a,100,20240802103102\n\"http://a.b.blogspot.com/x,y\",50,20240803000000\nhttp://10.0.0.1:8080/,7,2024-08-02T00:00:00Z\nhttps://,1,20240802103102\nhttp://x.org/,abc,20240802103102\n",
			want:      "domain,records,bytes\nexample.co.uk,1,100\nb.blogspot.com,1,50\n10.0.0.1,1,7\n",
			malformed: map[string]int64{"bad_url": 1, "non_numeric_length": 1},
		},
		{
			name: "tsv without header", file: "l.tsv",
			content: "https://a.example.com/\t10\nhttps://b.example.com/\t5\nhttps://c.example.org\t5\n",
			want:    "domain,records,bytes\nexample.com,2,15\nexample.org,1,5\n",
		},
		{
			name: "size first", file: "l.csv",
			content: "10,https://a.example.com/\n",
			want:    "domain,records,bytes\nexample.com,1,10\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTemp(t, tt.file, []byte(tt.content))
			pz := writeTemp(t, tt.file+".gz", gzipOne(t, []byte(tt.content)))
			for _, in := range []string{p, pz} {
				st := run(t, crawlstats.Config{Inputs: []string{in}, ChunkSize: 16})
				if diff := cmp.Diff(tt.want, csvOf(t, st)); diff != "" {
					t.Errorf("%s: CSV differs (-want +got):\n%s", in, diff)
				}
				if diff := cmp.Diff(tt.malformed, st.Malformed); diff != "" {
					t.Errorf("%s: malformed differs (-want +got):\n%s", in, diff)
				}
			}
		})
	}
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	run(t, crawlstats.Config{Inputs: []string{gzPath}, Progress: &b})
	if !strings.Contains(b.String(), "4957 records") {
		t.Errorf("progress summary = %q, want the record count", b.String())
	}
}

func TestWARC(t *testing.T) {
	want := "domain,records,bytes\nexample.com,2,413\nfoo.blogspot.com,1,197\nexample.org,1,170\n"
	for _, in := range []string{"testdata/sample.warc.gz"} {
		st := run(t, crawlstats.Config{Inputs: []string{in}})
		if diff := cmp.Diff(want, csvOf(t, st)); diff != "" {
			t.Errorf("%s: CSV (-want +got):\n%s", in, diff)
		}
		if st.Lines != 5 || st.Malformed["bad_url"] != 1 {
			t.Errorf("%s: lines %d, malformed %v", in, st.Lines, st.Malformed)
		}
		d := st.Domains["example.com"]
		if d.First.Day() != 2 || d.Last.Day() != 4 {
			t.Errorf("example.com first %v, last %v", d.First, d.Last)
		}
	}
}

// TestLongLine runs inputs holding lines longer than MaxLineSize, which
// span many chunks (and gzip pieces): each is counted once as
// "line_too_long", the lines around it are read, and a line of exactly
// MaxLineSize is not too long.
func TestLongLine(t *testing.T) {
	valid := func(host string) string {
		return "com,example)/ 20240802103102 {\"url\": \"https://" + host + "/\", \"length\": \"10\"}\n"
	}
	long := strings.Repeat("x", 3*crawlstats.MaxLineSize) + "\n"
	edge := valid("edge.example.org")
	edge = edge[:len(edge)-2] + strings.Repeat(" ", crawlstats.MaxLineSize-len(edge)+1) + "}\n" // MaxLineSize bytes and "\n"
	if len(edge) != crawlstats.MaxLineSize+1 {
		t.Fatalf("the edge line has %d bytes", len(edge))
	}
	text := valid("a.example.com") + long + valid("b.example.net") + edge + long[:crawlstats.MaxLineSize+1] + "\n" + valid("c.example.com")
	for _, tt := range []struct {
		file    string
		content []byte
	}{
		{"long.cdxj", []byte(text)},
		{"long.cdxj.gz", gzipMembers(t, []byte(text), 200<<10)},
		{"tail.cdxj", []byte(text + long[:len(long)-1])}, // no final newline
	} {
		t.Run(tt.file, func(t *testing.T) {
			p := writeTemp(t, tt.file, tt.content)
			st, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{p}, ChunkSize: 64 << 10})
			if err != nil {
				t.Fatal(err)
			}
			tooLong := int64(2)
			if strings.HasPrefix(tt.file, "tail") {
				tooLong = 3
			}
			if st.Malformed["line_too_long"] != tooLong || st.Records != 4 || st.Lines != 4+tooLong {
				t.Errorf("lines %d, records %d, malformed %v; want %d lines, 4 records, %d too long",
					st.Lines, st.Records, st.Malformed, 4+tooLong, tooLong)
			}
			for _, d := range []string{"example.com", "example.net", "example.org"} {
				if st.Domains[d] == nil {
					t.Errorf("domain %s missing", d)
				}
			}
		})
	}
}

// TestLongLineMemory reads files that are one line of 24 and of 96 MiB:
// the heap does not grow with the line.
func TestLongLineMemory(t *testing.T) {
	peak := func(size int) uint64 {
		p := writeTemp(t, "one.cdxj", bytes.Repeat([]byte("x"), size))
		runtime.GC()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
		st, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{p}, Workers: 2})
		close(stop)
		<-done
		if err != nil {
			t.Fatal(err)
		}
		if st.Malformed["line_too_long"] != 1 || st.Lines != 1 {
			t.Errorf("%d MiB: lines %d, malformed %v; want one line too long", size>>20, st.Lines, st.Malformed)
		}
		return peak
	}
	small, large := peak(24<<20), peak(96<<20)
	if large > small+16<<20 {
		t.Errorf("heap peaked at %d MiB for a line of 24 MiB, %d MiB for 96 MiB", small>>20, large>>20)
	}
}

// FuzzChunks reads the same CDXJ text in chunks of a few bytes and in one
// chunk, plain and as gzip members of a few lines: the statistics, the
// malformed lines' offsets and examples included, must not depend on
// where the chunks and members cut the lines.
func FuzzChunks(f *testing.F) {
	line := "com,example)/ 20240802103102 {\"url\": \"https://www.example.com/\", \"length\": \"10\"}\n"
	f.Add([]byte(line+line+"x y\n"+line), uint8(7))
	f.Add([]byte("\n\n"+line+"\r\n"+line[:40]), uint8(1))
	f.Add([]byte(strings.ReplaceAll(line, "example", "a.b.example")+line+"net,x)/ 20240802103102 {}\n"), uint8(33))
	f.Fuzz(func(t *testing.T, text []byte, chunk uint8) {
		if len(text) > 4<<10 {
			return
		}
		cfg := func(p string, cs int) crawlstats.Config {
			return crawlstats.Config{Inputs: []string{p}, Format: crawlstats.FormatCDXJ, ChunkSize: cs, Workers: 3, HostCache: 64}
		}
		p := writeTemp(t, "f.cdxj", text)
		whole, err := crawlstats.Run(context.Background(), cfg(p, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		cs := 1 + int(chunk)
		parts, err := crawlstats.Run(context.Background(), cfg(p, cs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(whole, parts); diff != "" {
			t.Fatalf("chunks of %d bytes differ from one chunk (-one +chunks):\n%s", cs, diff)
		}
		// gzip: members of a few lines; offsets are then the members'
		gz := writeTemp(t, "f.cdxj.gz", gzipMembers(t, text, 16+4*cs))
		g1, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{gz}, ChunkSize: 1 << 20, Workers: 3, HostCache: 64})
		if err != nil {
			t.Fatal(err)
		}
		g2, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: []string{gz}, ChunkSize: 64, Workers: 3, HostCache: 64})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(g1, g2); diff != "" {
			t.Fatalf("gzip in chunks of 64 bytes differs from one chunk (-one +chunks):\n%s", diff)
		}
		if g1.Lines != whole.Lines || g1.Records != whole.Records || g1.Bytes != whole.Bytes || !maps.Equal(g1.Malformed, whole.Malformed) {
			t.Fatalf("gzip: lines %d records %d malformed %v; plain: %d %d %v", g1.Lines, g1.Records, g1.Malformed, whole.Lines, whole.Records, whole.Malformed)
		}
	})
}
