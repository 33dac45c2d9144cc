package gpai

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gpai-project/gpai/expr"
)

// Rule kinds.
const (
	RuleDefinition = "definition" // defines a named value, such as gpai or systemic_risk
	RuleObligation = "obligation" // something the provider must do, with its deadline
	RuleNote       = "note"       // information that applies, such as the fines in force
)

// A Rule is one statement of the law as data.
type Rule struct {
	ID       string
	Kind     string
	Title    string
	Citation string
	Summary  string // what it demands or says, in a sentence or two
	Fix      string // how to satisfy it, for findings
	From     *Date  // first day in force; nil means always
	Until    *Date  // first day no longer in force; nil means open-ended
	Replaces []string
	Layer    string   // id@version of the layer that states it
	Pos      Position // where it is written
	Path     string   // its field path in the layer file, e.g. rules[3]
	// FieldPos locates the rule's fields (when, due, ...) in the layer file.
	FieldPos map[string]Position

	Define string     // definition: the name defined
	Value  *expr.Expr // definition: its value

	When     *expr.Expr // obligation and note: applies when true; nil means always
	Due      *expr.Expr // obligation: date by which it must be met
	Every    *expr.Expr // obligation: recurrence after Due
	End      *expr.Expr // obligation: date until which it runs (retention periods)
	Met      *expr.Expr // obligation: true when the dossier shows it is met
	On       string     // obligation: the event that starts its clock, for event-driven duties
	Field    string     // obligation: where in gpai.yaml it is recorded
	Demands  []string   // obligation: dossier files or documents it requires
	Severity string     // obligation: severity of a finding when overdue (default error)
}

// InForce reports whether the rule's own dates include day.
func (r *Rule) InForce(day Date) bool {
	if r.From != nil && day.Before(r.From.Time) {
		return false
	}
	if r.Until != nil && !day.Before(r.Until.Time) {
		return false
	}
	return true
}

// A Param is a named constant of the law, such as a threshold or a date,
// in force over a period.
type Param struct {
	Name     string
	Value    expr.Value
	Citation string
	From     *Date
	Until    *Date
	Layer    string
	Pos      Position
}

// InForce reports whether the parameter's dates include day.
func (p *Param) InForce(day Date) bool {
	if p.From != nil && day.Before(p.From.Time) {
		return false
	}
	if p.Until != nil && !day.Before(p.Until.Time) {
		return false
	}
	return true
}

// A Layer is one rulebook file: the base law, or an amendment layered on
// top of it.
type Layer struct {
	ID        string
	Version   string
	Title     string
	Published Date
	Source    string // file the layer was read from, or "embedded"
	Params    []*Param
	Rules     []*Rule
}

// Ref returns "id@version".
func (l *Layer) Ref() string { return l.ID + "@" + l.Version }

// A Rulebook is a stack of layers. Later layers add rules and parameters
// and may replace earlier rules from a date on; nothing is edited in place.
type Rulebook struct {
	Layers []*Layer
	order  []*Rule // definitions in dependency order
}

// Ref returns the refs of every layer joined by "+", the rulebook version
// that findings cite.
func (rb *Rulebook) Ref() string {
	refs := make([]string, len(rb.Layers))
	for i, l := range rb.Layers {
		refs[i] = l.Ref()
	}
	return strings.Join(refs, "+")
}

// Rules returns every rule of every layer in order.
func (rb *Rulebook) Rules() []*Rule {
	var out []*Rule
	for _, l := range rb.Layers {
		out = append(out, l.Rules...)
	}
	return out
}

