package robots

import (
	"bytes"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	src string // the file

	// The rule sets are built lazily: the agent table on the first
	// decision (or GroupsFor, CrawlDelay, Compile), and each agent's rule
	// sets on its first decision. idx is published once; each agent's
	// rules are published in idx.comp. Decisions for an agent whose rules
	// are published take no lock. mu guards build and the building of
	// both.
	mu    sync.Mutex
	idx   atomic.Pointer[index]
	build *parser // the state that lazy building continues from
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

// A parser holds the state of one parse: the file being built and the
// groups of both readings.
type parser struct {
	f      *File
	rb, gb builder
	rules  []crule // the compiled rules of both readings
	rfcOf  []int32 // the RFC reading's compiled rule of each record, or -1
	list   []int32 // arena of the compiled rules of groups
	// gvals holds Google's value of the records whose value differs under
	// Google's reading (NUL bytes, VT or FF, over-long lines); it is nil
	// for almost every file.
	gvals  map[int32]string
	delays []delay
	// delayBuf holds the first delays, so that a file with few crawl
	// delays does not allocate for them.
	delayBuf [4]delay

	norm    []byte   // normalised patterns, which become File.norm
	scratch []int32  // the rules of a rule set being made
	ints    []int    // arena of ruleset.groupLines and groupIdx
	idx     []int32  // arena of ruleset.idx and off
	cnt     []int32  // counters of the counting sorts
	needs   []uint64 // arena of ruleset.fneed

	msgs     []byte // arena of warning messages: earlier bytes never change
	nextHash int    // offset of the next '#' in the file at or after the current line, or len(src)

	// While parsing, the RFC reading's groups are only counted: cur is the
	// current group (-1 before the first user-agent line), hasRule reports
	// that it has a rule, and nAgents and nRules count the records in
	// groups. finish makes File.Groups from the records' Group fields, and
	// buildIndex makes rb from the records.
	cur             int
	hasRule         bool
	nAgents, nRules int
}

func parse(src string, truncated bool) *File {
	if len(src) > MaxSize {
		src = src[:MaxSize]
	}
	// The File and the parser that its lazy building continues from are
	// allocated together.
	fp := &struct {
		f File
		p parser
	}{f: File{src: src, Size: len(src), Truncated: truncated}}
	f := &fp.f
	if truncated {
		f.warn(0, "file longer than "+strconv.Itoa(MaxSize)+" bytes; the rest is ignored")
	}
	f.Records = make([]Record, 0, strings.Count(src, "\n")+1)
	p := &fp.p
	p.f, p.rb, p.gb, p.cur = f, newBuilder(false), newBuilder(true), -1
	p.delays = p.delayBuf[:0]

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
	// scan takes files that do not start with (part of) a byte-order
	// mark and have no DEL byte, which it would have to look for in every
	// rule; it finds NUL, VT and FF bytes line by line.
	if len(src) > 0 && src[0] == bom[0] || strings.IndexByte(src, 0x7F) >= 0 {
		// Lines read the same under both readings, up to the choice of
		// key and value, unless the file has a NUL, VT or FF byte, the
		// line is too long for Google's parser or it starts with a partial
		// byte-order mark.
		odd := strings.IndexByte(src, 0) >= 0 || strings.IndexByte(src, '\v') >= 0 ||
			strings.IndexByte(src, '\f') >= 0
		p.scanOdd(rStart, gStart, odd)
	} else {
		p.scan()
	}
	if gStart > 0 && gStart < 3 {
		f.warn(1, "partial UTF-8 byte-order mark at the start; Google's parser skips it, RFC 9309 does not")
	}
	p.finish()
	for _, cd := range p.delays {
		f.crawlDelay(&f.Groups[cd.group], cd.line, cd.value)
	}
	f.build = p
	return f
}

// scanOdd is the line loop for files that scan cannot take: those with a
// NUL, VT or FF byte or starting with (part of) a byte-order mark.
func (p *parser) scanOdd(rStart, gStart int, odd bool) {
	src := p.f.src
	nextCR, nextLF := -1, -1
	p.nextHash = -1
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
		if odd || rs != gs || end-gs > maxGoogleLine {
			p.line(lineNo, src[rs:end], src[gs:end])
		} else {
			if p.nextHash < rs {
				if i := strings.IndexByte(src[rs:], '#'); i >= 0 {
					p.nextHash = rs + i
				} else {
					p.nextHash = len(src)
				}
			}
			p.quickLine(lineNo, src[rs:end], rs)
		}
		if end >= len(src) {
			break
		}
		pos = end + 1
		if src[end] == '\r' && pos < len(src) && src[pos] == '\n' {
			pos++
		}
	}
}

