package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/crawl"
	"github.com/gpai-project/gpai/dossier"
)

// crawlFlags are the flags of gpai crawl.
type crawlFlags struct {
	dossier, crawler string
	policyFlags
	userAgent    string
	out          string
	seeds        string
	sitemaps     []string
	domains      []string
	contentTypes []string
	noSitemaps   bool
	perHost      int
	workers      int
	delay        time.Duration
	timeout      time.Duration
	maxPages     int
	maxDepth     int
	maxBytes     int64
	retries      int
	segment      int64
	format       string
	quiet        bool
}

func (m *Main) crawlCommand() *cobra.Command {
	var f crawlFlags
	d := crawl.DefaultConfig()
	c := &cobra.Command{
		Use:   "crawl --agent TOKEN --user-agent STRING --out DIR [URL...]",
		Short: "Crawl the web for training data, politely and within the rights reservations",
		Long: `crawl collects web content for training while doing what the Code of
Practice's copyright chapter asks of a crawler (Measures 1.2 and 1.3).

Every URL is decided before it is requested: nothing is requested from a
domain on a --piracy-list; robots.txt is read for the crawler's product
tokens (--agent) per RFC 9309 (2xx: its rules; 4xx: allow all; 5xx, 429 or
unreachable: disallow all; cached up to 24 hours), with its Content-Usage and
Content-Signal lines and /.well-known/tdmrep.json. Only an allowed URL is
requested, and its response is decided again: Content-Usage, tdm-reservation,
X-Robots-Tag and meta noai, HTTP 401, 402, 403, 407 and 451, redirects to a
login page and schema.org isAccessibleForFree false. Content that is not
allowed is not stored. Nothing is circumvented.

Requests to a host are at most --per-host at a time and start at least
--delay apart, or the host's Crawl-delay for the crawler if longer; a host
that answers 429 or 503 is left alone for its Retry-After or an exponential
backoff. Every request carries --user-agent, which must contain the first
--agent token and should name a page about the crawler.

URLs come from the arguments, --seeds FILE (one per line, # comments) and
--sitemap (XML, gzip or text sitemaps and sitemap indexes), and from the
Sitemap lines of robots.txt. The crawl stays within the registered domains of
the seeds and sitemaps (and --domain), follows links --max-depth deep, and
stops after --max-pages stored pages.

DIR receives:
  ledger.jsonl         one line per URL: outcome (fetched, redirected,
                       sitemap, skipped), the reason for every skip
                       (reserved, blocked, restricted, unknown, out-of-scope,
                       error), the evidence of every signal, the time, and
                       the SHA-256 of the robots.txt and tdmrep.json that
                       decided
  warc/*.warc.gz       the content: request, response and metadata records
  robotstxt/*.warc.gz  the robots.txt and tdmrep.json captures
  journal.jsonl        the frontier, for resuming

The crawl survives being killed: run the same command again with the same
--out and it continues where the last commit left it, fetching nothing it
stored before and writing no URL twice. The WARC files feed
"gpai crawlstats" and "gpai optout audit" directly.

Progress shows on standard error when it is a terminal; the summary goes to
standard output. Exit status: 0 when the crawl finished, 1 when it was
interrupted (run it again to continue), 2 for usage errors.`,
		Example: `  gpai crawl --agent LumenBot --user-agent "Mozilla/5.0 (compatible; LumenBot/1.0; +https://lumen.example/bot)" \
      --out crawl/ https://example.com/
  gpai crawl --agent LumenBot --user-agent "LumenBot/1.0 (+https://lumen.example/bot)" --out crawl/ \
      --sitemap https://example.com/sitemap.xml --max-pages 10000 --piracy-list eu-piracy.txt
  gpai crawlstats crawl/warc/*.warc.gz
  gpai optout audit --agent LumenBot crawl/warc/*.warc.gz crawl/robotstxt/*.warc.gz`,
		RunE: func(c *cobra.Command, args []string) error {
			if f.dossier != "" {
				if err := f.fromDossier(c); err != nil {
					return err
				}
			}
			cfg, err := f.config(c, m, args)
			if err != nil {
				return err
			}
			if !f.quiet {
				if w, live := progressWriter(c); live {
					cfg.Progress = crawlProgress(w)
				}
			}
			cr, err := crawl.New(cfg)
			if err != nil {
				return &usageError{err: err, hint: "gpai crawl --help"}
			}
			sum, err := cr.Run(c.Context())
			if cfg.Progress != nil {
				fmt.Fprint(c.ErrOrStderr(), "\r\033[K")
			}
			interrupted := err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
			if err != nil && !interrupted {
				return gpai.Errorf(gpai.EINVALID, "%v", err)
			}
			if err := f.emit(c.OutOrStdout(), cfg, sum, interrupted); err != nil {
				return err
			}
			if interrupted {
				fmt.Fprintf(m.Stderr, "gpai: crawl interrupted; run the same command again to continue\n")
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f.policyFlags.register(c)
	fl := c.Flags()
	fl.StringVar(&f.userAgent, "user-agent", "", "the User-Agent header of every request; must contain the first --agent token (required unless --dossier gives it)")
	fl.StringVar(&f.dossier, "dossier", "", "take the crawler's identity, robots.txt profile and piracy lists from this dossier's copyright.yaml")
	fl.StringVar(&f.crawler, "crawler", "", "with --dossier, the crawler of copyright.yaml to be (default: its only training crawler)")
	fl.StringVarP(&f.out, "out", "o", "", "the crawl directory; an existing crawl there is continued (required)")
	fl.StringVar(&f.seeds, "seeds", "", "read seed URLs from this file, one per line (- for standard input)")
	fl.StringArrayVar(&f.sitemaps, "sitemap", nil, "a sitemap or sitemap index URL whose URLs are seeds (repeatable)")
	fl.StringArrayVar(&f.domains, "domain", nil, "a registered domain in scope besides those of the seeds (repeatable)")
	fl.StringArrayVar(&f.contentTypes, "content-type", nil, "a media type to store, such as text/html or image/* (repeatable; default text/html, application/xhtml+xml, text/plain)")
	fl.BoolVar(&f.noSitemaps, "no-robots-sitemaps", false, "do not read the sitemaps that robots.txt lists")
	fl.IntVar(&f.perHost, "per-host", d.PerHost, "requests in flight to one host at most")
	fl.IntVar(&f.workers, "workers", d.Workers, "URLs processed at once")
	fl.DurationVar(&f.delay, "delay", d.Delay, "least time between the starts of two requests to one host (a longer Crawl-delay wins)")
	fl.DurationVar(&f.timeout, "timeout", d.Timeout, "time limit of each request, body included")
	fl.IntVar(&f.maxPages, "max-pages", 0, "stop after storing this many pages, over every run in DIR (0: no limit)")
	fl.IntVar(&f.maxDepth, "max-depth", d.MaxDepth, "links followed from a seed (0: seeds only; -1: no limit)")
	fl.Int64Var(&f.maxBytes, "max-bytes", d.MaxBytes, "bytes of a response body stored; longer bodies are truncated and marked")
	fl.IntVar(&f.retries, "retries", d.Retries, "tries again after 429 or 503")
	fl.Int64Var(&f.segment, "warc-size", d.SegmentSize, "size at which a WARC file is closed and the next begun")
	fl.StringVar(&f.format, "format", "text", "summary format: text or json")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress line, even on a terminal")
	c.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json"))
	return c
}

// fromDossier fills the identity, the profile and the piracy lists from
// the crawler declared in copyright.yaml, unless flags already set them.
func (f *crawlFlags) fromDossier(c *cobra.Command) error {
	var cp gpai.Copyright
	if _, err := dossier.LoadFile(f.dossier, gpai.CopyrightFile, &cp); err != nil {
		return err
	}
	var pick *gpai.CrawlerSpec
	var training []string
	for i := range cp.Crawlers {
		cr := &cp.Crawlers[i]
		if f.crawler != "" && (cr.Name == f.crawler || cr.ProductToken == f.crawler) {
			pick = cr
		}
		if cr.Has("training") {
			training = append(training, cr.Name)
			if f.crawler == "" && len(training) == 1 {
				pick = cr
			}
		}
	}
	switch {
	case f.crawler == "" && len(training) > 1:
		return &usageError{err: fmt.Errorf("copyright.yaml declares several training crawlers (%s): choose one with --crawler", strings.Join(training, ", ")), hint: "--crawler " + training[0]}
	case pick == nil && f.crawler != "":
		return &usageError{err: fmt.Errorf("copyright.yaml declares no crawler %q", f.crawler), hint: "gpai copyright render --doc disclosure " + f.dossier}
	case pick == nil:
		return &usageError{err: errors.New("copyright.yaml declares no training crawler"), hint: "declare one under crawlers, with purposes: [training]"}
	case pick.ProductToken == "":
		return &usageError{err: fmt.Errorf("crawler %s has no product token in copyright.yaml", pick.Name), hint: "add product_token"}
	}
	if !c.Flags().Changed("agent") {
		c.Flags().Set("agent", pick.ProductToken)
	}
	if f.userAgent == "" {
		f.userAgent = pick.UserAgent
	}
	if !c.Flags().Changed("profile") && cp.Policy.Signals.RobotsTxt.Profile != "" {
		c.Flags().Set("profile", cp.Policy.Signals.RobotsTxt.Profile)
	}
	for _, l := range cp.Policy.PiracyLists {
		if l.File == "" {
			continue
		}
		path := l.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(f.dossier, path)
		}
		c.Flags().Set("piracy-list", path)
	}
	return nil
}

// config turns the flags into a crawl configuration.
func (f *crawlFlags) config(c *cobra.Command, m *Main, args []string) (crawl.Config, error) {
	hint := `gpai crawl --agent LumenBot --user-agent "LumenBot/1.0 (+https://example.com/bot)" --out DIR https://example.com/`
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return crawl.Config{}, err
	}
	p, err := f.policy(c)
	if err != nil {
		return crawl.Config{}, err
	}
	cfg := crawl.DefaultConfig()
	cfg.Identity = crawl.Identity{Tokens: p.Agents, UserAgent: f.userAgent}
	if f.userAgent == "" {
		return cfg, &usageError{err: errors.New("--user-agent is required: the User-Agent header, containing the product token and a URL about the crawler"), hint: hint}
	}
	if err := cfg.Identity.Validate(); err != nil {
		return cfg, &usageError{err: err, hint: hint}
	}
	if f.out == "" {
		return cfg, &usageError{err: errors.New("--out is required: the crawl directory"), hint: hint}
	}
	seeds, err := m.readURLs(args, f.seeds)
	if err != nil {
		return cfg, err
	}
	if len(seeds) == 0 && len(f.sitemaps) == 0 && !resumable(f.out) {
		return cfg, &usageError{err: errors.New("no seed: give URLs as arguments, --seeds FILE or --sitemap URL"), hint: hint}
	}
	switch {
	case f.perHost < 1:
		return cfg, &usageError{err: errors.New("--per-host must be at least 1"), hint: "--per-host 1"}
	case f.workers < 1:
		return cfg, &usageError{err: errors.New("--workers must be at least 1"), hint: "--workers 8"}
	case f.delay < 0 || f.timeout <= 0:
		return cfg, &usageError{err: errors.New("--delay must not be negative and --timeout must be positive"), hint: "--delay 1s --timeout 30s"}
	case f.maxBytes <= 0 || f.segment <= 0:
		return cfg, &usageError{err: errors.New("--max-bytes and --warc-size must be positive"), hint: "--max-bytes 10485760"}
	}
	cfg.Purpose, cfg.Profile, cfg.Blocklist = p.Purpose, p.Profile, p.Blocklist
	cfg.Dir = f.out
	cfg.Seeds = seeds
	cfg.Sitemaps = f.sitemaps
	cfg.Domains = f.domains
	cfg.RobotsSitemaps = !f.noSitemaps
	if len(f.contentTypes) > 0 {
		cfg.ContentTypes = f.contentTypes
	}
	cfg.PerHost, cfg.Workers, cfg.Delay, cfg.Timeout = f.perHost, f.workers, f.delay, f.timeout
	cfg.MaxPages, cfg.MaxDepth, cfg.MaxBytes, cfg.Retries, cfg.SegmentSize = f.maxPages, f.maxDepth, f.maxBytes, f.retries, f.segment
	return cfg, nil
}

// resumable reports whether dir holds a crawl to continue.
func resumable(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, crawl.JournalFile))
	return err == nil && st.Size() > 0
}

