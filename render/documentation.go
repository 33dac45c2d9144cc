package render

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"

	"github.com/gpai-project/gpai"
)

// DocView is the Model Documentation Form as one recipient receives it:
// only the items ticked for that recipient, in the form's order.
type DocView struct {
	Title     string       `json:"title"`
	Recipient string       `json:"recipient"`
	For       string       `json:"for"`
	Provider  string       `json:"provider"`
	Model     string       `json:"model"`
	Version   string       `json:"document_version"`
	Updated   string       `json:"last_updated"`
	Sections  []DocSection `json:"sections"`
}

// DocSection is one numbered section of the form.
type DocSection struct {
	Number int           `json:"number"`
	Title  string        `json:"title"`
	Items  []DocViewItem `json:"items"`
}

// DocViewItem is one item with its answer.
type DocViewItem struct {
	Number int            `json:"item"`
	Title  string         `json:"title"`
	Value  gpai.ItemValue `json:"value"`
	For    []string       `json:"recipients,omitempty"`
}

// NewDocView selects the items of doc for recipient: gpai.AIO, gpai.NCA,
// gpai.DP, or "all" for the provider's internal full view, which also
// lists each item's recipients. Call Derive on doc first.
func NewDocView(doc *gpai.Documentation, recipient string) (*DocView, error) {
	switch recipient {
	case gpai.AIO, gpai.NCA, gpai.DP, "all":
	default:
		return nil, gpai.Errorf(gpai.EINVALID, "unknown recipient %q: use aio, nca, dp or all", recipient)
	}
	v := &DocView{Title: "Model Documentation Form", Recipient: gpai.RecipientName(recipient), For: recipient,
		Provider: doc.General.ProviderName, Model: doc.General.ModelName, Version: doc.Document.Version}
	if doc.Document.LastUpdated != nil {
		v.Updated = doc.Document.LastUpdated.String()
	}
	for _, it := range gpai.DocItems {
		if !it.IsFor(recipient) {
			continue
		}
		if len(v.Sections) == 0 || v.Sections[len(v.Sections)-1].Title != it.Section {
			v.Sections = append(v.Sections, DocSection{Number: len(v.Sections) + 1, Title: it.Section})
		}
		vi := DocViewItem{Number: it.Number, Title: it.Title, Value: it.Value(doc)}
		if recipient == "all" {
			vi.For = it.For
		}
		sec := &v.Sections[len(v.Sections)-1]
		sec.Items = append(sec.Items, vi)
	}
	return v, nil
}

// Documentation writes the form for recipient in format (md, html, json).
func Documentation(w io.Writer, doc *gpai.Documentation, recipient, format string) error {
	v, err := NewDocView(doc, recipient)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "md":
		t, err := texttemplate.New("documentation.md.tmpl").Funcs(funcs).ParseFS(templates, "templates/documentation.md.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, v)
	case "html":
		t, err := htmltemplate.New("documentation.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/documentation.html.tmpl", "templates/style.css.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, v)
	}
	return gpai.Errorf(gpai.EINVALID, "unknown format %q: use md, html, json or pdf", format)
}
