package warc_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/warc"
)

type rec struct {
	Type, URI      string
	Offset, Length int64
}

func readAll(t testing.TB, b []byte) ([]rec, error) {
	t.Helper()
	var out []rec
	r := warc.NewReader(bytes.NewReader(b))
	for r.Next() {
		x := r.Record()
		out = append(out, rec{x.Type, x.TargetURI, x.Offset, x.Length})
	}
	return out, r.Err()
}

func TestSample(t *testing.T) {
	types := []string{"warcinfo", "request", "response", "metadata", "response", "revisit", "response", "resource"}
	uris := []string{"", "https://www.example.com/", "https://www.example.com/", "https://www.example.com/",
		"http://foo.blogspot.com/a", "https://example.com/", "http//bad/x", "https://docs.example.org/f.pdf"}
	tests := []struct {
		file    string
		lengths []int64
	}{
		// gzip: each record is a member; Length is the member's size
		{"testdata/sample.warc.gz", []int64{160, 180, 193, 170, 197, 220, 163, 170}},
		{"testdata/sample.warc", []int64{178, 206, 228, 183, 3195, 264, 172, 184}},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, b)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		var want []rec
		var off int64
		for i := range types {
			want = append(want, rec{types[i], uris[i], off, tt.lengths[i]})
			off += tt.lengths[i]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
		if off != int64(len(b)) {
			t.Errorf("%s: lengths sum to %d, file has %d bytes", tt.file, off, len(b))
		}
	}
}

func TestFields(t *testing.T) {
	b, _ := os.ReadFile("testdata/sample.warc")
	r := warc.NewReader(bytes.NewReader(b))
	for r.Next() {
		x := r.Record()
		if x.Type != "revisit" {
			continue
		}
		want := time.Date(2024, 8, 4, 12, 0, 0, 123e6, time.UTC)
		if !x.Date.Equal(want) || x.Version != "WARC/1.1" || x.Get("warc-profile") == "" || x.ContentLength != 19 {
			t.Errorf("revisit record = %+v", x)
		}
	}
}

// TestMultiRecordMember reads a file compressed as one gzip member: the
// lengths are then the uncompressed ones.
func TestMultiRecordMember(t *testing.T) {
	plain, _ := os.ReadFile("testdata/sample.warc")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(plain)
	zw.Close()
	got, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 || got[4].Length != 3195 {
		t.Errorf("records = %+v", got)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not warc", "hello\r\n"},
		{"no content length", "WARC/1.1\r\nWARC-Type: response\r\n\r\n"},
		{"bad content length", "WARC/1.1\r\nContent-Length: x\r\n\r\n"},
		{"short block", "WARC/1.1\r\nContent-Length: 100\r\n\r\nabc"},
		{"truncated header", "WARC/1.1\r\nContent-Len"},
		{"bad header line", "WARC/1.1\r\nno colon\r\n\r\n"},
	}
	for _, tt := range tests {
		_, err := readAll(t, []byte(tt.in))
		if err == nil {
			t.Errorf("%s: Err() = nil", tt.name)
		}
		if !strings.HasPrefix(err.Error(), "warc: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
	_, err := readAll(t, []byte("hello\r\n"))
	if !errors.Is(err, warc.ErrFormat) {
		t.Errorf("Err() = %v, want ErrFormat", err)
	}
	// corrupt gzip: a flipped byte in the second member's data
	b, _ := os.ReadFile("testdata/sample.warc.gz")
	b = bytes.Clone(b)
	b[160+30] ^= 0xff
	if _, err := readAll(t, b); err == nil {
		t.Error("corrupt gzip: Err() = nil")
	}
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{"testdata/sample.warc", "testdata/sample.warc.gz"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := warc.NewReader(bytes.NewReader(b))
		n := 0
		for r.Next() {
			if x := r.Record(); x.Length < 0 || x.ContentLength < 0 {
				t.Fatalf("record %+v", x)
			}
			n++
		}
		_ = r.Err()
	})
}

func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile("testdata/sample.warc.gz")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := warc.NewReader(bytes.NewReader(data))
		for r.Next() {
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
	}
}
