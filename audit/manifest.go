package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"github.com/gpai-project/gpai/cdx"
	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// A Format is a kind of manifest.
type Format string

// Formats.
const (
	FormatURLs Format = "urls" // one absolute URL per line
	FormatCDXJ Format = "cdxj" // CDXJ index lines, plain or gzip
	FormatWARC Format = "warc" // WARC 1.0 or 1.1, plain or gzip per record
)

// Kind is what a record is.
type Kind uint8

// Kinds of records.
const (
	// KindPage is a capture of content (or, in a URL list, a URL).
	KindPage Kind = iota
	// KindRobots is a capture of a robots.txt file.
	KindRobots
	// KindTDMRep is a capture of a /.well-known/tdmrep.json file.
	KindTDMRep
)

// Record is one entry of a manifest.
type Record struct {
	Kind Kind
	// Pos is the line number (URL lists, CDXJ) or record number (WARC).
	Pos int64
	URL string
	// Time is the capture time, or zero.
	Time time.Time
	// Status is the HTTP status of the capture, or 0.
	Status int
	// Header holds the captured response header fields (WARC only).
	Header http.Header
	// Body is the captured body of a robots.txt or tdmrep.json capture, up
	// to the protocols' size limits; Bodyless reports that the manifest
	// does not hold the body (CDXJ).
	Body     []byte
	Bodyless bool
	// HTML is the metadata of a captured HTML page (WARC only).
	HTML *htmlmeta.Document
	// Line is the manifest line as read (URL lists, CDXJ), valid until the
	// next call to Next.
	Line []byte
}

// A Reader reads the records of one manifest. It follows the contract of
// bufio.Scanner: a record is valid until the next call to Next.
type Reader interface {
	Format() Format
	Next() bool
	Record() *Record
	// Skipped returns the number of entries skipped so far, by reason.
	Skipped() map[string]int64
	Err() error
}

// NewReader detects the manifest's format from its first bytes and returns
// a Reader for it. Gzip is recognised by its magic number; a WARC file
// starts with "WARC/"; a CDXJ file's first line is a key, a timestamp and a
// JSON object; anything else is read as a URL list.
func NewReader(r io.Reader) (Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	gz := len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
	inner := head
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		inner, _ = io.ReadAll(io.LimitReader(zr, 16<<10))
	}
	if bytes.HasPrefix(inner, []byte("WARC/")) {
		return newWARCReader(br), nil
	}
	var src io.Reader = br
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		src = zr
	}
	if looksCDXJ(inner) {
		return &cdxjReader{lines: newLineReader(src), skipped: map[string]int64{}}, nil
	}
	if bytes.IndexByte(inner[:min(len(inner), 8<<10)], 0) >= 0 {
		return nil, errors.New("binary data: not a URL list, CDXJ or WARC file")
	}
	return &urlReader{lines: newLineReader(src), skipped: map[string]int64{}}, nil
}

// looksCDXJ reports whether the first non-empty line of b is a CDXJ line.
func looksCDXJ(b []byte) bool {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		f := bytes.SplitN(line, []byte(" "), 3)
		if len(f) < 3 || len(f[1]) < 4 {
			return false
		}
		for _, c := range f[1] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return len(f[2]) > 0 && f[2][0] == '{'
	}
	return false
}

// classify returns the kind of a capture of rawURL.
func classify(rawURL string) Kind {
	u, err := url.Parse(rawURL)
	if err != nil {
		return KindPage
	}
	switch u.EscapedPath() {
	case "/robots.txt":
		if u.RawQuery == "" {
			return KindRobots
		}
	case "/.well-known/tdmrep.json":
		return KindTDMRep
	}
	return KindPage
}

// validURL reports whether s is an absolute http or https URL with a host.
func validURL(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", false
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), true
}

// urlReader reads a URL list: one URL per line, optionally followed by
// white space and anything; blank lines and lines starting with # are
// ignored.
type urlReader struct {
	lines   *lineReader
	rec     Record
	skipped map[string]int64
}

func (r *urlReader) Format() Format  { return FormatURLs }
func (r *urlReader) Record() *Record { return &r.rec }
func (r *urlReader) Err() error      { return r.lines.Err() }
func (r *urlReader) Skipped() map[string]int64 {
	r.skipped["line_too_long"] = r.lines.tooLong
	return r.skipped
}

