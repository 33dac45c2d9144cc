// Package mlbom exports the Model Documentation Form of the Code of
// Practice as a CycloneDX 1.6 machine-learning bill of materials (ML-BOM):
// one component of type machine-learning-model with its modelCard, built
// with github.com/CycloneDX/cyclonedx-go.
//
// Like every document gpai gives a recipient, the BOM holds exactly the
// form's items ticked for that recipient. Items with a native CycloneDX
// field fill it; the others are properties named gpai:item:N holding the
// item's answer as the rendered form shows it. modelcard/MAPPING.md lists
// the mapping field by field.
package mlbom

import (
	"crypto/sha1"
	"fmt"
	"io"
	"regexp"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/gpai-project/gpai"
)

// SpecVersion is the CycloneDX version Export builds and Encode writes.
const SpecVersion = cdx.SpecVersion1_6

// PropertyPrefix names the properties that carry form items: gpai:item:7.
const PropertyPrefix = "gpai:item:"

// Export builds the ML-BOM of the form as recipient receives it (aio, nca,
// dp or all; "" means dp). doc should be derived
// (gpai.Documentation.Derive). From facts it takes only the provider's
// public contact (Measure 1.2); facts may be nil. The BOM is
// deterministic: its serial number and timestamp follow from the
// documentation.
func Export(facts *gpai.Facts, doc *gpai.Documentation, recipient string) (*cdx.BOM, error) {
	r := recipient
	switch r {
	case "":
		r = gpai.DP
	case gpai.AIO, gpai.NCA, gpai.DP, "all":
	default:
		return nil, fmt.Errorf("mlbom: unknown recipient %q: use aio, nca, dp or all", recipient)
	}
	if doc == nil {
		return nil, fmt.Errorf("mlbom: no documentation")
	}
	e := &exporter{doc: doc, r: r, items: map[int]gpai.DocItem{}}
	for _, it := range gpai.DocItems {
		if it.IsFor(r) {
			e.items[it.Number] = it
		}
	}
	return e.bom(facts), nil
}

// Encode writes the BOM as CycloneDX 1.6 JSON, indented.
func Encode(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, SpecVersion)
}

type exporter struct {
	doc   *gpai.Documentation
	r     string
	items map[int]gpai.DocItem
	props []cdx.Property
}

func (e *exporter) has(n int) bool { _, ok := e.items[n]; return ok }

// text returns item n's answer as the form renders it, "" when the item
// is not for the recipient or not answered.
func (e *exporter) text(n int) string {
	it, ok := e.items[n]
	if !ok {
		return ""
	}
	v := it.Value(e.doc)
	parts := []string{}
	if strings.TrimSpace(v.Text) != "" {
		parts = append(parts, v.Text)
	}
	for _, row := range v.Rows {
		cells := make([]string, 0, len(row))
		for i, c := range row {
			if c == "" {
				continue
			}
			if i < len(v.Header) && i > 0 {
				c = v.Header[i] + ": " + c
			}
			cells = append(cells, c)
		}
		parts = append(parts, strings.Join(cells, ", "))
	}
	return strings.Join(parts, "; ")
}

// prop records item n as a property, when it is for the recipient and
// answered.
func (e *exporter) prop(n int) {
	if s := e.text(n); s != "" {
		e.props = append(e.props, cdx.Property{Name: fmt.Sprintf("%s%d", PropertyPrefix, n), Value: s})
	}
}

func ptr[T any](v T) *T { return &v }

var (
	urlRE  = regexp.MustCompile(`https?://[^\s)<>|"]+`)
	hashRE = regexp.MustCompile(`(?i)\b(sha-?256|sha-?512)?[:= ]*\b([0-9a-f]{64}|[0-9a-f]{128})\b`)
)

