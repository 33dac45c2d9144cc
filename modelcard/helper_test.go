package modelcard_test

import (
	"encoding/json"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
)

const apiModel = "../examples/api-model"

// example loads a bundled example's facts and derived documentation.
func example(t testing.TB, dir string) (*gpai.Facts, *gpai.Documentation) {
	t.Helper()
	d, est, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var doc gpai.Documentation
	if _, err := dossier.LoadFile(dir, gpai.DocumentationFile, &doc); err != nil {
		t.Fatal(err)
	}
	if c := doc.Derive(d.Facts, est); len(c) > 0 {
		t.Fatalf("contradictions: %v", c)
	}
	return d.Facts, &doc
}

// schemaValid checks a form against documentation.schema.json, the way
// gpai reads documentation.yaml.
func schemaValid(t testing.TB, d *gpai.Documentation) error {
	t.Helper()
	d.Document.Version = "1"
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	var out gpai.Documentation
	_, err = dossier.ParseFile("documentation.yaml", gpai.DocumentationFile, b, &out)
	return err
}
