package warc_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/warc"
)

func TestWriterRoundTrip(t *testing.T) {
	date := time.Date(2026, 5, 1, 12, 0, 0, 500_000_000, time.UTC)
	records := []struct {
		rec   warc.Record
		block string
	}{
		{warc.Record{Type: "warcinfo", Header: []warc.Field{{"Content-Type", "application/warc-fields"}, {"WARC-Filename", "a.warc.gz"}}}, "software: gpai\r\n"},
		{warc.Record{Type: "request", TargetURI: "http://example.com/a", Header: []warc.Field{{"Content-Type", "application/http;msgtype=request"}}}, "GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{warc.Record{Type: "response", TargetURI: "http://example.com/a", Date: date}, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"},
		{warc.Record{Type: "metadata", TargetURI: "http://example.com/a"}, ""},
	}
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			var buf bytes.Buffer
			w := warc.NewWriter(&buf, gz)
			var written []warc.Record
			for _, r := range records {
				rec := r.rec
				if err := w.Write(&rec, []byte(r.block)); err != nil {
					t.Fatalf("Write(%s) = %v", rec.Type, err)
				}
				written = append(written, rec)
			}
			if w.Offset() != int64(buf.Len()) {
				t.Errorf("Offset() = %d, want %d", w.Offset(), buf.Len())
			}
			r := warc.NewReader(bytes.NewReader(buf.Bytes()))
			i := 0
			for r.Next() {
				got, want := r.Record(), written[i]
				if got.Type != want.Type || got.RecordID != want.RecordID || got.TargetURI != want.TargetURI || !got.Date.Equal(want.Date.Truncate(time.Microsecond)) {
					t.Errorf("record %d = %+v, want %+v", i, got, want)
				}
				if got.Offset != want.Offset || got.ContentLength != int64(len(records[i].block)) {
					t.Errorf("record %d: offset %d length %d, want %d %d", i, got.Offset, got.ContentLength, want.Offset, len(records[i].block))
				}
				if gz && got.Length != want.Length {
					t.Errorf("record %d: Length = %d, want %d", i, got.Length, want.Length)
				}
				if d := got.Get("WARC-Block-Digest"); d != warc.Digest([]byte(records[i].block)) {
					t.Errorf("record %d: WARC-Block-Digest = %q", i, d)
				}
				if got.Version != "WARC/1.1" {
					t.Errorf("record %d: version %q", i, got.Version)
				}
				i++
			}
			if err := r.Err(); err != nil || i != len(records) {
				t.Fatalf("read %d records, err %v; want %d", i, err, len(records))
			}
			// Cut after any record: the rest reads cleanly.
			for _, rec := range written {
				r := warc.NewReader(bytes.NewReader(buf.Bytes()[:rec.Offset+rec.Length]))
				n := 0
				for r.Next() {
					n++
				}
				if r.Err() != nil {
					t.Errorf("cut after record at %d: %v", rec.Offset, r.Err())
				}
			}
		})
	}
}

func TestWriterRejectsLineBreaks(t *testing.T) {
	tests := []struct {
		name string
		rec  warc.Record
	}{
		{"target", warc.Record{Type: "response", TargetURI: "http://x/\r\nWARC-Type: evil"}},
		{"value", warc.Record{Type: "response", Header: []warc.Field{{"X", "a\nb"}}}},
		{"name", warc.Record{Type: "response", Header: []warc.Field{{"Bad Name", "v"}}}},
		{"no type", warc.Record{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := warc.NewWriter(&buf, false).Write(&tt.rec, nil)
			if !errors.Is(err, warc.ErrField) {
				t.Errorf("Write = %v, want ErrField", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for a rejected record", buf.Len())
			}
		})
	}
}

func TestDigest(t *testing.T) {
	// SHA-1 of the empty string, base32.
	if got, want := warc.Digest(nil), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"; got != want {
		t.Errorf("Digest(nil) = %q, want %q", got, want)
	}
	id := warc.NewRecordID()
	if !strings.HasPrefix(id, "<urn:uuid:") || len(id) != 47 || id[24] != '4' || id == warc.NewRecordID() {
		t.Errorf("NewRecordID() = %q", id)
	}
}

func ExampleWriter() {
	var buf bytes.Buffer
	w := warc.NewWriter(&buf, true)
	body := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello")
	rec := &warc.Record{Type: "response", TargetURI: "https://example.com/",
		Header: []warc.Field{{"Content-Type", "application/http;msgtype=response"}, {"WARC-Payload-Digest", warc.Digest([]byte("hello"))}}}
	if err := w.Write(rec, body); err != nil {
		fmt.Println(err)
		return
	}
	r := warc.NewReader(io.MultiReader(&buf))
	for r.Next() {
		fmt.Println(r.Record().Type, r.Record().TargetURI, r.Record().Get("WARC-Payload-Digest"))
	}
	// Output:
	// response https://example.com/ sha1:VL2MMHO4YXUKFWV63YHTWSBM3GXKSQ2N
}
