package audit

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineSize is the longest manifest line read (1 MiB); longer lines are
// skipped and counted.
const MaxLineSize = 1 << 20

// lineReader reads lines of at most MaxLineSize bytes, skipping and counting
// longer ones, without allocating per line.
type lineReader struct {
	r       *bufio.Reader
	buf     []byte
	line    int64
	tooLong int64
	err     error
}

func newLineReader(r io.Reader) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	return &lineReader{r: br}
}

// next returns the next line without its terminator, or false at the end
// or on a read error.
func (l *lineReader) next() ([]byte, bool) {
	for {
		if l.err != nil {
			return nil, false
		}
		l.buf = l.buf[:0]
		long := false
		for {
			frag, err := l.r.ReadSlice('\n')
			if !long {
				if len(l.buf)+len(frag) > MaxLineSize+2 {
					long = true
					l.buf = l.buf[:0]
				} else {
					l.buf = append(l.buf, frag...)
				}
			}
			if err == nil {
				break
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != io.EOF {
				l.err = err
			} else {
				l.err = io.EOF
			}
			if len(l.buf) == 0 && !long {
				if l.err == io.EOF {
					return nil, false
				}
				return nil, false
			}
			break
		}
		l.line++
		if long {
			l.tooLong++
			continue
		}
		return bytes.TrimRight(l.buf, "\r\n"), true
	}
}

// Err returns the read error, if any, other than io.EOF.
func (l *lineReader) Err() error {
	if l.err == io.EOF {
		return nil
	}
	return l.err
}
