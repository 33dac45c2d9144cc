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
)

func docFindings(t *testing.T, edit func(string) string, factsEdit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	facts, _ := os.ReadFile("../examples/api-model/gpai.yaml")
	doc, _ := os.ReadFile("../examples/api-model/documentation.yaml")
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte(factsEdit(string(facts))), 0o644)
	os.WriteFile(filepath.Join(dir, "documentation.yaml"), []byte(edit(string(doc))), 0o644)
	d, est, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := rulebook.Default()
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 11, 26))
	fs, err := check.Documentation{}.Validate(context.Background(), d, s)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.Severity.String()+" "+f.Pos.String()+" "+f.Field+": "+f.Message)
	}
	return strings.Join(lines, "\n")
}

func same(s string) string { return s }

func TestDocumentationFindings(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(string) string
		facts func(string) string
		want  []string
		none  bool
	}{
		{"complete example", same, same, nil, true},
		{"one significant figure where two are asked", func(s string) string { return strings.Replace(s, "parameters: 7.0e10", "parameters: 7e10", 1) }, same,
			[]string{"documentation.yaml:27:3 properties.parameters: item 13 (Total model size (precise)): 7e10 has 1 significant figure(s); the form asks for at least 2"}, false},
		{"energy with one figure", func(s string) string { return strings.Replace(s, "training_mwh: 2.4e4", "training_mwh: 20000", 1) }, same,
			[]string{"item 42 (Amount of energy used for training): 20000 has 1 significant figure(s)"}, false},
		{"range contradicts the precise count", func(s string) string {
			return strings.Replace(s, "parameters: 7.0e10", "parameters: 7.0e10\n  parameter_range: 15B-50B", 1)
		}, same, []string{"item 14 (Total model size (range)): range 15B-50B contradicts the precise count 7.0×10^10 (item 13), which is in 50B-100B"}, false},
		{"compute off the estimate by more than 30%", func(s string) string {
			return strings.Replace(s, "  wall_clock_days: 6.0e1", "  wall_clock_days: 6.0e1\n  training_flop: 1.0e24", 1)
		}, same, []string{"item 40", "more than the 30% margin"}, false},
		{"order of magnitude contradicts", func(s string) string {
			return strings.Replace(s, "  wall_clock_days: 6.0e1", "  wall_clock_days: 6.0e1\n  flop_order_of_magnitude: 23", 1)
		}, same, []string{"item 39", "10^23 contradicts"}, false},
		{"missing item names its recipients", func(s string) string {
			i := strings.Index(s, "  integration_means:")
			j := strings.Index(s, "  hardware:")
			return s[:i] + s[j:]
		}, same, []string{"error", "item 23 (Technical means for model integration): is not answered; it goes to Downstream providers"}, false},
		{"release date contradicts gpai.yaml", func(s string) string {
			return strings.Replace(s, "general:\n", "general:\n  release_date: 2025-09-01\n", 1)
		}, same, []string{"item 4 (Release date): 2025-09-01 differs from gpai.yaml's 2025-10-06"}, false},
		{"not yet due is a warning", func(s string) string {
			i := strings.Index(s, "  integration_means:")
			j := strings.Index(s, "  hardware:")
			return s[:i] + s[j:]
		}, func(f string) string {
			return strings.NewReplacer("first_release: 2025-10-06", "first_release: 2027-03-01", "eu_placement: 2025-10-06", "eu_placement: 2027-03-01").Replace(f)
		}, []string{"warning", "item 23"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := docFindings(t, tt.edit, tt.facts)
			if tt.none && got != "" {
				t.Errorf("findings:\n%s\nwant none", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("findings:\n%s\nwant %q", got, w)
				}
			}
		})
	}
}

func TestDocumentationSchema(t *testing.T) {
	dir := t.TempDir()
	facts, _ := os.ReadFile("../examples/api-model/gpai.yaml")
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), facts, 0o644)
	os.WriteFile(filepath.Join(dir, "documentation.yaml"), []byte("gpai: 1\ndocument: {version: '1'}\nproperties:\n  parameter_range: 5-15B\n  paramters: 7e9\n"), 0o644)
	d, _, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = check.Documentation{}.Validate(context.Background(), d, &gpai.Scope{})
	for _, w := range []string{"documentation.yaml:4:3: properties.parameter_range", `did you mean "5B-15B"?`, `documentation.yaml:5:3: properties.paramters: unknown key "paramters" (fix: did you mean "parameters"?)`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error = %v, want %q", err, w)
		}
	}
}

func TestSigFigs(t *testing.T) {
	for text, want := range map[string]int{"7.3e10": 2, "7e10": 1, "1.0e2": 2, "100": 1, "0.050": 2, "7.30e10": 3, "12345": 5, "-4.5E-3": 2} {
		if got := (gpai.Figure{Text: text}).SigFigs(); got != want {
			t.Errorf("SigFigs(%s) = %d, want %d", text, got, want)
		}
	}
}
