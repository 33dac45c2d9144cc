package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/render"
	"github.com/gpai-project/gpai/render/pdf"
	"github.com/gpai-project/gpai/yamldoc"
)

// ---------------------------------------------------------------- shared

// safetyDossier loads and assesses the dossier in dir and reads its
// safety/ files.
func safetyDossier(sf *scopeFlags, dir string) (*gpai.Dossier, *gpai.Scope, *check.SafetyFiles, error) {
	d, s, err := sf.assess(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	files, err := check.LoadSafety(d)
	if err != nil {
		return nil, nil, nil, err
	}
	return d, s, files, nil
}

// encodeDocument writes doc in format (md, html, json or pdf) to -o FILE
// atomically, or to standard output.
func encodeDocument(c *cobra.Command, doc *render.Document, format, out, browser, footer string) error {
	f := format
	if f == "pdf" {
		f = "html"
	}
	var buf bytes.Buffer
	if err := doc.Encode(&buf, f); err != nil {
		return &internalError{err}
	}
	b := buf.Bytes()
	if format == "pdf" {
		cfg := pdf.DefaultConfig()
		cfg.ExecPath = browser
		cfg.Footer = footer
		var err error
		if b, err = pdf.Render(c.Context(), b, cfg); err != nil {
			return err
		}
	}
	if out == "" {
		_, err := c.OutOrStdout().Write(b)
		return err
	}
	return writeAtomic(out, b)
}

func documentFlags(c *cobra.Command, format, out, browser *string) {
	c.Flags().StringVar(format, "format", "md", "md, html, pdf or json")
	c.Flags().StringVarP(out, "out", "o", "", "file to write atomically (default standard output)")
	c.Flags().StringVar(browser, "browser", "", "Chromium binary for PDF (default: chromium on PATH)")
}

// ---------------------------------------------------------------- report model

func (m *Main) reportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "Reports assembled from the dossier: the Safety and Security Model Report",
	}
	c.AddCommand(m.reportModelCommand())
	return c
}

func (m *Main) reportModelCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format, out, browser string
	c := &cobra.Command{
		Use:   "model DIR",
		Short: "Assemble the Safety and Security Model Report (Commitment 7) and flag what is missing",
		Long: `model assembles the Safety and Security Model Report of the Code of Practice
(Commitment 7, Measures 7.1-7.6) from safety/model-report.yaml, the Framework
(safety/framework.yaml), the risk register (safety/risks.yaml), the evaluation
records with their random samples (safety/evaluations.yaml) and the mitigations
(safety/mitigations.yaml). Every section the Code requires is present; what the
dossier lacks is marked Missing and listed, with its file:line and fix, in the
last section, which holds exactly the Safety and Security findings of gpai
check. The report is written even when something is missing; the exit
status is then 1 if a missing piece is an error, for CI.`,
		Example: "  gpai report model examples/frontier\n  gpai report model --format pdf -o model-report.pdf examples/frontier",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "md", "html", "pdf", "json"); err != nil {
				return err
			}
			d, s, files, err := safetyDossier(&sf, args[0])
			if err != nil {
				return err
			}
			r := modelReport(d, s, files)
			if err := encodeDocument(c, render.ModelReportDocument(r), format, out, browser,
				"Safety and Security Model Report, "+d.Facts.Provider.Name+", "+d.Facts.Model.Name+" "+d.Facts.Model.Version); err != nil {
				return err
			}
			for _, f := range r.Missing {
				if f.Severity == gpai.SeverityError {
					return &exitError{code: exitFindings}
				}
			}
			return nil
		},
	}
	sf.register(c)
	documentFlags(c, &format, &out, &browser)
	return c
}

