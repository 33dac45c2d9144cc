package gpai

// DataFile is the name of the dossier file that holds the training-data
// inventory.
const DataFile = "data.yaml"

// DataInventory is the content of data.yaml: the training data described
// in the structure of the Commission's template for the public summary of
// training content (Art 53(1)(d); C(2025) 5235). Optional fields are
// derived from gpai.yaml when omitted.
type DataInventory struct {
	Format     int            `json:"gpai"`
	Summary    SummaryHeader  `json:"summary"`
	General    DataGeneral    `json:"general"`
	Sources    DataSources    `json:"sources"`
	Processing DataProcessing `json:"processing"`
}

// SummaryHeader is the template's header.
type SummaryHeader struct {
	Version          string            `json:"version"`
	LastUpdate       *Date             `json:"last_update,omitempty"`
	PreviousVersions []PreviousVersion `json:"previous_versions,omitempty"`
}

// PreviousVersion links an earlier version of the summary.
type PreviousVersion struct {
	Version string `json:"version"`
	URL     string `json:"url,omitempty"`
	Date    *Date  `json:"date,omitempty"`
}

// DataGeneral is Section 1.2-1.3 of the template.
type DataGeneral struct {
	ModelVersions             []string                `json:"model_versions,omitempty"`
	Dependencies              []ModelDependency       `json:"dependencies,omitempty"`
	Modalities                map[string]DataModality `json:"modalities"`
	LatestAcquisition         string                  `json:"latest_acquisition"` // YYYY-MM
	ContinuouslyTrained       bool                    `json:"continuously_trained"`
	LinguisticCharacteristics string                  `json:"linguistic_characteristics"`
	OtherCharacteristics      string                  `json:"other_characteristics,omitempty"`
	Comments                  string                  `json:"comments,omitempty"`
}

// ModelDependency is a base model and where its own summary is published.
type ModelDependency struct {
	Model      string `json:"model"`
	SummaryURL string `json:"summary_url,omitempty"`
}

// DataModality describes the training data of one modality.
type DataModality struct {
	Size        DataSize `json:"size"`
	Content     string   `json:"content"`
	Description string   `json:"description,omitempty"`
}

// DataSize is a modality's training-data size: a count from which the
// template's band is derived, the band itself, or a size in another unit.
type DataSize struct {
	Tokens float64 `json:"tokens,omitempty"`
	Images float64 `json:"images,omitempty"`
	Hours  float64 `json:"hours,omitempty"`
	Band   string  `json:"band,omitempty"` // small, medium or large
	Value  float64 `json:"value,omitempty"`
	Unit   string  `json:"unit,omitempty"`
}

// DataSources is Section 2 of the template.
type DataSources struct {
	PublicDatasets PublicDatasets `json:"public_datasets"`
	Licensed       Licensed       `json:"licensed"`
	OtherPrivate   OtherPrivate   `json:"other_private"`
	Crawled        Crawled        `json:"crawled"`
	UserData       UserData       `json:"user_data"`
	Synthetic      Synthetic      `json:"synthetic"`
	Other          OtherSources   `json:"other"`
}

// A Dataset is a named dataset with where to find it.
type Dataset struct {
	Name        string      `json:"name"`
	URL         string      `json:"url,omitempty"`
	Description string      `json:"description,omitempty"`
	Modalities  []string    `json:"modalities,omitempty"`
	Period      *MonthRange `json:"period,omitempty"`
	Share       *float64    `json:"share,omitempty"`
}

// MonthRange is a period given in months, YYYY-MM.
type MonthRange struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// PublicDatasets is template item 2.1.
type PublicDatasets struct {
	Used       bool      `json:"used"`
	Modalities []string  `json:"modalities,omitempty"`
	Large      []Dataset `json:"large,omitempty"`
	Others     string    `json:"others,omitempty"`
	Comments   string    `json:"comments,omitempty"`
}

// Licensed is template item 2.2.1.
type Licensed struct {
	Used       bool     `json:"used"`
	Modalities []string `json:"modalities,omitempty"`
	Comments   string   `json:"comments,omitempty"`
}

// OtherPrivate is template item 2.2.2.
type OtherPrivate struct {
	Used        bool      `json:"used"`
	Modalities  []string  `json:"modalities,omitempty"`
	Known       []Dataset `json:"known,omitempty"`
	Description string    `json:"description,omitempty"`
	Comments    string    `json:"comments,omitempty"`
}

