package cdx_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/cdx"
)

// The fast path of Parse must give exactly what the full parser gives: the
// tests below parse each line both ways and compare every field.

// fastSeeds returns the lines of testdata/sample.cdxj, of testdata/gen.cdxj
// (written by the benchmark generator, ../../shared/bench/gen, with 20 %
// malformed lines of its four kinds: benchgen -lines 300 -domains 60
// -hosts 150 -malformed 0.2 -seed 11 -order shuffled -private-frac 0.2
// -ip-frac 0.05), hand-written edge cases and those of the fast path's
// shape check (cdx.EdgeObjects).
func fastSeeds(t testing.TB) [][]byte {
	lines := sampleLines(t)
	f, err := os.Open("testdata/gen.cdxj")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		lines = append(lines, bytes.Clone(s.Bytes()))
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	const p = `k 20240802103102 `
	for _, js := range []string{
		`{"url": "http://a.b/", "length": "5"}`,
		`{"url": "http://a.b/", "length": "5", "length": "x"}`,
		`{"url": "http://a.b/", "length": "x", "length": "5"}`,
		`{"url": "http://a.b/", "url": "http://c.d/", "length": "5"}`,
		`{"url": "http://a.b/", "offset": "7", "offset": "x", "status": "200", "status": "1000", "length": "5"}`,
		`{"url": "http://a.b/", "length": "5", "mime": "a", "mime": "b", "filename": "f", "filename": "g"}`,
		`{"url": "", "length": "5"}`,
		`{"url": "http://a.b/"}`,
		`{"length": "5"}`,
		`{"url": "http://a.b/", "length": ""}`,
		`{"url": "http://a.b/", "length": "5"} `,
		`{"url": "http://a.b/", "length": "5"}}`,
		`{"url": "http://a.b/", "length": "5", }`,
		`{"url": "http://a.b/", "length": "5",}`,
		`{"url": "http://a.b/", "length": 5}`,
		`{"url": "http://a.b/", "length": "5", "x": ""}`,
		`{"url": "http://a.b/", "length": "5", "": "x"}`,
		`{"url": "http://a.b/", "length": "5", "x" "y"}`,
		`{"url": "http://a.b/", "length": "5", ": " "w"}`,
		`{"url": "http://a.b/", "length": "5", ", ": "w"}`,
		`{"url": ": ", "length": ", "}`,
		`{"url": "http://a.b/", "length": "5", "x": "}`,
		`{"url": "http://a.b/", "length": "5", "x": "`,
		`{"url": "http://a.b/", "length": "5", "`,
		`{"url": "http://a.b/", "length": "5", "}`,
		`{"url": "http://a.b/", "length": "5", "x": "\u0041"}`,
		`{"url": "http:\/\/a.b\/", "length": "5"}`,
		`{"url":"http://a.b/","length":"5"}`,
		`{"url" : "http://a.b/", "length": "5"}`,
		`{"url": "http://a.b/",  "length": "5"}`,
		`{"url": "http://a.b/", "length": "5", "digest": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "redirect": "https://www.a.b/", "truncated": "length"}`,
		`{"url": "http://a.b/", "length": "5", "mime-detected": "x", "charset": "UTF-8", "languages": "eng,deu"}`,
		`{"urlx": "http://a.b/", "length": "5"}`,
		`{"ur": "http://a.b/", "url": "http://c.d/", "lengthy": "5", "length": "6"}`,
		`{"url": "http://a.b/", "length": "5", "status": "200", "offset": "123456789012345678"}`,
		`{"url": "http://a.b/", "length": "1234567890123456789"}`,
		`{"url": "http://A.B:80/", "length": "5"}`,
		`{"url": "http://[::1]/", "length": "5"}`,
		`{"url": "http://a.b/", "length": "5", "x": "` + "\x00\x01\xff\t\n" + `"}`,
		`{}`,
		`{"}`,
		`{""}`,
		`{"": ""}`,
		`{"url": "http://a.b/", "length": "5"` + "\t}",
	} {
		lines = append(lines, []byte(p+js))
	}
	for _, js := range cdx.EdgeObjects() {
		lines = append(lines, []byte(p+js))
	}
	return lines
}

// sameParse parses line with and without the fast path and reports the
// first difference.
func sameParse(line []byte) error {
	var fast cdx.Record
	return sameParseWith(&fast, line)
}

