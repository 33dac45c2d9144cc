package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/crawlstats"
)

type crawlstatsFlags struct {
	format, out      string
	top, topPercent  int
	rule, sme, quiet bool
	workers          int
	inputFormat      string
}

func (f *crawlstatsFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.format, "format", "text", "output: text, json or csv (csv: domain,records,bytes, bytes descending then domain ascending)")
	fl.StringVarP(&f.out, "out", "o", "", "also write the mergeable statistics (JSON) to this file, atomically")
	fl.IntVar(&f.top, "top", 0, "list only the N largest domains")
	fl.IntVar(&f.topPercent, "top-percent", 0, "list only the largest P percent of domains (rounded up)")
	fl.BoolVar(&f.rule, "rule", false, "list the domains the training-content summary names: the top 10%, or with --sme the top 5% or 1,000")
	fl.BoolVar(&f.sme, "sme", false, "with --rule, the SME variant")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress line, even on a terminal")
}

func (m *Main) crawlstatsCommand() *cobra.Command {
	var f crawlstatsFlags
	c := &cobra.Command{
		Use:   "crawlstats MANIFEST...",
		Short: "Per-domain records, bytes and capture times of crawl manifests, at crawl scale",
		Long: `crawlstats aggregates crawl manifests per registered domain (eTLD+1 under the
Public Suffix List; IP addresses count as themselves): records, bytes (the WARC
record length) and first and last capture. It reads CDXJ (plain or gzip,
including Common Crawl's shards of concatenated gzip members, decompressed in
parallel), Parquet in Common Crawl's columnar-index layout, and CSV or TSV URL
lists with a size column; streaming, on all cores, in memory bounded by the
number of domains. Malformed lines are counted by kind, with examples, and
skipped. A progress line shows on a terminal.

--out writes the statistics as JSON that "gpai crawlstats merge" combines with
those of other shards: merging gives exactly the result of one run over all.
The training-content summary reads these files (data.yaml:
sources.crawled.statistics).`,
		Example: "  gpai crawlstats --rule cc-index/*.cdxj.gz\n  gpai crawlstats --out shard-00.json --format csv shard-00.parquet\n  gpai crawlstats merge --rule --sme shard-*.json",
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{err: fmt.Errorf("name at least one manifest"), hint: "gpai crawlstats crawl.cdxj.gz"}
			}
			if err := f.validate(); err != nil {
				return err
			}
			cfg := crawlstats.DefaultConfig()
			cfg.Inputs = args
			cfg.Workers = f.workers
			cfg.Format = crawlstats.Format(f.inputFormat)
			if !f.quiet {
				cfg.Progress, cfg.ProgressLive = progressWriter(c)
			}
			st, err := crawlstats.Run(c.Context(), cfg)
			if err != nil {
				return gpai.Errorf(gpai.EINVALID, "%v", err)
			}
			return f.emit(c, st)
		},
	}
	f.register(c)
	c.Flags().IntVar(&f.workers, "workers", 0, "goroutines (default: all cores)")
	c.Flags().StringVar(&f.inputFormat, "input-format", "", "format of every input: cdxj, cdxj.gz, parquet, csv, tsv (default: detected per file)")
	merge := &cobra.Command{
		Use:     "merge STATS.json...",
		Short:   "Merge the statistics of shards into one",
		Example: "  gpai crawlstats merge --out crawl.json shard-*.json",
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{err: fmt.Errorf("name at least one statistics file"), hint: "gpai crawlstats merge shard-*.json"}
			}
			if err := f.validate(); err != nil {
				return err
			}
			merged := &crawlstats.Stats{}
			for _, a := range args {
				fh, err := os.Open(a)
				if err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", a, err)
				}
				st, err := crawlstats.ReadJSON(fh)
				fh.Close()
				if err != nil {
					return gpai.Errorf(gpai.EINVALID, "%s is not statistics written by gpai crawlstats --out: %v", a, err)
				}
				merged.Merge(st)
			}
			return f.emit(c, merged)
		},
	}
	f2 := &f
	f2.register(merge)
	c.AddCommand(merge)
	return c
}

func (f *crawlstatsFlags) validate() error {
	if err := checkFormat(f.format, "text", "json", "csv"); err != nil {
		return err
	}
	cuts := 0
	for _, on := range []bool{f.top > 0, f.topPercent > 0, f.rule} {
		if on {
			cuts++
		}
	}
	switch {
	case cuts > 1:
		return &usageError{err: fmt.Errorf("--top, --top-percent and --rule exclude each other"), hint: "gpai crawlstats --rule crawl.cdxj"}
	case f.top < 0 || f.topPercent < 0 || f.topPercent > 100:
		return &usageError{err: fmt.Errorf("--top must be positive and --top-percent between 1 and 100"), hint: "--top-percent 10"}
	case f.sme && !f.rule:
		return &usageError{err: fmt.Errorf("--sme goes with --rule"), hint: "--rule --sme"}
	}
	return nil
}

