// Package rulebook loads gpai's rulebook: the law as data. The base layer
// (eu-gpai.yaml) and the dated amendment layers are embedded in the
// binary; further layers can be read from files and stacked on top, so an
// amendment is a data change, not a code change.
package rulebook

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/expr"
	"github.com/gpai-project/gpai/schema"
	"github.com/gpai-project/gpai/yamldoc"
)

//go:embed *.yaml
var embedded embed.FS

// Embedded lists the bundled layers in the order they stack.
var Embedded = []string{"eu-gpai.yaml", "omnibus-2026.yaml"}

// Default returns the bundled rulebook, compiled.
func Default() (*gpai.Rulebook, error) { return Load(nil) }

// Load returns the bundled layers with the layers in files stacked on top
// in order, compiled. Every problem in every file is reported at once.
func Load(files []string) (*gpai.Rulebook, error) {
	rb := &gpai.Rulebook{}
	var probs gpai.Problems
	for _, name := range Embedded {
		data, err := embedded.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("rulebook: %w", err)
		}
		l, err := ParseLayer("rulebook/"+name, data)
		if err != nil {
			return nil, fmt.Errorf("rulebook: bundled layer %s: %w", name, err)
		}
		l.Source = "embedded"
		rb.Layers = append(rb.Layers, l)
	}
	for _, path := range files {
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		l, err := ParseLayer(path, data)
		if err != nil {
			var ps gpai.Problems
			if errors.As(err, &ps) {
				probs = append(probs, ps...)
				continue
			}
			return nil, err
		}
		l.Source = path
		rb.Layers = append(rb.Layers, l)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	if err := rb.Compile(); err != nil {
		return nil, err
	}
	return rb, nil
}

func readFile(path string) ([]byte, error) {
	data, err := yamldoc.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "rulebook file %s does not exist", path)
	}
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read rulebook file %s: %v", path, err)
	}
	return data, nil
}

// Source returns the text of a bundled layer, for "gpai rulebook show".
func Source(name string) ([]byte, error) { return embedded.ReadFile(name) }

type layerFile struct {
	Rulebook  string      `json:"rulebook"`
	Version   string      `json:"version"`
	Title     string      `json:"title"`
	Published gpai.Date   `json:"published"`
	Params    []paramFile `json:"params"`
	Rules     []ruleFile  `json:"rules"`
}

type paramFile struct {
	Name     string     `json:"name"`
	Value    any        `json:"value"`
	Citation string     `json:"citation"`
	From     *gpai.Date `json:"from"`
	Until    *gpai.Date `json:"until"`
}

type ruleFile struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	Title    string     `json:"title"`
	Citation string     `json:"citation"`
	Summary  string     `json:"summary"`
	Fix      string     `json:"fix"`
	From     *gpai.Date `json:"from"`
	Until    *gpai.Date `json:"until"`
	Replaces []string   `json:"replaces"`
	Define   string     `json:"define"`
	Value    any        `json:"value"`
	When     any        `json:"when"`
	Due      string     `json:"due"`
	Every    string     `json:"every"`
	End      string     `json:"end"`
	Met      any        `json:"met"`
	On       string     `json:"on"`
	Field    string     `json:"field"`
	Demands  []string   `json:"demands"`
	Severity string     `json:"severity"`
}