// sameParseWith is sameParse with fast as the Record of the fast path,
// which keeps state (the last host) from the lines it parsed before.
func sameParseWith(rec *cdx.Record, line []byte) error {
	var full cdx.Record
	kf := cdx.Parse(line, rec)
	fast := *rec
	kp := cdx.ParseFull(line, &full)
	if kf != kp || fast.Kind != full.Kind {
		return fmt.Errorf("kind %v, full parser %v", kf, kp)
	}
	eq := func(name string, a, b []byte) error {
		if !bytes.Equal(a, b) || (a == nil) != (b == nil) {
			return fmt.Errorf("%s %q, full parser %q", name, a, b)
		}
		return nil
	}
	for _, e := range []error{
		eq("Line", fast.Line, full.Line), eq("Key", fast.Key, full.Key),
		eq("Timestamp", fast.Timestamp, full.Timestamp), eq("URL", fast.URL, full.URL),
		eq("Host", fast.Host, full.Host), eq("MIME", fast.MIME, full.MIME),
		eq("Filename", fast.Filename, full.Filename),
	} {
		if e != nil {
			return e
		}
	}
	if hf, okf, ha, oka := cdx.HostOfBoth(full.URL); okf != oka || !bytes.Equal(hf, ha) {
		return fmt.Errorf("host of %q: %q, %v; hostOfAny %q, %v", full.URL, hf, okf, ha, oka)
	}
	if fast.Unix != full.Unix || fast.Length != full.Length || fast.Offset != full.Offset || fast.Status != full.Status {
		return fmt.Errorf("unix/length/offset/status %d %d %d %d, full parser %d %d %d %d",
			fast.Unix, fast.Length, fast.Offset, fast.Status, full.Unix, full.Length, full.Offset, full.Status)
	}
	return nil
}

// fastAnswers reports whether the fast path decides line.
func fastAnswers(line []byte) bool {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return false
	}
	var rec cdx.Record
	return cdx.FastJSON(line[i:], &rec)
}

var interesting = []byte{'"', '\\', ' ', ':', ',', '{', '}', '[', '0', '9', 'a', 'u', 'l', '\t', '\n', 0, 0x80, 0xff, '/', '.', '@', '%', '-'}

// mutate applies a random edit to a copy of line.
func mutate(r *rand.Rand, line []byte) []byte {
	b := bytes.Clone(line)
	if len(b) == 0 {
		return append(b, interesting[r.IntN(len(interesting))])
	}
	pos := r.IntN(len(b))
	switch r.IntN(10) {
	case 0, 1: // replace a byte
		b[pos] = interesting[r.IntN(len(interesting))]
	case 2: // insert a byte
		b = append(b[:pos], append([]byte{interesting[r.IntN(len(interesting))]}, b[pos:]...)...)
	case 3: // delete a byte
		b = append(b[:pos], b[pos+1:]...)
	case 4: // truncate
		b = b[:pos]
	case 5: // duplicate a span
		end := pos + r.IntN(min(40, len(b)-pos)+1)
		b = append(b[:end], append(bytes.Clone(b[pos:end]), b[end:]...)...)
	case 6: // remove a span
		end := pos + r.IntN(min(40, len(b)-pos)+1)
		b = append(b[:pos], b[end:]...)
	case 7: // change the spacing of a separator
		seps := [][]byte{[]byte(`": "`), []byte(`", "`)}
		repl := [][]byte{[]byte(`":"`), []byte(`","`), []byte(`" : "`), []byte(`" , "`), []byte(`":  "`), []byte(`" "`), []byte(`"::"`), []byte(`", , "`)}
		b = bytes.Replace(b, seps[r.IntN(2)], repl[r.IntN(len(repl))], 1+r.IntN(3))
	case 8: // rename or duplicate a field
		keys := []string{"url", "length", "status", "offset", "mime", "filename", "digest"}
		k := []byte(`"` + keys[r.IntN(len(keys))] + `": "`)
		i := bytes.Index(b, k)
		if i < 0 {
			break
		}
		if r.IntN(2) == 0 {
			b[i+1+r.IntN(len(k)-5)] ^= 1
		} else {
			end := i + len(k) + bytes.IndexByte(b[i+len(k):], '"') + 3
			if end > len(b) || end < i+len(k) {
				break
			}
			b = append(b[:end], append(bytes.Clone(b[i:end]), b[end:]...)...)
		}
	case 9: // a value from another field
		vals := []string{"", "0", "-1", "12O4", "1.5e3", "http://h..com/", "https://", "http://[::1", "HTTP://X.Y/", "1000", "123456789012345678"}
		i := bytes.Index(b[pos:], []byte(`": "`))
		if i < 0 {
			break
		}
		vs := pos + i + 4
		ve := bytes.IndexByte(b[vs:], '"')
		if ve < 0 {
			break
		}
		b = append(b[:vs], append([]byte(vals[r.IntN(len(vals))]), b[vs+ve:]...)...)
	}
	return b
}

