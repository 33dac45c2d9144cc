package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
)

type computeFlags struct {
	params, active, tokens, epochs, passes, perPass     float64
	gpus, hours, days, seconds, gpuHours, peak, utilise float64
	gpuType, precision, prefer, format                  string
	list                                                bool
}

type computeResult struct {
	TrainingFLOP     float64            `json:"training_flop"`
	Rounded          string             `json:"training_flop_2sf"`
	Method           string             `json:"method"`
	ArchitectureFLOP float64            `json:"architecture_flop,omitempty"`
	HardwareFLOP     float64            `json:"hardware_flop,omitempty"`
	Disagreement     float64            `json:"disagreement,omitempty"`
	Notes            []string           `json:"notes,omitempty"`
	Thresholds       []computeThreshold `json:"thresholds"`
}

type computeThreshold struct {
	Name      string  `json:"name"`
	FLOP      float64 `json:"flop"`
	Exceeded  bool    `json:"exceeded"`
	Citation  string  `json:"citation"`
	Condition string  `json:"condition"`
}

func (m *Main) computeCommand() *cobra.Command {
	var f computeFlags
	c := &cobra.Command{
		Use:   "compute",
		Short: "Estimate training compute from parameters and tokens, or from hardware",
		Long: `compute estimates training compute the two ways the Commission's Guidelines
describe (Annex A.2) and compares it with the AI Act's thresholds.

Architecture-based: 6 · P · D for dense transformers (P parameters, or the
active parameters of a mixture-of-experts model; D training tokens, times
--epochs), or --passes times --flop-per-pass in general.

Hardware-based: N · L · H · U, with N units (--gpus), L seconds of use per
unit (--hours, --days or --seconds; or --gpu-hours for N · L at once), H the
unit's peak dense FLOP/s at the precision used (--gpu-type and --precision,
from the bundled table, or --peak-flops) and U the average utilisation.

When both are given the larger counts, unless --prefer says otherwise, and
a difference above the Guidelines' 30% error margin is reported. Figures
are also given to two significant figures, as a notification states them.`,
		Example: `  gpai compute --params 3.8e9 --tokens 3.3e12
  gpai compute --gpu-hours 200000 --peak-flops 3e14 --utilisation 0.5
  gpai compute --gpus 1024 --days 30 --gpu-type h100 --precision bf16 --utilisation 0.4 --format json
  gpai compute --list-accelerators`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkFormat(f.format, "text", "json"); err != nil {
				return err
			}
			table := gpai.NewAcceleratorTable()
			if f.list {
				return listAccelerators(c, table, f.format)
			}
			res, err := f.estimate(c, table)
			if err != nil {
				return err
			}
			if f.format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "training compute: %s FLOP (%s; %s-based)\n", res.Rounded, gpai.FormatFLOP(res.TrainingFLOP, 4), res.Method)
			if res.ArchitectureFLOP > 0 && res.HardwareFLOP > 0 {
				fmt.Fprintf(w, "  architecture-based %s FLOP, hardware-based %s FLOP, difference %.0f%%\n", gpai.FormatFLOP(res.ArchitectureFLOP, 3), gpai.FormatFLOP(res.HardwareFLOP, 3), 100*res.Disagreement)
			}
			for _, n := range res.Notes {
				fmt.Fprintf(w, "  note: %s\n", n)
			}
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			for _, t := range res.Thresholds {
				fmt.Fprintf(tw, "  %s\t> %s FLOP\t%s\t%s\n", t.Name, gpai.FormatFLOP(t.FLOP, 2), yesNo(t.Exceeded), t.Citation)
			}
			return tw.Flush()
		},
	}
	fl := c.Flags()
	fl.Float64Var(&f.params, "params", 0, "parameters P")
	fl.Float64Var(&f.active, "active-params", 0, "active parameters per token, for mixture-of-experts models")
	fl.Float64Var(&f.tokens, "tokens", 0, "training tokens D")
	fl.Float64Var(&f.epochs, "epochs", 0, "passes over the tokens (multiplies D; default 1)")
	fl.Float64Var(&f.passes, "passes", 0, "full forward and backward passes, for the general method")
	fl.Float64Var(&f.perPass, "flop-per-pass", 0, "operations per full pass, for the general method")
	fl.Float64Var(&f.gpus, "gpus", 0, "number of accelerators N")
	fl.Float64Var(&f.hours, "hours", 0, "wall-clock hours of use per accelerator")
	fl.Float64Var(&f.days, "days", 0, "wall-clock days of use per accelerator")
	fl.Float64Var(&f.seconds, "seconds", 0, "wall-clock seconds of use per accelerator")
	fl.Float64Var(&f.gpuHours, "gpu-hours", 0, "accelerator-hours in total (N · L), instead of --gpus and a duration")
	fl.StringVar(&f.gpuType, "gpu-type", "", "accelerator from the bundled table (see --list-accelerators)")
	fl.StringVar(&f.precision, "precision", "bf16", "numeric precision of training: fp32, tf32, bf16, fp16, fp8, ...")
	fl.Float64Var(&f.peak, "peak-flops", 0, "peak FLOP/s per accelerator, instead of --gpu-type")
	fl.Float64Var(&f.utilise, "utilisation", 0, "average utilisation, a fraction such as 0.4")
	fl.Float64Var(&f.utilise, "utilization", 0, "alias of --utilisation")
	fl.StringVar(&f.prefer, "prefer", "larger", "which estimate counts when both are given: larger, hardware or architecture")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.BoolVar(&f.list, "list-accelerators", false, "list the bundled accelerators and their peak FLOP/s")
	return c
}