// Keys that scan recognises from the first 8 bytes of a line, as
// little-endian words: lower-cased, and in the canonical spelling.
const (
	kDisallow  = 'd' | 'i'<<8 | 's'<<16 | 'a'<<24 | 'l'<<32 | 'l'<<40 | 'o'<<48 | 'w'<<56
	kDisallowC = 'D' | 'i'<<8 | 's'<<16 | 'a'<<24 | 'l'<<32 | 'l'<<40 | 'o'<<48 | 'w'<<56
	kAllow     = 'a' | 'l'<<8 | 'l'<<16 | 'o'<<24 | 'w'<<32 | ':'<<40 // with the colon
	kAllowC    = 'A' | 'l'<<8 | 'l'<<16 | 'o'<<24 | 'w'<<32 | ':'<<40
	kUserAge   = 'u' | 's'<<8 | 'e'<<16 | 'r'<<24 | '-'<<32 | 'a'<<40 | 'g'<<48 | 'e'<<56
	kUserAgeC  = 'U' | 's'<<8 | 'e'<<16 | 'r'<<24 | '-'<<32 | 'a'<<40 | 'g'<<48 | 'e'<<56
	kSitemap   = 's' | 'i'<<8 | 't'<<16 | 'e'<<24 | 'm'<<32 | 'a'<<40 | 'p'<<48 | ':'<<56 // with the colon
	kSitemapC  = 'S' | 'i'<<8 | 't'<<16 | 'e'<<24 | 'm'<<32 | 'a'<<40 | 'p'<<48 | ':'<<56

	// c|0x20 equals a lower-case letter exactly when c is that letter in
	// either case. The masks leave out the bytes that are not letters
	// (':'|0x20 is also 0x1A|0x20, and '-'|0x20 is also CR|0x20).
	lowerAll   = 0x2020_2020_2020_2020
	lowerAllow = 0x0000_0020_2020_2020 // compared in 6 bytes
	lowerUser  = 0x2020_2000_2020_2020
	lowerSite  = 0x0020_2020_2020_2020
	sixBytes   = 0xFFFF_FFFF_FFFF
)

// scan is the line loop for files without a DEL byte that do not start
// with a byte-order mark. ruleLines and agentLine take the common lines;
// scan finds the next '#' for them, skips blank lines (ended by LF, CR or
// CRLF) and leaves every other line to slowLine.
func (p *parser) scan() {
	src := p.f.src
	lineNo := 0
	// hash is the offset of the first '#' at or after pos, or len(src).
	hash := -1
	for pos := 0; pos < len(src); {
		if hash < pos {
			if i := strings.IndexByte(src[pos:], '#'); i >= 0 {
				hash = pos + i
			} else {
				hash = len(src)
			}
		}
		switch src[pos] {
		case '\n':
			pos++ // blank line
			lineNo++
			continue
		case '\r':
			pos++ // blank line
			if pos < len(src) && src[pos] == '\n' {
				pos++
			}
			lineNo++
			continue
		case 'D', 'd', 'A', 'a':
			if next, n := p.ruleLines(pos, lineNo, hash); next != pos {
				pos, lineNo = next, n
				continue
			}
		case 'U', 'u':
			if next := p.agentLine(pos, lineNo+1, hash); next >= 0 {
				pos = next
				lineNo++
				continue
			}
		}
		lineNo++
		pos = p.slowLine(lineNo, pos, hash)
	}
}