// modelReport gathers the report's inputs; missing files become findings.
func modelReport(d *gpai.Dossier, s *gpai.Scope, files *check.SafetyFiles) *render.ModelReport {
	r := &render.ModelReport{Facts: d.Facts, Framework: files.Framework, Risks: files.Risks, Evaluations: files.Evaluations,
		Mitigations: files.Mitigations, Inputs: files.Report, AsOf: s.AsOf, Samples: map[string][]gpai.Sample{}}
	r.Status = gpai.AssessRisks(files.Framework, files.Risks, files.Evaluations, files.Mitigations)
	for _, name := range []string{gpai.ModelReportFile, gpai.FrameworkFile, gpai.RisksFile, gpai.EvaluationsFile, gpai.MitigationsFile} {
		if files.Docs[name] == nil {
			r.Missing = append(r.Missing, gpai.Finding{Severity: gpai.SeverityError, Rule: "SS-MODEL-REPORT", Citation: "Code of Practice, Safety and Security, Commitment 7",
				Pos: gpai.Position{File: filepath.Join(d.Dir, name)}, Message: name + " is missing", Fix: "write it (gpai schema " + name + " describes it)"})
		}
	}
	for _, f := range check.SafetyFindings(d, s, files) {
		if f.Severity >= gpai.SeverityWarning && !strings.HasSuffix(f.Pos.File, gpai.IncidentsFile) {
			r.Missing = append(r.Missing, f)
		}
	}
	if files.Evaluations != nil {
		for _, e := range files.Evaluations.Evaluations {
			ss := append([]gpai.Sample(nil), e.RandomSamples...)
			if e.SamplesFile != "" {
				ss = append(ss, readSamples(filepath.Join(d.Dir, e.SamplesFile))...)
			}
			r.Samples[e.ID] = ss
		}
	}
	return r
}

// readSamples reads a JSON Lines file of samples; unreadable lines are
// skipped (gpai check reports an unreadable file).
func readSamples(path string) []gpai.Sample {
	b, err := yamldoc.ReadFile(path)
	if err != nil || len(b) > yamldoc.MaxSize {
		return nil
	}
	var out []gpai.Sample
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var s gpai.Sample
		if json.Unmarshal([]byte(line), &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// ---------------------------------------------------------------- risk status

func (m *Main) riskCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "risk",
		Short: "Systemic risks: where each stands against the Safety and Security Framework",
	}
	c.AddCommand(m.riskStatusCommand(), m.riskForecastCommand())
	return c
}

func (m *Main) riskStatusCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format string
	c := &cobra.Command{
		Use:   "status DIR",
		Short: "Per risk: current tier, the evidence behind it, acceptance, and what the framework demands next",
		Long: `status compares every threshold of every tier in safety/framework.yaml with the
latest matching result in safety/evaluations.yaml (same risk, task name and
metric; the latest by date). A tier is reached when any of its thresholds is;
a result past a threshold's warn_at is an early warning. The tier applied is
the higher of the register's and the evidence's. A risk is within the
acceptance criteria when that tier is below the risk's unacceptable_from tier
and every mitigation the tiers reached require is implemented.

Exit status 1 when a risk is not within its acceptance criteria.`,
		Example: "  gpai risk status examples/frontier\n  gpai risk status --format json examples/frontier",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "md", "html", "json"); err != nil {
				return err
			}
			d, s, files, err := safetyDossier(&sf, args[0])
			if err != nil {
				return err
			}
			if files.Risks == nil {
				return gpai.Errorf(gpai.ENOTFOUND, "%s has no %s: write the risk register first", args[0], gpai.RisksFile)
			}
			st := gpai.AssessRisks(files.Framework, files.Risks, files.Evaluations, files.Mitigations)
			if format == "text" {
				writeRiskStatus(c.OutOrStdout(), st)
			} else if err := render.RiskStatusDocument(d.Facts, st, s.AsOf).Encode(c.OutOrStdout(), format); err != nil {
				return &internalError{err}
			}
			for _, x := range st {
				if x.Within != nil && !*x.Within {
					return &exitError{code: exitFindings}
				}
			}
			return nil
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "text", "text, md, html or json")
	return c
}

