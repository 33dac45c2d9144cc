package gpai

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DocumentationFile is the dossier file holding the Model Documentation
// Form.
const DocumentationFile = "documentation.yaml"

// Recipients of the Model Documentation Form's items (Code of Practice,
// Transparency, Measure 1.2): the AI Office on request, national competent
// authorities through an AI Office request, and downstream providers.
const (
	AIO = "aio"
	NCA = "nca"
	DP  = "dp"
)

// Recipients lists the recipients in the form's column order.
var Recipients = []string{AIO, NCA, DP}

// RecipientName returns the recipient's name for documents.
func RecipientName(r string) string {
	switch r {
	case AIO:
		return "AI Office"
	case NCA:
		return "National competent authorities"
	case DP:
		return "Downstream providers"
	}
	return "All recipients (internal full view)"
}

// A Figure is a number as the provider wrote it, so that its significant
// figures can be checked against what the form asks.
type Figure struct {
	Value float64
	Text  string
}

// UnmarshalJSON keeps the literal.
func (f *Figure) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	v, err := n.Float64()
	if err != nil {
		return err
	}
	*f = Figure{Value: v, Text: n.String()}
	return nil
}

// MarshalJSON writes the literal.
func (f Figure) MarshalJSON() ([]byte, error) {
	if f.Text != "" {
		return []byte(f.Text), nil
	}
	return []byte(strconv.FormatFloat(f.Value, 'g', -1, 64)), nil
}

// SigFigs returns the significant figures of the literal: "7.3e10" has 2,
// "1.0e2" has 2, "300" has 1 (trailing zeros of an integer are not
// significant), "0.050" has 2.
func (f Figure) SigFigs() int {
	s := f.Text
	if s == "" {
		s = strconv.FormatFloat(f.Value, 'g', -1, 64)
	}
	s = strings.TrimLeft(s, "+-")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	dot := strings.Contains(s, ".")
	digits := strings.ReplaceAll(s, ".", "")
	digits = strings.TrimLeft(digits, "0")
	if !dot {
		digits = strings.TrimRight(digits, "0")
	}
	if digits == "" {
		return 1
	}
	return len(digits)
}

// Scientific formats the figure as people read it on the form: 7.3×10^10.
func (f Figure) Scientific() string {
	if f.Text == "" {
		return FormatFLOP(f.Value, 3)
	}
	n := f.SigFigs()
	s := FormatFLOP(f.Value, n)
	mant, exp, _ := strings.Cut(s, "e")
	if exp == "0" {
		return mant
	}
	return mant + "×10^" + exp
}

// Documentation is documentation.yaml: the Model Documentation Form of the
// Code of Practice (Transparency chapter), item by item. Items left empty
// are derived from gpai.yaml where they can be (see Derive).
type Documentation struct {
	Format   int            `json:"gpai"`
	Document DocumentHeader `json:"document"`

	General      DocGeneral      `json:"general"`
	Properties   DocProperties   `json:"properties"`
	Distribution DocDistribution `json:"distribution"`
	Use          DocUse          `json:"use"`
	Training     DocTraining     `json:"training"`
	Data         DocData         `json:"data"`
	Compute      DocCompute      `json:"compute"`
	Energy       DocEnergy       `json:"energy"`
}

// DocumentHeader is the form's header.
type DocumentHeader struct {
	Version     string `json:"version"`
	LastUpdated *Date  `json:"last_updated,omitempty"`
}

// DocGeneral is the form's "General information" (items 1-6).
type DocGeneral struct {
	ProviderName     string          `json:"provider_name,omitempty"`
	ModelName        string          `json:"model_name,omitempty"`
	ModelFamily      string          `json:"model_family,omitempty"`
	Versions         []string        `json:"versions,omitempty"`
	Authenticity     string          `json:"authenticity,omitempty"`
	ReleaseDate      *Date           `json:"release_date,omitempty"`
	UnionReleaseDate *Date           `json:"union_release_date,omitempty"`
	Dependencies     *NAList[string] `json:"dependencies,omitempty"`
}

// NAList is a list the form allows to answer "N/A", with a reason.
type NAList[T any] struct {
	Items []T
	NA    string // the reason when not applicable
}

// UnmarshalJSON reads a list, or the string "N/A" optionally followed by
// a reason ("N/A: not a modification").
func (l *NAList[T]) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if !strings.HasPrefix(strings.ToUpper(s), "N/A") {
			return fmt.Errorf("write a list, or N/A with its reason")
		}
		l.NA = strings.TrimSpace(strings.TrimLeft(s[3:], ":- "))
		if l.NA == "" {
			l.NA = "not applicable"
		}
		return nil
	}
	return json.Unmarshal(b, &l.Items)
}

