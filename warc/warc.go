// Package warc reads the record headers of WARC files (ISO 28500:2017,
// WARC 1.1, and WARC 1.0), uncompressed or compressed record by record
// as gzip members, the usual .warc.gz layout.
//
// The Reader follows the contract of bufio.Scanner. For each record it
// reports the header fields that crawl statistics need and where the
// record lies in the file; blocks (the captured content) are skipped:
//
//	r := warc.NewReader(f)
//	for r.Next() {
//		rec := r.Record()
//	}
//	if err := r.Err(); err != nil { ... }
//
// The package has its own reader rather than wrapping a WARC library
// because statistics need each record's offset and length in the
// compressed file (what CDX indexes call offset and length), which the
// libraries do not report.
package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ErrFormat is wrapped by errors about input that is not a WARC file or
// whose record headers are malformed.
var ErrFormat = errors.New("malformed WARC")

// Record is the header of one WARC record.
type Record struct {
	Version   string // "WARC/1.1"
	Type      string // WARC-Type: "response", "request", "revisit", ...
	TargetURI string // WARC-Target-URI, without angle brackets
	Date      time.Time
	RecordID  string
	// ContentLength is the length of the record's block.
	ContentLength int64
	// Offset is the offset of the record in the file: of its gzip member
	// in a compressed file.
	Offset int64
	// Length is the length of the record in the file: the size of its
	// gzip member when the member holds exactly this record, otherwise
	// the uncompressed length of header, block and trailing CRLFs.
	Length int64
	// Header holds all the named fields, in order.
	Header []Field
}

// Field is a named field of a record header.
type Field struct{ Name, Value string }

