package optout

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/htmlmeta"
	"github.com/gpai-project/gpai/robots"
	"github.com/gpai-project/gpai/tdmrep"
)

// Access is what a robots.txt fetch result means for crawling, by RFC 9309
// section 2.3.1.
type Access uint8

// Accesses.
const (
	// AccessUnknown means that robots.txt was not checked.
	AccessUnknown Access = iota
	// AccessRules means that robots.txt was read (2xx) and its rules apply.
	AccessRules
	// AccessAllowAll means that robots.txt is unavailable (4xx, or more
	// redirects than the limit): the crawler may access anything.
	AccessAllowAll
	// AccessDisallowAll means that robots.txt is unreachable (5xx, 429, a
	// network error or a timeout): the crawler must assume complete
	// disallow.
	AccessDisallowAll
)

// MaxRedirects is the number of consecutive redirects RFC 9309 (section
// 2.3.1.2) asks a crawler to follow for robots.txt.
const MaxRedirects = 5

// Robots is the result of fetching (or finding a capture of) a robots.txt
// file. Create it with a struct literal; it must not be copied after first
// use.
type Robots struct {
	// URL is the robots.txt URL of the origin.
	URL string
	// Status is the HTTP status of the final response, or 0 when there was
	// none (network error, timeout).
	Status int
	// Redirects is the number of redirects followed; more than
	// MaxRedirects means the chain was given up.
	Redirects int
	// Err says why there was no response, or why the redirect chain was
	// given up.
	Err string
	// File is the parsed file, for a 2xx response.
	File *robots.File
	// SHA256 is the hex SHA-256 of the body read, for a 2xx response.
	SHA256 string
	// FetchedAt is when the file was fetched or captured.
	FetchedAt time.Time
	// Stale reports that the copy is past its cache lifetime and is used
	// because robots.txt is now unreachable (RFC 9309 section 2.4).
	Stale bool

	once   sync.Once
	groups []groupPrefs // per group of File
}

// groupPrefs are the AI-preference rules of one robots.txt group.
type groupPrefs struct {
	usage  []*aipref.Usage
	signal []*aipref.Signal
}

// NewRobots returns the Robots for a 2xx response with body b.
func NewRobots(url string, status int, b []byte, fetchedAt time.Time) *Robots {
	return &Robots{URL: url, Status: status, File: robots.ParseBytes(b), SHA256: Hash(b), FetchedAt: fetchedAt}
}

// Hash returns the hex SHA-256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Access tells what the fetch result means for crawling.
func (r *Robots) Access() Access {
	switch {
	case r == nil:
		return AccessUnknown
	case r.Status >= 200 && r.Status < 300 && r.File != nil:
		return AccessRules
	case r.Status >= 300 && r.Status < 400:
		// A redirect chain longer than the limit: RFC 9309 lets the
		// crawler treat it as unavailable, and Google does.
		return AccessAllowAll
	case r.Status == http.StatusTooManyRequests:
		// Google treats 429 like 5xx; RFC 9309 leaves it with 4xx. The
		// stricter reading is used.
		return AccessDisallowAll
	case r.Status >= 400 && r.Status < 500:
		return AccessAllowAll
	}
	return AccessDisallowAll
}

// prefs returns the AI-preference rules of each group, parsed once.
func (r *Robots) prefs() []groupPrefs {
	r.once.Do(func() {
		f := r.File
		if f == nil {
			return
		}
		r.groups = make([]groupPrefs, len(f.Groups))
		for _, rec := range f.Records {
			if rec.Group < 0 || rec.Group >= len(r.groups) {
				continue
			}
			g := &r.groups[rec.Group]
			switch {
			case strings.EqualFold(rec.Key, "content-usage"):
				u, _ := aipref.ParseRule(rec.Value, rec.Line)
				u.Source = aipref.SourceRobots
				g.usage = append(g.usage, u)
			case strings.EqualFold(rec.Key, "content-signal"):
				s, _ := aipref.ParseSignal(rec.Value, rec.Line)
				g.signal = append(g.signal, s)
			}
		}
	})
	return r.groups
}

// TDMRep is the result of fetching (or finding a capture of) an origin's
// /.well-known/tdmrep.json.
type TDMRep struct {
	URL string
	// Status is the HTTP status of the final response, or 0 when there was
	// none.
	Status int
	// Err says why there was no usable file.
	Err string
	// File is the parsed file, for a 2xx response holding a JSON array.
	File *tdmrep.File
	// SHA256 is the hex SHA-256 of the body read.
	SHA256    string
	FetchedAt time.Time
}

// Site is what is known about a URL's origin.
type Site struct {
	Robots *Robots
	TDMRep *TDMRep
}

// Page is what is known about the URL's own response.
type Page struct {
	// URL is the URL asked for; FinalURL the URL of the response after
	// redirects, or "" if the same.
	URL      string
	FinalURL string
	// Status is the HTTP status of the final response, or 0 if the page
	// was not fetched.
	Status int
	// Header holds the response's header fields.
	Header http.Header
	// HTML is the metadata of the document, for an HTML response.
	HTML *htmlmeta.Document
	// FetchedAt is when the page was fetched or captured.
	FetchedAt time.Time
	// Err says why the page could not be fetched.
	Err string
}
