package gpai

import (
	"fmt"
	"sort"
	"strings"
)

// A DocItem is one item of the Model Documentation Form: its number,
// section and title, the recipients it is ticked for, the field of
// documentation.yaml that holds it, the significant figures it demands,
// and how to read its value.
type DocItem struct {
	Number  int
	Section string
	Title   string
	For     []string // AIO, NCA, DP
	Field   string
	SigFigs int  // minimum significant figures of its numbers; 0 when none
	Derived bool // gpai can fill it from other items or from gpai.yaml
	// NAAllowed says the form accepts "N/A" for it.
	NAAllowed bool
	value     func(d *Documentation) ItemValue
}

// ItemValue is an item's answer, ready to render: text, or a table.
type ItemValue struct {
	Text   string     `json:"text,omitempty"`
	Header []string   `json:"header,omitempty"`
	Rows   [][]string `json:"rows,omitempty"`
}

// Empty reports whether the item has no answer.
func (v ItemValue) Empty() bool { return strings.TrimSpace(v.Text) == "" && len(v.Rows) == 0 }

// For reports whether the item is ticked for recipient r ("all" takes every item).
func (it DocItem) IsFor(r string) bool {
	if r == "all" {
		return true
	}
	for _, x := range it.For {
		if x == r {
			return true
		}
	}
	return false
}

// Value returns the item's answer in d.
func (it DocItem) Value(d *Documentation) ItemValue { return it.value(d) }

func text(s string) ItemValue { return ItemValue{Text: s} }

func figure(f *Figure, unit string) ItemValue {
	if f == nil {
		return ItemValue{}
	}
	return text(strings.TrimSpace(f.Scientific() + " " + unit))
}

func dateText(d *Date) ItemValue {
	if d == nil {
		return ItemValue{}
	}
	return text(d.String())
}

func sizes(mods []string, m map[string]string) ItemValue {
	if len(m) == 0 {
		return ItemValue{}
	}
	v := ItemValue{Header: []string{"Modality", "Maximum size"}}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Rows = append(v.Rows, []string{k, m[k]})
	}
	return v
}

func points(p *DataPoints) ItemValue {
	if p == nil {
		return ItemValue{}
	}
	v := ItemValue{Header: []string{"Data", "Size"}}
	for _, r := range []struct {
		name string
		f    *Figure
	}{{"Training", p.Training}, {"Testing", p.Testing}, {"Validation", p.Validation}} {
		if r.f != nil {
			v.Rows = append(v.Rows, []string{r.name, r.f.Scientific() + " " + p.Unit})
		}
	}
	return v
}

const (
	secGeneral      = "General information"
	secProperties   = "Model properties"
	secDistribution = "Methods of distribution and licenses"
	secUse          = "Use"
	secTraining     = "Training process"
	secData         = "Information on the data used for training, testing and validation"
	secCompute      = "Computational resources (during training)"
	secEnergy       = "Energy consumption (during training and inference)"
)

