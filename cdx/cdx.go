// Package cdx parses CDXJ, the URL index format of pywb and Common Crawl.
//
// A CDXJ line holds a SURT key, a 14-digit timestamp and a JSON object
// with the capture's fields, separated by single spaces:
//
//	com,example)/ 20240802103102 {"url": "https://example.com/", "status": "200", "length": "1521", ...}
//
// The format is described at
// https://specs.webrecorder.net/cdxj/0.1.0/ and in Common Crawl's index
// documentation. Parse extracts the fields that crawl statistics need
// without allocating; Reader reads a stream of lines.
//
// A malformed line is not an error: its Record carries a Kind that says
// what was wrong, so that callers can count and skip it.
package cdx

import (
	"bytes"
	"encoding/binary"
)

// Kind classifies a line. Valid lines have Kind Valid; every other kind
// names the first defect found.
type Kind uint8

// The kinds of lines. Their String forms are stable and used as keys in
// statistics: "valid", "bad_key", "bad_timestamp", "truncated_json", ...
const (
	Valid         Kind = iota
	BadKey             // the line has no space-separated SURT key, timestamp and JSON object
	BadTimestamp       // the timestamp is not 4 to 14 (or more) digits of a valid date
	TruncatedJSON      // the line ends inside the JSON object
	BadJSON            // the JSON object is malformed in another way
	MissingURL         // the JSON object has no "url" field
	BadURL             // the URL has no scheme or host, or the host is not a valid name
	MissingLength      // the JSON object has no "length" field
	BadLength          // "length" is not a non-negative decimal integer
	numKinds
)

var kindNames = [numKinds]string{
	"valid", "bad_key", "bad_timestamp", "truncated_json", "bad_json",
	"missing_url", "bad_url", "missing_length", "non_numeric_length",
}

// NumKinds is the number of kinds, Valid included; kinds are the integers
// in [0, NumKinds).
const NumKinds = int(numKinds)

// String returns the kind's stable snake_case name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Record is the parsed form of one CDXJ line. Its byte slices alias the
// line (or the Record's own scratch space, for JSON strings with escapes)
// and are valid until the line's buffer is reused: for a Reader, until the
// next call to Next.
type Record struct {
	Kind Kind   // Valid, or the defect that made the line unusable
	Line []byte // the whole line, without its line terminator

	Key       []byte // SURT key
	Timestamp []byte // the timestamp as written (usually 14 digits)
	Unix      int64  // the timestamp in seconds since 1970-01-01 UTC

	URL      []byte // "url"
	Host     []byte // the URL's host: lower case, without port, user info or trailing dot; IPv6 without brackets
	Length   int64  // "length": the byte length of the (compressed) WARC record
	Offset   int64  // "offset" in the WARC file, or -1 if absent or not a number
	Status   int    // "status" as a number, or 0 if absent or not a number
	MIME     []byte // "mime"
	Filename []byte // "filename": the WARC file holding the record

	// SameHost reports that Host is the host of the previous line parsed
	// into this Record, valid or not: an aggregator by host may then
	// reuse what it found for that line without comparing the names.
	// It may be false even so.
	SameHost bool

	// Skip, set before parsing and kept by Parse, names fields that Parse
	// need not fill: with FieldOffset and FieldStatus it may leave Offset
	// at -1 and Status at 0, sparing the conversion of two numbers per
	// line when only the URL, length and time matter (crawl statistics);
	// with FieldMIME and FieldFilename it may leave MIME and Filename nil.
	Skip Fields

	scratch []byte     // unescaped JSON strings
	hostBuf []byte     // the host, when it had to be lower-cased
	days    *[32]day   // dates of recent timestamps, by day of the month
	fast    *fastState // the fast path's state: quote bitmap, last host
}

// Fields is a set of a Record's optional fields.
type Fields uint8

