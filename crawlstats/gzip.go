package crawlstats

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Parallel gzip decompression.
//
// A gzip file may be a concatenation of members (RFC 1952), as Common
// Crawl's index shards are (one member per 3,000 lines). A member cannot
// be found without decoding the one before it, so the file is cut into
// ranges of ChunkSize compressed bytes and the task of range [a, b)
// searches for the first member that starts in it: a gzip header whose
// member then decodes without error, CRC-32 and length included. From
// there it decodes members one after the other until the next starts at
// or after b. Every member thus belongs to the task of the range it
// starts in, whatever the neighbouring tasks do. A file of one member is
// decoded by one task.
//
// A candidate header that is really a part of a deflate stream is
// rejected when it fails to decode, which almost always happens within a
// few bytes. Its output is held back until the member has been verified,
// or until verifyLimit bytes have been decoded without error.

const (
	verifyLimit = 64 << 20
	pieceSize   = 1 << 20
)

type gzTask struct {
	zr    *gzip.Reader
	br    *bufio.Reader
	cr    countReader
	out   []byte
	held  bytes.Buffer
	sink  sink
	probe []byte
	// emitted reports whether the member being verified has written
	// output (after verifyLimit bytes).
	emitted bool
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

func (r *runner) gzip(ctx context.Context, input string, f io.ReaderAt, size int64, lf lineFunc, header bool) error {
	cs := int64(r.cfg.ChunkSize)
	n := int((size + cs - 1) / cs)
	segs := make([]segment, n)
	st := newStitcher(segs, r.joins(), lf, input)
	tasks := make([]gzTask, r.cfg.Workers)
	err := r.parallel(ctx, n, func(ctx context.Context, w, i int) error {
		t := &tasks[w]
		a := int64(i) * cs
		b := min(a+cs, size)
		t.sink.reset(r.shards[w], lf, input, &segs[i], i == 0, header)
		defer r.prog.add(b - a)
		start := int64(0)
		if i > 0 {
			var err error
			start, err = t.find(ctx, f, size, a, b)
			if err != nil {
				return err
			}
			if start < 0 {
				t.sink.close()
				st.finish(i)
				return nil
			}
		} else {
			t.open(f, 0, size)
			if err := t.member(0, false); err != nil {
				return fmt.Errorf("gzip member at offset 0: %w", err)
			}
		}
		// t is positioned after a verified member
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			pos := start + t.cr.n - int64(t.br.Buffered())
			if pos >= b || pos >= size {
				break
			}
			if err := t.member(pos, false); err != nil {
				return fmt.Errorf("gzip member at offset %d: %w", pos, err)
			}
		}
		t.sink.close()
		st.finish(i)
		return nil
	})
	if err != nil {
		return err
	}
	st.end()
	return nil
}

// open positions the task's reader at offset off.
func (t *gzTask) open(f io.ReaderAt, off, size int64) {
	t.cr = countReader{r: io.NewSectionReader(f, off, size-off)}
	if t.br == nil {
		t.br = bufio.NewReaderSize(&t.cr, 256<<10)
	} else {
		t.br.Reset(&t.cr)
	}
}

// find returns the offset of the first member that starts in [a, b) and
// leaves t positioned after it, its output handled; or -1 if there is none.
func (t *gzTask) find(ctx context.Context, f io.ReaderAt, size, a, b int64) (int64, error) {
	const window = 256 << 10
	magic := []byte{0x1f, 0x8b, 8}
	off := a
	for off < b {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		end := min(off+window, size)
		if cap(t.probe) < window {
			t.probe = make([]byte, window)
		}
		p := t.probe[:end-off]
		if _, err := f.ReadAt(p, off); err != nil && err != io.EOF {
			return 0, err
		}
		next := end - 3 // a header may straddle the window's end
		for j := 0; ; {
			k := bytes.Index(p[j:], magic)
			if k < 0 {
				break
			}
			c := off + int64(j+k)
			if c >= b {
				return -1, nil
			}
			if j+k+3 >= len(p) {
				next = c // read the flags in the next window
				break
			}
			if p[j+k+3]&0xe0 == 0 { // reserved flag bits clear
				t.open(f, c, size)
				err := t.member(c, true)
				if err == nil {
					return c, nil
				}
				if t.emitted {
					return 0, fmt.Errorf("gzip member at offset %d: %w", c, err)
				}
			}
			j += k + 1
		}
		if end == size || next <= off {
			break
		}
		off = next
	}
	return -1, nil
}

// member decodes the member at the reader's position (offset off in the
// file) and writes its lines to the sink. If verify is set, the output
// is held back until the member has decoded without error or verifyLimit
// bytes have; errors are then reported before any output is written.
func (t *gzTask) member(off int64, verify bool) error {
	var err error
	if t.zr == nil {
		t.zr, err = gzip.NewReader(t.br)
	} else {
		err = t.zr.Reset(t.br)
	}
	if err != nil {
		return err
	}
	t.zr.Multistream(false)
	if cap(t.out) < pieceSize {
		t.out = make([]byte, pieceSize)
	}
	t.held.Reset()
	t.emitted = false
	holding := verify
	for {
		n, err := readFull(t.zr, t.out[:pieceSize])
		if n > 0 {
			if holding {
				t.held.Write(t.out[:n])
				if t.held.Len() >= verifyLimit {
					t.sink.write(t.held.Bytes(), off, false)
					t.held.Reset()
					holding = false
					t.emitted = true
				}
			} else {
				t.sink.write(t.out[:n], off, false)
			}
		}
		if err == io.EOF {
			break // the member ended and its CRC-32 and length matched
		}
		if err != nil {
			return err
		}
	}
	if holding && t.held.Len() > 0 {
		t.sink.write(t.held.Bytes(), off, false)
		t.held.Reset()
	}
	return nil
}

// readFull reads into p until it is full or r returns an error, which it
// returns as is: io.EOF after a short read too, unlike io.ReadFull.
func readFull(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
