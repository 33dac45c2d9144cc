package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/internal/golden"
)

const exdir = "../../examples/"

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func TestHelpForEveryCommand(t *testing.T) {
	cmds := [][]string{{}, {"init"}, {"schema"}, {"compute"}, {"scope"}, {"check"}, {"rulebook"}, {"rulebook", "list"}, {"rulebook", "facts"}, {"rulebook", "show"}, {"version"}, {"completion"},
		{"summary"}, {"summary", "build"}, {"summary", "diff"}, {"crawlstats"}, {"crawlstats", "merge"},
		{"doc"}, {"doc", "render"}, {"doc", "diff"}, {"doc", "publish"}, {"doc", "history"}, {"doc", "show"}, {"doc", "remove"}, {"doc", "import-card"}, {"doc", "export"}, {"crawl"}, {"incident"}, {"incident", "new"}, {"incident", "update"}, {"incident", "list"}, {"incident", "show"}, {"incident", "report"}, {"report"}, {"report", "model"}, {"risk"}, {"risk", "status"}, {"risk", "forecast"}, {"eval"}, {"eval", "import"}, {"serve"}, {"user"}, {"user", "add"}, {"user", "list"}, {"user", "set"}, {"token"}, {"token", "issue"}, {"token", "list"}, {"token", "revoke"}, {"outputs"}, {"outputs", "index"}, {"outputs", "scan"}, {"copyright"}, {"copyright", "render"},
		{"keys"}, {"keys", "init"}, {"verify"}, {"optout"}, {"optout", "check"}, {"optout", "audit"}}
	for _, c := range cmds {
		r := run(t, append(c, "--help")...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("gpai %v --help: exit %d, output %q", c, r.code, r.stdout)
		}
		r = run(t, append([]string{"help"}, c...)...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("gpai help %v: exit %d", c, r.code)
		}
	}
	if r := run(t, "completion", "bash"); r.code != 0 || !strings.Contains(r.stdout, "bash completion") {
		t.Errorf("completion bash: exit %d", r.code)
	}
	if r := run(t, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "gpai ") {
		t.Errorf("version: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"check"}, "takes one dossier folder"},
		{[]string{"check", "--format", "pdf", exdir + "api-model"}, "unknown --format"},
		{[]string{"check", "--fail-on", "fatal", exdir + "api-model"}, "--fail-on"},
		{[]string{"scope", "--as-of", "26/11/2026", exdir + "api-model"}, "--as-of"},
		{[]string{"check", "--bogus", "x"}, "unknown flag"},
		{[]string{"compute"}, "give --params and --tokens"},
		{[]string{"compute", "--params", "-5", "--tokens", "1e12"}, "positive"},
		{[]string{"compute", "--gpus", "8", "--hours", "10", "--gpu-type", "h1000", "--utilisation", "0.5"}, `unknown accelerator "h1000"`},
		{[]string{"compute", "--gpus", "8", "--hours", "10", "--gpu-type", "h100"}, "--utilisation is needed"},
		{[]string{"check", "no/such/dir"}, "does not exist"},
		{[]string{"schema", "nope.yaml"}, "no schema"},
		{[]string{"init", "--example", "nope", "x"}, "no example"},
	}
	for _, tt := range tests {
		r := run(t, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
			t.Errorf("gpai %v printed a stack trace", tt.args)
		}
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want float64
	}{
		{"A 6PD", []string{"--params", "3.8e9", "--tokens", "3.3e12"}, 7.524e22},
		{"B gpu-hours and peak", []string{"--gpu-hours", "200000", "--peak-flops", "3e14", "--utilisation", "0.5"}, 1.08e23},
		{"B gpus and hours", []string{"--gpus", "1", "--hours", "200000", "--peak-flops", "3e14", "--utilisation", "0.5"}, 1.08e23},
		{"G epochs", []string{"--params", "2.6e9", "--tokens", "61e9", "--epochs", "164"}, 1.560624e23},
		{"H table", []string{"--gpu-hours", "370000", "--gpu-type", "h100", "--utilisation", "0.5"}, 370000 * 3600 * 989.4e12 * 0.5},
		{"general method", []string{"--passes", "1e6", "--flop-per-pass", "1e17"}, 1e23},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"compute", "--format", "json"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var out struct {
				TrainingFLOP float64 `json:"training_flop"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatal(err)
			}
			if d := (out.TrainingFLOP - tt.want) / tt.want; d > 1e-9 || d < -1e-9 {
				t.Errorf("training_flop = %g, want %g", out.TrainingFLOP, tt.want)
			}
		})
	}
	r := run(t, "compute", "--params", "3.8e9", "--tokens", "3.3e12")
	if !strings.Contains(r.stdout, "7.5e22 FLOP") {
		t.Errorf("text output lacks the 2-significant-figure figure: %s", r.stdout)
	}
	if r := run(t, "compute", "--list-accelerators"); r.code != 0 || !strings.Contains(r.stdout, "nvidia-h100-sxm") {
		t.Errorf("--list-accelerators: %+v", r)
	}
}

func TestScopeJSON(t *testing.T) {
	r := run(t, "scope", "--as-of", "2026-11-26", "--format", "json", exdir+"frontier")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Compute struct {
			TrainingFLOP   *float64 `json:"training_flop"`
			CumulativeFLOP *float64 `json:"cumulative_flop"`
		} `json:"compute"`
		Classification map[string]any `json:"classification"`
		Obligations    []struct {
			Rule, Citation, Status string
			Due                    *string `json:"due"`
		} `json:"obligations"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Compute.TrainingFLOP == nil || *out.Compute.CumulativeFLOP < 1e25 {
		t.Errorf("compute = %+v", out.Compute)
	}
	for _, k := range []string{"gpai", "systemic_risk", "provider", "open_source_exempt"} {
		if _, ok := out.Classification[k].(bool); !ok {
			t.Errorf("classification.%s missing or not a bool", k)
		}
	}
	if out.Classification["systemic_risk"] != true {
		t.Errorf("frontier example not systemic: %v", out.Classification)
	}
	if len(out.Obligations) == 0 || out.Obligations[0].Rule == "" || out.Obligations[0].Citation == "" || out.Obligations[0].Status == "" {
		t.Errorf("obligations = %+v", out.Obligations)
	}
	// "due" is present for every obligation, null when there is none.
	if !strings.Contains(r.stdout, `"due": null`) || !strings.Contains(r.stdout, `"due": "2025-08-16"`) {
		t.Errorf("due dates not as expected")
	}
}

func TestCheckExitStatus(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"check", "--as-of", "2026-12-01", exdir + "open-weight-finetune"}, 0},
		{[]string{"check", "--as-of", "2026-12-01", "--fail-on", "info", exdir + "open-weight-finetune"}, 1},
		{[]string{"check", "--as-of", "2026-11-26", exdir + "api-model"}, 1},
		{[]string{"check", "--as-of", "2026-11-26", "--fail-on", "none", exdir + "api-model"}, 0},
		{[]string{"check", "--as-of", "2025-09-01", exdir + "api-model"}, 0},
	}
	for _, tt := range tests {
		if r := run(t, tt.args...); r.code != tt.code {
			t.Errorf("gpai %v: exit %d, want %d\n%s%s", tt.args, r.code, tt.code, r.stdout, r.stderr)
		}
	}
}

