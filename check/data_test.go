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
)

const facts = `gpai: 1
provider: {name: P, country: FR, size: small}
model: {name: M, version: "1", modalities: {input: [text], output: [text]}}
dates: {eu_placement: 2026-03-01}
`

const data = `gpai: 1
summary: {version: "1"}
general:
  modalities:
    text: {size: {tokens: 2e12}, content: web text}
  latest_acquisition: 2026-01
  continuously_trained: false
  linguistic_characteristics: French
sources:
  public_datasets: {used: false}
  licensed: {used: false}
  other_private: {used: false}
  crawled: {used: false}
  user_data: {model_interactions: false, other_services: false}
  synthetic: {used: false}
  other: {used: false}
processing:
  tdm_measures: robots.txt
  illegal_content: filters
`

func findings(t *testing.T, dataYAML string, extra map[string]string) []gpai.Finding {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"gpai.yaml": facts, "data.yaml": dataYAML}
	for k, v := range extra {
		files[k] = v
	}
	for name, content := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, _, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := check.Data{}.Validate(context.Background(), d, &gpai.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestDataFindings(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(string) string
		extra map[string]string
		want  []string // substrings of "line:col: field: message", one per expected finding
	}{
		{"complete", func(s string) string { return s }, nil, nil},
		{"crawled without details", func(s string) string {
			return strings.Replace(s, "crawled: {used: false}", "crawled: {used: true}", 1)
		}, nil, []string{"crawlers' names", "behaviour", "period of data collection", "most relevant domain names"}},
		{"public datasets without list", func(s string) string {
			return strings.Replace(s, "public_datasets: {used: false}", "public_datasets: {used: true, modalities: [text]}", 1)
		}, nil, []string{"large publicly available datasets or a description"}},
		{"band contradicts count", func(s string) string {
			return strings.Replace(s, "tokens: 2e12", "tokens: 2e12, band: large", 1)
		}, nil, []string{`band "large" contradicts the count 2 trillion tokens`}},
		{"size missing", func(s string) string { return strings.Replace(s, "{tokens: 2e12}", "{}", 1) }, nil, []string{"training-data size is missing"}},
		{"statistics file missing", func(s string) string {
			return strings.Replace(s, "crawled: {used: false}", "crawled: {used: true, crawlers: [{name: B, purpose: p}], behaviour: b, period: {from: 2026-01, to: 2025-06}, content: c, modalities: [text], statistics: [crawl/stats.json]}", 1)
		}, nil, []string{"period ends before it starts", "crawl statistics crawl/stats.json cannot be read"}},
		{"user data undescribed", func(s string) string {
			return strings.Replace(s, "model_interactions: false", "model_interactions: true", 1)
		}, nil, []string{"services that collected the data"}},
		{"unused but described", func(s string) string {
			return strings.Replace(s, "synthetic: {used: false}", "synthetic: {used: false, models: [{name: X}]}", 1)
		}, nil, []string{"marked unused but described"}},
		{"stale summary", func(s string) string { return s }, map[string]string{"summary/summary.json": `{"inputs": {"data.yaml": "0000"}}`}, []string{"summary is stale: data.yaml changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := findings(t, tt.edit(data), tt.extra)
			var lines []string
			for _, f := range fs {
				lines = append(lines, f.Pos.String()+": "+f.Field+": "+f.Message)
				if f.Rule == "" || f.Pos.File == "" {
					t.Errorf("finding without rule or position: %+v", f)
				}
			}
			all := strings.Join(lines, "\n")
			if len(tt.want) == 0 && len(fs) > 0 {
				t.Errorf("findings:\n%s\nwant none", all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("findings:\n%s\nwant one containing %q", all, w)
				}
			}
		})
	}
}

func TestDataSchemaErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "gpai.yaml"), []byte(facts), 0o644)
	os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(strings.Replace(data, "latest_acquisition: 2026-01", "latest_acquisition: 01/2026\n  unknown_field: 1", 1)), 0o644)
	d, _, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = check.Data{}.Validate(context.Background(), d, &gpai.Scope{})
	if err == nil || !strings.Contains(err.Error(), "data.yaml:6:3: general.latest_acquisition") || !strings.Contains(err.Error(), `unknown key "unknown_field"`) {
		t.Errorf("error = %v", err)
	}
}

func TestDataAgainstDocumentation(t *testing.T) {
	doc := "gpai: 1\ndocument: {version: '1'}\ndata:\n  points: {training: 5.0e8, unit: tokens}\n"
	fs := findings(t, data, map[string]string{"documentation.yaml": doc})
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, f.Message)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, `the text size band "medium" contradicts documentation.yaml's 5.0×10^8 training tokens (item 32), which is "small"`) {
		t.Errorf("findings:\n%s", all)
	}
	doc = strings.Replace(doc, "5.0e8", "2.0e12", 1)
	for _, f := range findings(t, data, map[string]string{"documentation.yaml": doc}) {
		t.Errorf("consistent sizes gave %s", f.Message)
	}
}
