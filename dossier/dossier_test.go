package dossier_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
)

const valid = `gpai: 1
provider:
  name: P
  country: FR
  size: small
model:
  name: M
  version: "1"
  modalities:
    input: [text]
    output: [text]
dates:
  eu_placement: 2026-01-01
`

func TestParseValid(t *testing.T) {
	f, pos, est, err := dossier.Parse("gpai.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if f.Provider.Name != "P" || f.Dates.EUPlacement.String() != "2026-01-01" || est != nil {
		t.Errorf("Parse = %+v, est %v", f, est)
	}
	g, _, _, err := dossier.Parse("gpai.yaml", []byte(strings.Replace(valid, "  version: \"1\"", "  version: \"1\"\n  parameters: 7e9", 1)))
	if err != nil || g.Model.Parameters != 7e9 {
		t.Errorf("parameters: 7e9 (YAML 1.2 float without a dot) = %v, %v", g, err)
	}
	if p := pos["dates.eu_placement"]; p.Line != 13 || p.Column != 3 {
		t.Errorf("position of dates.eu_placement = %v, want 13:3", p)
	}
}

// Every bad input gives positioned problems with a fix, never a panic.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // each a substring of one problem: "line:col: field: message"
	}{
		{"empty", "", []string{"gpai.yaml:1:1: file is empty"}},
		{"only comments", "# nothing\n\n", []string{"file is empty"}},
		{"malformed yaml", "gpai: 1\nprovider: [\n", []string{"gpai.yaml:2", "invalid YAML"}},
		{"bad indentation", "gpai: 1\nprovider:\n  name: P\n country: FR\n", []string{"invalid YAML"}},
		{"unknown key with suggestion", strings.Replace(valid, "  size: small", "  size: small\n  contry: FR", 1), []string{`gpai.yaml:6:3: provider.contry: unknown key "contry" (fix: did you mean "country"?)`}},
		{"unknown top-level key", valid + "extra: 1\n", []string{`gpai.yaml:14:1: extra: unknown key "extra"`}},
		{"wrong type", strings.Replace(valid, "name: M", "name: [M]", 1), []string{"gpai.yaml:7:3: model.name: is a array, want a string"}},
		{"negative number", valid + "compute:\n  stages:\n    - name: s\n      kind: pre-training\n      flop: -5\n", []string{"gpai.yaml:18:7: compute.stages[0].flop"}},
		{"quoted number is text", strings.Replace(valid, "  version: \"1\"", "  version: \"1\"\n  parameters: \"7e9\"", 1), []string{"gpai.yaml:9:3: model.parameters: is a string, want a number"}},
		{"absurd number", strings.Replace(valid, "  version: \"1\"", "  version: \"1\"\n  parameters: 1e40", 1), []string{"model.parameters", "beyond any plausible value"}},
		{"date in the wrong format", strings.Replace(valid, "2026-01-01", "01/01/2026", 1), []string{"gpai.yaml:13:3: dates.eu_placement", "YYYY-MM-DD"}},
		{"impossible date", strings.Replace(valid, "2026-01-01", "2026-02-30", 1), []string{"dates.eu_placement", "not a date"}},
		{"missing required", "gpai: 1\nprovider:\n  name: P\n  country: FR\n  size: small\nmodel:\n  name: M\n  version: '1'\n  modalities: {input: [text], output: [text]}\n", []string{`dates: required key "dates" is missing`}},
		{"bad enum with suggestion", strings.Replace(valid, "size: small", "size: smal", 1), []string{"provider.size", `did you mean "small"?`}},
		{"wrong format version", strings.Replace(valid, "gpai: 1", "gpai: 2", 1), []string{"gpai.yaml:1:1: gpai: must be 1"}},
		{"lower-case country", strings.Replace(valid, "country: FR", "country: fr", 1), []string{"two-letter country code"}},
		{"several problems at once", strings.Replace(strings.Replace(valid, "size: small", "size: huge", 1), "name: M", "name: 5", 1), []string{"provider.size", "model.name"}},
		{"alias", "gpai: &v 1\nprovider: *v\n", []string{"anchors and aliases are not supported"}},
		{"duplicate key", strings.Replace(valid, "  size: small", "  size: small\n  size: large", 1), []string{"gpai.yaml:6:3", `"size" already defined`}},
		{"binary junk", "\x7fELF\x02\x01\x01\x00\x00\x00", []string{"NUL byte"}},
		{"invalid utf-8", "gpai: 1\nname: \xff\xfe\n", []string{"gpai.yaml:2", "not valid UTF-8"}},
		{"two documents", valid + "---\ngpai: 1\n", []string{"more than one YAML document"}},
		{"dates out of order", strings.Replace(valid, "  eu_placement: 2026-01-01", "  eu_placement: 2026-01-01\n  first_release: 2026-03-01", 1), []string{"dates.eu_placement", "is before dates.first_release"}},
		{"representative outside the EU", strings.Replace(valid, "  size: small", "  size: small\n  authorised_representative: {name: R, country: CH}", 1), []string{"not a member state"}},
		{"unknown accelerator", valid + "compute:\n  stages:\n    - name: s\n      kind: pre-training\n      hardware:\n        - {units: 8, hours: 10, accelerator: h1000, utilisation: 0.5}\n", []string{"gpai.yaml:19", "compute.stages[0].hardware[0].accelerator", `unknown accelerator "h1000"`}},
		{"utilisation above one", valid + "compute:\n  stages:\n    - name: s\n      kind: pre-training\n      hardware:\n        - {units: 8, hours: 10, peak_flops: 1e15, utilisation: 40}\n", []string{"utilisation"}},
		{"unknown licence without grants", valid + "licence: {id: LicenseRef-Mine}\n", []string{"licence.grants", "does not know licence"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := dossier.Parse("gpai.yaml", []byte(tt.src))
			var probs gpai.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("Parse error = %v (%T), want gpai.Problems", err, err)
			}
			text := probs.Error()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("problems:\n%s\nwant a line containing %q", text, w)
				}
			}
			for _, p := range probs {
				if p.Pos.File != "gpai.yaml" {
					t.Errorf("problem without its file: %v", p)
				}
			}
		})
	}
}

