package evallog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Format identifies the tool and the file layout a Result was read from.
type Format string

// The formats Read recognises.
const (
	InspectEval Format = "inspect-eval" // UK AISI Inspect .eval archive
	InspectJSON Format = "inspect-json" // UK AISI Inspect .json log
	LMEval      Format = "lm-eval"      // lm-evaluation-harness results_*.json
)

// Keys of Result.Provenance. A key is present only when the file states the
// value.
const (
	KeyFile        = "file"         // the name passed to Read
	KeySHA256      = "sha256"       // hex SHA-256 of the whole file
	KeyTool        = "tool"         // "inspect_ai" or "lm-evaluation-harness"
	KeyToolVersion = "tool_version" // eval.packages.inspect_ai; lm_eval_version
	KeyGitHash     = "git_hash"     // eval.revision.commit; git_hash
	KeyGitOrigin   = "git_origin"   // eval.revision.origin
	KeyLogVersion  = "log_version"  // Inspect log schema version
	KeyStatus      = "status"       // Inspect status: started, success, cancelled, error
	KeyRunID       = "run_id"       // eval.run_id
	KeyEvalID      = "eval_id"      // eval.eval_id
	KeyTaskVersion = "task_version" // eval.task_version; versions[task]
	KeyTaskHash    = "task_hash"    // task_hashes[task]
	KeyDataset     = "dataset"      // eval.dataset.name, else eval.dataset.location
	KeyScorerFunc  = "scorer"       // results.scores[].scorer, when it differs from the name
	KeyReducer     = "reducer"      // results.scores[].reducer: how epochs were combined
	KeyNShot       = "n_shot"       // n-shot[task]
	KeyModelSource = "model_source" // lm-eval model backend: config.model, e.g. "hf"
	KeyModelSHA    = "model_sha"    // config.model_sha
	KeyDerived     = "derived"      // "reductions" or "samples" when Read computed the value
)

// Result is one metric value reported by an evaluation run: the neutral
// record the dossier stores as evaluation evidence.
//
// Task, Scorer and Metric together identify what was measured. For Inspect,
// Scorer is results.scores[].name and Metric a key of its metrics. For
// lm-evaluation-harness, Scorer is the filter and Metric the metric of a
// "<metric>,<filter>" key, so "exact_match,strict-match" becomes Scorer
// "strict-match" and Metric "exact_match".
type Result struct {
	Source     string    `json:"source"`               // the name passed to Read
	Format     Format    `json:"format"`               // the detected format
	Task       string    `json:"task"`                 // eval.task; the results key
	Model      string    `json:"model"`                // eval.model; model_name
	Checkpoint string    `json:"checkpoint,omitempty"` // revision or checkpoint of the model, if stated
	Date       time.Time `json:"date,omitzero"`        // eval.created; date; zero if not stated
	Samples    int       `json:"samples,omitempty"`    // samples the value was computed over; 0 if unknown
	Scorer     string    `json:"scorer,omitempty"`
	Metric     string    `json:"metric"`
	Value      float64   `json:"value"`
	StdErr     *float64  `json:"stderr,omitempty"` // standard error of Value, if reported
	// HigherIsBetter is lm-evaluation-harness's higher_is_better for the
	// metric; nil when the file does not say.
	HigherIsBetter *bool             `json:"higher_is_better,omitempty"`
	Provenance     map[string]string `json:"provenance,omitempty"` // see the Key constants
}

// Limits bounds the resources Read uses on one file.
type Limits struct {
	// MaxDocument is the largest JSON document read, in bytes: a .json file
	// or one uncompressed archive member.
	MaxDocument int64
	// MaxMembers is the largest number of members an archive may have.
	MaxMembers int
	// MaxArchive is the largest number of uncompressed bytes read from the
	// members of one archive together.
	MaxArchive int64
}

// DefaultLimits returns the limits Read uses: 64 MiB per document, 100,000
// archive members and 512 MiB uncompressed per archive.
func DefaultLimits() Limits {
	return Limits{MaxDocument: 64 << 20, MaxMembers: 100_000, MaxArchive: 512 << 20}
}

// Errors wrapped by *Error. Callers may test for them with errors.Is.
var (
	// ErrFormat means the content is neither an Inspect log nor
	// lm-evaluation-harness results.
	ErrFormat = errors.New("unrecognised format")
	// ErrTooLarge means the input exceeds one of the Limits.
	ErrTooLarge = errors.New("exceeds limit")
	// ErrNoResults means the file is well-formed but reports no metric value.
	ErrNoResults = errors.New("no results")
)

// Error is a problem with an evaluation file.
type Error struct {
	File   string // the name passed to Read
	Member string // the archive member, e.g. "header.json"; empty for a plain file
	Line   int    // 1-based line in the JSON document, or 0 if unknown
	Field  string // the JSON field, e.g. "results.scores[0].metrics.accuracy.value"
	Msg    string
	Err    error // the underlying error, if any
}

