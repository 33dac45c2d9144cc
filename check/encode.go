package check

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gpai-project/gpai"
)

// Formats lists the output formats of a check report.
var Formats = []string{"text", "json", "sarif", "junit"}

// Encode writes r in the named format.
func Encode(w io.Writer, r *Report, format string) error {
	switch format {
	case "text", "":
		return encodeText(w, r)
	case "json":
		return encodeJSON(w, r)
	case "sarif":
		return encodeSARIF(w, r)
	case "junit":
		return encodeJUnit(w, r)
	}
	return gpai.Errorf(gpai.EINVALID, "unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

func encodeText(w io.Writer, r *Report) error {
	s := r.Scope
	c := s.Classification
	fmt.Fprintf(w, "%s %s (%s), as of %s\n", s.Model.Name, s.Model.Version, s.Model.Provider, s.AsOf)
	fmt.Fprintf(w, "scope: gpai=%s provider=%s systemic-risk=%s open-source-exempt=%s; %d obligations apply\n\n",
		yesNo(c.GPAI), yesNo(c.Provider), yesNo(c.SystemicRisk), yesNo(c.OpenSourceExempt), len(s.Obligations))
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s: %s %s: %s\n", f.Pos, f.Severity, f.Rule, f.Message)
		if f.Citation != "" {
			fmt.Fprintf(w, "    cite: %s\n", f.Citation)
		}
		if f.Fix != "" {
			fmt.Fprintf(w, "    fix:  %s\n", f.Fix)
		}
	}
	e, wn, i := r.Counts()
	verdict := "passed"
	if r.Failed() {
		verdict = "failed"
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintf(w, "%s: %d errors, %d warnings, %d info (fails on %s and above; rulebook %s)\n", verdict, e, wn, i, r.FailOn, s.Rulebook)
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

type jsonReport struct {
	Tool           string                  `json:"tool"`
	Version        string                  `json:"version"`
	Dossier        string                  `json:"dossier"`
	AsOf           gpai.Date               `json:"as_of"`
	Rulebook       string                  `json:"rulebook"`
	Model          gpai.ModelRef           `json:"model"`
	Classification gpai.Classification     `json:"classification"`
	Compute        *gpai.ComputeEstimate   `json:"compute"`
	Obligations    []gpai.ObligationStatus `json:"obligations"`
	Findings       []gpai.Finding          `json:"findings"`
	Summary        map[string]int          `json:"summary"`
	FailOn         gpai.Severity           `json:"fail_on"`
	Failed         bool                    `json:"failed"`
}

func encodeJSON(w io.Writer, r *Report) error {
	e, wn, i := r.Counts()
	findings := r.Findings
	if findings == nil {
		findings = []gpai.Finding{}
	}
	out := jsonReport{Tool: r.Tool, Version: r.Version, Dossier: r.Dossier, AsOf: r.Scope.AsOf, Rulebook: r.Scope.Rulebook,
		Model: r.Scope.Model, Classification: r.Scope.Classification, Compute: r.Scope.Compute, Obligations: nonNil(r.Scope.Obligations),
		Findings: findings, Summary: map[string]int{"error": e, "warning": wn, "info": i}, FailOn: r.FailOn, Failed: r.Failed()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// SARIF 2.1.0, the subset code-scanning interfaces read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string            `json:"id"`
	ShortDescription sarifText         `json:"shortDescription"`
	Help             *sarifText        `json:"help,omitempty"`
	Properties       map[string]string `json:"properties,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func sarifLevel(s gpai.Severity) string {
	switch s {
	case gpai.SeverityError:
		return "error"
	case gpai.SeverityWarning:
		return "warning"
	}
	return "note"
}

func encodeSARIF(w io.Writer, r *Report) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "gpai", Version: r.Version,
		InformationURI: "https://github.com/gpai-project/gpai", Rules: []sarifRule{}}}, Results: []sarifResult{}}
	index := map[string]int{}
	titles := map[string]string{}
	for _, o := range r.Scope.Obligations {
		titles[o.Rule] = o.Title
	}
	for _, f := range r.Findings {
		i, ok := index[f.Rule]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			index[f.Rule] = i
			desc := titles[f.Rule]
			if desc == "" {
				desc = f.Rule
			}
			rule := sarifRule{ID: f.Rule, ShortDescription: sarifText{desc}}
			if f.Citation != "" {
				rule.Properties = map[string]string{"citation": f.Citation, "rulebook": r.Scope.Rulebook}
			}
			if f.Fix != "" {
				rule.Help = &sarifText{f.Fix}
			}
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
		}
		msg := f.Message
		if f.Fix != "" {
			msg += " Fix: " + f.Fix
		}
		loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(f.Pos.File)}}
		if f.Pos.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Column}
		}
		run.Results = append(run.Results, sarifResult{RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message: sarifText{msg}, Locations: []sarifLocation{{PhysicalLocation: loc}}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// JUnit XML as CI dashboards read it: one test case per applicable
// obligation and per other finding; findings at or above the fail-on
// severity are failures.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func encodeJUnit(w io.Writer, r *Report) error {
	suite := junitSuite{Name: fmt.Sprintf("gpai check %s %s", r.Scope.Model.Name, r.Scope.Model.Version)}
	byRule := map[string][]gpai.Finding{}
	for _, f := range r.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	addCase := func(name, class string, fs []gpai.Finding) {
		c := junitCase{Name: name, Classname: class}
		var notes []string
		for _, f := range fs {
			if c.File == "" {
				c.File, c.Line = filepath.ToSlash(f.Pos.File), f.Pos.Line
			}
			line := fmt.Sprintf("%s: %s: %s", f.Pos, f.Severity, f.Message)
			if f.Fix != "" {
				line += "\nfix: " + f.Fix
			}
			if f.Severity >= r.FailOn {
				if c.Failure == nil {
					c.Failure = &junitFailure{Message: f.Message, Type: f.Severity.String()}
				} else {
					c.Failure.Text += "\n"
				}
				c.Failure.Text += line
			} else {
				notes = append(notes, line)
			}
		}
		c.SystemOut = strings.Join(notes, "\n")
		if c.Failure != nil {
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	done := map[string]bool{}
	for _, o := range r.Scope.Obligations {
		addCase(o.Rule+": "+o.Title, "gpai.obligation", byRule[o.Rule])
		done[o.Rule] = true
	}
	var rest []string
	for rule := range byRule {
		if !done[rule] {
			rest = append(rest, rule)
		}
	}
	sort.Strings(rest)
	for _, rule := range rest {
		addCase(rule, "gpai.check", byRule[rule])
	}
	suite.Tests = len(suite.Cases)
	out := junitSuites{Name: "gpai check", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
