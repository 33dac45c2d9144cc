package gpai

import (
	"sort"
	"strings"
)

// An Accelerator is a kind of training hardware unit with its peak
// theoretical dense throughput per numeric precision, in FLOP/s (or OP/s
// for integer formats), as its maker publishes it. Sparsity-accelerated
// figures are never used: the Guidelines ask for peak theoretical
// performance, and training is dense.
type Accelerator struct {
	ID      string             `json:"id"`
	Name    string             `json:"name"`
	Aliases []string           `json:"aliases,omitempty"`
	Peak    map[string]float64 `json:"peak_flops"` // by precision: fp64, fp32, tf32, bf16, fp16, fp8, int8, fp4
	Source  string             `json:"source"`
}

// Precisions lists the precision names an Accelerator's Peak may use.
var Precisions = []string{"fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"}

// Accelerators is the bundled table of peak dense throughput. A dossier or
// a flag may override any entry or add new ones.
var Accelerators = []Accelerator{
	{ID: "nvidia-v100-sxm2", Name: "NVIDIA V100 SXM2", Aliases: []string{"v100"},
		Peak:   map[string]float64{"fp64": 7.8e12, "fp32": 15.7e12, "fp16": 125e12},
		Source: "NVIDIA Tesla V100 datasheet (SXM2: FP64 7.8, FP32 15.7, tensor 125 TFLOPS)"},
	{ID: "nvidia-a100-sxm", Name: "NVIDIA A100 SXM (40 GB and 80 GB)", Aliases: []string{"a100", "a100-40gb", "a100-80gb", "a100-sxm4"},
		Peak:   map[string]float64{"fp64": 19.5e12, "fp32": 19.5e12, "tf32": 156e12, "bf16": 312e12, "fp16": 312e12, "int8": 624e12},
		Source: "NVIDIA A100 Tensor Core GPU datasheet, dense figures (sparsity doubles them)"},
	{ID: "nvidia-a100-pcie", Name: "NVIDIA A100 PCIe",
		Peak:   map[string]float64{"fp64": 19.5e12, "fp32": 19.5e12, "tf32": 156e12, "bf16": 312e12, "fp16": 312e12, "int8": 624e12},
		Source: "NVIDIA A100 Tensor Core GPU datasheet, dense figures"},
	{ID: "nvidia-h100-sxm", Name: "NVIDIA H100 SXM (80 GB)", Aliases: []string{"h100", "h100-80gb", "h100-sxm5"},
		Peak:   map[string]float64{"fp64": 67e12, "fp32": 67e12, "tf32": 494.7e12, "bf16": 989.4e12, "fp16": 989.4e12, "fp8": 1978.9e12, "int8": 1978.9e12},
		Source: "NVIDIA H100 Tensor Core GPU datasheet, SXM, dense figures (the datasheet's headline figures are with sparsity, twice these); the Guidelines' example H uses 989 TFLOP/s"},
	{ID: "nvidia-h100-pcie", Name: "NVIDIA H100 PCIe",
		Peak:   map[string]float64{"fp64": 51e12, "fp32": 51e12, "tf32": 378e12, "bf16": 756e12, "fp16": 756e12, "fp8": 1513e12, "int8": 1513e12},
		Source: "NVIDIA H100 Tensor Core GPU datasheet, PCIe, dense figures"},
	{ID: "nvidia-h200-sxm", Name: "NVIDIA H200 SXM", Aliases: []string{"h200"},
		Peak:   map[string]float64{"fp64": 67e12, "fp32": 67e12, "tf32": 494.7e12, "bf16": 989.4e12, "fp16": 989.4e12, "fp8": 1978.9e12, "int8": 1978.9e12},
		Source: "NVIDIA H200 Tensor Core GPU datasheet, SXM, dense figures"},
	{ID: "nvidia-b200", Name: "NVIDIA B200 (HGX)", Aliases: []string{"b200"},
		Peak:   map[string]float64{"fp64": 37e12, "fp32": 75e12, "tf32": 1.1e15, "bf16": 2.25e15, "fp16": 2.25e15, "fp8": 4.5e15, "int8": 4.5e15, "fp4": 9e15},
		Source: "NVIDIA HGX B200 specifications per GPU, dense figures (half the sparse figures)"},
	{ID: "nvidia-gb200", Name: "NVIDIA GB200 (per Blackwell GPU)", Aliases: []string{"gb200"},
		Peak:   map[string]float64{"fp64": 40e12, "fp32": 80e12, "tf32": 1.25e15, "bf16": 2.5e15, "fp16": 2.5e15, "fp8": 5e15, "int8": 5e15, "fp4": 10e15},
		Source: "NVIDIA GB200 NVL72 specifications divided by 72 GPUs, dense figures"},
	{ID: "nvidia-l40s", Name: "NVIDIA L40S", Aliases: []string{"l40s"},
		Peak:   map[string]float64{"fp32": 91.6e12, "tf32": 183e12, "bf16": 362.05e12, "fp16": 362.05e12, "fp8": 733e12, "int8": 733e12},
		Source: "NVIDIA L40S datasheet, dense figures"},
	{ID: "amd-mi250x", Name: "AMD Instinct MI250X", Aliases: []string{"mi250x"},
		Peak:   map[string]float64{"fp64": 95.7e12, "fp32": 95.7e12, "bf16": 383e12, "fp16": 383e12, "int8": 383e12},
		Source: "AMD Instinct MI250X data sheet (matrix figures)"},
	{ID: "amd-mi300x", Name: "AMD Instinct MI300X", Aliases: []string{"mi300x"},
		Peak:   map[string]float64{"fp64": 163.4e12, "fp32": 163.4e12, "tf32": 653.7e12, "bf16": 1307.4e12, "fp16": 1307.4e12, "fp8": 2614.9e12, "int8": 2614.9e12},
		Source: "AMD Instinct MI300X data sheet, dense matrix figures"},
	{ID: "amd-mi325x", Name: "AMD Instinct MI325X", Aliases: []string{"mi325x"},
		Peak:   map[string]float64{"fp64": 163.4e12, "fp32": 163.4e12, "tf32": 653.7e12, "bf16": 1307.4e12, "fp16": 1307.4e12, "fp8": 2614.9e12, "int8": 2614.9e12},
		Source: "AMD Instinct MI325X data sheet, dense matrix figures"},
	{ID: "google-tpu-v4", Name: "Google Cloud TPU v4", Aliases: []string{"tpu-v4", "tpuv4"},
		Peak:   map[string]float64{"bf16": 275e12, "int8": 275e12},
		Source: "Google Cloud TPU v4 documentation (275 TFLOPS bf16 per chip)"},
	{ID: "google-tpu-v5e", Name: "Google Cloud TPU v5e", Aliases: []string{"tpu-v5e", "tpuv5e"},
		Peak:   map[string]float64{"bf16": 197e12, "int8": 394e12},
		Source: "Google Cloud TPU v5e documentation (197 TFLOPS bf16, 394 TOPS int8 per chip)"},
	{ID: "google-tpu-v5p", Name: "Google Cloud TPU v5p", Aliases: []string{"tpu-v5p", "tpuv5p"},
		Peak:   map[string]float64{"bf16": 459e12, "int8": 918e12},
		Source: "Google Cloud TPU v5p documentation (459 TFLOPS bf16, 918 TOPS int8 per chip)"},
	{ID: "google-tpu-v6e", Name: "Google Cloud TPU v6e (Trillium)", Aliases: []string{"tpu-v6e", "trillium"},
		Peak:   map[string]float64{"bf16": 918e12, "int8": 1836e12},
		Source: "Google Cloud TPU v6e documentation (918 TFLOPS bf16, 1836 TOPS int8 per chip)"},
}

