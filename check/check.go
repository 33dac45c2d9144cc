// Package check runs gpai's check of a dossier: it assesses the model's
// scope under the rulebook as of a day, turns the state of every
// applicable obligation into findings, runs the validators of the dossier's
// files, and encodes the result as text, JSON, SARIF 2.1.0 or JUnit XML.
package check

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gpai-project/gpai"
)

// DueSoonDays is how close a deadline must be for a warning.
const DueSoonDays = 30

// A Report is the result of a check.
type Report struct {
	Tool     string         `json:"tool"`
	Version  string         `json:"version"`
	Dossier  string         `json:"dossier"`
	Scope    *gpai.Scope    `json:"scope"`
	Findings []gpai.Finding `json:"findings"`
	FailOn   gpai.Severity  `json:"fail_on"`
}

// Counts returns the number of findings of each severity.
func (r *Report) Counts() (errors, warnings, infos int) {
	return gpai.CountFindings(r.Findings)
}

// Failed reports whether any finding is at or above FailOn.
func (r *Report) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity >= r.FailOn {
			return true
		}
	}
	return false
}

// Run checks the dossier d, already assessed as s, with the given
// validators, and returns the findings sorted by file, line and rule.
func Run(ctx context.Context, d *gpai.Dossier, s *gpai.Scope, validators []gpai.Validator) ([]gpai.Finding, error) {
	var out []gpai.Finding
	for _, v := range validators {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fs, err := v.Validate(ctx, d, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name(), err)
		}
		out = append(out, fs...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Rule < b.Rule
	})
	return out, nil
}

// Validators returns the validators of this version of gpai, in the order
// they run. A feature that adds a dossier file adds its validator here.
func Validators() []gpai.Validator {
	return []gpai.Validator{Obligations{}, Compute{}, Documentation{}, Data{}, Copyright{}, Safety{}, Files{}}
}

// Obligations turns the state of every applicable obligation into
// findings: overdue ones at the rule's severity, deadlines that cannot be
// computed and those due within DueSoonDays as warnings, later ones as
// information.
type Obligations struct{}

// Name returns "obligations".
func (Obligations) Name() string { return "obligations" }

// Validate implements gpai.Validator.
func (Obligations) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	var out []gpai.Finding
	for _, o := range s.Obligations {
		field := o.Field
		if field == "" {
			// Deadlines run from placement unless the rule says otherwise.
			field = "dates.eu_placement"
		}
		f := gpai.Finding{Rule: o.Rule, Citation: o.Citation, Pos: d.Pos(field), Field: field, Fix: o.Fix}
		switch o.Status {
		case gpai.StatusOverdue:
			sev, err := gpai.ParseSeverity(o.Severity)
			if err != nil {
				sev = gpai.SeverityError
			}
			f.Severity = sev
			f.Message = fmt.Sprintf("%s: due %s, %d days ago, and the dossier does not show it met", o.Title, o.Due, -s.DaysUntil(*o.Due))
			if len(o.Demands) > 0 {
				f.Message += " (" + strings.Join(o.Demands, ", ") + " missing)"
			}
		case gpai.StatusDueToday:
			f.Severity = gpai.SeverityWarning
			f.Message = fmt.Sprintf("%s: due today", o.Title)
		case gpai.StatusUpcoming:
			days := s.DaysUntil(*o.Due)
			f.Severity = gpai.SeverityInfo
			if days <= DueSoonDays {
				f.Severity = gpai.SeverityWarning
			}
			what := "due"
			if o.Every != "" {
				what = "next due"
			}
			f.Message = fmt.Sprintf("%s: %s %s, in %d days", o.Title, what, o.Due, days)
		case gpai.StatusUnknown:
			f.Severity = gpai.SeverityWarning
			f.Message = fmt.Sprintf("%s: its deadline cannot be computed from the dossier", o.Title)
			if f.Fix == "" {
				f.Fix = "add the dates it depends on to gpai.yaml (usually dates.eu_placement)"
			}
		default:
			continue
		}
		out = append(out, f)
	}
	for _, name := range s.Unknown {
		field, fix := unknownFact(name)
		out = append(out, gpai.Finding{Severity: gpai.SeverityWarning, Rule: "FACT-UNKNOWN", Pos: d.Pos(field), Field: field,
			Message: fmt.Sprintf("%s is not known, so a rule that depends on it could not be decided", name), Fix: fix})
	}
	return out, nil
}

