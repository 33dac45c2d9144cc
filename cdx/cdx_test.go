package cdx_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gpai-project/gpai/cdx"
)

const line = `com,example)/a 20240802103102 {"url": "https://www.Example.com:8080/a", "mime": "text/html", "status": "200", "length": "1521", "offset": "1058771940", "filename": "crawl-data/x.warc.gz"}`

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		kind   cdx.Kind
		host   string
		length int64
	}{
		{"valid", line, cdx.Valid, "www.example.com", 1521},
		{"numbers", `k 20240802103102 {"url":"http://a.b/","length":17,"status":404}`, cdx.Valid, "a.b", 17},
		{"spaces", `k 20240802103102 { "url" : "http://a.b/" , "length" : "0" } `, cdx.Valid, "a.b", 0},
		{"escaped url", `k 20240802103102 {"url": "http:\/\/A.b\/x\"y", "length": "5"}`, cdx.Valid, "a.b", 5},
		{"escaped key", `k 20240802103102 {"x\"y": "1", "url": "http://a.b/", "length": "5"}`, cdx.Valid, "a.b", 5},
		{"user and port", `k 20240802103102 {"url": "http://u:p@h.example.org:81/", "length": "5"}`, cdx.Valid, "h.example.org", 5},
		{"ipv6", `k 20240802103102 {"url": "http://[2001:DB8::1]:80/", "length": "5"}`, cdx.Valid, "2001:db8::1", 5},
		{"trailing dot", `k 20240802103102 {"url": "http://a.b./", "length": "5"}`, cdx.Valid, "a.b", 5},
		{"short timestamp", `k 2024 {"url": "http://a.b/", "length": "5"}`, cdx.Valid, "a.b", 5},
		{"no fields", `k 20240802103102`, cdx.BadKey, "", 0},
		{"no json", `k 20240802103102 url`, cdx.BadKey, "", 0},
		{"bad timestamp", `k 2024080210310x {"url": "http://a.b/", "length": "5"}`, cdx.BadTimestamp, "", 0},
		{"bad date", `k 20240231103102 {"url": "http://a.b/", "length": "5"}`, cdx.BadTimestamp, "", 0},
		{"truncated", line[:len(line)-20], cdx.TruncatedJSON, "", 0},
		{"truncated in key", `k 20240802103102 {"url": "http://a.b/", "len`, cdx.TruncatedJSON, "", 0},
		{"truncated after colon", `k 20240802103102 {"url": "http://a.b/", "length": `, cdx.TruncatedJSON, "", 0},
		{"truncated at brace", `k 20240802103102 {`, cdx.TruncatedJSON, "", 0},
		{"bad json", `k 20240802103102 {"url" "http://a.b/"}`, cdx.BadJSON, "", 0},
		{"garbage after", `k 20240802103102 {"url": "http://a.b/", "length": "5"} x`, cdx.BadJSON, "", 0},
		{"nested", `k 20240802103102 {"url": "http://a.b/", "x": {"y": 1}, "length": "5"}`, cdx.BadJSON, "", 0},
		{"missing url", `k 20240802103102 {"length": "5"}`, cdx.MissingURL, "", 0},
		{"missing length", `k 20240802103102 {"url": "http://a.b/"}`, cdx.MissingLength, "", 0},
		{"empty object", `k 20240802103102 {}`, cdx.MissingURL, "", 0},
	}
	for _, l := range []string{"", "-", "abc", "12O4", "0x1F", "null", "1.5e3", "-5", "1234567890123456789"} {
		tests = append(tests, struct {
			name   string
			line   string
			kind   cdx.Kind
			host   string
			length int64
		}{"length " + l, `k 20240802103102 {"url": "http://a.b/", "length": "` + l + `"}`, cdx.BadLength, "", 0})
	}
	for _, u := range []string{"http//h/x", "https://", "http://exa mple.h/", "http://[::1", "://h/path", "http://h..com/", "http://%ZZ.h/", "mailto:someone@h", "http://.h/", "http://h:8x/", "1http://h/"} {
		tests = append(tests, struct {
			name   string
			line   string
			kind   cdx.Kind
			host   string
			length int64
		}{"url " + u, `k 20240802103102 {"url": "` + u + `", "length": "5"}`, cdx.BadURL, "", 0})
	}
	var rec cdx.Record
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cdx.Parse([]byte(tt.line), &rec)
			if got != tt.kind || rec.Kind != tt.kind {
				t.Fatalf("Parse(%q) = %v, want %v", tt.line, got, tt.kind)
			}
			if got != cdx.Valid {
				return
			}
			if string(rec.Host) != tt.host || rec.Length != tt.length {
				t.Errorf("Parse(%q): host %q, length %d; want %q, %d", tt.line, rec.Host, rec.Length, tt.host, tt.length)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	var rec cdx.Record
	if k := cdx.Parse([]byte(line), &rec); k != cdx.Valid {
		t.Fatalf("Parse = %v", k)
	}
	want := time.Date(2024, 8, 2, 10, 31, 2, 0, time.UTC).Unix()
	if rec.Unix != want || string(rec.Key) != "com,example)/a" || string(rec.Timestamp) != "20240802103102" ||
		string(rec.URL) != "https://www.Example.com:8080/a" || string(rec.MIME) != "text/html" ||
		rec.Status != 200 || rec.Offset != 1058771940 || string(rec.Filename) != "crawl-data/x.warc.gz" {
		t.Errorf("Parse(%q) = %+v", line, rec)
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		ts   string
		want time.Time
		ok   bool
	}{
		{"20240802103102", time.Date(2024, 8, 2, 10, 31, 2, 0, time.UTC), true},
		{"19700101000000", time.Unix(0, 0), true},
		{"20000229235959", time.Date(2000, 2, 29, 23, 59, 59, 0, time.UTC), true},
		{"19000229000000", time.Time{}, false},
		{"2024", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"202408", time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), true},
		{"20240802103102123", time.Date(2024, 8, 2, 10, 31, 2, 0, time.UTC), true},
		{"202", time.Time{}, false},
		{"20241302103102", time.Time{}, false},
		{"20240802243102", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := cdx.ParseTimestamp([]byte(tt.ts))
		if ok != tt.ok || ok && got != tt.want.Unix() {
			t.Errorf("ParseTimestamp(%q) = %d, %v, want %d, %v", tt.ts, got, ok, tt.want.Unix(), tt.ok)
		}
	}
}

