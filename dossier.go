package gpai

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// DossierVersion is the version of the gpai.yaml format this package reads.
const DossierVersion = 1

// A Dossier is a model's compliance folder as loaded: the facts of
// gpai.yaml and the names of the other files present.
type Dossier struct {
	Dir   string          // folder the dossier was read from
	Facts *Facts          // gpai.yaml
	Files map[string]bool // every regular file in the folder, by slash path
	// Positions maps a field path of gpai.yaml ("model.parameters") to where
	// it is written, so findings can point at it.
	Positions map[string]Position
}

// Pos returns the position of the field at path in gpai.yaml, or of its
// nearest written ancestor, or of the file itself.
func (d *Dossier) Pos(path string) Position {
	for p := path; ; {
		if pos, ok := d.Positions[p]; ok {
			return pos
		}
		i := lastSep(p)
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Position{File: filepath.Join(d.Dir, FactsFile)}
}

func lastSep(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return i
		}
	}
	return -1
}

// FactsFile is the name of the file that holds a model's facts.
const FactsFile = "gpai.yaml"

// Facts is the content of gpai.yaml: what the provider states about itself
// and the model. Optional facts are pointers or empty; unknown is not false.
type Facts struct {
	Format       int             `json:"gpai"`
	Provider     Provider        `json:"provider"`
	Model        Model           `json:"model"`
	Dates        Dates           `json:"dates"`
	Compute      *ComputeInputs  `json:"compute,omitempty"`
	Licence      *Licence        `json:"licence,omitempty"`
	Openness     *Openness       `json:"openness,omitempty"`
	Modification *Modification   `json:"modification,omitempty"`
	Designation  *Designation    `json:"designation,omitempty"`
	Rebuttal     *Rebuttal       `json:"rebuttal,omitempty"`
	Assessment   *Assessment     `json:"assessment,omitempty"`
	Code         *CodeOfPractice `json:"code_of_practice,omitempty"`
}

// Provider is the organisation that develops the model, or has it
// developed, and places it on the market under its own name (Art 3(3)).
type Provider struct {
	Name    string `json:"name"`
	Country string `json:"country"` // ISO 3166-1 alpha-2 of its establishment
	// Size is the enterprise size: micro, small, medium (the three together
	// are SMEs, Recommendation 2003/361/EC), small-mid-cap, or large.
	Size                     string                    `json:"size"`
	Contact                  *Contact                  `json:"contact,omitempty"`
	AuthorisedRepresentative *AuthorisedRepresentative `json:"authorised_representative,omitempty"`
}

// Contact is how the AI Office and downstream providers reach a provider.
type Contact struct {
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// AuthorisedRepresentative is the EU representative that a provider
// established in a third country mandates in writing (Art 54).
type AuthorisedRepresentative struct {
	Name        string `json:"name"`
	Country     string `json:"country"`
	Contact     string `json:"contact,omitempty"`
	MandateDate *Date  `json:"mandate_date,omitempty"`
}

// Model identifies the model and states its technical facts.
type Model struct {
	Name          string     `json:"name"`
	Family        string     `json:"family,omitempty"`
	Version       string     `json:"version"`
	Versions      []Version  `json:"versions,omitempty"`
	Description   string     `json:"description,omitempty"`
	Parameters    float64    `json:"parameters,omitempty"`
	Architecture  string     `json:"architecture,omitempty"`
	ContextLength int        `json:"context_length,omitempty"`
	Modalities    Modalities `json:"modalities"`
}

// A Version is one released version of the model.
type Version struct {
	Version string `json:"version"`
	Date    *Date  `json:"date,omitempty"`
	Notes   string `json:"notes,omitempty"`
}

// Modalities are the kinds of input the model takes and output it produces.
type Modalities struct {
	Input  []string `json:"input"`
	Output []string `json:"output"`
}

// Dates are the model's lifecycle dates. Planned dates may be in the future.
type Dates struct {
	TrainingStart  *Date `json:"training_start,omitempty"`  // start of the large pre-training run
	FirstRelease   *Date `json:"first_release,omitempty"`   // first made available anywhere
	EUPlacement    *Date `json:"eu_placement,omitempty"`    // first placed on the Union market
	ThresholdKnown *Date `json:"threshold_known,omitempty"` // known to meet the systemic-risk threshold
	Notified       *Date `json:"notified,omitempty"`        // Commission notified under Art 52(1)
	Withdrawn      *Date `json:"withdrawn,omitempty"`       // withdrawn from the Union market
}

// Openness states how freely the model is released (Art 53(2)).
type Openness struct {
	WeightsPublic      bool     `json:"weights_public"`
	ArchitecturePublic bool     `json:"architecture_public"`
	UsagePublic        bool     `json:"usage_public"`
	Monetised          bool     `json:"monetised"`
	Monetisation       []string `json:"monetisation,omitempty"`
}

// Modification describes how the model derives from other models; its
// presence makes the dossier's organisation a downstream modifier, and the
// compute section then states the compute of the modification alone.
type Modification struct {
	Kind            string      `json:"kind"`
	ControlsWeights *bool       `json:"controls_weights,omitempty"`
	BaseModels      []BaseModel `json:"base_models"`
}

// A BaseModel is a model that a modification starts from.
type BaseModel struct {
	Name         string   `json:"name"`
	Provider     string   `json:"provider,omitempty"`
	TrainingFLOP *float64 `json:"training_flop,omitempty"` // nil when not known
	SystemicRisk bool     `json:"systemic_risk"`
	GPAI         *bool    `json:"gpai,omitempty"` // nil means yes: a base of a GPAI modification
	Source       string   `json:"source,omitempty"`
}

// Designation is a Commission decision designating the model as having
// systemic risk (Art 52(4)).
type Designation struct {
	Date     Date   `json:"date"`
	Decision string `json:"decision,omitempty"`
}

// Rebuttal records arguments that the model, though presumed, exceptionally
// presents no systemic risk (Art 52(2)-(3)).
type Rebuttal struct {
	Submitted Date   `json:"submitted"`
	Outcome   string `json:"outcome"` // pending, accepted, rejected
	Decided   *Date  `json:"decided,omitempty"`
}

// Assessment holds the provider's own reasoned conclusions where the
// indicative criteria may be rebutted (Guidelines §2.1).
type Assessment struct {
	GeneralPurpose *bool  `json:"general_purpose,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// CodeOfPractice records adherence to the General-Purpose AI Code of
// Practice and which chapters the provider signed.
type CodeOfPractice struct {
	Signatory bool     `json:"signatory"`
	Chapters  []string `json:"chapters,omitempty"`
}

// Date is a calendar day, written YYYY-MM-DD.
type Date struct{ time.Time }

// NewDate returns the day y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate parses s as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes the day as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
