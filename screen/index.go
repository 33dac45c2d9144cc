package screen

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Version is the version of the index file format that this package writes
// and reads.
const Version = 1

// normVersion identifies the word splitting and normalisation. An index
// built with another one would silently miss matches, so Load refuses it.
const normVersion = 1

// magic opens every index file.
const magic = "GPAISCRN"

// File layout, all integers little-endian:
//
//	header   magic [8]byte, version, k, w, norm uint32,
//	         works, frames uint32, fingerprints, worksLen, blobLen uint64
//	works    per work: frame, start, length, words uint32,
//	         name and URL as uvarint length + bytes
//	frames   per frame: offset in blob uint64, compressed length, raw length uint32
//	keys     per fingerprint: hash uint64, ascending
//	postings per fingerprint: work, word, byte offset uint32
//	blob     the zstd frames
//	trailer  CRC-32C (Castagnoli) of everything before it, uint32
const (
	headerSize  = 8 + 4*6 + 8*3
	frameSize   = 16
	postingSize = 12
	trailerSize = 4
)

// Limits that keep a hostile file from making Load allocate without bound.
const (
	maxFrameRaw = 1 << 30 // bytes of text in one frame
	maxString   = 1 << 16 // bytes of a work's name or URL
)

// ErrCorrupt is wrapped by errors about index files that are damaged,
// truncated, or not index files at all.
var ErrCorrupt = errors.New("screen: corrupt index")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Work identifies a protected work.
type Work struct {
	Name string // a file's path, or the URL of a crawled page
	URL  string // where the work was found, if known
}

type work struct {
	Work
	frame, start, length, words uint32
}

type frame struct {
	off       uint64
	clen, raw uint32
}

type posting struct {
	work, word, off uint32
}

// Index is a loaded index of protected works. Its methods may be called
// from several goroutines at once.
type Index struct {
	k, w     int
	works    []work
	frames   []frame
	blob     []byte
	keys     []uint64
	postings []posting
	dir      []uint32 // dir[b]: first key whose top bits are b
	shift    uint
	size     int
	words    int64
	text     int64

	dec  *zstd.Decoder
	pool sync.Pool // of *scratch
}

// Stats describes an index.
type Stats struct {
	Works        int   // works indexed
	Words        int64 // words in all works
	TextBytes    int64 // bytes of text in all works
	Fingerprints int   // fingerprints stored
	Size         int   // bytes of the index file
}

// MinWords returns the length, in words, of the shortest overlap the index
// is guaranteed to find: W + K - 1.
func (x *Index) MinWords() int { return x.w + x.k - 1 }

// K returns the length, in words, of the hashed word sequences; no overlap
// shorter than K words can be found.
func (x *Index) K() int { return x.k }

// Len returns the number of works in the index.
func (x *Index) Len() int { return len(x.works) }

// Work returns the i-th work, as numbered by Match.Work.
func (x *Index) Work(i int) Work { return x.works[i].Work }

// Stats returns the size and content of the index.
func (x *Index) Stats() Stats {
	return Stats{Works: len(x.works), Words: x.words, TextBytes: x.text, Fingerprints: len(x.keys), Size: x.size}
}

// Text returns the stored text of the i-th work, the text that Match
// offsets into the work refer to.
func (x *Index) Text(i int) (string, error) {
	w := x.works[i]
	b, err := x.decodeFrame(nil, w.frame)
	if err != nil {
		return "", err
	}
	return string(b[w.start : w.start+w.length]), nil
}

// Close releases the index's decoder. The index must not be used after.
func (x *Index) Close() error {
	x.dec.Close()
	return nil
}

// decodeFrame decompresses frame f into dst.
func (x *Index) decodeFrame(dst []byte, f uint32) ([]byte, error) {
	fr := x.frames[f]
	if cap(dst) < int(fr.raw) {
		dst = make([]byte, 0, fr.raw)
	}
	out, err := x.dec.DecodeAll(x.blob[fr.off:fr.off+uint64(fr.clen)], dst[:0])
	if err != nil {
		return nil, fmt.Errorf("%w: frame %d: %v", ErrCorrupt, f, err)
	}
	if len(out) != int(fr.raw) {
		return nil, fmt.Errorf("%w: frame %d holds %d bytes, want %d", ErrCorrupt, f, len(out), fr.raw)
	}
	return out, nil
}

// lookup returns the range of postings whose key is h.
func (x *Index) lookup(h uint64) (lo, hi int) {
	b := h >> x.shift
	lo, hi = int(x.dir[b]), int(x.dir[b+1])
	for lo < hi && x.keys[lo] < h {
		lo++
	}
	end := lo
	for end < hi && x.keys[end] == h {
		end++
	}
	return lo, end
}

// reader decodes the fields of an index file, remembering the first
// failure so that callers check once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
}