func writeRiskStatus(w io.Writer, st []gpai.RiskStatus) {
	for i, s := range st {
		if i > 0 {
			fmt.Fprintln(w)
		}
		within := "undetermined"
		if s.Within != nil {
			within = map[bool]string{true: "yes", false: "NO"}[*s.Within]
		}
		fmt.Fprintf(w, "%s (%s): tier %s (register %s, evidence %s); within acceptance criteria: %s\n", s.Risk, s.Name, s.Tier, s.StatedTier, s.EvidenceTier, within)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, t := range s.Thresholds {
			th := t.Threshold
			cond := ">="
			if th.Direction == "at-most" {
				cond = "<="
			}
			latest, state := "no evidence", "-"
			if t.Latest != nil {
				latest = fmt.Sprintf("%g (%s, %s)", t.Latest.Value, t.Latest.ID, t.Latest.Date)
				state = "below"
				if t.Reached {
					state = "REACHED"
				} else if t.Warned {
					state = "EARLY WARNING"
				}
			}
			fmt.Fprintf(tw, "  %s\t%s %s %s %g\t%s\t%s\n", t.Tier, th.Evaluation, th.Metric, cond, th.Value, latest, state)
		}
		tw.Flush()
		if len(s.MissingMitigations) > 0 {
			fmt.Fprintf(w, "  missing mitigations: %s\n", strings.Join(s.MissingMitigations, ", "))
		}
		for _, n := range s.Next {
			fmt.Fprintf(w, "  next: %s\n", n)
		}
	}
}

// ---------------------------------------------------------------- incidents

func (m *Main) incidentCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "incident",
		Short: "Serious incidents: record them, follow their report clocks, write their reports",
		Long: `Serious incidents (Code of Practice, Safety and Security, Commitment 9) are
kept in safety/incidents.yaml. The type decides the initial report's clock,
counted in calendar days from awareness of the model's involvement:
critical-infrastructure 2, cybersecurity 5, death 10, harm 15. The day of
awareness is day 0, in the UTC offset the awareness time is written with; a
report is due by the end of day N. Intermediate reports follow at least every
4 weeks after the previous report while the incident is unresolved; the final
report is due 60 days after resolution; the documentation is kept at least 5
years from the later of its date and the incident's. A reclassification to a
stricter type brings the initial deadline forward, still counted from the
original awareness; a less strict one never extends it.

new and update edit safely: the result is validated before it replaces the
file (written to a temporary file and renamed), and comments are kept except
inside the values that change.`,
	}
	c.AddCommand(m.incidentNewCommand(), m.incidentUpdateCommand(), m.incidentListCommand(), m.incidentShowCommand(), m.incidentReportCommand())
	return c
}

// incidentFields are the flags that set an incident's text and date fields.
type incidentFields struct {
	values map[string]*string
}

var incidentFlagNames = []struct{ flag, key, help string }{
	{"title", "title", "short title"},
	{"submitter", "submitter", "provider, authorised-representative or other"},
	{"started", "started", "field 1: start day (YYYY-MM-DD)"},
	{"ended", "ended", "field 1: end day"},
	{"harm", "harm", "field 2: resulting harm"},
	{"affected", "affected", "field 2: victim or affected group"},
	{"chain", "chain_of_events", "field 3: chain of events"},
	{"model", "model", "field 4: model and version involved"},
	{"involvement", "involvement", "field 5: material available on the model's involvement"},
	{"response", "response", "field 6: what was or will be done in response"},
	{"recommendations", "recommendations", "field 7: recommendations to the AI Office and national authorities"},
	{"root-cause", "root_cause", "field 8: root-cause analysis"},
	{"patterns", "monitoring_patterns", "field 9: post-market monitoring patterns"},
}

func (f *incidentFields) register(c *cobra.Command) {
	f.values = map[string]*string{}
	for _, x := range incidentFlagNames {
		f.values[x.key] = c.Flags().String(x.flag, "", x.help)
	}
}

// apply sets the fields whose flags were given.
func (f *incidentFields) apply(c *cobra.Command, inc *gpai.Incident) error {
	for _, x := range incidentFlagNames {
		if !c.Flags().Changed(x.flag) {
			continue
		}
		v := *f.values[x.key]
		switch x.key {
		case "title":
			inc.Title = v
		case "submitter":
			if err := checkFormat(v, "provider", "authorised-representative", "other"); err != nil {
				return &usageError{err: fmt.Errorf("--submitter: %q is not provider, authorised-representative or other", v), hint: "--submitter provider"}
			}
			inc.Submitter = v
		case "started", "ended":
			d, err := gpai.ParseDate(v)
			if err != nil {
				return &usageError{err: fmt.Errorf("--%s: %v", x.flag, err), hint: "--" + x.flag + " 2026-03-06"}
			}
			if x.key == "started" {
				inc.Started = &d
			} else {
				inc.Ended = &d
			}
		case "harm":
			inc.Harm = v
		case "affected":
			inc.Affected = v
		case "chain_of_events":
			inc.ChainOfEvents = v
		case "model":
			inc.Model = v
		case "involvement":
			inc.Involvement = v
		case "response":
			inc.Response = v
		case "recommendations":
			inc.Recommendations = v
		case "root_cause":
			inc.RootCause = v
		case "monitoring_patterns":
			inc.MonitoringPatterns = v
		}
	}
	return nil
}