func TestCheckBadDossier(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte("gpai: 1\nprovider:\n  name: P\n  contry: FR\n"), 0o644)
	r := run(t, "check", dir)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	for _, want := range []string{"gpai.yaml:4:3: provider.contry: unknown key", `did you mean "country"?`, `required key "model" is missing`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestCheckFormats(t *testing.T) {
	base := []string{"check", "--as-of", "2026-11-26", exdir + "api-model", "--format"}
	r := run(t, append(base, "json")...)
	var js struct {
		Findings []struct {
			Severity, Rule, Message string
			Position                struct {
				File string
				Line int
			}
		}
		Failed bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || !js.Failed || len(js.Findings) == 0 || js.Findings[0].Position.Line == 0 {
		t.Errorf("json: %v %+v", err, js)
	}
	r = run(t, append(base, "sarif")...)
	var sarif struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) == 0 || sarif.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine == 0 {
		t.Errorf("sarif: %v %+v", err, sarif)
	}
	r = run(t, append(base, "junit")...)
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &junit); err != nil || junit.Tests == 0 || junit.Failures == 0 {
		t.Errorf("junit: %v %+v", err, junit)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"check-api-model.txt", []string{"check", "--as-of", "2026-11-26", exdir + "api-model"}},
		{"check-api-model.sarif", []string{"check", "--as-of", "2026-11-26", "--format", "sarif", exdir + "api-model"}},
		{"check-api-model.junit.xml", []string{"check", "--as-of", "2026-11-26", "--format", "junit", exdir + "api-model"}},
		{"scope-frontier.txt", []string{"scope", "--as-of", "2026-11-26", exdir + "frontier"}},
		{"scope-open-weight.json", []string{"scope", "--as-of", "2026-12-01", "--format", "json", exdir + "open-weight-finetune"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			golden.Assert(t, tt.name, []byte(strings.ReplaceAll(r.stdout, buildVersion(), "VERSION")))
		})
	}
}

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	r := run(t, "init", dir)
	if r.code != 0 {
		t.Fatalf("init: exit %d %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "gpai.yaml"))
	if !bytes.Contains(data, []byte("$schema=.schema/gpai.schema.json")) {
		t.Errorf("modeline not rewritten")
	}
	if _, err := os.Stat(filepath.Join(dir, ".schema", "gpai.schema.json")); err != nil {
		t.Errorf("schema not written: %v", err)
	}
	if r := run(t, "check", "--as-of", "2026-12-01", dir); r.code != 0 {
		t.Errorf("check of a fresh dossier: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte("edited\n"), 0o644)
	r = run(t, "init", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second init: exit %d %q", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "gpai.yaml")); string(data) != "edited\n" {
		t.Errorf("init overwrote an existing file")
	}
	for _, ex := range []string{"api-model", "frontier"} {
		d := filepath.Join(t.TempDir(), ex)
		if r := run(t, "init", "--example", ex, d); r.code != 0 {
			t.Errorf("init --example %s: %s", ex, r.stderr)
		}
		if r := run(t, "scope", d); r.code != 0 {
			t.Errorf("scope of example %s: %s", ex, r.stderr)
		}
	}
}

func TestRulebookCommands(t *testing.T) {
	before := run(t, "rulebook", "list", "--as-of", "2026-07-26")
	after := run(t, "rulebook", "list", "--as-of", "2026-07-27")
	if strings.Contains(before.stdout, "OMNIBUS-CODE-ADEQUACY") || !strings.Contains(after.stdout, "OMNIBUS-CODE-ADEQUACY") || strings.Contains(after.stdout, "NOTE-CODE-ADEQUACY ") {
		t.Errorf("rulebook list does not follow the Omnibus date")
	}
	layer := filepath.Join(t.TempDir(), "amend.yaml")
	os.WriteFile(layer, []byte(`rulebook: test-amendment
version: "1"
title: A test amendment raising the GPAI criterion
published: 2027-01-01
params:
  - name: gpai_flop_threshold
    value: 1e24
    citation: test
    from: 2027-01-01
rules:
  - id: TEST-NOTE
    kind: note
    from: 2027-01-01
    when: gpai and trainng_flop > 0
    title: t
    citation: c
`), 0o644)
	r := run(t, "scope", "--rulebook", layer, exdir+"api-model")
	if r.code != 2 || !strings.Contains(r.stderr, `amend.yaml:14:5: rules[0].when`) || !strings.Contains(r.stderr, `did you mean "training_flop"?`) {
		t.Errorf("a typo in a layer: exit %d %q", r.code, r.stderr)
	}
	os.WriteFile(layer, bytes.ReplaceAll(mustRead(t, layer), []byte("trainng_flop"), []byte("training_flop")), 0o644)
	// The amendment raises the criterion to 1e24 from 2027: a model of
	// 6.6e24 stays GPAI, a 5e23 model stops being one.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte("gpai: 1\nprovider: {name: P, country: FR, size: large}\nmodel: {name: M, version: '1', modalities: {input: [text], output: [text]}}\ndates: {eu_placement: 2026-01-01}\ncompute: {stages: [{name: s, kind: pre-training, flop: 5e23}]}\n"), 0o644)
	for _, tt := range []struct {
		asOf string
		gpai bool
	}{{"2026-12-31", true}, {"2027-01-01", false}} {
		r := run(t, "scope", "--rulebook", layer, "--as-of", tt.asOf, "--format", "json", dir)
		if r.code != 0 {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
		var out struct{ Classification struct{ GPAI bool } }
		json.Unmarshal([]byte(r.stdout), &out)
		if out.Classification.GPAI != tt.gpai {
			t.Errorf("as of %s with the amendment: gpai=%t, want %t", tt.asOf, out.Classification.GPAI, tt.gpai)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBinary builds the real binary and runs it as a user would.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "gpai")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "check", "--as-of", "2026-11-26", exdir+"api-model")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !bytes.Contains(out, []byte("ART53-1D-SUMMARY")) {
		t.Errorf("binary check: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "check", "--as-of", "2026-12-01", exdir+"open-weight-finetune").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("passed")) {
		t.Errorf("binary check open-weight: %v\n%s", err, out)
	}
}
