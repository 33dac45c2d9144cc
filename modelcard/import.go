package modelcard

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gpai-project/gpai"
)

// A Note says what happened to one piece of the card, or to one item of
// the form, during ToDocumentation.
type Note struct {
	Item    int    // the form's item number; 0 when the card's content has no item
	Field   string // the documentation.yaml field written, if any
	Source  string // where in the card: "front matter: license", "## Uses > Direct Use"
	Mapped  bool   // false: the content was not carried into the form
	Message string
}

func (n Note) String() string {
	var b strings.Builder
	if n.Item > 0 {
		fmt.Fprintf(&b, "item %d", n.Item)
		if n.Field != "" {
			fmt.Fprintf(&b, " (%s)", n.Field)
		}
		b.WriteString(": ")
	}
	if n.Source != "" {
		b.WriteString(n.Source)
		b.WriteString(": ")
	}
	b.WriteString(n.Message)
	return b.String()
}

type importer struct {
	c     *Card
	d     *gpai.Documentation
	notes []Note
	used  map[*Section]bool
	keys  map[string]bool // front matter keys consumed
}

func (im *importer) mapped(item int, source, format string, args ...any) {
	im.notes = append(im.notes, Note{Item: item, Field: fieldOf(item), Source: source, Mapped: true, Message: fmt.Sprintf(format, args...)})
}

func (im *importer) skipped(item int, source, format string, args ...any) {
	im.notes = append(im.notes, Note{Item: item, Source: source, Message: fmt.Sprintf(format, args...)})
}

func fieldOf(item int) string {
	for _, it := range gpai.DocItems {
		if it.Number == item {
			return it.Field
		}
	}
	return ""
}

// section finds a section by title, marks it used and returns its text
// without comments and placeholders, and its label for notes.
func (im *importer) section(titles ...string) (string, string) {
	s := im.c.Find(titles...)
	if s == nil {
		return "", ""
	}
	im.used[s] = true
	return Clean(s.Body), strings.Repeat("#", s.Level) + " " + s.Title
}

