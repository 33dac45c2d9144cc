package robots

import (
	"strings"
	"testing"
)

// TestWordHelpers checks the word-at-a-time helpers against byte loops at
// every length and position.
func TestWordHelpers(t *testing.T) {
	specials := []byte{'%', 0x80, 0xFF, ' ', '\t', 0x00, 0x7F, 0x21, 0x24, 0x26, 0x7E, 'A', 'Z', 'a', '@', '[', 0x01}
	for n := 0; n <= 40; n++ {
		for pos := -1; pos < n; pos++ {
			for _, c := range specials {
				b := []byte(strings.Repeat("a/b", 20)[:n])
				if pos >= 0 {
					b[pos] = c
				}
				s := string(b)
				wantNorm, wantSpace := false, false
				for i := 0; i < len(s); i++ {
					wantNorm = wantNorm || s[i] == '%' || s[i] >= 0x80
					wantSpace = wantSpace || s[i] <= ' ' || s[i] == 0x7F
				}
				if got := needsNorm(s); got != wantNorm {
					t.Fatalf("needsNorm(%q) = %v", s, got)
				}
				if got := hasSpaceOrControl(s); got != wantSpace {
					t.Fatalf("hasSpaceOrControl(%q) = %v", s, got)
				}
				if got := pathMask(s)&normClasses != 0; got != wantNorm {
					t.Fatalf("pathMask(%q) has norm classes: %v", s, got)
				}
				var w uint64
				for i := min(len(s), 8) - 1; i >= 0; i-- {
					w = w<<8 | uint64(s[i])
				}
				if got := load8(s); got != w {
					t.Fatalf("load8(%q) = %x, want %x", s, got, w)
				}
				var lw uint64
				ls := strings.Map(func(r rune) rune {
					if 'A' <= r && r <= 'Z' {
						return r + 'a' - 'A'
					}
					return r
				}, s)
				for i := min(len(ls), 8) - 1; i >= 0; i-- {
					lw = lw<<8 | uint64(ls[i])
				}
				if len(ls) == len(s) {
					if got := lowerWord(load8(s)); got != lw {
						t.Fatalf("lowerWord(%q) = %x, want %x", s, got, lw)
					}
				}
			}
		}
	}
}

// TestContains checks contains against strings.Contains for every anchor.
func TestContains(t *testing.T) {
	hay := []string{"", "a", "/a/b/c?d=e&f=g", "/xxxxxxxxxxxxxxxxxxxxxxxxy", "?s=?s=?s", "aaaaaaaaaaaaaaaaab"}
	lits := []string{"a", "?s=", "b", "xy", "aab", "f=g", "&f=g", "zz", "/a/b/c?d=e&f=gh", "aaaaaaaaab"}
	for _, s := range hay {
		for _, lit := range lits {
			for a := 0; a < len(lit); a++ {
				if got, want := contains(s, lit, a), strings.Contains(s, lit); got != want {
					t.Errorf("contains(%q, %q, %d) = %v, want %v", s, lit, a, got, want)
				}
			}
		}
	}
}
