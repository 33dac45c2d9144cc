package gpai

import (
	"fmt"
	"math"
	"strings"
)

// Summary is the public summary of training content as the Commission's
// template lays it out (Art 53(1)(d); C(2025) 5235), filled from
// gpai.yaml, data.yaml and crawl statistics.
type Summary struct {
	Version          string            `json:"version"`
	LastUpdate       string            `json:"last_update"`
	PreviousVersions []PreviousVersion `json:"previous_versions,omitempty"`

	// Section 1: general information.
	Provider                 string            `json:"provider"`
	ProviderContact          string            `json:"provider_contact"`
	AuthorisedRepresentative string            `json:"authorised_representative"`
	ModelVersions            []string          `json:"model_versions"`
	Dependencies             []ModelDependency `json:"dependencies"`
	PlacementDate            string            `json:"placement_date"`
	Modalities               []SummaryModality `json:"modalities"`
	LatestAcquisition        string            `json:"latest_acquisition"` // MM/YYYY as the template writes it
	ContinuouslyTrained      bool              `json:"continuously_trained"`
	Linguistic               string            `json:"linguistic_characteristics"`
	OtherCharacteristics     string            `json:"other_characteristics"`
	Comments                 string            `json:"comments"`

	// Section 2: list of data sources.
	Sources DataSources `json:"sources"`
	// Domains are the most relevant domain names crawled (template 2.3):
	// the top 10% by size of content scraped, or for SMEs the top 5% or
	// 1,000, whichever is lower.
	Domains      []DomainShare `json:"domains"`
	DomainRule   string        `json:"domain_rule"`
	TotalDomains int           `json:"total_domains"`

	// Section 3: data processing aspects.
	Signatory      bool   `json:"signatory"`
	TDMMeasures    string `json:"tdm_measures"`
	TDMComments    string `json:"tdm_comments"`
	IllegalContent string `json:"illegal_content"`
	OtherInfo      string `json:"other_information"`

	SME bool `json:"sme_variant"`

	// Inputs maps each file the summary was built from (data.yaml, crawl
	// statistics) to the SHA-256 of its content, so that a later check can
	// tell when the data changed and the summary did not.
	Inputs map[string]string `json:"inputs"`
}

// Where gpai summary build writes the summary inside a dossier.
const (
	SummaryDir  = "summary"
	SummaryJSON = "summary/summary.json"
)

// SummaryModality is one ticked modality of template item 1.3.
type SummaryModality struct {
	Modality string `json:"modality"`
	Band     string `json:"band,omitempty"`
	Size     string `json:"size"`
	Content  string `json:"content"`
}

// DomainShare is one domain of the list of most relevant domains.
type DomainShare struct {
	Domain  string  `json:"domain"`
	Records int64   `json:"records"`
	Bytes   int64   `json:"bytes"`
	Share   float64 `json:"share"` // of all bytes crawled
}

