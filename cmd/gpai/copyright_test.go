package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/internal/golden"
)

func TestCopyrightRender(t *testing.T) {
	for _, doc := range []string{"policy", "summary", "disclosure", "aup"} {
		r := run(t, "copyright", "render", "--doc", doc, exdir+"api-model")
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", doc, r.code, r.stderr)
		}
		golden.Assert(t, filepath.Join("copyright", "api-model."+doc+".md"), []byte(r.stdout))
		if doc != "policy" && (strings.Contains(r.stdout, "Dana Whitfield") || strings.Contains(r.stdout, "dana.whitfield@") || strings.Contains(r.stdout, "Escalate complaints")) {
			t.Errorf("public %s shows internal details", doc)
		}
	}
	dir := copyDir(t, exdir+"api-model")
	if r := run(t, "copyright", "render", "--doc", "all", dir); r.code != 0 || strings.Count(r.stdout, "wrote ") != 12 {
		t.Errorf("--doc all: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "copyright", "disclosure.html")); err != nil {
		t.Error(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "copyright.yaml"))
	os.WriteFile(filepath.Join(dir, "copyright.yaml"), []byte(strings.Replace(string(b), "product_token: MeridianSearch", "product_token: MeridianBot", 1)), 0o644)
	r := run(t, "copyright", "render", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "serves both training and search") {
		t.Errorf("render with errors: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "check", "--as-of", "2026-11-26", dir); r.code != 1 || !strings.Contains(r.stdout, "copyright.yaml:") {
		t.Errorf("check: exit %d %s", r.code, r.stdout)
	}
	if r := run(t, "copyright", "render", exdir+"../nowhere"); r.code != 2 {
		t.Errorf("missing dossier: exit %d", r.code)
	}
}
