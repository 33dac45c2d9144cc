package modelcard

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/gpai-project/gpai"
)

// items returns a test of whether item n goes to recipient r.
func items(r string) func(n int) bool {
	set := map[int]bool{}
	for _, it := range gpai.DocItems {
		if it.IsFor(r) {
			set[it.Number] = true
		}
	}
	return func(n int) bool { return set[n] }
}

// Recipient checks a recipient name; "" means gpai.DP, what a public
// model card may hold at most.
func Recipient(r string) (string, error) {
	switch r {
	case "":
		return gpai.DP, nil
	case gpai.AIO, gpai.NCA, gpai.DP, "all":
		return r, nil
	}
	return "", fmt.Errorf("unknown recipient %q: use aio, nca, dp or all", r)
}

// FromDocumentation writes a model card (README.md) holding exactly the
// items of the Model Documentation Form ticked for recipient, which
// defaults to downstream providers ("dp"): a public card is at most what
// they receive. doc should be derived (gpai.Documentation.Derive). From
// facts it takes only the provider's public contact (Measure 1.2) and the
// licence's Hub identifier; facts may be nil.
func FromDocumentation(facts *gpai.Facts, doc *gpai.Documentation, recipient string) ([]byte, error) {
	r, err := Recipient(recipient)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fmt.Errorf("modelcard: no documentation")
	}
	w := &writer{has: items(r)}
	fm, err := frontMatter(facts, doc, r, w.has)
	if err != nil {
		return nil, err
	}
	w.buf.WriteString("---\n")
	w.buf.Write(fm)
	w.buf.WriteString("---\n\n")
	w.body(facts, doc, r)
	return bytes.TrimRight(w.buf.Bytes(), "\n"), nil
}

func frontMatter(facts *gpai.Facts, doc *gpai.Documentation, r string, has func(int) bool) ([]byte, error) {
	var ms yaml.MapSlice
	add := func(k string, v any) { ms = append(ms, yaml.MapItem{Key: k, Value: v}) }
	if has(6) && doc.General.Dependencies != nil && len(doc.General.Dependencies.Items) > 0 {
		add("base_model", doc.General.Dependencies.Items)
	}
	// The licence: its Hub identifier when gpai.yaml names a licence the
	// Hub knows, else "other" with a name (and, for regulators, the link).
	id := ""
	if facts != nil && facts.Licence != nil {
		id = strings.ToLower(facts.Licence.ID)
	}
	switch {
	case licenceCategory(id) != "":
		add("license", id)
	case has(18) && doc.Distribution.DPLicence != "":
		add("license", "other")
		add("license_name", doc.Distribution.DPLicence)
	case has(17) && doc.Distribution.Licence != "":
		add("license", "other")
		name := strings.TrimPrefix(id, "licenseref-")
		if name == "" {
			name = "proprietary"
		}
		add("license_name", slug(name))
		if u := urlRE.FindString(doc.Distribution.Licence); u != "" {
			add("license_link", u)
		}
	}
	if (has(9) || has(11)) && len(doc.Properties.InputModalities)+len(doc.Properties.OutputModalities) > 0 {
		if tag := pipelineTag(doc.Properties.InputModalities, doc.Properties.OutputModalities); tag != "" {
			add("pipeline_tag", tag)
		}
	}
	if has(2) && doc.General.ModelName != "" {
		add("model_name", doc.General.ModelName)
	}
	add("tags", []string{"eu-ai-act", "model-documentation-form"})
	return yaml.Marshal(ms)
}

var slugRE = regexp.MustCompile(`[^a-z0-9.]+`)

