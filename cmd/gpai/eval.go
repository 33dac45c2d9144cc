package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/evallog"
	"github.com/gpai-project/gpai/forecast"
)

func (m *Main) evalCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "eval",
		Short: "Evaluation evidence: import Inspect and lm-evaluation-harness results into the dossier",
	}
	c.AddCommand(m.evalImportCommand())
	return c
}

func (m *Main) evalImportCommand() *cobra.Command {
	var dir, risk, format string
	var dry bool
	c := &cobra.Command{
		Use:   "import LOG...",
		Short: "Add the results of evaluation logs to safety/evaluations.yaml, with their provenance",
		Long: `import reads UK AISI Inspect logs (.eval archives and .json) and EleutherAI
lm-evaluation-harness results (.json), and appends one record per metric to
the dossier's safety/evaluations.yaml: model, checkpoint, date, sample count,
scorer, metric, value, standard error and provenance (tool and version, the
log's path and SHA-256, run and git hash). Each record is mapped to the risk
whose framework threshold names its task and metric, with that tier and
threshold; --risk maps records no threshold names. A record already imported
(same log hash, task, scorer and metric) is skipped, so importing twice is
harmless. Comments in evaluations.yaml are kept.`,
		Example: "  gpai eval import --dossier my-model logs/2026-01-28T09-41-07_wmdp.eval\n  gpai eval import --dossier my-model --risk CYBER results_*.json",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{err: fmt.Errorf("name at least one evaluation log"), hint: "gpai eval import --dossier DIR logs/run.eval"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			d, _, err := dossier.Load(dir)
			if err != nil {
				return err
			}
			files, err := check.LoadSafety(d)
			if err != nil {
				return err
			}
			var existing []gpai.Evaluation
			if files.Evaluations != nil {
				existing = files.Evaluations.Evaluations
			}
			seen := map[string]bool{}
			ids := map[string]bool{}
			for _, e := range existing {
				seen[evalKey(e.Provenance.SHA256, e.Name, e.Scorer, e.Metric, e.Checkpoint)] = true
				ids[e.ID] = true
			}
			type outcome struct {
				Log     string  `json:"log"`
				Task    string  `json:"task"`
				Metric  string  `json:"metric"`
				Value   float64 `json:"value"`
				ID      string  `json:"id,omitempty"`
				Risk    string  `json:"risk,omitempty"`
				Tier    string  `json:"tier,omitempty"`
				Outcome string  `json:"outcome"` // added, duplicate, unmapped
			}
			var outcomes []outcome
			var added []gpai.Evaluation
			for _, path := range args {
				results, err := evallog.ReadFile(path)
				if err != nil {
					return gpai.Errorf(gpai.EINVALID, "%v", err)
				}
				for _, r := range results {
					o := outcome{Log: path, Task: r.Task, Metric: r.Metric, Value: r.Value}
					key := evalKey(r.Provenance[evallog.KeySHA256], r.Task, r.Scorer, r.Metric, r.Checkpoint)
					if seen[key] {
						o.Outcome = "duplicate"
						outcomes = append(outcomes, o)
						continue
					}
					e := toEvaluation(r, path, dir)
					if fr, tier, th, ok := findThreshold(files.Framework, r.Task, r.Metric); ok {
						e.Risk, e.Tier = fr, tier
						v := th.Value
						e.Threshold = &v
					} else if risk != "" {
						e.Risk = risk
					} else {
						o.Outcome = "unmapped"
						outcomes = append(outcomes, o)
						continue
					}
					e.ID = uniqueID(ids, e)
					ids[e.ID] = true
					seen[key] = true
					added = append(added, e)
					o.ID, o.Risk, o.Tier, o.Outcome = e.ID, e.Risk, e.Tier, "added"
					outcomes = append(outcomes, o)
				}
			}
			if len(added) > 0 && !dry {
				if err := appendEvaluations(dir, files, added); err != nil {
					return err
				}
			}
			if format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(outcomes)
			}
			w := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "OUTCOME\tID\tRISK\tTIER\tTASK\tMETRIC\tVALUE")
			unmapped := 0
			for _, o := range outcomes {
				if o.Outcome == "unmapped" {
					unmapped++
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%g\n", o.Outcome, def(o.ID, "-"), def(o.Risk, "-"), def(o.Tier, "-"), o.Task, o.Metric, o.Value)
			}
			w.Flush()
			verb := "added to"
			if dry {
				verb = "would be added to (--dry-run)"
			}
			fmt.Fprintf(c.OutOrStdout(), "%d record(s) %s %s\n", len(added), verb, filepath.Join(dir, filepath.FromSlash(gpai.EvaluationsFile)))
			if unmapped > 0 {
				fmt.Fprintf(c.OutOrStdout(), "%d result(s) not imported: no framework threshold names their task and metric; map them with --risk ID\n", unmapped)
			}
			return nil
		},
	}
	c.Flags().StringVar(&dir, "dossier", ".", "the dossier folder")
	c.Flags().StringVar(&risk, "risk", "", "risk id for results no framework threshold names")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	c.Flags().BoolVar(&dry, "dry-run", false, "show what would be added without writing")
	return c
}

