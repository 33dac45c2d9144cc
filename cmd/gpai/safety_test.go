package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/internal/golden"
)

// runSafety runs gpai like run, with the incident, report and risk commands
// added to the root command when it does not register them yet.
func runSafety(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	root := m.rootCommand()
	for name, mk := range map[string]func() *cobra.Command{"incident": m.incidentCommand, "report": m.reportCommand, "risk": m.riskCommand} {
		if found, _, err := root.Find([]string{name}); err != nil || found == root {
			root.AddCommand(mk())
		}
	}
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(context.Background())
	code := exitOK
	var ee *exitError
	var ue *usageError
	var probs gpai.Problems
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(&errb, "gpai: %v\nTry: %s\n", ue.err, ue.hint)
		code = exitUsage
	case errors.As(err, &probs):
		fmt.Fprintf(&errb, "gpai: %d problem(s) to fix:\n%s\n", len(probs), probs)
		code = exitUsage
	case errors.As(err, new(*internalError)):
		fmt.Fprintf(&errb, "gpai: internal error: %v\n", err)
		code = exitInternal
	case gpai.ErrorCode(err) != gpai.EINTERNAL:
		fmt.Fprintf(&errb, "gpai: %s\n", gpai.ErrorMessage(err))
		code = exitUsage
	default:
		fmt.Fprintf(&errb, "gpai: %v\n", err)
		code = exitUsage
	}
	return result{code, out.String(), errb.String()}
}

const asOf = "2026-11-26"

func TestSafetyHelp(t *testing.T) {
	for _, c := range [][]string{{"incident"}, {"incident", "new"}, {"incident", "update"}, {"incident", "list"}, {"incident", "show"}, {"incident", "report"},
		{"report"}, {"report", "model"}, {"risk"}, {"risk", "status"}} {
		if r := runSafety(t, append(c, "--help")...); r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("gpai %v --help: exit %d %s", c, r.code, r.stderr)
		}
	}
}