// ruleLines reads lines from offset pos of the file, the first numbered
// lineNo+1, while they are blank or are a Disallow or Allow record in a
// group whose value quickValue would read. It returns the offset of the
// first line it does not read and the number of the last line it read. It
// stops at hash, the offset of the first '#' at or after pos, and 12 bytes
// before the end of the file, and when Records is full.
//
// It reads the key and the value straight from the file a word at a time
// and writes the record in place. It makes no calls, so that the compiler
// can keep its variables in registers.
//
// A key written in its canonical spelling ("Disallow") is stored as a
// constant string rather than as a view into the file, which is the same
// string: the garbage collector's write barrier has less to do for a
// pointer that is not into the heap.
func (p *parser) ruleLines(pos, lineNo, hash int) (int, int) {
	group := p.cur
	if group < 0 {
		return pos, lineNo
	}
	f := p.f
	src := f.src
	n := len(src)
	recs := f.Records[:cap(f.Records)]
	ri0, ri := len(f.Records), len(f.Records)
	last := min(hash, n-12) // the last offset at which a line is read
	for pos <= last && ri < len(recs) {
		// The record is written as soon as its key is known, and counted
		// (ri) only if its value turns out to be one ruleLines reads.
		r := &recs[ri]
		w := word(src, pos)
		var v int // the value
		if w|lowerAll == kDisallow && src[pos+8] == ':' {
			key := src[pos : pos+8]
			if w == kDisallowC {
				key = "Disallow"
			}
			r.Key = key
			r.Kind, r.Google = Disallow, Disallow
			v = pos + 9
		} else if (w|lowerAllow)&sixBytes == kAllow {
			key := src[pos : pos+5]
			if w&sixBytes == kAllowC {
				key = "Allow"
			}
			r.Key = key
			r.Kind, r.Google = Allow, Allow
			v = pos + 6
		} else if byte(w) == '\n' {
			pos++ // blank line
			lineNo++
			continue
		} else {
			break
		}
		// The value, as quickValue reads it (without its calls).
		if src[v] == ' ' {
			v++
		}
		e := valueEnd(src, v)
		if e > hash || e-pos > maxGoogleLine {
			break
		}
		next := e + 1
		if e < n && src[e] != '\n' {
			if src[e] != '\r' {
				break
			}
			if next < n && src[next] == '\n' {
				next++
			}
		}
		lineNo++
		ri++
		r.Line = lineNo
		r.Value = src[v:e]
		r.Group = group
		pos = next
	}
	f.Records = f.Records[:ri]
	if ri > ri0 {
		p.hasRule = true
		p.nRules += ri - ri0
	}
	return pos, lineNo
}

// agentLine reads line n at offset pos of the file if it is a User-agent
// record with a product token, written as ruleLines reads records, and
// returns the offset of the next line, or -1 if it does not read it.
func (p *parser) agentLine(pos, n, hash int) int {
	f := p.f
	src := f.src
	if pos+12 > len(src) || len(f.Records) == cap(f.Records) {
		return -1
	}
	w := word(src, pos)
	if w|lowerUser != kUserAge || src[pos+8]|0x20 != 'n' || src[pos+9]|0x20 != 't' || src[pos+10] != ':' {
		return -1
	}
	v := pos + 11
	if src[v] == ' ' {
		v++
	}
	e := valueEnd(src, v)
	if e > hash || e-pos > maxGoogleLine {
		return -1
	}
	next := e + 1
	if e < len(src) && src[e] != '\n' {
		if src[e] != '\r' {
			return -1
		}
		if next < len(src) && src[next] == '\n' {
			next++
		}
	}
	// A product token: "*" or one or more of [A-Za-z_-].
	val := src[v:e]
	if val == "" {
		return -1
	}
	if val != "*" {
		for i := 0; i < len(val); i++ {
			if !tokenByte[val[i]] {
				return -1
			}
		}
	}
	key := src[pos : pos+10]
	if w == kUserAgeC && src[pos+8] == 'n' && src[pos+9] == 't' {
		key = "User-agent"
	}
	p.noteAgent()
	ri := len(f.Records)
	f.Records = f.Records[:ri+1]
	r := &f.Records[ri]
	r.Line, r.Key, r.Value, r.Kind, r.Google, r.Group = n, key, val, UserAgent, UserAgent, p.cur
	return next
}

// tokenByte reports the bytes of product tokens: [A-Za-z_-].
var tokenByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isTokenByte(byte(c))
	}
	return t
}()