func parseType(t string) error {
	if _, ok := gpai.InitialReportDays[t]; !ok {
		return &usageError{err: fmt.Errorf("--type %q: use %s", t, strings.Join(gpai.IncidentTypes, ", ")), hint: "--type harm"}
	}
	return nil
}

func parseAware(s string) (gpai.Moment, error) {
	mo, err := gpai.ParseMoment(s)
	if err != nil {
		return mo, &usageError{err: fmt.Errorf("--aware: %v", err), hint: "--aware 2026-03-06T23:59:00+01:00"}
	}
	return mo, nil
}

func (m *Main) incidentNewCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var fields incidentFields
	var id, typ, aware string
	c := &cobra.Command{
		Use:   "new DIR",
		Short: "Record a new serious incident and start its clock",
		Long: `new adds an incident to safety/incidents.yaml (creating it if needed) and
prints the deadline of its initial report. --type and --aware are required:
--aware is when the provider became aware of its model's involvement, as an
RFC 3339 time with its UTC offset (2026-03-06T23:59:00+01:00) or a day.`,
		Example: "  gpai incident new --type cybersecurity --aware 2026-03-06T23:59:00+01:00 --title 'Weights accessed' my-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := parseType(typ); err != nil {
				return err
			}
			mo, err := parseAware(aware)
			if err != nil {
				return err
			}
			day, err := sf.day()
			if err != nil {
				return err
			}
			dir := args[0]
			if _, _, err := dossier.Load(dir); err != nil {
				return err
			}
			var inc gpai.Incident
			err = editIncidents(c, dir, func(log *gpai.IncidentLog) (int, error) {
				if id == "" {
					id = nextIncidentID(log, mo.Day())
				}
				if x, _ := log.Incident(id); x != nil {
					return 0, gpai.Errorf(gpai.ECONFLICT, "incident %s already exists: use gpai incident update", id)
				}
				inc = gpai.Incident{ID: id, Type: typ, Aware: mo, Submitter: "provider"}
				if err := fields.apply(c, &inc); err != nil {
					return 0, err
				}
				inc.Updated = &day
				log.Incidents = append(log.Incidents, inc)
				return len(log.Incidents) - 1, nil
			})
			if err != nil {
				return err
			}
			next, _ := inc.Next(day)
			fmt.Fprintf(c.OutOrStdout(), "recorded %s in %s\ninitial report due by the end of %s (%s)\n", inc.ID, filepath.Join(dir, gpai.IncidentsFile), next.Due, next.Basis)
			return nil
		},
	}
	sf.register(c)
	fields.register(c)
	c.Flags().StringVar(&id, "id", "", "incident id (default INC-YEAR-NNN, the next free number)")
	c.Flags().StringVar(&typ, "type", "", "critical-infrastructure, cybersecurity, death or harm (required)")
	c.Flags().StringVar(&aware, "aware", "", "when the provider became aware of the model's involvement (required)")
	c.MarkFlagRequired("type")
	c.MarkFlagRequired("aware")
	return c
}

func nextIncidentID(log *gpai.IncidentLog, day gpai.Date) string {
	for n := 1; ; n++ {
		id := fmt.Sprintf("INC-%d-%03d", day.Year(), n)
		if x, _ := log.Incident(id); x == nil {
			return id
		}
	}
}

