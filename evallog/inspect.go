package evallog

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// inspectLog holds the fields of an Inspect EvalLog that Read uses. The
// header.json member of an .eval archive has the same shape without samples
// and reductions; _journal/start.json has only version, eval and plan.
type inspectLog struct {
	Version    int                `json:"version"`
	Status     string             `json:"status"`
	Eval       *inspectSpec       `json:"eval"`
	Results    *inspectResults    `json:"results"`
	Samples    []inspectSample    `json:"samples"`
	Reductions []inspectReduction `json:"reductions"`
}

type inspectSpec struct {
	EvalID      string                     `json:"eval_id"`
	RunID       string                     `json:"run_id"`
	Created     string                     `json:"created"`
	Task        string                     `json:"task"`
	TaskVersion json.RawMessage            `json:"task_version"` // int, or str in later versions
	Dataset     *inspectDataset            `json:"dataset"`
	Model       string                     `json:"model"`
	ModelArgs   map[string]json.RawMessage `json:"model_args"`
	Revision    *inspectRevision           `json:"revision"`
	Packages    map[string]json.RawMessage `json:"packages"`
	Metadata    map[string]json.RawMessage `json:"metadata"`
}

type inspectDataset struct {
	Name     json.RawMessage `json:"name"`
	Location json.RawMessage `json:"location"`
}

type inspectRevision struct {
	Origin json.RawMessage `json:"origin"`
	Commit json.RawMessage `json:"commit"`
}

type inspectResults struct {
	TotalSamples     int            `json:"total_samples"`
	CompletedSamples int            `json:"completed_samples"`
	Scores           []inspectScore `json:"scores"`
	// Log schema version 1 had one scorer and its metrics beside it.
	Scorer  *inspectScore            `json:"scorer"`
	Metrics map[string]inspectMetric `json:"metrics"`
}

type inspectScore struct {
	Name          string                   `json:"name"`
	Scorer        string                   `json:"scorer"`
	Reducer       json.RawMessage          `json:"reducer"`
	ScoredSamples *int                     `json:"scored_samples"`
	Metrics       map[string]inspectMetric `json:"metrics"`
}

type inspectMetric struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// inspectSample is an EvalSample, or a SampleSummary of the summaries
// members, reduced to what Read needs.
type inspectSample struct {
	ID     json.RawMessage `json:"id"`
	Epoch  int             `json:"epoch"`
	Scores map[string]struct {
		Value json.RawMessage `json:"value"`
	} `json:"scores"`
}

type inspectReduction struct {
	Scorer  string `json:"scorer"`
	Samples []struct {
		SampleID json.RawMessage `json:"sample_id"`
		Value    json.RawMessage `json:"value"`
	} `json:"samples"`
}

// Members of an Inspect .eval archive.
const (
	memberHeader     = "header.json"
	memberStart      = "_journal/start.json"
	memberSummaries  = "summaries.json"
	memberReductions = "reductions.json"
	dirJournalSumm   = "_journal/summaries/"
	dirSamples       = "samples/"
)

