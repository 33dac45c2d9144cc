package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/crawlstats"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/render"
	"github.com/gpai-project/gpai/render/pdf"
)

func (m *Main) summaryCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "summary",
		Short: "Build the public summary of training content (Art 53(1)(d)) in the Commission's template",
		Long: `The public summary of training content is mandatory for every GPAI model,
open-source ones included (Art 53(1)(d)), in the template of the Commission's
notice C(2025) 5235. gpai builds it from data.yaml, the training-data inventory
in the template's structure, and from crawl statistics (gpai crawlstats), which
give the list of most relevant domain names: the top 10% of the domains crawled
by size of content, or for SMEs the top 5% or 1,000, whichever is lower.`,
	}
	c.AddCommand(m.summaryBuildCommand(), m.summaryDiffCommand())
	return c
}

func (m *Main) summaryBuildCommand() *cobra.Command {
	var formats []string
	var stats []string
	var out, asOf, browser string
	c := &cobra.Command{
		Use:   "build DIR",
		Short: "Render the summary as Markdown, HTML, PDF and JSON",
		Long: `build reads gpai.yaml and data.yaml in DIR and the crawl statistics that
data.yaml names (sources.crawled.statistics, relative to DIR) or --stats gives:
JSON written by "gpai crawlstats --out", or manifests, which it aggregates.
It refuses to build while data.yaml has errors, so that an incomplete summary
is never published. It writes summary.{md,html,json} (and .pdf when asked)
into DIR/summary, or --out, each atomically; summary.json records the SHA-256
of every input, so gpai check reports a summary that has gone stale.

PDF printing uses Chromium (Debian's chromium package); --browser names
another binary.`,
		Example: "  gpai summary build examples/open-weight-finetune\n  gpai summary build --format pdf --out public/ my-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			for _, f := range formats {
				if err := checkFormat(f, "md", "html", "json", "pdf"); err != nil {
					return err
				}
			}
			var day gpai.Date
			if asOf == "" {
				day = gpai.Today(time.Now)
			} else {
				d, err := gpai.ParseDate(asOf)
				if err != nil {
					return &usageError{err: fmt.Errorf("--as-of: %v", err), hint: "--as-of 2026-12-01"}
				}
				day = d
			}
			d, _, err := dossier.Load(dir)
			if err != nil {
				return err
			}
			var inv gpai.DataInventory
			doc, err := dossier.LoadFile(dir, gpai.DataFile, &inv)
			if err != nil {
				if gpai.ErrorCode(err) == gpai.ENOTFOUND {
					return gpai.Errorf(gpai.ENOTFOUND, "%s has no %s: write the training-data inventory first (see gpai schema data.yaml, or gpai init --example open-weight-finetune)", dir, gpai.DataFile)
				}
				return err
			}
			var errs []gpai.Finding
			for _, f := range check.DataFindings(d, doc, &inv) {
				if f.Severity == gpai.SeverityError && f.Rule != "SUMMARY-STALE" {
					errs = append(errs, f)
				}
			}
			if len(errs) > 0 {
				for _, f := range errs {
					fmt.Fprintf(c.ErrOrStderr(), "%s: %s: %s\n    fix: %s\n", f.Pos, f.Severity, f.Message, f.Fix)
				}
				return gpai.Errorf(gpai.EINVALID, "%d error(s) in %s: the summary is not built until they are fixed", len(errs), gpai.DataFile)
			}
			inputs := map[string]string{}
			sum, err := fileHash(filepath.Join(dir, gpai.DataFile))
			if err != nil {
				return err
			}
			inputs[gpai.DataFile] = sum
			var files []string
			if inv.Sources.Crawled.Used {
				for _, s := range inv.Sources.Crawled.Statistics {
					files = append(files, filepath.Join(dir, s))
				}
			}
			files = append(files, stats...)
			merged, err := loadStats(c, files, inputs, dir)
			if err != nil {
				return err
			}
			sme := false
			switch d.Facts.Provider.Size {
			case "micro", "small", "medium":
				sme = true
			}
			var ranked []gpai.DomainShare
			for _, r := range merged.RuleList(sme) {
				share := 0.0
				if merged.Bytes > 0 {
					share = float64(r.Bytes) / float64(merged.Bytes)
				}
				ranked = append(ranked, gpai.DomainShare{Domain: r.Name, Records: r.Records, Bytes: r.Bytes, Share: share})
			}
			s := gpai.BuildSummary(d.Facts, &inv, ranked, len(merged.Domains), day)
			s.Inputs = inputs
			if out == "" {
				out = filepath.Join(dir, gpai.SummaryDir)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", out, err)
			}
			if len(formats) == 0 {
				formats = []string{"md", "html", "json"}
			}
			var htmlDoc []byte
			for _, f := range formats {
				var buf bytes.Buffer
				switch f {
				case "pdf":
					if htmlDoc == nil {
						var hb bytes.Buffer
						if err := render.Summary(&hb, s, "html"); err != nil {
							return &internalError{err}
						}
						htmlDoc = hb.Bytes()
					}
					cfg := pdf.DefaultConfig()
					cfg.ExecPath = browser
					cfg.Footer = fmt.Sprintf("Public summary of training content, %s, version %s", s.Provider, s.Version)
					b, err := pdf.Render(c.Context(), htmlDoc, cfg)
					if err != nil {
						return err
					}
					buf.Write(b)
				default:
					if err := render.Summary(&buf, s, f); err != nil {
						return &internalError{err}
					}
					if f == "html" {
						htmlDoc = buf.Bytes()
					}
				}
				path := filepath.Join(out, "summary."+f)
				if err := writeAtomic(path, buf.Bytes()); err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "wrote %s\n", path)
			}
			fmt.Fprintf(c.OutOrStdout(), "domains: %s of %d crawled (%s)\n", gpai.FormatCount(float64(len(ranked))), len(merged.Domains), s.DomainRule)
			return nil
		},
	}
	c.Flags().StringSliceVar(&formats, "format", nil, "formats to write: md, html, json, pdf (default md,html,json)")
	c.Flags().StringArrayVar(&stats, "stats", nil, "crawl statistics JSON or a manifest to add (repeatable)")
	c.Flags().StringVarP(&out, "out", "o", "", "folder to write into (default DIR/summary)")
	c.Flags().StringVar(&asOf, "as-of", "", "date of this update, YYYY-MM-DD (default today; data.yaml's summary.last_update wins)")
	c.Flags().StringVar(&browser, "browser", "", "Chromium binary for PDF (default: chromium on PATH)")
	return c
}