func (m *Main) incidentUpdateCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var fields incidentFields
	var typ, reason, stage, sent, ref, resolved string
	var to []string
	c := &cobra.Command{
		Use:   "update DIR ID",
		Short: "Update an incident: fields, a report sent, resolution, reclassification",
		Long: `update changes the incident ID in safety/incidents.yaml. Field flags replace
the field; --report STAGE --sent TIME records a report sent (to --to,
default ai-office); --resolved DAY records the resolution, which starts the
final report's 60-day clock; --type with --reason reclassifies the incident
(recorded with the day, --as-of or today). The last update day is recorded.`,
		Example: "  gpai incident update --report initial --sent 2026-03-08T10:00:00+01:00 --to ai-office,nca-DE my-model INC-2026-001\n  gpai incident update --type critical-infrastructure --reason 'hospital systems affected' my-model INC-2026-001",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{err: fmt.Errorf("update takes a dossier folder and an incident id, got %d arguments", len(args)), hint: "gpai incident update --resolved 2026-04-01 my-model INC-2026-001"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			day, err := sf.day()
			if err != nil {
				return err
			}
			if c.Flags().Changed("type") {
				if err := parseType(typ); err != nil {
					return err
				}
				if strings.TrimSpace(reason) == "" {
					return &usageError{err: errors.New("a reclassification needs --reason"), hint: "--type death --reason 'the patient died on 3 March'"}
				}
			}
			var sentAt gpai.Moment
			if stage != "" {
				if err := checkFormat(stage, render.IncidentStages...); err != nil {
					return &usageError{err: fmt.Errorf("--report %q: use initial, intermediate or final", stage), hint: "--report initial"}
				}
				if sent == "" {
					return &usageError{err: errors.New("--report needs --sent, when the report was sent"), hint: "--sent 2026-03-08T10:00:00+01:00"}
				}
				if sentAt, err = gpai.ParseMoment(sent); err != nil {
					return &usageError{err: fmt.Errorf("--sent: %v", err), hint: "--sent 2026-03-08T10:00:00+01:00"}
				}
			}
			var res gpai.Date
			if resolved != "" {
				if res, err = gpai.ParseDate(resolved); err != nil {
					return &usageError{err: fmt.Errorf("--resolved: %v", err), hint: "--resolved 2026-04-01"}
				}
			}
			dir, id := args[0], args[1]
			if _, _, err := dossier.Load(dir); err != nil {
				return err
			}
			var inc gpai.Incident
			err = editIncidents(c, dir, func(log *gpai.IncidentLog) (int, error) {
				p, i := log.Incident(id)
				if p == nil {
					return 0, gpai.Errorf(gpai.ENOTFOUND, "no incident %s in %s", id, filepath.Join(dir, gpai.IncidentsFile))
				}
				if err := fields.apply(c, p); err != nil {
					return 0, err
				}
				if c.Flags().Changed("type") && typ != p.Type {
					p.Reclassifications = append(p.Reclassifications, gpai.Reclassification{Date: day, From: p.Type, To: typ, Reason: reason})
					p.Type = typ
				}
				if stage != "" {
					p.Reports = append(p.Reports, gpai.IncidentReport{Stage: stage, Sent: sentAt, To: to, Reference: ref})
				}
				if resolved != "" {
					p.Resolved = &res
				}
				p.Updated = &day
				inc = *p
				return i, nil
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "updated %s\n", id)
			if next, ok := inc.Next(day); ok {
				fmt.Fprintf(c.OutOrStdout(), "next: %s report due by the end of %s (%s)\n", next.Stage, next.Due, next.Basis)
			} else {
				fmt.Fprintf(c.OutOrStdout(), "no report pending; keep the documentation until %s\n", inc.RetainUntil())
			}
			return nil
		},
	}
	sf.register(c)
	fields.register(c)
	c.Flags().StringVar(&typ, "type", "", "reclassify: critical-infrastructure, cybersecurity, death or harm")
	c.Flags().StringVar(&reason, "reason", "", "why the incident is reclassified")
	c.Flags().StringVar(&stage, "report", "", "record a report sent: initial, intermediate or final")
	c.Flags().StringVar(&sent, "sent", "", "when the report was sent (RFC 3339 with offset, or a day)")
	c.Flags().StringSliceVar(&to, "to", []string{"ai-office"}, "recipients: ai-office, and national authorities as nca-XX")
	c.Flags().StringVar(&ref, "reference", "", "the recipient's reference for the report")
	c.Flags().StringVar(&resolved, "resolved", "", "day the incident was resolved (YYYY-MM-DD)")
	return c
}