// ParseLayer parses one rulebook layer file. Expressions are parsed here
// and type-checked when the rulebook is compiled.
func ParseLayer(name string, data []byte) (*gpai.Layer, error) {
	doc, err := yamldoc.Parse(name, data)
	if err != nil {
		return nil, err
	}
	sch, err := schema.Load("rulebook.yaml")
	if err != nil {
		return nil, err
	}
	if probs := sch.Validate(doc); len(probs) > 0 {
		return nil, probs
	}
	var lf layerFile
	if err := doc.Decode(&lf); err != nil {
		return nil, gpai.Problems{{Pos: doc.Pos(""), Message: err.Error()}}
	}
	l := &gpai.Layer{ID: lf.Rulebook, Version: lf.Version, Title: lf.Title, Published: lf.Published}
	var probs gpai.Problems
	parse := func(field string, v any) *expr.Expr {
		if v == nil {
			return nil
		}
		src := exprText(v)
		if src == "" {
			return nil
		}
		e, err := expr.Parse(src)
		if err != nil {
			probs = append(probs, gpai.Problem{Pos: doc.Pos(field), Field: field, Message: err.Error(), Fix: "see gpai help rulebook for the expression language"})
			return nil
		}
		return e
	}
	for i, p := range lf.Params {
		field := fmt.Sprintf("params[%d].value", i)
		e := parse(field, p.Value)
		if e == nil {
			continue
		}
		if _, err := e.Check(nil); err != nil {
			probs = append(probs, gpai.Problem{Pos: doc.Pos(field), Field: field, Message: err.Error(), Fix: "a parameter is a constant: a number, a date(\"YYYY-MM-DD\") or a duration such as weeks(2)"})
			continue
		}
		v := e.Eval(nil)
		if v.IsNull() {
			probs = append(probs, gpai.Problem{Pos: doc.Pos(field), Field: field, Message: "the value is null", Fix: "give a constant value"})
			continue
		}
		l.Params = append(l.Params, &gpai.Param{Name: p.Name, Value: v, Citation: p.Citation, From: p.From, Until: p.Until,
			Layer: l.ID + "@" + l.Version, Pos: doc.Pos(fmt.Sprintf("params[%d]", i))})
	}
	for i, rf := range lf.Rules {
		at := func(f string) string { return fmt.Sprintf("rules[%d].%s", i, f) }
		r := &gpai.Rule{ID: rf.ID, Kind: rf.Kind, Title: rf.Title, Citation: rf.Citation, Summary: strings.TrimSpace(rf.Summary),
			Fix: rf.Fix, From: rf.From, Until: rf.Until, Replaces: rf.Replaces, Define: rf.Define, On: rf.On,
			Field: rf.Field, Demands: rf.Demands, Severity: rf.Severity, Layer: l.ID + "@" + l.Version,
			Pos: doc.Pos(fmt.Sprintf("rules[%d]", i)), Path: fmt.Sprintf("rules[%d]", i), FieldPos: map[string]gpai.Position{}}
		for _, f := range []string{"value", "when", "due", "every", "end", "met", "define", "replaces"} {
			r.FieldPos[f] = doc.Pos(at(f))
		}
		need := func(ok bool, field, msg string) {
			if !ok {
				probs = append(probs, gpai.Problem{Pos: doc.Pos(at(field)), Field: at(field), Message: msg})
			}
		}
		switch rf.Kind {
		case gpai.RuleDefinition:
			need(rf.Define != "", "define", "a definition names what it defines in define")
			need(rf.Value != nil, "value", "a definition needs a value expression")
			need(rf.When == nil && rf.Due == "" && rf.Every == "" && rf.End == "" && rf.Met == nil && rf.On == "", "value", "a definition has only define and value; when, due, every, end, met and on belong to obligations")
			r.Value = parse(at("value"), rf.Value)
		case gpai.RuleObligation, gpai.RuleNote:
			need(rf.Define == "" && rf.Value == nil, "define", "define and value belong to definitions")
			r.When = parse(at("when"), rf.When)
			if rf.Kind == gpai.RuleNote {
				need(rf.Due == "" && rf.Every == "" && rf.Met == nil && rf.On == "", "due", "a note has no deadline; make it an obligation")
				break
			}
			r.Due = parse(at("due"), rf.Due)
			r.Every = parse(at("every"), rf.Every)
			r.End = parse(at("end"), rf.End)
			r.Met = parse(at("met"), rf.Met)
			need(rf.Every == "" || rf.Due != "", "every", "a recurring obligation needs its first deadline in due")
		}
		if rf.From != nil && rf.Until != nil && !rf.From.Before(rf.Until.Time) {
			need(false, "until", "until must be after from")
		}
		l.Rules = append(l.Rules, r)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return l, nil
}

func exprText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}