// loadStats merges crawl statistics JSON files and aggregates manifests,
// recording each input's hash under its path relative to dir.
func loadStats(c *cobra.Command, files []string, inputs map[string]string, dir string) (*crawlstats.Stats, error) {
	merged := &crawlstats.Stats{}
	var manifests []string
	for _, f := range files {
		sum, err := fileHash(f)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(dir, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = f
		}
		inputs[filepath.ToSlash(rel)] = sum
		if !strings.HasSuffix(f, ".json") {
			manifests = append(manifests, f)
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot read crawl statistics %s: %v", f, err)
		}
		st, err := crawlstats.ReadJSON(fh)
		fh.Close()
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "%s is not crawl statistics written by gpai crawlstats --out: %v", f, err)
		}
		merged.Merge(st)
	}
	if len(manifests) > 0 {
		cfg := crawlstats.DefaultConfig()
		cfg.Inputs = manifests
		cfg.Progress, cfg.ProgressLive = progressWriter(c)
		st, err := crawlstats.Run(c.Context(), cfg)
		if err != nil {
			return nil, gpai.Errorf(gpai.EINVALID, "%v", err)
		}
		merged.Merge(st)
	}
	return merged, nil
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeAtomic writes data to path through a temporary file in the same
// folder, synced and renamed into place.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(0o644)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", path, werr)
	}
	return nil
}

