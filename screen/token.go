package screen

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Character classes of the word splitter.
const (
	classSpace  = iota // separates words
	classWord          // letter or digit: part of a run
	classMark          // combining mark: joins the run or single before it
	classSingle        // a character of a script written without spaces
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			t[c] = classWord
		}
	}
	return t
}()

// singleScripts are the scripts whose characters are words of their own.
var singleScripts = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar}

func classOf(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	switch {
	case r == utf8.RuneError:
		return classSpace
	case unicode.IsMark(r):
		return classMark
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		if unicode.IsOneOf(singleScripts, r) {
			return classSingle
		}
		return classWord
	case unicode.IsOneOf(singleScripts, r):
		return classSingle
	}
	return classSpace
}

// rune1 decodes the rune at s[i:] and returns its class and width.
func rune1(s string, i int) (uint8, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return classOf(r), n
}

// nextWord returns the byte range [start, end) of the first word of s that
// begins at or after i, or start < 0 if there is none. The word's
// characters are taken from s as they are; see appendNorm.
func nextWord(s string, i int) (start, end int) {
	n := len(s)
	for i < n {
		// Fast path over ASCII separators.
		if c := s[i]; c < utf8.RuneSelf && asciiClass[c] == classSpace {
			i++
			continue
		}
		cl, w := rune1(s, i)
		if cl == classSpace {
			i += w
			continue
		}
		start = i
		i += w
		if cl == classSingle {
			for i < n {
				c2, w2 := rune1(s, i)
				if c2 != classMark {
					break
				}
				i += w2
			}
			return start, i
		}
		for i < n {
			c := s[i]
			if c < utf8.RuneSelf {
				if asciiClass[c] != classWord {
					break
				}
				i++
				continue
			}
			c2, w2 := rune1(s, i)
			if c2 != classWord && c2 != classMark {
				break
			}
			i += w2
		}
		return start, i
	}
	return -1, -1
}

// boundaryAt returns the first position at or after i where no word of s
// straddles: a separator, a character of a script without spaces, or the
// end. Splitting s there and splitting each part gives the same words as
// splitting s.
func boundaryAt(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	for i < len(s) {
		cl, w := rune1(s, i)
		if cl == classSpace || cl == classSingle {
			return i
		}
		i += w
	}
	return len(s)
}

// appendNorm appends the normal form of the word w to dst: NFKC, then
// lower case. ASCII words take a fast path with the same result.
func appendNorm(dst []byte, w string) []byte {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	n0 := len(dst)
	if norm.NFKC.QuickSpanString(w) == len(w) {
		dst = append(dst, w...) // already normal; AppendString would allocate
	} else {
		dst = norm.NFKC.AppendString(dst, w)
	}
	n1 := len(dst)
	for i := n0; i < n1; {
		r, sz := utf8.DecodeRune(dst[i:n1])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += sz
	}
	m := copy(dst[n0:], dst[n1:])
	return dst[:n0+m]
}

// Words splits text into words and returns each word's normal form, the
// comparison unit of the package.
func Words(text string) []string {
	var out []string
	var buf []byte
	for i := 0; ; {
		s, e := nextWord(text, i)
		if s < 0 {
			return out
		}
		buf = appendNorm(buf[:0], text[s:e])
		out = append(out, string(buf))
		i = e
	}
}

// hashWord hashes a normalised word: FNV-1a, then a finaliser so that
// short words spread over all 64 bits.
func hashWord(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return mix(h)
}

// mix is the finaliser of SplitMix64, a bijection on 64-bit values.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// gramBase is the base of the polynomial rolling hash of K-grams.
const gramBase = 0x9e3779b97f4a7c15

// grams computes the fingerprint of every K-gram of the word hashes wh
// into dst: the polynomial hash of the K word hashes modulo 2^64, mixed.
func grams(dst []uint64, wh []uint64, k int) []uint64 {
	dst = dst[:0]
	if len(wh) < k {
		return dst
	}
	var pow uint64 = 1 // gramBase^(k-1)
	for i := 1; i < k; i++ {
		pow *= gramBase
	}
	var h uint64
	for i := 0; i < k; i++ {
		h = h*gramBase + wh[i]
	}
	dst = append(dst, mix(h))
	for i := k; i < len(wh); i++ {
		h = (h-wh[i-k]*pow)*gramBase + wh[i]
		dst = append(dst, mix(h))
	}
	return dst
}

// winnow appends to dst the positions in f selected by winnowing with
// window w: of each window of w consecutive values the position of the
// smallest, the rightmost one on a tie. A sequence shorter than one window
// selects its smallest value alone. Positions come out in increasing order,
// each once. deque is scratch space.
func winnow(dst []int32, f []uint64, w int, deque []int32) ([]int32, []int32) {
	n := len(f)
	if n == 0 {
		return dst, deque
	}
	if n < w {
		best := 0
		for i := 1; i < n; i++ {
			if f[i] <= f[best] {
				best = i
			}
		}
		return append(dst, int32(best)), deque
	}
	// deque holds positions with strictly increasing values; its head is
	// the rightmost minimum of the current window.
	deque = deque[:0]
	head := 0
	last := int32(-1)
	for j := 0; j < n; j++ {
		for len(deque) > head && f[deque[len(deque)-1]] >= f[j] {
			deque = deque[:len(deque)-1]
		}
		deque = append(deque, int32(j))
		if j < w-1 {
			continue
		}
		for int(deque[head]) <= j-w {
			head++
		}
		if sel := deque[head]; sel != last {
			dst = append(dst, sel)
			last = sel
		}
	}
	return dst, deque
}