// ToDocumentation prefills the Model Documentation Form from a card. The
// notes say, item by item, what was taken from where, and which content
// of the card has no place in the form. Items the card cannot answer are
// left empty; the caller lists them (gpai.DocItems) for the provider to
// fill. The form is not derived (see gpai.Documentation.Derive).
func ToDocumentation(c *Card) (*gpai.Documentation, []Note) {
	d := &gpai.Documentation{Format: 1}
	im := &importer{c: c, d: d, used: map[*Section]bool{}, keys: map[string]bool{}}
	md := c.Metadata
	details := map[string]string{}
	labels := map[string]string{}
	for _, t := range []string{"Model Description", "Model Details"} {
		if s := c.Find(t); s != nil {
			im.used[s] = true
			for _, b := range bulletList(s.Body) {
				if _, ok := details[b.norm]; !ok {
					details[b.norm], labels[b.norm] = b.value, b.label
				}
			}
		}
	}
	bullet := func(keys ...string) (string, string) {
		for _, k := range keys {
			if v := details[normTitle(k)]; v != "" {
				delete(details, normTitle(k))
				return v, "Model Description: " + k
			}
		}
		return "", ""
	}

	// General information (items 1-6).
	if v, src := bullet("Developed by"); v != "" {
		d.General.ProviderName = v
		im.mapped(1, src, "the developer, taken as the provider's legal name: check it is the legal name")
	}
	switch name, src := im.modelName(bullet); {
	case name != "":
		d.General.ModelName = name
		im.mapped(2, src, "model name %q", name)
	}
	if v, src := bullet("Model family"); v != "" {
		d.General.ModelFamily = v
		im.mapped(2, src, "model family")
	}
	if v, src := bullet("Versions covered", "Versions"); v != "" {
		d.General.Versions = splitList(v)
		im.mapped(2, src, "versions covered")
	}
	if v, src := bullet("Model authenticity"); v != "" {
		d.General.Authenticity = v
		im.mapped(3, src, "model authenticity")
	}
	for _, dt := range []struct {
		item int
		key  string
		dst  **gpai.Date
	}{{4, "Release date", &d.General.ReleaseDate}, {5, "Union market release date", &d.General.UnionReleaseDate}} {
		if v, src := bullet(dt.key); v != "" {
			if t, err := gpai.ParseDate(firstWord(v)); err == nil {
				*dt.dst = &t
				im.mapped(dt.item, src, "date %s", t)
			} else {
				im.skipped(dt.item, src, "%q is not a date YYYY-MM-DD", v)
			}
		}
	}
	deps, depSrc := bullet("Finetuned from model", "Fine-tuned from model", "Finetuned from", "Model dependencies")
	switch {
	case len(md.BaseModel) > 0:
		im.keys["base_model"] = true
		d.General.Dependencies = &gpai.NAList[string]{Items: md.BaseModel}
		msg := "the base models, as dependencies"
		if md.BaseModelRelation != "" {
			im.keys["base_model_relation"] = true
			msg += fmt.Sprintf(" (relation: %s)", md.BaseModelRelation)
		}
		im.mapped(6, "front matter: base_model", "%s; add each one's version if the card does not name it", msg)
	case strings.HasPrefix(strings.ToUpper(deps), "N/A"):
		d.General.Dependencies = &gpai.NAList[string]{NA: naReason(deps)}
		im.mapped(6, depSrc, "not applicable")
	case deps != "":
		d.General.Dependencies = &gpai.NAList[string]{Items: splitList(deps)}
		im.mapped(6, depSrc, "the base models, as dependencies")
	}

	// Model properties (items 7-14).
	if v, src := bullet("Model type", "Model architecture"); v != "" {
		d.Properties.Architecture = v
		im.mapped(7, src, "the model type, as the general description of the architecture")
	}
	if v, src := im.section("Model Architecture and Objective", "Model Architecture", "Architecture"); v != "" {
		d.Properties.DesignSpecifications = v
		im.mapped(8, src, "the architecture and objective, as the design specifications")
		if d.Properties.Architecture == "" {
			im.skipped(7, src, "no short \"Model type\" in the card: write a one-line description (about 20 words) of the architecture")
		}
	}
	in, out := modalitiesFromBullets(bullet)
	if len(in)+len(out) > 0 && md.PipelineTag != "" {
		im.keys["pipeline_tag"] = true
	}
	if len(in) == 0 && len(out) == 0 && md.PipelineTag != "" {
		im.keys["pipeline_tag"] = true
		if p, ok := pipelines[md.PipelineTag]; ok {
			in, out = p.in, p.out
			im.mapped(9, "front matter: pipeline_tag", "input modalities %s from the task %s", strings.Join(in, ", "), md.PipelineTag)
			im.mapped(11, "front matter: pipeline_tag", "output modalities %s from the task %s", strings.Join(out, ", "), md.PipelineTag)
		} else {
			im.skipped(9, "front matter: pipeline_tag", "the task %q does not tell the modalities; gpai derives them from gpai.yaml", md.PipelineTag)
		}
	} else if len(in)+len(out) > 0 {
		im.mapped(9, "Model Description: Input modalities", "input modalities")
		im.mapped(11, "Model Description: Output modalities", "output modalities")
	}
	d.Properties.InputModalities, d.Properties.OutputModalities = in, out
	for _, ms := range []struct {
		item  int
		title string
		dst   *map[string]string
	}{{10, "Maximum Input Size", &d.Properties.InputMaxSize}, {12, "Maximum Output Size", &d.Properties.OutputMaxSize}} {
		if v, src := im.section(ms.title); v != "" {
			m := map[string]string{}
			for _, row := range tableRows(v) {
				if len(row) >= 2 {
					if mod := docModality(row[0]); mod != "" {
						m[mod] = row[1]
					}
				}
			}
			if len(m) > 0 {
				*ms.dst = m
				im.mapped(ms.item, src, "maximum size per modality")
			}
		}
	}
	if v, src := bullet("Total model size", "Parameters", "Number of parameters", "Model size"); v != "" {
		if f, ok := parseFigure(v); ok && f.Value >= 1e3 {
			d.Properties.Parameters = f
			im.mapped(13, src, "parameter count %s", f.Scientific())
		} else if f, ok := parseCount(v); ok {
			d.Properties.Parameters = f
			im.mapped(13, src, "parameter count %s (from %q; check its significant figures)", f.Scientific(), v)
		} else {
			im.skipped(13, src, "%q is not a parameter count", v)
		}
	}
	if v, src := bullet("Total model size (range)"); v != "" {
		r := strings.TrimSpace(strings.TrimSuffix(v, "parameters"))
		for _, b := range gpai.ParameterBins {
			if r == b.Label {
				d.Properties.ParameterRange = r
				im.mapped(14, src, "parameter range %s", r)
			}
		}
	}

	// Distribution and licences (items 15-19).
	if v, src := im.section("Distribution Channels"); v != "" {
		for _, row := range tableRows(v) {
			ch := gpai.Channel{Method: row[0]}
			if len(row) > 1 {
				ch.Link = row[1]
			}
			if len(row) > 2 {
				ch.Access = row[2]
			}
			if ch.Method != "" {
				d.Distribution.Channels = append(d.Distribution.Channels, ch)
			}
		}
		if len(d.Distribution.Channels) > 0 {
			im.mapped(15, src, "distribution channels")
		}
	}
	if v, src := im.section("Distribution Channels for Downstream Providers"); v != "" {
		d.Distribution.DPChannels = listItems(v)
		im.mapped(16, src, "distribution channels for downstream providers")
	}
	if v, src := bullet("License (link)", "Licence (link)"); v != "" {
		d.Distribution.Licence = v
		im.mapped(17, src, "the licence")
	}
	licBullet, licSrc := bullet("License", "Licence")
	im.licence(licBullet, licSrc)
	if v, src := im.section("Additional Assets"); v != "" {
		if strings.HasPrefix(strings.ToUpper(v), "N/A") {
			d.Distribution.AdditionalAssets = &gpai.NAList[gpai.Asset]{NA: naReason(v)}
		} else {
			l := &gpai.NAList[gpai.Asset]{}
			for _, row := range tableRows(v) {
				a := gpai.Asset{Asset: row[0]}
				if len(row) > 1 {
					a.Access = row[1]
				}
				if len(row) > 2 {
					a.Licence = row[2]
				}
				if a.Asset != "" && a.Access != "" {
					l.Items = append(l.Items, a)
				}
			}
			if len(l.Items) > 0 {
				d.Distribution.AdditionalAssets = l
			}
		}
		if d.Distribution.AdditionalAssets != nil {
			im.mapped(19, src, "additional assets")
		}
	}

	// Use (items 20-25).
	if v, src := im.section("Acceptable Use Policy"); v != "" {
		d.Use.AcceptableUsePolicy = v
		im.mapped(20, src, "acceptable use policy")
	}
	direct, dsrc := im.section("Direct Use", "Intended Uses", "Intended Use")
	outScope, osrc := im.section("Out-of-Scope Use", "Out of Scope Use", "Misuse and Out-of-scope Use", "Out-of-Scope Uses")
	switch {
	case direct != "" && outScope != "":
		d.Use.IntendedUses = direct + "\n\nOut of scope: " + outScope
		im.mapped(21, dsrc+" and "+osrc, "intended uses, with the out-of-scope uses as restricted uses")
	case direct != "":
		d.Use.IntendedUses = direct
		im.mapped(21, dsrc, "intended uses")
	case outScope != "":
		d.Use.IntendedUses = "Out of scope: " + outScope
		im.mapped(21, osrc, "the out-of-scope uses, as restricted uses; add the intended uses")
	default:
		if s := c.Find("Uses", "Intended Uses & Limitations", "Intended uses and limitations"); s != nil && Clean(s.Body) != "" {
			im.used[s] = true
			d.Use.IntendedUses = Clean(s.Body)
			im.mapped(21, "## "+s.Title, "intended uses")
		}
	}
	if v, src := im.section("Downstream Use"); v != "" {
		d.Use.IntegrationTypes = v
		im.mapped(22, src, "downstream use, as the types of AI systems the model can be integrated into")
	}
	if s := c.Find("Uses"); s != nil {
		im.used[s] = true
	}
	if v, src := im.section("How to Get Started with the Model", "How to Get Started", "Usage", "How to use"); v != "" {
		d.Use.IntegrationMeans = strings.TrimSpace(strings.TrimPrefix(v, "Use the code below to get started with the model."))
		if d.Use.IntegrationMeans != "" {
			im.mapped(23, src, "instructions, as the technical means for integration")
		}
	}
	im.hardwareSoftware()

	// Training (items 26-27) and data (items 28-36).
	if v, src := im.section("Training Procedure"); v != "" {
		d.Training.Design = v
		im.mapped(26, src, "training procedure, as the design specifications of the training process")
	}
	if v, src := im.section("Training Hyperparameters"); v != "" {
		d.Training.Design = joinPara(d.Training.Design, v)
		im.mapped(26, src, "training hyperparameters, appended to the design specifications")
	}
	if v, src := im.section("Decision Rationale"); v != "" {
		d.Training.Rationale = v
		im.mapped(27, src, "decision rationale")
	}
	im.data()
	if v, src := im.section("Preprocessing", "Data Curation", "Data Curation Methodologies"); v != "" {
		d.Data.Curation = v
		im.mapped(34, src, "preprocessing, as the data curation methodologies")
	}
	if v, src := im.section("Measures to Detect Unsuitable Data Sources"); v != "" {
		d.Data.Unsuitability = v
		im.mapped(35, src, "measures against unsuitable data sources")
	}
	if v, src := im.section("Measures to Detect Identifiable Biases"); v != "" {
		d.Data.Biases = v
		im.mapped(36, src, "measures against identifiable biases")
	}

	// Compute and energy (items 37-45).
	im.compute()
	im.leftovers(details, labels)
	sort.SliceStable(im.notes, func(i, j int) bool {
		a, b := im.notes[i], im.notes[j]
		if a.Mapped != b.Mapped {
			return a.Mapped
		}
		ka, kb := a.Item, b.Item
		if ka == 0 {
			ka = 1000
		}
		if kb == 0 {
			kb = 1000
		}
		return ka < kb
	})
	for _, w := range c.Warnings {
		im.notes = append(im.notes, Note{Source: "front matter", Message: w})
	}
	return d, im.notes
}

