package gpai

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gpai-project/gpai/expr"
)

// A FactName is a name that rule expressions may use, computed from the
// dossier by Assess.
type FactName struct {
	Name string
	Type expr.Type
	Doc  string
}

// FactNames lists every dossier fact available to rule expressions.
var FactNames = []FactName{
	{"as_of", expr.Date, "the day the assessment is made for"},
	{"training_flop", expr.Number, "compute directly contributing to parameter updates (for a modification: of the modification)"},
	{"cumulative_flop", expr.Number, "cumulative training compute, synthetic data and merged weights included"},
	{"parameters", expr.Number, "model.parameters"},
	{"modification", expr.Bool, "the model is a modification of other models"},
	{"base_flop", expr.Number, "the largest known training compute among the base models"},
	{"base_flop_known", expr.Bool, "every base model's training compute is known"},
	{"base_systemic_risk", expr.Bool, "a base model is a GPAI model with systemic risk"},
	{"base_gpai", expr.Bool, "a base model is a GPAI model"},
	{"controls_weights", expr.Bool, "the organisation controls the modified weights"},
	{"outputs_text", expr.Bool, "the model outputs text"},
	{"outputs_code", expr.Bool, "the model outputs code"},
	{"outputs_speech", expr.Bool, "the model outputs speech"},
	{"outputs_audio", expr.Bool, "the model outputs audio"},
	{"outputs_image", expr.Bool, "the model outputs images"},
	{"outputs_video", expr.Bool, "the model outputs video"},
	{"inputs_text", expr.Bool, "the model takes text input"},
	{"eu_established", expr.Bool, "the provider is established in the Union"},
	{"has_authorised_representative", expr.Bool, "an authorised representative is named"},
	{"has_contact", expr.Bool, "a public contact for the AI Office and downstream providers is given"},
	{"licence_open", expr.Bool, "the licence grants access, use, modification and distribution without a disqualifying restriction (null when unknown)"},
	{"monetised", expr.Bool, "the model is monetised"},
	{"weights_public", expr.Bool, "the parameters, weights included, are public"},
	{"architecture_public", expr.Bool, "the architecture information is public"},
	{"usage_public", expr.Bool, "the usage information is public"},
	{"designated", expr.Bool, "the Commission designated the model (as of the day)"},
	{"designation_date", expr.Date, "designation.date"},
	{"rebuttal_accepted", expr.Bool, "the Commission accepted a rebuttal (as of the day)"},
	{"rebuttal_decided", expr.Date, "rebuttal.decided"},
	{"declared_gpai", expr.Bool, "the provider concluded the model is general-purpose despite the indicative criterion"},
	{"declared_not_gpai", expr.Bool, "the provider concluded the model is not general-purpose despite the indicative criterion"},
	{"micro", expr.Bool, "the provider is a microenterprise"},
	{"sme", expr.Bool, "the provider is a micro, small or medium-sized enterprise"},
	{"smc", expr.Bool, "the provider is a small mid-cap"},
	{"code_signatory", expr.Bool, "the provider signed the Code of Practice"},
	{"training_start", expr.Date, "dates.training_start"},
	{"first_release", expr.Date, "dates.first_release"},
	{"eu_placement", expr.Date, "dates.eu_placement"},
	{"placed", expr.Bool, "the model is on the Union market as of the day"},
	{"threshold_known", expr.Date, "dates.threshold_known"},
	{"notified", expr.Date, "dates.notified"},
	{"withdrawn", expr.Date, "dates.withdrawn"},
}

// FactType returns the type of the fact named name.
func FactType(name string) (expr.Type, bool) {
	for _, f := range FactNames {
		if f.Name == name {
			return f.Type, true
		}
	}
	return expr.Any, false
}

// Obligation statuses.
const (
	StatusMet      = "met"     // the dossier shows it is met
	StatusOverdue  = "overdue" // its deadline has passed and the dossier does not show it met
	StatusDueToday = "due-today"
	StatusUpcoming = "upcoming" // its next deadline is in the future
	StatusOngoing  = "ongoing"  // it applies continuously, with no deadline
	StatusOnEvent  = "on-event" // its clock starts with an event, such as a request
	StatusUnknown  = "unknown"  // its deadline depends on facts the dossier lacks
)

// Scope is the result of assessing a dossier: how the model is classified,
// which obligations apply as of a day, and when each is due.
type Scope struct {
	AsOf           Date               `json:"as_of"`
	Rulebook       string             `json:"rulebook"`
	Model          ModelRef           `json:"model"`
	Compute        *ComputeEstimate   `json:"compute"`
	Classification Classification     `json:"classification"`
	Obligations    []ObligationStatus `json:"obligations"`
	Notes          []NoteStatus       `json:"notes"`
	Unknown        []string           `json:"unknown,omitempty"`
	Values         map[string]any     `json:"-"`
	values         map[string]expr.Value
}