// DocItems lists the 45 items of the Model Documentation Form in order,
// with the recipients ticked for each (regulation.md §3.3, from the
// official form).
var DocItems = []DocItem{
	{Number: 1, Section: secGeneral, Title: "Legal name for the model provider", For: []string{AIO, NCA, DP}, Field: "general.provider_name", Derived: true,
		value: func(d *Documentation) ItemValue { return text(d.General.ProviderName) }},
	{Number: 2, Section: secGeneral, Title: "Model name", For: []string{AIO, NCA, DP}, Field: "general.model_name", Derived: true,
		value: func(d *Documentation) ItemValue {
			s := d.General.ModelName
			if d.General.ModelFamily != "" {
				s += " (family: " + d.General.ModelFamily + ")"
			}
			if len(d.General.Versions) > 0 {
				s += "; versions covered: " + strings.Join(d.General.Versions, ", ")
			}
			return text(s)
		}},
	{Number: 3, Section: secGeneral, Title: "Model authenticity", For: []string{AIO, NCA}, Field: "general.authenticity",
		value: func(d *Documentation) ItemValue { return text(d.General.Authenticity) }},
	{Number: 4, Section: secGeneral, Title: "Release date", For: []string{AIO, NCA, DP}, Field: "general.release_date", Derived: true,
		value: func(d *Documentation) ItemValue { return dateText(d.General.ReleaseDate) }},
	{Number: 5, Section: secGeneral, Title: "Union market release date", For: []string{AIO, NCA, DP}, Field: "general.union_release_date", Derived: true,
		value: func(d *Documentation) ItemValue { return dateText(d.General.UnionReleaseDate) }},
	{Number: 6, Section: secGeneral, Title: "Model dependencies", For: []string{AIO, NCA, DP}, Field: "general.dependencies", Derived: true, NAAllowed: true,
		value: func(d *Documentation) ItemValue {
			l := d.General.Dependencies
			switch {
			case l == nil:
				return ItemValue{}
			case l.Items == nil:
				return text("N/A: " + l.NA)
			}
			return text(strings.Join(l.Items, "; "))
		}},
	{Number: 7, Section: secProperties, Title: "Model architecture", For: []string{AIO, NCA, DP}, Field: "properties.architecture",
		value: func(d *Documentation) ItemValue { return text(d.Properties.Architecture) }},
	{Number: 8, Section: secProperties, Title: "Design specifications of the model", For: []string{AIO, NCA}, Field: "properties.design_specifications",
		value: func(d *Documentation) ItemValue { return text(d.Properties.DesignSpecifications) }},
	{Number: 9, Section: secProperties, Title: "Input modalities", For: []string{AIO, NCA, DP}, Field: "properties.input_modalities", Derived: true,
		value: func(d *Documentation) ItemValue { return text(strings.Join(d.Properties.InputModalities, ", ")) }},
	{Number: 10, Section: secProperties, Title: "Input modalities: maximum size", For: []string{AIO, DP}, Field: "properties.input_max_size", NAAllowed: true,
		value: func(d *Documentation) ItemValue {
			return sizes(d.Properties.InputModalities, d.Properties.InputMaxSize)
		}},
	{Number: 11, Section: secProperties, Title: "Output modalities", For: []string{AIO, NCA, DP}, Field: "properties.output_modalities", Derived: true,
		value: func(d *Documentation) ItemValue { return text(strings.Join(d.Properties.OutputModalities, ", ")) }},
	{Number: 12, Section: secProperties, Title: "Output modalities: maximum size", For: []string{DP}, Field: "properties.output_max_size", NAAllowed: true,
		value: func(d *Documentation) ItemValue {
			return sizes(d.Properties.OutputModalities, d.Properties.OutputMaxSize)
		}},
	{Number: 13, Section: secProperties, Title: "Total model size (precise)", For: []string{AIO}, Field: "properties.parameters", SigFigs: 2, Derived: true,
		value: func(d *Documentation) ItemValue { return figure(d.Properties.Parameters, "parameters") }},
	{Number: 14, Section: secProperties, Title: "Total model size (range)", For: []string{NCA, DP}, Field: "properties.parameter_range", Derived: true,
		value: func(d *Documentation) ItemValue {
			if d.Properties.ParameterRange == "" {
				return ItemValue{}
			}
			return text(d.Properties.ParameterRange + " parameters")
		}},
	{Number: 15, Section: secDistribution, Title: "Distribution channels (for the AI Office and national authorities)", For: []string{AIO, NCA}, Field: "distribution.channels",
		value: func(d *Documentation) ItemValue {
			if len(d.Distribution.Channels) == 0 {
				return ItemValue{}
			}
			v := ItemValue{Header: []string{"Method", "Access link", "Level of access"}}
			for _, c := range d.Distribution.Channels {
				v.Rows = append(v.Rows, []string{c.Method, c.Link, c.Access})
			}
			return v
		}},
	{Number: 16, Section: secDistribution, Title: "Distribution channels (for downstream providers)", For: []string{DP}, Field: "distribution.dp_channels",
		value: func(d *Documentation) ItemValue { return text(strings.Join(d.Distribution.DPChannels, "; ")) }},
	{Number: 17, Section: secDistribution, Title: "License (for the AI Office and national authorities)", For: []string{AIO, NCA}, Field: "distribution.licence",
		value: func(d *Documentation) ItemValue { return text(d.Distribution.Licence) }},
	{Number: 18, Section: secDistribution, Title: "License (for downstream providers)", For: []string{DP}, Field: "distribution.dp_licence",
		value: func(d *Documentation) ItemValue {
			s := d.Distribution.DPLicence
			if d.Distribution.DPLicenceNote != "" {
				s += ": " + d.Distribution.DPLicenceNote
			}
			return text(s)
		}},
	{Number: 19, Section: secDistribution, Title: "License: additional assets", For: []string{AIO, DP}, Field: "distribution.additional_assets", NAAllowed: true,
		value: func(d *Documentation) ItemValue {
			l := d.Distribution.AdditionalAssets
			switch {
			case l == nil:
				return ItemValue{}
			case l.Items == nil:
				return text("N/A: " + l.NA)
			}
			v := ItemValue{Header: []string{"Asset", "Access", "Licence"}}
			for _, a := range l.Items {
				v.Rows = append(v.Rows, []string{a.Asset, a.Access, a.Licence})
			}
			return v
		}},
	{Number: 20, Section: secUse, Title: "Acceptable Use Policy", For: []string{AIO, NCA, DP}, Field: "use.acceptable_use_policy",
		value: func(d *Documentation) ItemValue { return text(d.Use.AcceptableUsePolicy) }},
	{Number: 21, Section: secUse, Title: "Intended uses", For: []string{AIO, NCA, DP}, Field: "use.intended_uses",
		value: func(d *Documentation) ItemValue { return text(d.Use.IntendedUses) }},
	{Number: 22, Section: secUse, Title: "Type and nature of AI systems in which the model can be integrated", For: []string{AIO, NCA, DP}, Field: "use.integration_types",
		value: func(d *Documentation) ItemValue { return text(d.Use.IntegrationTypes) }},
	{Number: 23, Section: secUse, Title: "Technical means for model integration", For: []string{DP}, Field: "use.integration_means",
		value: func(d *Documentation) ItemValue { return text(d.Use.IntegrationMeans) }},
	{Number: 24, Section: secUse, Title: "Required hardware", For: []string{DP}, Field: "use.hardware", NAAllowed: true,
		value: func(d *Documentation) ItemValue { return text(d.Use.Hardware) }},
	{Number: 25, Section: secUse, Title: "Required software", For: []string{DP}, Field: "use.software", NAAllowed: true,
		value: func(d *Documentation) ItemValue { return text(d.Use.Software) }},
	{Number: 26, Section: secTraining, Title: "Design specifications of the training process", For: []string{AIO, NCA}, Field: "training.design",
		value: func(d *Documentation) ItemValue { return text(d.Training.Design) }},
	{Number: 27, Section: secTraining, Title: "Decision rationale", For: []string{AIO, NCA}, Field: "training.rationale",
		value: func(d *Documentation) ItemValue { return text(d.Training.Rationale) }},
	{Number: 28, Section: secData, Title: "Data type/modality", For: []string{AIO, NCA, DP}, Field: "data.modalities", Derived: true,
		value: func(d *Documentation) ItemValue { return text(strings.Join(d.Data.Modalities, ", ")) }},
	{Number: 29, Section: secData, Title: "Data provenance", For: []string{AIO, NCA, DP}, Field: "data.provenance",
		value: func(d *Documentation) ItemValue { return text(strings.Join(d.Data.Provenance, ", ")) }},
	{Number: 30, Section: secData, Title: "How data was obtained and selected", For: []string{AIO, NCA}, Field: "data.acquisition",
		value: func(d *Documentation) ItemValue { return text(d.Data.Acquisition) }},
	{Number: 31, Section: secData, Title: "Number of data points (for national authorities)", For: []string{NCA}, Field: "data.points_nca", SigFigs: 1, Derived: true,
		value: func(d *Documentation) ItemValue { return points(d.Data.PointsNCA) }},
	{Number: 32, Section: secData, Title: "Number of data points (for the AI Office)", For: []string{AIO}, Field: "data.points", SigFigs: 2,
		value: func(d *Documentation) ItemValue { return points(d.Data.Points) }},
	{Number: 33, Section: secData, Title: "Scope and main characteristics", For: []string{AIO, NCA}, Field: "data.scope",
		value: func(d *Documentation) ItemValue { return text(d.Data.Scope) }},
	{Number: 34, Section: secData, Title: "Data curation methodologies", For: []string{AIO, NCA, DP}, Field: "data.curation",
		value: func(d *Documentation) ItemValue { return text(d.Data.Curation) }},
	{Number: 35, Section: secData, Title: "Measures to detect unsuitability of data sources", For: []string{AIO, NCA}, Field: "data.unsuitability",
		value: func(d *Documentation) ItemValue { return text(d.Data.Unsuitability) }},
	{Number: 36, Section: secData, Title: "Measures to detect identifiable biases", For: []string{AIO, NCA}, Field: "data.biases",
		value: func(d *Documentation) ItemValue { return text(d.Data.Biases) }},
	{Number: 37, Section: secCompute, Title: "Training time (for national authorities)", For: []string{NCA}, Field: "compute.time_range", Derived: true,
		value: func(d *Documentation) ItemValue {
			c := d.Compute
			if c.TimeRange == "" {
				return ItemValue{}
			}
			return text(strings.TrimSpace(c.TimeRange + "; period measured: " + c.Period))
		}},
	{Number: 38, Section: secCompute, Title: "Training time (for the AI Office)", For: []string{AIO}, Field: "compute.wall_clock_days", SigFigs: 1,
		value: func(d *Documentation) ItemValue {
			c := d.Compute
			if c.WallClockDays == nil {
				return ItemValue{}
			}
			v := ItemValue{Text: fmt.Sprintf("%s wall-clock days; period measured: %s", c.WallClockDays.Scientific(), c.Period), Header: []string{"Hardware", "Hardware days"}}
			for _, h := range c.HardwareDays {
				v.Rows = append(v.Rows, []string{h.Hardware, h.Days.Scientific()})
			}
			return v
		}},
	{Number: 39, Section: secCompute, Title: "Amount of computation used for training (for national authorities)", For: []string{NCA}, Field: "compute.flop_order_of_magnitude", Derived: true,
		value: func(d *Documentation) ItemValue {
			if d.Compute.FLOPMagnitude == nil {
				return ItemValue{}
			}
			return text(fmt.Sprintf("10^%d FLOP (order of magnitude)", *d.Compute.FLOPMagnitude))
		}},
	{Number: 40, Section: secCompute, Title: "Amount of computation used for training (for the AI Office)", For: []string{AIO}, Field: "compute.training_flop", SigFigs: 2, Derived: true,
		value: func(d *Documentation) ItemValue { return figure(d.Compute.TrainingFLOP, "FLOP") }},
	{Number: 41, Section: secCompute, Title: "Measurement methodology (computation)", For: []string{AIO, NCA}, Field: "compute.methodology",
		value: func(d *Documentation) ItemValue { return text(d.Compute.FLOPMethodology) }},
	{Number: 42, Section: secEnergy, Title: "Amount of energy used for training", For: []string{AIO, NCA}, Field: "energy.training_mwh", SigFigs: 2, NAAllowed: true,
		value: func(d *Documentation) ItemValue {
			if d.Energy.TrainingMWh == nil && d.Energy.TrainingNA != "" {
				return text("N/A: " + d.Energy.TrainingNA)
			}
			return figure(d.Energy.TrainingMWh, "MWh")
		}},
	{Number: 43, Section: secEnergy, Title: "Measurement methodology (energy)", For: []string{AIO, NCA}, Field: "energy.methodology",
		value: func(d *Documentation) ItemValue { return text(d.Energy.Methodology) }},
	{Number: 44, Section: secEnergy, Title: "Benchmarked amount of computation used for inference", For: []string{AIO, NCA}, Field: "energy.inference_flop", SigFigs: 2,
		value: func(d *Documentation) ItemValue { return figure(d.Energy.InferenceFLOP, "FLOP") }},
	{Number: 45, Section: secEnergy, Title: "Measurement methodology (inference)", For: []string{AIO, NCA}, Field: "energy.inference_methodology",
		value: func(d *Documentation) ItemValue { return text(d.Energy.InferenceMethodology) }},
}