// DomainListLen returns how many of n crawled domains the summary lists:
// the top 10%, or for an SME the top 5% or 1,000, whichever is lower
// (template 2.3; regulation.md §5.5). Percentages round up, so that at
// least the share asked for is listed: 15 domains give 2, and a crawl of
// fewer than 10 domains still names its largest.
func DomainListLen(n int, sme bool) int {
	if n <= 0 {
		return 0
	}
	if sme {
		return min(ceilDiv(5*n, 100), 1000)
	}
	return ceilDiv(10*n, 100)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// BuildSummary fills the template. ranked holds the crawled domains by
// size of content, largest first (ties by name), already cut to the
// domain rule by the caller, and total is the number of domains crawled
// and totalBytes their size. day is the date of the update.
func BuildSummary(f *Facts, inv *DataInventory, ranked []DomainShare, total int, day Date) *Summary {
	s := &Summary{
		Version:              inv.Summary.Version,
		PreviousVersions:     inv.Summary.PreviousVersions,
		Provider:             f.Provider.Name,
		Sources:              inv.Sources,
		Domains:              ranked,
		TotalDomains:         total,
		TDMMeasures:          inv.Processing.TDMMeasures,
		TDMComments:          inv.Processing.TDMComments,
		IllegalContent:       inv.Processing.IllegalContent,
		OtherInfo:            inv.Processing.Other,
		Linguistic:           inv.General.LinguisticCharacteristics,
		OtherCharacteristics: inv.General.OtherCharacteristics,
		Comments:             inv.General.Comments,
		ContinuouslyTrained:  inv.General.ContinuouslyTrained,
	}
	s.LastUpdate = day.String()
	if inv.Summary.LastUpdate != nil {
		s.LastUpdate = inv.Summary.LastUpdate.String()
	}
	switch f.Provider.Size {
	case "micro", "small", "medium":
		s.SME = true
	}
	if c := f.Provider.Contact; c != nil {
		s.ProviderContact = strings.TrimSpace(strings.Join(nonEmpty(c.Email, c.URL), ", "))
	}
	s.AuthorisedRepresentative = "Not applicable: the provider is established in the Union"
	if ar := f.Provider.AuthorisedRepresentative; ar != nil {
		s.AuthorisedRepresentative = strings.Join(nonEmpty(ar.Name, ar.Contact), ", ")
	} else if !IsEUCountry(f.Provider.Country) {
		s.AuthorisedRepresentative = "Not named"
	}
	s.ModelVersions = inv.General.ModelVersions
	if len(s.ModelVersions) == 0 {
		s.ModelVersions = []string{f.Model.Name + " " + f.Model.Version}
		for _, v := range f.Model.Versions {
			if v.Version != f.Model.Version {
				s.ModelVersions = append(s.ModelVersions, f.Model.Name+" "+v.Version)
			}
		}
	}
	s.Dependencies = inv.General.Dependencies
	if len(s.Dependencies) == 0 && f.Modification != nil {
		for _, b := range f.Modification.BaseModels {
			s.Dependencies = append(s.Dependencies, ModelDependency{Model: b.Name})
		}
	}
	if f.Dates.EUPlacement != nil {
		s.PlacementDate = f.Dates.EUPlacement.String()
	}
	for _, m := range []string{"text", "image", "audio", "video", "other"} {
		dm, ok := inv.General.Modalities[m]
		if !ok {
			continue
		}
		sm := SummaryModality{Modality: m, Content: dm.Content}
		if c, ok := dm.Size.Count(m); ok {
			sm.Band, sm.Size, _ = Band(m, c)
		} else if dm.Size.Band != "" {
			sm.Band = dm.Size.Band
			sm.Size, _ = BandLabel(m, dm.Size.Band)
		}
		if dm.Size.Value > 0 {
			alt := fmt.Sprintf("approximately %s %s", FormatCount(dm.Size.Value), dm.Size.Unit)
			if sm.Size == "" {
				sm.Size = alt
			} else {
				sm.Size += " (" + alt + ")"
			}
		}
		if m == "other" && dm.Description != "" {
			sm.Modality = "other: " + dm.Description
		}
		s.Modalities = append(s.Modalities, sm)
	}
	if y, m, ok := strings.Cut(inv.General.LatestAcquisition, "-"); ok {
		s.LatestAcquisition = m + "/" + y
	}
	s.Signatory = f.Code != nil && f.Code.Signatory
	if inv.Processing.Signatory != nil {
		s.Signatory = *inv.Processing.Signatory
	}
	if s.SME {
		s.DomainRule = fmt.Sprintf("the top 5%% of the %s domains crawled or 1,000, whichever is lower (SME): %s listed", FormatCount(float64(total)), FormatCount(float64(len(ranked))))
	} else {
		s.DomainRule = fmt.Sprintf("the top 10%% of the %s domains crawled, by size of content: %s listed", FormatCount(float64(total)), FormatCount(float64(len(ranked))))
	}
	if s.Domains == nil {
		s.Domains = []DomainShare{}
	}
	return s
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// FormatCount writes a count for people: 1,234,567, or 2.0 trillion for
// large round figures.
func FormatCount(v float64) string {
	switch {
	case v >= 1e12:
		return trimZero(v/1e12) + " trillion"
	case v >= 1e9:
		return trimZero(v/1e9) + " billion"
	case v >= 1e7:
		return trimZero(v/1e6) + " million"
	}
	n := int64(math.Round(v))
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func trimZero(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}
