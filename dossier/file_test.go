package dossier_test

import (
	"errors"
	"os"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
)

func TestParseFileKinds(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		v          any
	}{
		{"documentation.yaml", "testdata/documentation.yaml.txt", &gpai.Documentation{}},
		{"data.yaml", "testdata/data.yaml.txt", &gpai.DataInventory{}},
	} {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dossier.ParseFile(tt.file, tt.name, data, tt.v); err != nil {
			t.Errorf("%s: %v", tt.file, err)
		}
	}
}

// FuzzParseFile feeds documentation.yaml and data.yaml parsing arbitrary
// bytes: a problem list or a value, never a panic.
func FuzzParseFile(f *testing.F) {
	for _, p := range []string{"testdata/documentation.yaml.txt", "testdata/data.yaml.txt"} {
		b, _ := os.ReadFile(p)
		f.Add(b, p == "testdata/documentation.yaml.txt")
	}
	f.Add([]byte("gpai: 1\ndocument: {version: 1}\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, documentation bool) {
		var err error
		if documentation {
			_, err = dossier.ParseFile("documentation.yaml", "documentation.yaml", data, &gpai.Documentation{})
		} else {
			_, err = dossier.ParseFile("data.yaml", "data.yaml", data, &gpai.DataInventory{})
		}
		var probs gpai.Problems
		if err != nil && !errors.As(err, &probs) {
			t.Fatalf("error is not a problem list: %v", err)
		}
	})
}
