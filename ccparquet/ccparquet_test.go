package ccparquet_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/ccparquet"
	"github.com/parquet-go/parquet-go"
)

const testFile = "testdata/cc300.parquet"

func open(t testing.TB, b []byte) *ccparquet.File {
	t.Helper()
	f, err := ccparquet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	return f
}

type row struct {
	Host   string
	Domain string
	ID     int32
	Length int64
	Unix   int64
	Time   bool
}

func readAll(t testing.TB, f *ccparquet.File) []row {
	t.Helper()
	var rows []row
	for i := range f.NumRowGroups() {
		rg := f.RowGroup(i)
		for rg.Next() {
			x := rg.Row()
			rows = append(rows, row{string(x.Host), string(x.Domain), x.HostID, x.Length, x.Unix, x.HasTime})
		}
		if err := rg.Err(); err != nil {
			t.Fatalf("row group %d: %v", i, err)
		}
	}
	return rows
}

func TestTestdata(t *testing.T) {
	b, err := os.ReadFile(testFile)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	if f.NumRows() != 300 || f.NumRowGroups() != 3 {
		t.Errorf("NumRows, NumRowGroups = %d, %d, want 300, 3", f.NumRows(), f.NumRowGroups())
	}
	rows := readAll(t, f)
	var sum int64
	ids := map[int32]string{}
	lo := time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2024, 8, 15, 0, 0, 0, 0, time.UTC).Unix()
	for i, r := range rows {
		sum += r.Length
		if r.Host == "" || !r.Time || r.Unix < lo || r.Unix > hi {
			t.Errorf("row %d = %+v", i, r)
		}
		ip := strings.Trim(r.Host, "0123456789.") == ""
		if ip && r.Domain != "" || !ip && !strings.HasSuffix(r.Host, r.Domain) {
			t.Errorf("row %d: host %q, domain %q", i, r.Host, r.Domain)
		}
		if r.ID >= 0 {
			if h, ok := ids[r.ID]; ok && h != r.Host && i%100 != 0 {
				// IDs are per row group; within one they name one host
				t.Errorf("row %d: id %d is %q and %q", i, r.ID, h, r.Host)
			}
			ids[r.ID] = r.Host
		}
		if i%100 == 99 {
			clear(ids)
		}
	}
	if len(rows) != 300 || sum != 5161563 {
		t.Errorf("%d rows, %d bytes; want 300, 5161563 (the generator's total)", len(rows), sum)
	}
}

// TestTypes reads a file with NULLs, plain encoding, INT64 lengths and
// microsecond times.
func TestTypes(t *testing.T) {
	type rec struct {
		Host   *string   `parquet:"url_host_name,optional"`
		Length *int64    `parquet:"warc_record_length,optional"`
		Time   time.Time `parquet:"fetch_time,timestamp(microsecond)"`
		Other  string    `parquet:"url"`
	}
	s := func(v string) *string { return &v }
	n := func(v int64) *int64 { return &v }
	at := time.Date(2024, 8, 2, 10, 31, 2, 0, time.UTC)
	in := []rec{
		{s("a.example.com"), n(10), at, "x"},
		{nil, n(20), at, "x"},
		{s("b.example.com"), nil, at.Add(time.Hour), "x"},
	}
	var b bytes.Buffer
	if err := parquet.Write(&b, in); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, open(t, b.Bytes()))
	want := []row{
		{"a.example.com", "", -1, 10, at.Unix(), true},
		{"", "", -1, 20, at.Unix(), true},
		{"b.example.com", "", -1, -1, at.Unix() + 3600, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	type noHost struct {
		URL string `parquet:"url"`
	}
	type badType struct {
		Host   int64     `parquet:"url_host_name"`
		Length int32     `parquet:"warc_record_length"`
		Time   time.Time `parquet:"fetch_time,timestamp(millisecond)"`
	}
	tests := []struct {
		name string
		rows any
	}{
		{"no host", []noHost{{"x"}}},
		{"host is a number", []badType{{1, 2, time.Now()}}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		var err error
		switch rows := tt.rows.(type) {
		case []noHost:
			err = parquet.Write(&b, rows)
		case []badType:
			err = parquet.Write(&b, rows)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = ccparquet.Open(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if !errors.Is(err, ccparquet.ErrSchema) {
			t.Errorf("%s: Open = %v, want ErrSchema", tt.name, err)
		}
	}
	if _, err := ccparquet.Open(bytes.NewReader([]byte("not parquet")), 11); err == nil {
		t.Error("Open(not parquet) = nil error")
	}
}

func FuzzOpen(f *testing.F) {
	b, err := os.ReadFile(testFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	// Small files with NULLs and pages of every kind, in pages of version
	// 1. In pages of version 2 the levels' lengths are in the page
	// header, outside the page's checksum: changing one makes the
	// Parquet library decode other bytes as runs of up to 2^31 levels,
	// and run out of memory, which no recover catches.
	small := []parquet.WriterOption{parquet.PageBufferSize(256), parquet.MaxRowsPerRowGroup(100), parquet.DictionaryMaxBytes(300),
		parquet.DataPageVersion(1), parquet.Compression(&parquet.Zstd)}
	f.Add(write(f, convert(wantRows(300, true), toOptional), small...))
	f.Add(write(f, convert(wantRows(300, true), toInt96), small...))
	f.Fuzz(func(t *testing.T, b []byte) {
		pf, err := ccparquet.Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for i := range pf.NumRowGroups() {
			rg := pf.RowGroup(i)
			for rg.Next() {
			}
			_ = rg.Err()
		}
		_ = readBatches(pf)
	})
}

func BenchmarkRowGroups(b *testing.B) {
	data, err := os.ReadFile(testFile)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	f := open(b, data)
	var rows int64
	for b.Loop() {
		for i := range f.NumRowGroups() {
			rg := f.RowGroup(i)
			for rg.Next() {
				rows++
			}
			if err := rg.Err(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}