// quickValue reads the value of the record on the line at offset pos of
// src whose key ends with the colon at offset j, when it is one optional
// space, then a value free of white space, control bytes and '#' (the
// first '#' at or after pos is at offset hash), then a line end (LF, CR
// or CRLF) or the end of the file, on a line short enough for Google's
// parser. It returns the offsets of the value, of its end and of the next
// line, or next < 0 if the value is not like that.
func quickValue(src string, pos, j, hash int) (v, e, next int) {
	v = j + 1
	if v < len(src) && src[v] == ' ' {
		v++
	}
	e = valueEnd(src, v)
	next = e + 1
	if e < len(src) && src[e] != '\n' {
		if src[e] != '\r' {
			return v, e, -1
		}
		if next < len(src) && src[next] == '\n' {
			next++
		}
	}
	if e > hash || e-pos > maxGoogleLine {
		return v, e, -1
	}
	return v, e, next
}

// slowLine parses line n at offset pos of the file, which ruleLines and
// agentLine did not read, and returns the offset of the next line. It
// takes comment lines, and Sitemap records and User-agent records that
// need a warning whose value quickValue reads; it leaves any other line
// to otherLine.
func (p *parser) slowLine(n, pos, hash int) int {
	f := p.f
	src := f.src
	switch c := src[pos]; {
	case c == '#':
		if e := commentEnd(src, pos); e >= 0 && e-pos <= maxGoogleLine {
			if e < len(src) && src[e] == '\r' && e+1 < len(src) && src[e+1] == '\n' {
				e++
			}
			return min(e+1, len(src))
		}
	case pos+12 <= len(src) && len(f.Records) < cap(f.Records):
		w := word(src, pos)
		var key string
		var kind Kind
		var j int
		switch {
		case w|lowerSite == kSitemap:
			j, kind, key = pos+7, Sitemap, src[pos:pos+7]
			if w == kSitemapC {
				key = "Sitemap"
			}
		case w|lowerUser == kUserAge && src[pos+8]|0x20 == 'n' && src[pos+9]|0x20 == 't' && src[pos+10] == ':':
			j, kind, key = pos+10, UserAgent, src[pos:pos+10]
			if w == kUserAgeC && src[pos+8] == 'n' && src[pos+9] == 't' {
				key = "User-agent"
			}
		default:
			goto other
		}
		v, e, next := quickValue(src, pos, j, hash)
		if next < 0 {
			goto other
		}
		val := src[v:e]
		if kind == Sitemap {
			if f.Sitemaps == nil {
				f.Sitemaps = make([]string, 0, 16)
			}
			f.Sitemaps = append(f.Sitemaps, val)
		} else {
			if !isProductToken(val) && f.canWarn() {
				f.warn(n, p.agentWarning(val))
			}
			p.noteAgent()
		}
		f.Records = append(f.Records, Record{Line: n, Key: key, Value: val, Kind: kind, Google: kind, Group: p.cur})
		return next
	}
other:
	p.nextHash = hash
	return p.otherLine(n, pos)
}

// commentEnd returns the offset of the LF or CR (or the end of the file)
// that ends the comment line at offset i of src, or -1 if a NUL byte comes
// first.
func commentEnd(src string, i int) int {
	for i+8 <= len(src) {
		// Bytes below 0x0E are candidates; the lowest high bit set marks
		// the first one exactly.
		w := word(src, i)
		t := (w - 0x0E*ones) &^ w & highs
		if t == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(t) / 8
		switch src[i] {
		case '\n', '\r':
			return i
		case 0:
			return -1
		}
		i++
	}
	for ; i < len(src); i++ {
		switch src[i] {
		case '\n', '\r':
			return i
		case 0:
			return -1
		}
	}
	return len(src)
}

// noteAgent notes a user-agent record of the RFC reading while parsing:
// it starts a group at the first one and at the first after a rule.
func (p *parser) noteAgent() {
	if p.cur < 0 || p.hasRule {
		p.cur++
		p.hasRule = false
	}
	p.nAgents++
}

// noteRule notes an allow or disallow record of the RFC reading while
// parsing; it reports false if there is no group yet.
func (p *parser) noteRule() bool {
	if p.cur < 0 {
		return false
	}
	p.hasRule = true
	p.nRules++
	return true
}

