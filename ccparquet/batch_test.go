package ccparquet_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gpai-project/gpai/ccparquet"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// want is a row as written: nil pointers are NULLs.
type want struct {
	host, domain *string
	length       *int64
	unix         *int64 // seconds
}

// wantRows returns n rows with NULLs in each column, runs of rows without
// a domain (as IP addresses are in SURT order), empty hosts, and
// negative lengths if nulls is set.
func wantRows(n int, nulls bool) []want {
	rng := rand.New(rand.NewPCG(1, 2))
	str := func(s string) *string { return &s }
	num := func(v int64) *int64 { return &v }
	rows := make([]want, n)
	for i := range rows {
		site := i / 7 // SURT order: a site's rows come together
		r := &rows[i]
		r.domain = str(fmt.Sprintf("site%d.example", site))
		r.host = str(fmt.Sprintf("www%d.site%d.example", i%3, site))
		r.length = num(int64(300 + rng.IntN(100000)))
		r.unix = num(time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC).Unix() + int64(rng.IntN(86400*14)))
		if i%1000 >= 100 && i%1000 < 160 { // a run of IP addresses
			r.host, r.domain = str(fmt.Sprintf("10.0.%d.%d", site%256, i%3)), nil
		}
		if !nulls {
			continue
		}
		switch rng.IntN(40) {
		case 0:
			r.host = nil
		case 1:
			r.host = str("")
		case 2:
			r.domain = nil
		case 3:
			r.length = nil
		case 4:
			r.length = num(-5)
		case 5:
			r.unix = nil
		}
	}
	return rows
}

