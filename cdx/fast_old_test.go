package cdx

import (
	"bufio"
	"bytes"
	"math/bits"
	"math/rand/v2"
	"os"
	"testing"
	"unsafe"
)

// oldFastJSON is fastJSON as it was before fastFields.scan, a walk over a
// bitmap of all the quotes, kept as an oracle: fastJSON must set the same
// fields as it on the same objects (and Skip has an effect of its own on
// duplicates, which the comparisons with parseJSON do not check).
func (rec *Record) oldFastJSON(js []byte) bool {
	n := len(js)
	if n < 16 || n > maxFastJSON || js[1] != '"' || js[n-1] != '}' || js[n-2] != '"' ||
		bytes.IndexByte(js, '\\') >= 0 {
		return false
	}
	var w [maxFastJSON/64 + 1]uint64
	for i, c := range js {
		if c == '"' {
			w[i>>6] |= 1 << (i & 63)
		}
	}
	rec.Length = -1
	var vals [fFilename + 1]struct{ s, e int }
	wi, cur := 0, w[0]&^2
	ks := 2
	for {
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		ke := wi<<6 | bits.TrailingZeros64(cur)
		cur &= cur - 1
		if ke+4 > n-2 || load32(js, ke) != colonSep {
			return false
		}
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		cur &= cur - 1
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		ve := wi<<6 | bits.TrailingZeros64(cur)
		cur &= cur - 1
		if field := keyField(js[ks:ke]); field != fOther {
			v := &vals[field]
			if v.e > 0 && (field == fOffset || field == fStatus) {
				rec.set(field, js[v.s:v.e])
			}
			v.s, v.e = ke+4, ve
		}
		if ve == n-2 {
			break
		}
		if ve+4 > n-2 || load32(js, ve) != commaSep {
			return false
		}
		for cur == 0 {
			wi++
			cur = w[wi]
		}
		cur &= cur - 1
		ks = ve + 4
	}
	if v := vals[fURL]; v.e > 0 {
		rec.URL = js[v.s:v.e]
	}
	if v := vals[fMIME]; v.e > 0 {
		rec.MIME = js[v.s:v.e]
	}
	if v := vals[fFilename]; v.e > 0 {
		rec.Filename = js[v.s:v.e]
	}
	if v := vals[fLength]; v.e > 0 {
		rec.Length = -2
		if x, ok := digits(js, v.s, v.e); ok {
			rec.Length = x
		}
	}
	if v := vals[fOffset]; v.e > 0 && rec.Skip&FieldOffset == 0 {
		if x, ok := digits(js, v.s, v.e); ok {
			rec.Offset = x
		}
	}
	if v := vals[fStatus]; v.e > 0 && rec.Skip&FieldStatus == 0 {
		if x, ok := digits(js, v.s, v.e); ok && x < 1000 {
			rec.Status = int(x)
		}
	}
	return true
}

// sameFastJSON reports whether fastJSON and oldFastJSON agree on js, with
// and without Skip, and describes the difference.
func sameFastJSON(js []byte) (bool, string) {
	for _, skip := range []Fields{0, FieldOffset | FieldStatus} {
		a := Record{Skip: skip, Offset: -1, fast: new(fastState)}
		b := Record{Skip: skip, Offset: -1}
		oka, okb := a.fastJSON(js), b.oldFastJSON(js)
		if oka != okb {
			return false, "accepted"
		}
		same := func(x, y []byte) bool {
			return len(x) == len(y) && cap(x) == cap(y) && unsafe.SliceData(x) == unsafe.SliceData(y)
		}
		if oka && (!same(a.URL, b.URL) || !same(a.MIME, b.MIME) || !same(a.Filename, b.Filename) ||
			a.Length != b.Length || a.Offset != b.Offset || a.Status != b.Status) {
			return false, "fields"
		}
	}
	return true, ""
}

// oracleObjects returns the JSON objects of the test lines and the edge
// cases.
func oracleObjects(t testing.TB) [][]byte {
	var objs [][]byte
	for _, name := range []string{"testdata/sample.cdxj", "testdata/gen.cdxj"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			if i := bytes.IndexByte(s.Bytes(), '{'); i >= 0 {
				objs = append(objs, bytes.Clone(s.Bytes()[i:]))
			}
		}
		f.Close()
	}
	for _, o := range edgeObjects() {
		objs = append(objs, []byte(o))
	}
	return objs
}

// TestFastJSONOracle compares fastJSON with oldFastJSON on the test
// objects and random edits of them, with each way of scanning.
func TestFastJSONOracle(t *testing.T) {
	objs := oracleObjects(t)
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte(`"\:, {}a0`)
	for _, o := range objs {
		for range 20 {
			objs = append(objs, mutate(r, bytes.Clone(o), alphabet, 1+r.IntN(3)))
		}
	}
	for _, m := range scanModes {
		restore := m.set()
		for _, js := range objs {
			if ok, what := sameFastJSON(js); !ok {
				t.Errorf("%s: %q: fastJSON and oldFastJSON differ: %s", m.name, js, what)
			}
		}
		restore()
	}
}

// FuzzFastJSONOracle compares fastJSON with oldFastJSON on arbitrary
// objects.
func FuzzFastJSONOracle(f *testing.F) {
	for _, o := range oracleObjects(f) {
		f.Add(o)
	}
	f.Fuzz(func(t *testing.T, js []byte) {
		if len(js) == 0 || js[0] != '{' {
			return
		}
		for _, m := range scanModes {
			restore := m.set()
			ok, what := sameFastJSON(js)
			restore()
			if !ok {
				t.Fatalf("%s: %q: fastJSON and oldFastJSON differ: %s", m.name, js, what)
			}
		}
	})
}
