package crawl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gpai-project/gpai/optout"
)

// Outcomes, the values of Entry.Outcome.
const (
	// OutcomeFetched means that the content was allowed and stored.
	OutcomeFetched = "fetched"
	// OutcomeRedirected means that the URL was allowed and redirected; its
	// target is a URL of its own.
	OutcomeRedirected = "redirected"
	// OutcomeSitemap means that a sitemap was read for its URLs.
	OutcomeSitemap = "sitemap"
	// OutcomeSkipped means that nothing was stored; Reason says why.
	OutcomeSkipped = "skipped"
)

// Reasons for a skip, the values of Entry.Reason. The first four are the
// decisions of package optout.
const (
	ReasonReserved   = "reserved"     // a rights reservation applies
	ReasonBlocked    = "blocked"      // the domain is on a piracy list
	ReasonRestricted = "restricted"   // an access control protects the content
	ReasonUnknown    = "unknown"      // robots.txt could not be read: complete disallow
	ReasonOutOfScope = "out-of-scope" // another domain, too deep, or a media type not collected
	ReasonError      = "error"        // the URL is invalid, or the request failed
)

// Reasons lists every skip reason.
var Reasons = []string{ReasonReserved, ReasonBlocked, ReasonRestricted, ReasonUnknown, ReasonOutOfScope, ReasonError}

// Entry is one line of the evidence ledger: what happened to one URL, when,
// and why.
type Entry struct {
	URL  string    `json:"url"`
	Time time.Time `json:"time"`
	// Outcome is one of the Outcome constants; Reason, one of the Reason
	// constants, is set when the outcome is OutcomeSkipped.
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	// Detail explains the outcome in a sentence.
	Detail string `json:"detail"`
	// Decision is the rights-reservation decision, when one was made.
	Decision string `json:"decision,omitempty"`
	// Depth is the number of links followed from a seed or sitemap; Via
	// is the page or sitemap the URL was found on.
	Depth int    `json:"depth"`
	Via   string `json:"via,omitempty"`
	// Agents and Purpose are what was asked.
	Agents  []string `json:"agents"`
	Purpose string   `json:"purpose,omitempty"`
	// Requested reports that the URL itself was requested.
	Requested bool `json:"requested"`
	// Status is the HTTP status of the response; Location is a redirect's
	// target.
	Status      int    `json:"http_status,omitempty"`
	Location    string `json:"location,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Bytes is the length of the stored body; Truncated reports that the
	// body was longer than the limit.
	Bytes     int64 `json:"bytes,omitempty"`
	Truncated bool  `json:"truncated,omitempty"`
	// PayloadDigest is the WARC-Payload-Digest of the stored body (SHA-1,
	// base32) and SHA256 its hex SHA-256.
	PayloadDigest string `json:"payload_digest,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	// URLs is the number of URLs a sitemap listed.
	URLs int `json:"urls,omitempty"`
	// WARC locates the response record of stored content.
	WARC *Location `json:"warc,omitempty"`
	// Robots and TDMRep are the robots.txt and tdmrep.json in force.
	Robots *Document `json:"robots,omitempty"`
	TDMRep *Document `json:"tdmrep,omitempty"`
	// Evidence is what every source said, as package optout reports it.
	Evidence []optout.Evidence `json:"evidence,omitempty"`
}

// Location is where a record lies in the crawl's WARC files.
type Location struct {
	// File is the WARC file's name, relative to the crawl directory.
	File     string `json:"file"`
	Offset   int64  `json:"offset"`
	Length   int64  `json:"length"`
	RecordID string `json:"record_id"`
}

// Document identifies the robots.txt or tdmrep.json that a decision used.
type Document struct {
	URL    string `json:"url"`
	Status int    `json:"status,omitempty"`
	// SHA256 is the hex SHA-256 of the body read.
	SHA256    string    `json:"sha256,omitempty"`
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	// Access is what the robots.txt result means: "rules", "allow-all"
	// (4xx) or "disallow-all" (5xx, 429, unreachable).
	Access string `json:"access,omitempty"`
	Stale  bool   `json:"stale,omitempty"`
	Err    string `json:"error,omitempty"`
}

// LedgerReader reads a ledger, one Entry per line. It follows the
// contract of bufio.Scanner.
type LedgerReader struct {
	sc   *bufio.Scanner
	line int
	e    Entry
	err  error
}

// NewLedgerReader returns a reader of the ledger read from r.
func NewLedgerReader(r io.Reader) *LedgerReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	return &LedgerReader{sc: sc}
}

// maxLine bounds a ledger or journal line.
const maxLine = 16 << 20

// Next reads the next entry and reports whether there is one. A line that
// is not a JSON object with a URL and an outcome stops the reader with an
// error naming the line.
func (r *LedgerReader) Next() bool {
	if r.err != nil {
		return false
	}
	for r.sc.Scan() {
		r.line++
		b := r.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		r.e = Entry{}
		if err := json.Unmarshal(b, &r.e); err != nil {
			r.err = fmt.Errorf("crawl: ledger line %d: %w", r.line, err)
			return false
		}
		if r.e.URL == "" || r.e.Outcome == "" {
			r.err = fmt.Errorf("crawl: ledger line %d: no url or outcome", r.line)
			return false
		}
		return true
	}
	if err := r.sc.Err(); err != nil {
		r.err = fmt.Errorf("crawl: ledger line %d: %w", r.line+1, err)
	}
	return false
}

// Entry returns the current entry; it is valid until the next call to
// Next.
func (r *LedgerReader) Entry() *Entry { return &r.e }

// Err returns the first error met, or nil at the end of the ledger.
func (r *LedgerReader) Err() error { return r.err }
