package main

import (
	"encoding/json"
	"github.com/gpai-project/gpai/internal/golden"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyDir copies the example dossier so tests can build into it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return dst
}

func TestSummaryBuildAndStale(t *testing.T) {
	dir := copyDir(t, exdir+"open-weight-finetune")
	r := run(t, "summary", "build", "--as-of", "2026-12-01", dir)
	if r.code != 0 {
		t.Fatalf("build: exit %d %s", r.code, r.stderr)
	}
	for _, f := range []string{"summary.md", "summary.html", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, "summary", f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	var s struct {
		Domains []struct{ Domain string }
		Inputs  map[string]string
		SME     bool `json:"sme_variant"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary", "summary.json"))
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Domains) != 30 || !s.SME || s.Inputs["data.yaml"] == "" || s.Inputs["crawl/stats.json"] == "" {
		t.Errorf("summary.json: %d domains, sme %t, inputs %v", len(s.Domains), s.SME, s.Inputs)
	}
	// The summary is evidence for the obligation now.
	r = run(t, "scope", "--as-of", "2026-12-01", "--format", "json", dir)
	if !strings.Contains(r.stdout, `"rule": "ART53-1D-SUMMARY"`) || !strings.Contains(r.stdout, `"status": "met"`) {
		t.Errorf("ART53-1D-SUMMARY not met after build")
	}
	if r := run(t, "check", "--as-of", "2026-12-01", dir); r.code != 0 {
		t.Errorf("check after build: exit %d\n%s", r.code, r.stdout)
	}
	// Change the data: the summary is stale.
	old := filepath.Join(t.TempDir(), "old.json")
	os.WriteFile(old, b, 0o644)
	data, _ := os.ReadFile(filepath.Join(dir, "data.yaml"))
	os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(strings.Replace(string(data), "About 85% French", "About 80% French", 1)), 0o644)
	r = run(t, "check", "--as-of", "2026-12-01", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "SUMMARY-STALE") {
		t.Errorf("check with stale summary: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, "summary", "build", "--as-of", "2026-12-02", dir); r.code != 0 {
		t.Fatalf("rebuild: %s", r.stderr)
	}
	r = run(t, "summary", "diff", old, dir)
	if r.code != 0 || !strings.Contains(r.stdout, "~ linguistic_characteristics: About 85% French") || !strings.Contains(r.stdout, "~ last_update: 2026-12-01 -> 2026-12-02") {
		t.Errorf("diff: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "summary", "diff", old, old); r.code != 0 || !strings.Contains(r.stdout, "no changes") {
		t.Errorf("diff of equal summaries: %s", r.stdout)
	}
}

func TestSummaryBuildRefusesIncomplete(t *testing.T) {
	dir := copyDir(t, exdir+"open-weight-finetune")
	data, _ := os.ReadFile(filepath.Join(dir, "data.yaml"))
	os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(strings.Replace(string(data), "statistics: [crawl/stats.json]", "statistics: [crawl/missing.json]", 1)), 0o644)
	r := run(t, "summary", "build", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "crawl statistics crawl/missing.json cannot be read") || !strings.Contains(r.stderr, "not built") {
		t.Errorf("exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "summary")); err == nil {
		t.Error("an incomplete summary was written")
	}
	if r := run(t, "summary", "build", exdir+"api-model"); r.code != 2 || !strings.Contains(r.stderr, "has no data.yaml") {
		t.Errorf("no data.yaml: exit %d %s", r.code, r.stderr)
	}
}

func TestCrawlstatsCLI(t *testing.T) {
	const testdata = "../../crawlstats/testdata/"
	truth, err := os.ReadFile(testdata + "cc5k.truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"cc5k.cdxj.gz", "cc5k.parquet"} {
		r := run(t, "crawlstats", "--format", "csv", testdata+in)
		if r.code != 0 || r.stdout != string(truth) {
			t.Errorf("%s: exit %d, csv differs from the generator's truth\n%s", in, r.code, r.stderr)
		}
	}
	// the table for people, with its malformed lines and examples
	if r := run(t, "crawlstats", "-q", "--top", "12", testdata+"cc5k.cdxj.gz"); r.code != 0 {
		t.Errorf("text: exit %d %s", r.code, r.stderr)
	} else {
		golden.Assert(t, "crawlstats/cc5k.top12.txt", []byte(r.stdout))
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if r := run(t, "crawlstats", "-q", "--out", a, "--top", "1", testdata+"cc5k.cdxj.gz"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "crawlstats", "-q", "--out", b, "--top", "1", testdata+"cc5k.parquet"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "crawlstats", "merge", "--format", "json", "--rule", a)
	var out struct {
		Domains int
		Listed  []struct{ Domain string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Domains != 500 || len(out.Listed) != 50 {
		t.Errorf("merge --rule: %v %+v", err, out)
	}
	if r := run(t, "crawlstats", "merge", "--rule", "--sme", "--format", "json", a); !strings.Contains(r.stdout, `"domains": 500`) {
		t.Errorf("merge --sme: %s", r.stdout)
	}
	for _, bad := range [][]string{{"crawlstats"}, {"crawlstats", "--top", "3", "--rule", "x"}, {"crawlstats", "--sme", "x"}, {"crawlstats", "merge", exdir + "api-model/gpai.yaml"}, {"crawlstats", "no-such-file.cdxj"}} {
		if r := run(t, bad...); r.code != 2 {
			t.Errorf("gpai %v: exit %d, want 2 (%s)", bad, r.code, r.stderr)
		}
	}
}