// readArchive reads an Inspect .eval archive. It reads header.json (or, for a
// run that has not finished, _journal/start.json) and, only when that holds
// no scores, the per-sample scores from which it derives a mean.
func (d *decoder) readArchive(r io.ReaderAt, size int64) ([]Result, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &Error{File: d.file, Msg: "invalid ZIP archive", Err: err}
	}
	if len(zr.File) > d.limits.MaxMembers {
		return nil, &Error{File: d.file, Msg: fmt.Sprintf("%d archive members", len(zr.File)), Err: ErrTooLarge}
	}
	members := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		members[f.Name] = f // a later member of the same name replaces an earlier one, as in Python's zipfile
	}

	var log inspectLog
	header := memberHeader
	switch {
	case members[memberHeader] != nil:
		if err := d.readMember(members[memberHeader], &log); err != nil {
			return nil, err
		}
	case members[memberStart] != nil:
		if err := d.readMember(members[memberStart], &log); err != nil {
			return nil, err
		}
		log.Status = "started"
		header = memberStart
	default:
		return nil, &Error{File: d.file, Msg: "ZIP archive without " + memberHeader + " or " + memberStart + ": not an Inspect .eval log", Err: ErrFormat}
	}
	d.member = header
	if log.Results != nil && (len(log.Results.Scores) > 0 || log.Results.Scorer != nil) {
		return d.inspect(InspectEval, &log, nil)
	}

	// No aggregate scores: derive them from what the archive holds.
	if f := members[memberReductions]; f != nil {
		if err := d.readMember(f, &log.Reductions); err != nil {
			return nil, err
		}
		d.member = header
		return d.inspect(InspectEval, &log, nil)
	}
	var samples []inspectSample
	if f := members[memberSummaries]; f != nil {
		if err := d.readMember(f, &samples); err != nil {
			return nil, err
		}
	} else {
		names := make([]string, 0, len(members))
		for name := range members {
			if strings.HasPrefix(name, dirJournalSumm) && strings.HasSuffix(name, ".json") {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			for name := range members {
				if strings.HasPrefix(name, dirSamples) && strings.HasSuffix(name, ".json") && !strings.Contains(name[len(dirSamples):], "/") {
					names = append(names, name)
				}
			}
		}
		slices.Sort(names)
		for _, name := range names {
			var part []inspectSample
			if strings.HasPrefix(name, dirSamples) {
				var s inspectSample
				if err := d.readMember(members[name], &s); err != nil {
					return nil, err
				}
				part = []inspectSample{s}
			} else if err := d.readMember(members[name], &part); err != nil {
				return nil, err
			}
			samples = append(samples, part...)
		}
	}
	d.member = header
	return d.inspect(InspectEval, &log, samples)
}

// member decodes one archive member into v within the limits.
func (d *decoder) readMember(f *zip.File, v any) error {
	d.member = f.Name
	if f.Method != zip.Store && f.Method != zip.Deflate {
		method := strconv.Itoa(int(f.Method))
		if f.Method == 93 {
			method += " (Zstandard; written when INSPECT_USE_ZSTD is set)"
		}
		return &Error{File: d.file, Member: f.Name, Msg: "unsupported compression method " + method}
	}
	if f.UncompressedSize64 > uint64(d.limits.MaxDocument) {
		return &Error{File: d.file, Member: f.Name, Msg: fmt.Sprintf("%d bytes uncompressed", f.UncompressedSize64), Err: ErrTooLarge}
	}
	rc, err := f.Open()
	if err != nil {
		return &Error{File: d.file, Member: f.Name, Msg: "open", Err: err}
	}
	defer rc.Close()
	budget := min(d.limits.MaxDocument, d.limits.MaxArchive-d.read)
	data, err := io.ReadAll(io.LimitReader(rc, budget+1))
	d.read += int64(len(data))
	if int64(len(data)) > budget {
		return &Error{File: d.file, Member: f.Name, Msg: "uncompressed size beyond the limit", Err: ErrTooLarge}
	}
	if err != nil {
		return &Error{File: d.file, Member: f.Name, Msg: "read", Err: err}
	}
	return d.unmarshal(clean(data), v)
}