func (m *Main) incidentListCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format string
	c := &cobra.Command{
		Use:   "list DIR",
		Short: "List incidents with their next report, its deadline, and overdue or due-soon state",
		Long: `list shows every incident with its next pending report (stage, due day,
days left, state), or none, and how long its documentation is kept. A
report is due soon within 7 days. Exit status 1 when a report is overdue.`,
		Example: "  gpai incident list examples/frontier\n  gpai incident list --as-of 2026-12-07 --format json examples/frontier",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			day, log, err := loadIncidents(&sf, args[0])
			if err != nil {
				return err
			}
			type row struct {
				ID          string             `json:"id"`
				Title       string             `json:"title"`
				Type        string             `json:"type"`
				Aware       gpai.Moment        `json:"aware"`
				Resolved    *gpai.Date         `json:"resolved"`
				Next        *gpai.ReportClock  `json:"next"`
				Clocks      []gpai.ReportClock `json:"clocks"`
				RetainUntil gpai.Date          `json:"retain_until"`
			}
			var rows []row
			overdue := false
			for _, inc := range log.Incidents {
				r := row{ID: inc.ID, Title: inc.Title, Type: inc.Type, Aware: inc.Aware, Resolved: inc.Resolved, Clocks: inc.Clocks(day), RetainUntil: inc.RetainUntil()}
				if n, ok := inc.Next(day); ok {
					r.Next = &n
					overdue = overdue || n.Status == gpai.ClockOverdue
				}
				rows = append(rows, r)
			}
			w := c.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					AsOf      gpai.Date `json:"as_of"`
					Incidents []row     `json:"incidents"`
				}{day, rows}); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tTYPE\tAWARE\tRESOLVED\tNEXT REPORT\tDUE\tSTATE\tKEEP UNTIL\n")
				for _, r := range rows {
					res := "open"
					if r.Resolved != nil {
						res = r.Resolved.String()
					}
					next, due, state := "-", "-", "none pending"
					if r.Next != nil {
						next, due = r.Next.Stage, r.Next.Due.String()
						state = clockState(*r.Next)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.Aware, res, next, due, state, r.RetainUntil)
				}
				tw.Flush()
				if len(rows) == 0 {
					fmt.Fprintln(w, "no incidents recorded")
				}
			}
			if overdue {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func clockState(c gpai.ReportClock) string {
	switch c.Status {
	case gpai.ClockOverdue:
		return fmt.Sprintf("OVERDUE by %d days", -c.Days)
	case gpai.ClockDueToday:
		return "DUE TODAY"
	case gpai.ClockDueSoon:
		return fmt.Sprintf("due soon, in %d days", c.Days)
	case gpai.ClockUpcoming:
		return fmt.Sprintf("in %d days", c.Days)
	case gpai.ClockLate:
		return "sent late, " + c.Sent.String()
	case gpai.ClockSent:
		return "sent " + c.Sent.String()
	}
	return c.Status
}

func loadIncidents(sf *scopeFlags, dir string) (gpai.Date, *gpai.IncidentLog, error) {
	day, err := sf.day()
	if err != nil {
		return day, nil, err
	}
	d, _, err := dossier.Load(dir)
	if err != nil {
		return day, nil, err
	}
	var log gpai.IncidentLog
	if _, err := dossier.LoadFile(d.Dir, gpai.IncidentsFile, &log); err != nil {
		if gpai.ErrorCode(err) == gpai.ENOTFOUND {
			return day, &gpai.IncidentLog{Format: 1}, nil
		}
		return day, nil, err
	}
	return day, &log, nil
}

func twoArgs(use string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != 2 {
			return &usageError{err: fmt.Errorf("%s takes a dossier folder and an incident id, got %d arguments", c.Name(), len(args)), hint: use}
		}
		return nil
	}
}