// The optional fields.
const (
	FieldOffset   Fields = 1 << iota // Record.Offset
	FieldStatus                      // Record.Status
	FieldMIME                        // Record.MIME
	FieldFilename                    // Record.Filename
)

// A day caches the conversion of a timestamp's date: a crawl's captures
// span a few days, but in SURT order consecutive lines are from random
// ones among them.
type day struct {
	date uint64 // the first eight bytes of the timestamp, YYYYMMDD; 0 if none
	days int64  // the date in days since 1970-01-01
}

// timestamp is ParseTimestamp, faster for a 14-digit timestamp whose date
// is in rec's cache of dates.
func (rec *Record) timestamp(ts []byte) (int64, bool) {
	if len(ts) != 14 {
		return ParseTimestamp(ts)
	}
	date := binary.LittleEndian.Uint64(ts)
	// DDhhmmss as four two-digit numbers, a word at a time
	w := binary.LittleEndian.Uint64(ts[6:])
	if w&0xf0f0f0f0f0f0f0f0|(w+0x0606060606060606)&0xf0f0f0f0f0f0f0f0>>4 != 0x3333333333333333 {
		return 0, false // not all digits
	}
	w -= 0x3030303030303030
	w = (w*10 + w>>8) & 0x00ff00ff00ff00ff // byte 2k: digits 2k and 2k+1 as a number
	dd, hour, min, sec := int64(w&0xff), int64(w>>16&0xff), int64(w>>32&0xff), int64(w>>48)
	if hour > 23 || min > 59 || sec > 60 {
		return 0, false
	}
	hms := hour*3600 + min*60 + sec
	if rec.days == nil {
		rec.days = new([32]day)
	}
	e := &rec.days[dd&31]
	if date == e.date && date != 0 {
		return e.days*86400 + hms, true
	}
	unix, ok := ParseTimestamp(ts)
	if ok {
		*e = day{date: date, days: (unix - hms) / 86400}
	}
	return unix, ok
}

// Parse parses one CDXJ line, without its line terminator, into rec and
// returns rec.Kind. Parsing does not allocate once rec's scratch space has
// grown to the longest line with JSON escapes. Fields after the defect that
// set a Kind other than Valid may be unset.
func Parse(line []byte, rec *Record) Kind {
	// field by field, keeping Skip and the buffers and caches: cheaper
	// than assigning a whole new Record
	rec.Kind, rec.Line, rec.SameHost = Valid, line, false
	rec.Key, rec.Timestamp, rec.URL, rec.Host, rec.MIME, rec.Filename = nil, nil, nil, nil, nil, nil
	rec.Unix, rec.Length, rec.Offset, rec.Status = 0, 0, -1, 0
	rec.scratch = rec.scratch[:0]
	rec.Kind = parse(line, rec)
	return rec.Kind
}

func parse(line []byte, rec *Record) Kind { return parseWith(line, rec, true) }

// parseWith is parse; fast says whether the fast path may be used (the
// tests compare it with the full parser).
func parseWith(line []byte, rec *Record, fast bool) Kind {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return BadKey
	}
	rec.Key = line[:sp]
	rest := line[sp+1:]
	// The usual 14-digit timestamp: when the bytes up to the space after
	// it are a valid timestamp, they are digits, and that space is the
	// first; otherwise the space is searched.
	var unix int64
	var ok bool
	if len(rest) > 14 && rest[14] == ' ' {
		if unix, ok = rec.timestamp(rest[:14]); ok {
			sp = 14
		}
	}
	if !ok {
		sp = bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return BadKey
		}
		if unix, ok = rec.timestamp(rest[:sp]); !ok {
			rec.Timestamp = rest[:sp]
			return BadTimestamp
		}
	}
	rec.Timestamp = rest[:sp]
	rec.Unix = unix
	js := rest[sp+1:]
	if len(js) == 0 || js[0] != '{' {
		return BadKey
	}
	if fast && rec.fast == nil {
		rec.fast = new(fastState)
	}
	if !fast || !rec.fastJSON(js) {
		rec.resetJSON()
		if k := rec.parseJSON(js); k != Valid {
			return k
		}
	}
	if rec.URL == nil {
		return MissingURL
	}
	var host []byte
	if fast {
		host, rec.SameHost, ok = rec.cachedHost(rec.URL)
	} else {
		host, ok = hostOf(rec.URL, &rec.hostBuf)
	}
	if !ok {
		return BadURL
	}
	rec.Host = host
	if rec.Length < 0 {
		if rec.Length == -1 {
			return MissingLength
		}
		return BadLength
	}
	return Valid
}

