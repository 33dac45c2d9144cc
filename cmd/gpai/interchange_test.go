package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/internal/golden"
)

// runX runs gpai with the interchange commands under gpai doc, adding
// them when the command tree does not register them yet.
func runX(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	root := m.rootCommand()
	for _, c := range root.Commands() {
		if c.Name() != "doc" {
			continue
		}
		registered := false
		for _, s := range c.Commands() {
			registered = registered || s.Name() == "export"
		}
		if registered {
			return run(t, args...)
		}
		c.AddCommand(m.interchangeCommands()...)
	}
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(context.Background())
	code := exitOK
	var ue *usageError
	var probs gpai.Problems
	switch {
	case err == nil:
	case errors.As(err, new(*internalError)):
		code = exitInternal
		errb.WriteString("gpai: internal error: " + err.Error() + "\n")
	case errors.As(err, &ue):
		code = exitUsage
		errb.WriteString("gpai: " + ue.err.Error() + "\nTry: " + ue.hint + "\n")
	case errors.As(err, &probs):
		code = exitUsage
		errb.WriteString("gpai: problems:\n" + probs.Error() + "\n")
	default:
		code = exitUsage
		errb.WriteString("gpai: " + gpai.ErrorMessage(err) + "\n")
		if gpai.ErrorCode(err) == gpai.EINTERNAL {
			errb.WriteString(err.Error() + "\n")
		}
	}
	return result{code, out.String(), errb.String()}
}

func TestInterchangeExportGolden(t *testing.T) {
	for _, tt := range []struct{ to, ext string }{{"hf", "md"}, {"cyclonedx", "cdx.json"}} {
		r := runX(t, "doc", "export", "--to", tt.to, exdir+"api-model")
		if r.code != 0 {
			t.Fatalf("export --to %s: exit %d: %s", tt.to, r.code, r.stderr)
		}
		golden.Assert(t, "interchange/api-model.dp."+tt.ext, []byte(r.stdout))
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		if r := runX(t, "doc", "export", "--to", tt.to, "--for", "aio", "-o", out, exdir+"api-model"); r.code != 0 {
			t.Fatalf("export -o: exit %d: %s", r.code, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil || !bytes.Contains(b, []byte("7.0×10^10")) {
			t.Errorf("export --for aio -o: %v; the AI Office's parameter count is missing", err)
		}
	}
	if r := runX(t, "doc", "export", "--to", "hf", "--for", "all", exdir+"api-model"); r.code != 0 || !strings.Contains(r.stderr, "do not publish") {
		t.Errorf("--for all: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestInterchangeCardRoundTrip exports the example as a card, imports it
// into a new dossier beside the example's gpai.yaml, and checks that the
// result loads and agrees item by item for downstream providers.
func TestInterchangeCardRoundTrip(t *testing.T) {
	r := runX(t, "doc", "export", "--to", "hf", exdir+"api-model")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	dir := t.TempDir()
	card := filepath.Join(dir, "README.md")
	os.WriteFile(card, []byte(r.stdout), 0o644)
	dossierDir := filepath.Join(dir, "dossier")
	r = runX(t, "doc", "import-card", card, dossierDir)
	if r.code != 0 {
		t.Fatalf("import-card: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"mapped (", "item 21", "still to fill", "item 3. Model authenticity"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import-card output lacks %q:\n%s", want, r.stdout)
		}
	}
	y, err := os.ReadFile(filepath.Join(dossierDir, gpai.DocumentationFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "# TO FILL: item 26. Design specifications of the training process: design") {
		t.Errorf("documentation.yaml does not name item 26 as still to fill:\n%s", y)
	}
	facts, _ := os.ReadFile(exdir + "api-model/gpai.yaml")
	os.WriteFile(filepath.Join(dossierDir, gpai.FactsFile), facts, 0o644)
	_, orig, _, err := loadDoc(exdir + "api-model")
	if err != nil {
		t.Fatal(err)
	}
	_, back, _, err := loadDoc(dossierDir)
	if err != nil {
		t.Fatalf("the imported dossier does not load: %v\n%s", err, y)
	}
	for _, it := range gpai.DocItems {
		if it.IsFor(gpai.DP) {
			if a, b := itemText(it.Value(orig)), itemText(it.Value(back)); a != b {
				t.Errorf("item %d (%s): imported %q, exported %q", it.Number, it.Title, b, a)
			}
		}
	}
	// Never overwrite.
	r = runX(t, "doc", "import-card", card, dossierDir)
	if r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second import-card: exit %d, stderr %q", r.code, r.stderr)
	}
	if y2, _ := os.ReadFile(filepath.Join(dossierDir, gpai.DocumentationFile)); !bytes.Equal(y, y2) {
		t.Error("the second import changed documentation.yaml")
	}
	if left, _ := filepath.Glob(filepath.Join(dossierDir, ".gpai-import-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestInterchangeImportGolden(t *testing.T) {
	dir := t.TempDir()
	r := runX(t, "doc", "import-card", "../../modelcard/testdata/cards/finetune-template.md", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	y, err := os.ReadFile(filepath.Join(dir, gpai.DocumentationFile))
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "interchange/finetune-template.documentation.yaml", y)
	golden.Assert(t, "interchange/finetune-template.import.txt", []byte(strings.ReplaceAll(r.stdout, dir, "DIR")))
}

func TestInterchangeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"doc", "import-card", write("bad.md", "---\nlicense: mit\ntags: [a\n---\n"), filepath.Join(dir, "d1")}, "bad.md:3"},
		{[]string{"doc", "import-card", write("open.md", "---\nlicense: mit\n"), filepath.Join(dir, "d2")}, "never closed"},
		{[]string{"doc", "import-card", write("bin.md", "\x00\x01"), filepath.Join(dir, "d3")}, "binary"},
		{[]string{"doc", "import-card", filepath.Join(dir, "missing.md"), filepath.Join(dir, "d4")}, "does not exist"},
		{[]string{"doc", "import-card", dir, filepath.Join(dir, "d5")}, "is a folder"},
		{[]string{"doc", "import-card", "x.md"}, "takes a model card and a dossier folder"},
		{[]string{"doc", "export", exdir + "api-model"}, "--to is required"},
		{[]string{"doc", "export", "--to", "spdx", exdir + "api-model"}, `unknown --to "spdx"`},
		{[]string{"doc", "export", "--to", "hf", "--for", "public", exdir + "api-model"}, `unknown --for "public"`},
		{[]string{"doc", "export", "--to", "hf", exdir + "../nowhere"}, "does not exist"},
		{[]string{"doc", "export", "--to", "hf", filepath.Join(dir, "nope")}, "does not exist"},
	}
	for _, tt := range tests {
		r := runX(t, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("gpai %v printed a stack trace", tt.args)
		}
	}
	for _, d := range []string{"d1", "d2", "d3"} {
		if _, err := os.Stat(filepath.Join(dir, d, gpai.DocumentationFile)); err == nil {
			t.Errorf("a failed import wrote %s", d)
		}
	}
}

func TestInterchangeHelp(t *testing.T) {
	for _, c := range []string{"import-card", "export"} {
		if r := runX(t, "doc", c, "--help"); r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("gpai doc %s --help: exit %d", c, r.code)
		}
	}
}