func TestReportModel(t *testing.T) {
	r := runSafety(t, "report", "model", "--as-of", asOf, exdir+"frontier")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	golden.Assert(t, filepath.Join("safety", "report-model-frontier.md"), []byte(r.stdout))
	for _, want := range []string{"## 1. Model description and behaviour (Measure 7.1)", "Reasons for proceeding (Measure 7.2)", "Evaluation results (Measure 7.3(1)(e))",
		"Random samples: cybench-rc3", "Security (Measure 7.3(3); Commitment 6)", "External reports (Measure 7.4)", "Material changes to the systemic-risk landscape (Measure 7.5)",
		"Version and changelog (Measure 7.6)", "Nothing: every section the Code requires is present"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "| Missing |") || strings.Contains(r.stdout, ": Missing") {
		t.Errorf("the complete example's report marks something missing")
	}
	r = runSafety(t, "report", "model", "--as-of", asOf, "--format", "json", exdir+"frontier")
	var js struct {
		Missing    []any            `json:"missing"`
		RiskStatus []map[string]any `json:"risk_status"`
		Samples    map[string][]any `json:"random_samples"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || js.Missing == nil || len(js.Missing) != 0 || len(js.RiskStatus) != 5 || len(js.Samples["covert-rc3"]) != 5 {
		t.Errorf("json: %v missing=%v risks=%d", err, js.Missing, len(js.RiskStatus))
	}
	if r := runSafety(t, "report", "model", "--as-of", asOf, "--format", "html", exdir+"frontier"); r.code != 0 || !strings.Contains(r.stdout, "<html") {
		t.Errorf("html: exit %d", r.code)
	}
}

// TestReportModelMissing: removing a required piece marks the report and
// lists the precise finding.
func TestReportModelMissing(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"no model-report.yaml", "safety/model-report.yaml", "", "", []string{"safety/model-report.yaml is missing", "| Architecture | Missing |"}},
		{"no system prompt", "safety/model-report.yaml", "  system_prompt: |-\n", "  system_prompt_removed: |-\n", []string{"unknown key"}},
		{"no landscape", "safety/model-report.yaml", "landscape:\n", "old_landscape:\n", []string{"unknown key"}},
		{"no random samples", "safety/evaluations.yaml", "    samples_file: safety/samples/cybench-rc3.jsonl\n", "", []string{"evaluation cybench-rc3 has 0 random samples", "Missing: at least five random samples"}},
		{"no CYBER in the register", "safety/risks.yaml", "  - id: CYBER\n", "  - id: CYBERX\n", []string{"the specified systemic risk CYBER (Cyber offence) is missing from the register"}},
		{"an Appendix 4 point missing", "safety/mitigations.yaml", "    - {ref: 4.5(6), status: implemented, description: \"EDR on all endpoints and servers; network IDS on all segments.\"}\n", "",
			[]string{"Appendix 4.5(6) (detection) is not addressed", "| 4.5(6) | Detection | Missing |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, exdir+"frontier")
			p := filepath.Join(dir, tt.file)
			if tt.old == "" {
				os.Remove(p)
			} else {
				b := mustRead(t, p)
				if !bytes.Contains(b, []byte(tt.old)) {
					t.Fatalf("%s lacks %q", tt.file, tt.old)
				}
				os.WriteFile(p, bytes.Replace(b, []byte(tt.old), []byte(tt.new), 1), 0o644)
			}
			r := runSafety(t, "report", "model", "--as-of", asOf, dir)
			if want := map[bool]int{true: 2, false: 1}[strings.Contains(tt.want[0], "unknown key")]; r.code != want {
				t.Errorf("exit %d, want %d", r.code, want)
			}
			got := r.stdout + r.stderr
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("exit %d, output lacks %q:\n%s", r.code, w, got)
				}
			}
		})
	}
}

func TestReportModelPDF(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium missing on CI")
		}
		t.Skip("no chromium")
	}
	out := filepath.Join(t.TempDir(), "report.pdf")
	if r := runSafety(t, "report", "model", "--as-of", asOf, "--format", "pdf", "-o", out, exdir+"frontier"); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return
	}
	text, err := exec.Command("pdftotext", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{"Safety and Security Model Report", "Reasons for proceeding", "Material changes to the systemic-risk landscape"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}

func TestRiskStatus(t *testing.T) {
	r := runSafety(t, "risk", "status", "--as-of", asOf, exdir+"frontier")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	golden.Assert(t, filepath.Join("safety", "risk-status-frontier.txt"), []byte(r.stdout))
	for _, want := range []string{"CBRN (Chemical, biological, radiological and nuclear): tier CBRN-1 (register CBRN-1, evidence CBRN-1); within acceptance criteria: yes",
		"wmdp_bio acc >= 0.65", "0.71 (wmdp-bio-rc3, 2026-01-28)", "REACHED", "LOC (Loss of control): tier none"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runSafety(t, "risk", "status", "--format", "json", exdir+"frontier")
	var js struct {
		Risks []gpai.RiskStatus `json:"risks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || len(js.Risks) != 5 || js.Risks[2].Tier != "CYBER-1" {
		t.Errorf("json: %v %+v", err, js)
	}
	dir := copyDir(t, exdir+"frontier")
	p := filepath.Join(dir, "safety", "evaluations.yaml")
	os.WriteFile(p, bytes.Replace(mustRead(t, p), []byte("    value: 0.18\n"), []byte("    value: 0.61\n"), 1), 0o644)
	r = runSafety(t, "risk", "status", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "within acceptance criteria: NO") || !strings.Contains(r.stdout, "do not proceed") {
		t.Errorf("CYBER-3 reached: exit %d\n%s", r.code, r.stdout)
	}
	if r := runSafety(t, "risk", "status", "--format", "md", exdir+"api-model"); r.code != 2 || !strings.Contains(r.stderr, "has no safety/risks.yaml") {
		t.Errorf("no register: exit %d %s", r.code, r.stderr)
	}
}

