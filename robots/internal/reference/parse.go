package reference

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxSize is the number of bytes of a robots.txt file that Parse reads:
// 500 KiB, the smallest parsing limit RFC 9309 (section 2.5) allows and the
// limit Googlebot applies. Content beyond it is ignored.
const MaxSize = 500 << 10

// maxGoogleLine is the number of bytes of a line that Google's parser keeps
// (8 × 2083 − 1).
const maxGoogleLine = 2083*8 - 1

// maxWarnings bounds File.Warnings.
const maxWarnings = 1000

// A Kind is the meaning of a record.
type Kind uint8

const (
	// Invalid marks a line that the reading does not accept as a record.
	Invalid Kind = iota
	// UserAgent is a user-agent line.
	UserAgent
	// Allow is an allow rule.
	Allow
	// Disallow is a disallow rule.
	Disallow
	// Sitemap is a sitemap line.
	Sitemap
	// Other is any other record: Crawl-delay, Content-Usage,
	// Content-Signal, Host, unknown keys.
	Other
)

var kindNames = [...]string{"invalid", "user-agent", "allow", "disallow", "sitemap", "other"}

// String returns the lower-case name of k, such as "disallow".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// A Record is one line of a robots.txt file that holds a key and a value.
//
// Key and Value are views into the file as written: the key and value
// without the comment and the surrounding white space. They are taken from
// the RFC 9309 reading of the line when it has one (a colon separates key
// and value) and otherwise from Google's reading.
type Record struct {
	Line   int    // 1-based line number
	Key    string // the key as written, such as "Content-Usage"
	Value  string // the value as written, such as "train-ai=n"
	Kind   Kind   // the meaning under RFC 9309; Invalid if it rejects the line
	Google Kind   // the meaning under Google's parser; Invalid if it skips the line
	Group  int    // index in File.Groups of the RFC 9309 group it appears in, or -1
}

// A Rule is an allow or disallow rule as written in the file.
type Rule struct {
	Line    int    // 1-based line number
	Kind    Kind   // Allow or Disallow
	Pattern string // the pattern as written (a view into the file)
}

// A Group is a group of records under RFC 9309: one or more user-agent
// lines and the rules that follow them.
type Group struct {
	// Line is the line number of the group's first user-agent line.
	Line int
	// Agents are the user-agent values as written.
	Agents []string
	// Rules are the group's allow and disallow rules in file order,
	// including those with an empty pattern.
	Rules []Rule
	// CrawlDelay is the value of the group's first valid Crawl-delay record
	// (a non-negative decimal number of seconds); CrawlDelayLine is its
	// line number, or 0 if the group has none.
	CrawlDelay     time.Duration
	CrawlDelayLine int
}

// A Warning reports a line that was skipped or read in an unusual way.
type Warning struct {
	Line int // 1-based line number; 0 for the file as a whole
	Msg  string
}

// String returns the warning as "line N: message".
func (w Warning) String() string {
	if w.Line == 0 {
		return w.Msg
	}
	return "line " + strconv.Itoa(w.Line) + ": " + w.Msg
}

// A ReadError reports that reading the robots.txt file failed.
type ReadError struct {
	Offset int64 // number of bytes read before the error
	Err    error
}

// Error returns "robots: read at byte N: …".
func (e *ReadError) Error() string {
	return "robots: read at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Err.Error()
}

// Unwrap returns the reader's error.
func (e *ReadError) Unwrap() error { return e.Err }

// A File is a parsed robots.txt file. It is safe for concurrent use.
type File struct {
	// Records are the file's records in order: every line that either
	// reading accepts as a key and a value.
	Records []Record
	// Groups are the groups of the RFC 9309 reading in file order.
	Groups []Group
	// Sitemaps are the values of the Sitemap records (Google's spelling
	// rules: any key starting with sitemap or site-map), in file order.
	Sitemaps []string
	// Warnings report skipped and unusual lines.
	Warnings []Warning
	// Size is the number of bytes parsed.
	Size int
	// Truncated reports that the input was longer than MaxSize and the
	// rest was ignored.
	Truncated bool

	src    string
	rfc    reading
	google reading
	delays []delay
}

type delay struct {
	group, line int
	value       string
}

// Parse reads a robots.txt file from r and parses it. It reads at most
// MaxSize bytes and one more to detect truncation. The only error it
// returns is a *ReadError from r; content never makes it fail.
func Parse(r io.Reader) (*File, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &ReadError{Offset: n, Err: err}
	}
	return parse(buf.String(), buf.Len() > MaxSize), nil
}

// ParseBytes parses a robots.txt file held in b. It reads at most the
// first MaxSize bytes. The File does not refer to b.
func ParseBytes(b []byte) *File {
	if len(b) > MaxSize {
		return parse(string(b[:MaxSize]), true)
	}
	return parse(string(b), false)
}

// ParseString is like ParseBytes but takes a string, which the File
// refers to without copying.
func ParseString(s string) *File {
	if len(s) > MaxSize {
		return parse(s[:MaxSize], true)
	}
	return parse(s, false)
}