func (im *importer) modelName(bullet func(...string) (string, string)) (string, string) {
	md := im.c.Metadata
	if md.ModelName != "" {
		im.keys["model_name"] = true
	}
	if v, src := bullet("Model name"); v != "" {
		return v, src
	}
	if md.ModelName != "" {
		return md.ModelName, "front matter: model_name"
	}
	for _, mi := range md.ModelIndex {
		if mi.Name != "" {
			return mi.Name, "front matter: model-index[0].name"
		}
	}
	if t := im.c.Title; t != "" {
		t = strings.TrimSpace(strings.TrimPrefix(t, "Model Card for"))
		t = strings.TrimSpace(strings.TrimPrefix(t, "Model card for"))
		if t != "" && !strings.Contains(t, "{{") && t != "Model ID" {
			return t, "# " + im.c.Title
		}
	}
	return "", ""
}

// licence maps the licence: the Hub identifier (and license_name,
// license_link for "other") to item 17, and its category to item 18.
func (im *importer) licence(bulletText, bulletSrc string) {
	md := im.c.Metadata
	dist := &im.d.Distribution
	id := md.License
	if id != "" {
		im.keys["license"] = true
		im.keys["license_name"], im.keys["license_link"] = true, true
		if dist.Licence == "" {
			s := id
			if id == "other" {
				s = strings.TrimSpace(md.LicenseName + " " + md.LicenseLink)
				if s == "" {
					s = "other"
				}
			} else if md.LicenseLink != "" {
				s += " " + md.LicenseLink
			}
			dist.Licence = s
			im.mapped(17, "front matter: license", "licence %s; give a link to the licence text", s)
		}
	}
	cat, note := "", ""
	if bulletText != "" {
		c, rest, _ := strings.Cut(bulletText, ":")
		c = strings.TrimSpace(c)
		for _, x := range gpai.DPLicences {
			if c == x {
				cat, note = c, strings.TrimSpace(rest)
			}
		}
	}
	if cat == "" && md.LicenseName != "" && id == "other" {
		for _, x := range gpai.DPLicences {
			if md.LicenseName == x {
				cat = x
			}
		}
	}
	if cat == "" {
		cat = licenceCategory(id)
	}
	if cat == "" && bulletText != "" && id == "" {
		cat = licenceCategory(strings.ToLower(bulletText))
	}
	if cat != "" {
		dist.DPLicence, dist.DPLicenceNote = cat, note
		src := bulletSrc
		if src == "" {
			src = "front matter: license"
		}
		im.mapped(18, src, "licence category %s", cat)
	} else if id != "" || bulletText != "" {
		im.skipped(18, "front matter: license", "gpai cannot tell the category of licence %q: choose one of %s", def(id, bulletText), strings.Join(gpai.DPLicences, ", "))
	}
}

