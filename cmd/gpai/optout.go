package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/audit"
	"github.com/gpai-project/gpai/fetch"
	"github.com/gpai-project/gpai/optout"
	"github.com/gpai-project/gpai/robots"
)

func (m *Main) optoutCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "optout",
		Short: "Decide whether a crawler may train on a URL: robots.txt, TDMRep, AI preferences, paywalls, piracy lists",
		Long: `optout applies the rights reservations of the Code of Practice's copyright
chapter (Measures 1.2 and 1.3) to URLs and datasets: robots.txt (RFC 9309),
the IETF AI preferences (Content-Usage header and robots.txt rule),
Cloudflare Content-Signal lines, TDMRep (tdmrep.json, header, meta), noai and
noimageai, access controls (HTTP 401, 402, 403, 407 and 451, login walls,
schema.org isAccessibleForFree false) and piracy domain lists.

Each URL gets one decision, with the evidence of every source:
  allowed     robots.txt lets the crawler fetch it and nothing reserves it
  reserved    a rights reservation applies
  restricted  an access control protects it
  blocked     its registered domain is on a piracy list
  unknown     nothing reserves it, but robots.txt could not be read
Conflicts resolve to the most restrictive, and the reason says so.`,
		Example: `  gpai optout check --agent GPTBot https://example.com/article
  gpai optout check --robots robots.txt --agent GPTBot /private/page /public/
  gpai optout audit --agent CCBot --format html -o report.html crawl.warc.gz`,
	}
	c.AddCommand(m.optoutCheckCommand(), m.optoutAuditCommand())
	return c
}

// policyFlags are the flags shared by optout check and optout audit.
type policyFlags struct {
	agents   []string
	purpose  string
	profile  string
	piracy   []string
	registry string
}

func (f *policyFlags) register(c *cobra.Command) {
	c.Flags().StringArrayVar(&f.agents, "agent", nil, "the crawler's product token, such as GPTBot (repeatable: every token it answers to; the * group applies when no group names one)")
	c.Flags().StringVar(&f.purpose, "purpose", "train-genai", "the use asked about: train-genai, train-ai, ai-input or search")
	c.Flags().StringVar(&f.profile, "profile", "strict", "robots.txt reading: strict (disallowed if RFC 9309 or Google's parser disallows), rfc or google")
	c.Flags().StringArrayVar(&f.piracy, "piracy-list", nil, "file of piracy domains, one registered domain per line, # comments (repeatable)")
	c.Flags().StringVar(&f.registry, "registry", "", "the reservations accepted through the provider's contact point: gpai serve's /api/reservations URL, or a file of it")
	c.RegisterFlagCompletionFunc("purpose", fixedCompletion("train-genai", "train-ai", "ai-input", "search"))
	c.RegisterFlagCompletionFunc("profile", fixedCompletion("strict", "rfc", "google"))
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func (f *policyFlags) policy(c *cobra.Command) (*optout.Policy, error) {
	hint := c.CommandPath() + " --agent GPTBot ..."
	if len(f.agents) == 0 {
		return nil, &usageError{err: errors.New("--agent is required: the crawler's product token"), hint: hint}
	}
	p := &optout.Policy{}
	for _, a := range f.agents {
		if a == "*" {
			continue // implied
		}
		if !optout.ValidAgent(a) {
			return nil, &usageError{err: fmt.Errorf("--agent %q is not a product token (letters, '-' and '_' only; not a whole User-Agent header)", a), hint: hint}
		}
		p.Agents = append(p.Agents, a)
	}
	if len(p.Agents) == 0 {
		return nil, &usageError{err: errors.New("--agent needs a product token other than *"), hint: hint}
	}
	var ok bool
	if p.Purpose, ok = optout.ParsePurpose(f.purpose); !ok {
		return nil, &usageError{err: fmt.Errorf("unknown --purpose %q: use train-genai, train-ai, ai-input or search", f.purpose), hint: "--purpose train-genai"}
	}
	if p.Profile, ok = optout.ParseProfile(f.profile); !ok {
		return nil, &usageError{err: fmt.Errorf("unknown --profile %q: use strict, rfc or google", f.profile), hint: "--profile strict"}
	}
	if f.registry != "" {
		reg, err := loadRegistry(c, f.registry)
		if err != nil {
			return nil, err
		}
		p.Registry = reg
	}
	if len(f.piracy) > 0 {
		var srcs []optout.BlockSource
		for _, name := range f.piracy {
			srcs = append(srcs, optout.BlockSource{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }})
		}
		bl, err := optout.LoadBlocklist(srcs...)
		if err != nil {
			return nil, err
		}
		p.Blocklist = bl
	}
	return p, nil
}

