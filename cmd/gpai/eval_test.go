package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalImport(t *testing.T) {
	dir := copyDir(t, exdir+"frontier")
	lmeval := "../../evallog/testdata/results_2025-05-12T10-31-07.512345.json"
	inspect := "../../evallog/testdata/inspect_multi_scorer.eval"
	before, _ := os.ReadFile(filepath.Join(dir, "safety", "evaluations.yaml"))
	r := run(t, "eval", "import", "--dossier", dir, "--format", "json", lmeval, inspect)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	var out []struct{ Task, Metric, Risk, Tier, Outcome, ID string }
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	added, unmapped := 0, 0
	for _, o := range out {
		switch o.Outcome {
		case "added":
			added++
			if o.Task == "wmdp_bio" && o.Metric == "acc" && (o.Risk != "CBRN" || o.Tier != "CBRN-1") {
				t.Errorf("wmdp_bio acc mapped to %s %s, want CBRN CBRN-1", o.Risk, o.Tier)
			}
		case "unmapped":
			unmapped++
		}
	}
	if added == 0 || unmapped == 0 {
		t.Errorf("added %d, unmapped %d: want some of each\n%s", added, unmapped, r.stdout)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "safety", "evaluations.yaml"))
	if !strings.HasPrefix(string(after), string(before[:200])) || !strings.Contains(string(after), "# graduate biology students") {
		t.Error("the file's comments were not kept")
	}
	if !strings.Contains(string(after), "sha256:") {
		t.Error("provenance hash missing")
	}
	// Importing again adds nothing.
	r = run(t, "eval", "import", "--dossier", dir, lmeval, inspect)
	if r.code != 0 || !strings.Contains(r.stdout, "0 record(s) added") {
		t.Errorf("second import: %s", r.stdout)
	}
	// --risk maps the rest; the dossier still checks clean for Safety.
	r = run(t, "eval", "import", "--dossier", dir, "--risk", "CYBER", inspect)
	if r.code != 0 || strings.Contains(r.stdout, "not imported") {
		t.Errorf("--risk: %s", r.stdout)
	}
	// Imported records carry no random samples yet: the check asks for
	// the five the Model Report needs (Measure 7.3(1)(f)).
	if r := run(t, "check", "--as-of", "2026-11-26", dir); !strings.Contains(r.stdout, "evaluation wmdp-bio-acc-step-12000 has 0 random samples; the Model Report needs at least 5") {
		t.Errorf("check after import:\n%s", r.stdout)
	}
	if r := run(t, "eval", "import", "--dossier", dir, exdir+"api-model/gpai.yaml"); r.code != 2 {
		t.Errorf("not a log: exit %d", r.code)
	}
}

func TestRiskForecast(t *testing.T) {
	dir := copyDir(t, exdir+"frontier")
	path := filepath.Join(dir, "safety", "evaluations.yaml")
	b, _ := os.ReadFile(path)
	var extra strings.Builder
	// cybench accuracy rising by 0.04 a quarter from 0.02: it reaches 0.35
	// (CYBER-2) about eight quarters after the first point.
	for i, d := range []string{"2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15", "2026-01-15"} {
		v := 0.02 + 0.04*float64(i) + []float64{0.004, -0.003, 0.002, -0.004, 0.001}[i]
		fmt.Fprintf(&extra, "\n  - id: cyb-%d\n    name: cybench\n    risk: CYBER\n    model: aurora-ultra-1.0\n    date: %s\n    samples: 40\n    scorer: match\n    metric: accuracy\n    value: %.4f\n    provenance: {tool: inspect_ai}\n", i, d, v)
	}
	os.WriteFile(path, append(b, extra.String()...), 0o644)
	r := run(t, "risk", "forecast", "--risk", "CYBER", "--format", "json", dir)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	var rows []struct{ Tier, Status, Estimate, Low, High, Reason string }
	json.Unmarshal([]byte(r.stdout), &rows)
	found := false
	for _, row := range rows {
		if row.Tier == "CYBER-2" {
			found = true
			if row.Status != "forecast" || row.Estimate < "2026-06-01" || row.Estimate > "2027-12-31" || row.Low > row.Estimate || row.High < row.Estimate {
				t.Errorf("CYBER-2 forecast = %+v", row)
			}
		}
		if row.Tier == "CYBER-1" && row.Status == "forecast" {
			t.Errorf("CYBER-1 (already reached by 0.62 on intercode) has a forecast: %+v", row)
		}
	}
	if !found {
		t.Errorf("no CYBER-2 row:\n%s", r.stdout)
	}
}
