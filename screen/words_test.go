package screen_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai/screen"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"punctuation only", " ,.;—« »\n", nil},
		{"case and punctuation", "Don't STOP-me now!", []string{"don", "t", "stop", "me", "now"}},
		{"digits", "In 1851, 3.5 million", []string{"in", "1851", "3", "5", "million"}},
		{"accents", "Élan VITAL à l'École", []string{"élan", "vital", "à", "l", "école"}},
		{"decomposed accents", "E\u0301lan", []string{"élan"}},
		{"compatibility forms", "ﬁne ＡＢＣ", []string{"fine", "abc"}},
		{"han characters are words", "我爱北京天安门", []string{"我", "爱", "北", "京", "天", "安", "门"}},
		{"kana with a combining mark", "か\u3099き", []string{"が", "き"}},
		{"mixed scripts", "abc漢字def", []string{"abc", "漢", "字", "def"}},
		{"greek and cyrillic", "ΣΟΦΙΑ Москва", []string{"σοφια", "москва"}},
		{"invalid utf-8 separates", "ab\xffcd", []string{"ab", "cd"}},
		{"no-break space and tabs", "one\u00a0two\tthree", []string{"one", "two", "three"}},
	}
	for _, tt := range tests {
		if got := screen.Words(tt.text); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: Words(%q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

// FuzzWords checks properties of the word splitter and normaliser: no
// panic, no empty word, and indifference to ASCII case and to which ASCII
// separators separate the words.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "Call me Ishmael. Some years ago—never mind how long", "漢字かな", "E\u0301COLE", "\xff\xfe", "a\u0301\u0302b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w := screen.Words(s)
		for _, x := range w {
			if x == "" || !utf8.ValidString(x) {
				t.Fatalf("Words(%q) has the word %q", s, x)
			}
		}
		flip := []byte(s)
		spaced := []byte(s)
		for i, c := range flip {
			switch {
			case 'a' <= c && c <= 'z':
				flip[i] = c - 32
			case 'A' <= c && c <= 'Z':
				flip[i] = c + 32
			case c < utf8.RuneSelf && !('0' <= c && c <= '9'):
				spaced[i] = " ,;.\n-"[i%6]
			}
		}
		if got := screen.Words(string(flip)); !slices.Equal(got, w) {
			t.Fatalf("Words(%q) = %q, but with ASCII case flipped %q", s, w, got)
		}
		if got := screen.Words(string(spaced)); !slices.Equal(got, w) {
			t.Fatalf("Words(%q) = %q, but with other separators %q", s, w, got)
		}
		if j := strings.Join(w, " "); !bytes.Equal([]byte(j), []byte(strings.Join(screen.Words(strings.ToUpper(j)), " "))) && isASCII(j) {
			t.Fatalf("Words is not case-insensitive on %q", j)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
