package render

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"

	"github.com/gpai-project/gpai"
)

// A Document is a document laid out for people: a title page with
// metadata, then numbered sections of paragraphs, lists, field tables and
// tables. Builders put in it exactly what a reader may see; the encoders
// add nothing.
type Document struct {
	Title    string    `json:"title"`
	Subtitle string    `json:"subtitle,omitempty"`
	Meta     []Field   `json:"meta,omitempty"`
	Sections []Section `json:"sections"`
	Footer   string    `json:"footer,omitempty"`
	Data     any       `json:"data,omitempty"` // the structured content, for JSON
}

// Field is a label and its value.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Section is a numbered section.
type Section struct {
	Title      string     `json:"title"`
	Paragraphs []string   `json:"paragraphs,omitempty"`
	Fields     []Field    `json:"fields,omitempty"`
	List       []string   `json:"list,omitempty"`
	Header     []string   `json:"header,omitempty"`
	Rows       [][]string `json:"rows,omitempty"`
}

// Encode writes the document in format (md, html or json). JSON carries
// Data when set, the document otherwise.
func (d *Document) Encode(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if d.Data != nil {
			return enc.Encode(d.Data)
		}
		return enc.Encode(d)
	case "md":
		t, err := texttemplate.New("document.md.tmpl").Funcs(funcs).ParseFS(templates, "templates/document.md.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, d)
	case "html":
		t, err := htmltemplate.New("document.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/document.html.tmpl", "templates/style.css.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, d)
	}
	return gpai.Errorf(gpai.EINVALID, "unknown format %q: use md, html, json or pdf", format)
}
