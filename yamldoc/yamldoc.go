// Package yamldoc reads gpai's YAML files into plain values while keeping
// the line and column of every key and value, so that every later problem
// (a schema violation, a contradiction between two fields) can be reported
// at its place in the file.
//
// The values are those of JSON: map[string]any, []any, string, bool, nil
// and json.Number, ready for JSON Schema validation and for decoding into
// Go structs. Anchors, aliases, merge keys and custom tags are refused:
// dossier files are data written by people and checked by machines, and
// aliases would let a small file expand without bound.
package yamldoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/gpai-project/gpai"
)

// MaxSize is the largest file Parse accepts, in bytes.
const MaxSize = 4 << 20

// ReadFile reads at most MaxSize+1 bytes of the file at path, so that a
// huge file is refused by Parse without being read whole.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	}
	return io.ReadAll(io.LimitReader(f, MaxSize+1))
}

// A Doc is a parsed YAML document.
type Doc struct {
	Name  string // file name used in positions
	Value any    // nil for an empty document
	pos   map[string]gpai.Position
}

// Pos returns the position of the value at the field path (see Path), or
// of its nearest ancestor present in the file.
func (d *Doc) Pos(path string) gpai.Position {
	for p := path; ; {
		if pos, ok := d.pos[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if pos, ok := d.pos[""]; ok {
		return pos
	}
	return gpai.Position{File: d.Name, Line: 1, Column: 1}
}

// Positions returns a copy of the map from field path to position.
func (d *Doc) Positions() map[string]gpai.Position {
	out := make(map[string]gpai.Position, len(d.pos))
	for k, v := range d.pos {
		out[k] = v
	}
	return out
}

// Path renders a location given as keys and indexes the way gpai names
// fields: model.modalities.output[0].
func Path(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Parse parses data, which was read from the file name. Every problem is a
// gpai.Problems value with positions; Parse never panics on any input.
func Parse(name string, data []byte) (doc *Doc, err error) {
	fail := func(line, col int, msg, fix string) (*Doc, error) {
		return nil, gpai.Problems{{Pos: gpai.Position{File: name, Line: line, Column: col}, Message: msg, Fix: fix}}
	}
	if len(data) > MaxSize {
		return fail(0, 0, fmt.Sprintf("file is %d bytes; the limit is %d bytes", len(data), MaxSize), "a dossier file holds facts, not data: move large content into its own file")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := bytes.Count(data[:i], []byte("\n")) + 1
		return fail(line, 0, "file contains a NUL byte: it is binary, not YAML", "check that the right file was named")
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		line := bytes.Count(data[:off], []byte("\n")) + 1
		return fail(line, 0, "file is not valid UTF-8", "save the file as UTF-8")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(stripComments(data))) == 0 {
		return fail(1, 1, "file is empty", "write the dossier's facts, or run gpai init to start from a complete example")
	}
	defer func() {
		// The YAML parser is a dependency; a panic inside it must still
		// end as a positioned error rather than a crash.
		if r := recover(); r != nil {
			doc, err = nil, gpai.Problems{{Pos: gpai.Position{File: name}, Message: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return nil, syntaxProblem(name, perr)
	}
	if len(f.Docs) > 1 {
		second := f.Docs[1]
		line := 0
		if tk := second.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return fail(line, 1, "file holds more than one YAML document", "remove the second document (after ---)")
	}
	d := &Doc{Name: name, pos: map[string]gpai.Position{}}
	var probs gpai.Problems
	if len(f.Docs) == 1 && f.Docs[0].Body != nil {
		d.Value = d.convert(f.Docs[0].Body, nil, &probs)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	if d.Value == nil {
		return fail(1, 1, "file is empty", "write the dossier's facts, or run gpai init to start from a complete example")
	}
	return d, nil
}

func stripComments(data []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' || bytes.Equal(t, []byte("---")) {
			continue
		}
		out = append(out, t...)
	}
	return out
}

func syntaxProblem(name string, err error) error {
	p := gpai.Problem{Pos: gpai.Position{File: name}, Message: "invalid YAML", Fix: "check indentation and quoting at that place"}
	if ye, ok := err.(interface {
		GetToken() *token.Token
		GetMessage() string
	}); ok {
		p.Message = "invalid YAML: " + ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Pos.Line, p.Pos.Column = tk.Position.Line, tk.Position.Column
		}
	} else {
		p.Message = "invalid YAML: " + firstLine(err.Error())
	}
	return gpai.Problems{p}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func position(name string, n ast.Node) gpai.Position {
	if n == nil {
		return gpai.Position{File: name}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return gpai.Position{File: name}
	}
	return gpai.Position{File: name, Line: tk.Position.Line, Column: tk.Position.Column}
}

const maxDepth = 100

// jsonNumberRE matches number literals that JSON accepts as they are.
var jsonNumberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// rawNumber returns a number's literal as written when JSON accepts it, so
// that the significant figures a person wrote (1.0e2) survive; "" if not.
func rawNumber(n ast.Node) string {
	tk := n.GetToken()
	if tk == nil || !jsonNumberRE.MatchString(tk.Value) {
		return ""
	}
	return tk.Value
}

// floatRE is YAML 1.2's core-schema float, without the special values.
var floatRE = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

func (d *Doc) convert(n ast.Node, path []string, probs *gpai.Problems) any {
	field := Path(path)
	here := position(d.Name, n)
	if _, ok := d.pos[field]; !ok {
		d.pos[field] = here
	}
	bad := func(msg, fix string) any {
		*probs = append(*probs, gpai.Problem{Pos: here, Field: field, Message: msg, Fix: fix})
		return nil
	}
	if len(path) > maxDepth {
		return bad("nesting is too deep", "flatten the structure")
	}
	switch n := n.(type) {
	case *ast.NullNode:
		return nil
	case *ast.BoolNode:
		return n.Value
	case *ast.IntegerNode:
		if raw := rawNumber(n); raw != "" {
			return json.Number(raw)
		}
		switch v := n.Value.(type) {
		case int64:
			return json.Number(strconv.FormatInt(v, 10))
		case uint64:
			return json.Number(strconv.FormatUint(v, 10))
		}
		return bad("malformed integer", "")
	case *ast.FloatNode:
		if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
			return bad("number is not finite", "write a finite number")
		}
		if raw := rawNumber(n); raw != "" {
			return json.Number(raw)
		}
		return json.Number(strconv.FormatFloat(n.Value, 'g', -1, 64))
	case *ast.InfinityNode, *ast.NanNode:
		return bad("number is not finite", "write a finite number")
	case *ast.StringNode:
		// The YAML parser reads YAML 1.1 floats, which need a dot; YAML 1.2's
		// core schema, which people write (7e9, 1e23), also reads a plain
		// scalar with an exponent and no dot as a float.
		if tk := n.GetToken(); tk != nil && tk.Type == token.StringType && floatRE.MatchString(n.Value) {
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || math.IsInf(f, 0) {
				return bad("number is out of range", "write a finite number")
			}
			if jsonNumberRE.MatchString(n.Value) {
				return json.Number(n.Value)
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return n.Value
	case *ast.LiteralNode:
		if n.Value == nil {
			return ""
		}
		return n.Value.Value
	case *ast.MappingValueNode:
		return d.mapping([]*ast.MappingValueNode{n}, path, probs)
	case *ast.MappingNode:
		return d.mapping(n.Values, path, probs)
	case *ast.SequenceNode:
		out := make([]any, 0, len(n.Values))
		for i, v := range n.Values {
			out = append(out, d.convert(v, append(path, strconv.Itoa(i)), probs))
		}
		return out
	case *ast.AnchorNode, *ast.AliasNode:
		return bad("anchors and aliases are not supported in gpai files", "write the value out in full")
	case *ast.TagNode:
		return bad("YAML tags are not supported in gpai files", "remove the tag (the text starting with !)")
	case *ast.CommentGroupNode, *ast.CommentNode:
		return nil
	}
	return bad(fmt.Sprintf("unsupported YAML construct (%s)", n.Type()), "write plain mappings, lists and scalars")
}

func (d *Doc) mapping(values []*ast.MappingValueNode, path []string, probs *gpai.Problems) any {
	out := make(map[string]any, len(values))
	for _, mv := range values {
		var key string
		switch k := mv.Key.(type) {
		case *ast.StringNode:
			key = k.Value
		case *ast.MergeKeyNode:
			*probs = append(*probs, gpai.Problem{Pos: position(d.Name, mv.Key), Field: Path(path), Message: "merge keys (<<) are not supported in gpai files", Fix: "write the keys out in full"})
			continue
		default:
			if mv.Key == nil {
				continue
			}
			key = mv.Key.String()
		}
		sub := append(append([]string(nil), path...), key)
		field := Path(sub)
		if _, dup := out[key]; dup {
			*probs = append(*probs, gpai.Problem{Pos: position(d.Name, mv.Key), Field: field, Message: fmt.Sprintf("key %q appears twice", key), Fix: "remove one of them"})
			continue
		}
		d.pos[field] = position(d.Name, mv.Key)
		out[key] = d.convertValue(mv.Value, sub, probs)
	}
	return out
}

// convertValue converts a mapping's value, keeping the key's position for
// the field (already recorded) and the value's for deeper fields.
func (d *Doc) convertValue(n ast.Node, path []string, probs *gpai.Problems) any {
	field := Path(path)
	keyPos := d.pos[field]
	v := d.convert(n, path, probs)
	d.pos[field] = keyPos
	return v
}

// Decode decodes the document's value into v, an encoding/json target,
// refusing unknown fields.
func (d *Doc) Decode(v any) error {
	b, err := json.Marshal(d.Value)
	if err != nil {
		return fmt.Errorf("yamldoc: encode %s: %w", d.Name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("yamldoc: decode %s: %w", d.Name, err)
	}
	return nil
}
