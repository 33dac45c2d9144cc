package gpai

import "strings"

// Licence is the licence under which the model is released.
type Licence struct {
	ID  string `json:"id"` // an SPDX identifier, or LicenseRef-... for others
	URL string `json:"url,omitempty"`
	// Grants states which of the four rights the licence grants. When nil
	// it is taken from the table of known licences; a licence gpai does not
	// know must state it.
	Grants       *LicenceGrants `json:"grants,omitempty"`
	Restrictions []string       `json:"restrictions,omitempty"`
}

// LicenceGrants are the four rights a free and open-source licence must
// grant (Guidelines §4.2.1): access, use, modification and distribution.
type LicenceGrants struct {
	Access     bool `json:"access"`
	Use        bool `json:"use"`
	Modify     bool `json:"modify"`
	Distribute bool `json:"distribute"`
}

// All reports whether all four rights are granted.
func (g LicenceGrants) All() bool { return g.Access && g.Use && g.Modify && g.Distribute }

// Restrictions that disqualify a licence from the open-source exemption
// (Guidelines §4.2.1), and the one kind that does not.
var (
	DisqualifyingRestrictions = []string{"non-commercial", "research-only", "no-distribution", "user-threshold", "separate-commercial-licence"}
	AllowedRestrictions       = []string{"safety-use-restrictions", "attribution", "copyleft"}
)

// KnownLicence is an entry of the licence table.
type KnownLicence struct {
	ID           string
	Open         bool     // grants all four rights with no disqualifying restriction
	Restrictions []string // disqualifying restrictions it imposes
	Note         string
}

// KnownLicences are licences whose effect on the exemption gpai knows. The
// open ones are free and open-source licences granting the four rights
// subject at most to attribution and copyleft; the others carry a
// restriction the Guidelines name.
var KnownLicences = []KnownLicence{
	{ID: "Apache-2.0", Open: true}, {ID: "MIT", Open: true}, {ID: "BSD-2-Clause", Open: true},
	{ID: "BSD-3-Clause", Open: true}, {ID: "ISC", Open: true}, {ID: "MPL-2.0", Open: true},
	{ID: "GPL-2.0-only", Open: true}, {ID: "GPL-2.0-or-later", Open: true}, {ID: "GPL-3.0-only", Open: true},
	{ID: "GPL-3.0-or-later", Open: true}, {ID: "LGPL-2.1-only", Open: true}, {ID: "LGPL-2.1-or-later", Open: true},
	{ID: "LGPL-3.0-only", Open: true}, {ID: "LGPL-3.0-or-later", Open: true}, {ID: "AGPL-3.0-only", Open: true},
	{ID: "AGPL-3.0-or-later", Open: true}, {ID: "EPL-2.0", Open: true}, {ID: "Unlicense", Open: true},
	{ID: "CC0-1.0", Open: true}, {ID: "CC-BY-4.0", Open: true}, {ID: "CC-BY-SA-4.0", Open: true},
	{ID: "OpenMDW-1.0", Open: true}, {ID: "0BSD", Open: true}, {ID: "Zlib", Open: true},
	{ID: "CC-BY-NC-4.0", Restrictions: []string{"non-commercial"}},
	{ID: "CC-BY-NC-SA-4.0", Restrictions: []string{"non-commercial"}},
	{ID: "CC-BY-NC-ND-4.0", Restrictions: []string{"non-commercial", "no-distribution"}},
	{ID: "CC-BY-ND-4.0", Restrictions: []string{"no-distribution"}, Note: "no derivatives: modification is not granted"},
	{ID: "LicenseRef-Llama-2-Community", Restrictions: []string{"user-threshold", "separate-commercial-licence"}, Note: "licensees above 700 million monthly active users must request a separate licence"},
	{ID: "LicenseRef-Llama-3-Community", Restrictions: []string{"user-threshold", "separate-commercial-licence"}, Note: "licensees above 700 million monthly active users must request a separate licence"},
	{ID: "LicenseRef-Llama-3.1-Community", Restrictions: []string{"user-threshold", "separate-commercial-licence"}, Note: "licensees above 700 million monthly active users must request a separate licence"},
	{ID: "LicenseRef-Llama-3.3-Community", Restrictions: []string{"user-threshold", "separate-commercial-licence"}, Note: "licensees above 700 million monthly active users must request a separate licence"},
}

// LookupLicence finds id in KnownLicences, case-insensitively.
func LookupLicence(id string) (KnownLicence, bool) {
	for _, l := range KnownLicences {
		if strings.EqualFold(l.ID, id) {
			return l, true
		}
	}
	return KnownLicence{}, false
}

// Openness of the licence for the exemption: whether it qualifies, and
// whether that could be decided at all.
func (l *Licence) open() (open, known bool, why string) {
	if l == nil {
		return false, false, "no licence is stated"
	}
	for _, r := range l.Restrictions {
		for _, d := range DisqualifyingRestrictions {
			if r == d {
				return false, true, "the licence imposes a " + r + " restriction"
			}
		}
	}
	if l.Grants != nil {
		if !l.Grants.All() {
			return false, true, "the licence does not grant all of access, use, modification and distribution"
		}
		return true, true, "the licence grants access, use, modification and distribution"
	}
	k, ok := LookupLicence(l.ID)
	if !ok {
		return false, false, "licence " + l.ID + " is not in gpai's table: state its grants"
	}
	if !k.Open {
		return false, true, l.ID + " imposes a " + strings.Join(k.Restrictions, " and ") + " restriction"
	}
	return true, true, l.ID + " is a free and open-source licence granting the four rights"
}

// Monetisation practices that defeat the exemption (Guidelines §4.2.2).
var MonetisationPractices = []string{"dual-licensing", "paid-support-required", "exclusive-paid-platform", "advertising", "personal-data-for-access", "charged-access"}
