package gpai_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageComments checks that every package has exactly one package
// comment, starting "Package name" (or "Command name" for main).
func TestPackageComments(t *testing.T) {
	dirs := map[string]bool{}
	filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			dirs[filepath.Dir(p)] = true
		}
		return nil
	})
	for dir := range dirs {
		pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		for name, pkg := range pkgs {
			var docs []string
			for fname, f := range pkg.Files {
				if f.Doc != nil {
					docs = append(docs, fname)
					text := f.Doc.Text()
					if !strings.HasPrefix(text, "Package "+name+" ") && !(name == "main" && strings.HasPrefix(text, "Command ")) {
						t.Errorf("%s: package comment starts %q", fname, strings.SplitN(text, "\n", 2)[0])
					}
				}
			}
			if len(docs) != 1 {
				t.Errorf("package %s in %s has %d package comments (%v), want exactly one", name, dir, len(docs), docs)
			}
		}
	}
}
