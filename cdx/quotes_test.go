package cdx

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestQuoteScan compares quoteScan (SSE2 on amd64) and quoteMap.scan
// with a byte-by-byte scan.
func TestQuoteScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`"\ab{}:, ` + "\x00\x80\xff")
	var m quoteMap
	for iter := range 20000 {
		n := 16 + r.IntN(300)
		if iter%100 == 0 {
			n = 16 + r.IntN(maxFastJSON-15)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(4) > 0 {
				b[i] = 'a'
			}
		}
		// stale bits from an earlier, different object
		for i := range m.w {
			m.w[i] = r.Uint64()
		}
		bs := m.scan(b)
		want := false
		for i, c := range b {
			want = want || c == '\\'
			if got := m.w[i>>6]>>(i&63)&1 == 1; got != (c == '"') {
				t.Fatalf("len %d: byte %d (%q): quote bit %v", n, i, c, got)
			}
			if c == '"' && m.next(max(i-r.IntN(130), 0)) > i {
				t.Fatalf("len %d: next quote before %d skips it", n, i)
			}
		}
		if bs != want {
			t.Fatalf("len %d: backslash %v, want %v", n, bs, want)
		}
		var w1, w2 [quoteWords + 1]uint64
		if a, b := quoteScan(b, w1[:]), quoteScanGo(b, w2[:]); a != 0 != (b != 0) || w1 != w2 {
			t.Fatalf("len %d: quoteScan differs from quoteScanGo", n)
		}
	}
}

// TestDigits compares digits with parseUint.
func TestDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("0123456789/:\x00\xff \"-+.e")
	for range 200000 {
		l := r.IntN(21)
		b := make([]byte, l+2+r.IntN(20))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if i < l && r.IntN(20) > 0 {
				b[i] = '0' + byte(r.IntN(10))
			}
		}
		if r.IntN(4) == 0 && l > 0 {
			for i := range l {
				b[i] = '9'
			}
		}
		v1, ok1 := digits(b, 0, l)
		v2, ok2 := parseUint(b[:l])
		if v1 != v2 || ok1 != ok2 {
			t.Fatalf("digits(%q) = %d, %v; parseUint %d, %v", b[:l], v1, ok1, v2, ok2)
		}
	}
}

// next returns the index of the first quote at or after p; there must be
// one in the object.
func (m *quoteMap) next(p int) int {
	w := p >> 6
	if x := m.w[w] >> uint(p&63); x != 0 {
		return p + bits.TrailingZeros64(x)
	}
	for {
		w++
		if x := m.w[w]; x != 0 {
			return w<<6 + bits.TrailingZeros64(x)
		}
	}
}
