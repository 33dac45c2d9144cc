package gpai_test

import (
	"math"
	"testing"

	"github.com/gpai-project/gpai"
)

// The eight worked examples of the Guidelines, Annex A.3 (regulation.md
// §2.9): exact products of the published inputs, and the published figures
// to within 5% (B is published as "about 10^23", so the midpoint of 1.0 and
// the exact 1.08 stands in for it).
func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		name       string
		stage      gpai.Stage
		exact      float64
		published  []float64
		gpaiResult bool
	}{
		{"A 6PD", arch(3.8e9, 3.3e12, 0), 7.524e22, []float64{7.5e22}, false},
		{"B hardware A100", hw(gpai.HardwarePeriod{GPUHours: 200000, PeakFLOPS: 300e12, Utilisation: 0.5}), 1.08e23, []float64{1.05e23}, true},
		{"C 6PD", arch(0.6e9, 36e12, 0), 1.296e23, []float64{1.3e23}, true},
		{"D 6PD", arch(1.54e9, 18e12, 0), 1.6632e23, []float64{1.6e23, 1.663e23}, true},
		{"E 6PD", arch(1.7e9, 36e12, 0), 3.672e23, []float64{3.7e23}, true},
		{"F 6PD", arch(2.5e9, 12e12, 0), 1.8e23, []float64{1.8e23}, true},
		{"G 6PD with epochs", arch(2.6e9, 61e9, 164), 1.560624e23, []float64{1.5e23}, true},
		{"H hardware H100 table", hw(gpai.HardwarePeriod{GPUHours: 370000, Accelerator: "nvidia-h100-sxm", Precision: "bf16", Utilisation: 0.5}), 370000 * 3600 * 989.4e12 * 0.5, []float64{6.5e23}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := gpai.ComputeInputs{Stages: []gpai.Stage{tt.stage}}
			est, probs := in.Estimate(0, nil)
			if len(probs) > 0 {
				t.Fatalf("Estimate: %v", probs)
			}
			if rel(est.TrainingFLOP, tt.exact) > 1e-9 {
				t.Errorf("TrainingFLOP = %g, want exactly %g", est.TrainingFLOP, tt.exact)
			}
			ok := false
			for _, p := range tt.published {
				ok = ok || rel(est.TrainingFLOP, p) <= 0.05
			}
			if !ok {
				t.Errorf("TrainingFLOP = %g, want within 5%% of the published %v", est.TrainingFLOP, tt.published)
			}
			if got := est.TrainingFLOP > 1e23; got != tt.gpaiResult {
				t.Errorf("above 1e23 = %t, want %t", got, tt.gpaiResult)
			}
		})
	}
}

func rel(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }

func arch(p, d, epochs float64) gpai.Stage {
	return gpai.Stage{Name: "training", Kind: "pre-training", Architecture: &gpai.ArchitectureInputs{Parameters: p, Tokens: d, Epochs: epochs}}
}

func hw(p gpai.HardwarePeriod) gpai.Stage {
	return gpai.Stage{Name: "training", Kind: "pre-training", Hardware: []gpai.HardwarePeriod{p}}
}

func TestEstimateCounting(t *testing.T) {
	flop := func(f float64) *float64 { return &f }
	in := gpai.ComputeInputs{Stages: []gpai.Stage{
		{Name: "pre", Kind: "pre-training", FLOP: flop(1e24)},
		{Name: "sft", Kind: "fine-tuning", FLOP: flop(1e22)},
		{Name: "synthetic", Kind: "synthetic-data", FLOP: flop(2e23)},
		{Name: "merge", Kind: "merged-weights", FLOP: flop(3e22)},
		{Name: "public synthetic", Kind: "public-synthetic-data", FLOP: flop(5e23)},
		{Name: "evals", Kind: "evaluation", FLOP: flop(1e23)},
		{Name: "teacher", Kind: "teacher", FLOP: flop(9e24)},
		{Name: "rm", Kind: "reward-model", FLOP: flop(1e23)},
		{Name: "recompute", Kind: "recomputation", FLOP: flop(3e23)},
	}}
	est, probs := in.Estimate(0, nil)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if want := 1e24 + 1e22; est.TrainingFLOP != want {
		t.Errorf("TrainingFLOP = %g, want %g (parameter updates only)", est.TrainingFLOP, want)
	}
	if want := 1e24 + 1e22 + 2e23 + 3e22; rel(est.CumulativeFLOP, want) > 1e-12 {
		t.Errorf("CumulativeFLOP = %g, want %g (plus non-public synthetic data and merged weights)", est.CumulativeFLOP, want)
	}
}

func TestEstimateHardwarePeriodsSum(t *testing.T) {
	in := gpai.ComputeInputs{Stages: []gpai.Stage{{Name: "pre", Kind: "pre-training", Hardware: []gpai.HardwarePeriod{
		{Units: 1000, Hours: 100, PeakFLOPS: 1e15, Utilisation: 0.5},
		{Units: 2000, Days: 10, PeakFLOPS: 1e15, Utilisation: 0.4},
		{Units: 10, Seconds: 3600, Accelerator: "A100", Precision: "tf32", Utilisation: 1},
	}}}}
	est, probs := in.Estimate(0, nil)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	want := 1000*100*3600*1e15*0.5 + 2000*10*86400*1e15*0.4 + 10*3600*156e12
	if rel(est.TrainingFLOP, want) > 1e-12 {
		t.Errorf("TrainingFLOP = %g, want %g", est.TrainingFLOP, want)
	}
}

