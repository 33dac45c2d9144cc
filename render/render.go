// Package render turns dossier data into the documents people exchange,
// as Markdown, HTML and JSON, from templates embedded in the binary. The
// PDF form is made from the HTML by package render/pdf.
package render

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"

	"github.com/gpai-project/gpai"
)

//go:embed templates/*
var templates embed.FS

// Formats are the formats this package writes; "pdf" is made from "html".
var Formats = []string{"md", "html", "json"}

var funcs = map[string]any{
	"yesno": func(b bool) string {
		if b {
			return "Yes"
		}
		return "No"
	},
	"def": func(s, alt string) string {
		if strings.TrimSpace(s) == "" {
			return alt
		}
		return s
	},
	"join":  strings.Join,
	"count": func(v int64) string { return gpai.FormatCount(float64(v)) },
	"pct":   func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) },
	"add":   func(a, b int) int { return a + b },
	"period": func(p *gpai.MonthRange) string {
		if p == nil {
			return "Not stated"
		}
		return monthText(p.From) + " to " + monthText(p.To)
	},
	"mods": func(m []string) string {
		if len(m) == 0 {
			return "Not stated"
		}
		return strings.Join(m, ", ")
	},
	"md": mdEscape,
}

func monthText(ym string) string {
	if y, m, ok := strings.Cut(ym, "-"); ok {
		return m + "/" + y
	}
	return ym
}

// mdEscape escapes the characters that would change the structure of a
// Markdown table cell or line.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "#", "\\#", "\n", " ")
	return r.Replace(strings.TrimSpace(s))
}

// Summary writes the public summary of training content in format (md,
// html or json).
func Summary(w io.Writer, s *gpai.Summary, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	case "md":
		t, err := texttemplate.New("summary.md.tmpl").Funcs(funcs).ParseFS(templates, "templates/summary.md.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, s)
	case "html":
		t, err := htmltemplate.New("summary.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/summary.html.tmpl", "templates/style.css.tmpl")
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return execute(w, t, s)
	}
	return gpai.Errorf(gpai.EINVALID, "unknown format %q: use md, html, json or pdf", format)
}

type executor interface {
	Execute(io.Writer, any) error
}

// execute renders into a buffer first, so a template error never leaves
// half a document behind.
func execute(w io.Writer, t executor, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