// parseJSON scans a flat JSON object whose values are strings or scalars
// and picks the fields of interest. It sets rec.Length to -1 when "length"
// is absent and to -2 when it is not a non-negative integer.
func (rec *Record) parseJSON(js []byte) Kind {
	rec.Length = -1
	n := len(js)
	i := skipSpace(js, 1)
	if i < n && js[i] == '}' {
		return trailing(js, i+1)
	}
	for {
		// key: short, scanned in place
		if i >= n {
			return TruncatedJSON
		}
		if js[i] != '"' {
			return BadJSON
		}
		ks := i + 1
		j := closeQuote(js, ks)
		if j < 0 {
			if j == -2 {
				return BadJSON
			}
			return TruncatedJSON
		}
		key := js[ks:j]
		i = j + 1
		// ':' and the value's start; ": " is the common case
		if i+1 < n && js[i] == ':' && js[i+1] == ' ' {
			i += 2
		} else {
			i = skipSpace(js, i)
			if i >= n {
				return TruncatedJSON
			}
			if js[i] != ':' {
				return BadJSON
			}
			i = skipSpace(js, i+1)
		}
		if i >= n {
			return TruncatedJSON
		}
		if js[i] == '"' {
			vs := i + 1
			q := closeQuote(js, vs)
			if q < 0 {
				if q == -2 {
					return BadJSON
				}
				return TruncatedJSON
			}
			if k := rec.field(key, js[vs:q], true, len(js)); k != Valid {
				return k
			}
			i = q + 1
		} else {
			vs := i
			for i < n && js[i] != ',' && js[i] != '}' && !isSpace(js[i]) {
				if js[i] == '{' || js[i] == '[' || js[i] == '"' {
					return BadJSON // nested values do not occur in CDXJ
				}
				i++
			}
			if i >= n {
				return TruncatedJSON
			}
			if !validScalar(js[vs:i]) {
				return BadJSON
			}
			rec.field(key, js[vs:i], false, 0)
		}
		// ", " is the common separator
		if i+1 < n && js[i] == ',' && js[i+1] == ' ' {
			i += 2
			continue
		}
		i = skipSpace(js, i)
		if i >= n {
			return TruncatedJSON
		}
		switch js[i] {
		case ',':
			i = skipSpace(js, i+1)
		case '}':
			return trailing(js, i+1)
		default:
			return BadJSON
		}
	}
}