func (im *importer) hardwareSoftware() {
	d := im.d
	if v, src := im.section("Required Hardware"); v != "" {
		d.Use.Hardware = v
		im.mapped(24, src, "required hardware")
	} else if v, src := im.section("Hardware"); v != "" {
		d.Use.Hardware = v
		im.mapped(24, src, "hardware; check that it is what running the model requires, not what trained it")
	}
	if v, src := im.section("Required Software"); v != "" {
		d.Use.Software = v
		im.mapped(25, src, "required software")
	} else if v, src := im.section("Software"); v != "" {
		d.Use.Software = v
		im.mapped(25, src, "software; check that it is what running the model requires, with versions")
	} else if lib := im.c.Metadata.LibraryName; lib != "" {
		im.keys["library_name"] = true
		d.Use.Software = lib + " (library_name of the model card; state the version required)"
		im.mapped(25, "front matter: library_name", "the library, as required software; add its version")
	}
}

func (im *importer) data() {
	d, md := im.d, im.c.Metadata
	s := im.c.Find("Training Data")
	var b map[string]string
	body := ""
	if s != nil {
		im.used[s] = true
		b = Bullets(s.Body)
		body = prose(s.Body)
	}
	if v := b[normTitle("Data type/modality")]; v != "" {
		for _, m := range splitList(v) {
			if mod := docModality(m); mod != "" && !contains(d.Data.Modalities, mod) {
				d.Data.Modalities = append(d.Data.Modalities, mod)
			}
		}
		im.mapped(28, "Training Data: Data type/modality", "data modalities")
	}
	if v := b[normTitle("Data provenance")]; v != "" {
		for _, p := range splitList(v) {
			if contains(gpai.Provenances, p) && !contains(d.Data.Provenance, p) {
				d.Data.Provenance = append(d.Data.Provenance, p)
			}
		}
		im.mapped(29, "Training Data: Data provenance", "data provenance")
	}
	if v, src := im.section("How Data Was Obtained and Selected"); v != "" {
		d.Data.Acquisition = v
		im.mapped(30, src, "how the data was obtained and selected")
	} else if body != "" {
		d.Data.Acquisition = body
		im.mapped(30, "## "+s.Title, "the training data's description, as how the data was obtained and selected; move what describes the data's scope to item 33")
	}
	if len(md.Datasets) > 0 {
		im.keys["datasets"] = true
		if !contains(d.Data.Provenance, "publicly-available") {
			d.Data.Provenance = append(d.Data.Provenance, "publicly-available")
			im.mapped(29, "front matter: datasets", "publicly-available, since the card names datasets on the Hugging Face Hub; add the other sources")
		}
		d.Data.Acquisition = joinPara(d.Data.Acquisition, "Publicly available datasets from the Hugging Face Hub: "+strings.Join(md.Datasets, ", ")+".")
		im.mapped(30, "front matter: datasets", "the datasets named, appended to how the data was obtained")
	}
	for _, p := range []struct {
		item  int
		title string
		dst   **gpai.DataPoints
	}{{32, "Number of Data Points", &d.Data.Points}, {31, "Number of Data Points (Order of Magnitude)", &d.Data.PointsNCA}} {
		if v, src := im.section(p.title); v != "" {
			dp := &gpai.DataPoints{}
			for _, row := range tableRows(v) {
				if len(row) < 2 {
					continue
				}
				f, unit, ok := figureUnit(row[1])
				if !ok {
					continue
				}
				dp.Unit = unit
				switch strings.ToLower(row[0]) {
				case "training":
					dp.Training = f
				case "testing":
					dp.Testing = f
				case "validation":
					dp.Validation = f
				}
			}
			if dp.Unit != "" {
				*p.dst = dp
				im.mapped(p.item, src, "number of data points")
			}
		}
	}
	if v, src := im.section("Scope and Main Characteristics"); v != "" {
		d.Data.Scope = v
		im.mapped(33, src, "scope and main characteristics of the data")
	} else if len(md.Language) > 0 {
		im.keys["language"] = true
		d.Data.Scope = "Languages: " + strings.Join(md.Language, ", ") + "."
		im.mapped(33, "front matter: language", "the model's languages, as the data's language coverage; add its domains, geography and modalities")
	}
}