func (r *urlReader) Next() bool {
	for {
		line, ok := r.lines.next()
		if !ok {
			return false
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if i := bytes.IndexAny(t, " \t"); i >= 0 {
			t = t[:i]
		}
		s := string(t)
		if _, ok := validURL(s); !ok {
			r.skipped["bad_url"]++
			continue
		}
		r.rec = Record{Kind: classify(s), Pos: r.lines.line, URL: s, Line: line, Bodyless: true}
		return true
	}
}

// cdxjReader reads CDXJ lines with package cdx.
type cdxjReader struct {
	lines   *lineReader
	cdx     cdx.Record
	rec     Record
	skipped map[string]int64
}

func (r *cdxjReader) Format() Format  { return FormatCDXJ }
func (r *cdxjReader) Record() *Record { return &r.rec }
func (r *cdxjReader) Err() error      { return r.lines.Err() }
func (r *cdxjReader) Skipped() map[string]int64 {
	r.skipped["line_too_long"] = r.lines.tooLong
	return r.skipped
}

func (r *cdxjReader) Next() bool {
	for {
		line, ok := r.lines.next()
		if !ok {
			return false
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if k := cdx.Parse(line, &r.cdx); k != cdx.Valid {
			r.skipped[k.String()]++
			continue
		}
		s := string(r.cdx.URL)
		if _, ok := validURL(s); !ok {
			r.skipped["bad_url"]++
			continue
		}
		r.rec = Record{Kind: classify(s), Pos: r.lines.line, URL: s, Status: r.cdx.Status, Line: line, Bodyless: true}
		if r.cdx.Unix != 0 {
			r.rec.Time = time.Unix(r.cdx.Unix, 0).UTC()
		}
		return true
	}
}

// warcReader reads WARC records with github.com/nlnwa/gowarc.
type warcReader struct {
	br      *bufio.Reader
	u       gowarc.Unmarshaler
	rec     Record
	n       int64
	skipped map[string]int64
	err     error
	done    bool
}

// maxWARCErrors is the number of consecutive unreadable records after
// which a WARC file is given up.
const maxWARCErrors = 100

func newWARCReader(br *bufio.Reader) *warcReader {
	return &warcReader{
		br: br,
		u: gowarc.NewUnmarshaler(
			gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
			gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
			gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore),
			gowarc.WithBufferMaxMemBytes(2<<20),
		),
		skipped: map[string]int64{},
	}
}

func (r *warcReader) Format() Format            { return FormatWARC }
func (r *warcReader) Record() *Record           { return &r.rec }
func (r *warcReader) Err() error                { return r.err }
func (r *warcReader) Skipped() map[string]int64 { return r.skipped }

func (r *warcReader) Next() bool {
	errs := 0
	for !r.done {
		wr, err := r.unmarshal()
		if err != nil {
			if wr != nil {
				wr.Close()
			}
			if err == io.EOF {
				r.done = true
				return false
			}
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				r.skipped["warc_truncated"]++
				r.done = true
				return false
			}
			r.skipped["warc_bad_record"]++
			errs++
			if errs >= maxWARCErrors {
				r.err = fmt.Errorf("%d unreadable WARC records in a row, last: %v", errs, err)
				r.done = true
				return false
			}
			continue
		}
		errs = 0
		r.n++
		ok := r.read(wr)
		wr.Close()
		if ok {
			return true
		}
	}
	return false
}

// unmarshal reads the next record. gowarc v2.2.4 panics on some malformed
// headers (such as a version line of "WARC/" alone); such a record is
// reported as an error, and reading goes on at the next record start.
func (r *warcReader) unmarshal() (wr gowarc.WarcRecord, err error) {
	defer func() {
		if p := recover(); p != nil {
			wr, err = nil, fmt.Errorf("malformed WARC record: %v", p)
		}
	}()
	wr, _, _, err = r.u.Unmarshal(r.br)
	return wr, err
}

// read fills r.rec from a response or revisit record and reports whether
// it is one.
func (r *warcReader) read(wr gowarc.WarcRecord) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			r.skipped["warc_bad_record"]++
			ok = false
		}
	}()
	switch wr.Type() {
	case gowarc.Response, gowarc.Revisit:
	default:
		r.skipped["warc_"+strings.ReplaceAll(wr.Type().String(), " ", "_")]++
		return false
	}
	target := wr.WarcHeader().GetId(gowarc.WarcTargetURI)
	if target == "" {
		target = wr.WarcHeader().Get(gowarc.WarcTargetURI)
	}
	target = strings.Trim(target, "<>")
	if _, ok := validURL(target); !ok {
		r.skipped["bad_url"]++
		return false
	}
	hb, ok := wr.Block().(gowarc.HttpResponseBlock)
	if !ok {
		r.skipped["warc_not_http"]++
		return false
	}
	r.rec = Record{Kind: classify(target), Pos: r.n, URL: target, Status: hb.HttpStatusCode()}
	if h := hb.HttpHeader(); h != nil {
		r.rec.Header = *h
	}
	if t, err := wr.Date(); err == nil {
		r.rec.Time = t.UTC()
	}
	if wr.Type() == gowarc.Revisit {
		return true
	}
	payload, err := hb.PayloadBytes()
	if err != nil {
		return true
	}
	payload = decode(payload, r.rec.Header.Get("Content-Encoding"))
	switch r.rec.Kind {
	case KindRobots:
		r.rec.Body, _ = io.ReadAll(io.LimitReader(payload, robots.MaxSize))
	case KindTDMRep:
		r.rec.Body, _ = io.ReadAll(io.LimitReader(payload, tdmrep.MaxFileSize+1))
	default:
		ct := strings.ToLower(r.rec.Header.Get("Content-Type"))
		if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
			cfg := htmlmeta.Config{Body: true}
			r.rec.HTML, _ = cfg.Parse(payload)
		}
	}
	return true
}

// decode undoes a gzip or deflate Content-Encoding; other encodings are
// returned as they are.
func decode(r io.Reader, enc string) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "gzip", "x-gzip":
		if zr, err := gzip.NewReader(r); err == nil {
			return zr
		}
	}
	return r
}