// inspect turns an Inspect log into results. The samples, if any, are used
// only when the log reports no scores and no reductions.
func (d *decoder) inspect(format Format, log *inspectLog, samples []inspectSample) ([]Result, error) {
	e := log.Eval
	if e == nil {
		return nil, d.errorf("eval", "missing")
	}
	if e.Task == "" {
		return nil, d.errorf("eval.task", "missing")
	}
	if e.Model == "" {
		return nil, d.errorf("eval.model", "missing")
	}
	if e.Created == "" {
		return nil, d.errorf("eval.created", "missing")
	}
	created, ok := parseTime(e.Created)
	if !ok {
		return nil, d.errorf("eval.created", "not a timestamp: %q", e.Created)
	}
	base := Result{
		Source:     d.file,
		Format:     format,
		Task:       e.Task,
		Model:      e.Model,
		Checkpoint: inspectCheckpoint(e),
		Date:       created,
	}
	prov := provenance(d.file, d.sum,
		KeyTool, "inspect_ai",
		KeyToolVersion, text(e.Packages["inspect_ai"]),
		KeyLogVersion, strconv.Itoa(log.Version),
		KeyStatus, log.Status,
		KeyRunID, e.RunID,
		KeyEvalID, e.EvalID,
		KeyTaskVersion, text(e.TaskVersion),
	)
	if log.Version == 0 {
		delete(prov, KeyLogVersion)
	}
	if e.Dataset != nil {
		prov[KeyDataset] = text(e.Dataset.Name)
		if prov[KeyDataset] == "" {
			prov[KeyDataset] = text(e.Dataset.Location)
		}
		if prov[KeyDataset] == "" {
			delete(prov, KeyDataset)
		}
	}
	if e.Revision != nil {
		if c := text(e.Revision.Commit); c != "" {
			prov[KeyGitHash] = c
		}
		if o := text(e.Revision.Origin); o != "" {
			prov[KeyGitOrigin] = o
		}
	}

	var out []Result
	res := log.Results
	scores := []inspectScore(nil)
	if res != nil {
		scores = res.Scores
		if len(scores) == 0 && res.Scorer != nil {
			s := *res.Scorer
			if s.Scorer == "" {
				s.Scorer = s.Name
			}
			if len(s.Metrics) == 0 {
				s.Metrics = res.Metrics
			}
			scores = []inspectScore{s}
		}
	}
	for i, s := range scores {
		field := fmt.Sprintf("results.scores[%d]", i)
		if res.Scorer != nil && len(res.Scores) == 0 {
			field = "results.scorer"
		}
		if s.Name == "" {
			return nil, d.errorf(field+".name", "missing")
		}
		r := base
		r.Scorer = s.Name
		r.Samples = res.CompletedSamples
		if s.ScoredSamples != nil {
			r.Samples = *s.ScoredSamples
		}
		p := clone(prov)
		if s.Scorer != "" && s.Scorer != s.Name {
			p[KeyScorerFunc] = s.Scorer
		}
		if red := text(s.Reducer); red != "" {
			p[KeyReducer] = red
		}
		// Inspect's stderr metric is the standard error of the mean, so it
		// belongs to the accuracy or mean metric beside it.
		var stderr *float64
		_, hasMean := s.Metrics["mean"]
		_, hasAcc := s.Metrics["accuracy"]
		if m, ok := s.Metrics["stderr"]; ok && (hasMean || hasAcc) {
			v, ok, err := metricNumber(m.Value)
			if err != nil {
				return nil, d.errorf(field+".metrics.stderr.value", "%v", err)
			}
			if ok {
				stderr = &v
			}
		}
		names := make([]string, 0, len(s.Metrics))
		for name := range s.Metrics {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if name == "stderr" && (hasMean || hasAcc) {
				continue
			}
			v, ok, err := metricNumber(s.Metrics[name].Value)
			if err != nil {
				return nil, d.errorf(field+".metrics."+name+".value", "%v", err)
			}
			if !ok {
				continue
			}
			m := r
			m.Metric = name
			m.Value = v
			if name == "mean" || name == "accuracy" {
				m.StdErr = stderr
			}
			m.Provenance = clone(p)
			out = append(out, m)
		}
	}
	if len(scores) > 0 {
		if len(out) == 0 {
			return nil, &Error{File: d.file, Member: d.member, Field: "results.scores", Msg: "no metric has a numeric value", Err: ErrNoResults}
		}
		return out, nil
	}

	// Derive a mean per scorer from reductions or samples.
	derived, how := reduceReductions(log.Reductions), "reductions"
	if len(derived) == 0 {
		if samples == nil {
			samples = log.Samples
		}
		derived, how = reduceSamples(samples), "samples"
	}
	for _, g := range derived {
		r := base
		r.Scorer, r.Metric, r.Value, r.Samples = g.scorer, "mean", g.mean, g.n
		if g.n > 1 {
			se := g.stderr
			r.StdErr = &se
		}
		r.Provenance = clone(prov)
		r.Provenance[KeyDerived] = how
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, &Error{File: d.file, Member: d.member, Field: "results", Msg: "no scores, reductions or scored samples (status " + strconv.Quote(log.Status) + ")", Err: ErrNoResults}
	}
	return out, nil
}

