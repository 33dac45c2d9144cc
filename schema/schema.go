// Package schema holds the JSON Schemas of gpai's files (Draft 2020-12)
// and validates parsed YAML documents against them, turning every
// violation into a positioned problem with a fix.
//
// The schemas are shipped in this folder so editors can validate as you
// type: put "# yaml-language-server: $schema=<path to gpai.schema.json>"
// at the top of gpai.yaml. The command "gpai schema" prints them.
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/expr"
	"github.com/gpai-project/gpai/yamldoc"
)

//go:embed *.schema.json
var files embed.FS

// Names lists the schemas by the file they describe.
var Names = map[string]string{
	"gpai.yaml":          "gpai.schema.json",
	"rulebook.yaml":      "rulebook.schema.json",
	"data.yaml":          "data.schema.json",
	"documentation.yaml": "documentation.schema.json",
	"copyright.yaml":     "copyright.schema.json",

	// The Safety and Security files (safety.go).
	"safety/framework.yaml":    "safety-framework.schema.json",
	"safety/risks.yaml":        "safety-risks.schema.json",
	"safety/evaluations.yaml":  "safety-evaluations.schema.json",
	"safety/mitigations.yaml":  "safety-mitigations.schema.json",
	"safety/incidents.yaml":    "safety-incidents.schema.json",
	"safety/model-report.yaml": "safety-model-report.schema.json",
}

