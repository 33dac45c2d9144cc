package gpai

// CopyrightFile is the dossier file holding the copyright policy's inputs.
const CopyrightFile = "copyright.yaml"

// Copyright is copyright.yaml: the inputs of the copyright policy of Art
// 53(1)(c) and the Code of Practice's Copyright chapter. Fields marked
// internal never appear in a published document.
type Copyright struct {
	Format        int              `json:"gpai"`
	Policy        CopyrightPolicy  `json:"policy"`
	Crawlers      []CrawlerSpec    `json:"crawlers"`
	Contact       CopyrightContact `json:"contact"`
	AcceptableUse AcceptableUse    `json:"acceptable_use"`
}

// CopyrightPolicy is the policy proper (Measure 1.1).
type CopyrightPolicy struct {
	Version        string        `json:"version"`
	Adopted        Date          `json:"adopted"`
	Models         []string      `json:"models,omitempty"`
	Responsible    []Responsible `json:"responsible"`
	Procedures     Procedures    `json:"procedures"`
	Signals        Signals       `json:"signals"`
	PiracyLists    []PiracyList  `json:"piracy_lists,omitempty"`
	AccessControls string        `json:"access_controls,omitempty"`
	Legacy         string        `json:"legacy,omitempty"`
	PublishSummary bool          `json:"publish_summary,omitempty"`
}

// Responsible is a person responsible for part of the policy. Name and
// Email are internal; Role is public.
type Responsible struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	Email          string `json:"email,omitempty"`
	Responsibility string `json:"responsibility"`
}

// Procedures are the policy's procedures. InternalNotes is never published.
type Procedures struct {
	Sourcing           string `json:"sourcing"`
	ThirdPartyDatasets string `json:"third_party_datasets"`
	Complaints         string `json:"complaints"`
	Outputs            string `json:"outputs"`
	InternalNotes      string `json:"internal_notes,omitempty"`
}

// Signals are the machine-readable rights reservations obeyed.
type Signals struct {
	RobotsTxt      RobotsSignal `json:"robots_txt"`
	TDMRep         bool         `json:"tdmrep,omitempty"`
	AIPreferences  bool         `json:"ai_preferences,omitempty"`
	ContentSignals bool         `json:"content_signals,omitempty"`
	NoAI           bool         `json:"noai,omitempty"`
	Other          []string     `json:"other,omitempty"`
}

// RobotsSignal says how robots.txt is read.
type RobotsSignal struct {
	Profile string `json:"profile"`
}

// PiracyList is a list of sites recognised as persistently infringing.
// File is internal.
type PiracyList struct {
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
	File   string `json:"file,omitempty"`
}

// CrawlerSpec describes one crawler the provider runs.
type CrawlerSpec struct {
	Name          string   `json:"name"`
	ProductToken  string   `json:"product_token"`
	UserAgent     string   `json:"user_agent"`
	Purposes      []string `json:"purposes"`
	IPRanges      []string `json:"ip_ranges,omitempty"`
	Verification  string   `json:"verification,omitempty"`
	OptOut        string   `json:"opt_out,omitempty"`
	DisclosureURL string   `json:"disclosure_url,omitempty"`
	Operator      string   `json:"operator,omitempty"`
}

// Has reports whether the crawler serves purpose.
func (c CrawlerSpec) Has(purpose string) bool {
	for _, p := range c.Purposes {
		if p == purpose {
			return true
		}
	}
	return false
}

// CopyrightContact is the point of contact for rights holders (Measure 1.5).
type CopyrightContact struct {
	Email                string `json:"email"`
	URL                  string `json:"url,omitempty"`
	Form                 string `json:"form,omitempty"`
	ComplaintInformation string `json:"complaint_information,omitempty"`
}

// AcceptableUse is the acceptable-use terms' prohibition of infringing
// uses (Measure 1.4(2)).
type AcceptableUse struct {
	URL                   string `json:"url,omitempty"`
	ProhibitsInfringement bool   `json:"prohibits_infringement"`
	Text                  string `json:"text,omitempty"`
	OpenSourceNotice      string `json:"open_source_notice,omitempty"`
}

// SignalNames lists the reservations a policy says it obeys, for people.
func (s Signals) Names() []string {
	out := []string{"robots.txt (RFC 9309, read " + s.RobotsTxt.Profile + ")"}
	if s.TDMRep {
		out = append(out, "TDMRep (tdm-reservation header, meta and /.well-known/tdmrep.json)")
	}
	if s.AIPreferences {
		out = append(out, "IETF AI preferences (Content-Usage header and robots.txt rule)")
	}
	if s.ContentSignals {
		out = append(out, "Content-Signal lines in robots.txt")
	}
	if s.NoAI {
		out = append(out, "noai and noimageai directives (X-Robots-Tag, meta robots)")
	}
	return append(out, s.Other...)
}