// An AcceleratorTable finds accelerators by id or alias, case-insensitively.
type AcceleratorTable struct {
	byName map[string]*Accelerator
	list   []Accelerator
}

// NewAcceleratorTable returns a table of the bundled accelerators with the
// given entries added, each replacing a bundled entry of the same id.
func NewAcceleratorTable(overrides ...Accelerator) *AcceleratorTable {
	t := &AcceleratorTable{byName: map[string]*Accelerator{}}
	ids := map[string]int{}
	for _, a := range append(append([]Accelerator(nil), Accelerators...), overrides...) {
		key := normName(a.ID)
		if i, ok := ids[key]; ok {
			if len(a.Aliases) == 0 {
				a.Aliases = t.list[i].Aliases
			}
			t.list[i] = a
			continue
		}
		ids[key] = len(t.list)
		t.list = append(t.list, a)
	}
	for i := range t.list {
		a := &t.list[i]
		t.byName[normName(a.ID)] = a
		for _, al := range a.Aliases {
			t.byName[normName(al)] = a
		}
	}
	return t
}

// Lookup returns the accelerator named name (an id or an alias).
func (t *AcceleratorTable) Lookup(name string) (*Accelerator, bool) {
	a, ok := t.byName[normName(name)]
	return a, ok
}

// Names returns every id and alias, sorted, for suggestions and help.
func (t *AcceleratorTable) Names() []string {
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// List returns the accelerators in table order.
func (t *AcceleratorTable) List() []Accelerator { return t.list }

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "-", "_", "-").Replace(s)
}