func (m *Main) incidentShowCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format string
	c := &cobra.Command{
		Use:     "show DIR ID",
		Short:   "Show an incident: its Measure 9.2 fields, reports, and every report clock",
		Example: "  gpai incident show examples/frontier INC-2026-002",
		Args:    twoArgs("gpai incident show examples/frontier INC-2026-001"),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			day, log, err := loadIncidents(&sf, args[0])
			if err != nil {
				return err
			}
			inc, _ := log.Incident(args[1])
			if inc == nil {
				return gpai.Errorf(gpai.ENOTFOUND, "no incident %s in %s", args[1], filepath.Join(args[0], gpai.IncidentsFile))
			}
			w := c.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					AsOf        gpai.Date          `json:"as_of"`
					Incident    *gpai.Incident     `json:"incident"`
					Clocks      []gpai.ReportClock `json:"clocks"`
					RetainUntil gpai.Date          `json:"retain_until"`
				}{day, inc, inc.Clocks(day), inc.RetainUntil()})
			}
			fmt.Fprintf(w, "%s: %s\ntype: %s (initial report within %d days; governing type %s)\naware: %s\n", inc.ID, inc.Title, inc.Type, gpai.InitialReportDays[inc.InitialType()], inc.InitialType(), inc.Aware)
			for _, r := range inc.Reclassifications {
				fmt.Fprintf(w, "reclassified %s: %s -> %s (%s)\n", r.Date, r.From, r.To, r.Reason)
			}
			for _, f := range inc.Fields() {
				v := f.Value
				if strings.TrimSpace(v) == "" {
					v = "(not yet available)"
				}
				fmt.Fprintf(w, "%d. %s: %s\n", f.N, f.Label, v)
			}
			fmt.Fprintln(w, "\nreports:")
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "  STAGE\tDUE\tSTATE\tBASIS\n")
			for _, cl := range inc.Clocks(day) {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", cl.Stage, cl.Due, clockState(cl), cl.Basis)
			}
			tw.Flush()
			fmt.Fprintf(w, "keep the documentation until %s\n", inc.RetainUntil())
			return nil
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func (m *Main) incidentReportCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var stage, format, out, browser string
	c := &cobra.Command{
		Use:   "report DIR ID",
		Short: "Write an incident's initial, intermediate or final report (md, html, pdf, json)",
		Long: `report writes the serious-incident report of --stage with the content Measure
9.3 requires: the initial report fields 1-7 of Measure 9.2, intermediate and
final reports all nine. Information not yet available is marked so and
listed. Without --stage, the next pending report's stage is used. The report
date is --as-of (default today, UTC).`,
		Example: "  gpai incident report --stage initial --format pdf -o initial.pdf my-model INC-2026-001",
		Args:    twoArgs("gpai incident report --stage initial examples/frontier INC-2026-002"),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "md", "html", "pdf", "json"); err != nil {
				return err
			}
			if stage != "" {
				if err := checkFormat(stage, render.IncidentStages...); err != nil {
					return &usageError{err: fmt.Errorf("--stage %q: use initial, intermediate or final", stage), hint: "--stage initial"}
				}
			}
			day, log, err := loadIncidents(&sf, args[0])
			if err != nil {
				return err
			}
			inc, _ := log.Incident(args[1])
			if inc == nil {
				return gpai.Errorf(gpai.ENOTFOUND, "no incident %s in %s", args[1], filepath.Join(args[0], gpai.IncidentsFile))
			}
			if stage == "" {
				stage = gpai.StageInitial
				if n, ok := inc.Next(day); ok {
					stage = n.Stage
				} else if inc.Resolved != nil {
					stage = gpai.StageFinal
				}
			}
			d, _, err := dossier.Load(args[0])
			if err != nil {
				return err
			}
			doc, err := render.IncidentReportDocument(d.Facts, inc, stage, day)
			if err != nil {
				return err
			}
			return encodeDocument(c, doc, format, out, browser, "Serious incident "+inc.ID+", "+stage+" report, "+d.Facts.Provider.Name)
		},
	}
	sf.register(c)
	c.Flags().StringVar(&stage, "stage", "", "initial, intermediate or final (default: the next pending report)")
	documentFlags(c, &format, &out, &browser)
	return c
}

// ---------------------------------------------------------------- safe editing

