package check_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/rulebook"
	"github.com/gpai-project/gpai/yamldoc"
)

const frontier = "../examples/frontier"

// safetyDossier copies the frontier example's gpai.yaml and safety/ into a
// temporary folder, applies edit to the file name (relative to safety/),
// and returns the Safety validator's findings as of 26 November 2026, one
// line each: "severity rule file:line:col field: message".
func safetyDossier(t *testing.T, name string, edit func(string) string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(frontier, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(frontier, p)
		if rel != "gpai.yaml" && !strings.HasPrefix(rel, "safety"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.ToSlash(rel) == "safety/"+name {
			if edit == nil {
				return nil // removed
			}
			b = []byte(edit(string(b)))
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	d, est, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := rulebook.Default()
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 11, 26))
	fs, err := check.Safety{}.Validate(context.Background(), d, s)
	var lines []string
	for _, f := range fs {
		rel, _ := filepath.Rel(dir, f.Pos.File)
		f.Pos.File = filepath.ToSlash(rel)
		lines = append(lines, f.Severity.String()+" "+f.Rule+" "+f.Pos.String()+" "+f.Field+": "+f.Message)
	}
	return strings.Join(lines, "\n"), err
}

// cut removes the text from the first from to the following to (not
// included); an empty to cuts to the end.
func cut(from, to string) func(string) string {
	return func(s string) string {
		i := strings.Index(s, from)
		if i < 0 {
			panic("no " + from)
		}
		if to == "" {
			return s[:i]
		}
		j := strings.Index(s[i+len(from):], to)
		if j < 0 {
			panic("no " + to)
		}
		return s[:i] + s[i+len(from)+j:]
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

func TestSafetyExampleIsComplete(t *testing.T) {
	got, err := safetyDossier(t, "", nil)
	if err != nil || got != "" {
		t.Errorf("the frontier example has Safety findings (%v):\n%s", err, got)
	}
}

func TestSafetyFindings(t *testing.T) {
	tests := []struct {
		name, file string
		edit       func(string) string
		want       []string
	}{
		// risks.yaml
		{"a specified risk absent", "risks.yaml", cut("  - id: MANIP", "  - id: PRIV"),
			[]string{"error ART55-1B-RISK safety/risks.yaml:27:1 risks: the specified systemic risk MANIP (Harmful manipulation) is missing from the register"}},
		{"every specified risk absent", "risks.yaml", cut("  - id: CBRN", "  - id: PRIV"),
			[]string{"specified systemic risk CBRN", "specified systemic risk LOC", "specified systemic risk CYBER", "specified systemic risk MANIP"}},
		{"no identification process", "risks.yaml", cut("identification:", "assumptions:"),
			[]string{"error ART55-1B-RISK safety/risks.yaml:8:5 identification: the identification process for the Appendix 1.1 risk types is missing"}},
		{"no scenarios", "risks.yaml", cut("    scenarios:\n      - name: Novice", "    sources:"),
			[]string{"risks[0].scenarios: risk CBRN has no systemic-risk scenarios"}},
		{"no sources", "risks.yaml", cut("    sources:\n      - {category: capability, source: \"offensive", "    modelling:"),
			[]string{"risks[2].sources: risk CYBER has no sources"}},
		{"own risk without a type", "risks.yaml", replace("    types: [fundamental-rights]\n", ""),
			[]string{"risks[4].types: risk PRIV names no Appendix 1.1 type of risk"}},
		{"no estimate with the model fully elicited", "risks.yaml", replace("      elicited: Low (no tier reached even with the best scaffolds available to us)\n", ""),
			[]string{"risks[1].estimate.elicited: the estimate of LOC with the model fully elicited is missing"}},
		{"no acceptance determination", "risks.yaml", replace("      determined: 2026-02-13\n      justification: Red-team", "      justification: Red-team"),
			[]string{"risks[4].acceptability.determined: no acceptance determination for PRIV"}},
		{"determined not acceptable", "risks.yaml", replace("      acceptable: true\n      determined: 2026-02-13\n      justification: Red-team", "      acceptable: false\n      determined: 2026-02-13\n      justification: Red-team"),
			[]string{"error ART55-1B-RISK", "risks[4].acceptability.acceptable: risk PRIV is determined not acceptable"}},
		{"tier understated", "risks.yaml", replace("    tier: CBRN-1", "    tier: none"),
			[]string{"risks[0].tier: the register states tier none for CBRN, but the evaluations reach tier CBRN-1"}},
		{"unknown tier", "risks.yaml", replace("    tier: CBRN-1", "    tier: CBRN-9"),
			[]string{"risks[0].tier: CBRN-9 is not a tier of risk CBRN in the framework"}},
		{"evidence not recorded", "risks.yaml", replace("[intercode-rc3, cybench-rc3]", "[intercode-rc3, cybench-rc9]"),
			[]string{"risks[2].evidence[1]: evaluation cybench-rc9 is not in safety/evaluations.yaml"}},
		{"no evidence", "risks.yaml", replace("    evidence: [pii-redteam-rc3]\n", ""),
			[]string{"risks[4].evidence: risk PRIV cites no evidence"}},
		// framework.yaml
		{"a specified risk without tiers", "framework.yaml", cut("  - risk: CYBER", "  - risk: MANIP"),
			[]string{"error SS-FRAMEWORK", "risks: the Framework has no tiers for the specified systemic risk CYBER (Cyber offence)"}},
		{"the provider's own risk without criteria", "framework.yaml", cut("  - risk: PRIV", "acceptance:"),
			[]string{"risks: the Framework has no tiers or acceptance criteria for risk PRIV"}},
		{"no oversight", "framework.yaml", replace("  - {responsibility: oversight, level: supervisory, holder: \"Supervisory Board Risk Committee\"}\n", ""),
			[]string{"error SS-RESPONSIBILITY", "responsibilities: no one holds the oversight responsibility for systemic risk"}},
		{"no forecast estimate", "framework.yaml", replace("      estimate: No tier reached yet; LOC-1 is expected between Q4 2026 and Q4 2027 (80% interval).\n", ""),
			[]string{"risks[1].forecast.estimate: the timeline estimate for risk LOC is missing"}},
		{"no changelog entry for the version", "framework.yaml", cut("  - version: \"1.1\"\n    date: 2026-02-10", "last_assessment:"),
			[]string{"changelog: the changelog has no entry for the current version 1.1"}},
		{"a tier without thresholds", "framework.yaml", replace("          - {evaluation: covert_deception, metric: success_rate, value: 0.30, warn_at: 0.20}\n", ""),
			[]string{"risks[3].tiers[2].thresholds: tier MANIP-3 is not measurable: it has no thresholds"}},
		{"no trigger points", "framework.yaml", cut("trigger_points:", "risks:"),
			[]string{"trigger_points: the Framework defines no trigger points for lighter-touch evaluations"}},
		{"no safety margin", "framework.yaml", replace("    safety_margin: Early-warning level at 0.18 for red-teamers' limited time compared with motivated actors.\n", ""),
			[]string{"risks[4].safety_margin: the safety margin for risk PRIV is missing"}},
		{"a tier mitigation not recorded", "framework.yaml", replace("mitigations: [pii-filter, kyc-access]", "mitigations: [pii-filter, kyc]"),
			[]string{"risks[4].tiers[1].mitigations[1]: mitigation kyc is not in safety/mitigations.yaml"}},
		{"not confirmed", "framework.yaml", replace("confirmed: 2026-02-10 ", "# "),
			[]string{"confirmed: the Framework is not confirmed"}},
		{"first framework confirmed late", "framework.yaml", replace("    date: 2025-09-05", "    date: 2025-09-20"),
			[]string{"warning SS-FRAMEWORK", "the first Framework was confirmed on 2025-09-20, 12 days after its deadline 2025-09-08"}},
		{"AI Office access late", "framework.yaml", replace("ai_office_access: 2026-02-12", "ai_office_access: 2026-02-18"),
			[]string{"warning SS-FRAMEWORK-ACCESS", "after the 5 business days that ended 2026-02-17"}},
		// evaluations.yaml
		{"no random samples", "evaluations.yaml", replace("    samples_file: safety/samples/cybench-rc3.jsonl\n", ""),
			[]string{"error SS-MODEL-REPORT", "evaluations[8]: evaluation cybench-rc3 has 0 random samples; the Model Report needs at least 5"}},
		{"samples file unreadable", "evaluations.yaml", replace("safety/samples/cybench-rc3.jsonl", "safety/samples/gone.jsonl"),
			[]string{"evaluations[8].samples_file: samples file safety/samples/gone.jsonl cannot be read"}},
		{"no open-ended testing", "evaluations.yaml", func(s string) string { return strings.ReplaceAll(s, "kind: red-teaming", "kind: benchmark") },
			[]string{"error ART55-1A-EVALUATION", "evaluations: no open-ended testing is recorded"}},
		{"no sample count", "evaluations.yaml", replace("    samples: 40\n", ""),
			[]string{"evaluations[8].samples: evaluation cybench-rc3 states no sample count"}},
		{"evaluation of an unknown risk", "evaluations.yaml", replace("    risk: PRIV\n", "    risk: PRIVACY\n"),
			[]string{"evaluations[11].risk: risk PRIVACY is not in safety/risks.yaml"}},
		{"evaluation in the future", "evaluations.yaml", replace("    date: 2026-02-04", "    date: 2027-02-04"),
			[]string{"evaluation pii-redteam-rc3 is dated 2027-02-04, after 2026-11-26"}},
		{"no provenance", "evaluations.yaml", replace("      tool: lm-evaluation-harness\n", ""),
			[]string{"evaluations[0].provenance.tool: the provenance of evaluation wmdp-bio-rc3 is missing"}},
		{"a specified risk never evaluated", "evaluations.yaml", func(s string) string {
			return cut("  - id: persuasion-rc3", "  - id: pii-redteam-rc3")(s)
		}, []string{"no evaluation of the specified risk MANIP is recorded"}},
		{"evidence crosses the next tier", "evaluations.yaml", replace("    value: 0.18\n", "    value: 0.40\n"),
			[]string{"risks[2].tier: the register states tier CYBER-1 for CYBER, but the evaluations reach tier CYBER-2"}},
		// mitigations.yaml
		{"an Appendix 4 point not addressed", "mitigations.yaml", cut("    - {ref: 4.2(3)", "    - {ref: 4.2(4)"),
			[]string{"error ART55-1D-CYBERSECURITY", "security.measures: Appendix 4.2(3) (protect weights in transit and at rest) is not addressed"}},
		{"insider threats not covered", "mitigations.yaml", replace("[non-state-external, insider]", "[non-state-external]"),
			[]string{"security.goal.threat_actors: the Security Goal does not cover insider threats"}},
		{"an alternative without justification", "mitigations.yaml", replace(`, justification: "The internal team of 14`, `, notes: "The internal team of 14`),
			[]string{"unknown key"}},
		{"an alternative with an empty justification", "mitigations.yaml", replace(`justification: "The internal team of 14 includes former national CERT staff; the annual external test by an accredited firm validates its coverage, which achieves the objective of independent validation of defences."`, `justification: ""`),
			[]string{"security.measures[18].justification: Appendix 4.5(1) is met by an alternative measure without a justification"}},
		{"a required mitigation only planned", "mitigations.yaml", replace("    risks: [CBRN]\n    status: implemented", "    risks: [CBRN]\n    status: planned"),
			[]string{"risks[0].acceptability.acceptable: risk CBRN is recorded as acceptable but is not within the framework's acceptance criteria (tier CBRN-1; missing mitigations: cbrn-classifiers)"}},
		{"no limitations", "mitigations.yaml", replace("    limitations: Depends on reasoning staying legible; less legible reasoning would reduce recall.\n", ""),
			[]string{"safety[5].limitations: the limitations of mitigation cot-monitoring is missing"}},
		{"no standards alignment", "mitigations.yaml", cut("  standards:", "  measures:"),
			[]string{"security.standards: the alignment of the security mitigations"}},
		// model-report.yaml
		{"no system prompt", "model-report.yaml", cut("  system_prompt:", "proceeding:"),
			[]string{"error SS-MODEL-REPORT", "specification.system_prompt: the system prompt is missing"}},
		{"no failure conditions", "model-report.yaml", cut("  failure_conditions:", "  decision:"),
			[]string{"proceeding.failure_conditions: the conditions under which the justification would fail are missing"}},
		{"no landscape", "model-report.yaml", cut("landscape:", ""),
			[]string{"landscape: the material changes to the systemic-risk landscape are missing"}},
		{"no evaluator choice", "model-report.yaml", cut("  evaluator_choice:", "landscape:"),
			[]string{"external_reports.evaluator_choice: the explanation of the choice of external evaluators is missing"}},
		{"no versions", "model-report.yaml", cut("versions:", "specification:"),
			[]string{"versions: the versions made available or used are not listed"}},
		{"no next-six-months plan", "model-report.yaml", cut("  planned_mitigations:", "external_reports:"),
			[]string{"future.planned_mitigations: the planned new or updated mitigations is missing"}},
		{"AI Office access missing", "model-report.yaml", replace("ai_office_access: 2026-03-02 ", "# "),
			[]string{"ai_office_access: no record that the AI Office was given access to the report by placement on 2026-03-02"}},
		// incidents.yaml
		{"initial report overdue", "incidents.yaml", replace("      - {stage: initial, sent: \"2026-11-10T09:00:00+01:00\", to: [ai-office, nca-AT], reference: AIO-SI-2026-0388}\n", ""),
			[]string{"error SS-INCIDENT-HARM", "incidents[1].reports: incident INC-2026-002: the initial report was due by the end of 2026-11-12 (15 days from awareness on 2026-10-28 (harm)), 14 days ago"}},
		{"final report overdue", "incidents.yaml", replace("      - {stage: final, sent: 2026-07-20, to: [ai-office, nca-DE], reference: AIO-SI-2026-0142}\n", ""),
			[]string{"error SS-INCIDENT-FOLLOW-UP", "incident INC-2026-001: the final report was due by the end of 2026-08-04 (60 days after resolution on 2026-06-05)"}},
		{"intermediate report due soon", "incidents.yaml", replace(`sent: "2026-11-10T09:00:00+01:00"`, `sent: "2026-10-30T09:00:00+01:00"`),
			[]string{"warning SS-INCIDENT-FOLLOW-UP", "incident INC-2026-002: the intermediate report is due by the end of 2026-11-27, in 1 days"}},
		{"reclassified to a stricter type", "incidents.yaml", replace("    type: harm\n    aware: 2026-10-28T11:15:00+01:00\n", "    type: death\n    aware: 2026-10-28T11:15:00+01:00\n    reclassifications:\n      - {date: 2026-11-09, from: harm, to: death, reason: a voter harmed in a confrontation died}\n"),
			[]string{"warning SS-INCIDENT-DEATH", "incident INC-2026-002: the initial report was sent on 2026-11-10, 3 days after its deadline 2026-11-07"}},
		{"root cause missing after the final report", "incidents.yaml", cut("    root_cause: Long-lived", "    monitoring_patterns:"),
			[]string{"error SS-INCIDENT-FOLLOW-UP", "incidents[0].root_cause: incident INC-2026-001: field 8"}},
		{"a report not sent to the AI Office", "incidents.yaml", replace("to: [ai-office, nca-AT]", "to: [nca-AT]"),
			[]string{"incidents[1].reports[0].to: a report of incident INC-2026-002 did not go to the AI Office"}},
		{"a final report before resolution", "incidents.yaml", replace("    resolved: 2026-06-05\n", ""),
			[]string{"incidents[0].reports[2].stage: incident INC-2026-001 has a final report but no resolution date"}},
		{"type contradicts the reclassification", "incidents.yaml", replace("    type: harm\n    aware: 2026-10-28T11:15:00+01:00\n", "    type: harm\n    aware: 2026-10-28T11:15:00+01:00\n    reclassifications:\n      - {date: 2026-11-09, from: harm, to: death, reason: r}\n"),
			[]string{"incidents[1].type: incident INC-2026-002 is typed harm but its last reclassification is to death"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := safetyDossier(t, tt.file, tt.edit)
			if err != nil {
				got += "\n" + err.Error()
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("findings:\n%s\nwant %q", got, w)
				}
			}
		})
	}
}

// TestSafetyFilesAbsent: a missing file is the rulebook's finding, and the
// other files are still checked without it.
func TestSafetyFilesAbsent(t *testing.T) {
	for _, name := range []string{"framework.yaml", "risks.yaml", "evaluations.yaml", "mitigations.yaml", "model-report.yaml", "incidents.yaml"} {
		got, err := safetyDossier(t, name, nil)
		if err != nil {
			t.Errorf("without %s: %v", name, err)
		}
		if name != "evaluations.yaml" && name != "mitigations.yaml" && got != "" {
			t.Errorf("without %s: findings\n%s", name, got)
		}
	}
}

func TestSafetyBadInput(t *testing.T) {
	got, err := safetyDossier(t, "risks.yaml", replace("    scenarios:\n      - name: Novice", "    scenarois:\n      - name: Novice"))
	if err == nil || !strings.Contains(err.Error(), `risks.yaml:31:5: risks[0].scenarois: unknown key "scenarois" (fix: did you mean "scenarios"?)`) {
		t.Errorf("a typo: %v\n%s", err, got)
	}
	_, err = safetyDossier(t, "incidents.yaml", replace("aware: 2026-10-28T11:15:00+01:00", "aware: 28/10/2026"))
	if err == nil || !strings.Contains(err.Error(), "incidents[1].aware") {
		t.Errorf("a bad awareness time: %v", err)
	}
	_, err = safetyDossier(t, "evaluations.yaml", replace("    value: 0.18\n", "    value: high\n"))
	if err == nil || !strings.Contains(err.Error(), "evaluations[8].value: is a string, want a number") {
		t.Errorf("a bad value: %v", err)
	}
}

func FuzzSafetyFiles(f *testing.F) {
	names := []string{gpai.FrameworkFile, gpai.RisksFile, gpai.EvaluationsFile, gpai.MitigationsFile, gpai.ModelReportFile, gpai.IncidentsFile}
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(frontier, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	f.Add(uint8(5), []byte("gpai: 1\nincidents:\n  - {id: X, type: harm, aware: 2026-01-01, reports: [{stage: final, sent: 2025-01-01}], resolved: 2025-12-01}\n"))
	f.Add(uint8(0), []byte("gpai: 1\nrisks: [{risk: CBRN, tiers: [{id: A}, {id: A}]}]\nresponsibilities: [{responsibility: oversight}]\n"))
	facts := &gpai.Facts{Dates: gpai.Dates{EUPlacement: &gpai.Date{Time: gpai.NewDate(2026, 3, 2).Time}}}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := names[int(which)%len(names)]
		sf := &check.SafetyFiles{Dir: "d", Docs: map[string]*yamldoc.Doc{}}
		var v any
		switch name {
		case gpai.FrameworkFile:
			sf.Framework = new(gpai.Framework)
			v = sf.Framework
		case gpai.RisksFile:
			sf.Risks = new(gpai.RiskRegister)
			v = sf.Risks
		case gpai.EvaluationsFile:
			sf.Evaluations = new(gpai.EvaluationLog)
			v = sf.Evaluations
		case gpai.MitigationsFile:
			sf.Mitigations = new(gpai.Mitigations)
			v = sf.Mitigations
		case gpai.ModelReportFile:
			sf.Report = new(gpai.ModelReportInputs)
			v = sf.Report
		default:
			sf.Incidents = new(gpai.IncidentLog)
			v = sf.Incidents
		}
		doc, err := dossier.ParseFile(name, name, data, v)
		if err != nil {
			if _, ok := err.(gpai.Problems); !ok {
				t.Fatalf("ParseFile returned %T, want gpai.Problems: %v", err, err)
			}
			return
		}
		sf.Docs[name] = doc
		check.SafetyFindings(&gpai.Dossier{Dir: "d", Facts: facts}, nil, sf)
		if sf.Incidents != nil {
			for _, inc := range sf.Incidents.Incidents {
				inc.Clocks(gpai.NewDate(2026, 11, 26))
				inc.RetainUntil()
			}
		}
	})
}

// TestSafetyInCheckRun runs the whole check of the frontier example with
// the Safety validator: the rulebook's Safety and Security obligations are
// met by the safety/ files, and no finding concerns them.
func TestSafetyInCheckRun(t *testing.T) {
	d, est, err := dossier.Load(frontier)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := rulebook.Default()
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 11, 26))
	for _, o := range s.Obligations {
		switch o.Rule {
		case "SS-FRAMEWORK", "SS-MODEL-REPORT", "ART55-1A-EVALUATION", "ART55-1B-RISK", "ART55-1D-CYBERSECURITY":
			if o.Status != gpai.StatusMet {
				t.Errorf("%s is %s, want met", o.Rule, o.Status)
			}
		}
	}
	fs, err := check.Run(context.Background(), d, s, append(check.Validators(), check.Safety{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.Contains(filepath.ToSlash(f.Pos.File), "/safety/") && f.Rule != "DOSSIER-FILES" || strings.HasPrefix(f.Rule, "SS-") && f.Severity > gpai.SeverityInfo {
			t.Errorf("finding: %s %s %s %s", f.Severity, f.Rule, f.Pos, f.Message)
		}
	}
}