func (e *exporter) bom(facts *gpai.Facts) *cdx.BOM {
	d := e.doc
	g, p := d.General, d.Properties
	name := g.ModelName
	if !e.has(2) || name == "" {
		name = "model"
	}
	version := ""
	if e.has(2) && len(g.Versions) > 0 {
		version = g.Versions[0]
	}
	model := cdx.Component{
		Type:    cdx.ComponentTypeMachineLearningModel,
		BOMRef:  "model:" + name + "@" + version,
		Name:    name,
		Version: version,
	}
	if e.has(2) {
		model.Group = g.ModelFamily
		if len(g.Versions) > 1 {
			e.prop(2)
		}
	}
	// Item 1: the provider supplies and makes the model.
	var provider *cdx.OrganizationalEntity
	if e.has(1) && g.ProviderName != "" {
		provider = &cdx.OrganizationalEntity{Name: g.ProviderName}
		if facts != nil && facts.Provider.Contact != nil {
			c := facts.Provider.Contact
			if c.URL != "" {
				provider.URL = &[]string{c.URL}
			}
			if c.Email != "" {
				provider.Contact = &[]cdx.OrganizationalContact{{Email: c.Email}}
			}
		}
		model.Supplier, model.Manufacturer = provider, provider
	}
	// Item 3: a hash where the authenticity is one, else a property.
	if s := e.text(3); s != "" {
		if m := hashRE.FindStringSubmatch(s); m != nil {
			alg := cdx.HashAlgoSHA256
			if len(m[2]) == 128 {
				alg = cdx.HashAlgoSHA512
			}
			model.Hashes = &[]cdx.Hash{{Algorithm: alg, Value: strings.ToLower(m[2])}}
		}
		e.prop(3)
	}
	e.prop(4)
	e.prop(5)
	// Item 6: the base models are the model's ancestors.
	if l := g.Dependencies; e.has(6) && l != nil {
		if len(l.Items) > 0 {
			var anc []cdx.Component
			for _, b := range l.Items {
				anc = append(anc, cdx.Component{Type: cdx.ComponentTypeMachineLearningModel, Name: b})
			}
			model.Pedigree = &cdx.Pedigree{Ancestors: &anc}
		} else {
			e.prop(6)
		}
	}
	card := &cdx.MLModelCard{BOMRef: model.BOMRef + "#model-card"}
	mp := &cdx.MLModelParameters{}
	if e.has(7) && p.Architecture != "" {
		mp.ModelArchitecture = p.Architecture
		mp.ArchitectureFamily = family(p.Architecture)
	}
	e.prop(8)
	if e.has(9) {
		for _, m := range p.InputModalities {
			mp.Inputs = appendIO(mp.Inputs, m)
		}
	}
	if e.has(11) {
		for _, m := range p.OutputModalities {
			mp.Outputs = appendIO(mp.Outputs, m)
		}
	}
	if e.has(9) && e.has(11) {
		mp.Task = task(p.InputModalities, p.OutputModalities)
	}
	if e.has(26) {
		mp.Approach = approach(d.Training.Design)
	}
	cons := &cdx.MLModelCardConsiderations{}
	var limits []string
	for _, x := range []struct {
		n    int
		what string
		m    map[string]string
	}{{10, "Maximum input size", p.InputMaxSize}, {12, "Maximum output size", p.OutputMaxSize}} {
		if e.has(x.n) {
			for _, k := range sortedKeys(x.m) {
				limits = append(limits, fmt.Sprintf("%s (%s): %s", x.what, k, x.m[k]))
			}
		}
	}
	if len(limits) > 0 {
		cons.TechnicalLimitations = &limits
	}
	e.prop(13)
	e.prop(14)

	// Items 15-19: distribution and licences.
	var refs []cdx.ExternalReference
	if e.has(15) {
		missing := false
		for _, c := range d.Distribution.Channels {
			if c.Link == "" {
				missing = true
				continue
			}
			comment := c.Method
			if c.Access != "" {
				comment += "; level of access: " + c.Access
			}
			refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: c.Link, Comment: comment})
		}
		if missing {
			e.prop(15)
		}
	}
	if e.has(16) {
		for _, c := range d.Distribution.DPChannels {
			if u := urlRE.FindString(c); u != "" {
				refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: strings.TrimRight(u, ".,;"), Comment: c})
			}
		}
		e.prop(16)
	}
	var lic cdx.Licenses
	if e.has(17) && d.Distribution.Licence != "" {
		l := &cdx.License{Name: d.Distribution.Licence}
		if u := urlRE.FindString(d.Distribution.Licence); u != "" {
			l.URL = strings.TrimRight(u, ".,;")
		}
		lic = append(lic, cdx.LicenseChoice{License: l})
	}
	if e.has(18) && d.Distribution.DPLicence != "" {
		lic = append(lic, cdx.LicenseChoice{License: &cdx.License{Name: e.text(18)}})
	}
	if len(lic) > 0 {
		model.Licenses = &lic
	}
	e.prop(19)

	// Items 20-25: use.
	e.prop(20)
	if s := e.text(20); s != "" {
		if u := urlRE.FindString(s); u != "" {
			refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDocumentation, URL: strings.TrimRight(u, ".,;"), Comment: "Acceptable use policy"})
		}
	}
	var uses []string
	if s := e.text(21); s != "" {
		uses = append(uses, s)
	}
	if s := e.text(22); s != "" {
		uses = append(uses, "Types of AI systems the model can be integrated into: "+s)
	}
	if len(uses) > 0 {
		cons.UseCases = &uses
	}
	for _, n := range []int{23, 24, 25, 26, 27} {
		e.prop(n)
	}

	// Items 28-36: the training data, inline.
	data := cdx.ComponentData{BOMRef: model.BOMRef + "#training-data", Type: cdx.ComponentDataTypeDataset, Name: "Training, testing and validation data"}
	data.Description = e.text(33)
	var dprops []cdx.Property
	for _, n := range []int{28, 29, 30, 31, 32, 34} {
		if s := e.text(n); s != "" {
			dprops = append(dprops, cdx.Property{Name: fmt.Sprintf("%s%d", PropertyPrefix, n), Value: s})
		}
	}
	if len(dprops) > 0 {
		data.Contents = &cdx.ComponentDataContents{Properties: &dprops}
	}
	if data.Description != "" || data.Contents != nil {
		mp.Datasets = &[]cdx.MLDatasetChoice{{ComponentData: &data}}
	}
	var ethics []cdx.MLModelCardEthicalConsideration
	if s := e.text(35); s != "" {
		ethics = append(ethics, cdx.MLModelCardEthicalConsideration{Name: "Unsuitable data sources (illegal content, CSAM, non-consensual intimate imagery, personal data)", MitigationStrategy: s})
	}
	if s := e.text(36); s != "" {
		ethics = append(ethics, cdx.MLModelCardEthicalConsideration{Name: "Identifiable biases in the training data", MitigationStrategy: s})
	}
	if len(ethics) > 0 {
		cons.EthicalConsiderations = &ethics
	}

	// Items 37-41: compute, as properties.
	for _, n := range []int{37, 38, 39, 40, 41} {
		e.prop(n)
	}

	// Items 42-45: energy.
	env := &cdx.MLModelCardEnvironmentalConsiderations{}
	if e.has(42) {
		if f := d.Energy.TrainingMWh; f != nil {
			kwh := cdx.MLModelEnergyMeasure{Value: float32(f.Value * 1000), Unit: cdx.MLModelEnergyUnitKWH}
			env.EnergyConsumptions = &[]cdx.MLModelEnergyConsumption{{
				Activity: cdx.MLModelEnergyConsumptionActivityTraining,
				EnergyProviders: &[]cdx.MLModelEnergyProvider{{
					Description:    "The Model Documentation Form does not name the energy provider or source.",
					Organization:   &cdx.OrganizationalEntity{Name: "unknown"},
					EnergySource:   cdx.MLModelEnergySourceUnknown,
					EnergyProvided: &kwh,
				}},
				ActivityEnergyCost: kwh,
				Properties:         &[]cdx.Property{{Name: PropertyPrefix + "42", Value: e.text(42)}},
			}}
		} else {
			e.envProp(env, 42)
		}
	}
	for _, n := range []int{43, 44, 45} {
		e.envProp(env, n)
	}
	if env.EnergyConsumptions != nil || env.Properties != nil {
		cons.EnvironmentalConsiderations = env
	}

	if *mp != (cdx.MLModelParameters{}) {
		card.ModelParameters = mp
	}
	if *cons != (cdx.MLModelCardConsiderations{}) {
		card.Considerations = cons
	}
	if card.ModelParameters != nil || card.Considerations != nil {
		model.ModelCard = card
	}
	if len(refs) > 0 {
		model.ExternalReferences = &refs
	}
	if len(e.props) > 0 {
		model.Properties = &e.props
	}

	bom := cdx.NewBOM()
	bom.SpecVersion = SpecVersion
	bom.JSONSchema = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	bom.SerialNumber = serial(d, e.r)
	meta := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "gpai", Group: "gpai-project"}}},
		Properties: &[]cdx.Property{
			{Name: "gpai:recipient", Value: e.r},
			{Name: "gpai:document:version", Value: d.Document.Version},
		},
		Supplier:     provider,
		Manufacturer: provider,
	}
	if d.Document.LastUpdated != nil {
		meta.Timestamp = d.Document.LastUpdated.Format("2006-01-02T15:04:05Z")
	}
	bom.Metadata = meta
	bom.Components = &[]cdx.Component{model}
	bom.Dependencies = &[]cdx.Dependency{{Ref: model.BOMRef}}
	return bom
}

