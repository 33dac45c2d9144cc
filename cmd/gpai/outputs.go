package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/screen"
)

func (m *Main) outputsCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "outputs",
		Short: "Screen model outputs for verbatim copies of protected works",
		Long: `outputs is a technical safeguard against outputs that reproduce protected
works (Code of Practice, copyright chapter, Measure 1.4): "index" builds a
compact index of the works to guard, from text files or the reserved content
of a crawl, and "scan" checks generated text against it for long verbatim
overlaps, for CI or a serving gate.

Texts are compared as normalised words (case, punctuation and white space do
not matter). Every overlap of at least the index's --min-words is found
(winnowed word n-gram fingerprints, Schleimer et al. 2003), and every
overlap reported has been checked word for word against the stored work.`,
		Example: "  gpai outputs index --out works.idx books/ crawl.warc.gz\n  gpai outputs scan --index works.idx outputs.jsonl",
	}
	c.AddCommand(m.outputsIndexCommand(), m.outputsScanCommand())
	return c
}

func (m *Main) outputsIndexCommand() *cobra.Command {
	var (
		out          string
		cfg          = screen.DefaultConfig()
		urls, except string
	)
	c := &cobra.Command{
		Use:   "index --out INDEX (DIR|FILE|WARC)...",
		Short: "Build an index of protected works",
		Long: `index builds the index that "gpai outputs scan" checks outputs against.

Each argument is a folder (read recursively; hidden files are skipped), a text
or HTML file, or a WARC file of a crawl. Any of them may be gzip-compressed.
Files that are not text are skipped. From a WARC file, the response records
with status 200 and resource records that hold HTML or plain text are
indexed, named by their target URI; --urls keeps only the listed URIs and
--exclude-urls drops them (for example the usable.txt that "gpai optout audit
--out-manifest" writes, which leaves the reserved content).

The index keeps the works' text (zstd-compressed) to verify every match. It
finds every overlap of --min-words words or more; a lower --min-words makes a
larger index.`,
		Example: "  gpai outputs index --out works.idx books/\n  gpai outputs index --out reserved.idx --exclude-urls usable.txt crawl/*.warc.gz",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{err: errors.New("index takes at least one folder, file or WARC file of works"), hint: "gpai outputs index --out works.idx books/"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return &usageError{err: errors.New("--out is required: the index file to write"), hint: "gpai outputs index --out works.idx " + strings.Join(args, " ")}
			}
			b, err := screen.NewBuilder(cfg)
			if err != nil {
				return &usageError{err: errors.New(strings.TrimPrefix(err.Error(), "screen: ")), hint: "--min-words 50"}
			}
			include, err := urlFilter(urls, except)
			if err != nil {
				return err
			}
			ix := &indexer{ctx: c.Context(), b: b, include: include}
			if w, live := progressWriter(c); live {
				var last time.Time
				b.Progress = func(s screen.BuildStats) {
					if now := time.Now(); now.Sub(last) > 200*time.Millisecond {
						last = now
						fmt.Fprintf(w, "\rindexing: %d works, %s of text, %d fingerprints ", s.Works, sizeString(s.TextBytes), s.Fingerprints)
					}
				}
				defer fmt.Fprint(w, "\r\033[K")
			}
			for _, a := range args {
				if err := ix.add(c, a); err != nil {
					return err
				}
			}
			var buf bytes.Buffer
			if _, err := b.WriteTo(&buf); err != nil {
				return &internalError{err}
			}
			if err := writeAtomic(out, buf.Bytes()); err != nil {
				return err
			}
			s := b.Stats()
			w := c.OutOrStdout()
			fmt.Fprintf(w, "indexed %d works (%d words, %s of text) from %d input(s)\n", s.Works, s.Words, sizeString(s.TextBytes), len(args))
			if s.Short > 0 || ix.notText > 0 || s.Skipped > 0 {
				fmt.Fprintf(w, "skipped %d work(s) shorter than %d words, %d file(s) that are not text, %d WARC record(s) of %d without text to index or not selected\n",
					s.Short, cfg.MinWords, ix.notText, s.Skipped, s.Records)
			}
			fmt.Fprintf(w, "%d fingerprints; every verbatim overlap of %d words or more will be found\n", s.Fingerprints, cfg.MinWords)
			fmt.Fprintf(w, "wrote %s (%s)\n", out, sizeString(int64(buf.Len())))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "the index file to write (required)")
	c.Flags().IntVar(&cfg.MinWords, "min-words", cfg.MinWords, "find every overlap of this many words or more")
	c.Flags().IntVar(&cfg.K, "gram", cfg.K, "words per hashed n-gram; no overlap shorter than this is ever found")
	c.Flags().StringVar(&urls, "urls", "", "index only the WARC records whose target URI is listed in this file, one a line")
	c.Flags().StringVar(&except, "exclude-urls", "", "leave out the WARC records whose target URI is listed in this file, one a line")
	return c
}