func TestAppendHost(t *testing.T) {
	got, ok := cdx.AppendHost([]byte("x:"), []byte("HTTPS://WWW.EXAMPLE.COM/"))
	if !ok || string(got) != "x:www.example.com" {
		t.Errorf("AppendHost = %q, %v", got, ok)
	}
	got, ok = cdx.AppendHost([]byte("x:"), []byte("nope"))
	if ok || string(got) != "x:" {
		t.Errorf("AppendHost(nope) = %q, %v", got, ok)
	}
}

func TestReader(t *testing.T) {
	in := line + "\r\n\n" + `k 2024 {"url": "http://a.b/"}` + "\n" + line
	r := cdx.NewReader(strings.NewReader(in))
	var kinds []cdx.Kind
	var lines []int64
	for r.Next() {
		kinds = append(kinds, r.Record().Kind)
		lines = append(lines, r.Line())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 3 || kinds[0] != cdx.Valid || kinds[1] != cdx.MissingLength || kinds[2] != cdx.Valid {
		t.Errorf("kinds = %v", kinds)
	}
	if lines[2] != 4 {
		t.Errorf("line numbers = %v, want [1 3 4]", lines)
	}
	r = cdx.NewReader(strings.NewReader(strings.Repeat("x", cdx.MaxLineSize+1)))
	for r.Next() {
	}
	if r.Err() == nil {
		t.Error("Err() = nil for a line longer than MaxLineSize")
	}
}

func TestKindString(t *testing.T) {
	for k := range cdx.NumKinds {
		if s := cdx.Kind(k).String(); s == "" || s == "unknown" {
			t.Errorf("Kind(%d).String() = %q", k, s)
		}
	}
	if cdx.BadLength.String() != "non_numeric_length" {
		t.Errorf("BadLength.String() = %q", cdx.BadLength)
	}
}

func TestSample(t *testing.T) {
	counts := map[cdx.Kind]int{}
	r := cdx.NewReader(openSample(t))
	for r.Next() {
		counts[r.Record().Kind]++
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []cdx.Kind{cdx.Valid, cdx.TruncatedJSON, cdx.MissingLength, cdx.BadLength, cdx.BadURL} {
		if counts[k] == 0 {
			t.Errorf("no %v lines in testdata/sample.cdxj", k)
		}
	}
}

func openSample(t testing.TB) *os.File {
	f, err := os.Open("testdata/sample.cdxj")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sampleLines(t testing.TB) [][]byte {
	var out [][]byte
	s := bufio.NewScanner(openSample(t))
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		out = append(out, bytes.Clone(s.Bytes()))
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, l := range sampleLines(f) {
		f.Add(l)
	}
	f.Add([]byte(line))
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec cdx.Record
		k := cdx.Parse(b, &rec)
		if k >= cdx.Kind(cdx.NumKinds) {
			t.Fatalf("Parse(%q) = kind %d", b, k)
		}
		if k == cdx.Valid {
			if len(rec.Host) == 0 || rec.Length < 0 {
				t.Fatalf("Parse(%q): valid with host %q, length %d", b, rec.Host, rec.Length)
			}
			if bytes.ContainsAny(rec.Host, " /%ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				t.Fatalf("Parse(%q): host %q", b, rec.Host)
			}
			js := b[bytes.IndexByte(b, '{'):]
			if !utf8.Valid(js) || bytes.ContainsFunc(js, func(r rune) bool { return r < 0x20 }) {
				return // Parse is lenient about raw control bytes and invalid UTF-8
			}
			var m map[string]any
			if err := json.Unmarshal(js, &m); err != nil {
				t.Fatalf("Parse(%q) = Valid, but encoding/json: %v", b, err)
			}
			if u, ok := m["url"].(string); !ok || u != string(rec.URL) {
				t.Fatalf("Parse(%q): URL %q, encoding/json %q", b, rec.URL, m["url"])
			}
		}
		// parsing again into a used record gives the same result
		var again cdx.Record
		again.Host = []byte("x")
		if k2 := cdx.Parse(b, &again); k2 != k || string(again.Host) != string(rec.Host) || again.Length != rec.Length {
			t.Fatalf("Parse(%q) is not repeatable", b)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	lines := sampleLines(b)
	var n int64
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	b.SetBytes(n)
	b.ReportAllocs()
	var rec cdx.Record
	for b.Loop() {
		for _, l := range lines {
			cdx.Parse(l, &rec)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile("testdata/sample.cdxj")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := cdx.NewReader(bytes.NewReader(data))
		for r.Next() {
		}
	}
}

func BenchmarkParseFull(b *testing.B) {
	lines := sampleLines(b)
	var n int64
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	b.SetBytes(n)
	b.ReportAllocs()
	var rec cdx.Record
	for b.Loop() {
		for _, l := range lines {
			cdx.ParseFull(l, &rec)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}
