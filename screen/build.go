package screen

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// Config sets the detection length of an index.
type Config struct {
	// MinWords is the length, in normalised words, from which every
	// verbatim overlap is guaranteed to be found. The winnowing window is
	// MinWords - K + 1 K-grams. A smaller MinWords gives a larger index.
	MinWords int
	// K is the length, in words, of the hashed word sequences. Overlaps
	// of fewer than K words are never found; a larger K makes chance
	// matches on common phrases rarer and the index larger.
	K int
}

// DefaultConfig returns the configuration used when none is given:
// overlaps of 50 words or more are found, from hashes of 10-word runs.
func DefaultConfig() Config { return Config{MinWords: 50, K: 10} }

// Validate reports whether the configuration can be used.
func (c Config) Validate() error {
	switch {
	case c.K < 1 || c.K > 1<<10:
		return fmt.Errorf("screen: K is %d, want 1 to 1024", c.K)
	case c.MinWords < c.K:
		return fmt.Errorf("screen: MinWords is %d, want at least K (%d)", c.MinWords, c.K)
	case c.MinWords-c.K+1 > 1<<16:
		return fmt.Errorf("screen: MinWords is %d, want at most %d", c.MinWords, 1<<16+c.K-1)
	}
	return nil
}

// targetFrame is the size of text from which a frame is compressed; works
// are never split, so a long work makes a frame of its own.
const targetFrame = 16 << 10

// BuildStats counts what a Builder has taken in.
type BuildStats struct {
	Works        int   // works indexed
	Short        int   // works left out for having fewer than MinWords words
	Words        int64 // words in the works indexed
	TextBytes    int64 // bytes of text in the works indexed
	Fingerprints int   // fingerprints collected
	Records      int   // WARC records read
	Skipped      int   // WARC records that held no text to index
}

type entry struct {
	key uint64
	posting
}

// Builder builds an index. Its methods must not be called concurrently.
type Builder struct {
	// Progress, if not nil, is called after each work is added.
	Progress func(BuildStats)

	cfg     Config
	enc     *zstd.Encoder
	stats   BuildStats
	works   []work
	frames  []frame
	blob    []byte
	cur     []byte
	entries []entry

	wh    []uint64
	offs  []uint32
	fps   []uint64
	sel   []int32
	deque []int32
	nb    []byte
}

// NewBuilder returns a Builder with the configuration c.
func NewBuilder(c Config) (*Builder, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		return nil, fmt.Errorf("screen: zstd: %w", err)
	}
	return &Builder{cfg: c, enc: enc}, nil
}

// Stats returns what the Builder has taken in so far.
func (b *Builder) Stats() BuildStats { return b.stats }

