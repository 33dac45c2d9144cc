package evallog_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gpai-project/gpai/evallog"
)

func f(v float64) *float64 { return &v }

// row is the part of a Result the tables compare; provenance is checked
// separately.
type row struct {
	Task, Model, Checkpoint, Scorer, Metric string
	Samples                                 int
	Value                                   float64
	StdErr                                  *float64
}

func rows(rs []evallog.Result) []row {
	out := make([]row, len(rs))
	for i, r := range rs {
		out[i] = row{r.Task, r.Model, r.Checkpoint, r.Scorer, r.Metric, r.Samples, r.Value, r.StdErr}
	}
	return out
}

var multiScorer = []row{
	{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "choice", "accuracy", 3, 0.6666666666666666, f(0.33333333333333337)},
	{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "model_graded_fact", "accuracy", 3, 0.5833333333333334, f(0.3004626062886658)},
}

func TestReadFile(t *testing.T) {
	const lm = "testdata/results_2025-05-12T10-31-07.512345.json"
	tests := []struct {
		name   string
		file   string
		format evallog.Format
		date   time.Time
		want   []row
		prov   map[string]string // a subset of every result's provenance
	}{
		{
			name:   "inspect .eval, two scorers",
			file:   "testdata/inspect_multi_scorer.eval",
			format: evallog.InspectEval,
			date:   time.Date(2025, 6, 2, 9, 14, 7, 318211000, time.UTC),
			want:   multiScorer,
			prov: map[string]string{
				evallog.KeyTool: "inspect_ai", evallog.KeyToolVersion: "0.3.95", evallog.KeyGitHash: "9c1e2f4",
				evallog.KeyGitOrigin: "https://git.example.org/gpai-org/evals.git", evallog.KeyStatus: "success",
				evallog.KeyRunID: "EnfzQfKxR9tN3wBv6yPj2m", evallog.KeyEvalID: "h4Zt6tYkVbVx2C8sJ3dQw7",
				evallog.KeyDataset: "wmdp-bio-probe", evallog.KeyReducer: "mean", evallog.KeyLogVersion: "2",
				evallog.KeyTaskVersion: "1", evallog.KeyFile: "testdata/inspect_multi_scorer.eval",
			},
		},
		{
			name:   "inspect .json, two scorers",
			file:   "testdata/inspect_multi_scorer.json",
			format: evallog.InspectJSON,
			date:   time.Date(2025, 6, 2, 9, 14, 7, 318211000, time.UTC),
			want:   multiScorer,
			prov:   map[string]string{evallog.KeyTool: "inspect_ai", evallog.KeyStatus: "success"},
		},
		{
			name:   "inspect .eval of a run still in progress: means derived from the journal summaries",
			file:   "testdata/inspect_started.eval",
			format: evallog.InspectEval,
			date:   time.Date(2025, 6, 2, 9, 14, 7, 318211000, time.UTC),
			want: []row{
				{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "choice", "mean", 2, 0.5, f(0.5)},
				{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "model_graded_fact", "mean", 2, 0.375, f(0.375)},
			},
			prov: map[string]string{evallog.KeyStatus: "started", evallog.KeyDerived: "samples"},
		},
		{
			name:   "lm-eval, four tasks, two filters, N/A stderr",
			file:   lm,
			format: evallog.LMEval,
			date:   time.Date(2025, 5, 12, 10, 31, 7, 512345000, time.UTC),
			want: []row{
				{"arc_easy", "gpai-org/atlas-7b", "step-12000", "none", "acc", 2376, 0.7319, f(0.009089)},
				{"arc_easy", "gpai-org/atlas-7b", "step-12000", "none", "acc_norm", 2376, 0.6848, f(0.009533)},
				{"gsm8k", "gpai-org/atlas-7b", "step-12000", "flexible-extract", "exact_match", 1319, 0.3563, f(0.013191)},
				{"gsm8k", "gpai-org/atlas-7b", "step-12000", "strict-match", "exact_match", 1319, 0.3412, f(0.013059)},
				{"hellaswag", "gpai-org/atlas-7b", "step-12000", "none", "acc", 10042, 0.5617, f(0.004951)},
				{"hellaswag", "gpai-org/atlas-7b", "step-12000", "none", "acc_norm", 10042, 0.7524, f(0.004307)},
				{"wmdp_bio", "gpai-org/atlas-7b", "step-12000", "none", "acc", 1273, 0.6261, nil},
			},
			prov: map[string]string{
				evallog.KeyTool: "lm-evaluation-harness", evallog.KeyToolVersion: "0.4.8", evallog.KeyGitHash: "a1b2c3d",
				evallog.KeyModelSource: "hf", evallog.KeyModelSHA: "5f0b02c75b57c5855da9ae460ce51323ea669d8a",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evallog.ReadFile(tt.file)
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", tt.file, err)
			}
			if diff := cmp.Diff(tt.want, rows(got)); diff != "" {
				t.Errorf("ReadFile(%q) mismatch (-want +got):\n%s", tt.file, diff)
			}
			data, _ := os.ReadFile(tt.file)
			for i, r := range got {
				if r.Format != tt.format || !r.Date.Equal(tt.date) || r.Source != tt.file {
					t.Errorf("result %d: format %q, date %v, source %q; want %q, %v, %q", i, r.Format, r.Date, r.Source, tt.format, tt.date, tt.file)
				}
				if len(r.Provenance[evallog.KeySHA256]) != 64 {
					t.Errorf("result %d: sha256 %q", i, r.Provenance[evallog.KeySHA256])
				}
				for k, v := range tt.prov {
					if r.Provenance[k] != v {
						t.Errorf("result %d: Provenance[%q] = %q, want %q", i, k, r.Provenance[k], v)
					}
				}
			}
			// Read over an io.ReaderAt gives the same results as ReadFile.
			again, err := evallog.Read(tt.file, bytes.NewReader(data), int64(len(data)))
			if err != nil || !cmp.Equal(got, again) {
				t.Errorf("Read differs from ReadFile: %v", err)
			}
		})
	}
}

