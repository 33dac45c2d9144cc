// Package examples holds gpai's bundled example dossiers, one per regime:
// an open-weight fine-tune by an SME, a proprietary API model, and a
// systemic-risk frontier model. "gpai init --example NAME" writes them out.
package examples

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed open-weight-finetune api-model frontier
var dossiers embed.FS

// Default is the example "gpai init" writes when none is named.
const Default = "open-weight-finetune"

// Names returns the names of the bundled examples, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(dossiers, ".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Files returns the files of the example name, by slash path within it.
func Files(name string) (map[string][]byte, bool) {
	sub, err := fs.Sub(dossiers, name)
	if err != nil {
		return nil, false
	}
	out := map[string][]byte{}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		out[p] = b
		return err
	})
	if err != nil || len(out) == 0 {
		return nil, false
	}
	return out, true
}