func (m *Main) optoutCheckCommand() *cobra.Command {
	var pf policyFlags
	var format, robotsFile, urlsFile string
	var failOn bool
	var timeout, delay time.Duration
	var concurrency int
	c := &cobra.Command{
		Use:   "check [URL...]",
		Short: "Decide whether a crawler may use URLs, live or from a robots.txt file",
		Long: `check decides each URL for the crawler named by --agent.

Live (the default), it fetches what it needs the way RFC 9309 requires of a
crawler: the origin's /robots.txt (2xx: parse the first 500 KiB; 3xx: follow
up to 5 redirects; 4xx: allow all; 5xx, 429 or unreachable: disallow all;
cached for at most 24 hours, less if the response's cache headers say so),
then, where robots.txt lets both the crawler and gpai's own fetcher
(gpai-optout) fetch them, /.well-known/tdmrep.json and the page itself, whose
header fields and HTML head are evidence too. Nothing is fetched from a
domain on a --piracy-list. Requests to one host are spaced by --delay (or
the host's Crawl-delay for gpai-optout) and sent one at a time, with the
User-Agent "Mozilla/5.0 (compatible; gpai-optout/1.0; +https://github.com/gpai-project/gpai)".

Offline, --robots FILE decides from that robots.txt file alone, with no
network access: each URL (or path) is taken exactly as given, apart from
what the --profile prescribes. This is how to test a robots.txt before
publishing it.

URLs come from the arguments and from --urls FILE (one per line, # comments;
"-" reads standard input). Output is one block per URL for people, or with
--format json one JSON object per URL per line (JSON Lines) with url,
allowed, decision, reason and evidence (source, line or header, rule, value,
fetched_at and the sha256 of the robots.txt or tdmrep.json that decided).

Exit status: 0 when every URL was checked, whatever the decisions; 1 with
--fail-on-reserved when a URL is not allowed (for CI); 2 for usage errors,
unreadable files and invalid URLs.`,
		Example: `  gpai optout check --agent GPTBot https://example.com/ https://example.com/news/1
  gpai optout check --agent MyBot --agent GPTBot --format json --urls urls.txt
  gpai optout check --robots ./robots.txt --agent GPTBot --profile google /private/ /index.html
  gpai optout check --robots ./robots.txt --agent CCBot --fail-on-reserved /blog/`,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			p, err := pf.policy(c)
			if err != nil {
				return err
			}
			urls, err := m.readURLs(args, urlsFile)
			if err != nil {
				return err
			}
			if len(urls) == 0 {
				return &usageError{err: errors.New("no URL to check: give URLs as arguments or --urls FILE"), hint: "gpai optout check --agent GPTBot https://example.com/"}
			}
			var results []optout.Result
			if robotsFile != "" {
				site, err := offlineSite(robotsFile)
				if err != nil {
					return err
				}
				for _, u := range urls {
					results = append(results, p.Decide(u, site, nil))
				}
			} else {
				if concurrency < 1 {
					return &usageError{err: errors.New("--concurrency must be at least 1"), hint: "--concurrency 4"}
				}
				cfg := fetch.DefaultConfig()
				cfg.Timeout = timeout
				cfg.HostDelay = delay
				if delay == 0 {
					cfg.HostDelay = -1
				}
				f := fetch.New(cfg)
				results = checkAll(c.Context(), f, p, urls, concurrency)
			}
			bad := false
			failed := false
			w := c.OutOrStdout()
			enc := json.NewEncoder(w)
			for _, r := range results {
				if r.Error != "" {
					bad = true
				}
				if !r.Allowed {
					failed = true
				}
				if format == "json" {
					if err := enc.Encode(r); err != nil {
						return err
					}
					continue
				}
				writeResult(w, &r)
			}
			switch {
			case bad:
				fmt.Fprintln(m.Stderr, "gpai: some URLs could not be checked (see their error)")
				return &exitError{code: exitUsage}
			case failOn && failed:
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	pf.register(c)
	fl := c.Flags()
	fl.StringVar(&format, "format", "text", "output format: text, or json (one object per URL per line)")
	fl.StringVar(&robotsFile, "robots", "", "decide offline from this robots.txt file alone")
	fl.StringVar(&urlsFile, "urls", "", "read URLs from this file, one per line (- for standard input)")
	fl.BoolVar(&failOn, "fail-on-reserved", false, "exit 1 when any URL is not allowed")
	fl.DurationVar(&timeout, "timeout", 20*time.Second, "time limit of each HTTP request, body included")
	fl.DurationVar(&delay, "delay", 500*time.Millisecond, "least time between two requests to one host (0 for none)")
	fl.IntVar(&concurrency, "concurrency", 4, "URLs checked at once")
	c.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json"))
	return c
}

// checkAll checks the URLs with n workers and returns the results in input
// order.
func checkAll(ctx context.Context, f *fetch.Fetcher, p *optout.Policy, urls []string, n int) []optout.Result {
	results := make([]optout.Result, len(urls))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, len(urls)) {
		wg.Go(func() {
			for i := range next {
				results[i] = f.Check(ctx, p, urls[i])
			}
		})
	}
	for i := range urls {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// offlineSite reads a robots.txt file for check --robots.
func offlineSite(name string) (*optout.Site, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read robots.txt file: %v", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, robots.MaxSize+1))
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read robots.txt file %s: %v", name, err)
	}
	var mod time.Time
	if st, err := fh.Stat(); err == nil {
		mod = st.ModTime().UTC()
	}
	r := optout.NewRobots(name, 200, b, mod)
	r.SHA256 = optout.Hash(b[:min(len(b), robots.MaxSize)])
	return &optout.Site{Robots: r}, nil
}

// readURLs returns the URLs of args and of the --urls file.
func (m *Main) readURLs(args []string, file string) ([]string, error) {
	urls := append([]string(nil), args...)
	if file == "" {
		return urls, nil
	}
	var r io.Reader
	if file == "-" {
		r = m.Stdin
	} else {
		fh, err := os.Open(file)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot read --urls file: %v", err)
		}
		defer fh.Close()
		r = fh
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		urls = append(urls, s)
	}
	if err := sc.Err(); err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read --urls file %s: %v", file, err)
	}
	return urls, nil
}