func TestFastPath(t *testing.T) {
	seeds := fastSeeds(t)
	answered := 0
	for _, l := range seeds {
		if err := sameParse(l); err != nil {
			t.Errorf("Parse(%q): %v", l, err)
		}
		var rec cdx.Record
		if cdx.ParseFull(l, &rec) == cdx.Valid && bytes.IndexByte(l, '\\') < 0 && bytes.HasSuffix(l, []byte(`"}`)) &&
			bytes.Contains(l, []byte(`{"url": "`)) && len(l)-bytes.IndexByte(l, '{') <= cdx.MaxFastJSON && !fastAnswers(l) {
			t.Errorf("the fast path does not answer for the well-formed line %q", l)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	const rounds = 40
	// one Record for all lines, each copied to the same buffer, as a
	// reader does: the host cache must not depend on earlier lines' bytes
	var rec cdx.Record
	var buf []byte
	for _, l := range seeds {
		for range rounds {
			m := l
			for range 1 + r.IntN(3) {
				m = mutate(r, m)
			}
			if fastAnswers(m) {
				answered++
			}
			buf = append(buf[:0], m...)
			if err := sameParseWith(&rec, buf); err != nil {
				t.Fatalf("Parse(%q): %v", m, err)
			}
		}
	}
	t.Logf("%d mutated lines, the fast path answered %d", len(seeds)*rounds, answered)
	if answered == 0 {
		t.Error("the fast path answered for no mutated line")
	}
}

// FuzzFastPath compares Parse with the full parser on arbitrary lines,
// seeded with the test lines and mutations of them.
func FuzzFastPath(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, l := range fastSeeds(f) {
		f.Add(l)
		f.Add(mutate(r, l))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := sameParse(b); err != nil {
			t.Fatalf("Parse(%q): %v", b, err)
		}
		// the lines of b in turn, with one Record and one buffer
		var rec cdx.Record
		var buf []byte
		for l := range bytes.SplitSeq(b, []byte{'\n'}) {
			buf = append(buf[:0], l...)
			if err := sameParseWith(&rec, buf); err != nil {
				t.Fatalf("Parse(%q) after the lines before it in %q: %v", l, b, err)
			}
		}
	})
}

// TestHostCache parses URLs that share the start of the previous URL's
// host with one Record.
func TestHostCache(t *testing.T) {
	urls := []string{
		"http://a.b/x", "http://a.b/y", "http://a.b", "http://a.b?q", "http://a.b#f", "http://a.b\\x",
		"http://a.b:80/", "http://a.b.c/", "http://a.b@c/", "http://a.bc/", "http://a.b./", "http://a.b/",
		"https://a.b/", "http://a.b/", "http://A.b/", "http://A.b/", "http://a.b/", "http://a.b%/",
		"http://a.b /", "http://a.b-/", "http://a.b_/", "http://a.b/", "http://a.b..c/", "http://a.b/",
		"http://a.b.:8/", "http://a.b./", "http://a.b./x", "http://a.b.", "http://a.b/", "http://a.b[/",
		"ftp://a.b/", "ftp://a.b/x", "http://[::1]/", "http://[::1]/", "https://www.a.b/", "https://a.b/",
		"https://www.a.b/", "https://www.a.b",
	}
	var rec cdx.Record
	var buf []byte
	var prev []byte // the host of the previous line, if it had one
	sames := 0
	for i, u := range urls {
		length := "5"
		if i%5 == 3 {
			length = "x" // malformed lines count as previous lines too
		}
		l := `k 20240802103102 {"url": "` + u + `", "length": "` + length + `", "mime": "text/html", "status": "200"}`
		buf = append(buf[:0], l...)
		if err := sameParseWith(&rec, buf); err != nil {
			t.Errorf("Parse(%q): %v", l, err)
		}
		if rec.SameHost {
			sames++
			if prev == nil || !bytes.Equal(rec.Host, prev) {
				t.Errorf("Parse(%q): SameHost with host %q after %q", l, rec.Host, prev)
			}
		}
		prev = append(prev[:0], rec.Host...)
		if rec.Host == nil {
			prev = nil
		}
	}
	if sames < 5 {
		t.Errorf("SameHost %d times", sames)
	}
}

func TestHostFastPath(t *testing.T) {
	for _, u := range []string{
		"http://a.b/", "https://a.b", "https://A.b/", "http://a.b./x", "http://a..b/", "http://.a/", "https://a.b:80/",
		"https://u@a.b/", "https://u:p@a.b/", "https://a.b@c.d/", "https://a..b@c.d/", "https://[::1]/", "https://",
		"http:///", "https://a b/", "https://a%41/", "https://a.b?q", "https://a.b#f", "https://a.b\\c", "https://a.b:/",
		"https://a.b:99999/", "https://" + strings.Repeat("a", 254) + "/", "https://" + strings.Repeat("a", 253) + "./",
		"https://\xc3\xa9.b/", "https://a_b-c.D/", "httpS://a.b/", "http://a.b@/", "https://.", "https://a.",
	} {
		hf, okf, ha, oka := cdx.HostOfBoth([]byte(u))
		if okf != oka || !bytes.Equal(hf, ha) {
			t.Errorf("host of %q: %q, %v; hostOfAny %q, %v", u, hf, okf, ha, oka)
		}
	}
}

// TestTimestampCache parses timestamps in sequence with one Record, whose
// cache of the last date must not change any result.
func TestTimestampCache(t *testing.T) {
	var fresh cdx.Record
	if _, ok := fresh.CachedTimestamp([]byte("\x00\x00\x00\x00\x00\x00\x00\x00000000")); ok {
		t.Error("CachedTimestamp accepts a date of zero bytes")
	}
	r := rand.New(rand.NewPCG(5, 6))
	var rec cdx.Record
	dates := []string{"20240802", "20240229", "20230229", "19691231", "00000101", "99991231", "2024080x", "20241301", "\x00\x00\x00\x00\x00\x00\x00\x00"}
	for range 20000 {
		ts := []byte(dates[r.IntN(len(dates))] + fmt.Sprintf("%02d%02d%02d", r.IntN(26), r.IntN(62), r.IntN(62)))
		if r.IntN(10) == 0 {
			ts[r.IntN(len(ts))] = interesting[r.IntN(len(interesting))]
		}
		if r.IntN(20) == 0 {
			ts = ts[:r.IntN(len(ts)+1)]
		}
		got, ok := rec.CachedTimestamp(ts)
		want, wok := cdx.ParseTimestamp(ts)
		if got != want || ok != wok {
			t.Fatalf("CachedTimestamp(%q) = %d, %v; ParseTimestamp %d, %v", ts, got, ok, want, wok)
		}
	}
}

// TestSkip checks that Record.Skip changes nothing but the skipped fields,
// and that it lasts from line to line.
func TestSkip(t *testing.T) {
	skip := cdx.Record{Skip: cdx.FieldOffset | cdx.FieldStatus | cdx.FieldMIME | cdx.FieldFilename}
	skipped := 0
	for _, l := range fastSeeds(t) {
		var all cdx.Record
		k := cdx.Parse(l, &all)
		if cdx.Parse(l, &skip) != k {
			t.Fatalf("Parse(%q) with Skip: kind %v, want %v", l, skip.Kind, k)
		}
		if skip.Skip != cdx.FieldOffset|cdx.FieldStatus|cdx.FieldMIME|cdx.FieldFilename {
			t.Fatalf("Parse reset Skip to %v", skip.Skip)
		}
		if k != cdx.Valid {
			continue
		}
		if skip.Offset != all.Offset || skip.Status != all.Status {
			skipped++
		}
		if !bytes.Equal(skip.URL, all.URL) || !bytes.Equal(skip.Host, all.Host) || skip.Length != all.Length ||
			skip.Unix != all.Unix {
			t.Errorf("Parse(%q) with Skip differs in a field that is not skipped", l)
		}
		if skip.MIME != nil && !bytes.Equal(skip.MIME, all.MIME) || skip.Filename != nil && !bytes.Equal(skip.Filename, all.Filename) {
			t.Errorf("Parse(%q) with Skip: MIME %q filename %q, want theirs or none", l, skip.MIME, skip.Filename)
		}
		// The fast path skips the conversion of the last "offset" and
		// "status" only: earlier ones, which count when the last is not
		// a number, are applied (as they always were).
		dup := bytes.Count(l, []byte(`"offset": `)) > 1 || bytes.Count(l, []byte(`"status": `)) > 1
		if !dup && (skip.Offset != all.Offset && skip.Offset != -1 || skip.Status != all.Status && skip.Status != 0) {
			t.Errorf("Parse(%q) with Skip: offset %d status %d, want theirs or none", l, skip.Offset, skip.Status)
		}
	}
	if skipped == 0 {
		t.Error("Skip skipped nothing")
	}
}
