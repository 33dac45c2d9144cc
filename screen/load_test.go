package screen_test

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gpai-project/gpai/screen"
)

// smallIndex returns a small index file and a text that overlaps it.
func smallIndex(t testing.TB) ([]byte, string) {
	r := rand.New(rand.NewPCG(9, 9))
	docs := genCorpus(r, 6, 10, 80)
	return indexBytes(t, screen.Config{MinWords: 6, K: 3}, docs), "so " + docs[2].text + " and " + docs[4].text
}

// exercise uses every method of a loaded index; on a damaged index it may
// return errors but must not panic.
func exercise(idx *screen.Index, text string) {
	idx.Scan(text, 0)
	for i := range idx.Len() {
		idx.Text(i)
		idx.Work(i)
	}
	idx.Stats()
	idx.Close()
}

// FuzzLoad feeds Load arbitrary bytes: it must return an error wrapping
// ErrCorrupt or an index that works, never panic.
func FuzzLoad(f *testing.F) {
	data, text := smallIndex(f)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("GPAISCRN"))
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := screen.Load(b)
		if err != nil {
			if !errors.Is(err, screen.ErrCorrupt) {
				t.Fatalf("Load error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		exercise(idx, text)
	})
}

// FuzzLoadChecksummed damages a valid index and then repairs its
// checksum, so that the structural checks of Load are what stands
// between the damage and a panic.
func FuzzLoadChecksummed(f *testing.F) {
	data, text := smallIndex(f)
	f.Add(uint(0), byte(1), uint16(0))
	f.Add(uint(60), byte(0xff), uint16(3))
	f.Add(uint(len(data)-40), byte(0x80), uint16(0))
	f.Fuzz(func(t *testing.T, at uint, xor byte, cut uint16) {
		b := slices.Clone(data)
		b[at%uint(len(b)-4)] ^= xor
		if n := int(cut) % 64; n > 0 && n < len(b)-4 {
			b = append(b[:len(b)-4-n], b[len(b)-4:]...)
		}
		body := b[:len(b)-4]
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
		idx, err := screen.Load(b)
		if err != nil {
			if !errors.Is(err, screen.ErrCorrupt) {
				t.Fatalf("Load error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		exercise(idx, text)
	})
}

func TestLoadRoundTrip(t *testing.T) {
	data, text := smallIndex(t)
	idx, err := screen.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	got, err := idx.Scan(text, 0)
	if err != nil || len(got) != 2 {
		t.Fatalf("Scan = %v, %v; want 2 matches", got, err)
	}
	s := idx.Stats()
	if s.Works != 6 || s.Size != len(data) || s.Fingerprints == 0 || idx.MinWords() != 6 || idx.K() != 3 {
		t.Errorf("Stats() = %+v, MinWords %d, K %d", s, idx.MinWords(), idx.K())
	}
}
