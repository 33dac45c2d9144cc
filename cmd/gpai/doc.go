package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/render"
	"github.com/gpai-project/gpai/render/pdf"
	"github.com/gpai-project/gpai/rulebook"
)

func (m *Main) docCommand(extra ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   "doc",
		Short: "The Model Documentation Form: render per recipient, compare versions, publish",
		Long: `documentation.yaml holds the Model Documentation Form of the Code of Practice
(Transparency chapter), all 45 items. Items that follow from gpai.yaml or from
other items (names, dates, dependencies, parameter range, compute order of
magnitude, training-time range, NCA data points) may be left out: gpai derives
them, and reports a contradiction where both are given. gpai check validates it.

Each recipient receives exactly the items ticked for it: the AI Office (aio),
national competent authorities (nca), downstream providers (dp); "all" is the
provider's internal full view.`,
	}
	c.AddCommand(m.docRenderCommand(), m.docDiffCommand())
	c.AddCommand(extra...)
	return c
}

// loadDoc loads the dossier and its documentation, derived and checked.
func loadDoc(dir string) (*gpai.Dossier, *gpai.Documentation, []gpai.Finding, error) {
	d, est, err := dossier.Load(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	rb, err := rulebook.Default()
	if err != nil {
		return nil, nil, nil, err
	}
	s := gpai.Assess(d, est, rb, gpai.Today(time.Now))
	doc, yd, err := check.LoadDocumentation(d, s)
	if err != nil {
		if gpai.ErrorCode(err) == gpai.ENOTFOUND {
			return nil, nil, nil, gpai.Errorf(gpai.ENOTFOUND, "%s has no %s: write the Model Documentation Form (see gpai schema documentation.yaml, or gpai init --example api-model)", dir, gpai.DocumentationFile)
		}
		return nil, nil, nil, err
	}
	findings := check.DocumentationFindings(d, s, yd, doc)
	return d, doc, findings, nil
}

func (m *Main) docRenderCommand() *cobra.Command {
	var recipient, format, out, browser string
	c := &cobra.Command{
		Use:   "render DIR",
		Short: "Render the form as one recipient receives it (md, html, pdf, json)",
		Long: `render writes the Model Documentation Form as the recipient named by --for
receives it: exactly the items ticked for that recipient, in the form's order,
with a title page (provider, model, version, date) in HTML and PDF. Problems
found in documentation.yaml are printed to standard error; contradictions
between items stop the render.`,
		Example: "  gpai doc render --for dp --format html -o dp.html examples/api-model\n  gpai doc render --for aio --format pdf -o aio.pdf examples/api-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "md", "html", "pdf", "json"); err != nil {
				return err
			}
			if err := checkFormat(recipient, "aio", "nca", "dp", "all"); err != nil {
				return err
			}
			_, doc, findings, err := loadDoc(args[0])
			if err != nil {
				return err
			}
			for _, f := range findings {
				if strings.Contains(f.Message, "differs") || strings.Contains(f.Message, "contradicts") {
					return gpai.Errorf(gpai.EINVALID, "%s: %s (fix: %s)", f.Pos, f.Message, f.Fix)
				}
			}
			b, err := renderDoc(c.Context(), doc, recipient, format, browser)
			if err != nil {
				return err
			}
			if out == "" {
				_, err = c.OutOrStdout().Write(b)
				return err
			}
			return writeAtomic(out, b)
		},
	}
	c.Flags().StringVar(&recipient, "for", "all", "recipient: aio (AI Office), nca (national authorities), dp (downstream providers), all (internal)")
	c.Flags().StringVar(&format, "format", "md", "md, html, pdf or json")
	c.Flags().StringVarP(&out, "out", "o", "", "write to this file (atomically) instead of standard output")
	c.Flags().StringVar(&browser, "browser", "", "Chromium binary for PDF (default: chromium on PATH)")
	c.RegisterFlagCompletionFunc("for", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"aio", "nca", "dp", "all"}, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func renderDoc(ctx context.Context, doc *gpai.Documentation, recipient, format, browser string) ([]byte, error) {
	var buf bytes.Buffer
	f := format
	if f == "pdf" {
		f = "html"
	}
	if err := render.Documentation(&buf, doc, recipient, f); err != nil {
		return nil, err
	}
	if format != "pdf" {
		return buf.Bytes(), nil
	}
	cfg := pdf.DefaultConfig()
	cfg.ExecPath = browser
	cfg.Footer = fmt.Sprintf("Model Documentation Form, %s %s, version %s, for %s", doc.General.ProviderName, doc.General.ModelName, doc.Document.Version, gpai.RecipientName(recipient))
	return pdf.Render(ctx, buf.Bytes(), cfg)
}

func (m *Main) docDiffCommand() *cobra.Command {
	var format, recipient string
	c := &cobra.Command{
		Use:   "diff A B",
		Short: "What changed between two versions of the form, item by item",
		Long: `diff compares two versions of the Model Documentation Form, item by item,
after derivation. A and B are dossier folders, or documentation.yaml files
(derived with the gpai.yaml beside them). --for limits the comparison to the
items of one recipient, for example to tell downstream providers what changed.`,
		Example: "  gpai doc diff v1/ v2/\n  gpai doc diff --for dp --format json old/documentation.yaml dossier/",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{err: fmt.Errorf("diff takes two versions, got %d", len(args)), hint: "gpai doc diff old/ new/"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if err := checkFormat(recipient, "aio", "nca", "dp", "all"); err != nil {
				return err
			}
			var docs [2]*gpai.Documentation
			for i, a := range args {
				dir := a
				if st, err := os.Stat(a); err == nil && !st.IsDir() {
					dir = filepath.Dir(a)
					if filepath.Base(a) != gpai.DocumentationFile {
						return &usageError{err: fmt.Errorf("%s is not a documentation.yaml", a), hint: "gpai doc diff old/ new/"}
					}
				}
				_, doc, _, err := loadDoc(dir)
				if err != nil {
					return err
				}
				docs[i] = doc
			}
			type itemChange struct {
				Item   int    `json:"item"`
				Title  string `json:"title"`
				Before string `json:"before"`
				After  string `json:"after"`
			}
			changes := []itemChange{}
			for _, it := range gpai.DocItems {
				if !it.IsFor(recipient) {
					continue
				}
				a, b := itemText(it.Value(docs[0])), itemText(it.Value(docs[1]))
				if a != b {
					changes = append(changes, itemChange{it.Number, it.Title, a, b})
				}
			}
			if docs[0].Document.Version == docs[1].Document.Version && len(changes) > 0 {
				fmt.Fprintf(c.ErrOrStderr(), "note: both versions are numbered %q although items changed; raise document.version\n", docs[0].Document.Version)
			}
			if format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"from": docs[0].Document.Version, "to": docs[1].Document.Version, "changes": changes})
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "version %s -> %s: %d item(s) changed\n", docs[0].Document.Version, docs[1].Document.Version, len(changes))
			for _, ch := range changes {
				fmt.Fprintf(w, "\nitem %d. %s\n  - %s\n  + %s\n", ch.Item, ch.Title, def(ch.Before, "(not answered)"), def(ch.After, "(not answered)"))
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text or json")
	c.Flags().StringVar(&recipient, "for", "all", "compare only the items of this recipient: aio, nca, dp, all")
	return c
}

func itemText(v gpai.ItemValue) string {
	parts := []string{}
	if v.Text != "" {
		parts = append(parts, v.Text)
	}
	for _, r := range v.Rows {
		parts = append(parts, strings.Join(r, " | "))
	}
	return strings.Join(parts, "; ")
}

func def(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