// editIncidents applies edit to safety/incidents.yaml in dir and writes
// the result atomically. edit changes the log and returns the index of the
// incident it added or changed. The file must be valid before the edit;
// the result is validated before it replaces the file. Comments are kept
// by editing the YAML syntax tree (goccy/go-yaml) and replacing only the
// changed keys of the one incident; when that cannot reproduce the edit
// exactly, the file is rewritten from the data and a note says comments
// were lost.
func editIncidents(c *cobra.Command, dir string, edit func(*gpai.IncidentLog) (int, error)) error {
	path := filepath.Join(dir, gpai.IncidentsFile)
	data, err := yamldoc.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
	}
	var before gpai.IncidentLog
	if exists {
		if _, err := dossier.ParseFile(path, gpai.IncidentsFile, data, &before); err != nil {
			return err
		}
	} else {
		before.Format = 1
	}
	var after gpai.IncidentLog
	if err := roundTrip(&before, &after); err != nil {
		return &internalError{err}
	}
	idx, err := edit(&after)
	if err != nil {
		return err
	}
	var out []byte
	if exists {
		out, err = editTree(data, &before, &after, idx)
		if err == nil {
			err = sameLog(path, out, &after)
		}
		if err != nil {
			fmt.Fprintf(c.ErrOrStderr(), "gpai: note: %s was rewritten from its data; comments in it were not kept (%v)\n", path, err)
			out = nil
		}
	}
	if out == nil {
		out, err = marshalLog(&after, !exists)
		if err != nil {
			return &internalError{err}
		}
		if err := sameLog(path, out, &after); err != nil {
			return &internalError{err}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", filepath.Dir(path), err)
	}
	return writeAtomic(path, out)
}

func roundTrip(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// sameLog validates out as incidents.yaml and checks it holds want.
func sameLog(path string, out []byte, want *gpai.IncidentLog) error {
	var got gpai.IncidentLog
	if _, err := dossier.ParseFile(path, gpai.IncidentsFile, out, &got); err != nil {
		return err
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) {
		return errors.New("the edited file does not hold the intended data")
	}
	return nil
}

func toYAML(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

const incidentsHeader = `# yaml-language-server: $schema=https://gpai.dev/schema/safety-incidents.schema.json
#
# incidents.yaml: serious incidents (Code of Practice, Safety and Security,
# Commitment 9), kept by gpai incident new|update. See the clocks with
# gpai incident list.
`

func marshalLog(l *gpai.IncidentLog, header bool) ([]byte, error) {
	b, err := toYAML(l)
	if err != nil {
		return nil, err
	}
	if header {
		b = append([]byte(incidentsHeader), b...)
	}
	return b, nil
}

// editTree applies the change from before to after of incident idx to the
// YAML source, keeping its comments.
func editTree(src []byte, before, after *gpai.IncidentLog, idx int) ([]byte, error) {
	file, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if idx >= len(before.Incidents) {
		if len(before.Incidents) == 0 {
			return nil, errors.New("the file has no incident to append to")
		}
		item, err := toYAML([]gpai.Incident{after.Incidents[idx]})
		if err != nil {
			return nil, err
		}
		p, err := yaml.PathString("$.incidents")
		if err != nil {
			return nil, err
		}
		if err := p.MergeFromReader(file, bytes.NewReader(item)); err != nil {
			return nil, err
		}
		return []byte(file.String() + "\n"), nil
	}
	old, err := orderedFields(before.Incidents[idx])
	if err != nil {
		return nil, err
	}
	cur, err := orderedFields(after.Incidents[idx])
	if err != nil {
		return nil, err
	}
	oldVal := map[string]json.RawMessage{}
	for _, kv := range old {
		oldVal[kv.key] = kv.val
	}
	for _, kv := range cur {
		if prev, ok := oldVal[kv.key]; ok && bytes.Equal(prev, kv.val) {
			continue
		}
		val, err := yaml.JSONToYAML(kv.val)
		if err != nil {
			return nil, err
		}
		base := fmt.Sprintf("$.incidents[%d]", idx)
		if _, ok := oldVal[kv.key]; ok {
			p, err := yaml.PathString(base + "." + kv.key)
			if err != nil {
				return nil, err
			}
			if err := p.ReplaceWithReader(file, bytes.NewReader(val)); err != nil {
				return nil, err
			}
			continue
		}
		entry, err := toYAML(map[string]json.RawMessage{kv.key: kv.val})
		if err != nil {
			return nil, err
		}
		p, err := yaml.PathString(base)
		if err != nil {
			return nil, err
		}
		if err := p.MergeFromReader(file, bytes.NewReader(entry)); err != nil {
			return nil, err
		}
	}
	return []byte(file.String() + "\n"), nil
}

type keyVal struct {
	key string
	val json.RawMessage
}

// orderedFields returns the JSON fields of an incident in struct order.
func orderedFields(inc gpai.Incident) ([]keyVal, error) {
	b, err := json.Marshal(inc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []keyVal
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		out = append(out, keyVal{t.(string), raw})
	}
	return out, nil
}
