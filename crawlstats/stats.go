package crawlstats

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stats holds per-domain totals of a crawl manifest. The zero value is an
// empty Stats ready to use. Stats values merge: the Stats of shards of a
// manifest, merged in any order, equal the Stats of the whole manifest
// (examples of malformed lines included, since the same few are kept).
type Stats struct {
	// Lines counts the lines (or Parquet rows) read, malformed ones included.
	Lines int64 `json:"lines"`
	// Records and Bytes are the totals over valid records.
	Records int64 `json:"records"`
	Bytes   int64 `json:"bytes"`
	// Malformed counts the skipped lines by kind ("truncated_json",
	// "missing_length", "non_numeric_length", "bad_url",
	// "line_too_long", ...).
	Malformed map[string]int64 `json:"malformed,omitempty"`
	// Examples holds up to MaxExamples malformed lines per kind: those
	// first by input name, then offset, then text.
	Examples []Example `json:"examples,omitempty"`
	// Domains maps registered domains to their totals.
	Domains map[string]*Domain `json:"domains"`
}

// MaxExamples is the number of malformed lines kept per kind.
const MaxExamples = 3

// maxExampleLen is the number of bytes of a malformed line that is kept.
const maxExampleLen = 300

// Domain holds the totals of one registered domain.
type Domain struct {
	Records int64     `json:"records"`
	Bytes   int64     `json:"bytes"` // sum of the WARC record lengths
	First   time.Time `json:"first"` // earliest capture
	Last    time.Time `json:"last"`  // latest capture
}

// Example is a malformed line.
type Example struct {
	Kind  string `json:"kind"`
	Input string `json:"input"`
	// Offset locates the line: its byte offset in a plain file, the
	// offset of the gzip member holding its end in a gzip file, the row
	// number in a Parquet file.
	Offset int64  `json:"offset"`
	Line   string `json:"line"` // the line, cut at 300 bytes
}

func exampleLess(a, b *Example) int {
	return cmp.Or(cmp.Compare(a.Input, b.Input), cmp.Compare(a.Offset, b.Offset), cmp.Compare(a.Line, b.Line))
}

// AddDomain adds a valid record of the given byte length, captured at t,
// to the domain's totals.
func (s *Stats) AddDomain(domain string, length int64, t time.Time) {
	s.Lines++
	s.mergeDomain(domain, &Domain{Records: 1, Bytes: length, First: t, Last: t})
}

// AddHost is AddDomain for the registered domain of host.
func (s *Stats) AddHost(host string, length int64, t time.Time) {
	s.AddDomain(RegisteredDomain(host), length, t)
}

// AddMalformed counts a malformed line of the given kind and keeps it as
// an example if it is among the first.
func (s *Stats) AddMalformed(kind, input string, offset int64, line []byte) {
	s.Lines++
	s.addMalformed(kind, 1, input, offset, line)
}

func (s *Stats) addMalformed(kind string, n int64, input string, offset int64, line []byte) {
	if s.Malformed == nil {
		s.Malformed = map[string]int64{}
	}
	s.Malformed[kind] += n
	if len(line) > maxExampleLen {
		line = line[:maxExampleLen]
	}
	s.addExample(Example{Kind: kind, Input: input, Offset: offset, Line: string(line)})
}

func (s *Stats) addExample(e Example) {
	n, worst := 0, -1
	for i := range s.Examples {
		x := &s.Examples[i]
		if x.Kind != e.Kind {
			continue
		}
		if *x == e {
			return
		}
		n++
		if worst < 0 || exampleLess(x, &s.Examples[worst]) > 0 {
			worst = i
		}
	}
	switch {
	case n < MaxExamples:
		s.Examples = append(s.Examples, e)
	case exampleLess(&e, &s.Examples[worst]) < 0:
		s.Examples[worst] = e
	default:
		return
	}
	slices.SortFunc(s.Examples, func(a, b Example) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), exampleLess(&a, &b))
	})
}

func (s *Stats) mergeDomain(name string, d *Domain) {
	if s.Domains == nil {
		s.Domains = map[string]*Domain{}
	}
	s.Records += d.Records
	s.Bytes += d.Bytes
	t := s.Domains[name]
	if t == nil {
		c := *d
		s.Domains[name] = &c
		return
	}
	t.Records += d.Records
	t.Bytes += d.Bytes
	if t.First.IsZero() || !d.First.IsZero() && d.First.Before(t.First) {
		t.First = d.First
	}
	if d.Last.After(t.Last) {
		t.Last = d.Last
	}
}

// absorb is Merge for an o that is not used afterwards: its domains' totals
// are moved, not copied.
func (s *Stats) absorb(o *Stats) {
	for name, d := range o.Domains {
		if t := s.Domains[name]; t != nil {
			s.mergeDomain(name, d)
			continue
		}
		s.Records += d.Records
		s.Bytes += d.Bytes
		s.Domains[name] = d
	}
	o.Domains = nil
	s.mergeLines(o)
}

