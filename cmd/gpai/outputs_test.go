package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
)

// runOutputs runs gpai with stdin, adding the outputs command to the root
// if it is not registered there yet, and maps errors to exit statuses as
// Main.Run does.
func runOutputs(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	root := m.rootCommand()
	registered := false
	for _, c := range root.Commands() {
		registered = registered || c.Name() == "outputs"
	}
	if registered {
		return result{m.Run(context.Background(), args), out.String(), errb.String()}
	}
	root.AddCommand(m.outputsCommand())
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(context.Background())
	code := exitOK
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(&errb, "gpai: %v\n", ue.err)
		if ue.hint != "" {
			fmt.Fprintf(&errb, "Try: %s\n", ue.hint)
		}
		code = exitUsage
	case errors.As(err, new(*internalError)):
		fmt.Fprintf(&errb, "gpai: internal error: %v\n", err)
		code = exitInternal
	default:
		fmt.Fprintf(&errb, "gpai: %s\n", gpai.ErrorMessage(err))
		code = exitUsage
	}
	return result{code, out.String(), errb.String()}
}

// Public-domain texts for the works.
const (
	moby = `Call me Ishmael. Some years ago—never mind how long precisely—having
little or no money in my purse, and nothing particular to interest me on
shore, I thought I would sail about a little and see the watery part of the
world. It is a way I have of driving off the spleen and regulating the
circulation.`
	pride = `It is a truth universally acknowledged, that a single man in possession
of a good fortune, must be in want of a wife. However little known the
feelings or views of such a man may be on his first entering a neighbourhood,
this truth is so well fixed in the minds of the surrounding families.`
	cities = `It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the
epoch of incredulity, it was the season of Light, it was the season of
Darkness.`
	faust = `Habe nun, ach! Philosophie, Juristerei und Medizin, Und leider auch
Theologie Durchaus studiert, mit heißem Bemühn. Da steh ich nun, ich armer Tor!
Und bin so klug als wie zuvor.`
)