// Source returns the JSON text of the schema for the file kind name
// ("gpai.yaml"), or of the schema file itself ("gpai.schema.json").
func Source(name string) ([]byte, error) {
	if f, ok := Names[name]; ok {
		name = f
	}
	b, err := files.ReadFile(name)
	if err != nil {
		var known []string
		for k := range Names {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, gpai.Errorf(gpai.ENOTFOUND, "no schema for %q: known files are %s", name, strings.Join(known, ", "))
	}
	return b, nil
}

// A Schema validates documents of one kind.
type Schema struct {
	s   *jsonschema.Schema
	raw map[string]any // the schema as a plain value, for suggestions
}

var (
	mu       sync.Mutex
	compiled = map[string]*Schema{}
)

// Load returns the embedded schema for the file kind name ("gpai.yaml"),
// compiled once and shared: a Schema is safe for concurrent use.
func Load(name string) (*Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[name]; ok {
		return s, nil
	}
	s, err := compile(name)
	if err != nil {
		return nil, err
	}
	compiled[name] = s
	return s, nil
}

func compile(name string) (*Schema, error) {
	src, err := Source(name)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "mem:///" + Names[name]
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(src, &raw); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	return &Schema{s: s, raw: raw}, nil
}

var printer = message.NewPrinter(language.English)

// Validate validates doc and returns every violation as a problem at its
// place in the file, or nil when the document is valid.
func (s *Schema) Validate(doc *yamldoc.Doc) gpai.Problems {
	err := s.s.Validate(doc.Value)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return gpai.Problems{{Pos: doc.Pos(""), Message: err.Error()}}
	}
	var probs gpai.Problems
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		for _, p := range s.problems(doc, e) {
			key := p.Pos.String() + p.Field + p.Message
			if !seen[key] {
				seen[key] = true
				probs = append(probs, p)
			}
		}
	}
	walk(ve)
	sort.SliceStable(probs, func(i, j int) bool {
		a, b := probs[i].Pos, probs[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return probs
}

func (s *Schema) problems(doc *yamldoc.Doc, e *jsonschema.ValidationError) gpai.Problems {
	loc := e.InstanceLocation
	field := yamldoc.Path(loc)
	one := func(field, msg, fix string) gpai.Problems {
		return gpai.Problems{{Pos: doc.Pos(field), Field: field, Message: msg, Fix: fix}}
	}
	sub := s.at(loc)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		var out gpai.Problems
		allowed := s.propertyNames(sub)
		for _, name := range k.Properties {
			f := yamldoc.Path(append(append([]string(nil), loc...), name))
			fix := "remove it"
			if sug := expr.Suggest(name, allowed); sug != "" {
				fix = fmt.Sprintf("did you mean %q?", sug)
			} else if len(allowed) > 0 {
				fix = "remove it; allowed keys here: " + strings.Join(allowed, ", ")
			}
			out = append(out, gpai.Problem{Pos: doc.Pos(f), Field: f, Message: fmt.Sprintf("unknown key %q", name), Fix: fix})
		}
		return out
	case *kind.Required:
		var out gpai.Problems
		for _, name := range k.Missing {
			f := yamldoc.Path(append(append([]string(nil), loc...), name))
			desc := ""
			if p, ok := s.property(sub, name); ok {
				if d, ok := p["description"].(string); ok {
					desc = ": " + d
				}
			}
			where := field
			if where == "" {
				where = "the top level"
			}
			out = append(out, gpai.Problem{Pos: doc.Pos(field), Field: f, Message: fmt.Sprintf("required key %q is missing", name), Fix: fmt.Sprintf("add %s under %s%s", name, where, desc)})
		}
		return out
	case *kind.Type:
		return one(field, fmt.Sprintf("is a %s, want a %s", k.Got, strings.Join(k.Want, " or ")), typeFix(k.Want, sub))
	case *kind.Enum:
		var want []string
		for _, w := range k.Want {
			want = append(want, fmt.Sprint(w))
		}
		fix := "use one of: " + strings.Join(want, ", ")
		if got, ok := k.Got.(string); ok {
			if sug := expr.Suggest(got, want); sug != "" {
				fix = fmt.Sprintf("did you mean %q? (allowed: %s)", sug, strings.Join(want, ", "))
			}
		}
		return one(field, fmt.Sprintf("%v is not an allowed value", jsonText(k.Got)), fix)
	case *kind.Const:
		return one(field, fmt.Sprintf("must be %v", jsonText(k.Want)), fmt.Sprintf("write %v", jsonText(k.Want)))
	case *kind.Format:
		if k.Want == "date" {
			return one(field, fmt.Sprintf("%v is not a date", jsonText(k.Got)), "write the date as YYYY-MM-DD, e.g. 2025-08-02")
		}
		return one(field, fmt.Sprintf("%v is not a valid %s", jsonText(k.Got), k.Want), "")
	case *kind.Pattern:
		if strings.Contains(k.Want, "[0-9]{4}") {
			return one(field, fmt.Sprintf("%q is not a date", k.Got), "write the date as YYYY-MM-DD, e.g. 2025-08-02")
		}
		if strings.Contains(k.Want, "[A-Z]{2}") {
			return one(field, fmt.Sprintf("%q is not a two-letter country code", k.Got), "use an ISO 3166-1 alpha-2 code in capitals, e.g. FR or US")
		}
		return one(field, fmt.Sprintf("%q does not match %s", k.Got, k.Want), "")
	case *kind.Minimum, *kind.ExclusiveMinimum:
		return one(field, e.ErrorKind.LocalizedString(printer), "a count, duration or compute figure cannot be zero or negative")
	case *kind.Maximum, *kind.ExclusiveMaximum:
		return one(field, e.ErrorKind.LocalizedString(printer), "check the unit and the exponent: the figure is beyond any plausible value")
	case *kind.MinItems:
		return one(field, e.ErrorKind.LocalizedString(printer), "list at least one entry")
	case *kind.UniqueItems:
		return one(field, e.ErrorKind.LocalizedString(printer), "remove the duplicate")
	case *kind.MinLength:
		return one(field, e.ErrorKind.LocalizedString(printer), "write a value")
	case *kind.MaxLength, *kind.MaxItems:
		return one(field, e.ErrorKind.LocalizedString(printer), "shorten it")
	}
	return one(field, e.ErrorKind.LocalizedString(printer), "")
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func typeFix(want []string, sub map[string]any) string {
	if d, ok := sub["description"].(string); ok {
		return fmt.Sprintf("write a %s (%s)", strings.Join(want, " or "), d)
	}
	switch {
	case contains(want, "object"):
		return "write a mapping of keys to values, indented under this key"
	case contains(want, "array"):
		return "write a list, one item per line starting with \"- \""
	case contains(want, "number"), contains(want, "integer"):
		return "write a number without quotes, e.g. 3.8e9"
	case contains(want, "boolean"):
		return "write true or false without quotes"
	case contains(want, "string"):
		return "write text; quote it if it looks like a number or a date"
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// at returns the schema object that governs the instance location loc,
// following properties, items and local $refs.
func (s *Schema) at(loc []string) map[string]any {
	cur := s.deref(s.raw)
	for _, part := range loc {
		if cur == nil {
			return nil
		}
		if p, ok := s.property(cur, part); ok {
			cur = p
			continue
		}
		if items, ok := cur["items"].(map[string]any); ok {
			cur = s.deref(items)
			continue
		}
		return nil
	}
	return cur
}

func (s *Schema) property(obj map[string]any, name string) (map[string]any, bool) {
	props, _ := obj["properties"].(map[string]any)
	p, ok := props[name].(map[string]any)
	if !ok {
		return nil, false
	}
	return s.deref(p), true
}

func (s *Schema) propertyNames(obj map[string]any) []string {
	props, _ := obj["properties"].(map[string]any)
	var names []string
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Schema) deref(obj map[string]any) map[string]any {
	for i := 0; i < 10 && obj != nil; i++ {
		ref, ok := obj["$ref"].(string)
		if !ok {
			return obj
		}
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		if !ok {
			return obj
		}
		defs, _ := s.raw["$defs"].(map[string]any)
		obj, _ = defs[name].(map[string]any)
	}
	return obj
}