func TestEstimateDisagreement(t *testing.T) {
	st := gpai.Stage{Name: "pre", Kind: "pre-training",
		Architecture: &gpai.ArchitectureInputs{Parameters: 7e9, Tokens: 2e12},                      // 8.4e22
		Hardware:     []gpai.HardwarePeriod{{GPUHours: 100000, PeakFLOPS: 1e15, Utilisation: 0.4}}} // 1.44e23
	for _, tt := range []struct {
		prefer, method string
		want           float64
	}{{"", "hardware", 1.44e23}, {"larger", "hardware", 1.44e23}, {"architecture", "architecture", 8.4e22}, {"hardware", "hardware", 1.44e23}} {
		in := gpai.ComputeInputs{Prefer: tt.prefer, Stages: []gpai.Stage{st}}
		est, _ := in.Estimate(0, nil)
		if est.Stages[0].Method != tt.method || rel(est.TrainingFLOP, tt.want) > 1e-12 {
			t.Errorf("prefer %q: %s %g, want %s %g", tt.prefer, est.Stages[0].Method, est.TrainingFLOP, tt.method, tt.want)
		}
		if len(est.Notes) != 1 {
			t.Errorf("prefer %q: %d notes, want one for a disagreement above 30%%", tt.prefer, len(est.Notes))
		}
	}
	// Within 30%: no note.
	st.Hardware[0].GPUHours = 70000 // 1.008e23 vs 8.4e22: 16.7%
	in := gpai.ComputeInputs{Stages: []gpai.Stage{st}}
	if est, _ := in.Estimate(0, nil); len(est.Notes) != 0 {
		t.Errorf("notes = %v, want none within the 30%% margin", est.Notes)
	}
}

func TestEstimateProblems(t *testing.T) {
	tests := []struct {
		name  string
		stage gpai.Stage
		field string
	}{
		{"unknown accelerator", hw(gpai.HardwarePeriod{Units: 8, Hours: 1, Accelerator: "h1000", Utilisation: 0.5}), "compute.stages[0].hardware[0].accelerator"},
		{"precision without figure", hw(gpai.HardwarePeriod{Units: 8, Hours: 1, Accelerator: "tpu-v4", Precision: "fp8", Utilisation: 0.5}), "compute.stages[0].hardware[0].precision"},
		{"two durations", hw(gpai.HardwarePeriod{Units: 8, Hours: 1, Days: 1, PeakFLOPS: 1e15, Utilisation: 0.5}), "compute.stages[0].hardware[0]"},
		{"gpu hours and units", hw(gpai.HardwarePeriod{Units: 8, GPUHours: 1, PeakFLOPS: 1e15, Utilisation: 0.5}), "compute.stages[0].hardware[0]"},
		{"no tokens", gpai.Stage{Name: "x", Kind: "pre-training", Architecture: &gpai.ArchitectureInputs{Parameters: 1e9}}, "compute.stages[0].architecture.tokens"},
		{"unknown kind", gpai.Stage{Name: "x", Kind: "magic"}, "compute.stages[0].kind"},
		{"nothing to estimate", gpai.Stage{Name: "x", Kind: "pre-training"}, "compute.stages[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := gpai.ComputeInputs{Stages: []gpai.Stage{tt.stage}}
			_, probs := in.Estimate(0, nil)
			if len(probs) != 1 || probs[0].Field != tt.field || probs[0].Fix == "" {
				t.Errorf("problems = %+v, want one at %s with a fix", probs, tt.field)
			}
		})
	}
}

func TestFormatFLOP(t *testing.T) {
	tests := []struct {
		v    float64
		n    int
		want string
	}{
		{7.524e22, 2, "7.5e22"}, {1.6632e23, 2, "1.7e23"}, {2.3e25, 2, "2.3e25"}, {1e25, 2, "1.0e25"},
		{9.96e24, 2, "1.0e25"}, {3.3333e24, 2, "3.3e24"}, {1.23456e-3, 3, "1.23e-3"}, {0, 2, "0.0e0"},
	}
	for _, tt := range tests {
		if got := gpai.FormatFLOP(tt.v, tt.n); got != tt.want {
			t.Errorf("FormatFLOP(%g, %d) = %q, want %q", tt.v, tt.n, got, tt.want)
		}
	}
	if got := gpai.RoundSig(1.6632e23, 2); got != 1.7e23 {
		t.Errorf("RoundSig(1.6632e23, 2) = %g, want 1.7e23", got)
	}
}

func TestAcceleratorTable(t *testing.T) {
	tab := gpai.NewAcceleratorTable(gpai.Accelerator{ID: "nvidia-h100-sxm", Name: "override", Peak: map[string]float64{"bf16": 1e15}, Source: "test"})
	for _, name := range []string{"H100", "h100_sxm5", "NVIDIA-H100-SXM"} {
		a, ok := tab.Lookup(name)
		if !ok || a.Peak["bf16"] != 1e15 {
			t.Errorf("Lookup(%q) = %v, %t; want the override", name, a, ok)
		}
	}
	for _, a := range gpai.Accelerators {
		if a.Source == "" || len(a.Peak) == 0 {
			t.Errorf("accelerator %s lacks a source or figures", a.ID)
		}
	}
}