func TestIncidentCommands(t *testing.T) {
	dir := copyDir(t, exdir+"frontier")
	file := filepath.Join(dir, "safety", "incidents.yaml")
	r := runSafety(t, "incident", "list", "--as-of", asOf, dir)
	if r.code != 0 {
		t.Fatalf("list: exit %d %s", r.code, r.stderr)
	}
	golden.Assert(t, filepath.Join("safety", "incident-list.txt"), []byte(r.stdout))
	if !strings.Contains(r.stdout, "INC-2026-002  harm") || !strings.Contains(r.stdout, "intermediate  2026-12-08  in 12 days") {
		t.Errorf("list:\n%s", r.stdout)
	}

	// A new critical-infrastructure incident at 23:59 on a Friday.
	r = runSafety(t, "incident", "new", "--as-of", "2026-11-21", "--type", "critical-infrastructure", "--aware", "2026-11-20T23:59:00+01:00",
		"--title", "Grid balancing outage", "--harm", "Regional grid balancing failed for 40 minutes.", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "recorded INC-2026-003") || !strings.Contains(r.stdout, "initial report due by the end of 2026-11-22") {
		t.Fatalf("new: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	b := string(mustRead(t, file))
	for _, keep := range []string{"# Closed: a stolen API key", "# Friday night: due by the end of Wednesday 22 April", "# Open: persuasive content"} {
		if !strings.Contains(b, keep) {
			t.Errorf("new lost the comment %q", keep)
		}
	}
	if r.stderr != "" {
		t.Errorf("new: %s", r.stderr)
	}
	r = runSafety(t, "incident", "list", "--as-of", "2026-11-23", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "OVERDUE by 1 days") {
		t.Errorf("list with an overdue report: exit %d\n%s", r.code, r.stdout)
	}
	r = runSafety(t, "incident", "update", "--as-of", "2026-11-22", "--report", "initial", "--sent", "2026-11-22T21:00:00+01:00", "--to", "ai-office,nca-DE", dir, "INC-2026-003")
	if r.code != 0 || !strings.Contains(r.stdout, "next: intermediate report due by the end of 2026-12-20") {
		t.Errorf("update --report: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	// Reclassify the open incident to a stricter type: its initial report,
	// sent on 10 November, was then late against the 10-day clock.
	r = runSafety(t, "incident", "update", "--as-of", asOf, "--type", "death", "--reason", "a voter harmed in a confrontation died", dir, "INC-2026-002")
	if r.code != 0 {
		t.Errorf("reclassify: exit %d %s", r.code, r.stderr)
	}
	r = runSafety(t, "incident", "show", "--as-of", asOf, dir, "INC-2026-002")
	for _, want := range []string{"governing type death", "reclassified 2026-11-26: harm -> death", "initial       2026-11-07  sent late, 2026-11-10"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runSafety(t, "incident", "update", "--as-of", "2026-12-01", "--resolved", "2026-12-01", "--root-cause", "Per-account limits without cross-account detection.", dir, "INC-2026-002")
	if r.code != 0 || !strings.Contains(r.stdout, "next: final report due by the end of 2027-01-30") {
		t.Errorf("resolve: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	b = string(mustRead(t, file))
	for _, keep := range []string{"# Closed: a stolen API key", "# Friday night", "# Open: persuasive content", "yaml-language-server"} {
		if !strings.Contains(b, keep) {
			t.Errorf("updates lost the comment %q:\n%s", keep, b)
		}
	}
	if r := runSafety(t, "incident", "show", "--format", "json", "--as-of", asOf, dir, "INC-2026-003"); r.code != 0 || !strings.Contains(r.stdout, `"retain_until": "2031-11-22"`) {
		t.Errorf("show json: %s %s", r.stdout, r.stderr)
	}

	// A dossier without incidents.yaml gets one.
	fresh := copyDir(t, exdir+"frontier")
	os.Remove(filepath.Join(fresh, "safety", "incidents.yaml"))
	if r := runSafety(t, "incident", "list", fresh); r.code != 0 || !strings.Contains(r.stdout, "no incidents recorded") {
		t.Errorf("empty list: %+v", r)
	}
	if r := runSafety(t, "incident", "new", "--type", "death", "--aware", "2026-11-01", "--id", "X-1", fresh); r.code != 0 {
		t.Errorf("new in a fresh file: %+v", r)
	}
	if r := runSafety(t, "incident", "new", "--type", "harm", "--aware", "2026-11-02", fresh); r.code != 0 || !strings.Contains(r.stdout, "INC-2026-001") {
		t.Errorf("second new: %+v", r)
	}
	if r := runSafety(t, "incident", "new", "--type", "death", "--aware", "2026-11-01", "--id", "X-1", fresh); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("duplicate id: %+v", r)
	}
}

func TestIncidentUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"incident", "new", "--aware", "2026-11-01", exdir + "frontier"}, `"type" not set`},
		{[]string{"incident", "new", "--type", "fire", "--aware", "2026-11-01", exdir + "frontier"}, `--type "fire"`},
		{[]string{"incident", "new", "--type", "harm", "--aware", "01/11/2026", exdir + "frontier"}, "--aware"},
		{[]string{"incident", "new", "--type", "harm", "--aware", "2026-11-01T10:00:00", exdir + "frontier"}, "--aware"},
		{[]string{"incident", "update", "--type", "death", exdir + "frontier", "INC-2026-002"}, "needs --reason"},
		{[]string{"incident", "update", "--report", "initial", exdir + "frontier", "INC-2026-002"}, "needs --sent"},
		{[]string{"incident", "update", "--report", "first", "--sent", "2026-11-01", exdir + "frontier", "INC-2026-002"}, "--report"},
		{[]string{"incident", "update", exdir + "frontier"}, "takes a dossier folder and an incident id"},
		{[]string{"incident", "show", exdir + "frontier", "INC-9"}, "no incident INC-9"},
		{[]string{"incident", "report", "--stage", "final", exdir + "frontier", "INC-2026-002"}, "is not resolved"},
		{[]string{"incident", "report", "--stage", "last", exdir + "frontier", "INC-2026-002"}, "--stage"},
		{[]string{"report", "model", "--format", "docx", exdir + "frontier"}, "unknown --format"},
	}
	for _, tt := range tests {
		r := runSafety(t, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	// An invalid incidents.yaml is never edited.
	dir := copyDir(t, exdir+"frontier")
	p := filepath.Join(dir, "safety", "incidents.yaml")
	bad := bytes.Replace(mustRead(t, p), []byte("type: harm"), []byte("type: harmful"), 1)
	os.WriteFile(p, bad, 0o644)
	r := runSafety(t, "incident", "update", "--resolved", "2026-12-01", dir, "INC-2026-002")
	if r.code != 2 || !strings.Contains(r.stderr, `did you mean "harm"?`) || !bytes.Equal(mustRead(t, p), bad) {
		t.Errorf("edit of an invalid file: exit %d %s", r.code, r.stderr)
	}
}

func TestIncidentReport(t *testing.T) {
	tests := []struct{ id, stage, asOf, format string }{
		{"INC-2026-002", "initial", "2026-11-10", "md"},
		{"INC-2026-002", "intermediate", asOf, "md"},
		{"INC-2026-001", "final", "2026-07-20", "md"},
		{"INC-2026-001", "final", "2026-07-20", "json"},
	}
	for _, tt := range tests {
		r := runSafety(t, "incident", "report", "--stage", tt.stage, "--as-of", tt.asOf, "--format", tt.format, exdir+"frontier", tt.id)
		if r.code != 0 {
			t.Fatalf("%s %s: exit %d %s", tt.id, tt.stage, r.code, r.stderr)
		}
		golden.Assert(t, filepath.Join("safety", "incident-"+tt.id+"-"+tt.stage+"."+tt.format), []byte(r.stdout))
	}
	r := runSafety(t, "incident", "report", "--stage", "initial", "--as-of", "2026-11-10", exdir+"frontier", "INC-2026-002")
	if strings.Contains(r.stdout, "8. Root-cause") {
		t.Errorf("the initial report carries fields beyond 7")
	}
	r = runSafety(t, "incident", "report", "--as-of", asOf, exdir+"frontier", "INC-2026-002")
	if !strings.Contains(r.stdout, "Serious incident report: intermediate report") || !strings.Contains(r.stdout, "9. Post-market monitoring patterns") || !strings.Contains(r.stdout, "Not yet available") {
		t.Errorf("default stage: %s", r.stdout)
	}
}