func crawlProgress(w io.Writer) func(crawl.Progress) {
	return func(p crawl.Progress) {
		fmt.Fprintf(w, "\r\033[Kfetched %d  skipped %d  pending %d  in flight %d  requests %d  %s  %s",
			p.Fetched, p.Skipped, p.Pending, p.InFlight, p.Requests, byteSize(p.Bytes), p.Elapsed.Round(time.Second))
	}
}

// emit writes the summary.
func (f *crawlFlags) emit(w io.Writer, cfg crawl.Config, s *crawl.Summary, interrupted bool) error {
	if f.format == "json" {
		return json.NewEncoder(w).Encode(struct {
			Dir         string         `json:"dir"`
			Fetched     int            `json:"fetched"`
			Redirected  int            `json:"redirected"`
			Sitemaps    int            `json:"sitemaps"`
			Skipped     map[string]int `json:"skipped"`
			Bytes       int64          `json:"bytes"`
			Pending     int            `json:"pending"`
			Requests    int64          `json:"requests"`
			Runs        int            `json:"runs"`
			Files       []string       `json:"files"`
			Elapsed     string         `json:"elapsed"`
			Interrupted bool           `json:"interrupted,omitempty"`
		}{cfg.Dir, s.Fetched, s.Redirected, s.Sitemaps, s.Skipped, s.Bytes, s.Pending, s.Requests, s.Runs, s.Files, s.Elapsed.Round(time.Millisecond).String(), interrupted})
	}
	state := "finished"
	switch {
	case interrupted:
		state = "interrupted"
	case s.Pending > 0:
		state = "stopped"
	}
	fmt.Fprintf(w, "crawl %s in %s (run %d)\n", state, cfg.Dir, s.Runs)
	fmt.Fprintf(w, "  fetched     %7d  %s stored\n", s.Fetched, byteSize(s.Bytes))
	fmt.Fprintf(w, "  redirected  %7d\n", s.Redirected)
	fmt.Fprintf(w, "  sitemaps    %7d\n", s.Sitemaps)
	fmt.Fprintf(w, "  skipped     %7d\n", s.SkippedTotal())
	reasons := make([]string, 0, len(s.Skipped))
	for r := range s.Skipped {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return indexOf(crawl.Reasons, reasons[i]) < indexOf(crawl.Reasons, reasons[j])
	})
	for _, r := range reasons {
		fmt.Fprintf(w, "    %-14s%5d\n", r, s.Skipped[r])
	}
	if s.Pending > 0 {
		fmt.Fprintf(w, "  pending     %7d  (--max-pages reached, or hosts that asked to wait; run again to continue)\n", s.Pending)
	}
	fmt.Fprintf(w, "  requests    %7d  this run, %s\n", s.Requests, s.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "ledger: %s\n", filepath.Join(cfg.Dir, crawl.LedgerFile))
	for _, name := range s.Files {
		fmt.Fprintf(w, "warc:   %s\n", filepath.Join(cfg.Dir, filepath.FromSlash(name)))
	}
	if s.Fetched > 0 {
		fmt.Fprintf(w, "next:   gpai crawlstats %s\n        gpai optout audit --agent %s %s %s\n",
			filepath.Join(cfg.Dir, crawl.ContentDir, "*.warc.gz"), strings.Join(cfg.Identity.Tokens, " --agent "),
			filepath.Join(cfg.Dir, crawl.ContentDir, "*.warc.gz"), filepath.Join(cfg.Dir, crawl.RobotsDir, "*.warc.gz"))
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return len(list)
}

// byteSize formats a number of bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