// finish makes File.Groups from the records: a group's agents are the
// user-agent records with its index in Group and its rules the allow and
// disallow records, and the agents all come before the rules. (The
// builder of the RFC reading is made from the records when it is needed,
// by buildIndex.)
func (p *parser) finish() {
	ng := p.cur + 1
	if ng == 0 {
		return
	}
	recs := p.f.Records
	agents := make([]string, p.nAgents)
	rules := make([]Rule, p.nRules)
	gs := make([]Group, ng)
	// The records of a group are those from its first user-agent line
	// to the next group's, all with its index in Group; those before the
	// first group have -1.
	i := 0
	for i < len(recs) && recs[i].Group < 0 {
		i++
	}
	a, k := 0, 0
	for g := range gs {
		gs[g].Line = recs[i].Line
		alo, lo := a, k
		for ; i < len(recs) && recs[i].Group == g; i++ {
			switch r := &recs[i]; r.Kind {
			case UserAgent:
				agents[a] = r.Value
				a++
			case Allow, Disallow:
				rules[k] = Rule{Line: r.Line, Kind: r.Kind, Pattern: r.Value}
				k++
			}
		}
		gs[g].Agents, gs[g].Rules = agents[alo:a:a], rules[lo:k:k]
	}
	p.f.Groups = gs
}

// valueEnd returns the offset of the first byte <= ' ' at or after i in
// src, or len(src).
func valueEnd(src string, i int) int {
	// The lowest high bit set marks the first such byte exactly (borrows
	// only run upwards from a matching byte).
	for ; i+8 <= len(src); i += 8 {
		w := word(src, i)
		if t := (w - 0x21*ones) &^ w & highs; t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
	}
	for i < len(src) && src[i] > ' ' {
		i++
	}
	return i
}

