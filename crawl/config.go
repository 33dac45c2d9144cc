package crawl

import (
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
)

// Identity is who the crawler says it is: what robots.txt groups are
// matched against and what every request carries. A provider declares its
// crawlers once (in copyright.yaml) and fills an Identity from there.
type Identity struct {
	// Tokens are the product tokens the crawler answers to in robots.txt,
	// such as "LumenBot" ([A-Za-z_-]+); the first one names the crawler.
	// The crawler obeys the groups of every token, and the "*" group when
	// none names one.
	Tokens []string
	// UserAgent is the User-Agent header field sent with every request. It
	// should contain the first token and a URL where site owners learn
	// what the crawler is and how to opt out.
	UserAgent string
}

// Validate reports whether the identity is usable: at least one token,
// every token a product token, and a User-Agent that contains the first.
func (id Identity) Validate() error {
	if len(id.Tokens) == 0 {
		return errors.New("crawl: the identity names no product token")
	}
	for _, t := range id.Tokens {
		if !optout.ValidAgent(t) {
			return fmt.Errorf("crawl: %q is not a product token (letters, '-' and '_' only)", t)
		}
	}
	if id.UserAgent == "" {
		return errors.New("crawl: the identity has no User-Agent")
	}
	if strings.ContainsAny(id.UserAgent, "\r\n") {
		return errors.New("crawl: the User-Agent contains a line break")
	}
	if !strings.Contains(strings.ToLower(id.UserAgent), strings.ToLower(id.Tokens[0])) {
		return fmt.Errorf("crawl: the User-Agent %q does not contain the product token %q (RFC 9309 section 2.2.1)", id.UserAgent, id.Tokens[0])
	}
	return nil
}

// DefaultContentTypes are the media types stored by default: HTML, XHTML
// and plain text.
var DefaultContentTypes = []string{"text/html", "application/xhtml+xml", "text/plain"}

// Config controls a crawl. Use DefaultConfig and change what you need.
type Config struct {
	// Identity is the crawler's product tokens and User-Agent.
	Identity Identity
	// Purpose is the use the content is collected for; zero means
	// aipref.PurposeTrainGenAI.
	Purpose aipref.Purpose
	// Profile is the robots.txt reading; zero is robots.Strict.
	Profile robots.Profile
	// Blocklist lists piracy domains; nothing is ever requested from them.
	Blocklist *optout.Blocklist

	// Dir is the output directory. A crawl started in a directory that
	// holds one continues it.
	Dir string
	// Seeds are the URLs the crawl starts from.
	Seeds []string
	// Sitemaps are sitemap or sitemap index URLs (XML, gzip-compressed XML
	// or plain text) whose URLs are crawled as seeds.
	Sitemaps []string
	// RobotsSitemaps makes the crawler read the sitemaps that the
	// robots.txt files of in-scope hosts list.
	RobotsSitemaps bool
	// Domains are registered domains in scope besides those of the seeds
	// and sitemaps, such as "example.com"; a URL is in scope when its
	// registered domain is.
	Domains []string
	// MaxPages stops the crawl after storing this many pages, counted over
	// every run in the directory; 0 means no limit.
	MaxPages int
	// MaxDepth is the number of links followed from a seed; 0 follows
	// none and a negative value has no limit.
	MaxDepth int
	// MaxBytes is the number of bytes of a response body read; a longer
	// body is stored truncated, with WARC-Truncated: length.
	MaxBytes int64
	// ContentTypes are the media types stored; nil means
	// DefaultContentTypes. A type ending in "/*" matches a whole class.
	ContentTypes []string

	// Workers is the number of URLs processed at once.
	Workers int
	// PerHost is the number of requests in flight to one host at most.
	PerHost int
	// Delay is the least time between the starts of two requests to one
	// host; a longer Crawl-delay for the crawler's tokens wins.
	Delay time.Duration
	// Timeout bounds each request, body included.
	Timeout time.Duration
	// Retries is the number of times a URL answered with 429 or 503 is
	// tried again, after the host's Retry-After or backoff.
	Retries int
	// Backoff is the first pause after a 429 or 503 without Retry-After;
	// it doubles with each further one, up to MaxRetryAfter.
	Backoff time.Duration
	// MaxRetryAfter is the longest pause the crawl waits for. A host that
	// asks for a longer one is left alone for as long as it asks: its
	// URLs stay in the frontier for a later run.
	MaxRetryAfter time.Duration

	// SegmentSize is the size at which a WARC file is closed and a new one
	// begun.
	SegmentSize int64
	// Prefix starts the WARC file names; "" means the first token.
	Prefix string
	// CommitEvery and CommitInterval bound the work lost in a crash: a
	// batch is committed after this many URLs or this much time.
	CommitEvery    int
	CommitInterval time.Duration

	// Transport makes the requests; nil means an http.Transport with the
	// timeouts above. It must not decompress responses.
	Transport http.RoundTripper
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// Logger receives debug records; nil discards.
	Logger *slog.Logger
	// Progress, if set, is called every ProgressInterval and at the end.
	Progress         func(Progress)
	ProgressInterval time.Duration
}

