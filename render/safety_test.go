package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/render"
)

var ssFacts = &gpai.Facts{Provider: gpai.Provider{Name: "P"}, Model: gpai.Model{Name: "M", Version: "1"}}

// TestModelReportEmpty: with no safety file at all, every section the Code
// requires is still there, marked missing, in every format.
func TestModelReportEmpty(t *testing.T) {
	doc := render.ModelReportDocument(&render.ModelReport{Facts: ssFacts, AsOf: gpai.NewDate(2026, 11, 26),
		Missing: []gpai.Finding{{Severity: gpai.SeverityError, Rule: "SS-MODEL-REPORT", Pos: gpai.Position{File: "safety/model-report.yaml"}, Message: "safety/model-report.yaml is missing"}}})
	var titles []string
	for _, s := range doc.Sections {
		titles = append(titles, s.Title)
	}
	all := strings.Join(titles, "\n")
	for _, want := range []string{"Measure 7.1)", "7.1(3)", "7.1(4)", "Measure 7.2)", "7.2(2)", "7.3(1)(a)-(d)", "7.3(1)(e)", "7.3(1)(g)-(h)", "7.3(2)", "7.3(3)", "7.3(4)", "Measure 7.4)", "Measure 7.5)", "Measure 7.6)", "What is missing"} {
		if !strings.Contains(all, want) {
			t.Errorf("no section for %s in:\n%s", want, all)
		}
	}
	for _, f := range render.Formats {
		var buf bytes.Buffer
		if err := doc.Encode(&buf, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(buf.String(), "safety/model-report.yaml is missing") {
			t.Errorf("%s: the missing file is not listed", f)
		}
	}
}

func TestIncidentReportStages(t *testing.T) {
	aware, _ := gpai.ParseMoment("2026-03-06T23:59:00+01:00")
	inc := &gpai.Incident{ID: "I", Type: gpai.IncidentDeath, Aware: aware, Harm: "h", RootCause: "r"}
	tests := []struct {
		stage  string
		fields int
		err    string
	}{{"initial", 7, ""}, {"intermediate", 9, ""}, {"final", 0, "is not resolved"}, {"second", 0, "unknown report stage"}}
	for _, tt := range tests {
		doc, err := render.IncidentReportDocument(ssFacts, inc, tt.stage, gpai.NewDate(2026, 3, 10))
		if tt.err != "" {
			if err == nil || !strings.Contains(gpai.ErrorMessage(err), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.stage, err, tt.err)
			}
			continue
		}
		if err != nil || len(doc.Sections[0].Fields) != tt.fields {
			t.Fatalf("%s: %v, %d fields, want %d", tt.stage, err, len(doc.Sections[0].Fields), tt.fields)
		}
		var buf bytes.Buffer
		doc.Encode(&buf, "md")
		due := strings.Contains(buf.String(), "2026-03-16 (10 days from awareness on 2026-03-06 (death))")
		if !strings.Contains(buf.String(), "Not yet available") || due != (tt.stage == "initial") {
			t.Errorf("%s:\n%s", tt.stage, buf.String())
		}
	}
}