// otherLine parses line n at offset pos of the file for scan and returns
// the offset of the next line. Lines with a NUL, VT or FF byte and lines
// too long for Google's parser go to line, others to quickLine.
func (p *parser) otherLine(n, pos int) int {
	src := p.f.src
	end := len(src)
	if i := strings.IndexByte(src[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	if i := strings.IndexByte(src[pos:end], '\r'); i >= 0 {
		end = pos + i
	}
	if s := src[pos:end]; len(s) > maxGoogleLine || hasNulVTFF(s) {
		p.line(n, s, s)
	} else {
		p.quickLine(n, s, pos)
	}
	pos = end + 1
	if end < len(src) && src[end] == '\r' && pos < len(src) && src[pos] == '\n' {
		pos++
	}
	return pos
}

// hasNulVTFF reports whether s has a NUL, VT or FF byte.
func hasNulVTFF(s string) bool {
	// Bytes below CR are candidates: a high bit of t marks the first one
	// exactly, and maybe later bytes.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := word(s, i)
		if (w-0x0D*ones)&^w&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0 || c == '\v' || c == '\f' {
			return true
		}
	}
	return false
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// canWarn reports whether f.warn would still record a warning.
func (f *File) canWarn() bool { return len(f.Warnings) <= maxWarnings }

func (f *File) warn(line int, msg string) {
	switch {
	case len(f.Warnings) < maxWarnings:
		if f.Warnings == nil {
			f.Warnings = make([]Warning, 0, 8)
		}
		f.Warnings = append(f.Warnings, Warning{Line: line, Msg: msg})
	case len(f.Warnings) == maxWarnings:
		f.Warnings = append(f.Warnings, Warning{Line: line, Msg: "too many warnings; the rest are omitted"})
	}
}

// quickLine parses a line that reads the same under both readings (see
// fastLine), at offset base of the file, when it is blank, a comment or a
// record with a colon that needs no warning and that both readings give
// the same meaning, and otherwise leaves it to fastLine. It does not
// build Google's groups, which are made lazily from the records.
func (p *parser) quickLine(n int, s string, base int) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i == len(s) || s[i] == '#' {
		return // blank or comment
	}
	j := p.keyEnd(s, base, i)
	if j == len(s) || s[j] == '#' {
		p.fastLine(n, s) // no colon
		return
	}
	k := j
	for k > i && (s[k-1] == ' ' || s[k-1] == '\t') {
		k--
	}
	if k == i {
		p.fastLine(n, s) // no key
		return
	}
	key := s[i:k]
	end := len(s)
	if h := p.nextHash - base; h < end {
		end = h // the '#' is after the colon: the key has none
	}
	p.quickRecord(n, key, trimWS(s[j+1:end]), s, false)
}

// quickRecord adds the record of line s, numbered n, with the given key
// and value (trimmed; the key non-empty and free of white space at both
// ends) when it needs no warning but a non-token user-agent and both
// readings give it the same meaning, and otherwise leaves it to fastLine.
// clean reports that val is known to have no space or control byte.
func (p *parser) quickRecord(n int, key, val, s string, clean bool) {
	f := p.f
	var kind Kind
	switch len(key) {
	case len("user-agent"):
		if lowerWord(load8(key)) == wUserAgen && key[8]|0x20 == 'n' && key[9]|0x20 == 't' {
			kind = UserAgent
		}
	case len("allow"):
		if lowerWord(load8Short(key)) == wAllow {
			kind = Allow
		}
	case len("disallow"):
		if lowerWord(load8(key)) == wDisallow {
			kind = Disallow
		}
	case len("sitemap"):
		if lowerWord(load8Short(key)) == wSitemap {
			kind = Sitemap
		}
	}
	ri := int32(len(f.Records))
	switch kind {
	case UserAgent:
		if !isProductToken(val) && f.canWarn() {
			f.warn(n, p.agentWarning(val))
		}
		p.noteAgent()
	case Allow, Disallow:
		if p.cur < 0 || !clean && hasSpaceOrControl(val) {
			p.fastLine(n, s)
			return
		}
		p.noteRule()
	case Sitemap:
		if f.Sitemaps == nil {
			f.Sitemaps = make([]string, 0, 16)
		}
		f.Sitemaps = append(f.Sitemaps, val)
	default:
		if rfcKind(key) != Other || googleKind(key) != Other {
			p.fastLine(n, s)
			return
		}
		kind = Other
		if p.cur >= 0 && len(key) == len("crawl-delay") && equalFoldASCII(key, "crawl-delay") {
			p.delays = append(p.delays, delay{p.cur, n, val})
		}
	}
	if int(ri) < cap(f.Records) {
		f.Records = f.Records[:ri+1]
	} else {
		f.Records = append(f.Records, Record{})
	}
	r := &f.Records[ri]
	r.Line, r.Key, r.Value, r.Kind, r.Google, r.Group = n, key, val, kind, kind, p.cur
}

// agentWarning returns the warning about a user-agent value that is not
// a product token, as record makes it, built in an arena of messages so
// that it does not allocate for every warning.
func (p *parser) agentWarning(v string) string {
	const pre, post = "user-agent ", " is not an RFC 9309 product token"
	// A quoted value has at most 4 bytes for each byte of v, and 2 more.
	if n := len(pre) + 4*len(v) + 2 + len(post); len(p.msgs)+n > cap(p.msgs) {
		p.msgs = make([]byte, 0, max(1024, 2*n))
	}
	start := len(p.msgs)
	p.msgs = append(p.msgs, pre...)
	p.msgs = appendQuote(p.msgs, v)
	p.msgs = append(p.msgs, post...)
	return bytesString(p.msgs[start:])
}

// keyEnd returns the offset in s, the line at offset base of the file, of
// the first ':' or '#' at or after i, or len(s). It reads the file a word
// at a time, past the end of the line but not of the file.
func (p *parser) keyEnd(s string, base, i int) int {
	src := p.f.src
	for i < len(s) {
		if base+i+8 > len(src) {
			for i < len(s) && s[i] != ':' && s[i] != '#' {
				i++
			}
			return i
		}
		w := word(src, base+i)
		x, y := w^(':'*ones), w^('#'*ones)
		// The lowest high bit set marks the first ':' or '#' exactly.
		if t := ((x-ones)&^x | (y-ones)&^y) & highs; t != 0 {
			return min(i+bits.TrailingZeros64(t)/8, len(s))
		}
		i += 8
	}
	return len(s)
}

// fastLine parses a line that reads the same under both readings: it has
// no NUL, VT or FF byte, no partial byte-order mark and is short enough
// for Google's parser. Both readings then trim the same white space and
// split at the same colon.
func (p *parser) fastLine(n int, s string) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	s = trimWS(s)
	if s == "" {
		return // blank or comment
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		key, val := trimWS(s[:i]), trimWS(s[i+1:])
		if key == "" {
			p.f.warn(n, "no key and value; line ignored")
			return
		}
		p.record(n, true, key, val, true, rfcKind(key), key, val, true, googleKind(key), true)
		return
	}
	gKey, gVal, gOK := googleSplit(s)
	gKind := Invalid
	if gOK {
		gKind = googleKind(gKey)
	}
	p.record(n, true, "", "", false, Invalid, gKey, gVal, gOK, gKind, false)
}