// urlFilter returns the WARC record filter of the --urls and --exclude-urls
// files, or nil if neither is given.
func urlFilter(only, except string) (func(string) bool, error) {
	read := func(path string) (map[string]bool, error) {
		if path == "" {
			return nil, nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot read the URL list: %v", err)
		}
		set := map[string]bool{}
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
				set[f[0]] = true
			}
		}
		return set, nil
	}
	in, err := read(only)
	if err != nil {
		return nil, err
	}
	out, err := read(except)
	if err != nil || in == nil && out == nil {
		return nil, err
	}
	return func(u string) bool { return (in == nil || in[u]) && !out[u] }, nil
}

// ctxReader stops reading when its context is done, so that an
// interrupt ends a long index build.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// pathError returns the reason of a file system error without the path,
// which the caller names.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// indexer adds the works found in files and folders to a Builder.
type indexer struct {
	ctx     context.Context
	b       *screen.Builder
	include func(string) bool
	notText int
}

func (ix *indexer) add(c *cobra.Command, arg string) error {
	st, err := os.Stat(arg)
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", arg, pathError(err))
	}
	if !st.IsDir() {
		return ix.addFile(arg)
	}
	return filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
		}
		if path != arg && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if err := c.Context().Err(); err != nil {
			return err
		}
		if d.Type().IsRegular() {
			return ix.addFile(path)
		}
		return nil
	})
}

// addFile adds the works of one file: a WARC file, an HTML page or a text,
// any of them possibly gzip-compressed.
func (ix *indexer) addFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, pathError(err))
	}
	defer f.Close()
	fail := func(err error) error { return gpai.Errorf(gpai.EINVALID, "%s: %v", path, err) }
	br := bufio.NewReaderSize(ctxReader{ix.ctx, f}, 64<<10)
	name := strings.ToLower(path)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b && !strings.HasSuffix(name, ".warc.gz") {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fail(err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
		name = strings.TrimSuffix(name, ".gz")
	}
	head, _ := br.Peek(512)
	work := screen.Work{Name: filepath.ToSlash(path)}
	switch ctype := http.DetectContentType(head); {
	case strings.HasSuffix(name, ".warc") || strings.HasSuffix(name, ".warc.gz") || bytes.HasPrefix(head, []byte("WARC/")):
		if err := ix.b.AddWARC(br, ix.include); err != nil {
			return fail(err)
		}
		return nil
	case strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".htm") || strings.HasSuffix(name, ".xhtml") || strings.HasPrefix(ctype, "text/html"):
		if err := ix.b.AddHTML(work, br, ""); err != nil {
			return fail(err)
		}
		return nil
	case !strings.HasPrefix(ctype, "text/"):
		ix.notText++
		return nil
	}
	data, err := io.ReadAll(br)
	if err != nil {
		return fail(err)
	}
	if err := ix.b.Add(work, string(data)); err != nil {
		return fail(err)
	}
	return nil
}