// outputsFixture writes a folder of works and a WARC file of a crawl.
func outputsFixture(t *testing.T) string {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	write("works/moby.txt", []byte(moby))
	write("works/austen/pride.txt.gz", gz(pride))
	write("works/faust.html", []byte("<html><head><title>Faust</title><script>x()</script></head><body><h1>Faust</h1><p>"+faust+"</p></body></html>"))
	write("works/short.txt", []byte("Too short to hold an overlap."))
	write("works/cover.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("works/.hidden.txt", []byte(cities))
	body := "<html><body><p>" + cities + "</p></body></html>"
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	warc := fmt.Sprintf("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://books.example/cities\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(resp), resp) +
		"WARC/1.1\r\nWARC-Type: request\r\nWARC-Target-URI: https://books.example/cities\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
	write("crawl.warc.gz", gz(warc))
	write("outputs.jsonl", []byte(strings.Join([]string{
		`{"id": "a1", "text": "The weather today is sunny with a light breeze from the west."}`,
		`{"id": "a2", "output": "Sure. CALL ME ISHMAEL! Some years ago, never mind how long precisely, having little or no money in my purse..."}`,
		``,
		`{"id": 3, "completion": "As Dickens wrote: it was the best of times; it was the worst of times. And Austen: it is a truth universally acknowledged that a single man in possession of a good fortune must be in want of a wife."}`,
		`{"response": "Goethe: Habe nun, ach! Philosophie, Juristerei und Medizin, und leider auch Theologie durchaus studiert, mit heißem Bemühn."}`,
		`{"text": "Call me Ishmael. Some years ago I sailed."}`,
	}, "\n")+"\n"))
	return dir
}

var sizeRe = regexp.MustCompile(`\(\d+(\.\d)? (B|KiB)\)`)

func TestOutputs(t *testing.T) {
	dir := outputsFixture(t)
	idx := filepath.Join(dir, "works.idx")
	r := runOutputs(t, "", "outputs", "index", "--out", idx, "--min-words", "12", "--gram", "4", filepath.Join(dir, "works"), filepath.Join(dir, "crawl.warc.gz"))
	if r.code != 0 {
		t.Fatalf("index: exit %d, stderr %s", r.code, r.stderr)
	}
	got := sizeRe.ReplaceAllString(strings.ReplaceAll(r.stdout, dir, "DIR"), "(SIZE)")
	want := `indexed 4 works (192 words, 1019 B of text) from 2 input(s)
skipped 1 work(s) shorter than 12 words, 1 file(s) that are not text, 1 WARC record(s) of 2 without text to index or not selected
36 fingerprints; every verbatim overlap of 12 words or more will be found
wrote DIR/works.idx (SIZE)
`
	if got != want {
		t.Errorf("index output:\n%s\nwant:\n%s", got, want)
	}

	outputs := filepath.Join(dir, "outputs.jsonl")
	r = runOutputs(t, "", "outputs", "scan", "--index", idx, outputs)
	got = strings.ReplaceAll(r.stdout, dir, "DIR")
	want = `line 1 (id "a1"): clean
line 2 (id "a2"): 1 overlap(s)
  19 words (101 chars) at words 1-19, bytes 6-107: "DIR/works/moby.txt" words 0-18, bytes 0-103
    "CALL ME ISHMAEL! Some years ago, nev … aving little or no money in my purse"
line 4 (id 3): 2 overlap(s)
  12 words (51 chars) at words 3-14, bytes 18-69: "https://books.example/cities" words 0-11, bytes 2-53
    "it was the best of times; it was the worst of times"
  23 words (114 chars) at words 17-39, bytes 83-197: "DIR/works/austen/pride.txt.gz" words 0-22, bytes 0-116
    "it is a truth universally acknowledg … od fortune must be in want of a wife"
line 5: 1 overlap(s)
  16 words (114 chars) at words 1-16, bytes 8-124: "DIR/works/faust.html" words 1-16, bytes 9-125
    "Habe nun, ach! Philosophie, Jurister … durchaus studiert, mit heißem Bemühn"
line 6: clean
3 of 5 output(s) overlap protected works (12 words or more)
`
	if r.code != 1 || got != want {
		t.Errorf("scan: exit %d, stdout:\n%s\nwant exit 1 and:\n%s\nstderr: %s", r.code, got, want, r.stderr)
	}

	r = runOutputs(t, "", "outputs", "scan", "--index", idx, "--format", "json", "--min-words", "16", outputs)
	got = strings.ReplaceAll(r.stdout, dir, "DIR")
	want = `{"line":1,"id":"a1","matches":[]}
{"line":2,"id":"a2","matches":[{"work":"DIR/works/moby.txt","words":19,"chars":101,"output":{"start":6,"end":107,"char_start":6,"char_end":107,"word":1},"in_work":{"index":2,"start":0,"end":103,"word":0}}]}
{"line":4,"id":3,"matches":[{"work":"DIR/works/austen/pride.txt.gz","words":23,"chars":114,"output":{"start":83,"end":197,"char_start":83,"char_end":197,"word":17},"in_work":{"index":0,"start":0,"end":116,"word":0}}]}
{"line":5,"matches":[{"work":"DIR/works/faust.html","words":16,"chars":114,"output":{"start":8,"end":124,"char_start":8,"char_end":122,"word":1},"in_work":{"index":1,"start":9,"end":125,"word":1}}]}
{"line":6,"matches":[]}
`
	if r.code != 1 || got != want {
		t.Errorf("scan --format json: exit %d, stdout:\n%s\nwant exit 1 and:\n%s\nstderr: %s", r.code, got, want, r.stderr)
	}

	r = runOutputs(t, `{"text": "Nothing to see here."}`+"\n", "outputs", "scan", "--index", idx, "-")
	if r.code != 0 || r.stdout != "line 1: clean\nno overlap of 12 words or more in 1 output(s)\n" {
		t.Errorf("scan of clean stdin: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// The reserved content of a crawl: --exclude-urls leaves out what may be used.
	usable := filepath.Join(dir, "usable.txt")
	os.WriteFile(usable, []byte("https://books.example/cities\n"), 0o644)
	r = runOutputs(t, "", "outputs", "index", "--out", filepath.Join(dir, "reserved.idx"), "--min-words", "12", "--gram", "4", "--exclude-urls", usable, filepath.Join(dir, "crawl.warc.gz"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "indexed 0 works") {
		t.Errorf("index --exclude-urls: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestOutputsErrors(t *testing.T) {
	dir := outputsFixture(t)
	idx := filepath.Join(dir, "works.idx")
	if r := runOutputs(t, "", "outputs", "index", "--out", idx, filepath.Join(dir, "works")); r.code != 0 {
		t.Fatalf("index: exit %d, %s", r.code, r.stderr)
	}
	damaged := filepath.Join(dir, "damaged.idx")
	data, _ := os.ReadFile(idx)
	data[len(data)/2] ^= 0x55
	os.WriteFile(damaged, data, 0o644)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\": \"fine\"}\n[1, 2]\n"), 0o644)
	notext := filepath.Join(dir, "notext.jsonl")
	os.WriteFile(notext, []byte("{\"id\": \"x\", \"prompt\": \"hello\"}\n"), 0o644)
	badid := filepath.Join(dir, "badid.jsonl")
	os.WriteFile(badid, []byte("{\"id\": {\"a\": 1}, \"text\": \"hello\"}\n"), 0o644)
	outputs := filepath.Join(dir, "outputs.jsonl")

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"outputs", "index", "--out", idx}, "at least one folder"},
		{[]string{"outputs", "index", filepath.Join(dir, "works")}, "--out is required"},
		{[]string{"outputs", "index", "--out", idx, "--min-words", "3", filepath.Join(dir, "works")}, "MinWords is 3, want at least K (10)"},
		{[]string{"outputs", "index", "--out", idx, filepath.Join(dir, "nope")}, "cannot read " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{[]string{"outputs", "index", "--out", idx, "--urls", filepath.Join(dir, "nope.txt"), filepath.Join(dir, "works")}, "cannot read the URL list"},
		{[]string{"outputs", "index", "--out", idx, filepath.Join(dir, "outputs.jsonl"), filepath.Join(dir, "works", "faust.html"), filepath.Join(dir, "works", "moby.txt"), "--gram", "0"}, "K is 0"},
		{[]string{"outputs", "scan", outputs}, "--index is required"},
		{[]string{"outputs", "scan", "--index", idx}, "scan takes one JSON Lines file"},
		{[]string{"outputs", "scan", "--index", idx, "--format", "sarif", outputs}, "unknown --format"},
		{[]string{"outputs", "scan", "--index", idx, "--min-words", "20", outputs}, "--min-words 20 is below 50"},
		{[]string{"outputs", "scan", "--index", filepath.Join(dir, "nope.idx"), outputs}, "cannot read the index"},
		{[]string{"outputs", "scan", "--index", damaged, outputs}, "checksum mismatch"},
		{[]string{"outputs", "scan", "--index", outputs, outputs}, "not a gpai output-screening index"},
		{[]string{"outputs", "scan", "--index", idx, filepath.Join(dir, "nope.jsonl")}, "cannot read outputs"},
		{[]string{"outputs", "scan", "--index", idx, bad}, "bad.jsonl:2: not a JSON object"},
		{[]string{"outputs", "scan", "--index", idx, notext}, `notext.jsonl:1: no "text", "output", "completion" or "response" field`},
		{[]string{"outputs", "scan", "--index", idx, badid}, "neither a string nor a number"},
	}
	for _, tt := range tests {
		r := runOutputs(t, "", tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("gpai %v printed a stack trace", tt.args)
		}
	}
	if r := runOutputs(t, "", "outputs", "scan", "--index", idx, "--min-words", "20", outputs); !strings.Contains(r.stderr, "Try: gpai outputs index --min-words 20") {
		t.Errorf("--min-words too low: no hint in %q", r.stderr)
	}
}

func TestOutputsHelp(t *testing.T) {
	for _, args := range [][]string{{"outputs"}, {"outputs", "index"}, {"outputs", "scan"}} {
		r := runOutputs(t, "", append(args, "--help")...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("gpai %v --help: exit %d, %q", args, r.code, r.stdout)
		}
	}
}
