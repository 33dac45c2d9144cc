package screen

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"
)

type wordRange struct{ start, end int }

func splitRanges(s string, base int) []wordRange {
	var out []wordRange
	for i := 0; ; {
		st, en := nextWord(s, i)
		if st < 0 {
			return out
		}
		out = append(out, wordRange{base + st, base + en})
		i = en
	}
}

// FuzzBoundary checks the property that verification relies on: splitting
// a text at boundaryAt and splitting each part gives the words of the
// whole.
func FuzzBoundary(f *testing.F) {
	for _, s := range []string{"", "a", "hello, world", "漢字かな交じり文", "e\u0301te\u0301 à l'école", "か\u3099abc", "x\u0301\u0302y z", "ไทยภาษา abc"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, i int) {
		if !utf8.ValidString(s) || len(s) == 0 {
			return
		}
		i = int(uint(i) % uint(len(s)+1))
		b := boundaryAt(s, i)
		if b < i || b > len(s) {
			t.Fatalf("boundaryAt(%q, %d) = %d", s, i, b)
		}
		whole := splitRanges(s, 0)
		parts := append(splitRanges(s[:b], 0), splitRanges(s[b:], b)...)
		if !slices.Equal(whole, parts) {
			t.Fatalf("boundaryAt(%q, %d) = %d splits a word: %v vs %v", s, i, b, whole, parts)
		}
	})
}

// TestWinnow checks the two properties of winnowing that the guarantee
// rests on: every window of w hashes has a selected position, and that
// position is the rightmost minimum of the window, a function of the
// window alone.
func TestWinnow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		n, w := r.IntN(200), 1+r.IntN(30)
		f := make([]uint64, n)
		for i := range f {
			f[i] = uint64(r.IntN(1 + trial%50)) // many ties
		}
		sel, _ := winnow(nil, f, w, nil)
		if n > 0 && len(sel) == 0 {
			t.Fatalf("n=%d w=%d: nothing selected", n, w)
		}
		if !slices.IsSorted(sel) || len(slices.Compact(slices.Clone(sel))) != len(sel) {
			t.Fatalf("selection %v not increasing", sel)
		}
		for i := 0; i+w <= n; i++ {
			best := i
			for j := i; j < i+w; j++ {
				if f[j] <= f[best] {
					best = j
				}
			}
			if _, ok := slices.BinarySearch(sel, int32(best)); !ok {
				t.Fatalf("n=%d w=%d: window at %d: rightmost minimum %d not selected in %v", n, w, i, best, sel)
			}
		}
	}
}

// TestGrams checks the rolling hash against hashing each K-gram afresh.
func TestGrams(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	wh := make([]uint64, 100)
	for i := range wh {
		wh[i] = r.Uint64()
	}
	for k := 1; k <= 12; k++ {
		got := grams(nil, wh, k)
		for i := range got {
			var h uint64
			for _, v := range wh[i : i+k] {
				h = h*gramBase + v
			}
			if got[i] != mix(h) {
				t.Fatalf("k=%d: gram %d differs", k, i)
			}
		}
	}
}
