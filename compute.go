package gpai

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ComputeInputs is the compute section of gpai.yaml: the stages of the
// model's development with what is known of each, from which training
// compute and cumulative training compute are estimated (Guidelines,
// Annex A).
type ComputeInputs struct {
	// Prefer chooses which estimate of a stage counts when both methods are
	// given: "larger" (the default: a threshold is never passed by choosing
	// the smaller), "hardware" or "architecture".
	Prefer       string        `json:"prefer,omitempty"`
	Stages       []Stage       `json:"stages"`
	Accelerators []Accelerator `json:"accelerators,omitempty"`
}

// A Stage is one part of the model's development whose compute counts, or
// is recorded to show that it does not.
type Stage struct {
	Name         string              `json:"name"`
	Kind         string              `json:"kind"`
	Hardware     []HardwarePeriod    `json:"hardware,omitempty"`
	Architecture *ArchitectureInputs `json:"architecture,omitempty"`
	FLOP         *float64            `json:"flop,omitempty"` // stated directly
	Note         string              `json:"note,omitempty"`
}

// A HardwarePeriod is a span of training on a constant number of units
// (Guidelines A.2.1: C = N · L · H · U per period, summed).
type HardwarePeriod struct {
	Units       float64 `json:"units,omitempty"`
	Accelerator string  `json:"accelerator,omitempty"`
	Precision   string  `json:"precision,omitempty"`
	Hours       float64 `json:"hours,omitempty"`     // wall-clock, per unit
	Days        float64 `json:"days,omitempty"`      // wall-clock, per unit
	Seconds     float64 `json:"seconds,omitempty"`   // wall-clock, per unit
	GPUHours    float64 `json:"gpu_hours,omitempty"` // N·L in unit-hours, instead of units and a duration
	PeakFLOPS   float64 `json:"peak_flops,omitempty"`
	Utilisation float64 `json:"utilisation"`
}

// ArchitectureInputs are the inputs of the architecture-based estimate
// (Guidelines A.2.2): 6·P·D for dense transformers, or passes times the
// operations of one forward and backward pass in general.
type ArchitectureInputs struct {
	Parameters       float64 `json:"parameters,omitempty"`        // P; defaults to model.parameters
	ActiveParameters float64 `json:"active_parameters,omitempty"` // P per token for sparse (mixture-of-experts) models
	Tokens           float64 `json:"tokens,omitempty"`            // D, unique tokens per epoch
	Epochs           float64 `json:"epochs,omitempty"`            // multiplies D; default 1
	Passes           float64 `json:"passes,omitempty"`
	FLOPPerPass      float64 `json:"flop_per_pass,omitempty"`
}

// How a stage's compute counts.
const (
	CountTraining   = "training"   // directly updates parameters: in both figures
	CountCumulative = "cumulative" // counts only towards cumulative compute
	CountExcluded   = "excluded"   // need not be counted
)

// StageKind describes one kind of stage: how its compute counts and why.
type StageKind struct {
	Kind     string
	Counts   string
	Citation string
	Why      string
}