// TestLMEvalDetails checks the per-task provenance and higher_is_better of
// lm-eval results.
func TestLMEvalDetails(t *testing.T) {
	got, err := evallog.ReadFile("testdata/results_2025-05-12T10-31-07.512345.json")
	if err != nil {
		t.Fatal(err)
	}
	gsm := got[2]
	if gsm.Provenance[evallog.KeyNShot] != "5" || gsm.Provenance[evallog.KeyTaskVersion] != "3.0" || gsm.Provenance[evallog.KeyTaskHash] != "0d3f2a7c9e11" {
		t.Errorf("gsm8k provenance = %v", gsm.Provenance)
	}
	if gsm.HigherIsBetter == nil || !*gsm.HigherIsBetter {
		t.Errorf("gsm8k HigherIsBetter = %v, want true", gsm.HigherIsBetter)
	}
}

// TestRoundTrip checks that the .json and .eval forms of one log, and an
// .eval archive rebuilt from the .json log the way Inspect writes it, give
// the same results, and that results survive encoding to JSON and back.
func TestRoundTrip(t *testing.T) {
	fromJSON, err := evallog.ReadFile("testdata/inspect_multi_scorer.json")
	if err != nil {
		t.Fatal(err)
	}
	fromEval, err := evallog.ReadFile("testdata/inspect_multi_scorer.eval")
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmp.Options{
		cmpopts.IgnoreFields(evallog.Result{}, "Source", "Format"),
		cmpopts.IgnoreMapEntries(func(k, _ string) bool { return k == evallog.KeyFile || k == evallog.KeySHA256 }),
	}
	if diff := cmp.Diff(fromJSON, fromEval, ignore); diff != "" {
		t.Errorf(".json and .eval differ (-json +eval):\n%s", diff)
	}

	for _, method := range []uint16{zip.Deflate, zip.Store} {
		data := evalFromJSON(t, "testdata/inspect_multi_scorer.json", method, nil)
		rebuilt, err := evallog.Read("rebuilt.eval", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("method %d: %v", method, err)
		}
		if diff := cmp.Diff(fromJSON, rebuilt, ignore); diff != "" {
			t.Errorf("method %d: rebuilt .eval differs (-json +eval):\n%s", method, diff)
		}
	}

	for _, file := range []string{"testdata/inspect_multi_scorer.eval", "testdata/results_2025-05-12T10-31-07.512345.json"} {
		rs, err := evallog.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rs)
		if err != nil {
			t.Fatal(err)
		}
		var back []evallog.Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rs, back); diff != "" {
			t.Errorf("%s: JSON round trip (-before +after):\n%s", file, diff)
		}
	}
}

