package audit

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gpai-project/gpai/optout"
)

// Report is the result of an audit.
type Report struct {
	Purpose string    `json:"purpose"`
	Agents  []string  `json:"agents"`
	Profile string    `json:"profile"`
	Started time.Time `json:"started"`
	Elapsed string    `json:"elapsed"`

	Manifests []ManifestStat `json:"manifests"`
	// Records is the number of records decided: captures of content, or
	// URLs. Captures of robots.txt and tdmrep.json are counted apart.
	Records  int64 `json:"records"`
	Usable   int64 `json:"usable"`
	Captures int64 `json:"captures"`
	Origins  int   `json:"origins"`
	Domains  int   `json:"domains"`
	// ByDecision counts records by decision, and Shares gives them as
	// fractions of Records.
	ByDecision map[string]int64   `json:"by_decision"`
	Shares     map[string]float64 `json:"shares"`
	// BySignal counts, per evidence source, the records it reserved,
	// restricted or blocked (a record can count for several sources), and
	// SignalShares gives them as fractions of Records.
	BySignal     map[string]int64   `json:"by_signal"`
	SignalShares map[string]float64 `json:"signal_shares,omitempty"`
	// Skipped counts the manifest entries that were not records, by
	// reason: malformed lines by kind, WARC records other than responses.
	Skipped    map[string]int64 `json:"skipped"`
	TopDomains []DomainStat     `json:"top_domains"`
}

// ManifestStat summarises one manifest.
type ManifestStat struct {
	Name     string `json:"name"`
	Format   string `json:"format"`
	Records  int64  `json:"records"`
	Captures int64  `json:"captures"`
	Skipped  int64  `json:"skipped"`
}

// DomainStat summarises one registered domain.
type DomainStat struct {
	Domain     string           `json:"domain"`
	Records    int64            `json:"records"`
	NotUsable  int64            `json:"not_usable"`
	ByDecision map[string]int64 `json:"by_decision"`
	BySignal   map[string]int64 `json:"by_signal"`
	Example    *Example         `json:"example,omitempty"`
}

// Example is the first record of a domain that may not be used, with the
// evidence that decided it.
type Example struct {
	URL      string            `json:"url"`
	Decision string            `json:"decision"`
	Reason   string            `json:"reason"`
	Evidence []optout.Evidence `json:"evidence"`
}

// Formats lists the report encodings.
var Formats = []string{"text", "json", "html"}

// Encode writes r to w in the format: text, json or html.
func (r *Report) Encode(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "html":
		return htmlTemplate.Execute(w, r)
	case "text", "":
		return r.text(w)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// Decisions returns the decision counts in order from allowed to blocked,
// with their shares.
func (r *Report) Decisions() []Count {
	var out []Count
	for _, d := range optout.Decisions {
		n := r.ByDecision[d.String()]
		out = append(out, Count{Name: d.String(), N: n, Share: r.Shares[d.String()]})
	}
	return out
}

// Signals returns the signal counts, largest first.
func (r *Report) Signals() []Count {
	var out []Count
	for k, v := range r.BySignal {
		out = append(out, Count{Name: k, N: v, Share: r.SignalShares[k]})
	}
	sortCounts(out)
	return out
}

// SkippedCounts returns the skip counts, largest first.
func (r *Report) SkippedCounts() []Count {
	var out []Count
	for k, v := range r.Skipped {
		out = append(out, Count{Name: k, N: v})
	}
	sortCounts(out)
	return out
}

func sortCounts(c []Count) {
	sort.Slice(c, func(i, j int) bool {
		if c[i].N != c[j].N {
			return c[i].N > c[j].N
		}
		return c[i].Name < c[j].Name
	})
}

// Count is a named count with its share of the records.
type Count struct {
	Name  string
	N     int64
	Share float64
}

// Percent formats the share as a percentage.
func (c Count) Percent() string { return fmt.Sprintf("%.1f%%", 100*c.Share) }

func (r *Report) text(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "audit for %s, purpose %s, profile %s\n", strings.Join(r.Agents, ", "), r.Purpose, r.Profile)
	for _, m := range r.Manifests {
		fmt.Fprintf(tw, "  %s\t%s\t%d records\t%d captures\t%d skipped\n", m.Name, m.Format, m.Records, m.Captures, m.Skipped)
	}
	fmt.Fprintf(tw, "\n%d records from %d origins in %d registered domains; %d robots.txt/tdmrep.json captures; %s\n", r.Records, r.Origins, r.Domains, r.Captures, r.Elapsed)
	fmt.Fprintf(tw, "\nby decision\n")
	for _, c := range r.Decisions() {
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", c.Name, c.N, c.Percent())
	}
	if s := r.Signals(); len(s) > 0 {
		fmt.Fprintf(tw, "\nrecords reserved, restricted or blocked by signal\n")
		for _, c := range s {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", c.Name, c.N, c.Percent())
		}
	}
	if s := r.SkippedCounts(); len(s) > 0 {
		fmt.Fprintf(tw, "\nskipped\n")
		for _, c := range s {
			fmt.Fprintf(tw, "  %s\t%d\n", c.Name, c.N)
		}
	}
	if len(r.TopDomains) > 0 {
		fmt.Fprintf(tw, "\nmost-reserved domains\n")
		for _, d := range r.TopDomains {
			fmt.Fprintf(tw, "  %s\t%d of %d not usable\t", d.Domain, d.NotUsable, d.Records)
			var parts []string
			for _, dec := range optout.Decisions {
				if n := d.ByDecision[dec.String()]; n > 0 {
					parts = append(parts, fmt.Sprintf("%s %d", dec, n))
				}
			}
			fmt.Fprintf(tw, "%s\n", strings.Join(parts, ", "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nevidence (first record not usable per domain)\n")
		for _, d := range r.TopDomains {
			if d.Example == nil {
				continue
			}
			fmt.Fprintf(w, "  %s\n    %s\n", d.Example.URL, d.Example.Reason)
			for _, e := range d.Example.Evidence {
				fmt.Fprintf(w, "    - %s", e.Source)
				if e.Where != "" {
					fmt.Fprintf(w, " %s", e.Where)
				}
				if e.Line != 0 {
					fmt.Fprintf(w, " line %d", e.Line)
				}
				if e.Rule != "" {
					fmt.Fprintf(w, " %q", e.Rule)
				}
				if !e.FetchedAt.IsZero() {
					fmt.Fprintf(w, " captured %s", e.FetchedAt.Format(time.RFC3339))
				}
				if e.SHA256 != "" {
					fmt.Fprintf(w, " sha256:%s", e.SHA256[:16])
				}
				fmt.Fprintln(w)
			}
		}
		return nil
	}
	return tw.Flush()
}

//go:embed report.html.tmpl
var templates embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"rfc3339": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	},
}).ParseFS(templates, "report.html.tmpl"))