// progressWriter returns stderr and true when it is a terminal, so long
// jobs show a live progress line there and stay quiet when piped.
func progressWriter(c *cobra.Command) (io.Writer, bool) {
	if f, ok := c.ErrOrStderr().(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return f, true
		}
	}
	return nil, false
}

func (m *Main) summaryDiffCommand() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "diff A B",
		Short: "Show what changed between two versions of the summary",
		Long: `diff compares two built summaries (summary.json files, or dossier folders
whose summary/summary.json is used) item by item: every field of the template
that changed, was added or was removed, and the domains that entered or left
the list.`,
		Example: "  gpai summary diff old/summary.json my-model\n  gpai summary diff --format json a.json b.json",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{err: fmt.Errorf("diff takes two summaries, got %d", len(args)), hint: "gpai summary diff old/summary.json new/summary.json"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			a, err := readSummaryJSON(args[0])
			if err != nil {
				return err
			}
			b, err := readSummaryJSON(args[1])
			if err != nil {
				return err
			}
			changes := diffJSON(a, b)
			if format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				if changes == nil {
					changes = []change{}
				}
				return enc.Encode(changes)
			}
			w := c.OutOrStdout()
			if len(changes) == 0 {
				_, err := fmt.Fprintln(w, "no changes")
				return err
			}
			for _, ch := range changes {
				switch {
				case ch.Before == nil:
					fmt.Fprintf(w, "+ %s: %s\n", ch.Field, show(ch.After))
				case ch.After == nil:
					fmt.Fprintf(w, "- %s: %s\n", ch.Field, show(ch.Before))
				default:
					fmt.Fprintf(w, "~ %s: %s -> %s\n", ch.Field, show(ch.Before), show(ch.After))
				}
			}
			_, err = fmt.Fprintf(w, "%d change(s)\n", len(changes))
			return err
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

func readSummaryJSON(path string) (map[string]any, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, filepath.FromSlash(gpai.SummaryJSON))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read %s: %v (build it with gpai summary build)", path, err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "%s is not a summary.json: %v", path, err)
	}
	if _, ok := v["sources"]; !ok {
		return nil, gpai.Errorf(gpai.EINVALID, "%s is not a summary.json written by gpai summary build", path)
	}
	return v, nil
}

type change struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// diffJSON compares two JSON values field by field. Lists of domains are
// compared as sets keyed by domain, other lists by position.
func diffJSON(a, b map[string]any) []change {
	fa, fb := map[string]any{}, map[string]any{}
	flatten("", a, fa)
	flatten("", b, fb)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		if !strings.HasPrefix(k, "inputs.") && k != "last_update" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []change
	for _, k := range names {
		va, oka := fa[k]
		vb, okb := fb[k]
		if oka && okb && fmt.Sprint(va) == fmt.Sprint(vb) {
			continue
		}
		ch := change{Field: k}
		if oka {
			ch.Before = va
		}
		if okb {
			ch.After = vb
		}
		out = append(out, ch)
	}
	if fmt.Sprint(a["last_update"]) != fmt.Sprint(b["last_update"]) && len(out) > 0 {
		out = append([]change{{Field: "last_update", Before: a["last_update"], After: b["last_update"]}}, out...)
	}
	return out
}

func flatten(prefix string, v any, out map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
	case []any:
		for i, x := range v {
			key := fmt.Sprintf("%s[%d]", prefix, i)
			if m, ok := x.(map[string]any); ok {
				if d, ok := m["domain"].(string); ok {
					key = fmt.Sprintf("%s[%s]", prefix, d)
				} else if n, ok := m["name"].(string); ok {
					key = fmt.Sprintf("%s[%s]", prefix, n)
				}
			}
			flatten(key, x, out)
		}
	default:
		out[prefix] = v
	}
}

func show(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