// StageKinds lists every stage kind (Guidelines A.1 and recital 111).
var StageKinds = []StageKind{
	{"pre-training", CountTraining, "Guidelines A.1", "directly contributes to parameter updates"},
	{"fine-tuning", CountTraining, "Guidelines A.1; recital 111", "directly contributes to parameter updates"},
	{"post-training", CountTraining, "Guidelines A.1", "directly contributes to parameter updates (e.g. RLHF policy updates)"},
	{"distillation", CountTraining, "Guidelines A.1", "training the student directly contributes to its parameter updates"},
	{"synthetic-data", CountCumulative, "Guidelines A.1; recital 111", "forward passes generating non-public synthetic training data count, discarded samples included"},
	{"merged-weights", CountCumulative, "Guidelines A.1", "compute that trained weights merged, averaged or used for initialisation counts"},
	{"public-synthetic-data", CountExcluded, "Guidelines A.1", "generating synthetic data that is publicly accessible need not be counted"},
	{"evaluation", CountExcluded, "Guidelines A.1", "purely diagnostic compute (evaluations, red-teaming) need not be counted"},
	{"red-teaming", CountExcluded, "Guidelines A.1", "purely diagnostic compute need not be counted"},
	{"exploratory", CountExcluded, "Guidelines A.1", "exploratory research and failed experiments improve capabilities only through lessons learnt"},
	{"teacher", CountExcluded, "Guidelines A.1", "training a parent or teacher model used for distillation need not be counted"},
	{"reward-model", CountExcluded, "Guidelines A.1", "training auxiliary models such as reward models or value functions need not be counted"},
	{"recomputation", CountExcluded, "Guidelines A.1", "recomputing activations to save memory need not be counted"},
}

// LookupStageKind returns the description of kind.
func LookupStageKind(kind string) (StageKind, bool) {
	for _, k := range StageKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return StageKind{}, false
}

// ComputeEstimate is the result of estimating a model's compute.
type ComputeEstimate struct {
	TrainingFLOP   float64         `json:"training_flop"`
	CumulativeFLOP float64         `json:"cumulative_flop"`
	Stages         []StageEstimate `json:"stages"`
	Notes          []Problem       `json:"notes,omitempty"` // disagreements and assumptions worth a look
}

// StageEstimate is the estimate of one stage.
type StageEstimate struct {
	Name             string  `json:"name"`
	Kind             string  `json:"kind"`
	Counts           string  `json:"counts"`
	Why              string  `json:"why"`
	HardwareFLOP     float64 `json:"hardware_flop,omitempty"`
	ArchitectureFLOP float64 `json:"architecture_flop,omitempty"`
	StatedFLOP       float64 `json:"stated_flop,omitempty"`
	FLOP             float64 `json:"flop"`
	Method           string  `json:"method"` // hardware, architecture or stated
	// Disagreement is |hardware - architecture| / chosen, when both exist.
	Disagreement float64 `json:"disagreement,omitempty"`
}

// MaxEstimateError is the error margin the Guidelines allow an estimate
// (Annex A.2: 30% of the reported figure).
const MaxEstimateError = 0.30