// Rule returns the rule with the given id.
func (rb *Rulebook) Rule(id string) (*Rule, bool) {
	for _, r := range rb.Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Names returns the type of every name rule expressions may use: the
// dossier facts, the parameters and the defined names.
func (rb *Rulebook) Names() map[string]expr.Type {
	names := map[string]expr.Type{}
	for _, f := range FactNames {
		names[f.Name] = f.Type
	}
	for _, l := range rb.Layers {
		for _, p := range l.Params {
			names[p.Name] = p.Value.Type
		}
	}
	for _, r := range rb.order {
		names[r.Define] = r.Value.Type()
	}
	return names
}

// Compile checks the whole rulebook: unique ids, replaced rules that exist,
// no dependency cycles among definitions, and every expression well typed
// against the facts, the parameters and the definitions. It must be called
// once after the layers are assembled and before Assess. Every problem is
// returned, positioned at the rule that has it.
func (rb *Rulebook) Compile() error {
	var probs Problems
	add := func(pos Position, field, format string, args ...any) {
		probs = append(probs, Problem{Pos: pos, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	at := func(r *Rule, field string) (Position, string) {
		pos, ok := r.FieldPos[field]
		if !ok {
			pos = r.Pos
		}
		if r.Path != "" {
			field = r.Path + "." + field
		}
		return pos, field
	}
	ids := map[string]*Rule{}
	names := map[string]expr.Type{}
	for _, f := range FactNames {
		names[f.Name] = f.Type
	}
	for _, l := range rb.Layers {
		for _, p := range l.Params {
			if t, ok := names[p.Name]; ok && t != p.Value.Type {
				add(p.Pos, p.Name, "parameter %s is a %s here but a %s elsewhere", p.Name, p.Value.Type, t)
			}
			names[p.Name] = p.Value.Type
		}
	}
	defs := map[string][]*Rule{}
	for _, r := range rb.Rules() {
		if prev, ok := ids[r.ID]; ok {
			add(r.Pos, "id", "rule id %s is already used at %s; an amendment adds a rule with a new id and lists the old one under replaces", r.ID, prev.Pos)
			continue
		}
		ids[r.ID] = r
		if r.Kind == RuleDefinition {
			if _, isFact := FactType(r.Define); isFact {
				add(r.Pos, "define", "%s is a dossier fact and cannot be redefined", r.Define)
				continue
			}
			defs[r.Define] = append(defs[r.Define], r)
		}
	}
	for _, r := range rb.Rules() {
		for _, id := range r.Replaces {
			if _, ok := ids[id]; !ok {
				add(r.Pos, "replaces", "rule %s replaces %s, which no layer defines", r.ID, id)
			}
		}
	}
	// Order definitions so each comes after the names it uses.
	order, err := sortDefinitions(defs)
	if err != nil {
		probs = append(probs, *err)
	}
	for _, r := range order {
		t, err := r.Value.Check(names)
		if err != nil {
			pos, f := at(r, "value")
			add(pos, f, "%v", err)
			continue
		}
		if prev, ok := names[r.Define]; ok && prev != t && prev != expr.Any {
			pos, f := at(r, "value")
			add(pos, f, "%s is a %s here but a %s in another rule", r.Define, t, prev)
		}
		if _, ok := names[r.Define]; !ok || names[r.Define] == expr.Any {
			names[r.Define] = t
		}
	}
	want := func(r *Rule, field string, e *expr.Expr, t expr.Type) {
		if e == nil {
			return
		}
		pos, path := at(r, field)
		got, err := e.Check(names)
		if err != nil {
			add(pos, path, "%v", err)
			return
		}
		if got != t && got != expr.Any {
			add(pos, path, "%s must be a %s expression, not a %s", field, t, got)
		}
	}
	for _, r := range rb.Rules() {
		want(r, "when", r.When, expr.Bool)
		want(r, "due", r.Due, expr.Date)
		want(r, "every", r.Every, expr.Duration)
		want(r, "end", r.End, expr.Date)
		want(r, "met", r.Met, expr.Bool)
	}
	rb.order = order
	if len(probs) > 0 {
		return probs
	}
	return nil
}

func sortDefinitions(defs map[string][]*Rule) ([]*Rule, *Problem) {
	var names []string
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var order []*Rule
	var visit func(n string, path []string) *Problem
	visit = func(n string, path []string) *Problem {
		switch state[n] {
		case done:
			return nil
		case visiting:
			r := defs[n][0]
			return &Problem{Pos: r.Pos, Field: "value", Message: "definitions depend on each other in a cycle: " + strings.Join(append(path, n), " → ")}
		}
		state[n] = visiting
		for _, r := range defs[n] {
			for _, dep := range r.Value.Names() {
				if _, ok := defs[dep]; ok {
					if p := visit(dep, append(path, n)); p != nil {
						return p
					}
				}
			}
		}
		state[n] = done
		order = append(order, defs[n]...)
		return nil
	}
	for _, n := range names {
		if p := visit(n, nil); p != nil {
			return nil, p
		}
	}
	return order, nil
}

// inForce returns the rules in force on day: their own dates include it
// and no rule in force on that day replaces them.
func (rb *Rulebook) inForce(day Date) map[string]bool {
	replaced := map[string]bool{}
	for _, r := range rb.Rules() {
		if r.InForce(day) {
			for _, id := range r.Replaces {
				replaced[id] = true
			}
		}
	}
	live := map[string]bool{}
	for _, r := range rb.Rules() {
		if r.InForce(day) && !replaced[r.ID] {
			live[r.ID] = true
		}
	}
	return live
}

// param returns the value of the parameter in force on day, the latest
// layer winning where several are.
func (rb *Rulebook) params(day Date) map[string]*Param {
	out := map[string]*Param{}
	for _, l := range rb.Layers {
		for _, p := range l.Params {
			if p.InForce(day) {
				out[p.Name] = p
			}
		}
	}
	return out
}

// InForce returns the rules in force on day (their dates include it and no
// rule in force replaces them), or every rule when day is nil.
func (rb *Rulebook) InForce(day *Date) []*Rule {
	if day == nil {
		return rb.Rules()
	}
	live := rb.inForce(*day)
	var out []*Rule
	for _, r := range rb.Rules() {
		if live[r.ID] {
			out = append(out, r)
		}
	}
	return out
}
