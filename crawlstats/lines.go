package crawlstats

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"

	"github.com/gpai-project/gpai/cdx"
)

// lineFunc handles one line (without its terminator) of an input; offset
// locates it as Example.Offset says.
type lineFunc func(s *shard, line []byte, input string, offset int64)

func cdxjLine(s *shard, line []byte, input string, offset int64) {
	s.lines++
	if k := cdx.Parse(line, &s.rec); k != cdx.Valid {
		s.recTally = nil
		s.bad(k.String(), input, offset, line)
		return
	}
	// Most lines have the host of the line before: the parser says so.
	t := s.recTally
	if t == nil || !s.rec.SameHost {
		t = s.tallyOf(s.rec.Host)
		s.recTally = t
	}
	t.add(s.rec.Length, s.rec.Unix)
	s.records++
	s.bytes += s.rec.Length
}

// A segment is a contiguous part of an input's (decompressed) text that
// one task reads. Its lines are handled by the task, except for the part
// before its first newline and the part after its last, which continue
// lines of the neighbouring segments: they are kept and joined once all
// tasks are done.
type segment struct {
	nl         bool   // the segment holds a newline
	head       []byte // up to and including the first newline, or everything
	tail       []byte // after the last newline
	headOffset int64
	tailOffset int64
	skip       bool // the first line, a header, is still to be skipped
}

// sink splits the text of one segment into lines.
type sink struct {
	s       *shard
	f       lineFunc
	input   string
	seg     *segment
	partial []byte // the unfinished line
	partOff int64
	skip    bool // skip the next line (a header)
}

func (k *sink) reset(s *shard, f lineFunc, input string, seg *segment, first, skip bool) {
	*k = sink{s: s, f: f, input: input, seg: seg, partial: k.partial[:0], skip: first && skip}
	seg.nl = first // the first segment starts with a whole line
}

// write handles the next piece of the segment's text. exact reports
// whether offset is the input offset of p[0] (plain files); otherwise all
// lines ending in p get offset (the gzip member's).
func (k *sink) write(p []byte, offset int64, exact bool) {
	pos := func(n int) {
		p = p[n:]
		if exact {
			offset += int64(n)
		}
	}
	if !k.seg.nl {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			if len(k.seg.head) == 0 {
				k.seg.headOffset = offset
			}
			k.seg.head = append(k.seg.head, p...)
			return
		}
		if len(k.seg.head) == 0 {
			k.seg.headOffset = offset
		}
		k.seg.head = append(k.seg.head, p[:nl+1]...)
		k.seg.nl = true
		pos(nl + 1)
	}
	if len(k.partial) > 0 {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			k.partial = append(k.partial, p...)
			return
		}
		k.partial = append(k.partial, p[:nl]...)
		k.line(k.partial, k.partOff)
		k.partial = k.partial[:0]
		pos(nl + 1)
	}
	for {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			break
		}
		k.line(p[:nl], offset)
		pos(nl + 1)
	}
	if len(p) > 0 {
		k.partial = append(k.partial, p...)
		k.partOff = offset
	}
}

func (k *sink) line(l []byte, offset int64) {
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	if len(l) == 0 {
		return
	}
	if k.skip {
		k.skip = false
		return
	}
	k.f(k.s, l, k.input, offset)
}

// close ends the segment.
func (k *sink) close() {
	if k.seg.nl {
		k.seg.tail = append(k.seg.tail[:0], k.partial...)
		k.seg.tailOffset = k.partOff
	}
	k.seg.skip = k.skip
	k.partial = k.partial[:0]
}

// stitch handles the lines that span segments.
func stitch(segs []segment, s *shard, f lineFunc, input string) {
	var k sink
	var carry []byte
	var carryOff int64
	skip := len(segs) > 0 && segs[0].skip
	for i := range segs {
		seg := &segs[i]
		if i == 0 {
			carry, carryOff = append(carry, seg.tail...), seg.tailOffset
			continue
		}
		if len(carry) == 0 {
			carryOff = seg.headOffset
		}
		carry = append(carry, seg.head...)
		if !seg.nl {
			continue
		}
		k = sink{s: s, f: f, input: input, skip: skip}
		k.line(bytes.TrimSuffix(carry, []byte{'\n'}), carryOff)
		skip = k.skip
		carry, carryOff = append(carry[:0], seg.tail...), seg.tailOffset
	}
	if len(carry) > 0 {
		k = sink{s: s, f: f, input: input, skip: skip}
		k.line(carry, carryOff)
	}
}

// errChanged reports a file that became shorter while it was read.
var errChanged = errors.New("the file changed while it was read (it is shorter)")

// mapped hands the mapped bytes of a chunk starting at input offset off to
// k, piece bytes at a time. Mapping spares the copy from the page cache
// that a read makes (0.5 of 5 CPU-s on the bench CDXJ). Should the file
// shrink meanwhile, touching a page past its new end faults: the fault
// becomes a panic here, and an error, rather than the end of the process.
func mapped(data []byte, off, piece int64, k *sink) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if e := recover(); e != nil {
			if _, fault := e.(interface{ Addr() uintptr }); !fault {
				panic(e)
			}
			err = errChanged
		}
	}()
	for p := int64(0); p < int64(len(data)); p += piece {
		k.write(data[p:min(int64(len(data)), p+piece)], off+p, true)
	}
	return nil
}

// readPiece is the size of the reads of a plain input: small enough for
// the bytes to be still in the CPU's cache when they are parsed.
const readPiece = 256 << 10

// plain reads an uncompressed line-oriented input in chunks, in parallel.
func (r *runner) plain(ctx context.Context, input string, f io.ReaderAt, size int64, lf lineFunc, header bool) error {
	cs := int64(r.cfg.ChunkSize)
	n := int((size + cs - 1) / cs)
	segs := make([]segment, n)
	bufs := make([][]byte, r.cfg.Workers)

	sinks := make([]sink, r.cfg.Workers)
	// A chunk is read in pieces that stay in the CPU's cache between
	// the copy from the page cache and the parsing.
	piece := min(cs, readPiece)
	file, _ := f.(*os.File)
	err := r.parallel(ctx, n, func(ctx context.Context, w, i int) error {
		off := int64(i) * cs
		m := min(cs, size-off)
		k := &sinks[w]
		k.reset(r.shards[w], lf, input, &segs[i], i == 0, header)
		if file != nil {
			if data, mapping, ok := mapRange(file, off, int(m)); ok {
				err := mapped(data, off, piece, k)
				unmap(mapping)
				if err != nil {
					return err
				}
				k.close()
				r.prog.add(m)
				return nil
			}
		}
		if bufs[w] == nil {
			bufs[w] = make([]byte, piece)
		}
		for p := int64(0); p < m; {
			buf := bufs[w][:min(piece, m-p)]
			if n, err := f.ReadAt(buf, off+p); n < len(buf) {
				if err == nil || err == io.EOF {
					err = errChanged
				}
				return err
			}
			k.write(buf, off+p, true)
			p += int64(len(buf))
		}
		k.close()
		r.prog.add(m)
		return nil
	})
	if err != nil {
		return err
	}
	stitch(segs, r.shards[0], lf, input)
	return nil
}