// line parses one line: r is the line as the RFC reading sees it, g as
// Google's parser sees it (they differ only in a byte-order mark).
func (p *parser) line(n int, r, g string) {
	f := p.f
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
		f.warn(n, "line longer than "+strconv.Itoa(maxGoogleLine)+" bytes; Google's parser ignores the rest of it")
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
	p.record(n, r != "", rKey, rVal, rOK, rKind, gKey, gVal, gOK, gKind, false)
}

// record takes the two readings of line n, warns about it and adds it to
// the records and to the groups of both readings. nonBlank reports that
// the RFC reading of the line is not blank, same that both readings have
// the same key and value.
func (p *parser) record(n int, nonBlank bool, rKey, rVal string, rOK bool, rKind Kind, gKey, gVal string, gOK bool, gKind Kind, same bool) {
	f := p.f
	if !nonBlank && !gOK {
		return // blank or comment
	}
	if !rOK && !gOK {
		f.warn(n, "no key and value; line ignored")
		return
	}
	if (rKind == Allow || rKind == Disallow) && hasSpaceOrControl(rVal) {
		if f.canWarn() {
			f.warn(n, rKind.String()+" pattern "+quote(rVal)+" contains white space or a control character; RFC 9309 skips the line")
		}
		rKind = Invalid
	}
	if !rOK {
		if f.canWarn() {
			f.warn(n, "no colon; RFC 9309 skips the line, Google's parser reads it as "+gKind.String())
		}
	} else if rKind != gKind && gKind != Invalid && gKind != Sitemap && rKind != Invalid {
		if f.canWarn() {
			f.warn(n, "key "+quote(rKey)+" is "+rKind.String()+" under RFC 9309 but "+gKind.String()+" for Google's parser")
		}
	}

	ri := int32(len(f.Records))
	rec := Record{Line: n, Kind: rKind, Google: gKind}
	if rOK {
		rec.Key, rec.Value = rKey, rVal
		if !same && (gKind == UserAgent || gKind == Allow || gKind == Disallow) && gVal != rVal {
			if p.gvals == nil {
				p.gvals = make(map[int32]string)
			}
			p.gvals[ri] = gVal
		}
	} else {
		rec.Key, rec.Value = gKey, gVal
	}

	// RFC grouping.
	switch rKind {
	case UserAgent:
		if !isProductToken(rVal) && f.canWarn() {
			f.warn(n, "user-agent "+quote(rVal)+" is not an RFC 9309 product token")
		}
		p.noteAgent()
	case Allow, Disallow:
		if !p.noteRule() {
			f.warn(n, "rule before the first user-agent line; ignored")
		}
	default:
		if p.cur >= 0 && rOK && len(rKey) == len("crawl-delay") && equalFoldASCII(rKey, "crawl-delay") {
			p.delays = append(p.delays, delay{p.cur, n, rVal})
		}
	}
	rec.Group = p.cur

	// Google's grouping is made lazily from the records (see
	// buildIndex).
	switch gKind {
	case Sitemap:
		if f.Sitemaps == nil {
			f.Sitemaps = make([]string, 0, 16)
		}
		f.Sitemaps = append(f.Sitemaps, gVal)
	}
	f.Records = append(f.Records, rec)
}

// quote is strconv.Quote, faster for printable ASCII without quotes and
// backslashes, which it only has to enclose in quotes.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

