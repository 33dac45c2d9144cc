package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/render"
	"github.com/gpai-project/gpai/rulebook"
)

// Kinds of document that gpai doc publish stores in the archive.
var publishKinds = []string{"documentation", "summary", "copyright"}

// publishArtifacts gathers what a publication of kind stores: the rendered
// documents and the sources they were made from, with metadata and the
// retention date (10 years after placement on the Union market: Code of
// Practice, Transparency, Measure 1.1; AI Act Art 54(3)(b)).
func (m *Main) publishArtifacts(ctx context.Context, dir string, kind string) (map[string][]byte, map[string]string, time.Time, error) {
	fail := func(err error) (map[string][]byte, map[string]string, time.Time, error) {
		return nil, nil, time.Time{}, err
	}
	d, _, err := dossier.Load(dir)
	if err != nil {
		return fail(err)
	}
	if d.Facts.Dates.EUPlacement == nil {
		return fail(gpai.Errorf(gpai.EINVALID, "%s: dates.eu_placement is needed for the retention date (10 years after placing on the Union market)", dir))
	}
	retain := d.Facts.Dates.EUPlacement.AddDate(10, 0, 0)
	rb, err := rulebook.Default()
	if err != nil {
		return fail(err)
	}
	meta := map[string]string{
		"model":         d.Facts.Model.Name,
		"model_version": d.Facts.Model.Version,
		"provider":      d.Facts.Provider.Name,
		"rulebook":      rb.Ref(),
	}
	files := map[string][]byte{}
	read := func(name string) error {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", filepath.Join(dir, name), err)
		}
		files["source/"+name] = b
		return nil
	}
	if err := read(gpai.FactsFile); err != nil {
		return fail(err)
	}
	switch kind {
	case "documentation":
		_, doc, findings, err := loadDoc(dir)
		if err != nil {
			return fail(err)
		}
		for _, f := range findings {
			if f.Severity == gpai.SeverityError {
				return fail(gpai.Errorf(gpai.EINVALID, "%s: %s; the form is published only without errors (see gpai check %s)", f.Pos, f.Message, dir))
			}
		}
		if err := read(gpai.DocumentationFile); err != nil {
			return fail(err)
		}
		for _, r := range []string{gpai.AIO, gpai.NCA, gpai.DP, "all"} {
			for _, format := range []string{"md", "html", "json"} {
				b, err := renderDoc(ctx, doc, r, format, "")
				if err != nil {
					return fail(err)
				}
				files[fmt.Sprintf("documentation.%s.%s", r, format)] = b
			}
		}
		meta["document_version"] = doc.Document.Version
	case "summary":
		if err := read(gpai.DataFile); err != nil {
			return fail(err)
		}
		found := false
		for _, f := range []string{"summary.md", "summary.html", "summary.json", "summary.pdf"} {
			b, err := os.ReadFile(filepath.Join(dir, gpai.SummaryDir, f))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fail(gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", f, err))
			}
			files[f] = b
			found = true
		}
		if !found {
			return fail(gpai.Errorf(gpai.ENOTFOUND, "%s has no built summary: run gpai summary build %s first", dir, dir))
		}
	case "copyright":
		d, cp, findings, err := loadCopyright(dir)
		if err != nil {
			return fail(err)
		}
		for _, f := range findings {
			if f.Severity == gpai.SeverityError {
				return fail(gpai.Errorf(gpai.EINVALID, "%s: %s; the policy is published only without errors (see gpai check %s)", f.Pos, f.Message, dir))
			}
		}
		if err := read(gpai.CopyrightFile); err != nil {
			return fail(err)
		}
		for _, k := range render.CopyrightDocs {
			for _, format := range []string{"md", "html", "json"} {
				doc, err := render.CopyrightDocument(d.Facts, cp, k)
				if err != nil {
					return fail(err)
				}
				var buf bytes.Buffer
				if err := doc.Encode(&buf, format); err != nil {
					return fail(&internalError{err})
				}
				files[fmt.Sprintf("copyright.%s.%s", k, format)] = buf.Bytes()
			}
		}
		meta["policy_version"] = cp.Policy.Version
	default:
		return fail(&usageError{err: fmt.Errorf("unknown --kind %q: use documentation, summary or copyright", kind), hint: "--kind documentation"})
	}
	return files, meta, retain, nil
}
