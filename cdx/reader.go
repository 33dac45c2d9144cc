package cdx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineSize is the longest line a Reader accepts (1 MiB).
const MaxLineSize = 1 << 20

// ErrLineTooLong is returned by Reader.Err when a line exceeds MaxLineSize.
var ErrLineTooLong = errors.New("cdx: line too long")

// Reader reads CDXJ lines from an io.Reader. It follows the contract of
// bufio.Scanner:
//
//	r := cdx.NewReader(f)
//	for r.Next() {
//		rec := r.Record() // valid until the next call to Next
//		if rec.Kind != cdx.Valid { ... }
//	}
//	if err := r.Err(); err != nil { ... }
//
// Malformed lines are returned with their Kind, not as errors; empty lines
// are skipped.
type Reader struct {
	s    *bufio.Scanner
	rec  Record
	line int64
	err  error
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 256<<10), MaxLineSize)
	return &Reader{s: s}
}

// Next advances to the next non-empty line and reports whether there is one.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	for r.s.Scan() {
		r.line++
		line := bytes.TrimSuffix(r.s.Bytes(), []byte{'\r'})
		if len(line) == 0 {
			continue
		}
		Parse(line, &r.rec)
		return true
	}
	if err := r.s.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = ErrLineTooLong
		}
		r.err = fmt.Errorf("cdx: line %d: %w", r.line+1, err)
	}
	return false
}

// Record returns the current line's record. It is valid until the next
// call to Next.
func (r *Reader) Record() *Record { return &r.rec }

// Line returns the 1-based number of the current line.
func (r *Reader) Line() int64 { return r.line }

// Err returns the first read error, or nil at the end of the input.
func (r *Reader) Err() error { return r.err }