// ModelRef names the model assessed.
type ModelRef struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Provider string `json:"provider"`
}

// Classification answers the scope questions, each with the rule that
// decided it.
type Classification struct {
	GPAI             bool     `json:"gpai"`
	Provider         bool     `json:"provider"`
	Modification     bool     `json:"modification"`
	ModifierProvider bool     `json:"modifier_provider"`
	SystemicRisk     bool     `json:"systemic_risk"`
	OpenSourceExempt bool     `json:"open_source_exempt"`
	Grandfathered    bool     `json:"grandfathered"`
	Reasons          []Reason `json:"reasons"`
}

// A Reason explains the value of one defined name.
type Reason struct {
	Name     string            `json:"name"`
	Value    string            `json:"value"`
	Rule     string            `json:"rule"`
	Title    string            `json:"title"`
	Citation string            `json:"citation"`
	Inputs   map[string]string `json:"inputs"`
}

// ObligationStatus is one applicable obligation as of the day.
type ObligationStatus struct {
	Rule     string   `json:"rule"`
	Title    string   `json:"title"`
	Citation string   `json:"citation"`
	Summary  string   `json:"summary"`
	Due      *Date    `json:"due"`
	Status   string   `json:"status"`
	Every    string   `json:"every,omitempty"`
	Until    *Date    `json:"until,omitempty"`
	On       string   `json:"on,omitempty"`
	Demands  []string `json:"demands,omitempty"`
	Layer    string   `json:"rulebook_layer"`
	Field    string   `json:"-"`
	Fix      string   `json:"-"`
	Severity string   `json:"-"`
	Pos      Position `json:"-"`
}

// NoteStatus is one note that applies.
type NoteStatus struct {
	Rule     string `json:"rule"`
	Title    string `json:"title"`
	Citation string `json:"citation"`
	Summary  string `json:"summary"`
	Layer    string `json:"rulebook_layer"`
}

// Assess applies the rulebook to the dossier as of day. The estimate is
// the dossier's compute estimate (see ComputeInputs.Estimate).
func Assess(d *Dossier, est *ComputeEstimate, rb *Rulebook, day Date) *Scope {
	if est == nil {
		est = &ComputeEstimate{}
	}
	f := d.Facts
	s := &Scope{
		AsOf:     day,
		Rulebook: rb.Ref(),
		Model:    ModelRef{Name: f.Model.Name, Version: f.Model.Version, Provider: f.Provider.Name},
		Compute:  est,
	}
	vars := factValues(d, est, day)
	for name, p := range rb.params(day) {
		vars[name] = p.Value
	}
	env := &expr.Env{Vars: vars, Files: d.Files}
	live := rb.inForce(day)
	defined := map[string]*Rule{}
	for _, r := range rb.order {
		if !live[r.ID] {
			continue
		}
		v := r.Value.Eval(env)
		// Several live rules may define one name (say, before and after an
		// amendment with overlapping dates): the later layer wins, unless
		// it is null.
		if _, ok := defined[r.Define]; ok && v.IsNull() {
			continue
		}
		vars[r.Define] = v
		defined[r.Define] = r
	}
	s.values = vars
	unknown := map[string]bool{}
	defNames := make([]string, 0, len(defined))
	for n := range defined {
		defNames = append(defNames, n)
	}
	sort.Strings(defNames)
	for _, n := range defNames {
		r := defined[n]
		reason := Reason{Name: n, Value: vars[n].String(), Rule: r.ID, Title: r.Title, Citation: r.Citation, Inputs: map[string]string{}}
		for _, in := range r.Value.Names() {
			reason.Inputs[in] = vars[in].String()
			// A fact counts as missing only where its absence left the
			// definition undecided; coalesce and known tolerate it.
			if _, isFact := FactType(in); isFact && vars[in].IsNull() && vars[n].IsNull() {
				unknown[in] = true
			}
		}
		s.Classification.Reasons = append(s.Classification.Reasons, reason)
	}
	c := &s.Classification
	c.GPAI = truth(vars["gpai"])
	c.Provider = truth(vars["provider"])
	c.Modification = truth(vars["modification"])
	c.ModifierProvider = truth(vars["modifier_provider"])
	c.SystemicRisk = truth(vars["systemic_risk"])
	c.OpenSourceExempt = truth(vars["open_source_exempt"])
	c.Grandfathered = truth(vars["grandfathered"])

	for _, r := range rb.Rules() {
		if !live[r.ID] || r.Kind == RuleDefinition {
			continue
		}
		if r.When != nil {
			w := r.When.Eval(env)
			if w.IsNull() {
				for _, in := range r.When.Names() {
					if _, isFact := FactType(in); isFact && vars[in].IsNull() {
						unknown[in] = true
					}
				}
			}
			if !truth(w) {
				continue
			}
		}
		layer := r.Layer
		if r.Kind == RuleNote {
			s.Notes = append(s.Notes, NoteStatus{Rule: r.ID, Title: r.Title, Citation: r.Citation, Summary: r.Summary, Layer: layer})
			continue
		}
		s.Obligations = append(s.Obligations, r.status(env, day))
	}
	for n := range unknown {
		s.Unknown = append(s.Unknown, n)
	}
	sort.Strings(s.Unknown)
	s.Values = map[string]any{}
	for k, v := range vars {
		s.Values[k] = v.Interface()
	}
	return s
}