func (im *importer) compute() {
	d, md := im.d, im.c.Metadata
	c := &d.Compute
	speeds := map[string]string{}
	if s := im.c.Find("Speeds, Sizes, Times"); s != nil {
		im.used[s] = true
		speeds = Bullets(s.Body)
		if p := prose(s.Body); p != "" {
			im.skipped(0, "## "+s.Title, "speeds, sizes and times have no item of their own; use them for items 37-38 (training time)")
		}
	}
	if v := speeds["period measured"]; v != "" {
		c.Period = v
		im.mapped(38, "Speeds, Sizes, Times: Period measured", "the period measured")
	}
	if v := speeds[normTitle("Training time (range)")]; v != "" && contains(gpai.TimeRanges, v) {
		c.TimeRange = v
		im.mapped(37, "Speeds, Sizes, Times: Training time (range)", "training-time range")
	}
	if v := speeds[normTitle("Training time (wall-clock days)")]; v != "" {
		if f, ok := parseFigure(v); ok {
			c.WallClockDays = f
			im.mapped(38, "Speeds, Sizes, Times: Training time (wall-clock days)", "wall-clock days")
		}
	}
	if s := im.c.Find("Speeds, Sizes, Times"); s != nil {
		for _, row := range tableRows(Clean(s.Body)) {
			if len(row) < 2 {
				continue
			}
			if f, ok := parseFigure(row[1]); ok {
				c.HardwareDays = append(c.HardwareDays, gpai.HardwareDays{Hardware: row[0], Days: *f})
			}
		}
		if len(c.HardwareDays) > 0 {
			im.mapped(38, "Speeds, Sizes, Times: table", "hardware days")
		}
	}
	tc := map[string]string{}
	if s := im.c.Find("Training Compute"); s != nil {
		im.used[s] = true
		tc = Bullets(s.Body)
	}
	if v := tc[normTitle("Amount of computation (order of magnitude)")]; v != "" {
		if f, ok := parseFigure(v); ok && f.Value > 0 {
			e := int(math.Round(math.Log10(f.Value)))
			c.FLOPMagnitude = &e
			im.mapped(39, "Training Compute", "order of magnitude 10^%d", e)
		}
	}
	if v := tc[normTitle("Amount of computation")]; v != "" {
		if f, ok := parseFigure(v); ok {
			c.TrainingFLOP = f
			im.mapped(40, "Training Compute", "training compute %s FLOP", f.Scientific())
		}
	}
	if v := tc[normTitle("Measurement methodology")]; v != "" {
		c.FLOPMethodology = v
		im.mapped(41, "Training Compute", "compute measurement methodology")
	}

	env := map[string]string{}
	envSrc := ""
	if s := im.c.Find("Environmental Impact"); s != nil {
		im.used[s] = true
		env = Bullets(s.Body)
		envSrc = "Environmental Impact: "
	}
	e := &d.Energy
	if v := env[normTitle("Energy used for training")]; v != "" {
		if strings.HasPrefix(strings.ToUpper(v), "N/A") {
			e.TrainingNA = naReason(v)
			im.mapped(42, envSrc+"Energy used for training", "not applicable")
		} else if f, ok := energyMWh(v); ok {
			e.TrainingMWh = f
			im.mapped(42, envSrc+"Energy used for training", "%s MWh", f.Scientific())
		}
	} else {
		for _, k := range []string{"energy consumption", "energy consumed", "energy", "electricity consumption", "power consumption"} {
			if v := env[k]; v != "" {
				if f, ok := energyMWh(v); ok {
					e.TrainingMWh = f
					im.mapped(42, envSrc+k, "%s MWh (converted from %q; check it is the training energy)", f.Scientific(), v)
					break
				}
			}
		}
	}
	for _, x := range []struct {
		item int
		key  string
		dst  *string
	}{{43, "Energy measurement methodology", &e.Methodology}, {45, "Inference measurement methodology", &e.InferenceMethodology}} {
		if v := env[normTitle(x.key)]; v != "" {
			*x.dst = v
			im.mapped(x.item, envSrc+x.key, "methodology")
		}
	}
	if v := env[normTitle("Inference compute")]; v != "" {
		if f, ok := parseFigure(v); ok {
			e.InferenceFLOP = f
			im.mapped(44, envSrc+"Inference compute", "%s FLOP", f.Scientific())
		}
	}
	hw := env[normTitle("Hardware Type")]
	hours := env[normTitle("Hours used")]
	if len(c.HardwareDays) == 0 && hw != "" {
		if f, ok := parseFigure(hours); ok && f.Value > 0 {
			days := f.Value / 24
			c.HardwareDays = []gpai.HardwareDays{{Hardware: hw, Days: gpai.Figure{Value: gpai.RoundSig(days, 2), Text: gpai.FormatFLOP(days, 2)}}}
			im.mapped(38, envSrc+"Hardware Type, Hours used", "%s hours of %s as %s hardware days; if the hours are wall-clock time rather than hardware time, move them to compute.wall_clock_days", hours, hw, gpai.FormatFLOP(days, 2))
		} else {
			im.skipped(38, envSrc+"Hardware Type", "the hardware %q without its hours; give the hardware days", hw)
		}
	} else if hw != "" || hours != "" {
		im.skipped(38, envSrc+"Hardware Type, Hours used", "already given as hardware days")
	}
	if v := env[normTitle("Cloud Provider")]; v != "" {
		im.skipped(0, envSrc+"Cloud Provider", "%s: the form has no item for it; it may help estimate energy (item 42)", v)
	}
	if v := env[normTitle("Compute Region")]; v != "" {
		im.skipped(0, envSrc+"Compute Region", "%s: the form has no item for it", v)
	}
	if v := env[normTitle("Carbon Emitted")]; v != "" {
		im.skipped(42, envSrc+"Carbon Emitted", "%s: the form asks for energy in MWh, not emissions; emissions cannot be converted without the grid's carbon intensity", v)
	}
	if co2 := md.CO2; co2 != nil {
		im.keys["co2_eq_emissions"] = true
		msg := fmt.Sprintf("%g g CO2eq", co2.Emissions)
		if co2.Source != "" {
			msg += " (source: " + co2.Source + ")"
		}
		im.skipped(42, "front matter: co2_eq_emissions", "%s: the form asks for energy in MWh (item 42) with its methodology (item 43), not emissions", msg)
		if co2.HardwareUsed != "" && len(c.HardwareDays) == 0 {
			im.skipped(38, "front matter: co2_eq_emissions.hardware_used", "%s: give its hardware days", co2.HardwareUsed)
		}
	}
}