func unknownFact(name string) (field, fix string) {
	switch name {
	case "training_flop", "cumulative_flop":
		return "compute", "add compute.stages with hardware periods, architecture inputs or a stated flop figure"
	case "licence_open":
		return "licence", "state the licence (licence.id) and, for a licence gpai does not know, its grants"
	case "monetised", "weights_public", "architecture_public", "usage_public":
		return "openness", "add the openness section: weights_public, architecture_public, usage_public, monetised"
	case "eu_established":
		return "provider.country", "set provider.country"
	case "sme", "smc", "micro":
		return "provider.size", "set provider.size"
	}
	return "dates." + name, "add dates." + name + " (YYYY-MM-DD)"
}

// Compute reports the compute estimate's notes: methods that disagree by
// more than the 30% margin, stated figures that do not match.
type Compute struct{}

// Name returns "compute".
func (Compute) Name() string { return "compute" }

// Validate implements gpai.Validator.
func (Compute) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	if s.Compute == nil {
		return nil, nil
	}
	var out []gpai.Finding
	for _, n := range s.Compute.Notes {
		out = append(out, gpai.Finding{Severity: gpai.SeverityWarning, Rule: "COMPUTE-ESTIMATE", Citation: "Guidelines Annex A.2",
			Pos: d.Pos(n.Field), Field: n.Field, Message: n.Message, Fix: n.Fix})
	}
	return out, nil
}

// knownFiles are the dossier files gpai reads, with the feature that owns
// each. gpai.yaml is read by the loader itself.
var knownFiles = map[string]string{
	"gpai.yaml":                "facts",
	"data.yaml":                "data",
	"documentation.yaml":       "documentation",
	"copyright.yaml":           "copyright",
	"safety/framework.yaml":    "safety",
	"safety/risks.yaml":        "safety",
	"safety/evaluations.yaml":  "safety",
	"safety/mitigations.yaml":  "safety",
	"safety/incidents.yaml":    "safety",
	"safety/model-report.yaml": "safety",
}

// Files reports YAML files in the dossier that this version of gpai does
// not validate, so that a misnamed file does not pass unnoticed.
type Files struct{}

// Name returns "files".
func (Files) Name() string { return "files" }

// Validate implements gpai.Validator.
func (Files) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	var names []string
	for f := range d.Files {
		names = append(names, f)
	}
	sort.Strings(names)
	var out []gpai.Finding
	for _, f := range names {
		ext := path.Ext(f)
		if ext != ".yaml" && ext != ".yml" {
			continue
		}
		if _, ok := knownFiles[f]; ok {
			continue
		}
		if ext == ".yml" && knownFiles[strings.TrimSuffix(f, ".yml")+".yaml"] != "" {
			out = append(out, gpai.Finding{Severity: gpai.SeverityError, Rule: "DOSSIER-FILES", Pos: gpai.Position{File: filepath.Join(d.Dir, f)},
				Message: "gpai reads " + strings.TrimSuffix(f, ".yml") + ".yaml, not .yml", Fix: "rename the file"})
			continue
		}
		out = append(out, gpai.Finding{Severity: gpai.SeverityInfo, Rule: "DOSSIER-FILES", Pos: gpai.Position{File: filepath.Join(d.Dir, f)},
			Message: "this version of gpai does not validate " + f + "; it counts only as evidence that the file exists"})
	}
	return out, nil
}
