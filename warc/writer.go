package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is the WARC version the Writer writes.
const Version = "WARC/1.1"

// DateFormat is the layout of the WARC-Date field the Writer writes: UTC
// with the sub-second precision WARC 1.1 allows.
const DateFormat = "2006-01-02T15:04:05.999999Z"

// A Writer writes WARC 1.1 records, each optionally compressed as a gzip
// member of its own (the .warc.gz layout), so that a file can be cut after
// any record and stays readable.
//
// Write takes a record's header and block and adds the fields every record
// needs: WARC-Record-ID (a new urn:uuid when empty), WARC-Date (now when
// zero), Content-Length and WARC-Block-Digest (SHA-1, base32, as is
// customary). Payload digests depend on the block's format, so callers
// add them, computed with [Digest].
type Writer struct {
	w   countWriter
	gz  bool
	hdr bytes.Buffer
	now func() time.Time
}

// gzipWriters holds compressors for reuse: each is about a megabyte, and
// a Writer is often made for a handful of records.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewWriter returns a Writer appending to w, compressing each record as a
// gzip member when gz is true. Offsets are counted from the Writer's first
// byte.
func NewWriter(w io.Writer, gz bool) *Writer {
	return &Writer{w: countWriter{w: w}, gz: gz, now: time.Now}
}

// Offset returns the number of bytes written so far.
func (w *Writer) Offset() int64 { return w.w.n }

// ErrField is wrapped by the errors for header fields that cannot be
// written: an empty or malformed name, or a value with a line break.
var ErrField = errors.New("invalid WARC header field")

// Write writes one record: rec's Type, RecordID, Date, TargetURI and
// Header fields, then block. It sets rec's RecordID and Date when they are
// empty, and its Version, ContentLength, Offset and Length. Fields of
// Header that Write sets itself (WARC-Type, WARC-Record-ID, WARC-Date,
// WARC-Target-URI, Content-Length, WARC-Block-Digest) are ignored there.
func (w *Writer) Write(rec *Record, block []byte) error {
	if rec.Type == "" {
		return fmt.Errorf("warc: write: %w: no WARC-Type", ErrField)
	}
	if rec.RecordID == "" {
		rec.RecordID = NewRecordID()
	}
	if rec.Date.IsZero() {
		rec.Date = w.now()
	}
	rec.Version = Version
	rec.ContentLength = int64(len(block))
	h := &w.hdr
	h.Reset()
	h.WriteString(Version + "\r\n")
	add := func(name, value string) error {
		if !validName(name) || strings.ContainsAny(value, "\r\n") {
			return fmt.Errorf("warc: write: %w: %q: %q", ErrField, name, value)
		}
		h.WriteString(name)
		h.WriteString(": ")
		h.WriteString(value)
		h.WriteString("\r\n")
		return nil
	}
	fields := []Field{{"WARC-Type", rec.Type}, {"WARC-Record-ID", rec.RecordID}, {"WARC-Date", rec.Date.UTC().Format(DateFormat)}}
	if rec.TargetURI != "" {
		fields = append(fields, Field{"WARC-Target-URI", rec.TargetURI})
	}
	for _, f := range rec.Header {
		switch {
		case equalFold(f.Name, "WARC-Type"), equalFold(f.Name, "WARC-Record-ID"), equalFold(f.Name, "WARC-Date"),
			equalFold(f.Name, "WARC-Target-URI"), equalFold(f.Name, "Content-Length"), equalFold(f.Name, "WARC-Block-Digest"):
			continue
		}
		fields = append(fields, f)
	}
	fields = append(fields, Field{"WARC-Block-Digest", Digest(block)}, Field{"Content-Length", strconv.Itoa(len(block))})
	for _, f := range fields {
		if err := add(f.Name, f.Value); err != nil {
			return err
		}
	}
	h.WriteString("\r\n")
	rec.Header = fields
	rec.Offset = w.w.n
	var err error
	if w.gz {
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&w.w)
		err = writeAll(zw, h.Bytes(), block)
		if err == nil {
			err = zw.Close()
		}
		zw.Reset(nil)
		gzipWriters.Put(zw)
	} else {
		err = writeAll(&w.w, h.Bytes(), block)
	}
	rec.Length = w.w.n - rec.Offset
	if err != nil {
		return fmt.Errorf("warc: write: %w", err)
	}
	return nil
}

func writeAll(w io.Writer, header, block []byte) error {
	if _, err := w.Write(header); err != nil {
		return err
	}
	if _, err := w.Write(block); err != nil {
		return err
	}
	_, err := w.Write([]byte("\r\n\r\n"))
	return err
}

// validName reports whether s is a field name: one or more visible ASCII
// characters other than separators (RFC 2616 token).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// NewRecordID returns a new random record ID, "<urn:uuid:...>" (a version
// 4 UUID).
func NewRecordID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 47)
	b = append(b, "<urn:uuid:"...)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&15])
	}
	return string(append(b, '>'))
}

// Digest returns the SHA-1 digest of b in the customary form of the
// WARC-Block-Digest and WARC-Payload-Digest fields: "sha1:" and the base32
// encoding.
func Digest(b []byte) string {
	s := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(s[:])
}