func TestParseHugeFile(t *testing.T) {
	big := bytes.Repeat([]byte("# padding padding padding padding padding padding\n"), 50<<20/50)
	_, _, _, err := dossier.Parse("gpai.yaml", append([]byte(valid), big...))
	if err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Errorf("Parse(50 MB) error = %v, want the size limit", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := dossier.Load(filepath.Join(dir, "nope")); gpai.ErrorCode(err) != gpai.ENOTFOUND {
		t.Errorf("Load(missing) = %v, want not found", err)
	}
	if _, _, err := dossier.Load(dir); gpai.ErrorCode(err) != gpai.ENOTFOUND || !strings.Contains(gpai.ErrorMessage(err), "gpai init") {
		t.Errorf("Load(empty dir) = %v, want not found with a hint", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "safety"), 0o755)
	os.WriteFile(filepath.Join(dir, "safety", "framework.yaml"), []byte("x: 1\n"), 0o644)
	d, _, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Files["gpai.yaml"] || !d.Files["safety/framework.yaml"] {
		t.Errorf("Files = %v", d.Files)
	}
	// Naming gpai.yaml itself works too.
	if _, _, err := dossier.Load(filepath.Join(dir, "gpai.yaml")); err != nil {
		t.Errorf("Load(file) = %v", err)
	}
}

func TestExamplesLoad(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) < 3 {
		t.Fatalf("want the bundled examples in testdata, got %v", files)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, _, _, err := dossier.Parse(f, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		data, _ := os.ReadFile(name)
		f.Add(data)
	}
	f.Add([]byte(valid))
	f.Add([]byte("gpai: &a [*a]\n"))
	f.Add([]byte("{{{{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, _, _, err := dossier.Parse("gpai.yaml", data)
		if err == nil && facts == nil {
			t.Fatal("nil facts without an error")
		}
		var probs gpai.Problems
		if err != nil && errors.As(err, &probs) {
			for _, p := range probs {
				if p.Message == "" || p.Pos.File != "gpai.yaml" {
					t.Fatalf("problem without a message or file: %+v", p)
				}
			}
		}
	})
}