// Estimate computes training and cumulative training compute from in.
// params is the model's parameter count, used when a stage's architecture
// omits it. Problems are returned for inputs that cannot be used (an
// unknown accelerator, a period without a duration); field paths are
// relative to gpai.yaml.
func (in *ComputeInputs) Estimate(params float64, table *AcceleratorTable) (*ComputeEstimate, Problems) {
	if table == nil {
		table = NewAcceleratorTable(in.Accelerators...)
	}
	est := &ComputeEstimate{}
	var probs Problems
	for i, st := range in.Stages {
		field := fmt.Sprintf("compute.stages[%d]", i)
		kind, ok := LookupStageKind(st.Kind)
		if !ok {
			probs = append(probs, Problem{Field: field + ".kind", Message: fmt.Sprintf("unknown stage kind %q", st.Kind), Fix: "use one of " + stageKindList()})
			continue
		}
		se := StageEstimate{Name: st.Name, Kind: st.Kind, Counts: kind.Counts, Why: kind.Why}
		for j, hp := range st.Hardware {
			f, p := hp.FLOP(table)
			if p != nil {
				p.Field = fmt.Sprintf("%s.hardware[%d]%s", field, j, p.Field)
				probs = append(probs, *p)
				continue
			}
			se.HardwareFLOP += f
		}
		if a := st.Architecture; a != nil {
			f, p := a.FLOP(params)
			if p != nil {
				p.Field = field + ".architecture" + p.Field
				probs = append(probs, *p)
			} else {
				se.ArchitectureFLOP = f
			}
		}
		if st.FLOP != nil {
			se.StatedFLOP = *st.FLOP
		}
		switch {
		case se.HardwareFLOP > 0 && se.ArchitectureFLOP > 0:
			switch in.Prefer {
			case "hardware":
				se.FLOP, se.Method = se.HardwareFLOP, "hardware"
			case "architecture":
				se.FLOP, se.Method = se.ArchitectureFLOP, "architecture"
			default:
				se.FLOP, se.Method = se.HardwareFLOP, "hardware"
				if se.ArchitectureFLOP > se.HardwareFLOP {
					se.FLOP, se.Method = se.ArchitectureFLOP, "architecture"
				}
			}
			se.Disagreement = math.Abs(se.HardwareFLOP-se.ArchitectureFLOP) / se.FLOP
			if se.Disagreement > MaxEstimateError {
				est.Notes = append(est.Notes, Problem{
					Field: field,
					Message: fmt.Sprintf("the hardware-based estimate (%s FLOP) and the architecture-based estimate (%s FLOP) differ by %.0f%%, more than the 30%% error margin the Guidelines allow (Annex A.2); %s is used",
						FormatFLOP(se.HardwareFLOP, 3), FormatFLOP(se.ArchitectureFLOP, 3), 100*se.Disagreement, se.Method),
					Fix: "check the utilisation, the accelerator's precision and the token count, and document the method and its uncertainties",
				})
			}
		case se.HardwareFLOP > 0:
			se.FLOP, se.Method = se.HardwareFLOP, "hardware"
		case se.ArchitectureFLOP > 0:
			se.FLOP, se.Method = se.ArchitectureFLOP, "architecture"
		case st.FLOP != nil:
			se.FLOP, se.Method = se.StatedFLOP, "stated"
		default:
			if len(st.Hardware) == 0 && st.Architecture == nil {
				probs = append(probs, Problem{Field: field, Message: "the stage gives no way to estimate its compute", Fix: "add hardware periods, architecture inputs (parameters and tokens), or a stated flop figure"})
			}
			continue
		}
		if st.FLOP != nil && se.Method != "stated" && se.StatedFLOP > 0 {
			if d := math.Abs(se.StatedFLOP-se.FLOP) / se.FLOP; d > MaxEstimateError {
				est.Notes = append(est.Notes, Problem{
					Field:   field + ".flop",
					Message: fmt.Sprintf("the stated figure %s FLOP differs by %.0f%% from the %s-based estimate %s FLOP", FormatFLOP(se.StatedFLOP, 3), 100*d, se.Method, FormatFLOP(se.FLOP, 3)),
					Fix:     "correct the stated figure or the inputs; the estimate must be within 30% (Guidelines A.2)",
				})
			}
		}
		switch kind.Counts {
		case CountTraining:
			est.TrainingFLOP += se.FLOP
			est.CumulativeFLOP += se.FLOP
		case CountCumulative:
			est.CumulativeFLOP += se.FLOP
		}
		est.Stages = append(est.Stages, se)
	}
	return est, probs
}

func stageKindList() string {
	var names []string
	for _, k := range StageKinds {
		names = append(names, k.Kind)
	}
	return strings.Join(names, ", ")
}