func (m *Main) outputsScanCommand() *cobra.Command {
	var (
		index, format string
		minWords      int
	)
	c := &cobra.Command{
		Use:   "scan --index INDEX [--min-words N] [--format text|json] OUTPUTS.jsonl|-",
		Short: "Check model outputs for verbatim overlaps with protected works",
		Long: `scan checks each model output in a JSON Lines file (or standard input, "-")
against an index built by "gpai outputs index". Each line is an object with
the generated text in a "text", "output", "completion" or "response" field
and an optional "id".

Every overlap of --min-words words or more (default: the index's, which is
also the least allowed) is reported once for each work and place it copies:
the work, the span in the output and in the work, and its length in words
and characters. Offsets are in bytes of UTF-8 text, and also in characters
for the output; words are counted from 0. --format json writes one object a
line, one line per output.

Exit status: 0 if no output overlaps a work, 1 if any does, 2 on bad input.`,
		Example: "  gpai outputs scan --index works.idx outputs.jsonl\n  model-serve | gpai outputs scan --index works.idx --format json -",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{err: fmt.Errorf("scan takes one JSON Lines file of outputs (or - for standard input), got %d arguments", len(args)), hint: "gpai outputs scan --index works.idx outputs.jsonl"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if index == "" {
				return &usageError{err: errors.New("--index is required: the index that gpai outputs index built"), hint: "gpai outputs scan --index works.idx " + args[0]}
			}
			data, err := os.ReadFile(index)
			if err != nil {
				return gpai.Errorf(gpai.EINVALID, "cannot read the index: %v", err)
			}
			idx, err := screen.Load(data)
			if err != nil {
				return gpai.Errorf(gpai.EINVALID, "%s: %v", index, strings.TrimPrefix(err.Error(), "screen: "))
			}
			defer idx.Close()
			if minWords == 0 {
				minWords = idx.MinWords()
			}
			if minWords < idx.MinWords() {
				return &usageError{
					err:  fmt.Errorf("--min-words %d is below %d, the shortest overlap that %s is sure to find", minWords, idx.MinWords(), index),
					hint: fmt.Sprintf("gpai outputs index --min-words %d --out %s ... (then scan again)", minWords, index),
				}
			}
			in := c.InOrStdin()
			name := "standard input"
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot read outputs: %v", err)
				}
				defer f.Close()
				in, name = f, args[0]
			}
			sc := &outputScanner{idx: idx, min: minWords, json: format == "json", w: bufio.NewWriter(c.OutOrStdout())}
			err = sc.run(in, name)
			if ferr := sc.w.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if sc.dirty > 0 {
				return &exitError{exitFindings}
			}
			return nil
		},
	}
	c.Flags().StringVar(&index, "index", "", "the index to check against (required)")
	c.Flags().IntVar(&minWords, "min-words", 0, "report overlaps of this many words or more (default and least: the index's)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json (JSON Lines)")
	return c
}

// outputLine is a line of the input: a model output.
type outputLine struct {
	ID         json.RawMessage `json:"id"`
	Text       *string         `json:"text"`
	Output     *string         `json:"output"`
	Completion *string         `json:"completion"`
	Response   *string         `json:"response"`
}

func (o *outputLine) text() (string, bool) {
	for _, s := range []*string{o.Text, o.Output, o.Completion, o.Response} {
		if s != nil {
			return *s, true
		}
	}
	return "", false
}

// outputScanner scans outputs and writes a result for each.
type outputScanner struct {
	idx          *screen.Index
	min          int
	json         bool
	w            *bufio.Writer
	matches      []screen.Match
	total, dirty int
}