// leftovers notes the card's content that found no item.
func (im *importer) leftovers(details, labels map[string]string) {
	var keys []string
	for k := range details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		im.skipped(0, "Model Description: "+labels[k], "%q has no item in the form", details[k])
	}
	md := im.c.Metadata
	for _, k := range md.Keys {
		if im.keys[k] {
			continue
		}
		switch k {
		case "model-index":
			n := 0
			for _, mi := range md.ModelIndex {
				n += len(mi.Results)
			}
			im.skipped(0, "front matter: model-index", "%d evaluation result(s): the form has no item for evaluations (for systemic-risk models they belong to the Safety and Security Model Report)", n)
		case "tags", "metrics", "thumbnail", "widget", "inference", "new_version":
			im.skipped(0, "front matter: "+k, "no item in the form")
		default:
			im.skipped(0, "front matter: "+k, "no item in the form")
		}
	}
	for i := range im.c.Sections {
		s := &im.c.Sections[i]
		if im.used[s] || s.Level == 1 || Clean(s.Body) == "" {
			continue
		}
		msg := "no item in the form"
		switch normTitle(s.Title) {
		case "bias risks and limitations", "recommendations", "limitations":
			msg = "the model's risks and limitations have no item in the form; downstream providers may ask for them (Measure 1.2); gpai doc export --to cyclonedx carries them as technicalLimitations only from the form"
		case "evaluation", "results", "testing data", "metrics", "factors", "summary", "testing data factors metrics":
			msg = "evaluations have no item in the form"
		case "model card contact", "contact":
			msg = "the contact belongs in gpai.yaml (provider.contact), published as Measure 1.2 asks"
		}
		im.skipped(0, strings.Repeat("#", s.Level)+" "+s.Title, "%s", msg)
	}
}