// Add adds a work with its text. Invalid UTF-8 is replaced with U+FFFD
// first. A work of fewer than MinWords words is counted and left out,
// since it cannot hold an overlap that long.
func (b *Builder) Add(w Work, text string) error {
	if len(text) > maxFrameRaw {
		return fmt.Errorf("screen: work %q is %d bytes, more than the limit of %d", w.Name, len(text), maxFrameRaw)
	}
	if len(w.Name) > maxString || len(w.URL) > maxString {
		return fmt.Errorf("screen: work %q: name or URL longer than %d bytes", w.Name[:min(len(w.Name), 80)], maxString)
	}
	if len(b.works) == math.MaxUint32 {
		return errors.New("screen: too many works for one index")
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	b.wh, b.offs = b.wh[:0], b.offs[:0]
	for i := 0; ; {
		s, e := nextWord(text, i)
		if s < 0 {
			break
		}
		b.nb = appendNorm(b.nb[:0], text[s:e])
		b.wh = append(b.wh, hashWord(b.nb))
		b.offs = append(b.offs, uint32(s))
		i = e
	}
	if len(b.wh) < b.cfg.MinWords {
		b.stats.Short++
		b.progress()
		return nil
	}
	if len(b.cur) > 0 && len(b.cur)+len(text) > targetFrame {
		b.flush()
	}
	id := uint32(len(b.works))
	b.works = append(b.works, work{Work: w, frame: uint32(len(b.frames)), start: uint32(len(b.cur)), length: uint32(len(text)), words: uint32(len(b.wh))})
	b.cur = append(b.cur, text...)
	if len(b.cur) >= targetFrame {
		b.flush()
	}
	b.fps = grams(b.fps, b.wh, b.cfg.K)
	b.sel, b.deque = winnow(b.sel[:0], b.fps, b.cfg.MinWords-b.cfg.K+1, b.deque)
	for _, s := range b.sel {
		b.entries = append(b.entries, entry{b.fps[s], posting{id, uint32(s), b.offs[s]}})
	}
	b.stats.Works++
	b.stats.Words += int64(len(b.wh))
	b.stats.TextBytes += int64(len(text))
	b.stats.Fingerprints = len(b.entries)
	b.progress()
	return nil
}

func (b *Builder) progress() {
	if b.Progress != nil {
		b.Progress(b.stats)
	}
}

// flush compresses the current frame.
func (b *Builder) flush() {
	if len(b.cur) == 0 {
		return
	}
	off := len(b.blob)
	b.blob = b.enc.EncodeAll(b.cur, b.blob)
	b.frames = append(b.frames, frame{off: uint64(off), clen: uint32(len(b.blob) - off), raw: uint32(len(b.cur))})
	b.cur = b.cur[:0]
}

// WriteTo writes the index file to w. More works may be added afterwards
// and the index written again.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	b.flush()
	slices.SortFunc(b.entries, func(a, c entry) int {
		if r := cmp.Compare(a.key, c.key); r != 0 {
			return r
		}
		if r := cmp.Compare(a.work, c.work); r != 0 {
			return r
		}
		return cmp.Compare(a.word, c.word)
	})
	var worksB []byte
	for _, wk := range b.works {
		worksB = binary.LittleEndian.AppendUint32(worksB, wk.frame)
		worksB = binary.LittleEndian.AppendUint32(worksB, wk.start)
		worksB = binary.LittleEndian.AppendUint32(worksB, wk.length)
		worksB = binary.LittleEndian.AppendUint32(worksB, wk.words)
		worksB = binary.AppendUvarint(worksB, uint64(len(wk.Name)))
		worksB = append(worksB, wk.Name...)
		worksB = binary.AppendUvarint(worksB, uint64(len(wk.URL)))
		worksB = append(worksB, wk.URL...)
	}
	cw := &crcWriter{w: bufio.NewWriterSize(w, 1<<20)}
	h := []byte(magic)
	for _, v := range []uint32{Version, uint32(b.cfg.K), uint32(b.cfg.MinWords - b.cfg.K + 1), normVersion, uint32(len(b.works)), uint32(len(b.frames))} {
		h = binary.LittleEndian.AppendUint32(h, v)
	}
	for _, v := range []uint64{uint64(len(b.entries)), uint64(len(worksB)), uint64(len(b.blob))} {
		h = binary.LittleEndian.AppendUint64(h, v)
	}
	cw.write(h)
	cw.write(worksB)
	buf := make([]byte, 0, 64<<10)
	for _, f := range b.frames {
		buf = binary.LittleEndian.AppendUint64(buf, f.off)
		buf = binary.LittleEndian.AppendUint32(buf, f.clen)
		buf = binary.LittleEndian.AppendUint32(buf, f.raw)
		buf = cw.spill(buf)
	}
	cw.write(buf)
	buf = buf[:0]
	for _, e := range b.entries {
		buf = binary.LittleEndian.AppendUint64(buf, e.key)
		buf = cw.spill(buf)
	}
	cw.write(buf)
	buf = buf[:0]
	for _, e := range b.entries {
		buf = binary.LittleEndian.AppendUint32(buf, e.work)
		buf = binary.LittleEndian.AppendUint32(buf, e.word)
		buf = binary.LittleEndian.AppendUint32(buf, e.off)
		buf = cw.spill(buf)
	}
	cw.write(buf)
	cw.write(b.blob)
	cw.write(binary.LittleEndian.AppendUint32(nil, cw.crc))
	if cw.err == nil {
		cw.err = cw.w.Flush()
	}
	return cw.n, cw.err
}

// crcWriter writes through a buffer and keeps the CRC-32C of what it wrote.
type crcWriter struct {
	w   *bufio.Writer
	crc uint32
	n   int64
	err error
}

func (c *crcWriter) write(p []byte) {
	if c.err != nil {
		return
	}
	c.crc = crc32.Update(c.crc, castagnoli, p)
	var n int
	n, c.err = c.w.Write(p)
	c.n += int64(n)
}

// spill writes buf when it is nearly full and returns it emptied.
func (c *crcWriter) spill(buf []byte) []byte {
	if len(buf) < cap(buf)-64 {
		return buf
	}
	c.write(buf)
	return buf[:0]
}
