// Package dossier reads a model's dossier folder from disk: it parses
// gpai.yaml with positions, validates it against its JSON Schema and
// against the rules no schema can state, and reports every problem at
// once, each with file, line, column, field, what is wrong and how to fix
// it.
package dossier

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/schema"
	"github.com/gpai-project/gpai/yamldoc"
)

// MaxFiles bounds how many files Load lists in a dossier folder.
const MaxFiles = 10000

// Load reads the dossier in dir and estimates its compute. Problems in gpai.yaml are returned together as
// gpai.Problems; a missing folder or file is a *gpai.Error.
func Load(dir string) (*gpai.Dossier, *gpai.ComputeEstimate, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, gpai.Errorf(gpai.ENOTFOUND, "dossier folder %s does not exist (create one with: gpai init %s)", dir, dir)
	case err != nil:
		return nil, nil, gpai.Errorf(gpai.EINVALID, "cannot read dossier folder %s: %v", dir, err)
	case !st.IsDir():
		if filepath.Base(dir) == gpai.FactsFile {
			return Load(filepath.Dir(dir))
		}
		return nil, nil, gpai.Errorf(gpai.EINVALID, "%s is a file; name the dossier folder that holds gpai.yaml", dir)
	}
	path := filepath.Join(dir, gpai.FactsFile)
	data, err := yamldoc.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, gpai.Errorf(gpai.ENOTFOUND, "%s has no %s (create one with: gpai init %s)", dir, gpai.FactsFile, dir)
	}
	if err != nil {
		return nil, nil, gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
	}
	facts, positions, est, err := Parse(path, data)
	if err != nil {
		return nil, nil, err
	}
	files, err := ListFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	return &gpai.Dossier{Dir: dir, Facts: facts, Files: files, Positions: positions}, est, nil
}

// Parse parses the content of a gpai.yaml file named name. It returns the
// facts, the position of every field, and the compute estimate.
func Parse(name string, data []byte) (*gpai.Facts, map[string]gpai.Position, *gpai.ComputeEstimate, error) {
	doc, err := yamldoc.Parse(name, data)
	if err != nil {
		return nil, nil, nil, err
	}
	sch, err := schema.Load(gpai.FactsFile)
	if err != nil {
		return nil, nil, nil, err
	}
	if probs := sch.Validate(doc); len(probs) > 0 {
		return nil, nil, nil, probs
	}
	var facts gpai.Facts
	if err := doc.Decode(&facts); err != nil {
		// The schema admits only what the types accept; reaching this is a
		// mismatch between the two, reported at the top of the file.
		return nil, nil, nil, gpai.Problems{{Pos: doc.Pos(""), Message: err.Error(), Fix: "report this as a bug in gpai"}}
	}
	probs := semantic(&facts, doc)
	var est *gpai.ComputeEstimate
	if facts.Compute != nil {
		var cprobs gpai.Problems
		est, cprobs = facts.Compute.Estimate(facts.Model.Parameters, nil)
		for _, p := range cprobs {
			p.Pos = doc.Pos(p.Field)
			probs = append(probs, p)
		}
		for i := range est.Notes {
			est.Notes[i].Pos = doc.Pos(est.Notes[i].Field)
		}
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pos.Line < probs[j].Pos.Line })
		return nil, nil, nil, probs
	}
	return &facts, doc.Positions(), est, nil
}

// semantic checks what the schema cannot: relations between fields.
func semantic(f *gpai.Facts, doc *yamldoc.Doc) gpai.Problems {
	var probs gpai.Problems
	add := func(field, msg, fix string) {
		probs = append(probs, gpai.Problem{Pos: doc.Pos(field), Field: field, Message: msg, Fix: fix})
	}
	if ar := f.Provider.AuthorisedRepresentative; ar != nil && !gpai.IsEUCountry(ar.Country) {
		add("provider.authorised_representative.country", fmt.Sprintf("%s is not a member state of the Union", ar.Country), "the authorised representative must be established in the Union (Art 54(1))")
	}
	if ar := f.Provider.AuthorisedRepresentative; ar != nil && gpai.IsEUCountry(f.Provider.Country) {
		add("provider.authorised_representative", "a provider established in the Union needs no authorised representative", "remove authorised_representative, or correct provider.country")
	}
	d := f.Dates
	before := func(a, b *gpai.Date, fa, fb string) {
		if a != nil && b != nil && b.Before(a.Time) {
			add(fb, fmt.Sprintf("%s (%s) is before %s (%s)", fb, b, fa, a), "correct one of the two dates")
		}
	}
	before(d.FirstRelease, d.EUPlacement, "dates.first_release", "dates.eu_placement")
	before(d.TrainingStart, d.FirstRelease, "dates.training_start", "dates.first_release")
	before(d.EUPlacement, d.Withdrawn, "dates.eu_placement", "dates.withdrawn")
	if r := f.Rebuttal; r != nil {
		switch {
		case r.Outcome != "pending" && r.Decided == nil:
			add("rebuttal.decided", "a decided rebuttal needs the date of the decision", "add rebuttal.decided: YYYY-MM-DD")
		case r.Outcome == "pending" && r.Decided != nil:
			add("rebuttal.decided", "a pending rebuttal has no decision date", "remove rebuttal.decided, or set the outcome")
		case r.Decided != nil && r.Decided.Before(r.Submitted.Time):
			add("rebuttal.decided", "the decision predates the submission", "correct one of the two dates")
		}
	}
	if a := f.Assessment; a != nil && strings.TrimSpace(a.Reason) == "" {
		add("assessment.reason", "a conclusion against the indicative criterion needs its reasons", "state why the model does or does not display significant generality (Guidelines §2.1)")
	}
	if m := f.Modification; m != nil && f.Compute == nil {
		add("compute", "a modification needs the compute it used to decide whether its maker becomes a provider", "add compute.stages describing the modification (e.g. a fine-tuning stage)")
	}
	seen := map[string]bool{}
	if f.Compute != nil {
		for i, st := range f.Compute.Stages {
			if seen[st.Name] {
				add(fmt.Sprintf("compute.stages[%d].name", i), fmt.Sprintf("stage name %q is used twice", st.Name), "give each stage its own name")
			}
			seen[st.Name] = true
		}
	}
	if l := f.Licence; l != nil && l.Grants == nil {
		if _, ok := gpai.LookupLicence(l.ID); !ok {
			add("licence.grants", fmt.Sprintf("gpai does not know licence %q", l.ID), "state licence.grants (access, use, modify, distribute) and any restrictions, or use an SPDX identifier gpai knows")
		}
	}
	return probs
}

// ListFiles returns the files of the dossier in dir that Load reads or
// checks, by slash-separated path relative to dir: regular files, not in
// hidden folders nor three or more folders deep, at most MaxFiles.
func ListFiles(dir string) (map[string]bool, error) {
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if e.IsDir() {
			if rel != "." && (strings.HasPrefix(e.Name(), ".") || strings.Count(rel, string(filepath.Separator)) >= 3) {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if len(files) >= MaxFiles {
			return fmt.Errorf("more than %d files", MaxFiles)
		}
		files[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot list dossier folder %s: %v", dir, err)
	}
	return files, nil
}
