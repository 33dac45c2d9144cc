package screen

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// MaxRecord is the largest WARC record block that AddWARC reads; the
// records of larger ones are skipped.
const MaxRecord = 64 << 20

// ErrWARC is wrapped by errors about input that is not a WARC file or
// whose record headers are malformed or truncated.
var ErrWARC = errors.New("screen: malformed WARC")

// AddWARC adds a work for each response and resource record of the WARC
// file (ISO 28500, WARC 1.0 or 1.1) read from r, uncompressed or compressed
// as gzip members, whose payload is HTML or plain text: the reserved
// content of a crawl, if include (given the record's WARC-Target-URI)
// accepts only what was reserved. A nil include accepts every record.
// Responses count only with HTTP status 200; their Transfer-Encoding and a
// gzip or deflate Content-Encoding are undone, and HTML is reduced to text
// by ExtractText. The work's name and URL are the target URI. Records that
// hold no such text are counted in BuildStats.Skipped.
func (b *Builder) AddWARC(r io.Reader, include func(uri string) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%w: gzip: %v", ErrWARC, err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	var block []byte
	for n := 1; ; n++ {
		line, err := warcLine(br)
		for err == nil && len(line) == 0 {
			line, err = warcLine(br)
		}
		if err == io.EOF && len(line) == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: record %d: %v", ErrWARC, n, err)
		}
		if !strings.HasPrefix(line, "WARC/") {
			return fmt.Errorf("%w: record %d: %.40q is not a WARC version line", ErrWARC, n, line)
		}
		var typ, uri, ctype string
		clen := int64(-1)
		for {
			line, err = warcLine(br)
			if err != nil {
				return fmt.Errorf("%w: record %d: header: %v", ErrWARC, n, truncated(err))
			}
			if line == "" {
				break
			}
			name, val, _ := strings.Cut(line, ":")
			val = strings.TrimSpace(val)
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "warc-type":
				typ = strings.ToLower(val)
			case "warc-target-uri":
				uri = strings.Trim(val, "<>")
			case "content-type":
				ctype = val
			case "content-length":
				if clen, err = strconv.ParseInt(val, 10, 64); err != nil || clen < 0 {
					return fmt.Errorf("%w: record %d: bad Content-Length %q", ErrWARC, n, val)
				}
			}
		}
		if clen < 0 {
			return fmt.Errorf("%w: record %d: no Content-Length", ErrWARC, n)
		}
		b.stats.Records++
		if typ != "response" && typ != "resource" || include != nil && !include(uri) || clen > MaxRecord {
			b.stats.Skipped++
			if _, err := io.CopyN(io.Discard, br, clen); err != nil {
				return fmt.Errorf("%w: record %d: block: %v", ErrWARC, n, truncated(err))
			}
			continue
		}
		if int64(cap(block)) < clen {
			block = make([]byte, clen)
		}
		block = block[:clen]
		if _, err := io.ReadFull(br, block); err != nil {
			return fmt.Errorf("%w: record %d: block: %v", ErrWARC, n, truncated(err))
		}
		text, ok := payloadText(typ, ctype, block)
		if !ok {
			b.stats.Skipped++
			continue
		}
		if err := b.Add(Work{Name: uri, URL: uri}, text); err != nil {
			return err
		}
	}
}

func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// warcLine reads a header line without its line ending.
func warcLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errors.New("header line longer than 64 KiB")
	}
	if err != nil && (err != io.EOF || len(line) > 0) {
		return "", truncated(err)
	}
	return strings.TrimRight(string(line), "\r\n"), err
}

// payloadText returns the text of a record's block, if it holds HTML or
// plain text.
func payloadText(typ, ctype string, block []byte) (string, bool) {
	var body io.Reader = bytes.NewReader(block)
	if typ == "response" {
		mt, _, _ := mime.ParseMediaType(ctype)
		if mt != "application/http" {
			return "", false
		}
		resp, err := http.ReadResponse(bufio.NewReader(body), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			return "", false
		}
		defer resp.Body.Close()
		body, ctype = resp.Body, resp.Header.Get("Content-Type")
		switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
		case "", "identity":
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(body)
			if err != nil {
				return "", false
			}
			body = zr
		case "deflate":
			body = flate.NewReader(body)
		default:
			return "", false
		}
	}
	br := bufio.NewReader(io.LimitReader(body, MaxRecord))
	if ctype == "" {
		head, _ := br.Peek(512)
		ctype = http.DetectContentType(head)
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "text/html", "application/xhtml+xml":
		text, err := ExtractText(br, ctype)
		return text, err == nil
	case "text/plain":
		cr, err := charset.NewReader(br, ctype)
		if err != nil {
			return "", false
		}
		b, err := io.ReadAll(cr)
		return string(b), err == nil
	}
	return "", false
}