const bom = "\xEF\xBB\xBF"

func parse(src string, truncated bool) *File {
	if len(src) > MaxSize {
		src = src[:MaxSize]
	}
	f := &File{src: src, Size: len(src), Truncated: truncated}
	if truncated {
		f.warn(0, fmt.Sprintf("file longer than %d bytes; the rest is ignored", MaxSize))
	}
	f.Records = make([]Record, 0, strings.Count(src, "\n")+1)
	rb := newBuilder(false)
	gb := newBuilder(true)

	// Google skips any leading part of a byte-order mark; the RFC reading
	// skips only a complete one.
	gStart := 0
	for gStart < 3 && gStart < len(src) && src[gStart] == bom[gStart] {
		gStart++
	}
	rStart := 0
	if strings.HasPrefix(src, bom) {
		rStart = 3
	}

	nextCR, nextLF := -1, -1
	lineNo := 0
	for pos := 0; ; {
		if nextCR < pos && nextCR != len(src) {
			if i := strings.IndexByte(src[pos:], '\r'); i >= 0 {
				nextCR = pos + i
			} else {
				nextCR = len(src)
			}
		}
		if nextLF < pos && nextLF != len(src) {
			if i := strings.IndexByte(src[pos:], '\n'); i >= 0 {
				nextLF = pos + i
			} else {
				nextLF = len(src)
			}
		}
		end := min(nextCR, nextLF)
		lineNo++
		rs, gs := pos, pos
		if lineNo == 1 {
			rs, gs = rStart, gStart
		}
		f.line(lineNo, src[rs:end], src[gs:end], &rb, &gb)
		if end >= len(src) {
			break
		}
		pos = end + 1
		if src[end] == '\r' && pos < len(src) && src[pos] == '\n' {
			pos++
		}
	}
	if gStart > 0 && gStart < 3 {
		f.warn(1, "partial UTF-8 byte-order mark at the start; Google's parser skips it, RFC 9309 does not")
	}
	f.Groups = rb.publicGroups()
	for _, cd := range f.delays {
		f.crawlDelay(&f.Groups[cd.group], cd.line, cd.value)
	}
	f.delays = nil
	f.rfc = rb.compile()
	f.google = gb.compile()
	linkTwins(&f.rfc, &f.google)
	return f
}

func (f *File) warn(line int, msg string) {
	switch {
	case len(f.Warnings) < maxWarnings:
		f.Warnings = append(f.Warnings, Warning{Line: line, Msg: msg})
	case len(f.Warnings) == maxWarnings:
		f.Warnings = append(f.Warnings, Warning{Line: line, Msg: "too many warnings; the rest are omitted"})
	}
}

// line parses one line: r is the line as the RFC reading sees it, g as
// Google's parser sees it (they differ only in a byte-order mark).
func (f *File) line(n int, r, g string, rb, gb *builder) {
	// RFC 9309 reading.
	if i := strings.IndexByte(r, '#'); i >= 0 {
		r = r[:i]
	}
	r = trimWS(r)
	var rKey, rVal string
	rOK := false
	rKind := Invalid
	if r != "" {
		if i := strings.IndexByte(r, ':'); i >= 0 {
			rKey, rVal = trimWS(r[:i]), trimWS(r[i+1:])
			rOK = rKey != ""
		}
		if rOK {
			rKind = rfcKind(rKey)
		}
	}

	// Google's reading.
	if len(g) > maxGoogleLine {
		g = g[:maxGoogleLine]
		f.warn(n, fmt.Sprintf("line longer than %d bytes; Google's parser ignores the rest of it", maxGoogleLine))
	}
	if i := strings.IndexByte(g, 0); i >= 0 {
		g = g[:i]
		f.warn(n, "NUL byte; Google's parser ignores the rest of the line")
	}
	if i := strings.IndexByte(g, '#'); i >= 0 {
		g = g[:i]
	}
	gKey, gVal, gOK := googleSplit(g)
	gKind := Invalid
	if gOK {
		gKind = googleKind(gKey)
	}

	if r == "" && !gOK {
		return // blank or comment
	}
	if !rOK && !gOK {
		f.warn(n, "no key and value; line ignored")
		return
	}
	if rKind == Allow || rKind == Disallow {
		for i := 0; i < len(rVal); i++ {
			if c := rVal[i]; c <= ' ' || c == 0x7F {
				f.warn(n, fmt.Sprintf("%s pattern %q contains white space or a control character; RFC 9309 skips the line", rKind, rVal))
				rKind = Invalid
				break
			}
		}
	}
	if !rOK {
		f.warn(n, fmt.Sprintf("no colon; RFC 9309 skips the line, Google's parser reads it as %s", gKind))
	} else if rKind != gKind && gKind != Invalid && gKind != Sitemap && rKind != Invalid {
		f.warn(n, fmt.Sprintf("key %q is %s under RFC 9309 but %s for Google's parser", rKey, rKind, gKind))
	}

	rec := Record{Line: n, Kind: rKind, Google: gKind}
	if rOK {
		rec.Key, rec.Value = rKey, rVal
	} else {
		rec.Key, rec.Value = gKey, gVal
	}

	// RFC grouping.
	switch rKind {
	case UserAgent:
		if !isProductToken(rVal) {
			f.warn(n, fmt.Sprintf("user-agent %q is not an RFC 9309 product token", rVal))
		}
		rb.userAgent(n, rVal)
	case Allow, Disallow:
		if !rb.rule(n, rKind, rVal) {
			f.warn(n, "rule before the first user-agent line; ignored")
		}
	}
	rec.Group = rb.cur
	if rb.cur >= 0 && rKind != UserAgent && rKind != Allow && rKind != Disallow {
		if rOK && strings.EqualFold(rKey, "crawl-delay") {
			f.delays = append(f.delays, delay{rb.cur, n, rVal})
		}
	}

	// Google's grouping.
	switch gKind {
	case UserAgent:
		gb.userAgent(n, gVal)
	case Allow, Disallow:
		gb.rule(n, gKind, gVal)
	case Sitemap:
		f.Sitemaps = append(f.Sitemaps, gVal)
	}
	f.Records = append(f.Records, rec)
}