// DefaultConfig returns the defaults: robots.txt sitemaps read, links
// followed without a depth limit, 10 MiB per response, 8 workers, one
// request at a time to a host and at least a second between two, a
// 30-second timeout, 3 retries starting at a 2-second backoff and waiting at
// most 10 minutes, 1 GB WARC files, and a commit every 64 URLs or second.
func DefaultConfig() Config {
	return Config{
		RobotsSitemaps:   true,
		MaxDepth:         -1,
		MaxBytes:         10 << 20,
		Workers:          8,
		PerHost:          1,
		Delay:            time.Second,
		Timeout:          30 * time.Second,
		Retries:          3,
		Backoff:          2 * time.Second,
		MaxRetryAfter:    10 * time.Minute,
		SegmentSize:      1 << 30,
		CommitEvery:      64,
		CommitInterval:   time.Second,
		ProgressInterval: 500 * time.Millisecond,
	}
}

// validate checks c and fills in defaults for zero fields.
func (c *Config) validate() error {
	if err := c.Identity.Validate(); err != nil {
		return err
	}
	if c.Dir == "" {
		return errors.New("crawl: no output directory")
	}
	d := DefaultConfig()
	if c.Purpose == 0 {
		c.Purpose = aipref.PurposeTrainGenAI
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = d.MaxBytes
	}
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.PerHost <= 0 {
		c.PerHost = d.PerHost
	}
	if c.Delay < 0 {
		c.Delay = 0
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = d.Backoff
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = d.MaxRetryAfter
	}
	if c.SegmentSize <= 0 {
		c.SegmentSize = d.SegmentSize
	}
	if c.Prefix == "" {
		c.Prefix = c.Identity.Tokens[0]
	}
	if strings.ContainsAny(c.Prefix, `/\`) {
		return fmt.Errorf("crawl: the WARC file prefix %q contains a path separator", c.Prefix)
	}
	if c.CommitEvery <= 0 {
		c.CommitEvery = d.CommitEvery
	}
	if c.CommitInterval <= 0 {
		c.CommitInterval = d.CommitInterval
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = d.ProgressInterval
	}
	if c.ContentTypes == nil {
		c.ContentTypes = DefaultContentTypes
	}
	for _, t := range c.ContentTypes {
		if _, _, err := mime.ParseMediaType(strings.Replace(t, "/*", "/x", 1)); err != nil || !strings.Contains(t, "/") {
			return fmt.Errorf("crawl: %q is not a media type", t)
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// allowedType reports whether the media type of a Content-Type value is
// collected.
func (c *Config) allowedType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	for _, t := range c.ContentTypes {
		t = strings.ToLower(t)
		if t == mt || strings.HasSuffix(t, "/*") && strings.HasPrefix(mt, t[:len(t)-1]) {
			return true
		}
	}
	return false
}