// ItemFigures returns the numbers of an item whose significant figures
// the form prescribes, with their field paths.
func (d *Documentation) ItemFigures(n int) map[string]*Figure {
	out := map[string]*Figure{}
	add := func(field string, f *Figure) {
		if f != nil && f.Text != "" {
			out[field] = f
		}
	}
	switch n {
	case 13:
		add("properties.parameters", d.Properties.Parameters)
	case 32:
		if p := d.Data.Points; p != nil {
			add("data.points.training", p.Training)
			add("data.points.testing", p.Testing)
			add("data.points.validation", p.Validation)
		}
	case 38:
		add("compute.wall_clock_days", d.Compute.WallClockDays)
		for i := range d.Compute.HardwareDays {
			add(fmt.Sprintf("compute.hardware_days[%d].days", i), &d.Compute.HardwareDays[i].Days)
		}
	case 40:
		add("compute.training_flop", d.Compute.TrainingFLOP)
	case 42:
		add("energy.training_mwh", d.Energy.TrainingMWh)
	case 44:
		add("energy.inference_flop", d.Energy.InferenceFLOP)
	}
	return out
}

// DocSections lists the form's sections in order.
func DocSections() []string {
	var out []string
	for _, it := range DocItems {
		if len(out) == 0 || out[len(out)-1] != it.Section {
			out = append(out, it.Section)
		}
	}
	return out
}