// inspectCheckpoint returns the model checkpoint an Inspect log names in
// eval.model_args or eval.metadata under "checkpoint", "revision" or "step".
func inspectCheckpoint(e *inspectSpec) string {
	for _, m := range []map[string]json.RawMessage{e.ModelArgs, e.Metadata} {
		for _, k := range []string{"checkpoint", "revision", "step"} {
			if s := text(m[k]); s != "" {
				return s
			}
		}
	}
	return ""
}

type derivedScore struct {
	scorer       string
	mean, stderr float64
	n            int
}

func reduceReductions(reds []inspectReduction) []derivedScore {
	var out []derivedScore
	for _, red := range reds {
		var vals []float64
		for _, s := range red.Samples {
			if v, ok := scoreValue(s.Value); ok {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 && red.Scorer != "" {
			out = append(out, summarise(red.Scorer, vals))
		}
	}
	return out
}

// reduceSamples averages each sample's scores over its epochs (Inspect's
// default "mean" reducer) and then over samples, per scorer.
func reduceSamples(samples []inspectSample) []derivedScore {
	type acc struct{ sum, n float64 }
	per := map[string]map[string]*acc{} // scorer → sample id → values
	var scorers []string
	for _, s := range samples {
		id := string(bytes.TrimSpace(s.ID))
		for name, sc := range s.Scores {
			v, ok := scoreValue(sc.Value)
			if !ok {
				continue
			}
			if per[name] == nil {
				per[name] = map[string]*acc{}
				scorers = append(scorers, name)
			}
			a := per[name][id]
			if a == nil {
				a = new(acc)
				per[name][id] = a
			}
			a.sum += v
			a.n++
		}
	}
	slices.Sort(scorers)
	var out []derivedScore
	for _, name := range scorers {
		ids := make([]string, 0, len(per[name]))
		for id := range per[name] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		vals := make([]float64, len(ids))
		for i, id := range ids {
			vals[i] = per[name][id].sum / per[name][id].n
		}
		out = append(out, summarise(name, vals))
	}
	return out
}

func summarise(scorer string, vals []float64) derivedScore {
	var sum float64
	for _, v := range vals {
		sum += v
	}
	n := float64(len(vals))
	mean := sum / n
	var ss float64
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	g := derivedScore{scorer: scorer, mean: mean, n: len(vals)}
	if len(vals) > 1 {
		g.stderr = math.Sqrt(ss / (n - 1) / n)
	}
	return g
}

// scoreValue converts a sample score value as Inspect's value_to_float does:
// numbers and booleans as they are, "C" (correct) 1, "I" (incorrect) 0,
// "P" (partial) 0.5, "N" (no answer) 0, yes/true 1, no/false 0 and numeric
// strings. Lists and dictionaries are not converted.
func scoreValue(raw json.RawMessage) (float64, bool) {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "true":
		return 1, true
	case "false":
		return 0, true
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "c", "yes", "true":
			return 1, true
		case "i", "n", "no", "false":
			return 0, true
		case "p":
			return 0.5, true
		}
	}
	v, ok, err := number(raw)
	return v, ok && err == nil
}

// metricNumber reads an Inspect metric value, which the log schema types as
// int | float: null (how pydantic may write NaN) is absent, and a string is
// an error.
func metricNumber(raw json.RawMessage) (float64, bool, error) {
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' {
		return 0, false, fmt.Errorf("not a number: %s", t)
	}
	return number(raw)
}