// appendQuote is strconv.AppendQuote, faster like quote.
func appendQuote(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(dst, s)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// hasSpaceOrControl reports whether s has a byte <= ' ' or DEL.
func hasSpaceOrControl(s string) bool {
	n := len(s)
	if n < 8 {
		for i := 0; i < n; i++ {
			if c := s[i]; c <= ' ' || c == 0x7F {
				return true
			}
		}
		return false
	}
	// (w - 0x21s) &^ w has a high bit set for every byte < 0x21 (and
	// maybe for bytes above one); a DEL byte is a zero byte of w ^ 0x7Fs.
	var acc uint64
	for i := 0; i < n-8; i += 8 {
		w := word(s, i)
		x := w ^ 0x7F*ones
		acc |= (w-0x21*ones)&^w | (x-ones)&^x
	}
	w := word(s, n-8)
	x := w ^ 0x7F*ones
	acc |= (w-0x21*ones)&^w | (x-ones)&^x
	return acc&highs != 0
}

// gval returns Google's value of record i.
func (p *parser) gval(i int32) string {
	if p.gvals != nil {
		if v, ok := p.gvals[i]; ok {
			return v
		}
	}
	return p.f.Records[i].Value
}

func (f *File) crawlDelay(g *Group, n int, v string) {
	d, err := strconv.ParseFloat(v, 64)
	if err != nil || d < 0 || math.IsNaN(d) || math.IsInf(d, 0) || v == "" || !isDecimal(v) {
		f.warn(n, "crawl-delay "+quote(v)+" is not a non-negative decimal number")
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

// Lower-cased keys as little-endian words, for rfcKind and googleKind.
var (
	wUserAgen = load8("user-age") // user-agent
	wUseragen = load8("useragen") // useragent
	wUser_age = load8("user age") // user agent
	wAllow    = load8Short("allow")
	wDisallow = load8("disallow")
	wDissallo = load8("dissallo") // dissallow
	wDissalow = load8("dissalow")
	wDisalow  = load8Short("disalow")
	wDiasllow = load8("diasllow")
	wDisallaw = load8("disallaw")
	wSitemap  = load8Short("sitemap")
	wSite_map = load8("site-map")
)

func rfcKind(key string) Kind {
	switch len(key) {
	case len("user-agent"):
		if lowerWord(load8(key)) == wUserAgen && key[8]|0x20 == 'n' && key[9]|0x20 == 't' {
			return UserAgent
		}
	case len("allow"):
		if lowerWord(load8Short(key)) == wAllow {
			return Allow
		}
	case len("disallow"):
		if lowerWord(load8(key)) == wDisallow {
			return Disallow
		}
	case len("sitemap"):
		if lowerWord(load8Short(key)) == wSitemap {
			return Sitemap
		}
	}
	for i := 0; i < len(key); i++ {
		if key[i] >= 0x80 {
			// strings.EqualFold also folds U+017F (long s) to s.
			return rfcKindUnicode(key)
		}
	}
	return Other
}

func rfcKindUnicode(key string) Kind {
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
	if len(key) < 5 {
		return Other
	}
	if len(key) < 8 {
		w := lowerWord(load8Short(key))
		switch {
		case w&0xFF_FFFF_FFFF == wAllow:
			return Allow
		case len(key) == 7 && (w == wDisalow || w == wSitemap):
			if w == wSitemap {
				return Sitemap
			}
			return Disallow
		}
		return Other
	}
	w := lowerWord(load8(key))
	switch {
	case w == wUserAgen:
		if len(key) >= 10 && key[8]|0x20 == 'n' && key[9]|0x20 == 't' {
			return UserAgent
		}
	case w == wUseragen:
		if len(key) >= 9 && key[8]|0x20 == 't' {
			return UserAgent
		}
	case w == wUser_age:
		if len(key) >= 10 && key[8]|0x20 == 'n' && key[9]|0x20 == 't' {
			return UserAgent
		}
	case w == wDisallow, w == wDiasllow, w == wDisallaw, w == wDissalow:
		return Disallow
	case w == wDissallo:
		if len(key) >= 9 && key[8]|0x20 == 'w' {
			return Disallow
		}
	case w == wSite_map:
		return Sitemap
	}
	switch {
	case w&0xFF_FFFF_FFFF == wAllow:
		return Allow
	case w&0xFF_FFFF_FFFF_FFFF == wDisalow:
		return Disallow
	case w&0xFF_FFFF_FFFF_FFFF == wSitemap:
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