func (f *computeFlags) estimate(c *cobra.Command, table *gpai.AcceleratorTable) (*computeResult, error) {
	bad := func(format string, args ...any) error {
		return &usageError{err: fmt.Errorf(format, args...), hint: "gpai compute --params 3.8e9 --tokens 3.3e12"}
	}
	for name, v := range map[string]float64{"params": f.params, "active-params": f.active, "tokens": f.tokens, "epochs": f.epochs,
		"passes": f.passes, "flop-per-pass": f.perPass, "gpus": f.gpus, "hours": f.hours, "days": f.days, "seconds": f.seconds,
		"gpu-hours": f.gpuHours, "peak-flops": f.peak, "utilisation": f.utilise} {
		if v < 0 || v != v || v > 1e30 {
			return nil, bad("--%s must be a positive number, not %g", name, v)
		}
	}
	if f.prefer != "larger" && f.prefer != "hardware" && f.prefer != "architecture" {
		return nil, bad("--prefer must be larger, hardware or architecture")
	}
	arch := f.params > 0 || f.active > 0 || f.tokens > 0 || f.passes > 0 || f.perPass > 0
	hw := f.gpus > 0 || f.hours > 0 || f.days > 0 || f.seconds > 0 || f.gpuHours > 0 || f.gpuType != "" || f.peak > 0 || f.utilise > 0
	if !arch && !hw {
		return nil, bad("give --params and --tokens, or hardware (--gpus, --hours, --gpu-type, --utilisation)")
	}
	st := gpai.Stage{Name: "training", Kind: "pre-training"}
	if arch {
		st.Architecture = &gpai.ArchitectureInputs{Parameters: f.params, ActiveParameters: f.active, Tokens: f.tokens, Epochs: f.epochs, Passes: f.passes, FLOPPerPass: f.perPass}
	}
	if hw {
		if f.utilise == 0 {
			return nil, bad("--utilisation is needed for the hardware-based estimate (the Guidelines' examples use 0.5 when nothing better is known)")
		}
		st.Hardware = []gpai.HardwarePeriod{{Units: f.gpus, Hours: f.hours, Days: f.days, Seconds: f.seconds, GPUHours: f.gpuHours,
			Accelerator: f.gpuType, Precision: f.precision, PeakFLOPS: f.peak, Utilisation: f.utilise}}
	}
	in := gpai.ComputeInputs{Prefer: f.prefer, Stages: []gpai.Stage{st}}
	est, probs := in.Estimate(0, table)
	if len(probs) > 0 {
		p := probs[0]
		msg := p.Message
		if p.Fix != "" {
			msg += " (" + p.Fix + ")"
		}
		return nil, bad("%s", msg)
	}
	se := est.Stages[0]
	res := &computeResult{TrainingFLOP: se.FLOP, Rounded: gpai.FormatFLOP(se.FLOP, 2), Method: se.Method,
		ArchitectureFLOP: se.ArchitectureFLOP, HardwareFLOP: se.HardwareFLOP, Disagreement: se.Disagreement}
	for _, n := range est.Notes {
		res.Notes = append(res.Notes, n.Message)
	}
	v := se.FLOP
	res.Thresholds = []computeThreshold{
		{Name: "GPAI indicative criterion", FLOP: 1e23, Exceeded: v > 1e23, Citation: "Guidelines §2.1", Condition: "and the model generates language, text-to-image or text-to-video"},
		{Name: "systemic-risk presumption", FLOP: 1e25, Exceeded: v > 1e25, Citation: "AI Act Art 51(2)", Condition: "cumulative training compute"},
		{Name: "modification of a GPAI model (original unknown)", FLOP: 1e23 / 3, Exceeded: 3*v > 1e23, Citation: "Guidelines §3.2", Condition: "compute of the modification"},
		{Name: "modification of a systemic-risk model (original unknown)", FLOP: 1e25 / 3, Exceeded: 3*v > 1e25, Citation: "Guidelines §3.2", Condition: "compute of the modification"},
	}
	return res, nil
}

func listAccelerators(c *cobra.Command, table *gpai.AcceleratorTable, format string) error {
	if format == "json" {
		enc := json.NewEncoder(c.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(table.List())
	}
	tw := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tNAME\t")
	for _, p := range gpai.Precisions {
		fmt.Fprintf(tw, "%s\t", p)
	}
	fmt.Fprintln(tw)
	for _, a := range table.List() {
		fmt.Fprintf(tw, "%s\t%s\t", a.ID, a.Name)
		for _, p := range gpai.Precisions {
			if v, ok := a.Peak[p]; ok {
				fmt.Fprintf(tw, "%s\t", gpai.FormatFLOP(v, 4))
			} else {
				fmt.Fprintf(tw, "-\t")
			}
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(c.OutOrStdout(), "\nPeak dense FLOP/s per unit (integer formats in OP/s), from the makers' datasheets; see --format json for each source.")
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