func (r *Rule) status(env *expr.Env, day Date) ObligationStatus {
	o := ObligationStatus{Rule: r.ID, Title: r.Title, Citation: r.Citation, Summary: r.Summary, On: r.On,
		Demands: r.Demands, Layer: r.Layer, Field: r.Field, Fix: r.Fix, Severity: r.Severity, Pos: r.Pos}
	if o.Severity == "" {
		o.Severity = "error"
	}
	if r.End != nil {
		if t, ok := r.End.Eval(env).Date(); ok {
			o.Until = &Date{t}
		}
	}
	met := r.Met != nil && truth(r.Met.Eval(env))
	var due *Date
	if r.Due != nil {
		if t, ok := r.Due.Eval(env).Date(); ok {
			due = &Date{t}
		}
	}
	if r.Every != nil {
		if sp, ok := r.Every.Eval(env).Span(); ok {
			o.Every = sp.String()
			if due != nil {
				// Roll a recurring deadline forward to the next one on or
				// after the day; it cannot be met once and for all.
				next := due.Time
				for i := 0; next.Before(day.Time) && i < 10000; i++ {
					next = sp.AddTo(next)
				}
				due = &Date{next}
				met = false
			}
		}
	}
	o.Due = due
	switch {
	case met:
		o.Status = StatusMet
	case due != nil && due.Before(day.Time) && r.Met == nil:
		// Without evidence to look for, a past deadline means the duty has
		// been in force since then, not that it was missed.
		o.Status = StatusOngoing
	case due != nil && due.Before(day.Time):
		o.Status = StatusOverdue
	case due != nil && due.Equal(day.Time):
		o.Status = StatusDueToday
	case due != nil:
		o.Status = StatusUpcoming
	case r.On != "":
		o.Status = StatusOnEvent
	case r.Due != nil:
		o.Status = StatusUnknown
	default:
		o.Status = StatusOngoing
	}
	return o
}

// Value returns the value of a fact, parameter or defined name after
// assessment, and whether it was known.
func (s *Scope) Value(name string) (expr.Value, bool) {
	v, ok := s.values[name]
	return v, ok && !v.IsNull()
}

// DaysUntil returns the whole days from the scope's day to d.
func (s *Scope) DaysUntil(d Date) int {
	return int(math.Round(d.Sub(s.AsOf.Time).Hours() / 24))
}

func truth(v expr.Value) bool {
	b, ok := v.Bool()
	return ok && b
}