// Error returns a message of the form
// "evallog: run.eval: header.json: line 12: eval.created: ...".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("evallog: ")
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Member != "" {
		b.WriteString(e.Member + ": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Read reads the evaluation results in r, which holds size bytes, using
// DefaultLimits. The name is used in provenance and error messages only; the
// format is detected from the content.
//
// Read returns the results in file order (Inspect scores in order, their
// metrics by name; lm-eval tasks and metrics by name). A metric whose value
// is null, NaN, infinite or "N/A" is left out. Every error is an *Error.
func Read(name string, r io.ReaderAt, size int64) ([]Result, error) {
	return DefaultLimits().Read(name, r, size)
}

// ReadFile opens the named file and calls Read.
func ReadFile(path string) ([]Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "open", Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Msg: "stat", Err: err}
	}
	return Read(path, f, fi.Size())
}

// Read is like the package-level Read with the limits l.
func (l Limits) Read(name string, r io.ReaderAt, size int64) ([]Result, error) {
	if size < 0 {
		return nil, &Error{File: name, Msg: "negative size"}
	}
	var head [4]byte
	n, err := r.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	if n == 4 && (string(head[:]) == "PK\x03\x04" || string(head[:]) == "PK\x05\x06") {
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
			return nil, &Error{File: name, Msg: "read", Err: err}
		}
		d := &decoder{limits: l, file: name, sum: hex.EncodeToString(h.Sum(nil))}
		return d.readArchive(r, size)
	}
	if size > l.MaxDocument {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%d bytes", size), Err: ErrTooLarge}
	}
	data, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	sum := sha256.Sum256(data)
	d := &decoder{limits: l, file: name, sum: hex.EncodeToString(sum[:])}
	return d.readJSON(data)
}

// decoder carries the state of one call to Read.
type decoder struct {
	limits Limits
	file   string
	sum    string
	member string // current archive member
	read   int64  // uncompressed archive bytes read so far
}

func (d *decoder) errorf(field, format string, args ...any) *Error {
	return &Error{File: d.file, Member: d.member, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// readJSON detects the format of a whole JSON document and decodes it.
func (d *decoder) readJSON(data []byte) ([]Result, error) {
	data = clean(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: d.file, Msg: "empty file", Err: ErrFormat}
	}
	var top map[string]json.RawMessage
	if err := d.unmarshal(data, &top); err != nil {
		return nil, err
	}
	if top == nil {
		return nil, &Error{File: d.file, Msg: "top-level value is not an object", Err: ErrFormat}
	}
	switch {
	case isObject(top["eval"]):
		var log inspectLog
		if err := d.unmarshal(data, &log); err != nil {
			return nil, err
		}
		return d.inspect(InspectJSON, &log, nil)
	case isObject(top["results"]) && hasAny(top, "versions", "configs", "n-shot", "n-samples", "config", "lm_eval_version", "higher_is_better"):
		var f lmEvalFile
		if err := d.unmarshal(data, &f); err != nil {
			return nil, err
		}
		return d.lmEval(&f)
	}
	return nil, &Error{File: d.file, Msg: `neither an Inspect log (no "eval" object) nor lm-evaluation-harness results (no "results" with "versions" or "config")`, Err: ErrFormat}
}

// unmarshal decodes data into v and turns the errors of encoding/json into
// positioned *Error values.
func (d *decoder) unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	e := &Error{File: d.file, Member: d.member, Msg: "invalid JSON", Err: err}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		e.Line = lineAt(data, syn.Offset)
	case errors.As(err, &typ):
		e.Line = lineAt(data, typ.Offset)
		e.Field = typ.Field
		e.Msg = "wrong type"
		e.Err = fmt.Errorf("%s where %s was expected", typ.Value, typ.Type)
	}
	return e
}

// lineAt returns the 1-based line holding byte offset off of data.
func lineAt(data []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// clean drops a UTF-8 byte order mark and replaces the tokens NaN, Infinity
// and -Infinity, which Python's json module and pydantic write but JSON does
// not allow, with null. Line numbers are unchanged.
func clean(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []byte
	last := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		var tok string
		switch c {
		case '"':
			inString = true
			continue
		case 'N':
			tok = "NaN"
		case 'I':
			tok = "Infinity"
		case '-':
			tok = "-Infinity"
		default:
			continue
		}
		if !bytes.HasPrefix(data[i:], []byte(tok)) {
			continue
		}
		out = append(out, data[last:i]...)
		out = append(out, "null"...)
		i += len(tok) - 1
		last = i + 1
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func hasAny(m map[string]json.RawMessage, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// number reads a JSON scalar as a float. It reports false for null, for
// non-finite values and for strings that are not numbers ("N/A"), and an
// error for arrays, objects and booleans.
func number(raw json.RawMessage) (float64, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false, err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !finite(f) {
			return 0, false, nil
		}
		return f, true, nil
	case '{', '[', 't', 'f':
		return 0, false, errors.New("not a number")
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, false, errors.New("not a number")
	}
	return f, finite(f), nil
}

func finite(f float64) bool { return f-f == 0 }

// text reads a JSON string or number as text; anything else is "".
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw)
	}
	return ""
}

// parseTime reads the timestamps the two tools write: ISO 8601 with or
// without a zone (Python's isoformat), the file-name form of lm-eval
// ("2024-06-10T12-34-56.123456") and UNIX seconds.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15-04-05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && finite(f) && f > 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Round(time.Microsecond), true
	}
	return time.Time{}, false
}

func provenance(file, sum string, kv ...string) map[string]string {
	m := map[string]string{KeyFile: file, KeySHA256: sum}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}

func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+2)
	for k, v := range m {
		c[k] = v
	}
	return c
}
