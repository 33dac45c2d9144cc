package cdx

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// edgeObjects returns JSON objects at the edges of the fast path's shape:
// separators and quotes at every offset of a word (so at the ends of the
// first words, 61 to 67 and 125 to 131), lengths around the word
// boundaries and the limits, malformed separators and ends, keys like
// the known ones, and duplicated keys.
func edgeObjects() []string {
	var objs []string
	add := func(s ...string) { objs = append(objs, s...) }
	fields := `"url": "http://a.b/", "mime": "text/html", "status": "200", "length": "1234", "offset": "56", "filename": "f.warc.gz"`
	for pad := range 140 {
		p := strings.Repeat("a", pad)
		add(`{"p": "`+p+`", `+fields+`}`, // the fields at every offset
			`{`+fields+`, "p": "`+p+`"}`, // the end at every offset
			`{`+fields+`, "`+p+`": ""}`,  // an empty last value
			`{"`+p+`": "v", `+fields+`}`, // a first key of every length
			`{"url": "`+p+`", "length": "5", "x": ""}`,
			`{"url": "`+p+`", "length": "5", "x": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5", "x": "`+p+`""}`,
			`{"url": "`+p+`", "length": "5", "x": "`+p+`", "}`,
			`{"url": "`+p+`", "length": "5", "x": "}`,
			`{"url": "`+p+`", "length": "5", "x": "y": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5", "x", "y": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5",  "x": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5","x": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5", "x":"`+p+`"}`,
			`{"url": "`+p+`", "length": "5", "x" : "`+p+`"}`,
			`{"url": "`+p+`", "length": "5", x"x": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5"x, "x": "`+p+`"}`,
			`{"url": "`+p+`", "length": "5", "x": "`+p+`\"}`,
		)
	}
	for _, n := range []int{16, 17, 18, 19, 20, 63, 64, 65, 66, 67, 127, 128, 129, 130, 131,
		maxFastJSON - 1, maxFastJSON, maxFastJSON + 1} {
		prefix := `{"url": "http://a.b/", "length": "5", "x": "`
		add(`{"url": "`+strings.Repeat("a", n-11)+`"}`,
			`{"`+strings.Repeat("k", n-8)+`": ""}`,
			`{"a": "`+strings.Repeat(`, `, n)[:n-9]+`"}`)
		if n >= len(prefix)+2 {
			add(prefix + strings.Repeat("a", n-len(prefix)-2) + `"}`)
		}
	}
	add(`{"url": ": ", "length": "5"}`, `{"url": ", ", "length": ": "}`, `{"url": "\", "length": "5"}`,
		`{"a", "b": "c"}`, `{"a": "b": "c"}`, `{"a": "b", "c"}`, `{"a": "b", "c": "d" }`,
		`{"a": "bbbbbbbbbbbbbbbb"}`, `{ "a": "bbbbbbbbbbbbbbbb"}`, `{"a": "bbbbbbbbbbbbbbbb"} `,
		`{"a": "bbbbbbbbbbbbbbbb"}}`, `{"a": "bbbbbbbbbbbbbbb", }`, `{"a": "bbbbbbbbbbbbbbb",}`,
		`{"a": "bbbbbbbbbbbbbbbb", ""}`, `{"": "bbbbbbbbbbbbbbbb"}`, `{"a": "", "": ""}`,
		`{"url": 5, "length": "5"}`, `{"url": "http://a.b/", "length": 5}`, `{"u": "v"}`, `{""}`,
		`{"a"}`, `{"a": ""}`, `{"a": "b"}`, `{"url": "http://a.b/", "length": "5", "x": """}`)
	for _, k := range []string{"url", "urls", "ur", "u", "xurl", " url", "URL", "mime", "mim", "mimex",
		"mime-detected", "length", "len", "lengthx", "xlength", "offset", "offsets", "status", "statu",
		"filename", "filenamex", "xfilename", "ilename", "Filename", "profilename", "filenam", ""} {
		add(`{"`+k+`": "7", "url": "http://a.b/", "length": "5"}`,
			`{"url": "http://a.b/", "`+k+`": "7", "length": "5"}`,
			`{"url": "http://a.b/", "length": "5", "`+k+`": "7"}`)
	}
	add(`{"url": "http://a.b/", "url": "http://c.d/", "length": "5", "length": "x"}`,
		`{"offset": "1", "offset": "x", "offset": "3", "status": "200", "status": "abc", "url": "http://a.b/", "length": "5"}`,
		`{"status": "1", "status": "", "url": "http://a.b/", "length": "5", "offset": "1"}`,
		`{"filename": "a", "xfilename": "b", "url": "http://a.b/", "length": "5"}`,
		`{"xfilename": "b", "filename": "a", "url": "http://a.b/", "length": "5"}`,
		`{"url": "http://a.b/", "filename": "a", "profilename": "b", "length": "5", "offset": "1", "offset": "2"}`,
		`{"url": "http://a.b/", "length": "5"`+strings.Repeat(`, "offset": "1"`, 300)+`}`,
		`{"length": "5"`+strings.Repeat(`, "url": ""`, 300)+`}`)
	return objs
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

// scanObjects returns edgeObjects and random objects near the shape.
func scanObjects() []string {
	r := rand.New(rand.NewPCG(7, 8))
	objs := edgeObjects()
	keys := []string{"url", "mime", "length", "offset", "status", "filename", "digest", "urls", "ur", "lengthx",
		"xfilename", "ilename", "mime-detected", ""}
	alphabet := []byte(`abc019:, {}"\`)
	for range 20000 {
		var b []byte
		b = append(b, '{')
		for i := range 1 + r.IntN(12) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `"`+keys[r.IntN(len(keys))]+`": "`...)
			for range r.IntN(1 + r.IntN(80)) {
				if c := alphabet[r.IntN(len(alphabet))]; r.IntN(50) == 0 || c != '"' && c != '\\' {
					b = append(b, c)
				} else {
					b = append(b, 'x')
				}
			}
			b = append(b, '"')
		}
		b = append(b, '}')
		objs = append(objs, string(mutate(r, b, alphabet, r.IntN(3))))
	}
	return objs
}

