package main

import (
	"bytes"
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

func (m *Main) copyrightCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "copyright",
		Short: "The copyright policy: render the policy, its public summary, the crawler disclosure and the acceptable-use section",
		Long: `copyright.yaml holds the inputs of the copyright policy that Art 53(1)(c) and
the Code of Practice's Copyright chapter require of every GPAI provider, open
source included: procedures, the people responsible, the rights reservations
obeyed, piracy lists, the crawlers with their identities, the point of contact
and the acceptable-use terms. gpai check validates it.`,
	}
	c.AddCommand(m.copyrightRenderCommand())
	return c
}

func loadCopyright(dir string) (*gpai.Dossier, *gpai.Copyright, []gpai.Finding, error) {
	d, est, err := dossier.Load(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	var c gpai.Copyright
	yd, err := dossier.LoadFile(dir, gpai.CopyrightFile, &c)
	if err != nil {
		if gpai.ErrorCode(err) == gpai.ENOTFOUND {
			return nil, nil, nil, gpai.Errorf(gpai.ENOTFOUND, "%s has no %s: write the copyright policy's inputs (see gpai schema copyright.yaml, or gpai init --example api-model)", dir, gpai.CopyrightFile)
		}
		return nil, nil, nil, err
	}
	rb, err := rulebook.Default()
	if err != nil {
		return nil, nil, nil, err
	}
	s := gpai.Assess(d, est, rb, gpai.Today(time.Now))
	return d, &c, check.CopyrightFindings(d, s, yd, &c), nil
}

func (m *Main) copyrightRenderCommand() *cobra.Command {
	var kind, format, out, browser string
	c := &cobra.Command{
		Use:   "render DIR",
		Short: "Write the policy (internal), its public summary, the crawler disclosure and the acceptable-use section",
		Long: `render writes one document (--doc) to standard output or -o FILE, or with
--doc all every document in every format into --out (default DIR/copyright).
The policy is internal; the summary, the disclosure and the acceptable-use
section are public and carry no internal field (no person's name or e-mail,
no internal notes, no file paths). Errors in copyright.yaml stop it.`,
		Example: "  gpai copyright render --doc disclosure --format html -o crawlers.html my-model\n  gpai copyright render --doc all my-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "md", "html", "pdf", "json"); err != nil {
				return err
			}
			if err := checkFormat(kind, append(append([]string{}, render.CopyrightDocs...), "all")...); err != nil {
				return err
			}
			d, cp, findings, err := loadCopyright(args[0])
			if err != nil {
				return err
			}
			var errs []string
			for _, f := range findings {
				if f.Severity == gpai.SeverityError {
					errs = append(errs, fmt.Sprintf("%s: %s (fix: %s)", f.Pos, f.Message, f.Fix))
				}
			}
			if len(errs) > 0 {
				return gpai.Errorf(gpai.EINVALID, "copyright.yaml has %d error(s); nothing is rendered until they are fixed:\n%s", len(errs), strings.Join(errs, "\n"))
			}
			if kind != "all" {
				b, err := renderCopyright(c, d, cp, kind, format, browser)
				if err != nil {
					return err
				}
				if out == "" {
					_, err = c.OutOrStdout().Write(b)
					return err
				}
				return writeAtomic(out, b)
			}
			if out == "" {
				out = filepath.Join(args[0], "copyright")
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", out, err)
			}
			formats := []string{"md", "html", "json"}
			if c.Flags().Changed("format") {
				formats = []string{format}
			}
			for _, k := range render.CopyrightDocs {
				for _, f := range formats {
					b, err := renderCopyright(c, d, cp, k, f, browser)
					if err != nil {
						return err
					}
					path := filepath.Join(out, k+"."+f)
					if err := writeAtomic(path, b); err != nil {
						return err
					}
					fmt.Fprintf(c.OutOrStdout(), "wrote %s\n", path)
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&kind, "doc", "summary", "document: policy (internal), summary, disclosure, aup, or all")
	c.Flags().StringVar(&format, "format", "md", "md, html, pdf or json")
	c.Flags().StringVarP(&out, "out", "o", "", "file to write (a folder with --doc all; default DIR/copyright)")
	c.Flags().StringVar(&browser, "browser", "", "Chromium binary for PDF (default: chromium on PATH)")
	return c
}

func renderCopyright(c *cobra.Command, d *gpai.Dossier, cp *gpai.Copyright, kind, format, browser string) ([]byte, error) {
	doc, err := render.CopyrightDocument(d.Facts, cp, kind)
	if err != nil {
		return nil, err
	}
	f := format
	if f == "pdf" {
		f = "html"
	}
	var buf bytes.Buffer
	if err := doc.Encode(&buf, f); err != nil {
		return nil, &internalError{err}
	}
	if format != "pdf" {
		return buf.Bytes(), nil
	}
	cfg := pdf.DefaultConfig()
	cfg.ExecPath = browser
	cfg.Footer = doc.Title + ", " + d.Facts.Provider.Name + ", version " + cp.Policy.Version
	return pdf.Render(c.Context(), buf.Bytes(), cfg)
}
