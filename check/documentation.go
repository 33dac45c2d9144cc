package check

import (
	"context"
	"fmt"
	"strings"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/yamldoc"
)

// Documentation validates documentation.yaml, the Model Documentation
// Form: every item each recipient receives is answered, numbers carry the
// significant figures the form demands, derived items agree with what they
// derive from, and the compute figure agrees with gpai's estimate.
type Documentation struct{}

// Name returns "documentation".
func (Documentation) Name() string { return "documentation" }

const ruleDoc = "ART53-1A-DOCUMENTATION"

// Validate implements gpai.Validator.
func (Documentation) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	if !d.Files[gpai.DocumentationFile] {
		return nil, nil
	}
	doc, yd, err := LoadDocumentation(d, s)
	if err != nil {
		return nil, err
	}
	return DocumentationFindings(d, s, yd, doc), nil
}

// LoadDocumentation reads documentation.yaml and derives what it can.
// The contradictions derivation finds are reported by DocumentationFindings.
func LoadDocumentation(d *gpai.Dossier, s *gpai.Scope) (*gpai.Documentation, *yamldoc.Doc, error) {
	var doc gpai.Documentation
	yd, err := dossier.LoadFile(d.Dir, gpai.DocumentationFile, &doc)
	if err != nil {
		return nil, nil, err
	}
	return &doc, yd, nil
}

// DocumentationFindings derives the form's items and returns the findings.
func DocumentationFindings(d *gpai.Dossier, s *gpai.Scope, yd *yamldoc.Doc, doc *gpai.Documentation) []gpai.Finding {
	var est *gpai.ComputeEstimate
	if s != nil {
		est = s.Compute
	}
	contradictions := doc.Derive(d.Facts, est)
	// Severity follows the obligation: errors once documentation is due,
	// warnings before, information where the form is not required.
	sev, context := gpai.SeverityError, ""
	applies := false
	if s != nil {
		for _, o := range s.Obligations {
			if o.Rule == ruleDoc {
				applies = true
				if o.Status == gpai.StatusUpcoming {
					sev = gpai.SeverityWarning
				}
			}
		}
		if !applies {
			sev = gpai.SeverityInfo
			if s.Classification.OpenSourceExempt {
				context = " (the model is exempt as open source, Art 53(2): the form is voluntary; the copyright policy and the training-content summary still apply)"
			} else {
				context = " (no documentation obligation applies to this dossier)"
			}
		}
	}
	var out []gpai.Finding
	add := func(sv gpai.Severity, item gpai.DocItem, field, msg, fix string) {
		out = append(out, gpai.Finding{Severity: sv, Rule: ruleDoc, Citation: "AI Act Art 53(1)(a)-(b), Annexes XI-XII; Code of Practice, Transparency, Measure 1.1, Model Documentation Form",
			Pos: yd.Pos(field), Field: field, Message: fmt.Sprintf("item %d (%s): %s%s", item.Number, item.Title, msg, context), Fix: fix})
	}
	byNumber := map[int]gpai.DocItem{}
	for _, it := range gpai.DocItems {
		byNumber[it.Number] = it
	}
	for _, c := range contradictions {
		add(sev, byNumber[c.Item], c.Field, c.Message, "correct one of the two, or leave the derived item out and let gpai fill it")
	}
	for _, it := range gpai.DocItems {
		if it.Value(doc).Empty() {
			var who []string
			for _, r := range it.For {
				who = append(who, gpai.RecipientName(r))
			}
			fix := "answer it under " + it.Field
			if it.NAAllowed {
				fix += ", or write N/A with the reason where the form allows"
			}
			add(sev, it, it.Field, "is not answered; it goes to "+strings.Join(who, ", "), fix)
			continue
		}
		for field, f := range doc.ItemFigures(it.Number) {
			if it.SigFigs > 0 && f.SigFigs() < it.SigFigs {
				add(sev, it, field, fmt.Sprintf("%s has %d significant figure(s); the form asks for at least %d", f.Text, f.SigFigs(), it.SigFigs),
					fmt.Sprintf("write it with %d significant figures, e.g. %s", it.SigFigs, gpai.FormatFLOP(f.Value, it.SigFigs)))
			}
		}
	}
	p := doc.Properties
	for _, m := range p.InputModalities {
		if _, ok := p.InputMaxSize[m]; len(p.InputMaxSize) > 0 && !ok {
			add(sev, byNumber[10], "properties.input_max_size", fmt.Sprintf("no maximum size for the input modality %s", m), "give it, or N/A if it is not defined")
		}
	}
	if doc.Energy.TrainingMWh != nil && doc.Energy.TrainingNA != "" {
		add(sev, byNumber[42], "energy.training_na", "both a figure and N/A are given", "keep one")
	}
	if doc.Energy.TrainingNA != "" && doc.Energy.Methodology == "" {
		add(sev, byNumber[43], "energy.methodology", "N/A for the training energy needs the information that is lacking", "state which information the compute or hardware provider lacks")
	}
	if d.Facts.Modification != nil && s != nil && s.Classification.ModifierProvider {
		out = append(out, gpai.Finding{Severity: gpai.SeverityInfo, Rule: ruleDoc, Citation: "AI Act recital 109; Guidelines §3.2; Code of Practice, Transparency",
			Pos: yd.Pos(""), Message: "as a modifier, document the modification only: items about training, data and compute describe what the modification changed, and item 6 names the models it depends on"})
	}
	return out
}
