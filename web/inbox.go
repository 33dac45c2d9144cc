package web

import (
	"net/url"

	"github.com/gpai-project/gpai"
)

// inboxState returns the inbox's state filter from a query: "open" (the
// default), "closed" or "all". The older closed=1 means all.
func inboxState(q url.Values) string {
	switch st := q.Get("state"); {
	case st == "closed" || st == "all":
		return st
	case st == "" && q.Get("closed") == "1":
		return "all"
	}
	return "open"
}

// A filterLink is one choice of an inbox filter.
type filterLink struct {
	Label   string
	URL     string
	Current bool
}

// inboxURL returns the inbox's address with the given filters; the
// defaults (every kind, open cases) are left out.
func inboxURL(kind gpai.CaseKind, state string) string {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", string(kind))
	}
	if state != "open" {
		q.Set("state", state)
	}
	if len(q) == 0 {
		return "/staff"
	}
	return "/staff?" + q.Encode()
}

// kindPlural names each kind as the inbox's filter does.
var kindPlural = map[gpai.CaseKind]string{
	gpai.CaseComplaint:   "Complaints",
	gpai.CaseReservation: "Reservations",
	gpai.CaseInformation: "Information",
	gpai.CaseDownstream:  "Downstream",
	gpai.CaseAuthority:   "Authority",
}

// kindLinks returns the kind filter's links, keeping the state.
func kindLinks(kind gpai.CaseKind, state string) []filterLink {
	links := []filterLink{{"All", inboxURL("", state), kind == ""}}
	for _, k := range gpai.CaseKinds {
		links = append(links, filterLink{kindPlural[k], inboxURL(k, state), k == kind})
	}
	return links
}

// stateLinks returns the state filter's links, keeping the kind.
func stateLinks(kind gpai.CaseKind, state string) []filterLink {
	var links []filterLink
	for _, st := range []struct{ v, label string }{{"open", "Open"}, {"closed", "Closed"}, {"all", "Open and closed"}} {
		links = append(links, filterLink{st.label, inboxURL(kind, st.v), st.v == state})
	}
	return links
}