// Merge adds the totals of o to s.
func (s *Stats) Merge(o *Stats) {
	for name, d := range o.Domains {
		s.mergeDomain(name, d)
	}
	s.mergeLines(o)
}

// mergeLines adds o's line count, malformed lines and examples to s.
func (s *Stats) mergeLines(o *Stats) {
	s.Lines += o.Lines
	for k, n := range o.Malformed {
		if s.Malformed == nil {
			s.Malformed = map[string]int64{}
		}
		s.Malformed[k] += n
	}
	for _, e := range o.Examples {
		s.addExample(e)
	}
}

// MalformedLines returns the number of malformed lines of all kinds.
func (s *Stats) MalformedLines() int64 {
	var n int64
	for _, c := range s.Malformed {
		n += c
	}
	return n
}

// WriteJSON writes s as indented JSON, which ReadJSON reads back. Domains
// are written in name order, so equal Stats give equal bytes.
func (s *Stats) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", " ")
	return e.Encode(s)
}

// ReadJSON reads Stats written by WriteJSON.
func ReadJSON(r io.Reader) (*Stats, error) {
	var s Stats
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("crawlstats: read JSON: %w", err)
	}
	var recs, bytes int64
	for name, d := range s.Domains {
		if d == nil {
			return nil, fmt.Errorf("crawlstats: read JSON: domain %q has no totals", name)
		}
		recs += d.Records
		bytes += d.Bytes
	}
	if recs != s.Records || bytes != s.Bytes {
		return nil, fmt.Errorf("crawlstats: read JSON: domain totals (%d records, %d bytes) differ from the totals (%d, %d)", recs, bytes, s.Records, s.Bytes)
	}
	return &s, nil
}

// Row is one domain's line in a ranking.
type Row struct {
	Name string // the registered domain
	Domain
}

// Ranking returns the domains ordered by bytes, largest first, and domains
// with equal bytes by name: the order of the domain-name rule's list and
// of the benchmark's truth files.
func (s *Stats) Ranking() []Row {
	type key struct {
		bytes int64
		name  string
		d     *Domain
	}
	keys := make([]key, 0, len(s.Domains))
	for name, d := range s.Domains {
		keys = append(keys, key{d.Bytes, name, d})
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.bytes != b.bytes {
			return cmp.Compare(b.bytes, a.bytes)
		}
		return strings.Compare(a.name, b.name)
	})
	rows := make([]Row, len(keys))
	for i, k := range keys {
		rows[i] = Row{Name: k.name, Domain: *k.d}
	}
	return rows
}

// Top returns the first n rows of the ranking (all of them if there are
// fewer).
func (s *Stats) Top(n int) []Row {
	rows := s.Ranking()
	return rows[:min(max(n, 0), len(rows))]
}

// TopPercent returns how many of n domains make up the top percent of
// them: percent of n, rounded up, so that any non-empty list names at
// least one domain (10 % of 50,000 is 5,000; of 9 it is 1; of 11 it is 2).
func TopPercent(n, percent int) int {
	if n <= 0 || percent <= 0 {
		return 0
	}
	return min(n, (n*percent+99)/100)
}

// SMELimit is the most domains the SME rule asks for.
const SMELimit = 1000

// RuleCount returns how many of n crawled domains the training-content
// summary must list under the domain-name rule (regulation.md §5.5): the
// top 10 %, or for SMEs the top 5 % or 1,000 domains, whichever is lower.
// Percentages are rounded up, as in TopPercent: 50,000 domains give 5,000
// (SME: 1,000), 8,000 give 800 (SME: 400), 9 give 1 (SME: 1).
func RuleCount(n int, sme bool) int {
	if sme {
		return min(TopPercent(n, 5), SMELimit)
	}
	return TopPercent(n, 10)
}

// RuleList returns the domains the domain-name rule lists: the first
// RuleCount(len(s.Domains), sme) rows of the ranking. At the cut, domains
// with equal bytes are taken in name order.
func (s *Stats) RuleList(sme bool) []Row {
	return s.Top(RuleCount(len(s.Domains), sme))
}

// WriteCSV writes rows as CSV with the header domain,records,bytes, the
// format of the benchmark's truth files.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"domain", "records", "bytes"})
	var buf [2][]byte
	rec := make([]string, 3)
	for _, r := range rows {
		buf[0] = strconv.AppendInt(buf[0][:0], r.Records, 10)
		buf[1] = strconv.AppendInt(buf[1][:0], r.Bytes, 10)
		rec[0], rec[1], rec[2] = r.Name, string(buf[0]), string(buf[1])
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
