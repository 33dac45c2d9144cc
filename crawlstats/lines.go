package crawlstats

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"sync"

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
// lines of the neighbouring segments: a stitcher joins them as soon as
// the segments on both sides are done. Of each part no more than
// MaxLineSize+1 bytes are kept, and of a head longer than that, which
// makes its line too long whatever comes before, only the start, for the
// example: memory stays bounded however long the lines.
type segment struct {
	nl         bool   // the segment holds a newline
	head       []byte // up to and including the first newline, or everything
	tail       []byte // after the last newline
	headLen    int64  // the length of the head, of which head holds the start
	tailLen    int64  // the length of the tail, likewise
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
	head    []byte // the start of the segment's head, until close
	partial []byte // the start of the unfinished line
	partLen int64  // its length
	partOff int64
	skip    bool // skip the next line (a header)
}

func (k *sink) reset(s *shard, f lineFunc, input string, seg *segment, first, skip bool) {
	*k = sink{s: s, f: f, input: input, seg: seg, head: k.head[:0], partial: k.partial[:0], skip: first && skip}
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
	if seg := k.seg; !seg.nl {
		if seg.headLen == 0 {
			seg.headOffset = offset
		}
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			k.head = appendLine(k.head, p)
			seg.headLen += int64(len(p))
			return
		}
		k.head = appendLine(k.head, p[:nl+1])
		seg.headLen += int64(nl + 1)
		seg.nl = true
		pos(nl + 1)
	}
	if k.partLen > 0 {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			k.partial = appendLine(k.partial, p)
			k.partLen += int64(len(p))
			return
		}
		k.partial = appendLine(k.partial, p[:nl])
		k.line(k.partial, k.partLen+int64(nl), k.partOff)
		k.partial, k.partLen = k.partial[:0], 0
		pos(nl + 1)
	}
	for {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			break
		}
		k.line(p[:nl], int64(nl), offset)
		pos(nl + 1)
	}
	if len(p) > 0 {
		k.partial = appendLine(k.partial[:0], p)
		k.partLen, k.partOff = int64(len(p)), offset
	}
}

// MaxLineSize is the longest line of a CDXJ, CSV or TSV input that is
// read (1 MiB, as cdx.Reader's): a longer one is counted as malformed,
// "line_too_long", and no more than this of it is ever held in memory.
const MaxLineSize = cdx.MaxLineSize

// appendLine appends p to the start of a line, keeping no more than one
// byte past MaxLineSize: enough to tell that the line is too long.
func appendLine(line, p []byte) []byte {
	if room := MaxLineSize + 1 - len(line); len(p) > room {
		p = p[:max(room, 0)]
	}
	return append(line, p...)
}

// line handles a line of n bytes, without its newline, of which l holds
// all or, for a line too long, the start.
func (k *sink) line(l []byte, n int64, offset int64) {
	if n == int64(len(l)) && n > 0 && l[n-1] == '\r' {
		l, n = l[:n-1], n-1
	}
	if n == 0 {
		return
	}
	if k.skip {
		k.skip = false
		return
	}
	if n > MaxLineSize {
		k.s.lines++
		k.s.bad("line_too_long", k.input, offset, l)
		return
	}
	k.f(k.s, l, k.input, offset)
}

// close ends the segment: its head and tail are copied out of the sink's
// buffers, which the next segment reuses.
func (k *sink) close() {
	seg := k.seg
	head := k.head
	if seg.headLen > MaxLineSize+1 {
		head = head[:min(len(head), maxExampleLen)]
	}
	seg.head = bytes.Clone(head)
	if seg.nl {
		seg.tail = bytes.Clone(k.partial)
		seg.tailLen, seg.tailOffset = k.partLen, k.partOff
	}
	seg.skip = k.skip
	k.head, k.partial, k.partLen = k.head[:0], k.partial[:0], 0
}

// A stitcher handles the lines that span segments, in the input's order,
// as soon as the segments on both sides of them are done. Its lines go to
// a shard of their own, which no worker uses.
type stitcher struct {
	mu       sync.Mutex
	segs     []segment
	done     []bool
	next     int  // the next segment to join
	k        sink // for the joined lines
	carry    []byte
	carryLen int64
	carryOff int64
}

func newStitcher(segs []segment, s *shard, f lineFunc, input string) *stitcher {
	return &stitcher{segs: segs, done: make([]bool, len(segs)), k: sink{s: s, f: f, input: input}}
}

// finish records that segment i is closed, joins the lines that are
// complete and releases the heads and tails it has used.
func (st *stitcher) finish(i int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.done[i] = true
	for ; st.next < len(st.segs) && st.done[st.next]; st.next++ {
		seg := &st.segs[st.next]
		switch {
		case st.next == 0:
			st.k.skip = seg.skip
			st.carry, st.carryLen, st.carryOff = append(st.carry[:0], seg.tail...), seg.tailLen, seg.tailOffset
		default:
			if st.carryLen == 0 {
				st.carryOff = seg.headOffset
			}
			st.carry = appendLine(st.carry, seg.head)
			st.carryLen += seg.headLen
			if !seg.nl {
				break // the line goes on
			}
			l := st.carry
			if int64(len(l)) == st.carryLen {
				l = l[:len(l)-1] // all of the line is held, and its newline
			}
			st.k.line(l, st.carryLen-1, st.carryOff)
			st.carry, st.carryLen, st.carryOff = append(st.carry[:0], seg.tail...), seg.tailLen, seg.tailOffset
		}
		*seg = segment{}
	}
}

// end handles the last line of an input that does not end with a newline,
// once every segment is done.
func (st *stitcher) end() {
	if st.carryLen > 0 {
		st.k.line(st.carry, st.carryLen, st.carryOff)
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
	st := newStitcher(segs, r.joins(), lf, input)
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
				st.finish(i)
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
		st.finish(i)
		r.prog.add(m)
		return nil
	})
	if err != nil {
		return err
	}
	st.end()
	return nil
}