// Crawler names a crawler used to collect training data.
type Crawler struct {
	Name      string `json:"name"`
	UserAgent string `json:"user_agent,omitempty"`
	Purpose   string `json:"purpose,omitempty"`
}

// Crawled is template item 2.3.
type Crawled struct {
	Used          bool        `json:"used"`
	Crawlers      []Crawler   `json:"crawlers,omitempty"`
	Purposes      string      `json:"purposes,omitempty"`
	Behaviour     string      `json:"behaviour,omitempty"`
	Period        *MonthRange `json:"period,omitempty"`
	Content       string      `json:"content,omitempty"`
	Modalities    []string    `json:"modalities,omitempty"`
	Statistics    []string    `json:"statistics,omitempty"`
	DomainListURL string      `json:"domain_list_url,omitempty"`
	Comments      string      `json:"comments,omitempty"`
}

// UserData is template item 2.4.
type UserData struct {
	ModelInteractions bool     `json:"model_interactions"`
	OtherServices     bool     `json:"other_services"`
	Description       string   `json:"description,omitempty"`
	Modalities        []string `json:"modalities,omitempty"`
	Comments          string   `json:"comments,omitempty"`
}

// Synthetic is template item 2.5.
type Synthetic struct {
	Used        bool         `json:"used"`
	Modalities  []string     `json:"modalities,omitempty"`
	Models      []NamedModel `json:"models,omitempty"`
	OtherModels string       `json:"other_models,omitempty"`
	Comments    string       `json:"comments,omitempty"`
}

// NamedModel is a model that generated synthetic data, and where its own
// summary is published.
type NamedModel struct {
	Name       string `json:"name"`
	SummaryURL string `json:"summary_url,omitempty"`
}

// OtherSources is template item 2.6.
type OtherSources struct {
	Used        bool   `json:"used"`
	Description string `json:"description,omitempty"`
	Comments    string `json:"comments,omitempty"`
}

// DataProcessing is Section 3 of the template.
type DataProcessing struct {
	Signatory      *bool  `json:"signatory,omitempty"`
	TDMMeasures    string `json:"tdm_measures"`
	TDMComments    string `json:"tdm_comments,omitempty"`
	IllegalContent string `json:"illegal_content"`
	Other          string `json:"other,omitempty"`
}

// SizeBands are the template's three size bands per modality, with the
// unit the count is in and the bounds between the bands.
var SizeBands = map[string]struct {
	Unit   string
	Bounds [2]float64
	Labels [3]string
}{
	"text":  {"tokens", [2]float64{1e9, 1e13}, [3]string{"Less than 1 billion tokens", "1 billion to 10 trillion tokens", "More than 10 trillion tokens"}},
	"image": {"images", [2]float64{1e6, 1e9}, [3]string{"Less than 1 million images", "1 million to 1 billion images", "More than 1 billion images"}},
	"audio": {"hours", [2]float64{1e4, 1e6}, [3]string{"Less than 10,000 hours", "10,000 to 1 million hours", "More than 1 million hours"}},
	"video": {"hours", [2]float64{1e4, 1e6}, [3]string{"Less than 10,000 hours", "10,000 to 1 million hours", "More than 1 million hours"}},
}

var bandNames = [3]string{"small", "medium", "large"}

// Band returns the template band ("small", "medium", "large") of count in
// the modality, and its label. A count on a bound falls in the band above
// it, as "1 billion to 10 trillion" includes 1 billion.
func Band(modality string, count float64) (band, label string, ok bool) {
	b, ok := SizeBands[modality]
	if !ok {
		return "", "", false
	}
	i := 0
	switch {
	case count > b.Bounds[1]:
		i = 2
	case count >= b.Bounds[0]:
		i = 1
	}
	return bandNames[i], b.Labels[i], true
}

// BandLabel returns the template's label for a band of a modality.
func BandLabel(modality, band string) (string, bool) {
	b, ok := SizeBands[modality]
	if !ok {
		return "", false
	}
	for i, n := range bandNames {
		if n == band {
			return b.Labels[i], true
		}
	}
	return "", false
}

// Count returns the count the size states in the modality's unit.
func (s DataSize) Count(modality string) (float64, bool) {
	switch SizeBands[modality].Unit {
	case "tokens":
		return s.Tokens, s.Tokens > 0
	case "images":
		return s.Images, s.Images > 0
	case "hours":
		return s.Hours, s.Hours > 0
	}
	return 0, false
}
