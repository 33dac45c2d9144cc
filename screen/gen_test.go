package screen_test

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file generates deterministic pseudo-text whose word boundaries are
// known by construction, so that tests can predict every offset.

// vocab is a list of distinct pseudo-words: ASCII ones, Latin ones with
// accents, and single Han characters.
var vocab = func() []string {
	r := rand.New(rand.NewPCG(1, 2))
	cons := []string{"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "st", "tr", "ch", "sh", "br", "pl"}
	vows := []string{"a", "e", "i", "o", "u", "ai", "ou", "ee", "é", "ü", "ø", "à"}
	seen := map[string]bool{}
	var out []string
	for len(out) < 6000 {
		n := 1 + r.IntN(4)
		var b strings.Builder
		for range n {
			b.WriteString(cons[r.IntN(len(cons))])
			v := vows[r.IntN(len(vows))]
			if len(out) < 5000 && v[0] >= utf8.RuneSelf { // most words ASCII
				v = vows[r.IntN(8)]
			}
			b.WriteString(v)
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for c := rune(0x4e00); len(out) < 6300; c += 7 {
		out = append(out, string(c))
	}
	return out
}()

func isHan(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r >= 0x4e00 && r < 0xa000
}

// doc is a generated text with the byte range of each of its words.
type doc struct {
	text   string
	words  []string // normal forms
	starts []int
	ends   []int
}

// separators are strings of characters that separate words.
var separators = []string{" ", " ", " ", " ", "  ", "\n", ", ", ". ", "; ", " - ", " — ", "... ", "\t", "'", " (", ") ", "!\n\n", " « ", " » ", "/", "\u00a0"}

// sep returns a separator to put between words a and b: possibly none
// between characters of a script written without spaces.
func sep(r *rand.Rand, a, b string) string {
	if (isHan(a) || isHan(b)) && r.IntN(2) == 0 {
		return ""
	}
	if r.IntN(3) > 0 {
		return " "
	}
	return separators[r.IntN(len(separators))]
}

// genWords returns n words drawn from the vocabulary.
func genWords(r *rand.Rand, n int) []string {
	w := make([]string, n)
	for i := range w {
		if r.IntN(40) == 0 {
			w[i] = vocab[5000+r.IntN(len(vocab)-5000)] // accented or Han
		} else {
			w[i] = vocab[r.IntN(5000)]
		}
	}
	return w
}

// render joins words with separators, optionally varying the case and
// the Unicode form of each word, and records the offsets.
func render(r *rand.Rand, words []string, vary bool) doc {
	var b strings.Builder
	d := doc{words: words}
	for i, w := range words {
		if i > 0 {
			switch {
			case !vary:
				b.WriteString(sep(r, words[i-1], w))
			case (isHan(w) || isHan(words[i-1])) && r.IntN(2) == 0:
			default:
				b.WriteString(separators[r.IntN(len(separators))])
			}
		}
		if vary {
			w = varyWord(r, w)
		} else if w[0] < utf8.RuneSelf && (i == 0 || r.IntN(12) == 0) {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		d.starts = append(d.starts, b.Len())
		b.WriteString(w)
		d.ends = append(d.ends, b.Len())
	}
	d.text = b.String()
	return d
}

// varyWord changes the case or the Unicode composition of w without
// changing its normal form.
func varyWord(r *rand.Rand, w string) string {
	switch r.IntN(6) {
	case 0:
		return strings.ToUpper(w)
	case 1:
		rs := []rune(w)
		rs[0] = []rune(strings.ToUpper(string(rs[0])))[0]
		return string(rs)
	case 2:
		return norm.NFD.String(w)
	case 3:
		return norm.NFD.String(strings.ToUpper(w))
	}
	return w
}