// pipelines maps Hub pipeline tags to the form's modalities.
var pipelines = map[string]struct{ in, out []string }{
	"text-generation":                {[]string{"text"}, []string{"text"}},
	"text2text-generation":           {[]string{"text"}, []string{"text"}},
	"summarization":                  {[]string{"text"}, []string{"text"}},
	"translation":                    {[]string{"text"}, []string{"text"}},
	"question-answering":             {[]string{"text"}, []string{"text"}},
	"fill-mask":                      {[]string{"text"}, []string{"text"}},
	"text-classification":            {[]string{"text"}, []string{"text"}},
	"token-classification":           {[]string{"text"}, []string{"text"}},
	"zero-shot-classification":       {[]string{"text"}, []string{"text"}},
	"feature-extraction":             {[]string{"text"}, []string{"other"}},
	"sentence-similarity":            {[]string{"text"}, []string{"other"}},
	"image-text-to-text":             {[]string{"text", "images"}, []string{"text"}},
	"visual-question-answering":      {[]string{"text", "images"}, []string{"text"}},
	"image-to-text":                  {[]string{"images"}, []string{"text"}},
	"text-to-image":                  {[]string{"text"}, []string{"images"}},
	"image-to-image":                 {[]string{"images"}, []string{"images"}},
	"image-classification":           {[]string{"images"}, []string{"text"}},
	"text-to-speech":                 {[]string{"text"}, []string{"audio"}},
	"text-to-audio":                  {[]string{"text"}, []string{"audio"}},
	"automatic-speech-recognition":   {[]string{"audio"}, []string{"text"}},
	"audio-classification":           {[]string{"audio"}, []string{"text"}},
	"audio-text-to-text":             {[]string{"text", "audio"}, []string{"text"}},
	"text-to-video":                  {[]string{"text"}, []string{"video"}},
	"image-to-video":                 {[]string{"images"}, []string{"video"}},
	"video-text-to-text":             {[]string{"text", "video"}, []string{"text"}},
	"any-to-any":                     {[]string{"other"}, []string{"other"}},
	"zero-shot-image-classification": {[]string{"images", "text"}, []string{"text"}},
}

func modalitiesFromBullets(bullet func(...string) (string, string)) (in, out []string) {
	conv := func(v string) []string {
		var l []string
		for _, m := range splitList(v) {
			if mod := docModality(m); mod != "" && !contains(l, mod) {
				l = append(l, mod)
			}
		}
		return l
	}
	a, _ := bullet("Input modalities")
	b, _ := bullet("Output modalities")
	return conv(a), conv(b)
}

// docModality maps a modality as people write it to the form's check box.
func docModality(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "text", "code", "texts":
		return "text"
	case "image", "images", "vision":
		return "images"
	case "audio", "speech", "sound", "music":
		return "audio"
	case "video", "videos":
		return "video"
	case "other":
		return "other"
	}
	return ""
}

// licenceCategory returns the licence category of item 18 for a Hub
// licence identifier, or "" when it cannot tell.
func licenceCategory(id string) string {
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "cc-by-nc"), strings.HasPrefix(id, "cc-by-nd"), strings.Contains(id, "openrail"),
		strings.HasPrefix(id, "llama"), strings.HasPrefix(id, "gemma"), id == "deepfloyd-if-license", id == "bigscience-bloom-rail-1.0",
		id == "creativeml-openrail-m", id == "bigcode-openrail-m", id == "c-uda", id == "apple-ascl", id == "intel-research", id == "lgpl-lr":
		return "restricted"
	case id == "apache-2.0", id == "mit", strings.HasPrefix(id, "bsd"), strings.HasPrefix(id, "gpl"), strings.HasPrefix(id, "lgpl"),
		strings.HasPrefix(id, "agpl"), id == "mpl-2.0", id == "cc-by-4.0", id == "cc-by-sa-4.0", id == "cc-by-3.0", id == "cc-by-sa-3.0", id == "cc0-1.0",
		id == "unlicense", id == "isc", id == "zlib", id == "artistic-2.0", id == "epl-2.0", id == "epl-1.0", id == "eupl-1.1", id == "eupl-1.2",
		id == "ecl-2.0", id == "afl-3.0", id == "osl-3.0", id == "pddl", id == "odc-by", id == "odbl", id == "wtfpl", id == "bsl-1.0", id == "postgresql", id == "ms-pl", id == "ncsa":
		return "free-and-open-source"
	}
	return ""
}