func (f *File) crawlDelay(g *Group, n int, v string) {
	d, err := strconv.ParseFloat(v, 64)
	if err != nil || d < 0 || math.IsNaN(d) || math.IsInf(d, 0) || v == "" || !isDecimal(v) {
		f.warn(n, fmt.Sprintf("crawl-delay %q is not a non-negative decimal number", v))
		return
	}
	if g.CrawlDelayLine != 0 {
		f.warn(n, "second crawl-delay in the group; the first one is used")
		return
	}
	g.CrawlDelayLine = n
	if d*float64(time.Second) >= math.MaxInt64 {
		g.CrawlDelay = math.MaxInt64
	} else {
		g.CrawlDelay = time.Duration(d * float64(time.Second))
	}
}

func isDecimal(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return s != "."
}

// trimWS removes SP and HT from both ends of s (RFC 9309 WS).
func trimWS(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

func isGoogleSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n'
}

// trimGoogle removes ASCII white space (SP, HT, VT, FF, CR, LF) from both
// ends of s, as Google's parser does.
func trimGoogle(s string) string {
	i, j := 0, len(s)
	for i < j && isGoogleSpace(s[i]) {
		i++
	}
	for j > i && isGoogleSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// googleSplit splits a line without its comment into key and value the way
// Google's parser does.
func googleSplit(line string) (key, value string, ok bool) {
	line = trimGoogle(line)
	sep := strings.IndexByte(line, ':')
	if sep < 0 {
		// Google accepts white space instead of the colon when the line
		// holds exactly two words.
		sep = strings.IndexAny(line, " \t")
		if sep < 0 {
			return "", "", false
		}
		v := strings.TrimLeft(line[sep:], " \t")
		if strings.ContainsAny(v, " \t") {
			return "", "", false
		}
	}
	key = trimGoogle(line[:sep])
	if key == "" {
		return "", "", false
	}
	return key, trimGoogle(line[sep+1:]), true
}

func rfcKind(key string) Kind {
	switch {
	case strings.EqualFold(key, "user-agent"):
		return UserAgent
	case strings.EqualFold(key, "allow"):
		return Allow
	case strings.EqualFold(key, "disallow"):
		return Disallow
	case strings.EqualFold(key, "sitemap"):
		return Sitemap
	}
	return Other
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}

func googleKind(key string) Kind {
	switch {
	case hasPrefixFold(key, "user-agent"), hasPrefixFold(key, "useragent"), hasPrefixFold(key, "user agent"):
		return UserAgent
	case hasPrefixFold(key, "allow"):
		return Allow
	case hasPrefixFold(key, "disallow"), hasPrefixFold(key, "dissallow"), hasPrefixFold(key, "dissalow"),
		hasPrefixFold(key, "disalow"), hasPrefixFold(key, "diasllow"), hasPrefixFold(key, "disallaw"):
		return Disallow
	case hasPrefixFold(key, "sitemap"), hasPrefixFold(key, "site-map"):
		return Sitemap
	}
	return Other
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_'
}

// isProductToken reports whether s is an RFC 9309 product token: "*" or
// one or more of [A-Za-z_-].
func isProductToken(s string) bool {
	if s == "*" {
		return true
	}
	return s != "" && googleToken(s) == s
}

// googleToken returns the leading run of [A-Za-z_-] of a user-agent value,
// the part Google's parser compares.
func googleToken(s string) string {
	i := 0
	for i < len(s) && isTokenByte(s[i]) {
		i++
	}
	return s[:i]
}

// isGoogleGlobal reports whether Google's parser reads a user-agent value
// as the global agent: "*" alone or followed by white space.
func isGoogleGlobal(s string) bool {
	return len(s) >= 1 && s[0] == '*' && (len(s) == 1 || isGoogleSpace(s[1]))
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