func factValues(d *Dossier, est *ComputeEstimate, day Date) map[string]expr.Value {
	f := d.Facts
	v := map[string]expr.Value{}
	b := expr.BoolValue
	date := func(name string, p *Date) {
		if p != nil {
			v[name] = expr.DateValue(p.Time)
		}
	}
	v["as_of"] = expr.DateValue(day.Time)
	if f.Compute != nil && len(f.Compute.Stages) > 0 {
		v["training_flop"] = expr.NumberValue(est.TrainingFLOP)
		v["cumulative_flop"] = expr.NumberValue(est.CumulativeFLOP)
	}
	if f.Model.Parameters > 0 {
		v["parameters"] = expr.NumberValue(f.Model.Parameters)
	}
	m := f.Modification
	v["modification"] = b(m != nil)
	if m != nil {
		known, best, sr, gp := true, 0.0, false, false
		for _, bm := range m.BaseModels {
			if bm.TrainingFLOP == nil {
				known = false
			} else {
				best = math.Max(best, *bm.TrainingFLOP)
			}
			sr = sr || bm.SystemicRisk
			gp = gp || bm.GPAI == nil || *bm.GPAI
		}
		v["base_flop_known"] = b(known && len(m.BaseModels) > 0)
		if known && len(m.BaseModels) > 0 {
			v["base_flop"] = expr.NumberValue(best)
		}
		v["base_systemic_risk"] = b(sr)
		v["base_gpai"] = b(gp)
		if m.ControlsWeights != nil {
			v["controls_weights"] = b(*m.ControlsWeights)
		}
	} else {
		v["base_flop_known"] = b(false)
		v["base_systemic_risk"] = b(false)
		v["base_gpai"] = b(false)
	}
	has := func(list []string, want ...string) bool {
		for _, x := range list {
			for _, w := range want {
				if x == w {
					return true
				}
			}
		}
		return false
	}
	out := f.Model.Modalities.Output
	v["outputs_text"] = b(has(out, "text"))
	v["outputs_code"] = b(has(out, "code"))
	v["outputs_speech"] = b(has(out, "speech"))
	v["outputs_audio"] = b(has(out, "audio", "music"))
	v["outputs_image"] = b(has(out, "image"))
	v["outputs_video"] = b(has(out, "video"))
	v["inputs_text"] = b(has(f.Model.Modalities.Input, "text", "code"))
	if f.Provider.Country != "" {
		v["eu_established"] = b(IsEUCountry(f.Provider.Country))
	}
	v["has_authorised_representative"] = b(f.Provider.AuthorisedRepresentative != nil)
	v["has_contact"] = b(f.Provider.Contact != nil && (f.Provider.Contact.Email != "" || f.Provider.Contact.URL != ""))
	if open, known, _ := f.Licence.open(); known {
		v["licence_open"] = b(open)
	}
	if o := f.Openness; o != nil {
		v["monetised"] = b(o.Monetised || len(o.Monetisation) > 0)
		v["weights_public"] = b(o.WeightsPublic)
		v["architecture_public"] = b(o.ArchitecturePublic)
		v["usage_public"] = b(o.UsagePublic)
	}
	v["designated"] = b(f.Designation != nil && !f.Designation.Date.After(day.Time))
	if f.Designation != nil {
		date("designation_date", &f.Designation.Date)
	}
	v["rebuttal_accepted"] = b(f.Rebuttal != nil && f.Rebuttal.Outcome == "accepted" && f.Rebuttal.Decided != nil && !f.Rebuttal.Decided.After(day.Time))
	if f.Rebuttal != nil {
		date("rebuttal_decided", f.Rebuttal.Decided)
	}
	a := f.Assessment
	v["declared_gpai"] = b(a != nil && a.GeneralPurpose != nil && *a.GeneralPurpose)
	v["declared_not_gpai"] = b(a != nil && a.GeneralPurpose != nil && !*a.GeneralPurpose)
	switch f.Provider.Size {
	case "micro", "small", "medium":
		v["sme"] = b(true)
		v["smc"] = b(false)
		v["micro"] = b(f.Provider.Size == "micro")
	case "small-mid-cap":
		v["sme"], v["smc"], v["micro"] = b(false), b(true), b(false)
	case "large":
		v["sme"], v["smc"], v["micro"] = b(false), b(false), b(false)
	}
	v["code_signatory"] = b(f.Code != nil && f.Code.Signatory)
	date("training_start", f.Dates.TrainingStart)
	date("first_release", f.Dates.FirstRelease)
	date("eu_placement", f.Dates.EUPlacement)
	date("threshold_known", f.Dates.ThresholdKnown)
	date("notified", f.Dates.Notified)
	date("withdrawn", f.Dates.Withdrawn)
	if p := f.Dates.EUPlacement; p != nil {
		v["placed"] = b(!p.After(day.Time) && (f.Dates.Withdrawn == nil || f.Dates.Withdrawn.After(day.Time)))
	} else {
		v["placed"] = b(false)
	}
	return v
}

// euCountries are the ISO 3166-1 alpha-2 codes of the Union's member
// states (Greece as GR; EL is accepted too).
var euCountries = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true, "FI": true,
	"FR": true, "DE": true, "GR": true, "EL": true, "HU": true, "IE": true, "IT": true, "LV": true, "LT": true,
	"LU": true, "MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true,
}

// IsEUCountry reports whether code is a member state of the Union.
func IsEUCountry(code string) bool { return euCountries[code] }

// Today returns the current day in UTC.
func Today(now func() time.Time) Date {
	if now == nil {
		now = time.Now
	}
	y, m, d := now().UTC().Date()
	return NewDate(y, m, d)
}

// String summarises the classification in one line.
func (c Classification) String() string {
	return fmt.Sprintf("gpai=%t provider=%t systemic_risk=%t open_source_exempt=%t", c.GPAI, c.Provider, c.SystemicRisk, c.OpenSourceExempt)
}