// FLOP returns N·L·H·U for the period. The returned problem's Field is
// relative to the period.
func (hp HardwarePeriod) FLOP(table *AcceleratorTable) (float64, *Problem) {
	var unitSeconds float64
	durations := 0
	for _, d := range []float64{hp.Hours, hp.Days, hp.Seconds} {
		if d > 0 {
			durations++
		}
	}
	switch {
	case hp.GPUHours > 0 && (durations > 0 || hp.Units > 0):
		return 0, &Problem{Message: "gpu_hours already is units × duration", Fix: "give either gpu_hours, or units with one of hours, days or seconds"}
	case hp.GPUHours > 0:
		unitSeconds = hp.GPUHours * 3600
	case durations != 1:
		return 0, &Problem{Message: "a hardware period needs exactly one duration", Fix: "give one of hours, days or seconds (wall-clock time per unit), or gpu_hours"}
	case hp.Units <= 0:
		return 0, &Problem{Field: ".units", Message: "the number of units is missing", Fix: "set units to the number of accelerators used in this period"}
	default:
		unitSeconds = hp.Units * (hp.Hours*3600 + hp.Days*86400 + hp.Seconds)
	}
	peak := hp.PeakFLOPS
	if peak == 0 {
		if hp.Accelerator == "" {
			return 0, &Problem{Message: "neither accelerator nor peak_flops is given", Fix: "name the accelerator (see gpai compute --list-accelerators) or give peak_flops per unit"}
		}
		a, ok := table.Lookup(hp.Accelerator)
		if !ok {
			return 0, &Problem{Field: ".accelerator", Message: fmt.Sprintf("unknown accelerator %q", hp.Accelerator), Fix: "use a name from gpai compute --list-accelerators, or give peak_flops"}
		}
		prec := hp.Precision
		if prec == "" {
			prec = "bf16"
		}
		peak, ok = a.Peak[strings.ToLower(prec)]
		if !ok {
			return 0, &Problem{Field: ".precision", Message: fmt.Sprintf("%s has no published peak for precision %q", a.Name, prec), Fix: "use one of " + strings.Join(sortedKeys(a.Peak), ", ") + ", or give peak_flops"}
		}
	}
	if hp.Utilisation <= 0 || hp.Utilisation > 1 {
		return 0, &Problem{Field: ".utilisation", Message: "utilisation must be a fraction above 0 and at most 1", Fix: "give the average utilisation, e.g. 0.4 for 40% model FLOP utilisation"}
	}
	return unitSeconds * peak * hp.Utilisation, nil
}

// FLOP returns the architecture-based estimate. The returned problem's
// Field is relative to the architecture section.
func (a ArchitectureInputs) FLOP(modelParams float64) (float64, *Problem) {
	if a.Passes > 0 || a.FLOPPerPass > 0 {
		if a.Passes <= 0 || a.FLOPPerPass <= 0 {
			return 0, &Problem{Message: "the general method needs both passes and flop_per_pass", Fix: "give the number of full passes (forward and backward) and the operations of one"}
		}
		return a.Passes * a.FLOPPerPass, nil
	}
	p := a.ActiveParameters
	if p == 0 {
		p = a.Parameters
	}
	if p == 0 {
		p = modelParams
	}
	if p <= 0 {
		return 0, &Problem{Field: ".parameters", Message: "the parameter count is missing", Fix: "set architecture.parameters or model.parameters"}
	}
	if a.Tokens <= 0 {
		return 0, &Problem{Field: ".tokens", Message: "the number of training tokens is missing", Fix: "set architecture.tokens (D in 6·P·D)"}
	}
	epochs := a.Epochs
	if epochs == 0 {
		epochs = 1
	}
	return 6 * p * a.Tokens * epochs, nil
}

// RoundSig rounds v to n significant figures.
func RoundSig(v float64, n int) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', n-1, 64), 64)
	return f
}

// FormatFLOP formats v with n significant figures in scientific notation
// as the Guidelines write it for a notification: "2.3e25".
func FormatFLOP(v float64, n int) string {
	if n < 1 {
		n = 1
	}
	s := strconv.FormatFloat(v, 'e', n-1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	exp = strings.TrimPrefix(exp, "+")
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(strings.TrimPrefix(exp, "-"), "0")
	if exp == "" {
		exp = "0"
	}
	if neg {
		exp = "-" + exp
	}
	return mant + "e" + exp
}

func sortedKeys(m map[string]float64) []string {
	var out []string
	for _, p := range Precisions {
		if _, ok := m[p]; ok {
			out = append(out, p)
		}
	}
	return out
}
