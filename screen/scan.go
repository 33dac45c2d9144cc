package screen

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"
)

// Match is a maximal span of a scanned text whose normalised words appear,
// in the same order and with nothing between them, in a work of the index.
type Match struct {
	Work int // the work, numbered as by Index.Work

	Start, End int // byte offsets of the span in the scanned text
	Word       int // index of the span's first word in the scanned text
	Words      int // length of the span in words
	Chars      int // length of the span in characters (runes): of the text from Start to End

	WorkStart, WorkEnd int // byte offsets of the span in the work's text (see Index.Text)
	WorkWord           int // index of the span's first word in the work
}

// word is a word of a scanned text: its place in the text and its normal
// form in scratch.norm.
type word struct {
	start, end uint32
	ns, ne     uint32
}

// span is an agreement found by verification, kept so that candidates on
// the same diagonal are not verified again.
type span struct {
	work uint32
	a, b int
	diag int64 // word in the work minus word in the text
}

// scratch is the per-call state of Scan, pooled.
type scratch struct {
	words []word
	norm  []byte
	wh    []uint64
	fps   []uint64
	sel   []int32
	deque []int32
	spans []span
	nb    []byte
	left  []int32 // start and end of words, for extending left

	frame int64 // the frame in fbuf, or -1
	fbuf  []byte
}

// Scan returns the overlaps of text with the works of the index that are
// at least minWords words long, ordered by their start in text. A minWords
// below MinWords is raised to it, since shorter overlaps might be missed.
// An error means that a frame of the index could not be decoded, which an
// index that Load accepted can only do if it was written by something else
// than a Builder; it wraps ErrCorrupt.
func (x *Index) Scan(text string, minWords int) ([]Match, error) {
	return x.AppendScan(nil, text, minWords)
}

// AppendScan is like Scan but appends the overlaps to dst and returns the
// extended slice. With room in dst it allocates nothing.
func (x *Index) AppendScan(dst []Match, text string, minWords int) ([]Match, error) {
	if len(text) > math.MaxUint32 {
		return dst, fmt.Errorf("screen: text of %d bytes is too long to scan", len(text))
	}
	minWords = max(minWords, x.MinWords())
	s := x.pool.Get().(*scratch)
	defer x.pool.Put(s)

	s.words, s.norm, s.wh = s.words[:0], s.norm[:0], s.wh[:0]
	for i := 0; ; {
		st, en := nextWord(text, i)
		if st < 0 {
			break
		}
		ns := len(s.norm)
		s.norm = appendNorm(s.norm, text[st:en])
		s.words = append(s.words, word{uint32(st), uint32(en), uint32(ns), uint32(len(s.norm))})
		s.wh = append(s.wh, hashWord(s.norm[ns:]))
		i = en
	}
	if len(s.words) < minWords {
		return dst, nil
	}
	s.fps = grams(s.fps, s.wh, x.k)
	s.sel, s.deque = winnow(s.sel[:0], s.fps, x.w, s.deque)
	s.spans = s.spans[:0]
	base := len(dst)
	for _, p32 := range s.sel {
		p := int(p32)
		lo, hi := x.lookup(s.fps[p])
	candidates:
		for _, e := range x.postings[lo:hi] {
			diag := int64(e.word) - int64(p)
			for _, sp := range s.spans {
				if sp.work == e.work && sp.diag == diag && sp.a <= p && p < sp.b {
					continue candidates
				}
			}
			m, ok, err := x.verify(s, text, e, p)
			if err != nil {
				return dst, err
			}
			if !ok {
				continue
			}
			s.spans = append(s.spans, span{e.work, m.Word, m.Word + m.Words, diag})
			if m.Words >= minWords {
				dst = append(dst, m)
			}
		}
	}
	slices.SortFunc(dst[base:], func(a, b Match) int {
		if r := cmp.Compare(a.Start, b.Start); r != 0 {
			return r
		}
		if r := cmp.Compare(a.Work, b.Work); r != 0 {
			return r
		}
		return cmp.Compare(a.WorkStart, b.WorkStart)
	})
	return dst, nil
}

// verify compares the words of the work of e from e.off with the scanned
// words from p, and extends the agreement both ways as far as it goes. It
// reports false if fewer than K words agree: a hash collision.
func (x *Index) verify(s *scratch, text string, e posting, p int) (Match, bool, error) {
	wk := &x.works[e.work]
	if s.frame != int64(wk.frame) {
		s.frame = -1
		fb, err := x.decodeFrame(s.fbuf, wk.frame)
		if err != nil {
			return Match{}, false, err
		}
		s.fbuf, s.frame = fb, int64(wk.frame)
	}
	var doc string
	if wk.length > 0 {
		doc = unsafe.String(&s.fbuf[wk.start], int(wk.length))
	}
	off := int(e.off)

	// Forward from the candidate.
	j, i, end := p, off, off
	for j < len(s.words) {
		st, en := nextWord(doc, i)
		if st < 0 || j == p && st != off {
			break
		}
		s.nb = appendNorm(s.nb[:0], doc[st:en])
		q := s.words[j]
		if !bytes.Equal(s.nb, s.norm[q.ns:q.ne]) {
			break
		}
		j, i, end = j+1, en, en
	}
	if j-p < x.k {
		return Match{}, false, nil
	}

	// Backward: split a stretch of the work that ends at the candidate
	// and begins at a word boundary, and compare from its end; widen the
	// stretch while every word in it agrees and more are wanted.
	m, start := 0, off
	for width := min(p, 64)*8 + 64; p > 0 && off > 0; width *= 4 {
		lo := 0
		if off > width {
			lo = boundaryAt(doc[:off], off-width)
		}
		s.left = s.left[:0]
		for i := lo; ; {
			st, en := nextWord(doc[:off], i)
			if st < 0 {
				break
			}
			s.left = append(s.left, int32(st), int32(en))
			i = en
		}
		nl := len(s.left) / 2
		m, start = 0, off
		for m < nl && m < p {
			st, en := int(s.left[2*(nl-1-m)]), int(s.left[2*(nl-1-m)+1])
			s.nb = appendNorm(s.nb[:0], doc[st:en])
			q := s.words[p-1-m]
			if !bytes.Equal(s.nb, s.norm[q.ns:q.ne]) {
				break
			}
			m, start = m+1, st
		}
		if m < nl || m == p || lo == 0 {
			break
		}
	}

	a, b := p-m, j
	mt := Match{
		Work:      int(e.work),
		Start:     int(s.words[a].start),
		End:       int(s.words[b-1].end),
		Word:      a,
		Words:     b - a,
		WorkStart: start,
		WorkEnd:   end,
		WorkWord:  max(int(e.word)-m, 0),
	}
	mt.Chars = utf8.RuneCountInString(text[mt.Start:mt.End])
	return mt, true, nil
}
