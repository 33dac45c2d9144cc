package crawlstats

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/gpai-project/gpai/cdx"
)

// URL lists.
//
// A list has one capture per line: a URL, its size in bytes and
// optionally its capture time, separated by commas (CSV) or tabs (TSV).
// Fields may be quoted as in RFC 4180, without line breaks inside. If the
// first line names the columns, the URL column is "url" (or "uri",
// "target_uri"), the size column one of "size", "bytes", "length",
// "content_length", "warc_record_length", "size_bytes", and the time
// column one of "time", "timestamp", "fetch_time", "date". Without a
// header, the URL is the first field holding "://" and the size the first
// other field of digits. Times are Wayback timestamps (YYYYMMDDhhmmss),
// RFC 3339 or Unix seconds.

type listFormat struct {
	sep             byte
	url, size, time int
	header          bool
}

var (
	urlNames  = []string{"url", "uri", "target_uri"}
	sizeNames = []string{"size", "bytes", "length", "content_length", "warc_record_length", "size_bytes"}
	timeNames = []string{"time", "timestamp", "fetch_time", "date"}
)

func newListFunc(f io.ReaderAt, gz bool, format Format) (lf lineFunc, header bool, err error) {
	first, err := firstLine(f, gz)
	if err != nil {
		return nil, false, err
	}
	l := listFormat{sep: ',', url: -1, size: -1, time: -1}
	if format == FormatTSV {
		l.sep = '\t'
	}
	fields := splitFields(first, l.sep, nil)
	lower := func(b []byte) string { return string(bytes.ToLower(bytes.TrimSpace(b))) }
	for i, fl := range fields {
		name := lower(fl)
		switch {
		case l.url < 0 && contains(urlNames, name):
			l.url = i
		case l.size < 0 && contains(sizeNames, name):
			l.size = i
		case l.time < 0 && contains(timeNames, name):
			l.time = i
		}
	}
	if l.url >= 0 || l.size >= 0 {
		l.header = true
	} else {
		for i, fl := range fields {
			if l.url < 0 && bytes.Contains(fl, []byte("://")) {
				l.url = i
			} else if l.size < 0 && len(fl) > 0 && allDigits(fl) {
				l.size = i
			}
		}
	}
	if l.url < 0 || l.size < 0 {
		return nil, false, errors.New("URL list: cannot find the URL and size columns (name them url and size in a header line)")
	}
	return l.line, l.header, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func firstLine(f io.ReaderAt, gz bool) ([]byte, error) {
	r := io.NewSectionReader(f, 0, 1<<62)
	var src io.Reader = r
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		src = zr
	}
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(src, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	buf = buf[:n]
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf = buf[:i]
	}
	return bytes.TrimSuffix(buf, []byte{'\r'}), nil
}

// splitFields splits a line into fields, removing RFC 4180 quotes. The
// fields alias line unless they hold doubled quotes.
func splitFields(line []byte, sep byte, dst [][]byte) [][]byte {
	dst = dst[:0]
	for {
		if len(line) > 0 && line[0] == '"' {
			// quoted field
			var f []byte
			i := 1
			for {
				q := bytes.IndexByte(line[i:], '"')
				if q < 0 {
					f = append(f, line[i:]...)
					line = nil
					break
				}
				f = append(f, line[i:i+q]...)
				i += q + 1
				if i < len(line) && line[i] == '"' {
					f = append(f, '"')
					i++
					continue
				}
				line = line[i:]
				break
			}
			dst = append(dst, f)
			if j := bytes.IndexByte(line, sep); j >= 0 {
				line = line[j+1:]
				continue
			}
			return dst
		}
		j := bytes.IndexByte(line, sep)
		if j < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:j])
		line = line[j+1:]
	}
}

func (lf listFormat) line(s *shard, line []byte, input string, offset int64) {
	s.lines++
	s.fields = splitFields(line, lf.sep, s.fields)
	f := s.fields
	if lf.url >= len(f) || lf.size >= len(f) || lf.time >= len(f) {
		s.bad("missing_field", input, offset, line)
		return
	}
	host, ok := cdx.AppendHost(s.hostBuf[:0], bytes.TrimSpace(f[lf.url]))
	if !ok {
		s.bad("bad_url", input, offset, line)
		return
	}
	s.hostBuf = host
	size, err := strconv.ParseInt(string(bytes.TrimSpace(f[lf.size])), 10, 64)
	if err != nil || size < 0 {
		s.bad("non_numeric_length", input, offset, line)
		return
	}
	if lf.time < 0 {
		s.tallyOf(host).addNoTime(size)
	} else {
		unix, ok := parseTime(bytes.TrimSpace(f[lf.time]))
		if !ok {
			s.bad("bad_timestamp", input, offset, line)
			return
		}
		s.tallyOf(host).add(size, unix)
	}
	s.records++
	s.bytes += size
}

func parseTime(b []byte) (int64, bool) {
	if allDigits(b) && len(b) >= 12 {
		return cdx.ParseTimestamp(b)
	}
	if allDigits(b) && len(b) > 0 {
		n, err := strconv.ParseInt(string(b), 10, 64)
		return n, err == nil
	}
	t, err := time.Parse(time.RFC3339, string(b))
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}