// MarshalJSON writes the list, or "N/A: reason".
func (l NAList[T]) MarshalJSON() ([]byte, error) {
	if l.Items == nil && l.NA != "" {
		return json.Marshal("N/A: " + l.NA)
	}
	if l.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(l.Items)
}

// DocProperties is "Model properties" (items 7-14).
type DocProperties struct {
	Architecture         string            `json:"architecture,omitempty"`
	DesignSpecifications string            `json:"design_specifications,omitempty"`
	InputModalities      []string          `json:"input_modalities,omitempty"`
	InputMaxSize         map[string]string `json:"input_max_size,omitempty"`
	OutputModalities     []string          `json:"output_modalities,omitempty"`
	OutputMaxSize        map[string]string `json:"output_max_size,omitempty"`
	Parameters           *Figure           `json:"parameters,omitempty"`
	ParameterRange       string            `json:"parameter_range,omitempty"`
}

// Channel is one method of distribution (item 15).
type Channel struct {
	Method string `json:"method"`
	Link   string `json:"link,omitempty"`
	Access string `json:"access,omitempty"` // e.g. weights-level, black-box
}

// Asset is an additional released asset (item 19).
type Asset struct {
	Asset   string `json:"asset"`
	Access  string `json:"access"`
	Licence string `json:"licence,omitempty"`
}

// DocDistribution is "Methods of distribution and licenses" (items 15-19).
type DocDistribution struct {
	Channels         []Channel      `json:"channels,omitempty"`
	DPChannels       []string       `json:"dp_channels,omitempty"`
	Licence          string         `json:"licence,omitempty"`
	DPLicence        string         `json:"dp_licence,omitempty"` // free-and-open-source, restricted, proprietary, terms-of-service
	DPLicenceNote    string         `json:"dp_licence_note,omitempty"`
	AdditionalAssets *NAList[Asset] `json:"additional_assets,omitempty"`
}

// DocUse is "Use" (items 20-25).
type DocUse struct {
	AcceptableUsePolicy string `json:"acceptable_use_policy,omitempty"`
	IntendedUses        string `json:"intended_uses,omitempty"`
	IntegrationTypes    string `json:"integration_types,omitempty"`
	IntegrationMeans    string `json:"integration_means,omitempty"`
	Hardware            string `json:"hardware,omitempty"`
	Software            string `json:"software,omitempty"`
}

// DocTraining is "Training process" (items 26-27).
type DocTraining struct {
	Design    string `json:"design,omitempty"`
	Rationale string `json:"rationale,omitempty"`
}

// DataPoints are the sizes of the training, testing and validation data
// (items 31-32).
type DataPoints struct {
	Training   *Figure `json:"training,omitempty"`
	Testing    *Figure `json:"testing,omitempty"`
	Validation *Figure `json:"validation,omitempty"`
	Unit       string  `json:"unit,omitempty"` // tokens, documents, images, hours of video, frames
}

// DocData is "Information on the data used for training, testing and
// validation" (items 28-36).
type DocData struct {
	Modalities    []string    `json:"modalities,omitempty"`
	Provenance    []string    `json:"provenance,omitempty"`
	Acquisition   string      `json:"acquisition,omitempty"`
	PointsNCA     *DataPoints `json:"points_nca,omitempty"`
	Points        *DataPoints `json:"points,omitempty"`
	Scope         string      `json:"scope,omitempty"`
	Curation      string      `json:"curation,omitempty"`
	Unsuitability string      `json:"unsuitability,omitempty"`
	Biases        string      `json:"biases,omitempty"`
}

// HardwareDays is training time in days of one hardware type (item 38).
type HardwareDays struct {
	Hardware string `json:"hardware"`
	Days     Figure `json:"days"`
}

// DocCompute is "Computational resources" (items 37-41).
type DocCompute struct {
	Period          string         `json:"period,omitempty"`     // what period is measured (items 37-38)
	TimeRange       string         `json:"time_range,omitempty"` // item 37: <1, 1-3, 3-6, >6 months
	WallClockDays   *Figure        `json:"wall_clock_days,omitempty"`
	HardwareDays    []HardwareDays `json:"hardware_days,omitempty"`
	FLOPMagnitude   *int           `json:"flop_order_of_magnitude,omitempty"` // item 39: the exponent
	TrainingFLOP    *Figure        `json:"training_flop,omitempty"`           // item 40
	FLOPMethodology string         `json:"methodology,omitempty"`
}

