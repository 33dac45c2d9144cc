package screen_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/screen"
)

func TestExtractText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>One two</p><p>three</p>", "\nOne two\n\nthree\n"},
		{"inline elements join", "<p>fo<b>o</b>bar</p>", "\nfoobar\n"},
		{"scripts, styles and head are skipped", "<html><head><title>T</title><style>p{}</style></head><body><script>var x = '<p>';</script>Hi<noscript>no</noscript></body></html>", "\nHi\n"},
		{"entities", "<p>caf&eacute; &amp; cr&#232;me</p>", "\ncafé & crème\n"},
		{"an unclosed head ends at the body", "<head><title>x</title><body>text", "\ntext"},
		{"broken markup", "<p>a <b <i>b</p></div></div>c", "\na b\n\n\nc"},
	}
	for _, tt := range tests {
		got, err := screen.ExtractText(strings.NewReader(tt.html), "")
		if err != nil || got != tt.want {
			t.Errorf("%s: ExtractText = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	got, err := screen.ExtractText(strings.NewReader("<p>caf\xe9</p>"), "text/html; charset=iso-8859-1")
	if err != nil || got != "\ncafé\n" {
		t.Errorf("ExtractText(latin-1) = %q, %v", got, err)
	}
}

// warcRecord returns one WARC record.
func warcRecord(typ, uri, ctype, block string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:x>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n", typ)
	if uri != "" {
		fmt.Fprintf(&b, "WARC-Target-URI: %s\r\n", uri)
	}
	fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", ctype, len(block), block)
	return b.String()
}

func httpResponse(status, header, body string) string {
	return "HTTP/1.1 " + status + "\r\n" + header + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
}

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

const (
	poem  = "Whose woods these are I think I know. His house is in the village though; He will not see me stopping here To watch his woods fill up with snow."
	prose = "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, it was the epoch of belief."
)

func testWARC() []string {
	chunked := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
		fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(prose), prose)
	return []string{
		warcRecord("warcinfo", "", "application/warc-fields", "software: test\r\n"),
		warcRecord("request", "https://a.example/poem", "application/http; msgtype=request", "GET /poem HTTP/1.1\r\nHost: a.example\r\n\r\n"),
		warcRecord("response", "https://a.example/poem", "application/http; msgtype=response",
			httpResponse("200 OK", "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n", gzipped("<html><body><p>"+poem+"</p><script>nope()</script></body></html>"))),
		warcRecord("response", "https://b.example/prose", "application/http; msgtype=response", chunked),
		warcRecord("response", "https://b.example/missing", "application/http; msgtype=response", httpResponse("404 Not Found", "Content-Type: text/plain\r\n", prose+" missing")),
		warcRecord("response", "https://b.example/img", "application/http; msgtype=response", httpResponse("200 OK", "Content-Type: image/png\r\n", "\x89PNG....")),
		warcRecord("resource", "file:///notes.txt", "text/plain", "Resource records count too: "+poem),
		warcRecord("metadata", "https://a.example/poem", "application/warc-fields", "via: x\r\n"),
	}
}

func TestAddWARC(t *testing.T) {
	recs := testWARC()
	plain := strings.Join(recs, "")
	var perRecord strings.Builder
	for _, r := range recs {
		perRecord.WriteString(gzipped(r))
	}
	for _, tt := range []struct {
		name    string
		data    string
		include func(string) bool
		works   []string
	}{
		{"plain", plain, nil, []string{"https://a.example/poem", "https://b.example/prose", "file:///notes.txt"}},
		{"gzip per record", perRecord.String(), nil, []string{"https://a.example/poem", "https://b.example/prose", "file:///notes.txt"}},
		{"filtered", plain, func(u string) bool { return strings.Contains(u, "b.example") }, []string{"https://b.example/prose"}},
	} {
		b, _ := screen.NewBuilder(screen.Config{MinWords: 8, K: 4})
		if err := b.AddWARC(strings.NewReader(tt.data), tt.include); err != nil {
			t.Fatalf("%s: AddWARC: %v", tt.name, err)
		}
		if s := b.Stats(); s.Records != 8 || s.Works != len(tt.works) || s.Skipped != 8-len(tt.works) {
			t.Errorf("%s: Stats() = %+v", tt.name, s)
		}
		var buf bytes.Buffer
		b.WriteTo(&buf)
		idx, err := screen.Load(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := range idx.Len() {
			got = append(got, idx.Work(i).URL)
		}
		if strings.Join(got, " ") != strings.Join(tt.works, " ") {
			t.Errorf("%s: works %q, want %q", tt.name, got, tt.works)
		}
		m, _ := idx.Scan("As the model said: it was the BEST of times; it was the worst of times — it was the age of wisdom!", 0)
		if tt.name != "filtered" && len(m) != 1 {
			t.Errorf("%s: Scan = %+v, want one match", tt.name, m)
		}
	}
}

func TestAddWARCErrors(t *testing.T) {
	good := warcRecord("resource", "file:///a", "text/plain", poem)
	for _, tt := range []struct {
		name, data, want string
	}{
		{"not a WARC", "hello world\r\n", "not a WARC version line"},
		{"truncated header", "WARC/1.1\r\nWARC-Type: resource\r\n", "unexpected EOF"},
		{"truncated block", good[:len(good)-30], "unexpected EOF"},
		{"no length", "WARC/1.1\r\nWARC-Type: resource\r\n\r\n", "no Content-Length"},
		{"bad length", "WARC/1.1\r\nContent-Length: -4\r\n\r\n", "bad Content-Length"},
		{"garbage after a record", good + "garbage\r\n", "record 2"},
	} {
		b, _ := screen.NewBuilder(screen.Config{MinWords: 8, K: 4})
		err := b.AddWARC(strings.NewReader(tt.data), nil)
		if !errors.Is(err, screen.ErrWARC) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: AddWARC = %v, want ErrWARC and %q", tt.name, err, tt.want)
		}
	}
}
