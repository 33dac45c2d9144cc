package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/internal/golden"
)

// Golden renders of the form for every recipient in every text format.
func TestDocRenderGolden(t *testing.T) {
	for _, r := range []string{"aio", "nca", "dp", "all"} {
		for _, f := range []string{"md", "html", "json"} {
			res := run(t, "doc", "render", "--for", r, "--format", f, exdir+"api-model")
			if res.code != 0 {
				t.Fatalf("render %s %s: exit %d %s", r, f, res.code, res.stderr)
			}
			golden.Assert(t, filepath.Join("doc", "api-model."+r+"."+f), []byte(res.stdout))
		}
	}
}

func TestDocRenderPDF(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium missing on CI")
		}
		t.Skip("no chromium")
	}
	out := filepath.Join(t.TempDir(), "dp.pdf")
	if r := run(t, "doc", "render", "--for", "dp", "--format", "pdf", "-o", out, exdir+"api-model"); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(out)
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
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
	for _, want := range []string{"Model Documentation Form", "Downstream providers", "Item 23. Technical means for model integration", "50B-100B"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	for _, leak := range []string{"Item 13.", "7.0×10^10", "Item 40.", "Item 32."} {
		if strings.Contains(flat, leak) {
			t.Errorf("the downstream providers' PDF contains %q", leak)
		}
	}
}

func TestDocErrors(t *testing.T) {
	nodoc := copyDir(t, exdir+"open-weight-finetune")
	os.Remove(filepath.Join(nodoc, "documentation.yaml"))
	if r := run(t, "doc", "render", nodoc); r.code != 2 || !strings.Contains(r.stderr, "has no documentation.yaml") {
		t.Errorf("no documentation.yaml: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "doc", "render", "--for", "public", exdir+"api-model"); r.code != 2 {
		t.Errorf("bad --for: exit %d", r.code)
	}
	dir := copyDir(t, exdir+"api-model")
	doc, _ := os.ReadFile(filepath.Join(dir, "documentation.yaml"))
	os.WriteFile(filepath.Join(dir, "documentation.yaml"), []byte(strings.Replace(string(doc), "parameters: 7.0e10", "parameters: 7.0e10\n  parameter_range: 1-500M", 1)), 0o644)
	if r := run(t, "doc", "render", dir); r.code != 2 || !strings.Contains(r.stderr, "contradicts") {
		t.Errorf("contradiction: exit %d %s", r.code, r.stderr)
	}
	r := run(t, "doc", "diff", "--for", "dp", exdir+"api-model", exdir+"frontier")
	if r.code != 0 || !strings.Contains(r.stdout, "item 1. Legal name for the model provider") || strings.Contains(r.stdout, "item 13.") {
		t.Errorf("diff --for dp: %s", r.stdout)
	}
}