func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) u64() uint64 {
	if len(r.b) < 8 {
		r.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) str() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > maxString || uint64(len(r.b)-k) < n {
		r.fail("bad string in work table")
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}

// Load reads an index from the contents of an index file. The index keeps
// data, which must not be modified afterwards. Errors about damaged files
// wrap ErrCorrupt.
func Load(data []byte) (*Index, error) {
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a gpai output-screening index (no %q signature)", ErrCorrupt, magic)
	}
	if len(data) < headerSize+trailerSize {
		return nil, fmt.Errorf("%w: truncated: %d bytes", ErrCorrupt, len(data))
	}
	hr := &reader{b: data[len(magic):headerSize]}
	version := hr.u32()
	if version != Version {
		return nil, fmt.Errorf("%w: format version %d, this build reads version %d", ErrCorrupt, version, Version)
	}
	body := data[:len(data)-trailerSize]
	if got, want := crc32.Checksum(body, castagnoli), binary.LittleEndian.Uint32(data[len(body):]); got != want {
		return nil, fmt.Errorf("%w: checksum mismatch (the file is damaged or truncated)", ErrCorrupt)
	}
	x := &Index{size: len(data)}
	x.k, x.w = int(hr.u32()), int(hr.u32())
	nv := hr.u32()
	nworks, nframes := hr.u32(), hr.u32()
	nfp, worksLen, blobLen := hr.u64(), hr.u64(), hr.u64()
	switch {
	case nv != normVersion:
		return nil, fmt.Errorf("%w: word normalisation version %d, this build uses %d", ErrCorrupt, nv, normVersion)
	case x.k < 1 || x.k > 1<<10 || x.w < 1 || x.w > 1<<16:
		return nil, fmt.Errorf("%w: bad parameters k=%d w=%d", ErrCorrupt, x.k, x.w)
	}
	// Every section must fit in the file before anything is allocated.
	rest := uint64(len(body) - headerSize)
	if nfp > rest/(8+postingSize) {
		return nil, fmt.Errorf("%w: %d fingerprints cannot fit in the file", ErrCorrupt, nfp)
	}
	need := [...]uint64{worksLen, uint64(nframes) * frameSize, nfp * 8, nfp * postingSize, blobLen}
	var sum uint64
	for _, n := range need {
		if n > rest || sum+n > rest {
			return nil, fmt.Errorf("%w: sections overrun the file", ErrCorrupt)
		}
		sum += n
	}
	if sum != rest {
		return nil, fmt.Errorf("%w: %d stray bytes after the sections", ErrCorrupt, rest-sum)
	}
	if uint64(nworks)*(16+2) > worksLen {
		return nil, fmt.Errorf("%w: work table too short for %d works", ErrCorrupt, nworks)
	}
	p := uint64(headerSize)
	section := func(n uint64) []byte {
		s := body[p : p+n]
		p += n
		return s
	}
	worksB, framesB, keysB, postB := section(worksLen), section(uint64(nframes)*frameSize), section(nfp*8), section(nfp*postingSize)
	x.blob = section(blobLen)

	fr := &reader{b: framesB}
	x.frames = make([]frame, nframes)
	for i := range x.frames {
		f := frame{off: fr.u64(), clen: fr.u32(), raw: fr.u32()}
		if f.off > blobLen || uint64(f.clen) > blobLen-f.off || f.raw > maxFrameRaw {
			return nil, fmt.Errorf("%w: frame %d out of range", ErrCorrupt, i)
		}
		x.frames[i] = f
	}

	wr := &reader{b: worksB}
	x.works = make([]work, nworks)
	for i := range x.works {
		w := work{frame: wr.u32(), start: wr.u32(), length: wr.u32(), words: wr.u32()}
		w.Name, w.URL = wr.str(), wr.str()
		if wr.err != nil {
			return nil, wr.err
		}
		if w.frame >= nframes || uint64(w.start)+uint64(w.length) > uint64(x.frames[w.frame].raw) {
			return nil, fmt.Errorf("%w: work %d out of range", ErrCorrupt, i)
		}
		x.works[i] = w
		x.words += int64(w.words)
		x.text += int64(w.length)
	}
	if len(wr.b) != 0 {
		return nil, fmt.Errorf("%w: %d stray bytes in the work table", ErrCorrupt, len(wr.b))
	}

	x.keys = make([]uint64, nfp)
	for i := range x.keys {
		x.keys[i] = binary.LittleEndian.Uint64(keysB[8*i:])
		if i > 0 && x.keys[i] < x.keys[i-1] {
			return nil, fmt.Errorf("%w: fingerprints out of order at %d", ErrCorrupt, i)
		}
	}
	x.postings = make([]posting, nfp)
	for i := range x.postings {
		b := postB[postingSize*i:]
		pp := posting{binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])}
		if pp.work >= nworks || pp.word >= x.works[pp.work].words || pp.off >= x.works[pp.work].length {
			return nil, fmt.Errorf("%w: fingerprint %d points outside its work", ErrCorrupt, i)
		}
		x.postings[i] = pp
	}
	x.buildDir()

	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxFrameRaw+1<<20))
	if err != nil {
		return nil, fmt.Errorf("screen: zstd: %w", err)
	}
	x.dec = dec
	x.pool.New = func() any { return &scratch{frame: -1} }
	return x, nil
}

// buildDir builds the directory that maps the top bits of a hash to the
// first key with those bits, so that a lookup reads about one key.
func (x *Index) buildDir() {
	b := 0
	if n := len(x.keys); n > 1 {
		b = bits.Len(uint(n - 1))
	}
	x.shift = uint(64 - b)
	x.dir = make([]uint32, 1<<b+1)
	j := 0
	for d := range x.dir[:1<<b] {
		for j < len(x.keys) && x.keys[j]>>x.shift < uint64(d) {
			j++
		}
		x.dir[d] = uint32(j)
	}
	x.dir[1<<b] = uint32(len(x.keys))
}