func write[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b, opts...)
	// row by row: the writer ends a column's page when it is full after
	// a write, and pages of different sizes end on different rows
	for i := range rows {
		if _, err := w.Write(rows[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// convert maps the rows to the struct written.
func convert[T any](rows []want, f func(w want) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

func ptr[T any](p *int64, f func(int64) T) *T {
	if p == nil {
		return nil
	}
	v := f(*p)
	return &v
}

func or[T any](p *T, v T) T {
	if p == nil {
		return v
	}
	return *p
}

// Optional columns, dictionary-encoded strings, INT32 lengths and times
// in milliseconds.
type optionalRow struct {
	Host   *string    `parquet:"url_host_name,optional,dict"`
	Domain *string    `parquet:"url_host_private_domain,optional,dict"`
	Length *int32     `parquet:"warc_record_length,optional"`
	Time   *time.Time `parquet:"fetch_time,optional,timestamp(millisecond)"`
}

func toOptional(w want) optionalRow {
	return optionalRow{w.host, w.domain, ptr(w.length, func(v int64) int32 { return int32(v) }),
		ptr(w.unix, func(v int64) time.Time { return time.Unix(v, 789e6) })}
}

// Plain strings, INT64 lengths and times in microseconds.
type plainRow struct {
	Host   *string   `parquet:"url_host_name,optional"`
	Domain *string   `parquet:"url_host_private_domain,optional"`
	Length *int64    `parquet:"warc_record_length,optional"`
	Time   time.Time `parquet:"fetch_time,timestamp(microsecond)"`
}

func toPlain(w want) plainRow {
	return plainRow{w.host, w.domain, w.length, time.Unix(*w.unix, 999999e3)}
}

// No domain column, INT96 times.
type int96Row struct {
	Host   string            `parquet:"url_host_name,dict"`
	Length int64             `parquet:"warc_record_length"`
	Time   *deprecated.Int96 `parquet:"fetch_time,optional"`
}

func toInt96(w want) int96Row {
	var t *deprecated.Int96
	if w.unix != nil {
		// Julian day, then nanoseconds of the day
		nanos := uint64(*w.unix%86400)*1e9 + 123456789
		t = &deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(*w.unix/86400 + 2440588)}
	}
	return int96Row{or(w.host, ""), or(w.length, -1), t}
}

// The layout of Common Crawl's index: required host, length and time.
type ccRow struct {
	Host   string    `parquet:"url_host_name,dict"`
	Domain *string   `parquet:"url_host_private_domain,optional,dict"`
	Length int32     `parquet:"warc_record_length"`
	Time   time.Time `parquet:"fetch_time,timestamp(millisecond)"`
	URL    string    `parquet:"url"`
}

func toCC(w want) ccRow {
	return ccRow{*w.host, w.domain, int32(*w.length), time.Unix(*w.unix, 0), "https://" + *w.host + "/"}
}

type batchFile struct {
	name string
	data []byte
	want []want
	// what the file leaves out
	noDomain, noTime, noNullHost bool
	hostsFull                    bool // HostsFull for every row group
}

func batchFiles(t testing.TB) []batchFile {
	rows := wantRows(3000, true)
	clean := wantRows(3000, false)
	// Tiny pages, of different numbers of rows in each column, so that
	// their ends do not line up; small dictionaries, so that the
	// writer falls back to plain pages within a column chunk.
	small := []parquet.WriterOption{parquet.PageBufferSize(256), parquet.MaxRowsPerRowGroup(1100), parquet.DictionaryMaxBytes(700)}
	v1 := append([]parquet.WriterOption{parquet.DataPageVersion(1)}, small...)
	return []batchFile{
		{name: "optional", data: write(t, convert(rows, toOptional), small...), want: rows},
		{name: "optional/page v1", data: write(t, convert(rows, toOptional), v1...), want: rows},
		{name: "optional/large pages", data: write(t, convert(rows, toOptional), parquet.MaxRowsPerRowGroup(1100)), want: rows},
		{name: "plain", data: write(t, convert(clean, toPlain), small...), want: clean},
		{name: "int96", data: write(t, convert(rows, toInt96), small...), want: rows, noDomain: true, noNullHost: true},
		{name: "cc", data: write(t, convert(clean, toCC), small...), want: clean, hostsFull: true},
		{name: "cc/page v1", data: write(t, convert(clean, toCC), v1...), want: clean, hostsFull: true},
		{name: "cc/no statistics", data: write(t, convert(clean, toCC), append(small, parquet.SkipPageBounds("url_host_name"))...), want: clean},
	}
}

// expected returns what Row should hold for w.
func (f *batchFile) expected(w want) (host, domain []byte, length, unix int64, hasTime bool) {
	if w.host != nil {
		host = []byte(*w.host)
	}
	if f.noNullHost && host == nil {
		host = []byte{}
	}
	if w.domain != nil && !f.noDomain {
		domain = []byte(*w.domain)
	}
	length = or(w.length, -1)
	if w.unix != nil {
		unix, hasTime = *w.unix, true
	}
	return
}

func TestRowsOfBatchFiles(t *testing.T) {
	for _, f := range batchFiles(t) {
		t.Run(f.name, func(t *testing.T) {
			pf := open(t, f.data)
			if pf.NumRowGroups() < 2 {
				t.Errorf("%d row groups", pf.NumRowGroups())
			}
			n := 0
			for g := range pf.NumRowGroups() {
				rg := pf.RowGroup(g)
				ids := map[[2]int32]string{}
				for rg.Next() {
					x := rg.Row()
					host, domain, length, unix, hasTime := f.expected(f.want[n])
					if !bytes.Equal(x.Host, host) || (x.Host == nil) != (host == nil) || !bytes.Equal(x.Domain, domain) ||
						(x.Domain == nil) != (domain == nil) || x.Length != length || x.Unix != unix || x.HasTime != hasTime {
						t.Fatalf("row %d = %q %q %d %d %v, want %q %q %d %d %v", n,
							x.Host, x.Domain, x.Length, x.Unix, x.HasTime, host, domain, length, unix, hasTime)
					}
					checkID(t, ids, 0, x.HostID, x.Host)
					checkID(t, ids, 1, x.DomainID, x.Domain)
					n++
				}
				if err := rg.Err(); err != nil {
					t.Fatal(err)
				}
			}
			if n != len(f.want) {
				t.Errorf("%d rows, want %d", n, len(f.want))
			}
		})
	}
}

// checkID checks that a dictionary index names one value in a row group.
func checkID(t *testing.T, ids map[[2]int32]string, col, id int32, v []byte) {
	t.Helper()
	if id < 0 {
		return
	}
	k := [2]int32{col, id}
	if s, ok := ids[k]; ok && s != string(v) {
		t.Fatalf("column %d: id %d is %q and %q", col, id, s, v)
	}
	ids[k] = string(v)
}

// TestBatches reads the files a batch at a time, asking for the hosts of
// every batch, of none, or of some, as a caller that needs them only
// where the domain is NULL does.
func TestBatches(t *testing.T) {
	for _, f := range batchFiles(t) {
		for _, mode := range []string{"all hosts", "no hosts", "some hosts"} {
			t.Run(f.name+"/"+mode, func(t *testing.T) {
				pf := open(t, f.data)
				n, batches, shortened := 0, 0, 0
				dict := map[bool]bool{} // Dict of the host pages seen
				for g := range pf.NumRowGroups() {
					rg := pf.RowGroup(g)
					if rg.HostsFull() != f.hostsFull {
						t.Errorf("row group %d: HostsFull = %v", g, rg.HostsFull())
					}
					ids := map[[2]int32]string{}
					var row int64
					for rg.NextBatch() {
						b := rg.Batch()
						var hosts *ccparquet.Strings
						if mode == "all hosts" || mode == "some hosts" && (!b.Domain.Full || batches%3 == 0) {
							before := b.Len
							if hosts = rg.Hosts(); hosts == nil {
								t.Fatalf("Hosts = nil: %v", rg.Err())
							}
							if b.Len < before {
								shortened++
							}
							if len(hosts.ID) != b.Len || hosts != rg.Hosts() {
								t.Fatalf("%d hosts for %d rows", len(hosts.ID), b.Len)
							}
						}
						batches++
						if b.Row != row || b.Len <= 0 || len(b.Domain.ID) != b.Len || len(b.Length) != b.Len || len(b.Unix) != b.Len {
							t.Fatalf("batch at row %d: Row %d, Len %d, %d %d %d values", row, b.Row, b.Len, len(b.Domain.ID), len(b.Length), len(b.Unix))
						}
						row += int64(b.Len)
						checkStrings(t, &b.Domain, ids, 1)
						if hosts != nil {
							checkStrings(t, hosts, ids, 0)
							dict[hosts.Dict] = true
						}
						for k := range b.Len {
							host, domain, length, unix, hasTime := f.expected(f.want[n])
							if d := b.Domain.ID[k]; (d < 0) != (domain == nil) || d >= 0 && string(b.Domain.Value(d)) != string(domain) {
								t.Fatalf("row %d: domain %d, want %q", n, d, domain)
							}
							if hosts != nil {
								if h := hosts.ID[k]; (h < 0) != (host == nil) || h >= 0 && string(hosts.Value(h)) != string(host) {
									t.Fatalf("row %d: host %d, want %q", n, h, host)
								}
							}
							u := b.Unix[k]
							if b.Length[k] != length || hasTime && u != unix || !hasTime && u != ccparquet.NoTime {
								t.Fatalf("row %d: %d %d, want %d %d %v", n, b.Length[k], u, length, unix, hasTime)
							}
							if f.hostsFull && len(host) == 0 {
								t.Fatalf("row %d: HostsFull, but no host", n)
							}
							n++
						}
					}
					if err := rg.Err(); err != nil {
						t.Fatal(err)
					}
					if rg.Hosts() != nil {
						t.Error("Hosts after the last batch != nil")
					}
					if row != rg.NumRows() {
						t.Errorf("row group %d: %d rows in batches, want %d", g, row, rg.NumRows())
					}
				}
				if n != len(f.want) {
					t.Errorf("%d rows, want %d", n, len(f.want))
				}
				if mode == "some hosts" && f.name == "optional" && shortened == 0 {
					t.Error("Hosts never shortened a batch")
				}
				if mode == "all hosts" && f.name == "optional" && len(dict) != 2 {
					t.Error("no mix of dictionary and plain pages")
				}
			})
		}
	}
}

// checkStrings checks Full and Dict of a string column of a batch.
func checkStrings(t *testing.T, s *ccparquet.Strings, ids map[[2]int32]string, col int32) {
	t.Helper()
	for _, id := range s.ID {
		if s.Full && (id < 0 || len(s.Value(id)) == 0) {
			t.Fatalf("column %d: Full, but a value is NULL or empty", col)
		}
		if id >= int32(s.NumValues()) {
			t.Fatalf("column %d: id %d of %d values", col, id, s.NumValues())
		}
		if s.Dict && id >= 0 {
			checkID(t, ids, col, id, s.Value(id))
		}
	}
}

// readBatches reads every row group a batch at a time, asking for the
// hosts of every other batch, and returns the first error.
func readBatches(pf *ccparquet.File) error {
	for g := range pf.NumRowGroups() {
		rg := pf.RowGroup(g)
		for i := 0; rg.NextBatch(); i++ {
			b := rg.Batch()
			if i%2 == 0 {
				if h := rg.Hosts(); h != nil {
					for _, id := range h.ID {
						if id >= 0 {
							_ = h.Value(id)
						}
					}
				}
			}
			for _, id := range b.Domain.ID {
				if id >= 0 {
					_ = b.Domain.Value(id)
				}
			}
		}
		if err := rg.Err(); err != nil {
			return err
		}
	}
	return nil
}

// TestCorrupt reads files with a byte changed here and there: errors,
// never panics.
func TestCorrupt(t *testing.T) {
	rows := wantRows(2000, true)
	opts := []parquet.WriterOption{parquet.PageBufferSize(2048), parquet.MaxRowsPerRowGroup(700), parquet.DictionaryMaxBytes(2000)}
	errs := 0
	for _, data := range [][]byte{
		write(t, convert(rows, toOptional), opts...),
		write(t, convert(rows, toInt96), opts...),
		write(t, convert(wantRows(2000, false), toCC), opts...),
	} {
		// 300 bytes spread over the file, and the last 200 (the footer)
		for j := range 500 {
			i := 4 + j*(len(data)-4)/300
			if j >= 300 {
				i = len(data) - 8 - (j - 300)
			}
			b := bytes.Clone(data)
			b[i] ^= 0x5a
			pf, err := ccparquet.Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				continue
			}
			if readBatches(pf) != nil {
				errs++
			}
			for g := range pf.NumRowGroups() {
				rg := pf.RowGroup(g)
				for rg.Next() {
				}
			}
		}
	}
	if errs == 0 {
		t.Error("no corrupt file was found corrupt")
	}
}

func BenchmarkBatches(b *testing.B) {
	data := write(b, convert(wantRows(200000, false), toCC), parquet.MaxRowsPerRowGroup(50000))
	f := open(b, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		for i := range f.NumRowGroups() {
			rg := f.RowGroup(i)
			for rg.NextBatch() {
				rows += int64(rg.Batch().Len)
			}
			if err := rg.Err(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}