func evalKey(sha, task, scorer, metric, checkpoint string) string {
	return strings.Join([]string{sha, task, scorer, metric, checkpoint}, "\x00")
}

// findThreshold finds the framework threshold that names task and metric,
// preferring the lowest tier.
func findThreshold(f *gpai.Framework, task, metric string) (risk, tier string, th gpai.Threshold, ok bool) {
	if f == nil {
		return "", "", gpai.Threshold{}, false
	}
	for _, r := range f.Risks {
		for _, t := range r.Tiers {
			for _, x := range t.Thresholds {
				if x.Evaluation == task && x.Metric == metric {
					return r.Risk, t.ID, x, true
				}
			}
		}
	}
	return "", "", gpai.Threshold{}, false
}

var idRE = regexp.MustCompile(`[^a-z0-9]+`)

func uniqueID(ids map[string]bool, e gpai.Evaluation) string {
	base := strings.Trim(idRE.ReplaceAllString(strings.ToLower(e.Name+"-"+e.Metric+"-"+def(e.Checkpoint, e.Date.Format("20060102"))), "-"), "-")
	if len(base) > 60 {
		base = base[:60]
	}
	id := base
	for i := 2; ids[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id
}

func toEvaluation(r evallog.Result, path, dir string) gpai.Evaluation {
	e := gpai.Evaluation{Name: r.Task, Model: r.Model, Checkpoint: r.Checkpoint, Samples: r.Samples, Scorer: def(r.Scorer, "none"), Metric: r.Metric, Value: r.Value, Stderr: r.StdErr}
	if !r.Date.IsZero() {
		y, mo, dd := r.Date.UTC().Date()
		e.Date = gpai.NewDate(y, mo, dd)
	} else {
		e.Date = gpai.Today(time.Now)
	}
	rel := path
	if abs, err := filepath.Abs(path); err == nil {
		if ad, err := filepath.Abs(dir); err == nil {
			if r, err := filepath.Rel(ad, abs); err == nil && !strings.HasPrefix(r, "..") {
				rel = filepath.ToSlash(r)
			}
		}
	}
	p := gpai.Provenance{Tool: r.Provenance[evallog.KeyTool], Version: r.Provenance[evallog.KeyToolVersion], Log: rel,
		SHA256: r.Provenance[evallog.KeySHA256], Run: def(r.Provenance[evallog.KeyRunID], r.Provenance[evallog.KeyEvalID])}
	if p.Tool == "" {
		p.Tool = string(r.Format)
	}
	for k, v := range r.Provenance {
		switch k {
		case evallog.KeyTool, evallog.KeyToolVersion, evallog.KeyFile, evallog.KeySHA256, evallog.KeyRunID:
			continue
		}
		if p.Details == nil {
			p.Details = map[string]string{}
		}
		p.Details[k] = v
	}
	e.Provenance = p
	return e
}

// appendEvaluations adds records to safety/evaluations.yaml, appending
// their YAML to the end of the evaluations list so the user's comments
// stay; when the file's layout does not allow that, it is rewritten from
// the data and a note says the comments were lost. The result is checked
// by parsing it back before it replaces the file.
func appendEvaluations(dir string, files *check.SafetyFiles, added []gpai.Evaluation) error {
	path := filepath.Join(dir, filepath.FromSlash(gpai.EvaluationsFile))
	want := gpai.EvaluationLog{Format: 1}
	if files.Evaluations != nil {
		want = *files.Evaluations
	}
	want.Evaluations = append(append([]gpai.Evaluation(nil), want.Evaluations...), added...)
	src, err := os.ReadFile(path)
	var out []byte
	if err == nil {
		if b, ok := appendToList(src, added); ok && sameEvaluations(path, b, &want) {
			out = b
		}
	}
	if out == nil {
		b, err := toYAML(want)
		if err != nil {
			return &internalError{err}
		}
		if len(src) > 0 {
			fmt.Fprintf(os.Stderr, "gpai: %s was rewritten from its data; its comments were not kept\n", path)
		}
		out = append([]byte("# yaml-language-server: $schema=https://gpai.dev/schema/safety-evaluations.schema.json\n# evaluations.yaml: evaluation records (gpai eval import).\n"), b...)
		if !sameEvaluations(path, out, &want) {
			return &internalError{fmt.Errorf("writing %s would not round-trip", path)}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", filepath.Dir(path), err)
	}
	return writeAtomic(path, out)
}

// appendToList appends the records' YAML after the file's last line when
// the evaluations list is the file's last top-level key, indented as the
// list's first item is.
func appendToList(src []byte, added []gpai.Evaluation) ([]byte, bool) {
	lines := strings.Split(string(src), "\n")
	lastKey, indent := "", -1
	for i, l := range lines {
		if len(l) > 0 && l[0] != ' ' && l[0] != '#' && l[0] != '-' {
			lastKey = strings.SplitN(l, ":", 2)[0]
			if lastKey == "evaluations" {
				for _, n := range lines[i+1:] {
					t := strings.TrimLeft(n, " ")
					if strings.HasPrefix(t, "- ") {
						indent = len(n) - len(t)
						break
					}
				}
			}
		}
	}
	if lastKey != "evaluations" || indent < 0 {
		return nil, false
	}
	b, err := toYAML(added)
	if err != nil {
		return nil, false
	}
	pad := strings.Repeat(" ", indent)
	var buf bytes.Buffer
	buf.Write(bytes.TrimRight(src, "\n"))
	buf.WriteString("\n")
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		buf.WriteString(pad + l + "\n")
	}
	return buf.Bytes(), true
}

func sameEvaluations(path string, data []byte, want *gpai.EvaluationLog) bool {
	var got gpai.EvaluationLog
	if _, err := dossier.ParseFile(path, gpai.EvaluationsFile, data, &got); err != nil {
		return false
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	return bytes.Equal(a, b)
}

func (m *Main) riskForecastCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var riskID, by, format string
	var level float64
	c := &cobra.Command{
		Use:   "forecast DIR",
		Short: "Estimate when each risk will cross its next tier, from its evaluation series",
		Long: `forecast fits, for each framework threshold not yet reached, the series of
evaluation results that measure it (by evaluation date, or by checkpoint in
the order the results were recorded) and estimates when the series will
cross the threshold, with a prediction interval (inverse regression with
Fieller's interval; a logistic fit for metrics in [0, 1]). It says plainly
when no honest forecast exists: fewer than 3 points, no significant trend,
a crossing far beyond the data, or an interval the noise leaves unbounded.
This is the timeline estimate of Safety and Security Measure 1.1(2)(c).`,
		Example: "  gpai risk forecast examples/frontier\n  gpai risk forecast --risk CYBER --by checkpoint --format json my-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if err := checkFormat(by, "date", "checkpoint"); err != nil {
				return err
			}
			if level <= 0 || level >= 1 {
				return &usageError{err: fmt.Errorf("--level must be between 0 and 1"), hint: "--level 0.8"}
			}
			_, _, files, err := safetyDossier(&sf, args[0])
			if err != nil {
				return err
			}
			if files.Framework == nil || files.Evaluations == nil {
				return gpai.Errorf(gpai.ENOTFOUND, "%s needs safety/framework.yaml and safety/evaluations.yaml to forecast", args[0])
			}
			type row struct {
				Risk      string  `json:"risk"`
				Tier      string  `json:"tier"`
				Task      string  `json:"evaluation"`
				Metric    string  `json:"metric"`
				Threshold float64 `json:"threshold"`
				Points    int     `json:"points"`
				Status    string  `json:"status"`
				Estimate  string  `json:"estimate,omitempty"`
				Low       string  `json:"low,omitempty"`
				High      string  `json:"high,omitempty"`
				Reason    string  `json:"reason,omitempty"`
				Method    string  `json:"method,omitempty"`
			}
			var rows []row
			for _, fr := range files.Framework.Risks {
				if riskID != "" && fr.Risk != riskID {
					continue
				}
				for _, t := range fr.Tiers {
					for _, th := range t.Thresholds {
						var series []gpai.Evaluation
						for _, e := range files.Evaluations.Evaluations {
							if e.Name == th.Evaluation && e.Metric == th.Metric {
								series = append(series, e)
							}
						}
						sort.SliceStable(series, func(i, j int) bool { return series[i].Date.Before(series[j].Date.Time) })
						pts := make([]forecast.Point, len(series))
						bounded := true
						for i, e := range series {
							x := float64(i + 1)
							if by == "date" {
								x = yearOf(e.Date)
							}
							pts[i] = forecast.Point{X: x, Y: e.Value}
							bounded = bounded && e.Value >= 0 && e.Value <= 1
						}
						cfg := forecast.DefaultConfig()
						cfg.Level = level
						cfg.Decreasing = th.Direction == "at-most"
						if bounded && th.Value > 0 && th.Value < 1 {
							cfg.Model = forecast.Logistic
						}
						r := row{Risk: fr.Risk, Tier: t.ID, Task: th.Evaluation, Metric: th.Metric, Threshold: th.Value, Points: len(pts)}
						fc, err := forecast.Estimate(pts, th.Value, cfg)
						switch {
						case err != nil:
							r.Status, r.Reason = "error", err.Error()
						case fc.Status == forecast.OK:
							r.Status, r.Method = "forecast", fc.Method
							r.Estimate, r.Low, r.High = xText(fc.Crossing, by), xText(fc.Low, by), xText(fc.High, by)
						default:
							r.Status, r.Reason, r.Method = "no-forecast", fc.Reason, fc.Method
						}
						rows = append(rows, r)
					}
				}
			}
			if format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				if rows == nil {
					return enc.Encode([]row{})
				}
				return enc.Encode(rows)
			}
			w := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintf(w, "RISK\tTIER\tEVALUATION\tTHRESHOLD\tPOINTS\tFORECAST (%.0f%% interval)\n", 100*level)
			for _, r := range rows {
				f := "no forecast: " + r.Reason
				if r.Status == "forecast" {
					f = fmt.Sprintf("%s [%s, %s]", r.Estimate, r.Low, r.High)
				}
				fmt.Fprintf(w, "%s\t%s\t%s %s\t%g\t%d\t%s\n", r.Risk, r.Tier, r.Task, r.Metric, r.Threshold, r.Points, f)
			}
			return w.Flush()
		},
	}
	sf.register(c)
	c.Flags().StringVar(&riskID, "risk", "", "only this risk")
	c.Flags().StringVar(&by, "by", "date", "x axis: date (evaluation date) or checkpoint (order of the results)")
	c.Flags().Float64Var(&level, "level", 0.8, "confidence level of the interval")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

// yearOf returns the day as a fractional year.
func yearOf(d gpai.Date) float64 {
	start := time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	return float64(d.Year()) + d.Sub(start).Hours()/end.Sub(start).Hours()
}

func xText(x float64, by string) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "unbounded"
	}
	if by == "checkpoint" {
		return fmt.Sprintf("checkpoint %.1f", x)
	}
	y := math.Floor(x)
	start := time.Date(int(y), 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	t := start.Add(time.Duration((x - y) * float64(end.Sub(start))))
	return t.Format("2006-01-02")
}
