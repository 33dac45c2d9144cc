package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/render"
)

func markedCopyright() (*gpai.Facts, *gpai.Copyright) {
	f := &gpai.Facts{Provider: gpai.Provider{Name: "PUB-PROVIDER"}}
	c := &gpai.Copyright{
		Policy: gpai.CopyrightPolicy{Version: "PUB-VERSION", Adopted: gpai.NewDate(2026, 1, 2), Models: []string{"PUB-MODEL"},
			Responsible:    []gpai.Responsible{{Name: "INT-NAME", Role: "PUB-ROLE", Email: "INT-EMAIL@x", Responsibility: "oversight"}},
			Procedures:     gpai.Procedures{Sourcing: "PUB-SOURCING", ThirdPartyDatasets: "PUB-THIRDPARTY", Complaints: "PUB-COMPLAINTS", Outputs: "PUB-OUTPUTS", InternalNotes: "INT-NOTES"},
			Signals:        gpai.Signals{RobotsTxt: gpai.RobotsSignal{Profile: "strict"}, TDMRep: true, Other: []string{"PUB-SIGNAL"}},
			PiracyLists:    []gpai.PiracyList{{Name: "PUB-LIST", Source: "PUB-LISTSOURCE", File: "INT-LISTFILE"}},
			AccessControls: "PUB-ACCESS", Legacy: "PUB-LEGACY"},
		Crawlers: []gpai.CrawlerSpec{{Name: "PUB-CRAWLER", ProductToken: "PUBTOKEN", UserAgent: "PUB-UA PUBTOKEN", Purposes: []string{"training"},
			IPRanges: []string{"PUB-IP"}, Verification: "PUB-VERIFY", OptOut: "PUB-OPTOUT", DisclosureURL: "PUB-DISCLOSURE", Operator: "PUB-OPERATOR"}},
		Contact:       gpai.CopyrightContact{Email: "PUB-CONTACT", URL: "PUB-CURL", Form: "PUB-FORM", ComplaintInformation: "PUB-COMPLAINTINFO"},
		AcceptableUse: gpai.AcceptableUse{URL: "PUB-AUPURL", ProhibitsInfringement: true, Text: "PUB-AUPTEXT", OpenSourceNotice: "PUB-OSNOTICE"},
	}
	return f, c
}

// Each public document carries every public field meant for it and no
// internal field; the internal policy carries everything.
func TestCopyrightDocuments(t *testing.T) {
	internal := []string{"INT-NAME", "INT-EMAIL", "INT-NOTES", "INT-LISTFILE"}
	meant := map[string][]string{
		"policy":     {"INT-NAME", "INT-EMAIL", "INT-NOTES", "INT-LISTFILE", "PUB-ROLE", "PUB-SOURCING", "PUB-THIRDPARTY", "PUB-COMPLAINTS", "PUB-OUTPUTS", "PUB-SIGNAL", "PUB-LIST", "PUB-ACCESS", "PUB-LEGACY", "PUB-CRAWLER", "PUBTOKEN", "PUB-UA", "PUB-VERIFY", "PUB-IP", "PUB-OPTOUT", "PUB-CONTACT", "PUB-AUPTEXT", "PUB-OSNOTICE", "PUB-MODEL"},
		"summary":    {"PUB-PROVIDER", "PUB-VERSION", "PUB-MODEL", "PUB-ROLE", "PUB-SOURCING", "PUB-THIRDPARTY", "PUB-COMPLAINTS", "PUB-OUTPUTS", "PUB-SIGNAL", "PUB-LIST", "PUB-LISTSOURCE", "PUB-ACCESS", "PUB-LEGACY", "PUB-CRAWLER", "PUBTOKEN", "PUB-UA", "PUB-CONTACT", "PUB-CURL", "PUB-FORM", "PUB-COMPLAINTINFO", "PUB-AUPURL", "PUB-AUPTEXT", "PUB-OSNOTICE"},
		"disclosure": {"PUB-PROVIDER", "PUB-CRAWLER", "PUBTOKEN", "PUB-UA", "PUB-SIGNAL", "PUB-OPTOUT", "PUB-VERIFY", "PUB-IP", "PUB-DISCLOSURE", "PUB-OPERATOR", "PUB-CONTACT", "PUB-COMPLAINTINFO"},
		"aup":        {"PUB-PROVIDER", "PUB-AUPURL", "PUB-AUPTEXT", "PUB-OSNOTICE", "PUB-CONTACT"},
	}
	f, c := markedCopyright()
	for kind, want := range meant {
		for _, format := range []string{"md", "html", "json"} {
			doc, err := render.CopyrightDocument(f, c, kind)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := doc.Encode(&buf, format); err != nil {
				t.Fatal(err)
			}
			out := strings.ReplaceAll(buf.String(), "\\-", "-")
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("%s.%s lacks %s", kind, format, w)
				}
			}
			if kind != "policy" {
				for _, leak := range internal {
					if strings.Contains(out, leak) {
						t.Errorf("public %s.%s contains internal %s", kind, format, leak)
					}
				}
			}
		}
	}
}