func slug(s string) string {
	return strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

var urlRE = regexp.MustCompile(`https?://[^\s)<>|"]+`)

// pipelineTag returns the Hub task for the form's modalities.
func pipelineTag(in, out []string) string {
	key := func(l []string) string {
		s := append([]string(nil), l...)
		sort.Strings(s)
		return strings.Join(s, "+")
	}
	want := key(in) + ">" + key(out)
	// Prefer the most common task for a combination.
	for _, tag := range []string{"text-generation", "image-text-to-text", "image-to-text", "text-to-image", "image-to-image",
		"text-to-speech", "automatic-speech-recognition", "audio-text-to-text", "text-to-video", "image-to-video", "video-text-to-text", "any-to-any"} {
		p := pipelines[tag]
		if key(p.in)+">"+key(p.out) == want {
			return tag
		}
	}
	return ""
}

type writer struct {
	buf bytes.Buffer
	has func(int) bool
}

func (w *writer) heading(level int, title string) {
	fmt.Fprintf(&w.buf, "%s %s\n\n", strings.Repeat("#", level), title)
}

func (w *writer) para(s string) {
	w.buf.WriteString(escapeBlock(strings.TrimSpace(s)))
	w.buf.WriteString("\n\n")
}

// A part is one piece of the card: a heading and what goes under it,
// written only if some item in it is for the recipient and answered.
type part struct {
	level int
	title string
	text  string
}

// block writes a heading with the parts below it, leaving it out when all
// parts are empty; parts at deeper levels carry their own headings.
func (w *writer) block(level int, title string, parts ...part) {
	any := false
	for _, p := range parts {
		if strings.TrimSpace(p.text) != "" {
			any = true
		}
	}
	if !any {
		return
	}
	w.heading(level, title)
	for _, p := range parts {
		if strings.TrimSpace(p.text) == "" {
			continue
		}
		if p.title != "" {
			w.heading(p.level, p.title)
		}
		w.buf.WriteString(strings.TrimRight(p.text, "\n"))
		w.buf.WriteString("\n\n")
	}
}

type kv struct{ key, value string }

func bullets(l ...kv) string {
	var b strings.Builder
	for _, x := range l {
		if x.value == "" {
			continue
		}
		fmt.Fprintf(&b, "- **%s:** %s\n", x.key, oneLine(x.value))
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func table(header []string, rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			c = strings.ReplaceAll(strings.TrimSpace(c), "|", `\|`)
			cells[i] = strings.ReplaceAll(c, "\n", "<br>")
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

var (
	blockEscRE   = regexp.MustCompile(`(?m)^( {0,3})(#|=+\s*$|-{2,}\s*$|---)`)
	blockUnescRE = regexp.MustCompile(`(?m)^( {0,3})\\(#|=|-)`)
)

// escapeBlock keeps text from turning into headings of the card; fenced
// code is left as it is, since headings are not read there.
func escapeBlock(s string) string { return outsideFences(s, blockEscRE, `$1\$2`) }

func unescapeBlock(s string) string { return outsideFences(s, blockUnescRE, `$1$2`) }

func outsideFences(s string, re *regexp.Regexp, repl string) string {
	lines := strings.Split(s, "\n")
	fence := ""
	for i, l := range lines {
		if fence != "" {
			if strings.HasPrefix(strings.TrimLeft(l, " "), fence) {
				fence = ""
			}
			continue
		}
		if m := fenceRE.FindStringSubmatch(l); m != nil {
			fence = m[1][:3]
			continue
		}
		lines[i] = re.ReplaceAllString(l, repl)
	}
	return strings.Join(lines, "\n")
}

func text(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return escapeBlock(s) + "\n"
}

func (w *writer) body(facts *gpai.Facts, d *gpai.Documentation, r string) {
	has := w.has
	// get returns s when item n is for the recipient, else "".
	get := func(n int, s string) string {
		if has(n) {
			return s
		}
		return ""
	}
	fig := func(n int, f *gpai.Figure, unit string) string {
		if !has(n) || f == nil {
			return ""
		}
		return strings.TrimSpace(f.Scientific() + " " + unit)
	}
	g, p := d.General, d.Properties
	name := get(2, g.ModelName)
	if name == "" {
		name = "this model"
	}
	w.heading(1, "Model Card for "+name)
	intro := fmt.Sprintf("This card holds the information of the Model Documentation Form (General-Purpose AI Code of Practice, Transparency chapter; AI Act Art 53(1)(b) and Annex XII) that is provided to %s", strings.ToLower(gpai.RecipientName(r)))
	if r == "all" {
		intro = "This card holds every item of the Model Documentation Form (General-Purpose AI Code of Practice, Transparency chapter; AI Act Art 53(1) and Annexes XI-XII): it is the provider's internal full view, not for publication"
	}
	if d.Document.Version != "" {
		intro += ", document version " + d.Document.Version
	}
	if d.Document.LastUpdated != nil {
		intro += ", last updated " + d.Document.LastUpdated.String()
	}
	w.para(intro + ". It was generated by gpai; edit documentation.yaml, not this file.")

	deps := ""
	if l := g.Dependencies; has(6) && l != nil {
		if l.Items == nil && l.NA != "" {
			deps = "N/A: " + l.NA
		} else {
			deps = strings.Join(l.Items, "; ")
		}
	}
	date := func(n int, dt *gpai.Date) string {
		if !has(n) || dt == nil {
			return ""
		}
		return dt.String()
	}
	licence := ""
	if has(18) && d.Distribution.DPLicence != "" {
		licence = d.Distribution.DPLicence
		if d.Distribution.DPLicenceNote != "" {
			licence += ": " + d.Distribution.DPLicenceNote
		}
	}
	prange := ""
	if has(14) && p.ParameterRange != "" {
		prange = p.ParameterRange + " parameters"
	}
	w.block(2, "Model Details", part{3, "Model Description", bullets(
		kv{"Developed by", get(1, g.ProviderName)},
		kv{"Model name", get(2, g.ModelName)},
		kv{"Model family", get(2, g.ModelFamily)},
		kv{"Versions covered", get(2, strings.Join(g.Versions, ", "))},
		kv{"Model type", get(7, p.Architecture)},
		kv{"License", licence},
		kv{"License (link)", get(17, d.Distribution.Licence)},
		kv{"Finetuned from model", deps},
		kv{"Release date", date(4, g.ReleaseDate)},
		kv{"Union market release date", date(5, g.UnionReleaseDate)},
		kv{"Model authenticity", get(3, g.Authenticity)},
		kv{"Total model size", fig(13, p.Parameters, "parameters")},
		kv{"Total model size (range)", prange},
		kv{"Input modalities", get(9, strings.Join(p.InputModalities, ", "))},
		kv{"Output modalities", get(11, strings.Join(p.OutputModalities, ", "))},
	)},
		part{3, "Maximum Input Size", get(10, sizeTable(p.InputMaxSize))},
		part{3, "Maximum Output Size", get(12, sizeTable(p.OutputMaxSize))},
	)

	dist := d.Distribution
	var channels [][]string
	for _, c := range dist.Channels {
		channels = append(channels, []string{c.Method, c.Link, c.Access})
	}
	dpChannels := ""
	for _, c := range dist.DPChannels {
		dpChannels += "- " + oneLine(c) + "\n"
	}
	assets := ""
	if l := dist.AdditionalAssets; l != nil {
		if l.Items == nil && l.NA != "" {
			assets = "N/A: " + l.NA + "\n"
		} else {
			var rows [][]string
			for _, a := range l.Items {
				rows = append(rows, []string{a.Asset, a.Access, a.Licence})
			}
			assets = table([]string{"Asset", "Access", "Licence"}, rows)
		}
	}
	w.block(2, "Distribution",
		part{3, "Distribution Channels", get(15, table([]string{"Method", "Access link", "Level of access"}, channels))},
		part{3, "Distribution Channels for Downstream Providers", get(16, dpChannels)},
		part{3, "Additional Assets", get(19, assets)},
	)

	u := d.Use
	w.block(2, "Uses",
		part{3, "Direct Use", get(21, text(u.IntendedUses))},
		part{3, "Downstream Use", get(22, text(u.IntegrationTypes))},
		part{3, "Acceptable Use Policy", get(20, text(u.AcceptableUsePolicy))},
	)
	w.block(2, "How to Get Started with the Model",
		part{0, "", get(23, text(u.IntegrationMeans))},
		part{3, "Required Hardware", get(24, text(u.Hardware))},
		part{3, "Required Software", get(25, text(u.Software))},
	)

	dd := d.Data
	w.block(2, "Training Details",
		part{3, "Training Data", bullets(
			kv{"Data type/modality", get(28, strings.Join(dd.Modalities, ", "))},
			kv{"Data provenance", get(29, strings.Join(dd.Provenance, ", "))},
		)},
		part{4, "How Data Was Obtained and Selected", get(30, text(dd.Acquisition))},
		part{4, "Number of Data Points", get(32, pointsTable(dd.Points))},
		part{4, "Number of Data Points (Order of Magnitude)", get(31, pointsTable(dd.PointsNCA))},
		part{4, "Scope and Main Characteristics", get(33, text(dd.Scope))},
		part{4, "Measures to Detect Unsuitable Data Sources", get(35, text(dd.Unsuitability))},
		part{4, "Measures to Detect Identifiable Biases", get(36, text(dd.Biases))},
		part{3, "Training Procedure", get(26, text(d.Training.Design))},
		part{4, "Preprocessing", get(34, text(dd.Curation))},
		part{4, "Decision Rationale", get(27, text(d.Training.Rationale))},
		part{4, "Speeds, Sizes, Times", w.speeds(d)},
		part{4, "Training Compute", w.trainingCompute(d)},
	)

	e := d.Energy
	energy := ""
	if has(42) {
		if e.TrainingMWh == nil && e.TrainingNA != "" {
			energy = "N/A: " + e.TrainingNA
		} else {
			energy = fig(42, e.TrainingMWh, "MWh")
		}
	}
	hw, hours := "", ""
	if has(38) {
		var names []string
		var total float64
		for _, h := range d.Compute.HardwareDays {
			names = append(names, h.Hardware)
			total += h.Days.Value
		}
		hw = strings.Join(names, ", ")
		if total > 0 {
			hours = gpai.FormatFLOP(total*24, 2) + " hardware hours"
		}
	}
	w.block(2, "Environmental Impact", part{0, "", bullets(
		kv{"Hardware Type", hw},
		kv{"Hours used", hours},
		kv{"Energy used for training", energy},
		kv{"Energy measurement methodology", get(43, e.Methodology)},
		kv{"Inference compute", fig(44, e.InferenceFLOP, "FLOP")},
		kv{"Inference measurement methodology", get(45, e.InferenceMethodology)},
	)})

	w.block(2, "Technical Specifications",
		part{3, "Model Architecture and Objective", get(8, text(p.DesignSpecifications))},
	)

	if facts != nil && facts.Provider.Contact != nil {
		c := facts.Provider.Contact
		w.block(2, "Model Card Contact", part{0, "", bullets(kv{"Email", c.Email}, kv{"Website", c.URL})})
	}
}

func (w *writer) speeds(d *gpai.Documentation) string {
	c := d.Compute
	period := ""
	if w.has(37) || w.has(38) {
		period = c.Period
	}
	tr, days := "", ""
	if w.has(37) {
		tr = c.TimeRange
	}
	if w.has(38) && c.WallClockDays != nil {
		days = c.WallClockDays.Scientific()
	}
	hw := ""
	if w.has(38) {
		hw = hwTable(c.HardwareDays)
	}
	if tr == "" && days == "" && hw == "" {
		return ""
	}
	s := bullets(kv{"Period measured", period}, kv{"Training time (range)", tr}, kv{"Training time (wall-clock days)", days})
	if hw != "" {
		s += "\n" + hw
	}
	return s
}

func (w *writer) trainingCompute(d *gpai.Documentation) string {
	c := d.Compute
	mag, flop, meth := "", "", ""
	if w.has(39) && c.FLOPMagnitude != nil {
		mag = fmt.Sprintf("10^%d FLOP", *c.FLOPMagnitude)
	}
	if w.has(40) && c.TrainingFLOP != nil {
		flop = c.TrainingFLOP.Scientific() + " FLOP"
	}
	if w.has(41) {
		meth = c.FLOPMethodology
	}
	return bullets(kv{"Amount of computation (order of magnitude)", mag}, kv{"Amount of computation", flop}, kv{"Measurement methodology", meth})
}

func sizeTable(m map[string]string) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, []string{k, m[k]})
	}
	return table([]string{"Modality", "Maximum size"}, rows)
}

func pointsTable(p *gpai.DataPoints) string {
	if p == nil {
		return ""
	}
	var rows [][]string
	for _, x := range []struct {
		name string
		f    *gpai.Figure
	}{{"Training", p.Training}, {"Testing", p.Testing}, {"Validation", p.Validation}} {
		if x.f != nil {
			rows = append(rows, []string{x.name, x.f.Scientific() + " " + p.Unit})
		}
	}
	return table([]string{"Data", "Size"}, rows)
}

func hwTable(l []gpai.HardwareDays) string {
	var rows [][]string
	for _, h := range l {
		rows = append(rows, []string{h.Hardware, h.Days.Scientific()})
	}
	return table([]string{"Hardware", "Hardware days"}, rows)
}