func (s *outputScanner) run(in io.Reader, name string) error {
	r := bufio.NewReaderSize(in, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", name, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if perr := s.scanLine(line, n); perr != nil {
				if errors.As(perr, new(*internalError)) {
					return perr
				}
				return gpai.Errorf(gpai.EINVALID, "%s:%d: %v", name, n, perr)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if !s.json {
		if s.dirty == 0 {
			fmt.Fprintf(s.w, "no overlap of %d words or more in %d output(s)\n", s.min, s.total)
		} else {
			fmt.Fprintf(s.w, "%d of %d output(s) overlap protected works (%d words or more)\n", s.dirty, s.total, s.min)
		}
	}
	return nil
}

// matchJSON is a match as --format json writes it.
type matchJSON struct {
	Work   string `json:"work"`
	URL    string `json:"url,omitempty"`
	Words  int    `json:"words"`
	Chars  int    `json:"chars"`
	Output struct {
		Start     int `json:"start"`
		End       int `json:"end"`
		CharStart int `json:"char_start"`
		CharEnd   int `json:"char_end"`
		Word      int `json:"word"`
	} `json:"output"`
	InWork struct {
		Index int `json:"index"`
		Start int `json:"start"`
		End   int `json:"end"`
		Word  int `json:"word"`
	} `json:"in_work"`
}

func (s *outputScanner) scanLine(line []byte, n int) error {
	var o outputLine
	if err := json.Unmarshal(line, &o); err != nil {
		return fmt.Errorf("not a JSON object of a model output: %v", err)
	}
	text, ok := o.text()
	if !ok {
		return errors.New(`no "text", "output", "completion" or "response" field`)
	}
	var id any
	if len(o.ID) > 0 && string(o.ID) != "null" {
		if err := json.Unmarshal(o.ID, &id); err != nil {
			return fmt.Errorf("bad id: %v", err)
		}
		switch id.(type) {
		case string, float64:
		default:
			return errors.New("the id is neither a string nor a number")
		}
	}
	var err error
	s.matches, err = s.idx.AppendScan(s.matches[:0], text, s.min)
	if err != nil {
		return &internalError{err}
	}
	s.total++
	if len(s.matches) > 0 {
		s.dirty++
	}
	if s.json {
		res := struct {
			Line    int             `json:"line"`
			ID      json.RawMessage `json:"id,omitempty"`
			Matches []matchJSON     `json:"matches"`
		}{Line: n, Matches: []matchJSON{}}
		if id != nil {
			res.ID = o.ID
		}
		for _, m := range s.matches {
			w := s.idx.Work(m.Work)
			j := matchJSON{Work: w.Name, URL: w.URL, Words: m.Words, Chars: m.Chars}
			j.Output.Start, j.Output.End, j.Output.Word = m.Start, m.End, m.Word
			j.Output.CharStart = utf8.RuneCountInString(text[:m.Start])
			j.Output.CharEnd = j.Output.CharStart + m.Chars
			j.InWork.Index, j.InWork.Start, j.InWork.End, j.InWork.Word = m.Work, m.WorkStart, m.WorkEnd, m.WorkWord
			res.Matches = append(res.Matches, j)
		}
		b, err := json.Marshal(res)
		if err != nil {
			return &internalError{err}
		}
		s.w.Write(b)
		s.w.WriteByte('\n')
		return nil
	}
	label := fmt.Sprintf("line %d", n)
	switch id := id.(type) {
	case string:
		label += fmt.Sprintf(" (id %q)", id)
	case float64:
		label += " (id " + string(o.ID) + ")"
	}
	if len(s.matches) == 0 {
		fmt.Fprintf(s.w, "%s: clean\n", label)
		return nil
	}
	fmt.Fprintf(s.w, "%s: %d overlap(s)\n", label, len(s.matches))
	for _, m := range s.matches {
		w := s.idx.Work(m.Work)
		where := fmt.Sprintf("%q", w.Name)
		if w.URL != "" && w.URL != w.Name {
			where += " <" + w.URL + ">"
		}
		fmt.Fprintf(s.w, "  %d words (%d chars) at words %d-%d, bytes %d-%d: %s words %d-%d, bytes %d-%d\n",
			m.Words, m.Chars, m.Word, m.Word+m.Words-1, m.Start, m.End, where, m.WorkWord, m.WorkWord+m.Words-1, m.WorkStart, m.WorkEnd)
		fmt.Fprintf(s.w, "    %q\n", excerpt(text[m.Start:m.End], 72))
	}
	return nil
}

// excerpt shortens s to about n characters, keeping its start and end.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n/2]) + " … " + string(r[len(r)-n/2:])
}

// sizeString formats a byte count for people.
func sizeString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