// validScalar reports whether v is a JSON number, true, false or null.
func validScalar(v []byte) bool {
	switch string(v) {
	case "true", "false", "null":
		return true
	}
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := func() bool {
		s := i
		for i < len(v) && '0' <= v[i] && v[i] <= '9' {
			i++
		}
		return i > s
	}
	if i < len(v) && v[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(v)
}

func trailing(js []byte, i int) Kind {
	if skipSpace(js, i) != len(js) {
		return BadJSON
	}
	return Valid
}

// field stores a field of interest. String values of the text fields are
// unescaped if they hold escapes.
func (rec *Record) field(key, val []byte, isString bool, max int) Kind {
	switch len(key) {
	case 3:
		if string(key) == "url" {
			if !isString {
				rec.URL = []byte{} // present but not a string: a bad URL
				return Valid
			}
			return rec.text(&rec.URL, val, max)
		}
	case 4:
		if string(key) == "mime" {
			return rec.text(&rec.MIME, val, max)
		}
	case 6:
		switch string(key) {
		case "length":
			if n, ok := parseUint(val); ok {
				rec.Length = n
			} else {
				rec.Length = -2
			}
		case "offset":
			if n, ok := parseUint(val); ok {
				rec.Offset = n
			}
		case "status":
			if n, ok := parseUint(val); ok && n < 1000 {
				rec.Status = int(n)
			}
		}
	case 8:
		if string(key) == "filename" {
			return rec.text(&rec.Filename, val, max)
		}
	}
	return Valid
}

// text stores a string value in *dst, unescaped if it holds escapes.
func (rec *Record) text(dst *[]byte, val []byte, max int) Kind {
	if bytes.IndexByte(val, '\\') < 0 {
		*dst = val
		return Valid
	}
	v, ok := unescape(val, &rec.scratch, max)
	if !ok {
		return BadJSON
	}
	*dst = v
	return Valid
}

// stringEnd returns the index of the quote that closes the JSON string
// starting at i, or -1 if the string does not end.
func stringEnd(js []byte, i int) int {
	for {
		q := bytes.IndexByte(js[i:], '"')
		if q < 0 {
			return -1
		}
		q += i
		// count the backslashes before the quote
		n := 0
		for j := q - 1; j >= i && js[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// unescape decodes the JSON escapes of s into *scratch. The scratch space
// is grown to capacity max first, so earlier results stay valid.
func unescape(s []byte, scratch *[]byte, max int) ([]byte, bool) {
	if cap(*scratch) < max {
		*scratch = make([]byte, 0, max)
	}
	b := *scratch
	start := len(b)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case '"', '\\', '/':
			b = append(b, s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if i+4 >= len(s) {
				return nil, false
			}
			r := rune(0)
			for _, h := range s[i+1 : i+5] {
				r <<= 4
				switch {
				case '0' <= h && h <= '9':
					r |= rune(h - '0')
				case 'a' <= h && h <= 'f':
					r |= rune(h - 'a' + 10)
				case 'A' <= h && h <= 'F':
					r |= rune(h - 'A' + 10)
				default:
					return nil, false
				}
			}
			i += 4
			b = appendRune(b, r)
		default:
			return nil, false
		}
	}
	*scratch = b
	return b[start:len(b):len(b)], true
}

func appendRune(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	default: // surrogates are kept as their (invalid) three-byte form
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// parseUint parses a non-negative decimal integer of at most 18 digits.
func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// ParseTimestamp converts a Wayback timestamp (YYYYMMDDhhmmss, UTC) to
// seconds since 1970-01-01 UTC. Shorter timestamps of at least four digits
// are padded as the start of the period they name (2024 is
// 20240101000000); digits beyond the fourteenth (fractions of a second)
// are ignored.
func ParseTimestamp(ts []byte) (int64, bool) {
	var d [14]byte
	if len(ts) == 14 {
		d = [14]byte(ts)
	} else {
		if len(ts) < 4 {
			return 0, false
		}
		d = [14]byte([]byte("00000101000000"))
		copy(d[:], ts)
		for _, c := range ts[min(len(ts), 14):] {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
	}
	for i := range d {
		d[i] -= '0'
		if d[i] > 9 {
			return 0, false
		}
	}
	year := int64(d[0])*1000 + int64(d[1])*100 + int64(d[2])*10 + int64(d[3])
	month := int64(d[4])*10 + int64(d[5])
	day := int64(d[6])*10 + int64(d[7])
	hour := int64(d[8])*10 + int64(d[9])
	min := int64(d[10])*10 + int64(d[11])
	sec := int64(d[12])*10 + int64(d[13])
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || min > 59 || sec > 60 {
		return 0, false
	}
	return daysFromCivil(year, month, day)*86400 + hour*3600 + min*60 + sec, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