func (e *exporter) envProp(env *cdx.MLModelCardEnvironmentalConsiderations, n int) {
	s := e.text(n)
	if s == "" {
		return
	}
	if env.Properties == nil {
		env.Properties = &[]cdx.Property{}
	}
	*env.Properties = append(*env.Properties, cdx.Property{Name: fmt.Sprintf("%s%d", PropertyPrefix, n), Value: s})
}

func appendIO(l *[]cdx.MLInputOutputParameters, format string) *[]cdx.MLInputOutputParameters {
	if l == nil {
		l = &[]cdx.MLInputOutputParameters{}
	}
	*l = append(*l, cdx.MLInputOutputParameters{Format: format})
	return l
}

// family names the architecture family found in item 7's description.
func family(s string) string {
	l := strings.ToLower(s)
	for _, f := range []struct{ word, family string }{
		{"mixture-of-experts", "mixture-of-experts transformer"}, {"mixture of experts", "mixture-of-experts transformer"},
		{"transformer", "transformer"}, {"diffusion", "diffusion"}, {"state-space", "state-space model"}, {"mamba", "state-space model"},
		{"recurrent", "recurrent neural network"}, {"lstm", "recurrent neural network"}, {"convolutional", "convolutional neural network"},
	} {
		if strings.Contains(l, f.word) {
			return f.family
		}
	}
	return ""
}