// mutate makes n random edits to b after its first byte, each replacing,
// inserting or deleting one byte (from alphabet), and returns the result.
func mutate(r *rand.Rand, b, alphabet []byte, n int) []byte {
	for range n {
		i := 1 + r.IntN(len(b)-1)
		switch c := alphabet[r.IntN(len(alphabet))]; r.IntN(3) {
		case 0:
			b[i] = c
		case 1:
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		default:
			b = append(b[:i], b[i+1:]...)
		}
	}
	return b
}

// TestScan compares fastFields.scan with scanGo on scanObjects.
func TestScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	objs := scanObjects()
	for _, m := range scanModes {
		restore := m.set()
		shape := 0
		for _, o := range objs {
			js := []byte(o)
			var want, got fastFields
			w := want.scanGo(js, nil)
			if w != 0 {
				shape++
			}
			for i := range got.words {
				got.words[i] = r.Uint64() // stale bits of another object
			}
			for i := range got.start {
				got.start[i], got.end[i], got.n[i] = r.Int(), r.Int(), uint16(r.Uint32())
			}
			if err := sameScan(&got, got.scan(js), &want, w); err != nil {
				t.Errorf("%s: %q: %v", m.name, js, err)
			}
		}
		restore()
		t.Logf("%s: %d objects, %d of the shape", m.name, len(objs), shape)
	}
}

// sameScan compares the result g of a scan with the result w of scanGo.
// A scan that cannot decide (scanGo is used in the rare cases, and on
// amd64 without BMI1) may return 2 for an object not of the shape.
func sameScan(got *fastFields, g int, want *fastFields, w int) error {
	switch {
	case g == 2 && (w != 0 || !scanDecides()):
		return nil // scanGo decides
	case (g == 0) != (w == 0) || g == 2:
		return fmt.Errorf("scan %d, scanGo %d", g, w)
	case g == 0:
		return nil
	case w != 1:
		return fmt.Errorf("scan 1, scanGo %d", w)
	}
	for f := fURL; f <= fFilename; f++ {
		if (got.n[f] > 0) != (want.n[f] > 0) || got.n[f] > 0 && (got.start[f] != want.start[f] || got.end[f] != want.end[f]) {
			return fmt.Errorf("field %d: n %d, value at %d:%d; scanGo: n %d, %d:%d",
				f, got.n[f], got.start[f], got.end[f], want.n[f], want.start[f], want.end[f])
		}
	}
	return nil
}