// DocEnergy is "Energy consumption" (items 42-45).
type DocEnergy struct {
	TrainingMWh          *Figure `json:"training_mwh,omitempty"`
	TrainingNA           string  `json:"training_na,omitempty"` // why it cannot be estimated
	Methodology          string  `json:"methodology,omitempty"`
	InferenceFLOP        *Figure `json:"inference_flop,omitempty"`
	InferenceMethodology string  `json:"inference_methodology,omitempty"`
}

// ParameterBins are the form's ranges of total model size (item 14).
var ParameterBins = []struct {
	Label    string
	Low, Max float64
}{
	{"1-500M", 1, 500e6}, {"500M-5B", 500e6, 5e9}, {"5B-15B", 5e9, 15e9}, {"15B-50B", 15e9, 50e9},
	{"50B-100B", 50e9, 100e9}, {"100B-500B", 100e9, 500e9}, {"500B-1T", 500e9, 1e12}, {">1T", 1e12, math.Inf(1)},
}

// ParameterRange returns the bin of item 14 for a parameter count; a
// count on a boundary falls in the lower bin ("1-500M" includes 500M).
func ParameterRange(n float64) string {
	for _, b := range ParameterBins {
		if n <= b.Max {
			return b.Label
		}
	}
	return ParameterBins[len(ParameterBins)-1].Label
}

// TimeRanges are the form's ranges of training time in months (item 37).
var TimeRanges = []string{"<1 month", "1-3 months", "3-6 months", ">6 months"}

// TimeRange returns the range of item 37 for a duration in days, taking a
// month as 30.44 days.
func TimeRange(days float64) string {
	months := days / 30.44
	switch {
	case months < 1:
		return TimeRanges[0]
	case months <= 3:
		return TimeRanges[1]
	case months <= 6:
		return TimeRanges[2]
	}
	return TimeRanges[3]
}

// DocModalities are the form's modality check boxes (items 9, 11, 28).
var DocModalities = []string{"text", "images", "audio", "video", "other"}

// Provenances are the form's data provenance check boxes (item 29).
var Provenances = []string{"web-crawling", "private-third-party", "user-data", "publicly-available", "other-means", "synthetic", "other"}

// DPLicences are the licence categories of item 18.
var DPLicences = []string{"free-and-open-source", "restricted", "proprietary", "terms-of-service"}

// docModality maps a gpai.yaml modality to the form's check box.
func docModality(m string) string {
	switch m {
	case "text", "code":
		return "text"
	case "image":
		return "images"
	case "audio", "speech", "music":
		return "audio"
	case "video":
		return "video"
	}
	return "other"
}

// A Contradiction is a value written in documentation.yaml that disagrees
// with what gpai derives from another item or from gpai.yaml.
type Contradiction struct {
	Item    int
	Field   string
	Message string
	Fix     string
}

