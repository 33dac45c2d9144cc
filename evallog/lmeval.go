package evallog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// lmEvalFile holds the fields of an lm-evaluation-harness results_*.json
// file that Read uses (lm_eval/result_schema.py, EvalResults).
type lmEvalFile struct {
	Results        map[string]map[string]json.RawMessage `json:"results"`
	Versions       map[string]json.RawMessage            `json:"versions"`
	NShot          map[string]json.RawMessage            `json:"n-shot"`
	NSamples       map[string]map[string]json.RawMessage `json:"n-samples"`
	HigherIsBetter map[string]map[string]json.RawMessage `json:"higher_is_better"`
	Config         map[string]json.RawMessage            `json:"config"`
	GitHash        json.RawMessage                       `json:"git_hash"`
	Date           json.RawMessage                       `json:"date"`
	LMEvalVersion  json.RawMessage                       `json:"lm_eval_version"`
	ModelName      json.RawMessage                       `json:"model_name"`
	ModelSource    json.RawMessage                       `json:"model_source"`
	TaskHashes     map[string]json.RawMessage            `json:"task_hashes"`
}

// lmEvalReserved are the keys of a task's results that are not metrics.
var lmEvalReserved = map[string]bool{"name": true, "alias": true, "sample_len": true, "sample_count": true, "samples": true}

// lmEval turns lm-evaluation-harness results into one Result per
// "<metric>,<filter>" key, with its "<metric>_stderr,<filter>" as StdErr.
func (d *decoder) lmEval(f *lmEvalFile) ([]Result, error) {
	if len(f.Results) == 0 {
		return nil, &Error{File: d.file, Field: "results", Msg: "empty", Err: ErrNoResults}
	}
	args := modelArgs(f.Config["model_args"])
	base := Result{Source: d.file, Format: LMEval}
	base.Model = text(f.ModelName)
	if base.Model == "" {
		base.Model = args["pretrained"]
	}
	if base.Model == "" {
		base.Model = args["model"]
	}
	if base.Model == "" {
		base.Model = text(f.Config["model"])
	}
	base.Checkpoint = text(f.Config["model_revision"])
	if base.Checkpoint == "" {
		base.Checkpoint = args["revision"]
	}
	if t := text(f.Date); t != "" {
		base.Date, _ = parseTime(t)
	}
	source := text(f.ModelSource)
	if source == "" {
		source = text(f.Config["model"])
	}
	prov := provenance(d.file, d.sum,
		KeyTool, "lm-evaluation-harness",
		KeyToolVersion, text(f.LMEvalVersion),
		KeyGitHash, text(f.GitHash),
		KeyModelSource, source,
		KeyModelSHA, text(f.Config["model_sha"]),
	)

	var out []Result
	for _, task := range sortedKeys(f.Results) {
		metrics := f.Results[task]
		r := base
		r.Task = task
		if n, ok, _ := number(f.NSamples[task]["effective"]); ok {
			r.Samples = int(n)
		} else if n, ok, _ := number(metrics["sample_len"]); ok {
			r.Samples = int(n)
		}
		p := clone(prov)
		for k, v := range map[string]json.RawMessage{KeyTaskVersion: f.Versions[task], KeyNShot: f.NShot[task], KeyTaskHash: f.TaskHashes[task]} {
			if s := text(v); s != "" {
				p[k] = s
			}
		}
		for _, key := range sortedKeys(metrics) {
			metric, filter, _ := strings.Cut(key, ",")
			if lmEvalReserved[key] || strings.HasSuffix(metric, "_stderr") {
				continue
			}
			v, ok, err := number(metrics[key])
			if err != nil || !ok {
				continue // alias-like strings, nested objects and "N/A" are not values
			}
			m := r
			m.Scorer, m.Metric, m.Value = filter, metric, v
			stderrKey := metric + "_stderr"
			if strings.Contains(key, ",") {
				stderrKey += "," + filter
			}
			if raw, found := metrics[stderrKey]; found {
				se, ok, err := number(raw)
				if err != nil {
					return nil, d.errorf(fmt.Sprintf("results.%s.%s", task, stderrKey), "%v", err)
				}
				if ok {
					m.StdErr = &se
				}
			}
			if hib, ok := f.HigherIsBetter[task][metric]; ok {
				switch string(bytes.TrimSpace(hib)) {
				case "true":
					m.HigherIsBetter = ptr(true)
				case "false":
					m.HigherIsBetter = ptr(false)
				}
			}
			m.Provenance = clone(p)
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, &Error{File: d.file, Field: "results", Msg: "no task has a numeric metric", Err: ErrNoResults}
	}
	return out, nil
}

// modelArgs reads config.model_args, a "key=value,key=value" string or an
// object.
func modelArgs(raw json.RawMessage) map[string]string {
	m := map[string]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return m
	}
	if raw[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil {
			for k, v := range obj {
				m[k] = text(v)
			}
		}
		return m
	}
	for _, kv := range strings.Split(text(raw), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ptr[T any](v T) *T { return &v }
