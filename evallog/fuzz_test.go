package evallog_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gpai-project/gpai/evallog"
)

// FuzzRead checks that Read never panics, that every failure is an
// *evallog.Error without results, and that every result is usable: a task,
// a metric, finite values and a provenance naming the file.
func FuzzRead(f *testing.F) {
	names, err := filepath.Glob("testdata/*")
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, name := range names {
		if fi, err := os.Stat(name); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"results": {"t": {"acc,none": NaN}}, "versions": {}}`))
	f.Add([]byte(`{"eval": {"task": "t", "model": "m", "created": "2024-05-01"}, "samples": [{"id": 1, "epoch": 1, "scores": {"s": {"value": "C"}}}]}`))
	limits := evallog.Limits{MaxDocument: 1 << 20, MaxMembers: 1000, MaxArchive: 4 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := limits.Read("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var e *evallog.Error
			if !errors.As(err, &e) || rs != nil {
				t.Fatalf("Read = %d results, %T %v", len(rs), err, err)
			}
			return
		}
		if len(rs) == 0 {
			t.Fatal("Read returned no results and no error")
		}
		for i, r := range rs {
			if r.Task == "" || r.Metric == "" || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) ||
				(r.StdErr != nil && (math.IsNaN(*r.StdErr) || math.IsInf(*r.StdErr, 0))) ||
				r.Provenance[evallog.KeyFile] != "fuzz" || r.Source != "fuzz" {
				t.Fatalf("result %d unusable: %+v", i, r)
			}
		}
	})
}