func writeResult(w io.Writer, r *optout.Result) {
	fmt.Fprintf(w, "%s\n  %s for %s (%s)\n", r.URL, strings.ToUpper(r.Decision.String()), strings.Join(r.Agents, ", "), r.Purpose)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n\n", r.Error)
		return
	}
	fmt.Fprintf(w, "  %s\n", r.Reason)
	for _, e := range r.Evidence {
		fmt.Fprintf(w, "  - %-15s %-10s", e.Source, e.Decision)
		if e.Agent != "" {
			fmt.Fprintf(w, " [%s]", e.Agent)
		}
		fmt.Fprintf(w, " %s", e.Detail)
		var loc []string
		if e.Where != "" {
			where := e.Where
			if e.Line != 0 {
				where += fmt.Sprintf(":%d", e.Line)
			}
			loc = append(loc, where)
		}
		if e.Header != "" {
			loc = append(loc, "header "+e.Header)
		}
		if !e.FetchedAt.IsZero() {
			loc = append(loc, "as of "+e.FetchedAt.UTC().Format(time.RFC3339))
		}
		if e.SHA256 != "" {
			loc = append(loc, "sha256:"+e.SHA256[:min(16, len(e.SHA256))])
		}
		if len(loc) > 0 {
			fmt.Fprintf(w, "\n      (%s)", strings.Join(loc, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func (m *Main) optoutAuditCommand() *cobra.Command {
	var pf policyFlags
	var format, output, outManifest string
	var includeUnknown, live bool
	var top int
	c := &cobra.Command{
		Use:   "audit MANIFEST...",
		Short: "Audit a dataset's manifests (URL lists, CDXJ, WARC) against rights reservations",
		Long: `audit decides every record of the manifests for the crawler named by --agent
and reports totals and shares by decision and by signal, the most-reserved
registered domains with the evidence, and the lines it skipped.

Manifests are detected by content: a URL list (one absolute URL per line),
a CDXJ index (plain or gzip) or a WARC file (plain or gzip per record).
"-" reads standard input. In a WARC file the robots.txt and
/.well-known/tdmrep.json captures are the evidence, as of their capture
time, and every captured response's status, header fields and HTML head are
evidence for that page. URL lists and CDXJ indexes hold no robots.txt
content: give the WARC files with the captures alongside, or --live to fetch
robots.txt now for origins without a capture; otherwise their records are
unknown. Memory grows with the number of origins and domains, not records.

--out-manifest writes what may be used: CDXJ and URL-list lines as they
were, and the URLs of WARC records, one per line. Progress goes to standard
error when it is a terminal.

Exit status: 0 when the audit ran, 2 for usage errors and manifests that
cannot be read.`,
		Example: `  gpai optout audit --agent CCBot crawl.warc.gz
  gpai optout audit --agent CCBot robotstxt.warc.gz index.cdxj.gz --out-manifest usable.cdxj
  gpai optout audit --agent GPTBot --format html -o report.html --piracy-list eu-list.txt urls.txt`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{err: errors.New("audit takes one or more manifests"), hint: "gpai optout audit --agent CCBot crawl.warc.gz"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, audit.Formats...); err != nil {
				return err
			}
			p, err := pf.policy(c)
			if err != nil {
				return err
			}
			var manifests []audit.Manifest
			for _, name := range args {
				if name == "-" {
					manifests = append(manifests, audit.Manifest{Name: "-", Once: true, Open: func() (io.ReadCloser, error) { return io.NopCloser(m.Stdin), nil }})
					continue
				}
				if _, err := os.Stat(name); err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot read manifest: %v", err)
				}
				manifests = append(manifests, audit.Manifest{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }})
			}
			a := &audit.Auditor{Policy: p, IncludeUnknown: includeUnknown, TopDomains: top}
			if live {
				f := fetch.New(fetch.DefaultConfig())
				a.Robots = func(ctx context.Context, origin string) *optout.Robots {
					r, err := f.Robots(ctx, origin+"/")
					if err != nil {
						return nil
					}
					return r
				}
			}
			var tmp *os.File
			if outManifest != "" {
				tmp, err = os.CreateTemp(dirOf(outManifest), ".gpai-manifest-*")
				if err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", outManifest, err)
				}
				defer os.Remove(tmp.Name())
				defer tmp.Close()
				a.Filtered = tmp
			}
			progress := isTerminal(m.Stderr)
			if progress {
				a.Progress = func(p audit.Progress) {
					fmt.Fprintf(m.Stderr, "\r\033[K%s pass %d: %d records, %d origins, %.0f records/s", p.Manifest, p.Pass, p.Records, p.Origins, float64(p.Records)/max(p.Elapsed.Seconds(), 1e-3))
				}
			}
			rep, err := a.Run(c.Context(), manifests)
			if progress {
				fmt.Fprintln(m.Stderr)
			}
			if err != nil {
				if c.Context().Err() != nil {
					return err
				}
				return gpai.Errorf(gpai.EINVALID, "%v", err)
			}
			if tmp != nil {
				if err := tmp.Close(); err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", outManifest, err)
				}
				if err := os.Rename(tmp.Name(), outManifest); err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", outManifest, err)
				}
			}
			return writeOutput(c, output, func(w *os.File) error { return rep.Encode(w, format) }, func() error { return rep.Encode(c.OutOrStdout(), format) })
		},
	}
	pf.register(c)
	fl := c.Flags()
	fl.StringVar(&format, "format", "text", "report format: text, json or html")
	fl.StringVarP(&output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.StringVar(&outManifest, "out-manifest", "", "write the records that may be used to this file")
	fl.BoolVar(&includeUnknown, "include-unknown", false, "also write unknown records (no robots.txt known) to --out-manifest")
	fl.BoolVar(&live, "live", false, "fetch robots.txt now for origins without a capture in the manifests")
	fl.IntVar(&top, "top", 20, "number of most-reserved domains to report")
	c.RegisterFlagCompletionFunc("format", fixedCompletion(audit.Formats...))
	return c
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// loadRegistry reads accepted reservations from a gpai serve URL or a file.
func loadRegistry(c *cobra.Command, src string) (*optout.Registry, error) {
	var r io.ReadCloser
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(c.Context(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, &usageError{err: fmt.Errorf("--registry: %v", err), hint: "--registry https://contact.example.com/api/reservations"}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot fetch the registry %s: %v", src, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, gpai.Errorf(gpai.EINVALID, "cannot fetch the registry %s: HTTP %d", src, resp.StatusCode)
		}
		r = resp.Body
	} else {
		fh, err := os.Open(src)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot read the registry: %v", err)
		}
		r = fh
	}
	defer r.Close()
	reg, err := optout.ParseRegistry(r, src)
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "%v", err)
	}
	return reg, nil
}