// task names the model's task from its modalities.
func task(in, out []string) string {
	has := func(l []string, m string) bool {
		for _, x := range l {
			if x == m {
				return true
			}
		}
		return false
	}
	switch {
	case len(out) == 1 && out[0] == "text" && len(in) == 1 && in[0] == "text":
		return "text-generation"
	case len(out) == 1 && out[0] == "text" && has(in, "text") && len(in) > 1:
		return "multimodal-to-text generation"
	case has(out, "images") && has(in, "text"):
		return "text-to-image generation"
	case has(out, "audio") && has(in, "text"):
		return "text-to-audio generation"
	case has(out, "video"):
		return "video generation"
	}
	return "generation"
}

// approach reads the learning approach from item 26: a model pre-trained
// on next-token prediction is self-supervised, whatever follows.
func approach(design string) *cdx.MLModelParametersApproach {
	l := strings.ToLower(design)
	var t cdx.MLModelParametersApproachType
	switch {
	case l == "":
		return nil
	case strings.Contains(l, "self-supervised"), strings.Contains(l, "next-token"), strings.Contains(l, "pre-train"), strings.Contains(l, "masked language"):
		t = cdx.MLModelParametersApproachTypeSelfSupervised
	case strings.Contains(l, "semi-supervised"):
		t = cdx.MLModelParametersApproachTypeSemiSupervised
	case strings.Contains(l, "reinforcement"):
		t = cdx.MLModelParametersApproachTypeReinforcementLearning
	case strings.Contains(l, "unsupervised"):
		t = cdx.MLModelParametersApproachTypeUnsupervised
	case strings.Contains(l, "supervised"), strings.Contains(l, "fine-tun"):
		t = cdx.MLModelParametersApproachTypeSupervised
	default:
		return nil
	}
	return &cdx.MLModelParametersApproach{Type: t}
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// serial returns a name-based (version 5) UUID URN for the document
// version, model and recipient, so that the same form gives the same BOM.
func serial(d *gpai.Documentation, r string) string {
	last := ""
	if d.Document.LastUpdated != nil {
		last = d.Document.LastUpdated.String()
	}
	h := sha1.Sum([]byte(strings.Join([]string{"gpai-mlbom", d.General.ProviderName, d.General.ModelName, d.Document.Version, last, r}, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