var (
	sciRE   = regexp.MustCompile(`^([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:(?:×|x|\*)\s*10\^?\s*([-+]?[0-9]+)|[eE]([-+]?[0-9]+))?`)
	countRE = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)\s*(k|thousand|m|million|b|billion|t|trillion)\b`)
	powRE   = regexp.MustCompile(`^10\^\s*([-+]?[0-9]+)`)
)

// parseFigure reads a number as the form writes it (7.0×10^10, 7.0e10,
// 131,072, 10^24) at the start of s, keeping its significant figures.
func parseFigure(s string) (*gpai.Figure, bool) {
	s = strings.TrimSpace(s)
	if m := powRE.FindStringSubmatch(s); m != nil {
		e, err := strconv.Atoi(m[1])
		if err != nil || e > 300 || e < -300 {
			return nil, false
		}
		return &gpai.Figure{Value: math.Pow(10, float64(e)), Text: "1e" + m[1]}, true
	}
	m := sciRE.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	mant := strings.ReplaceAll(m[1], ",", "")
	exp := m[2] + m[3]
	lit := mant
	if exp != "" {
		lit += "e" + strings.TrimPrefix(exp, "+")
	}
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, false
	}
	return &gpai.Figure{Value: v, Text: lit}, true
}

// parseCount reads "7B", "70 billion", "1.5T".
func parseCount(s string) (*gpai.Figure, bool) {
	m := countRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return nil, false
	}
	mult := map[string]float64{"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}[strings.ToLower(m[2])]
	v *= mult
	sig := len(strings.TrimLeft(strings.ReplaceAll(m[1], ".", ""), "0"))
	if sig < 1 {
		sig = 1
	}
	return &gpai.Figure{Value: v, Text: gpai.FormatFLOP(v, sig)}, true
}

// figureUnit reads "1.4×10^13 tokens" as the figure and its unit.
func figureUnit(s string) (*gpai.Figure, string, bool) {
	f, ok := parseFigure(s)
	if !ok {
		return nil, "", false
	}
	m := sciRE.FindString(strings.TrimSpace(s))
	if p := powRE.FindString(strings.TrimSpace(s)); p != "" {
		m = p
	}
	unit := strings.TrimSpace(strings.TrimSpace(s)[len(m):])
	return f, unit, unit != ""
}

// energyMWh reads an energy with its unit (Wh, kWh, MWh, GWh) in MWh.
func energyMWh(s string) (*gpai.Figure, bool) {
	f, unit, ok := figureUnit(s)
	if !ok {
		return nil, false
	}
	u := strings.ToLower(strings.Fields(unit)[0])
	scale := map[string]float64{"wh": 1e-6, "kwh": 1e-3, "mwh": 1, "gwh": 1e3}[u]
	if scale == 0 {
		return nil, false
	}
	if scale == 1 {
		return f, true
	}
	v := f.Value * scale
	n := f.SigFigs()
	return &gpai.Figure{Value: gpai.RoundSig(v, n), Text: gpai.FormatFLOP(v, n)}, true
}

var tableSepRE = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)

// tableRows returns the body rows of the first Markdown table in s, cells
// trimmed and unescaped; a list is read as rows of one cell.
func tableRows(s string) [][]string {
	var rows [][]string
	lines := strings.Split(s, "\n")
	inTable := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "|") {
			if inTable {
				break
			}
			continue
		}
		if tableSepRE.MatchString(t) {
			inTable = true
			continue
		}
		if !inTable {
			// The header row: skip it if a separator follows.
			if i+1 < len(lines) && tableSepRE.MatchString(strings.TrimSpace(lines[i+1])) {
				continue
			}
		}
		rows = append(rows, splitRow(t))
	}
	return rows
}

func splitRow(t string) []string {
	t = strings.TrimPrefix(strings.TrimSuffix(t, "|"), "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			b.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(t[i])
		}
	}
	cells = append(cells, strings.TrimSpace(b.String()))
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "<br>", "\n")
	}
	return cells
}

// listItems returns the items of a Markdown list, or the text's
// non-empty lines.
func listItems(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(listRE.ReplaceAllString(l, ""))
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func splitList(s string) []string {
	sep := ","
	if strings.Contains(s, ";") {
		sep = ";"
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func naReason(s string) string {
	r := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s)[3:], ":- "))
	if r == "" {
		return "not applicable"
	}
	return r
}

func joinPara(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func def(a, b string) string {
	if a == "" {
		return b
	}
	return a
}
