package screen_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai/screen"
)

// genCorpus returns n documents of between minW and maxW words.
func genCorpus(r *rand.Rand, n, minW, maxW int) []doc {
	docs := make([]doc, n)
	for i := range docs {
		docs[i] = render(r, genWords(r, minW+r.IntN(maxW-minW+1)), false)
	}
	return docs
}

// indexBytes builds the index file of docs.
func indexBytes(t testing.TB, cfg screen.Config, docs []doc) []byte {
	t.Helper()
	b, err := screen.NewBuilder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if err := b.Add(screen.Work{Name: fmt.Sprintf("work-%d", i), URL: fmt.Sprintf("https://example.com/%d", i)}, d.text); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func buildIndex(t testing.TB, cfg screen.Config, docs []doc) *screen.Index {
	t.Helper()
	idx, err := screen.Load(indexBytes(t, cfg, docs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// plant is a span of a work copied into a generated output.
type plant struct {
	kind  string
	match screen.Match // where it is: what Scan must report if it is long enough
}

// output is a generated model output with the spans planted in it.
type output struct {
	text   string
	plants []plant
}

// otherWord returns a vocabulary word other than each of not.
func otherWord(r *rand.Rand, not ...string) string {
	for {
		w := vocab[r.IntN(5000)]
		if !slices.Contains(not, w) {
			return w
		}
	}
}

// genOutput writes filler text with up to three spans of docs planted in
// it, of lengths around threshold, varied in case, punctuation, white
// space and Unicode composition.
func genOutput(r *rand.Rand, docs []doc, threshold int) output {
	var b strings.Builder
	var o output
	nwords := 0
	filler := func(n int) {
		if n == 0 {
			return
		}
		f := render(r, genWords(r, n), false)
		b.WriteString(f.text)
		b.WriteByte(' ')
		nwords += n
	}
	filler(r.IntN(120))
	for range r.IntN(4) {
		di := r.IntN(len(docs))
		d := docs[di]
		var kind string
		var n int
		switch k := r.IntN(10); {
		case k < 2:
			kind, n = "short", 1+r.IntN(threshold-1)
		case k == 2:
			kind, n = "exact", threshold
		case k == 3:
			kind, n = "near-duplicate", 2*threshold+r.IntN(2*threshold)
		default:
			kind, n = "long", threshold+r.IntN(300)
		}
		n = min(n, len(d.words))
		if (kind == "long" || kind == "exact") && n < threshold {
			kind = "short"
		}
		s := r.IntN(len(d.words) - n + 1)
		words := slices.Clone(d.words[s : s+n])
		if kind == "near-duplicate" {
			// Change one word in every threshold-1, so that no run of
			// threshold words is left intact.
			for i := threshold - 1; i < n; i += threshold - 1 {
				words[i] = otherWord(r, words[i])
			}
		}
		// Guard words that differ from the work's words either side, so
		// that the overlap is exactly the planted span.
		var before, after string
		if s > 0 {
			before = d.words[s-1]
		}
		if s+n < len(d.words) {
			after = d.words[s+n]
		}
		b.WriteString(otherWord(r, before))
		b.WriteString(" ")
		nwords++
		p := render(r, words, true)
		at := b.Len()
		b.WriteString(p.text)
		b.WriteString(" ")
		b.WriteString(otherWord(r, after))
		b.WriteString(". ")
		o.plants = append(o.plants, plant{kind, screen.Match{
			Work: di, Start: at + p.starts[0], End: at + p.ends[n-1], Word: nwords, Words: n,
			Chars:     utf8.RuneCountInString(p.text[p.starts[0]:p.ends[n-1]]),
			WorkStart: d.starts[s], WorkEnd: d.ends[s+n-1], WorkWord: s,
		}})
		nwords += n + 1
		filler(r.IntN(80))
	}
	o.text = b.String()
	return o
}

// TestPlanted is the bar of the issue: every planted overlap of at least
// the threshold is found, with its exact place and length in the output and
// in the work, and nothing else is reported: not shorter overlaps, not
// near-duplicates, not the unrelated text around them.
func TestPlanted(t *testing.T) {
	tests := []struct {
		cfg     screen.Config
		outputs int
	}{
		{screen.Config{MinWords: 30, K: 8}, 400},
		{screen.DefaultConfig(), 300},
		{screen.Config{MinWords: 12, K: 4}, 300},
		{screen.Config{MinWords: 5, K: 5}, 200},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("T=%d,K=%d", tt.cfg.MinWords, tt.cfg.K), func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(tt.cfg.MinWords)))
			docs := genCorpus(r, 400, 40, 900)
			idx := buildIndex(t, tt.cfg, docs)
			if idx.MinWords() != tt.cfg.MinWords {
				t.Fatalf("MinWords() = %d, want %d", idx.MinWords(), tt.cfg.MinWords)
			}
			found := map[string]int{}
			planted := map[string]int{}
			for i := range tt.outputs {
				o := genOutput(r, docs, tt.cfg.MinWords)
				got, err := idx.Scan(o.text, 0)
				if err != nil {
					t.Fatal(err)
				}
				for j := range got {
					got[j].Work = docNumber(t, idx, got[j].Work)
				}
				var want []screen.Match
				for _, p := range o.plants {
					planted[p.kind]++
					if p.kind == "long" || p.kind == "exact" {
						want = append(want, p.match)
					}
				}
				slices.SortFunc(want, func(a, b screen.Match) int { return a.Start - b.Start })
				for _, m := range got {
					if m.Words < tt.cfg.MinWords {
						t.Errorf("output %d: reported %d words, below the threshold", i, m.Words)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("output %d: Scan mismatch (-want +got):\n%s\ntext: %q", i, diff, o.text)
					continue
				}
				for _, p := range o.plants {
					if p.kind == "long" || p.kind == "exact" {
						found[p.kind]++
					}
				}
			}
			t.Logf("planted %v; found %v", planted, found)
			if planted["exact"] == 0 || planted["long"] == 0 || planted["near-duplicate"] == 0 || planted["short"] == 0 {
				t.Errorf("the generator planted %v; want every kind", planted)
			}
		})
	}
}

// docNumber returns the number of the generated document that is the
// i-th work of idx, from its name.
func docNumber(t *testing.T, idx *screen.Index, i int) int {
	var n int
	if _, err := fmt.Sscanf(idx.Work(i).Name, "work-%d", &n); err != nil {
		t.Fatalf("work %d is named %q", i, idx.Work(i).Name)
	}
	return n
}

// TestUnrelated scans a few megabytes of text unrelated to the works,
// drawn from the same vocabulary, and wants no report.
func TestUnrelated(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	docs := genCorpus(r, 2000, 40, 600)
	for _, cfg := range []screen.Config{screen.DefaultConfig(), {MinWords: 12, K: 4}} {
		idx := buildIndex(t, cfg, docs)
		var total int
		for range 400 {
			text := render(r, genWords(r, 200+r.IntN(2000)), false).text
			total += len(text)
			got, err := idx.Scan(text, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > 0 {
				t.Errorf("config %+v: false alarm %+v", cfg, got)
			}
		}
		t.Logf("config %+v: %d bytes of unrelated text, no report", cfg, total)
	}
}

// TestOverlapAcrossWorks covers an output that copies two works back to
// back and one that repeats a passage: each overlap is reported once per
// place in the work, with its own offsets.
func TestOverlapAcrossWorks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	docs := genCorpus(r, 50, 200, 400)
	idx := buildIndex(t, screen.Config{MinWords: 20, K: 5}, docs)
	a, b := docs[3], docs[17]
	text := a.text + "\n\n" + b.text + " and then again " + a.text[a.starts[10]:a.ends[59]]
	got, err := idx.Scan(text, 0)
	if err != nil {
		t.Fatal(err)
	}
	for j := range got {
		got[j].Work = docNumber(t, idx, got[j].Work)
	}
	if len(got) != 3 || got[0].Work != 3 || got[1].Work != 17 || got[2].Work != 3 {
		t.Fatalf("Scan = %+v, want works 3, 17, 3", got)
	}
	if got[0].Words != len(a.words) || got[1].Words != len(b.words) || got[2].Words != 50 || got[2].WorkWord != 10 {
		t.Errorf("Scan = %+v, want whole works and then 50 words from word 10", got)
	}
	// A higher threshold drops the short one.
	got, _ = idx.Scan(text, 51)
	if len(got) != 2 {
		t.Errorf("Scan(min 51) = %d matches, want 2", len(got))
	}
	stored, err := idx.Text(3)
	if err != nil || stored != a.text {
		t.Errorf("Text(3) = %.40q, %v; want the work's text", stored, err)
	}
}

// TestConcurrentScan scans from many goroutines at once; run with -race.
func TestConcurrentScan(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	docs := genCorpus(r, 300, 100, 500)
	idx := buildIndex(t, screen.Config{MinWords: 20, K: 6}, docs)
	outs := make([]output, 64)
	want := make([][]screen.Match, len(outs))
	for i := range outs {
		outs[i] = genOutput(r, docs, 20)
		want[i], _ = idx.Scan(outs[i].text, 0)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(outs))
	for g := range 8 {
		wg.Go(func() {
			for j := range outs {
				i := (j + g*7) % len(outs)
				got, err := idx.Scan(outs[i].text, 0)
				if err != nil || !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d output %d: %v %v", g, i, got, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestScanAllocs checks that a scan into a slice with room allocates
// nothing, with or without matches.
func TestScanAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	r := rand.New(rand.NewPCG(8, 9))
	docs := genCorpus(r, 300, 100, 500)
	idx := buildIndex(t, screen.DefaultConfig(), docs)
	clean := render(r, genWords(r, 2000), false).text
	dirty := clean[:2000] + " " + docs[5].text + " " + clean[2000:]
	dst := make([]screen.Match, 0, 16)
	for _, text := range []string{clean, dirty} {
		idx.AppendScan(dst, text, 0) // warm the pool
		n := testing.AllocsPerRun(50, func() {
			dst, _ = idx.AppendScan(dst[:0], text, 0)
		})
		if n != 0 {
			t.Errorf("AppendScan allocates %.1f times per call, want 0", n)
		}
	}
	if len(dst) != 1 {
		t.Errorf("AppendScan found %d matches in the dirty text, want 1", len(dst))
	}
}

// TestShortWorks checks that works too short to hold an overlap of
// MinWords are counted and left out, and an empty index scans.
func TestShortWorks(t *testing.T) {
	b, err := screen.NewBuilder(screen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	b.Add(screen.Work{Name: "tiny"}, "Only a few words here.")
	b.Add(screen.Work{Name: "bad utf-8"}, "\xff\xfe")
	if s := b.Stats(); s.Works != 0 || s.Short != 2 {
		t.Errorf("Stats() = %+v, want 2 short and none indexed", s)
	}
	var buf bytes.Buffer
	b.WriteTo(&buf)
	idx, err := screen.Load(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got, err := idx.Scan(strings.Repeat("Only a few words here. ", 20), 0); len(got) != 0 || err != nil {
		t.Errorf("Scan on an empty index = %v, %v", got, err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []screen.Config{{MinWords: 5, K: 6}, {MinWords: 10, K: 0}, {MinWords: 1 << 20, K: 10}} {
		if _, err := screen.NewBuilder(c); err == nil {
			t.Errorf("NewBuilder(%+v) succeeded, want an error", c)
		}
	}
}

// TestLoadCorrupt damages a valid index file in every way it can be
// damaged by one byte, and by truncation: Load must say so, never panic.
func TestLoadCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	data := indexBytes(t, screen.Config{MinWords: 10, K: 3}, genCorpus(r, 20, 10, 200))
	for i := range data {
		bad := slices.Clone(data)
		bad[i] ^= 1 << (i % 8)
		if _, err := screen.Load(bad); !errors.Is(err, screen.ErrCorrupt) {
			t.Fatalf("byte %d flipped: Load error %v, want ErrCorrupt", i, err)
		}
	}
	for n := range len(data) {
		if _, err := screen.Load(data[:n]); !errors.Is(err, screen.ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: Load error %v, want ErrCorrupt", n, err)
		}
	}
	if _, err := screen.Load(append(slices.Clone(data), 0)); !errors.Is(err, screen.ErrCorrupt) {
		t.Errorf("a byte appended: Load error %v", err)
	}
	for _, tt := range []struct {
		data []byte
		want string
	}{
		{[]byte("hello"), "not a gpai output-screening index"},
		{append([]byte("GPAISCRN\x07\x00\x00\x00"), make([]byte, 60)...), "format version 7"},
		{append(slices.Clone(data[:len(data)-1]), data[len(data)-1]^0xff), "checksum mismatch"},
	} {
		if _, err := screen.Load(tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%.20q) = %v, want %q", tt.data, err, tt.want)
		}
	}
}
