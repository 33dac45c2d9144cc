package crawlstats_test

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/ccparquet"
	"github.com/gpai-project/gpai/crawlstats"
	"github.com/parquet-go/parquet-go"
)

// pqRow is a row of a generated Parquet file, every column optional.
type pqRow struct {
	Host   *string    `parquet:"url_host_name,optional,dict"`
	Domain *string    `parquet:"url_host_private_domain,optional,dict"`
	Length *int32     `parquet:"warc_record_length,optional"`
	Time   *time.Time `parquet:"fetch_time,optional,timestamp(millisecond)"`
}

// ccRow has the columns of Common Crawl's index: required but the domain.
type ccRow struct {
	Host   string    `parquet:"url_host_name,dict"`
	Domain *string   `parquet:"url_host_private_domain,optional,dict"`
	Length int32     `parquet:"warc_record_length"`
	Time   time.Time `parquet:"fetch_time,timestamp(millisecond)"`
}

// noDomainRow lacks the domain column.
type noDomainRow struct {
	Host   *string    `parquet:"url_host_name,optional"`
	Length *int32     `parquet:"warc_record_length,optional"`
	Time   *time.Time `parquet:"fetch_time,optional,timestamp(millisecond)"`
}

// pqRows returns rows in SURT order, with runs of IP addresses (no
// domain), upper-case names and trailing dots, and NULLs, empty hosts and
// negative lengths if malformed is set.
func pqRows(n int, malformed bool) []pqRow {
	rng := rand.New(rand.NewPCG(3, 4))
	str := func(s string) *string { return &s }
	rows := make([]pqRow, n)
	t0 := time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		site := i / 9
		host := fmt.Sprintf("w%d.site%d.blogspot.com", i%4, site)
		domain := fmt.Sprintf("site%d.blogspot.com", site)
		switch site % 5 {
		case 1:
			host, domain = strings.ToUpper(host), strings.ToUpper(domain)
		case 2:
			host += "."
		}
		length := int32(300 + rng.IntN(50000))
		at := t0.Add(time.Duration(rng.IntN(86400*10)) * time.Second)
		r := pqRow{str(host), str(domain), &length, &at}
		if i%800 >= 100 && i%800 < 150 {
			r.Host, r.Domain = str(fmt.Sprintf("192.168.%d.%d", site%256, i%4)), nil
		}
		if malformed {
			switch rng.IntN(30) {
			case 0:
				r.Host = nil
			case 1:
				r.Host = str("")
			case 2:
				r.Domain = nil
			case 3:
				r.Length = nil
			case 4:
				r.Length = new(int32(-7))
			case 5:
				r.Time = nil
			}
		}
		rows[i] = r
	}
	return rows
}

func writeParquet[T any](t *testing.T, rows []T, opts ...parquet.WriterOption) string {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b, opts...)
	for i := range rows { // row by row, for pages of different rows in each column
		if _, err := w.Write(rows[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "gen.parquet", b.Bytes())
}

// parquetStats computes what Run should return for a Parquet file, row by
// row with ccparquet's Row and Stats' methods.
func parquetStats(t *testing.T, path string, useDomain bool) *crawlstats.Stats {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ccparquet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	normal := func(h []byte) string { return strings.ToLower(strings.TrimSuffix(string(h), ".")) }
	st := &crawlstats.Stats{Domains: map[string]*crawlstats.Domain{}}
	var row int64
	for i := range f.NumRowGroups() {
		rg := f.RowGroup(i)
		for ; rg.Next(); row++ {
			x := rg.Row()
			switch {
			case len(x.Host) == 0:
				st.AddMalformed("missing_host", path, row, nil)
			case x.Length < 0:
				st.AddMalformed("missing_length", path, row, x.Host)
			default:
				var at time.Time
				if x.HasTime {
					at = time.Unix(x.Unix, 0).UTC()
				}
				if useDomain && x.Domain != nil {
					st.AddDomain(normal(x.Domain), x.Length, at)
				} else {
					st.AddHost(normal(x.Host), x.Length, at)
				}
			}
		}
		if err := rg.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestParquetRows checks Run on Parquet files with malformed rows, NULLs
// and pages of every kind against parquetStats.
func TestParquetRows(t *testing.T) {
	rows := pqRows(4000, true)
	clean := pqRows(4000, false)
	small := []parquet.WriterOption{parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(900), parquet.DictionaryMaxBytes(1500)}
	files := []struct {
		name, path string
		malformed  bool
	}{
		{"optional", writeParquet(t, rows, small...), true},
		{"optional/large pages", writeParquet(t, rows, parquet.MaxRowsPerRowGroup(1500)), true},
		{"cc", writeParquet(t, convertRows(clean, func(r pqRow) ccRow { return ccRow{*r.Host, r.Domain, *r.Length, *r.Time} }), small...), false},
		{"cc/no statistics", writeParquet(t, convertRows(clean, func(r pqRow) ccRow { return ccRow{*r.Host, r.Domain, *r.Length, *r.Time} }),
			append(small, parquet.SkipPageBounds("url_host_name"))...), false},
		{"no domain", writeParquet(t, convertRows(rows, func(r pqRow) noDomainRow { return noDomainRow{r.Host, r.Length, r.Time} }), small...), true},
	}
	for _, f := range files {
		for _, psl := range []bool{false, true} {
			want := parquetStats(t, f.path, !psl)
			if f.malformed && len(want.Malformed) != 2 || !f.malformed && len(want.Malformed) != 0 {
				t.Fatalf("%s: malformed rows %v", f.name, want.Malformed)
			}
			sortExamples(want)
			for _, workers := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/psl=%v/%d workers", f.name, psl, workers), func(t *testing.T) {
					got := run(t, crawlstats.Config{Inputs: []string{f.path}, Workers: workers, IgnoreDomainColumn: psl})
					sortExamples(got)
					if diff := gocmp.Diff(want, got); diff != "" {
						t.Errorf("Run differs from the rows (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

func convertRows[T, U any](rows []T, f func(T) U) []U {
	out := make([]U, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

func sortExamples(st *crawlstats.Stats) {
	slices.SortFunc(st.Examples, func(a, b crawlstats.Example) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Offset, b.Offset))
	})
}
