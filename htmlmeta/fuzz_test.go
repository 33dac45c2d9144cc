package htmlmeta_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gpai-project/gpai/htmlmeta"
)

func FuzzParse(f *testing.F) {
	names, err := filepath.Glob("testdata/*.html")
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, body bool) {
		c := htmlmeta.Config{MaxBytes: 4096, Body: body}
		d, err := c.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if d.Truncated && len(data) <= 4096 {
			t.Fatalf("Truncated on %d bytes", len(data))
		}
		for _, m := range d.Meta {
			if m.Line < 1 || m.Line > bytes.Count(data, []byte{'\n'})+1 {
				t.Fatalf("meta line %d out of range", m.Line)
			}
		}
		for _, a := range d.Access {
			if a.Free && !a.Valid {
				t.Fatalf("Free without Valid: %+v", a)
			}
		}
	})
}