func (f *crawlstatsFlags) emit(c *cobra.Command, st *crawlstats.Stats) error {
	if f.out != "" {
		var buf bytes.Buffer
		if err := st.WriteJSON(&buf); err != nil {
			return &internalError{err}
		}
		if err := writeAtomic(f.out, buf.Bytes()); err != nil {
			return err
		}
	}
	rows := st.Ranking()
	switch {
	case f.top > 0:
		rows = st.Top(f.top)
	case f.topPercent > 0:
		rows = st.Top(crawlstats.TopPercent(len(st.Domains), f.topPercent))
	case f.rule:
		rows = st.RuleList(f.sme)
	}
	w := c.OutOrStdout()
	switch f.format {
	case "csv":
		return crawlstats.WriteCSV(w, rows)
	case "json":
		type row struct {
			Domain  string    `json:"domain"`
			Records int64     `json:"records"`
			Bytes   int64     `json:"bytes"`
			Share   float64   `json:"share"`
			First   time.Time `json:"first"`
			Last    time.Time `json:"last"`
		}
		out := struct {
			Lines     int64                `json:"lines"`
			Records   int64                `json:"records"`
			Bytes     int64                `json:"bytes"`
			Domains   int                  `json:"domains"`
			Malformed map[string]int64     `json:"malformed"`
			Examples  []crawlstats.Example `json:"malformed_examples"`
			Listed    []row                `json:"listed"`
		}{Lines: st.Lines, Records: st.Records, Bytes: st.Bytes, Domains: len(st.Domains), Malformed: st.Malformed, Examples: st.Examples, Listed: []row{}}
		if out.Malformed == nil {
			out.Malformed = map[string]int64{}
		}
		for _, r := range rows {
			share := 0.0
			if st.Bytes > 0 {
				share = float64(r.Bytes) / float64(st.Bytes)
			}
			out.Listed = append(out.Listed, row{r.Name, r.Records, r.Bytes, share, r.First, r.Last})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return crawlText(w, st, rows)
}

// crawlText writes the statistics as a table for people: right-aligned
// columns, each two spaces wider than its widest cell. The ranking runs to
// hundreds of thousands of rows, so the widths are found first and the rows
// written through one buffer (text/tabwriter held every cell and wrote each
// to the terminal on its own: 2.6 s and 40 MB for 300,000 domains).
func crawlText(w io.Writer, st *crawlstats.Stats, rows []crawlstats.Row) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "%s records, %s bytes, %s domains; %s malformed lines skipped\n",
		gpai.FormatCount(float64(st.Records)), gpai.FormatCount(float64(st.Bytes)), gpai.FormatCount(float64(len(st.Domains))), gpai.FormatCount(float64(st.MalformedLines())))
	kinds := make([]string, 0, len(st.Malformed))
	for kind := range st.Malformed {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		fmt.Fprintf(bw, "  malformed %s: %d\n", kind, st.Malformed[kind])
	}
	for _, ex := range st.Examples {
		line := ex.Line
		if len(line) > 100 {
			line = line[:100] + "..."
		}
		fmt.Fprintf(bw, "  e.g. %s at %s, offset %d: %q\n", ex.Kind, ex.Input, ex.Offset, line)
	}
	share := func(b int64) string {
		if st.Bytes <= 0 {
			return "0.00%"
		}
		return fmt.Sprintf("%.2f%%", 100*float64(b)/float64(st.Bytes))
	}
	// the widest cell of each column; the largest number is the widest
	wRank, wName, wRec, wBytes, wShare := len("RANK"), len("DOMAIN"), len("RECORDS"), len("BYTES"), len("SHARE")
	var maxRec, maxBytes int64
	for _, r := range rows {
		wName = max(wName, utf8.RuneCountInString(r.Name))
		maxRec, maxBytes = max(maxRec, r.Records), max(maxBytes, r.Bytes)
	}
	if len(rows) > 0 {
		wRank = max(wRank, len(strconv.Itoa(len(rows))))
		wRec = max(wRec, len(strconv.FormatInt(maxRec, 10)))
		wBytes = max(wBytes, len(strconv.FormatInt(maxBytes, 10)))
		wShare = max(wShare, len(share(maxBytes)))
	}
	format := fmt.Sprintf("%%%ds%%%ds%%%ds%%%ds%%%ds\n", wRank+2, wName+2, wRec+2, wBytes+2, wShare+2)
	fmt.Fprintf(bw, format, "RANK", "DOMAIN", "RECORDS", "BYTES", "SHARE")
	for i, r := range rows {
		fmt.Fprintf(bw, format, strconv.Itoa(i+1), r.Name, strconv.FormatInt(r.Records, 10), strconv.FormatInt(r.Bytes, 10), share(r.Bytes))
	}
	return bw.Flush()
}