// evalFromJSON writes the members Inspect's EvalRecorder writes for the
// EvalLog in file, each passed through edit (if non-nil) before writing.
func evalFromJSON(t testing.TB, file string, method uint16, edit func(member string, v map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	put := func(name string, v any) {
		if m, ok := v.(map[string]any); ok && edit != nil {
			edit(name, m)
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
	}
	put("_journal/start.json", map[string]any{"version": log["version"], "eval": log["eval"], "plan": log["plan"]})
	var summaries []any
	for _, s := range log["samples"].([]any) {
		m := s.(map[string]any)
		put("samples/"+jsonText(m["id"])+"_epoch_"+jsonText(m["epoch"])+".json", m)
		summaries = append(summaries, map[string]any{"id": m["id"], "epoch": m["epoch"], "input": m["input"], "target": m["target"], "scores": m["scores"]})
	}
	put("_journal/summaries/1.json", summaries)
	put("summaries.json", summaries)
	put("reductions.json", log["reductions"])
	header := map[string]any{}
	for _, k := range []string{"version", "status", "eval", "plan", "results", "stats"} {
		header[k] = log[k]
	}
	put("header.json", header)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestDerived checks the means Read derives when a log has no aggregate
// scores: from reductions.json, or from the samples of a .json log.
func TestDerived(t *testing.T) {
	noResults := func(member string, v map[string]any) {
		if member == "header.json" {
			delete(v, "results")
			v["status"] = "error"
		}
	}
	data := evalFromJSON(t, "testdata/inspect_multi_scorer.json", zip.Deflate, noResults)
	got, err := evallog.Read("error.eval", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "choice", "mean", 3, 0.6666666666666666, f(0.33333333333333337)},
		{"wmdp_bio_probe", "hf/gpai-org/atlas-7b", "step-12000", "model_graded_fact", "mean", 3, 0.5833333333333334, f(0.3004626062886658)},
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	if diff := cmp.Diff(want, rows(got), approx); diff != "" {
		t.Errorf("from reductions (-want +got):\n%s", diff)
	}
	if got[0].Provenance[evallog.KeyDerived] != "reductions" || got[0].Provenance[evallog.KeyStatus] != "error" {
		t.Errorf("provenance = %v", got[0].Provenance)
	}

	raw, _ := os.ReadFile("testdata/inspect_multi_scorer.json")
	var log map[string]any
	json.Unmarshal(raw, &log)
	delete(log, "results")
	delete(log, "reductions")
	raw, _ = json.Marshal(log)
	got, err = evallog.Read("cancelled.json", bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rows(got), approx); diff != "" {
		t.Errorf("from samples (-want +got):\n%s", diff)
	}
}

func TestLenient(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{
			name: "NaN and Infinity as Python writes them; null metric dropped",
			in:   `{"results": {"t": {"acc,none": NaN, "f1,none": 0.5, "f1_stderr,none": Infinity, "bleu,none": -Infinity, "alias": "NaN"}}, "versions": {"t": 1}}`,
			want: []row{{Task: "t", Scorer: "none", Metric: "f1", Value: 0.5}},
		},
		{
			name: "lm-eval 0.3 keys without a filter; model from model_args",
			in:   "\xef\xbb\xbf" + `{"results": {"t": {"acc": 0.25, "acc_stderr": 0.01}}, "config": {"model": "hf-causal", "model_args": "pretrained=org/m,revision=step1"}, "versions": {"t": 0}}`,
			want: []row{{Task: "t", Model: "org/m", Checkpoint: "step1", Metric: "acc", Value: 0.25, StdErr: f(0.01)}},
		},
		{
			name: "Inspect log schema version 1: results.scorer and results.metrics",
			in:   `{"version": 1, "status": "success", "eval": {"task": "t", "model": "m", "created": "2024-05-01T12:00:00"}, "results": {"scorer": {"name": "match"}, "metrics": {"accuracy": {"name": "accuracy", "value": 0.75}}}}`,
			want: []row{{Task: "t", Model: "m", Scorer: "match", Metric: "accuracy", Value: 0.75}},
		},
		{
			name: "Inspect stderr without a mean or accuracy is its own metric",
			in:   `{"eval": {"task": "t", "model": "m", "created": "2024-05-01T12:00:00Z"}, "results": {"completed_samples": 4, "scores": [{"name": "s", "scorer": "s", "metrics": {"stderr": {"name": "stderr", "value": 0.1}, "median": {"name": "median", "value": 3}}}]}}`,
			want: []row{{"t", "m", "", "s", "median", 4, 3, nil}, {"t", "m", "", "s", "stderr", 4, 0.1, nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evallog.Read("x.json", strings.NewReader(tt.in), int64(len(tt.in)))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if diff := cmp.Diff(tt.want, rows(got)); diff != "" {
				t.Errorf("Read mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	inspect := func(eval, results string) string {
		return `{"version": 2, "status": "success",
"eval": ` + eval + `,
"results": ` + results + `}`
	}
	goodEval := `{"task": "t", "model": "m", "created": "2024-05-01T12:00:00Z"}`
	goodResults := `{"scores": [{"name": "s", "scorer": "s", "metrics": {"accuracy": {"name": "accuracy", "value": 1}}}]}`
	tests := []struct {
		name string
		in   string
		is   error  // wrapped sentinel, if any
		msg  string // substring of the message
	}{
		{"empty", "", evallog.ErrFormat, "evallog: in: empty file"}, {"blank", "\n \t", evallog.ErrFormat, "evallog: in: empty file"},
		{"binary junk", "\x00\x01\x02junk", nil, "evallog: in: line 1: invalid JSON"},
		{"array", `[1, 2]`, nil, "wrong type"},
		{"other JSON object", `{"a": 1}`, evallog.ErrFormat, "neither an Inspect log"},
		{"syntax error on line 3", "{\n\"eval\": {},\n\"results\": [}", nil, "evallog: in: line 3: invalid JSON"},
		{"missing created", inspect(`{"task": "t", "model": "m"}`, goodResults), nil, "evallog: in: eval.created: missing"},
		{"bad created", inspect(`{"task": "t", "model": "m", "created": "yesterday"}`, goodResults), nil, `eval.created: not a timestamp: "yesterday"`},
		{"missing model", inspect(`{"task": "t", "created": "2024-05-01T12:00:00Z"}`, goodResults), nil, "eval.model: missing"},
		{"metric value an object", inspect(goodEval, `{"scores": [{"name": "s", "metrics": {"accuracy": {"name": "accuracy", "value": {}}}}]}`), nil, "results.scores[0].metrics.accuracy.value: not a number"},
		{"scores not an array", inspect(goodEval, `{"scores": {"name": "s"}}`), nil, "line 3: results.scores: wrong type"},
		{"score without name", inspect(goodEval, `{"scores": [{"metrics": {}}]}`), nil, "results.scores[0].name: missing"},
		{"nothing scored", inspect(goodEval, `{"scores": [{"name": "s", "metrics": {"accuracy": {"name": "accuracy", "value": null}}}]}`), evallog.ErrNoResults, "no metric has a numeric value"},
		{"started, no samples", `{"status": "started", "eval": ` + goodEval + `}`, evallog.ErrNoResults, `no scores, reductions or scored samples (status "started")`},
		{"lm-eval empty results", `{"results": {}, "versions": {}}`, evallog.ErrNoResults, "results: empty"},
		{"lm-eval task not an object", `{"results": {"t": 1}, "versions": {}}`, nil, "line 1: results: wrong type: number where map"},
		{"lm-eval stderr an object", `{"results": {"t": {"acc,none": 1, "acc_stderr,none": {}}}, "versions": {}}`, nil, "results.t.acc_stderr,none: not a number"},
		{"truncated ZIP", "PK\x03\x04garbage", nil, "evallog: in: invalid ZIP archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evallog.Read("in", strings.NewReader(tt.in), int64(len(tt.in)))
			checkErr(t, got, err, tt.is, tt.msg)
		})
	}
}

func checkErr(t *testing.T, got []evallog.Result, err, is error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Read = %d results, want an error containing %q", len(got), msg)
	}
	var e *evallog.Error
	if !errors.As(err, &e) {
		t.Errorf("Read error %T is not an *evallog.Error", err)
	}
	if got != nil {
		t.Errorf("Read returned results and an error")
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("Read error %v does not wrap %v", err, is)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("Read error = %q, want it to contain %q", err, msg)
	}
}

func TestArchiveErrors(t *testing.T) {
	zipOf := func(method uint16, members ...string) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		w.RegisterCompressor(93, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
		for i := 0; i+1 < len(members); i += 2 {
			fw, _ := w.CreateHeader(&zip.FileHeader{Name: members[i], Method: method})
			io.WriteString(fw, members[i+1])
		}
		w.Close()
		return buf.Bytes()
	}
	header := `{"version": 2, "status": "success", "eval": {"task": "t", "model": "m", "created": "2024-05-01T12:00:00Z"},
 "results": {"scores": [{"name": "s", "metrics": {"accuracy": {"name": "accuracy", "value": "high"}}}]}}`
	bomb := zipOf(zip.Deflate, "header.json", `{"eval": {}, "pad": "`+strings.Repeat("0", 4<<20)+`"}`)
	many := make([]string, 0, 40)
	for i := range 20 {
		many = append(many, "samples/"+string(rune('a'+i))+".json", "{}")
	}
	small := evallog.Limits{MaxDocument: 1 << 20, MaxMembers: 10, MaxArchive: 2 << 20}
	tests := []struct {
		name   string
		data   []byte
		limits evallog.Limits
		is     error
		msg    string
	}{
		{"no header", zipOf(zip.Deflate, "other.json", "{}"), evallog.DefaultLimits(), evallog.ErrFormat, "without header.json or _journal/start.json"},
		{"bad JSON in header", zipOf(zip.Deflate, "header.json", "{\n  \"eval\": ,"), evallog.DefaultLimits(), nil, "evallog: in: header.json: line 2: invalid JSON"},
		{"metric value a word", zipOf(zip.Store, "header.json", header), evallog.DefaultLimits(), nil, "evallog: in: header.json: results.scores[0].metrics.accuracy.value"},
		{"zstd member", zipOf(93, "header.json", header), evallog.DefaultLimits(), nil, "header.json: unsupported compression method 93 (Zstandard"},
		{"zip bomb", bomb, small, evallog.ErrTooLarge, "header.json"},
		{"too many members", zipOf(zip.Deflate, many...), small, evallog.ErrTooLarge, "20 archive members"},
		{"journal start only, broken sample", zipOf(zip.Deflate, "_journal/start.json", `{"version": 2, "eval": {"task": "t", "model": "m", "created": "2024-05-01T12:00:00Z"}}`, "samples/1_epoch_1.json", `{"id": 1, "epoch": "one"}`), evallog.DefaultLimits(), nil, "samples/1_epoch_1.json: line 1: epoch: wrong type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.limits.Read("in", bytes.NewReader(tt.data), int64(len(tt.data)))
			checkErr(t, got, err, tt.is, tt.msg)
		})
	}
	// A plain JSON file over the limit is refused before it is read.
	big := `{"results": {}, "pad": "` + strings.Repeat(" ", 2<<20) + `"}`
	got, err := small.Read("big.json", strings.NewReader(big), int64(len(big)))
	checkErr(t, got, err, evallog.ErrTooLarge, "big.json")
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func TestReadFileMissing(t *testing.T) {
	_, err := evallog.ReadFile("testdata/no-such-file.eval")
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "evallog: testdata/no-such-file.eval: open") {
		t.Errorf("ReadFile(missing) = %v", err)
	}
}