// Derive fills the items that follow from others or from gpai.yaml where
// they are empty, and reports the values given that contradict what
// derivation gives. est is the scope engine's compute estimate (may be nil).
func (d *Documentation) Derive(f *Facts, est *ComputeEstimate) []Contradiction {
	var out []Contradiction
	bad := func(item int, field, format string, args ...any) {
		out = append(out, Contradiction{Item: item, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	g := &d.General
	if g.ProviderName == "" {
		g.ProviderName = f.Provider.Name
	} else if g.ProviderName != f.Provider.Name {
		bad(1, "general.provider_name", "the provider's legal name %q differs from gpai.yaml's %q", g.ProviderName, f.Provider.Name)
	}
	if g.ModelName == "" {
		g.ModelName = f.Model.Name
	}
	if g.ModelFamily == "" {
		g.ModelFamily = f.Model.Family
	}
	if len(g.Versions) == 0 {
		g.Versions = []string{f.Model.Version}
		for _, v := range f.Model.Versions {
			if v.Version != f.Model.Version {
				g.Versions = append(g.Versions, v.Version)
			}
		}
	}
	dates := []struct {
		item  int
		field string
		doc   **Date
		fact  *Date
	}{{4, "general.release_date", &g.ReleaseDate, f.Dates.FirstRelease}, {5, "general.union_release_date", &g.UnionReleaseDate, f.Dates.EUPlacement}}
	for _, dt := range dates {
		switch {
		case *dt.doc == nil:
			*dt.doc = dt.fact
		case dt.fact != nil && !(*dt.doc).Equal(dt.fact.Time):
			bad(dt.item, dt.field, "%s differs from gpai.yaml's %s", *dt.doc, dt.fact)
		}
	}
	if g.Dependencies == nil {
		if m := f.Modification; m != nil {
			g.Dependencies = &NAList[string]{}
			for _, b := range m.BaseModels {
				g.Dependencies.Items = append(g.Dependencies.Items, b.Name)
			}
		} else {
			g.Dependencies = &NAList[string]{NA: "the model is not a modification of a model on the market"}
		}
	} else if f.Modification != nil && g.Dependencies.Items == nil {
		bad(6, "general.dependencies", "the model modifies %s, so its dependencies are not N/A", f.Modification.BaseModels[0].Name)
	}
	p := &d.Properties
	mods := func(in []string) []string {
		var out []string
		seen := map[string]bool{}
		for _, m := range in {
			if dm := docModality(m); !seen[dm] {
				seen[dm] = true
				out = append(out, dm)
			}
		}
		return out
	}
	if len(p.InputModalities) == 0 {
		p.InputModalities = mods(f.Model.Modalities.Input)
	}
	if len(p.OutputModalities) == 0 {
		p.OutputModalities = mods(f.Model.Modalities.Output)
	}
	if p.Parameters == nil && f.Model.Parameters > 0 {
		p.Parameters = &Figure{Value: f.Model.Parameters, Text: strconv.FormatFloat(f.Model.Parameters, 'g', -1, 64)}
	}
	if p.Parameters != nil {
		want := ParameterRange(p.Parameters.Value)
		if p.ParameterRange == "" {
			p.ParameterRange = want
		} else if p.ParameterRange != want {
			bad(14, "properties.parameter_range", "range %s contradicts the precise count %s (item 13), which is in %s", p.ParameterRange, p.Parameters.Scientific(), want)
		}
		if f.Model.Parameters > 0 && math.Abs(p.Parameters.Value-f.Model.Parameters)/f.Model.Parameters > 0.05 {
			bad(13, "properties.parameters", "the parameter count %s differs from gpai.yaml's model.parameters %g", p.Parameters.Scientific(), f.Model.Parameters)
		}
	}
	c := &d.Compute
	if c.WallClockDays != nil {
		want := TimeRange(c.WallClockDays.Value)
		if c.TimeRange == "" {
			c.TimeRange = want
		} else if c.TimeRange != want {
			bad(37, "compute.time_range", "range %s contradicts %s wall-clock days (item 38), which is %s", c.TimeRange, c.WallClockDays.Scientific(), want)
		}
	}
	if c.TrainingFLOP == nil && est != nil && est.CumulativeFLOP > 0 {
		c.TrainingFLOP = &Figure{Value: est.CumulativeFLOP, Text: FormatFLOP(est.CumulativeFLOP, 2)}
	}
	if c.TrainingFLOP != nil {
		exp := int(math.Floor(math.Log10(c.TrainingFLOP.Value)))
		if c.FLOPMagnitude == nil {
			c.FLOPMagnitude = &exp
		} else if *c.FLOPMagnitude != exp {
			bad(39, "compute.flop_order_of_magnitude", "order of magnitude 10^%d contradicts %s FLOP (item 40), which is 10^%d", *c.FLOPMagnitude, c.TrainingFLOP.Scientific(), exp)
		}
		if est != nil && est.CumulativeFLOP > 0 {
			if r := math.Abs(c.TrainingFLOP.Value-est.CumulativeFLOP) / c.TrainingFLOP.Value; r > MaxEstimateError {
				bad(40, "compute.training_flop", "%s FLOP differs by %.0f%% from gpai's estimate from gpai.yaml (%s FLOP), more than the 30%% margin", c.TrainingFLOP.Scientific(), 100*r, FormatFLOP(est.CumulativeFLOP, 2))
			}
		}
	}
	dd := &d.Data
	if dd.Points != nil && dd.PointsNCA == nil {
		dd.PointsNCA = &DataPoints{Unit: dd.Points.Unit}
		round := func(x *Figure) *Figure {
			if x == nil {
				return nil
			}
			return &Figure{Value: RoundSig(x.Value, 1), Text: FormatFLOP(x.Value, 1)}
		}
		dd.PointsNCA.Training, dd.PointsNCA.Testing, dd.PointsNCA.Validation = round(dd.Points.Training), round(dd.Points.Testing), round(dd.Points.Validation)
	}
	if len(dd.Modalities) == 0 {
		dd.Modalities = mods(f.Model.Modalities.Input)
	}
	return out
}