// Get returns the value of the first field named name, compared without
// regard to case, or "".
func (r *Record) Get(name string) string {
	for _, f := range r.Header {
		if equalFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Reader reads WARC records.
type Reader struct {
	src   *bufio.Reader // the file
	cr    countReader
	gz    bool
	zr    *gzip.Reader
	data  *bufio.Reader // the uncompressed records of the current member, or the file
	mOff  int64         // offset of the current member
	mRecs int           // records read from the current member
	pos   int64         // uncompressed offset within the member (or the file)
	rec   Record
	err   error
	began bool
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// NewReader returns a Reader of the WARC file read from r. Compression is
// detected from the first bytes.
func NewReader(r io.Reader) *Reader {
	wr := &Reader{}
	wr.cr.r = r
	wr.src = bufio.NewReaderSize(&wr.cr, 64<<10)
	return wr
}

// filePos returns the offset in the file of the next unread byte.
func (r *Reader) filePos() int64 { return r.cr.n - int64(r.src.Buffered()) }

// Next advances to the next record, reads its header and skips its block.
// It reports whether there is a record.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	if err := r.next(); err != nil {
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	return true
}

func (r *Reader) next() error {
	if !r.began {
		r.began = true
		magic, _ := r.src.Peek(2)
		r.gz = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
		if !r.gz {
			r.data = r.src
		}
	}
	if r.gz {
		for {
			if r.data != nil {
				end, err := r.memberEnd()
				if err != nil {
					return err
				}
				if !end {
					break
				}
			}
			if err := r.nextMember(); err != nil {
				return err
			}
		}
	}
	start := r.pos
	if err := r.readHeader(); err != nil {
		return err
	}
	if _, err := io.CopyN(io.Discard, r.data, r.rec.ContentLength); err != nil {
		return fmt.Errorf("warc: record at offset %d: block: %w", r.rec.Offset, unexpected(err))
	}
	r.pos += r.rec.ContentLength
	// two CRLFs end a record; be lenient about their number
	for range 4 {
		c, err := r.data.ReadByte()
		if err != nil {
			break
		}
		if c != '\r' && c != '\n' {
			r.data.UnreadByte()
			break
		}
		r.pos++
	}
	r.rec.Length = r.pos - start
	if r.gz && r.mRecs == 1 {
		end, err := r.memberEnd()
		if err != nil {
			return err
		}
		if end {
			r.rec.Length = r.filePos() - r.mOff
		}
	}
	return nil
}

// memberEnd reports whether the current gzip member has no more data;
// at its end, the member's trailer has been read and checked.
func (r *Reader) memberEnd() (bool, error) {
	_, err := r.data.Peek(1)
	switch err {
	case nil:
		return false, nil
	case io.EOF:
		return true, nil
	}
	return false, fmt.Errorf("warc: gzip member at offset %d: %w", r.mOff, err)
}

func (r *Reader) nextMember() error {
	if _, err := r.src.Peek(1); err == io.EOF {
		return io.EOF
	}
	r.mOff = r.filePos()
	var err error
	if r.zr == nil {
		r.zr, err = gzip.NewReader(r.src)
	} else {
		err = r.zr.Reset(r.src)
	}
	if err != nil {
		return fmt.Errorf("warc: gzip member at offset %d: %w", r.mOff, err)
	}
	r.zr.Multistream(false)
	if r.data == nil {
		r.data = bufio.NewReaderSize(r.zr, 64<<10)
	} else {
		r.data.Reset(r.zr)
	}
	r.mRecs = 0
	r.pos = 0
	return nil
}

func (r *Reader) readHeader() error {
	off := r.pos
	if r.gz {
		off = r.mOff // the member's offset locates the record
	}
	line, err := r.line()
	// Tolerate blank lines between records.
	for err == nil && len(line) == 0 {
		line, err = r.line()
	}
	if err == io.EOF && !r.gz {
		return io.EOF
	}
	if err != nil {
		return fmt.Errorf("warc: record at offset %d: %w", off, unexpected(err))
	}
	if !bytes.HasPrefix(line, []byte("WARC/")) {
		return fmt.Errorf("warc: record at offset %d: no WARC version line: %w", off, ErrFormat)
	}
	r.rec = Record{Version: string(line), Header: r.rec.Header[:0], Offset: off, ContentLength: -1}
	for {
		line, err = r.line()
		if err != nil {
			return fmt.Errorf("warc: record at offset %d: header: %w", off, unexpected(err))
		}
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' { // continuation
			if n := len(r.rec.Header); n > 0 {
				r.rec.Header[n-1].Value += " " + string(bytes.TrimSpace(line))
			}
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return fmt.Errorf("warc: record at offset %d: header line %q: %w", off, line, ErrFormat)
		}
		r.rec.Header = append(r.rec.Header, Field{string(bytes.TrimSpace(name)), string(bytes.TrimSpace(value))})
	}
	for _, f := range r.rec.Header {
		switch {
		case equalFold(f.Name, "WARC-Type"):
			r.rec.Type = f.Value
		case equalFold(f.Name, "WARC-Target-URI"):
			v := f.Value
			if len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>' { // WARC 1.0 draft style
				v = v[1 : len(v)-1]
			}
			r.rec.TargetURI = v
		case equalFold(f.Name, "WARC-Date"):
			r.rec.Date, _ = time.Parse(time.RFC3339Nano, f.Value)
		case equalFold(f.Name, "WARC-Record-ID"):
			r.rec.RecordID = f.Value
		case equalFold(f.Name, "Content-Length"):
			n, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("warc: record at offset %d: Content-Length %q: %w", off, f.Value, ErrFormat)
			}
			r.rec.ContentLength = n
		}
	}
	if r.rec.ContentLength < 0 {
		return fmt.Errorf("warc: record at offset %d: no Content-Length: %w", off, ErrFormat)
	}
	r.mRecs++
	return nil
}

// line reads a header line without its CRLF or LF.
func (r *Reader) line() ([]byte, error) {
	l, err := r.data.ReadSlice('\n')
	r.pos += int64(len(l))
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("header line longer than 64 KiB: %w", ErrFormat)
	}
	if err != nil {
		if err == io.EOF && len(l) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return bytes.TrimRight(l, "\r\n"), nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Record returns the current record's header. It is valid until the next
// call to Next.
func (r *Reader) Record() *Record { return &r.rec }

// Err returns the first error met, or nil at the end of the input.
func (r *Reader) Err() error { return r.err }
