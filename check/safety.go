package check

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/yamldoc"
)

// Safety validates the files of the Safety and Security chapter in the
// dossier's safety/ folder: the Framework, the risk register (the four
// specified systemic risks always present), the evaluation records, the
// safety and security mitigations, the Model Report's inputs and the
// serious incidents, whose report clocks become findings when a report is
// overdue, due today or due soon. That a file is missing altogether is the
// rulebook's finding (ART55-*, SS-*), not this validator's.
type Safety struct{}

// Name returns "safety".
func (Safety) Name() string { return "safety" }

// Validate implements gpai.Validator.
func (Safety) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	sf, err := LoadSafety(d)
	if err != nil {
		return nil, err
	}
	if sf.Empty() && (s == nil || !s.Classification.SystemicRisk) {
		return nil, nil
	}
	return SafetyFindings(d, s, sf), nil
}

// SafetyFiles are the parsed safety/ files of a dossier; a file that is
// absent is nil.
type SafetyFiles struct {
	Dir         string
	Framework   *gpai.Framework
	Risks       *gpai.RiskRegister
	Evaluations *gpai.EvaluationLog
	Mitigations *gpai.Mitigations
	Report      *gpai.ModelReportInputs
	Incidents   *gpai.IncidentLog
	Docs        map[string]*yamldoc.Doc // by file name, e.g. gpai.RisksFile
}

// Empty reports whether no safety file is present.
func (sf *SafetyFiles) Empty() bool { return len(sf.Docs) == 0 }

// Pos returns the position of field in the safety file name, or the file
// itself when it is absent.
func (sf *SafetyFiles) Pos(name, field string) gpai.Position {
	if doc := sf.Docs[name]; doc != nil {
		return doc.Pos(field)
	}
	return gpai.Position{File: filepath.Join(sf.Dir, name)}
}

// LoadSafety reads every safety/ file present in the dossier. Problems in
// any of them are returned together as gpai.Problems.
func LoadSafety(d *gpai.Dossier) (*SafetyFiles, error) {
	sf := &SafetyFiles{Dir: d.Dir, Docs: map[string]*yamldoc.Doc{}}
	var probs gpai.Problems
	load := func(name string, v any) bool {
		if !d.Files[name] {
			return false
		}
		doc, err := dossier.LoadFile(d.Dir, name, v)
		var p gpai.Problems
		switch {
		case errors.As(err, &p):
			probs = append(probs, p...)
			return false
		case err != nil:
			probs = append(probs, gpai.Problem{Pos: gpai.Position{File: filepath.Join(d.Dir, name)}, Message: gpai.ErrorMessage(err)})
			return false
		}
		sf.Docs[name] = doc
		return true
	}
	var (
		fw  gpai.Framework
		rk  gpai.RiskRegister
		ev  gpai.EvaluationLog
		mi  gpai.Mitigations
		rep gpai.ModelReportInputs
		inc gpai.IncidentLog
	)
	if load(gpai.FrameworkFile, &fw) {
		sf.Framework = &fw
	}
	if load(gpai.RisksFile, &rk) {
		sf.Risks = &rk
	}
	if load(gpai.EvaluationsFile, &ev) {
		sf.Evaluations = &ev
	}
	if load(gpai.MitigationsFile, &mi) {
		sf.Mitigations = &mi
	}
	if load(gpai.ModelReportFile, &rep) {
		sf.Report = &rep
	}
	if load(gpai.IncidentsFile, &inc) {
		sf.Incidents = &inc
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return sf, nil
}

// Citations of the Safety and Security chapter.
const (
	citeSS = "Code of Practice, Safety and Security, "
)

// SafetyFindings returns the findings for the parsed safety files of d as
// assessed in s (s may be nil: dates are then judged as of today, UTC).
func SafetyFindings(d *gpai.Dossier, s *gpai.Scope, sf *SafetyFiles) []gpai.Finding {
	v := &safetyCheck{d: d, s: s, sf: sf}
	if s != nil {
		v.asOf = s.AsOf
	} else {
		v.asOf = gpai.Today(time.Now)
	}
	if d.Facts != nil {
		v.placed = d.Facts.Dates.EUPlacement
	}
	if sf.Framework != nil {
		v.framework()
	}
	if sf.Risks != nil {
		v.risks()
	}
	if sf.Evaluations != nil {
		v.evaluations()
	}
	if sf.Mitigations != nil {
		v.mitigations()
	}
	if sf.Report != nil {
		v.report()
	}
	if sf.Incidents != nil {
		v.incidents()
	}
	return v.out
}

type safetyCheck struct {
	d      *gpai.Dossier
	s      *gpai.Scope
	sf     *SafetyFiles
	asOf   gpai.Date
	placed *gpai.Date
	out    []gpai.Finding
}

func (v *safetyCheck) add(sev gpai.Severity, rule, cite, file, field, msg, fix string) {
	v.out = append(v.out, gpai.Finding{Severity: sev, Rule: rule, Citation: cite, Pos: v.sf.Pos(file, field), Field: field, Message: msg, Fix: fix})
}

// need reports an error when text is blank.
func (v *safetyCheck) need(text, rule, cite, file, field, what, fix string) {
	if strings.TrimSpace(text) == "" {
		v.add(gpai.SeverityError, rule, cite, file, field, what+" is missing", fix)
	}
}

func (v *safetyCheck) framework() {
	fw, F := v.sf.Framework, gpai.FrameworkFile
	const rule = "SS-FRAMEWORK"
	m11 := citeSS + "Measure 1.1"
	v.need(fw.Version, rule, citeSS+"Measure 1.3", F, "version", "the Framework's version number", "give version")
	if fw.Confirmed.IsZero() {
		v.add(gpai.SeverityError, rule, m11, F, "confirmed", "the Framework is not confirmed: no date of its governance approval", "give confirmed: YYYY-MM-DD, the day the required approvals were received")
	} else if v.s != nil {
		// The deadline is for the first Framework: its earliest version.
		first := fw.Confirmed
		for _, c := range fw.Changelog {
			if !c.Date.IsZero() && c.Date.Time.Before(first.Time) {
				first = c.Date
			}
		}
		for _, o := range v.s.Obligations {
			if o.Rule == rule && o.Due != nil && first.Time.After(o.Due.Time) {
				v.add(gpai.SeverityWarning, rule, m11, F, "confirmed", fmt.Sprintf("the first Framework was confirmed on %s, %d days after its deadline %s", first, ssDays(*o.Due, first), o.Due), "no fix for the past: record why in the changelog")
			}
		}
	}
	if len(fw.Changelog) == 0 {
		v.add(gpai.SeverityError, rule, citeSS+"Measure 1.3", F, "changelog", "the Framework has no changelog", "list each version under changelog with its date and how and why it changed")
	} else if fw.Version != "" && !ssHasChange(fw.Changelog, fw.Version) {
		v.add(gpai.SeverityError, rule, citeSS+"Measure 1.3", F, "changelog", fmt.Sprintf("the changelog has no entry for the current version %s", fw.Version), "add the entry with its date and changes")
	}
	for i, c := range fw.Changelog {
		v.need(c.Changes, rule, citeSS+"Measure 1.3", F, fmt.Sprintf("changelog[%d].changes", i), fmt.Sprintf("how and why version %s changed", c.Version), "describe the changes")
	}
	v.need(fw.Processes, rule, m11, F, "processes", "the description of the systemic-risk assessment and mitigation processes", "describe the implemented and planned processes under processes")
	if len(fw.TriggerPoints) == 0 {
		v.add(gpai.SeverityError, rule, m11+"(1)", F, "trigger_points", "the Framework defines no trigger points for lighter-touch evaluations", "list them under trigger_points, each with its definition and justification")
	}
	for i, tp := range fw.TriggerPoints {
		f := fmt.Sprintf("trigger_points[%d]", i)
		v.need(tp.Definition, rule, m11+"(1)", F, f+".definition", fmt.Sprintf("the definition of trigger point %q", tp.Name), "say when it fires")
		v.need(tp.Justification, rule, m11+"(1)", F, f+".justification", fmt.Sprintf("the justification of trigger point %q", tp.Name), "say why this point")
	}
	v.need(fw.Acceptance, rule, citeSS+"Measure 4.1; Measure 1.1(2)(a)", F, "acceptance", "how the tiers determine the acceptability of each risk and of the overall risk", "describe it and justify it under acceptance")
	v.need(fw.ExternalInput, rule, m11+"(2)(d)", F, "external_input", "whether and how external actors' input influences proceed decisions", "describe it under external_input")
	v.need(fw.UpdateProcess, rule, m11+"(4)", F, "update_process", "the update process, and how an update is confirmed", "describe it under update_process")
	if len(fw.ReassessmentTriggers) == 0 {
		v.add(gpai.SeverityError, rule, citeSS+"Measure 1.3", F, "reassessment_triggers", "the Framework names no triggers for reassessment", "list the grounds that trigger a Framework assessment before the yearly one")
	}
	held := map[string]bool{}
	for _, r := range fw.Responsibilities {
		if strings.TrimSpace(r.Holder) != "" && r.Level != "" {
			held[r.Responsibility] = true
		}
	}
	for _, r := range gpai.Responsibilities {
		if !held[r] {
			v.add(gpai.SeverityError, "SS-RESPONSIBILITY", citeSS+"Measures 1.1(3), 8.1", F, "responsibilities", fmt.Sprintf("no one holds the %s responsibility for systemic risk", r), fmt.Sprintf("add a responsibility %s with its level and holder", r))
		}
	}
	// Per risk.
	seen := map[string]bool{}
	for i, fr := range fw.Risks {
		f := fmt.Sprintf("risks[%d]", i)
		if seen[fr.Risk] {
			v.add(gpai.SeverityError, rule, m11, F, f+".risk", fmt.Sprintf("risk %s appears twice", fr.Risk), "merge the entries")
		}
		seen[fr.Risk] = true
		if reg := v.sf.Risks; reg != nil {
			if r, _ := reg.Risk(fr.Risk); r == nil {
				v.add(gpai.SeverityError, rule, m11, F, f+".risk", fmt.Sprintf("risk %s is not in %s", fr.Risk, gpai.RisksFile), "add it to the register or correct the id")
			}
		}
		spec := gpai.IsSpecifiedRisk(fr.Risk)
		switch {
		case len(fr.Tiers) == 0 && spec:
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1(a)", F, f+".tiers", fmt.Sprintf("specified systemic risk %s has no tiers; the specified risks always need tiers", fr.Risk), "define tiers by model capabilities, with measurable thresholds")
		case len(fr.Tiers) == 0 && strings.TrimSpace(fr.OtherCriteria) == "":
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1", F, f+".tiers", fmt.Sprintf("risk %s has neither tiers nor other acceptance criteria", fr.Risk), "define tiers, or, where tiers are unsuitable, state other_criteria and why")
		}
		ids := map[string]bool{}
		for j, t := range fr.Tiers {
			tf := fmt.Sprintf("%s.tiers[%d]", f, j)
			if ids[t.ID] {
				v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1(a)", F, tf+".id", fmt.Sprintf("tier %s appears twice", t.ID), "give each tier its own id")
			}
			ids[t.ID] = true
			v.need(t.Criteria, rule, citeSS+"Measure 4.1(a)", F, tf+".criteria", fmt.Sprintf("the capabilities that define tier %s", t.ID), "state them under criteria")
			if len(t.Thresholds) == 0 {
				v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1(a)", F, tf+".thresholds", fmt.Sprintf("tier %s is not measurable: it has no thresholds", t.ID), "add thresholds: evaluation, metric and value")
			}
			if len(t.Mitigations) == 0 && j > 0 {
				v.add(gpai.SeverityError, rule, m11+"(2)(b)", F, tf+".mitigations", fmt.Sprintf("tier %s names no mitigations needed once it is reached", t.ID), "list the mitigation ids from "+gpai.MitigationsFile)
			}
			if mi := v.sf.Mitigations; mi != nil {
				for k, m := range t.Mitigations {
					if x, _ := mi.Mitigation(m); x == nil {
						v.add(gpai.SeverityError, rule, m11+"(2)(b)", F, fmt.Sprintf("%s.mitigations[%d]", tf, k), fmt.Sprintf("mitigation %s is not in %s", m, gpai.MitigationsFile), "add it there or correct the id")
					}
				}
			}
		}
		if fr.UnacceptableFrom != "" && fr.TierIndex(fr.UnacceptableFrom) < 0 {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1", F, f+".unacceptable_from", fmt.Sprintf("%s is not a tier of risk %s", fr.UnacceptableFrom, fr.Risk), "name one of its tiers")
		}
		v.need(fr.SafetyMargin, rule, citeSS+"Measure 4.1", F, f+".safety_margin", fmt.Sprintf("the safety margin for risk %s", fr.Risk), "describe the margin and the uncertainties it accounts for")
		if len(fr.Tiers) > 0 {
			c := m11 + "(2)(c)"
			v.need(fr.Forecast.Approach, rule, c, F, f+".forecast.approach", fmt.Sprintf("how the timeline for risk %s is forecast", fr.Risk), "describe the approach")
			v.need(fr.Forecast.Estimate, rule, c, F, f+".forecast.estimate", fmt.Sprintf("the timeline estimate for risk %s", fr.Risk), "give a range or distribution for when a model will exceed the highest tier reached so far")
			v.need(fr.Forecast.Assumptions, rule, c, F, f+".forecast.assumptions", fmt.Sprintf("the assumptions and uncertainties of the forecast for risk %s", fr.Risk), "state them")
		}
	}
	for _, sr := range gpai.SpecifiedRisks {
		if !seen[sr.ID] {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1(a); Appendix 1.4", F, "risks", fmt.Sprintf("the Framework has no tiers for the specified systemic risk %s (%s)", sr.ID, sr.Name), "add risks entry "+sr.ID+" with its tiers")
		}
	}
	if reg := v.sf.Risks; reg != nil {
		for _, r := range reg.Risks {
			if !seen[r.ID] && !gpai.IsSpecifiedRisk(r.ID) {
				v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1", F, "risks", fmt.Sprintf("the Framework has no tiers or acceptance criteria for risk %s", r.ID), "add a risks entry "+r.ID)
			}
		}
	}
	// Access and assessment clocks.
	if !fw.Confirmed.IsZero() {
		due := gpai.AddBusinessDays(fw.Confirmed, 5)
		switch {
		case fw.Access == nil && v.asOf.Time.After(due.Time):
			v.add(gpai.SeverityWarning, "SS-FRAMEWORK-ACCESS", citeSS+"Measure 1.4", F, "ai_office_access", fmt.Sprintf("no record that the AI Office was given access to the Framework confirmed on %s (due by %s)", fw.Confirmed, due), "give access and record the day as ai_office_access")
		case fw.Access != nil && fw.Access.Time.After(due.Time):
			v.add(gpai.SeverityWarning, "SS-FRAMEWORK-ACCESS", citeSS+"Measure 1.4", F, "ai_office_access", fmt.Sprintf("the AI Office got access on %s, after the 5 business days that ended %s", fw.Access, due), "give access within 5 business days of each confirmation")
		}
	}
	if v.placed != nil && !v.asOf.Time.Before(v.placed.Time) {
		base := *v.placed
		if fw.LastAssessment != nil && fw.LastAssessment.Time.After(base.Time) {
			base = *fw.LastAssessment
		}
		due := gpai.Date{Time: base.AddDate(0, 12, 0)}
		if v.asOf.Time.After(due.Time) {
			v.add(gpai.SeverityWarning, "SS-FRAMEWORK-ASSESSMENT", citeSS+"Measure 1.3", F, "last_assessment", fmt.Sprintf("the Framework assessment was due on %s, 12 months after %s", due, base), "assess adequacy and adherence, update the Framework, and record last_assessment")
		}
	}
}

func ssHasChange(cs []gpai.Change, version string) bool {
	for _, c := range cs {
		if c.Version == version {
			return true
		}
	}
	return false
}

func ssDays(a, b gpai.Date) int { return int(b.Sub(a.Time).Hours() / 24) }

func (v *safetyCheck) risks() {
	reg, R := v.sf.Risks, gpai.RisksFile
	const rule = "ART55-1B-RISK"
	v.need(reg.Identification, rule, citeSS+"Measure 2.1; Model Report 7.3(1)(a)", R, "identification", "the identification process for the Appendix 1.1 risk types", "describe it under identification")
	v.need(reg.Assumptions, rule, citeSS+"Measure 7.3(1)(b)", R, "assumptions", "the uncertainties and assumptions about the model's use and integration", "state them under assumptions")
	if reg.Assessed.IsZero() {
		v.add(gpai.SeverityError, rule, citeSS+"Measure 1.2", R, "assessed", "the date of the last full systemic-risk assessment is missing", "give assessed: YYYY-MM-DD")
	}
	ids := map[string]bool{}
	for i, r := range reg.Risks {
		if ids[r.ID] {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 2.1", R, fmt.Sprintf("risks[%d].id", i), fmt.Sprintf("risk %s appears twice", r.ID), "merge the entries")
		}
		ids[r.ID] = true
	}
	for _, sr := range gpai.SpecifiedRisks {
		if !ids[sr.ID] {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 2.1(2); Appendix 1.4", R, "risks", fmt.Sprintf("the specified systemic risk %s (%s) is missing from the register; it is always identified", sr.ID, sr.Name), "add a risk with id "+sr.ID+", its scenarios, sources, tier, evidence and acceptance determination")
		}
	}
	var statuses map[string]gpai.RiskStatus
	if v.sf.Framework != nil {
		statuses = map[string]gpai.RiskStatus{}
		for _, st := range gpai.AssessRisks(v.sf.Framework, reg, v.sf.Evaluations, v.sf.Mitigations) {
			statuses[st.Risk] = st
		}
	}
	for i, r := range reg.Risks {
		f := fmt.Sprintf("risks[%d]", i)
		c2 := citeSS + "Measure 2.1"
		v.need(r.Name, rule, c2, R, f+".name", fmt.Sprintf("the name of risk %s", r.ID), "name it")
		v.need(r.Description, rule, c2+"(1)(b); Appendix 1.2", R, f+".description", fmt.Sprintf("the nature of risk %s", r.ID), "describe it")
		if !gpai.IsSpecifiedRisk(r.ID) && len(r.Types) == 0 {
			v.add(gpai.SeverityError, rule, c2+"(1)(a); Appendix 1.1", R, f+".types", fmt.Sprintf("risk %s names no Appendix 1.1 type of risk", r.ID), "list its types: public-health, safety, public-security, fundamental-rights, society")
		}
		if len(r.Scenarios) == 0 {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 2.2", R, f+".scenarios", fmt.Sprintf("risk %s has no systemic-risk scenarios", r.ID), "add at least one scenario")
		}
		for j, sc := range r.Scenarios {
			v.need(sc.Description, rule, citeSS+"Measure 2.2", R, fmt.Sprintf("%s.scenarios[%d].description", f, j), fmt.Sprintf("the description of scenario %q", sc.Name), "describe it")
		}
		if len(r.Sources) == 0 {
			v.add(gpai.SeverityError, rule, c2+"(1)(b); Appendix 1.3", R, f+".sources", fmt.Sprintf("risk %s has no sources", r.ID), "list its sources: capabilities, propensities, affordances")
		}
		v.need(r.Modelling, rule, citeSS+"Measure 3.3", R, f+".modelling", fmt.Sprintf("the risk-modelling results for %s", r.ID), "state them under modelling")
		c34 := citeSS + "Measure 3.4; Model Report 7.3(1)(d)"
		v.need(r.Estimate.Method, rule, c34, R, f+".estimate.method", fmt.Sprintf("the estimation method for %s", r.ID), "name it: a score, a matrix, a distribution")
		v.need(r.Estimate.Mitigated, rule, c34, R, f+".estimate.mitigated", fmt.Sprintf("the estimate of %s with mitigations", r.ID), "state probability and severity with the mitigations")
		v.need(r.Estimate.Elicited, rule, c34, R, f+".estimate.elicited", fmt.Sprintf("the estimate of %s with the model fully elicited", r.ID), "state probability and severity without mitigations")
		if strings.TrimSpace(r.Tier) == "" {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1", R, f+".tier", fmt.Sprintf("risk %s has no current tier", r.ID), "give its tier from the framework, or none when below the first")
		} else if fw := v.sf.Framework; fw != nil {
			if fr, _ := fw.Risk(r.ID); fr != nil && len(fr.Tiers) > 0 && fr.TierIndex(r.Tier) == -2 {
				v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1", R, f+".tier", fmt.Sprintf("%s is not a tier of risk %s in the framework", r.Tier, r.ID), "name one of its tiers, or none")
			}
		}
		if len(r.Evidence) == 0 {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 3.2", R, f+".evidence", fmt.Sprintf("risk %s cites no evidence", r.ID), "cite the evaluation ids behind its tier")
		}
		for j, e := range r.Evidence {
			if ssIsEvalID(e) && v.sf.Evaluations != nil {
				if x, _ := v.sf.Evaluations.Evaluation(e); x == nil {
					v.add(gpai.SeverityError, rule, citeSS+"Measure 3.2", R, fmt.Sprintf("%s.evidence[%d]", f, j), fmt.Sprintf("evaluation %s is not in %s", e, gpai.EvaluationsFile), "correct the id, or import the evaluation")
				}
			}
		}
		if v.sf.Evaluations != nil && gpai.IsSpecifiedRisk(r.ID) && !ssHasEvaluation(v.sf.Evaluations, r.ID) {
			v.add(gpai.SeverityError, "ART55-1A-EVALUATION", citeSS+"Measure 3.2", R, f, fmt.Sprintf("no evaluation of the specified risk %s is recorded", r.ID), "evaluate it and record the results in "+gpai.EvaluationsFile)
		}
		if mi := v.sf.Mitigations; mi != nil {
			for j, m := range r.Mitigations {
				if x, _ := mi.Mitigation(m); x == nil {
					v.add(gpai.SeverityError, rule, citeSS+"Measure 5.1", R, fmt.Sprintf("%s.mitigations[%d]", f, j), fmt.Sprintf("mitigation %s is not in %s", m, gpai.MitigationsFile), "add it there or correct the id")
				}
			}
		}
		a := r.Acceptability
		c41 := citeSS + "Measure 4.1"
		if a.Determined.IsZero() {
			v.add(gpai.SeverityError, rule, c41, R, f+".acceptability.determined", fmt.Sprintf("no acceptance determination for %s", r.ID), "determine acceptability and give its date")
		}
		v.need(a.Justification, rule, c41, R, f+".acceptability.justification", fmt.Sprintf("the justification of the acceptance determination for %s", r.ID), "justify it, with the safety margin")
		if !a.Determined.IsZero() && !a.Acceptable {
			v.add(gpai.SeverityError, rule, citeSS+"Measure 4.2", R, f+".acceptability.acceptable", fmt.Sprintf("risk %s is determined not acceptable", r.ID), "do not make the model available; restrict, withdraw or mitigate, then reassess (Measure 4.2)")
		}
		st, ok := statuses[r.ID]
		if !ok {
			continue
		}
		if fr, _ := v.sf.Framework.Risk(r.ID); fr != nil && len(fr.Tiers) > 0 && r.Tier != "" && fr.TierIndex(r.Tier) != -2 {
			if ei, si := fr.TierIndex(st.EvidenceTier), fr.TierIndex(r.Tier); ei > si {
				v.add(gpai.SeverityError, rule, c41, R, f+".tier", fmt.Sprintf("the register states tier %s for %s, but the evaluations reach tier %s", r.Tier, r.ID, st.EvidenceTier), "update the tier and redo the acceptance determination (gpai risk status shows the evidence)")
			}
			if st.TopTierReached {
				v.add(gpai.SeverityError, rule, citeSS+"Measure 4.1(a)", gpai.FrameworkFile, "risks", fmt.Sprintf("risk %s has reached its highest tier: the framework must include a tier the model has not reached", r.ID), "define a higher tier")
			}
		}
		if st.Within != nil && !*st.Within && a.Acceptable {
			v.add(gpai.SeverityError, rule, citeSS+"Measures 4.1, 4.2", R, f+".acceptability.acceptable", fmt.Sprintf("risk %s is recorded as acceptable but is not within the framework's acceptance criteria (tier %s; missing mitigations: %s)", r.ID, st.Tier, ssList(st.MissingMitigations)), "implement the mitigations or correct the determination (gpai risk status)")
		}
	}
}

func ssList(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// ssIsEvalID reports whether an evidence entry names an evaluation record
// rather than another reference (a URL, a path, a sentence).
func ssIsEvalID(s string) bool { return s != "" && !strings.ContainsAny(s, " :/") }

func ssHasEvaluation(l *gpai.EvaluationLog, risk string) bool {
	for _, e := range l.Evaluations {
		if e.Risk == risk {
			return true
		}
	}
	return false
}

func (v *safetyCheck) evaluations() {
	ev, E := v.sf.Evaluations, gpai.EvaluationsFile
	const rule = "ART55-1A-EVALUATION"
	c32 := citeSS + "Measure 3.2; Appendix 3"
	if len(ev.Evaluations) == 0 {
		v.add(gpai.SeverityError, rule, c32, E, "evaluations", "no evaluation is recorded", "record the evaluation results (gpai eval import, or by hand)")
		return
	}
	ids := map[string]bool{}
	openEnded := false
	for i, e := range ev.Evaluations {
		f := fmt.Sprintf("evaluations[%d]", i)
		if ids[e.ID] {
			v.add(gpai.SeverityError, rule, c32, E, f+".id", fmt.Sprintf("evaluation id %s appears twice", e.ID), "give each record its own id")
		}
		ids[e.ID] = true
		if e.Kind == "open-ended" || e.Kind == "red-teaming" {
			openEnded = true
		}
		v.need(e.Name, rule, c32, E, f+".name", fmt.Sprintf("the task of evaluation %s", e.ID), "name the task or benchmark")
		v.need(e.Model, rule, c32, E, f+".model", fmt.Sprintf("the model of evaluation %s", e.ID), "name the model evaluated")
		v.need(e.Scorer, rule, c32, E, f+".scorer", fmt.Sprintf("the scorer of evaluation %s", e.ID), "name the scorer")
		v.need(e.Metric, rule, c32, E, f+".metric", fmt.Sprintf("the metric of evaluation %s", e.ID), "name the metric")
		v.need(e.Provenance.Tool, rule, c32, E, f+".provenance.tool", fmt.Sprintf("the provenance of evaluation %s", e.ID), "name the tool (inspect_ai, lm-evaluation-harness, manual) and its log")
		if e.Date.IsZero() {
			v.add(gpai.SeverityError, rule, c32, E, f+".date", fmt.Sprintf("evaluation %s has no date", e.ID), "give the day the run finished")
		} else if e.Date.Time.After(v.asOf.Time) {
			v.add(gpai.SeverityError, rule, c32, E, f+".date", fmt.Sprintf("evaluation %s is dated %s, after %s", e.ID, e.Date, v.asOf), "correct the date")
		}
		if e.Samples <= 0 {
			v.add(gpai.SeverityError, rule, c32, E, f+".samples", fmt.Sprintf("evaluation %s states no sample count", e.ID), "give the number of samples scored")
		}
		if strings.TrimSpace(e.Risk) == "" {
			v.add(gpai.SeverityError, rule, c32, E, f+".risk", fmt.Sprintf("evaluation %s informs no risk", e.ID), "give the risk id from "+gpai.RisksFile)
		} else if reg := v.sf.Risks; reg != nil {
			if r, _ := reg.Risk(e.Risk); r == nil {
				v.add(gpai.SeverityError, rule, c32, E, f+".risk", fmt.Sprintf("risk %s is not in %s", e.Risk, gpai.RisksFile), "correct the id")
			}
		}
		if e.Tier != "" && v.sf.Framework != nil {
			if fr, _ := v.sf.Framework.Risk(e.Risk); fr != nil && fr.TierIndex(e.Tier) < 0 {
				v.add(gpai.SeverityWarning, rule, c32, E, f+".tier", fmt.Sprintf("%s is not a tier of risk %s in the framework", e.Tier, e.Risk), "correct the tier")
			}
		}
		if e.Provenance.Log != "" && !strings.Contains(e.Provenance.Log, "://") {
			if _, err := os.Stat(filepath.Join(v.sf.Dir, e.Provenance.Log)); err != nil {
				v.add(gpai.SeverityWarning, rule, c32, E, f+".provenance.log", fmt.Sprintf("log %s cannot be read", e.Provenance.Log), "correct the path (relative to the dossier) or give a URL")
			}
		}
		v.samples(e, f)
	}
	if !openEnded {
		v.add(gpai.SeverityError, rule, citeSS+"Measure 3.2", E, "evaluations", "no open-ended testing is recorded; the evaluations must include it", "record red-teaming or other open-ended testing with kind: open-ended or red-teaming")
	}
}

// MinRandomSamples is how many random samples of each relevant evaluation
// the Model Report shows (Measure 7.3(1)(f)).
const MinRandomSamples = 5

func (v *safetyCheck) samples(e gpai.Evaluation, f string) {
	E := gpai.EvaluationsFile
	cite := citeSS + "Measure 7.3(1)(f)"
	n := len(e.RandomSamples)
	if e.SamplesFile != "" {
		c, err := CountSamples(filepath.Join(v.sf.Dir, e.SamplesFile))
		if err != nil {
			v.add(gpai.SeverityError, "SS-MODEL-REPORT", cite, E, f+".samples_file", fmt.Sprintf("samples file %s cannot be read", e.SamplesFile), "correct the path (relative to the dossier)")
			return
		}
		n += c
	}
	if n < MinRandomSamples {
		v.add(gpai.SeverityError, "SS-MODEL-REPORT", cite, E, f, fmt.Sprintf("evaluation %s has %d random samples; the Model Report needs at least %d", e.ID, n, MinRandomSamples), "add random_samples or a samples_file (JSON Lines) with at least five inputs and outputs")
	}
}

// CountSamples counts the non-blank lines of a JSON Lines samples file.
func CountSamples(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	return n, sc.Err()
}

func (v *safetyCheck) mitigations() {
	mi, M := v.sf.Mitigations, gpai.MitigationsFile
	c51 := citeSS + "Measure 5.1; Model Report 7.3(2)"
	const rule = "ART55-1B-RISK"
	if len(mi.Safety) == 0 {
		v.add(gpai.SeverityError, rule, c51, M, "safety", "no safety mitigation is recorded", "list the safety mitigations under safety")
	}
	ids := map[string]bool{}
	for i, m := range mi.Safety {
		f := fmt.Sprintf("safety[%d]", i)
		if ids[m.ID] {
			v.add(gpai.SeverityError, rule, c51, M, f+".id", fmt.Sprintf("mitigation id %s appears twice", m.ID), "give each its own id")
		}
		ids[m.ID] = true
		v.need(m.Name, rule, c51, M, f+".name", fmt.Sprintf("the name of mitigation %s", m.ID), "name it")
		v.need(m.Description, rule, c51, M, f+".description", fmt.Sprintf("the description of mitigation %s", m.ID), "describe it")
		v.need(m.Kind, rule, c51, M, f+".kind", fmt.Sprintf("the kind of mitigation %s", m.ID), "give its kind")
		v.need(m.Status, rule, c51, M, f+".status", fmt.Sprintf("the status of mitigation %s", m.ID), "implemented or planned")
		v.need(m.Robustness, rule, c51, M, f+".robustness", fmt.Sprintf("how mitigation %s holds under adversarial pressure", m.ID), "describe its robustness to fine-tuning attacks and jailbreaking")
		v.need(m.Limitations, rule, c51, M, f+".limitations", fmt.Sprintf("the limitations of mitigation %s", m.ID), "state them")
		if len(m.Risks) == 0 {
			v.add(gpai.SeverityError, rule, c51, M, f+".risks", fmt.Sprintf("mitigation %s addresses no risk", m.ID), "list the risk ids")
		}
		if reg := v.sf.Risks; reg != nil {
			for j, r := range m.Risks {
				if x, _ := reg.Risk(r); x == nil {
					v.add(gpai.SeverityError, rule, c51, M, fmt.Sprintf("%s.risks[%d]", f, j), fmt.Sprintf("risk %s is not in %s", r, gpai.RisksFile), "correct the id")
				}
			}
		}
	}
	sec := mi.Security
	const srule = "ART55-1D-CYBERSECURITY"
	if strings.TrimSpace(sec.Exempt) != "" {
		return
	}
	c61 := citeSS + "Measure 6.1"
	actors := map[string]bool{}
	for _, a := range sec.Goal.ThreatActors {
		actors[a] = true
	}
	for _, a := range gpai.ThreatActors {
		if !actors[a] {
			v.add(gpai.SeverityError, srule, c61, M, "security.goal.threat_actors", fmt.Sprintf("the Security Goal does not cover %s threats", a), "add "+a+" to threat_actors")
		}
	}
	v.need(sec.Goal.Description, srule, c61, M, "security.goal.description", "the Security Goal's description", "describe the threat actors protected against and their capabilities")
	c62 := citeSS + "Measure 6.2; Appendix 4"
	have := map[string]int{}
	for i, m := range sec.Measures {
		f := fmt.Sprintf("security.measures[%d]", i)
		if _, dup := have[m.Ref]; dup {
			v.add(gpai.SeverityError, srule, c62, M, f+".ref", fmt.Sprintf("Appendix %s appears twice", m.Ref), "merge the entries")
		}
		have[m.Ref] = i
		v.need(m.Status, srule, c62, M, f+".status", fmt.Sprintf("the status of Appendix %s", m.Ref), "implemented, alternative or staged")
		v.need(m.Description, srule, c62, M, f+".description", fmt.Sprintf("how Appendix %s is met", m.Ref), "describe the measure")
		if (m.Status == "alternative" || m.Status == "staged") && strings.TrimSpace(m.Justification) == "" {
			v.add(gpai.SeverityError, srule, c62+"; Model Report 7.3(3)", M, f+".justification", fmt.Sprintf("Appendix %s is met by an %s measure without a justification", m.Ref, m.Status), "justify how it achieves the same objective, or when it will be in place")
		}
	}
	for _, p := range gpai.SecurityPoints {
		if _, ok := have[p.Ref]; !ok {
			v.add(gpai.SeverityError, srule, c62, M, "security.measures", fmt.Sprintf("Appendix %s (%s) is not addressed", p.Ref, strings.ToLower(p.Objective)), "add a measure with ref "+p.Ref+": implemented, or an alternative with its justification")
		}
	}
	v.need(sec.Standards, srule, citeSS+"Measure 7.3(3)", M, "security.standards", "the alignment of the security mitigations with international standards or guidance", "state it, e.g. against RAND's Securing AI Model Weights")
}

func (v *safetyCheck) report() {
	r, P := v.sf.Report, gpai.ModelReportFile
	const rule = "SS-MODEL-REPORT"
	c := func(m string) string { return citeSS + "Measure " + m }
	v.need(r.Version, rule, c("7.6"), P, "version", "the report's version number", "give version")
	if r.Date.IsZero() {
		v.add(gpai.SeverityError, rule, c("7.6"), P, "date", "the report's date is missing", "give date: YYYY-MM-DD")
	}
	if len(r.Changelog) == 0 {
		v.add(gpai.SeverityError, rule, c("7.6"), P, "changelog", "the report has no changelog", "list each version with its date and changes")
	} else if r.Version != "" && !ssHasChange(r.Changelog, r.Version) {
		v.add(gpai.SeverityError, rule, c("7.6"), P, "changelog", fmt.Sprintf("the changelog has no entry for the current version %s", r.Version), "add the entry")
	}
	d := r.Description
	for _, x := range []struct{ field, text, what string }{
		{"architecture", d.Architecture, "the high-level architecture"}, {"capabilities", d.Capabilities, "the capabilities"},
		{"propensities", d.Propensities, "the propensities"}, {"affordances", d.Affordances, "the affordances"},
		{"development", d.Development, "the development (training method and data)"}, {"differences", d.Differences, "how the model differs from the provider's other models"},
	} {
		v.need(x.text, rule, c("7.1(1)"), P, "description."+x.field, x.what, "describe it under description."+x.field)
	}
	v.need(r.Use.Current, rule, c("7.1(2)"), P, "use.current", "the current use", "describe it")
	v.need(r.Use.Expected, rule, c("7.1(2)"), P, "use.expected", "the expected use", "describe it")
	v.need(r.Use.Internal, rule, c("7.1(2)"), P, "use.internal", "the use in developing, overseeing or evaluating models", "describe it, or say there is none")
	if len(r.Versions) == 0 {
		v.add(gpai.SeverityError, rule, c("7.1(3)"), P, "versions", "the versions made available or used are not listed", "list them with their differences in mitigations and risks")
	}
	sp := r.Specification
	v.need(sp.Principles, rule, c("7.1(4)"), P, "specification.principles", "the principles the model should follow", "state them")
	v.need(sp.Prioritisation, rule, c("7.1(4)"), P, "specification.prioritisation", "how the model prioritises principles and instructions", "state it")
	v.need(sp.Refusals, rule, c("7.1(4)"), P, "specification.refusals", "the topics on which the model should refuse", "list them")
	v.need(sp.SystemPrompt, rule, c("7.1(4)"), P, "specification.system_prompt", "the system prompt", "include it")
	pr := r.Proceeding
	v.need(pr.Justification, rule, c("7.2(1)"), P, "proceeding.justification", "the justification of acceptability", "justify it")
	v.need(pr.SafetyMargins, rule, c("7.2(1)"), P, "proceeding.safety_margins", "the safety margins", "state them")
	if len(pr.Conditions) == 0 {
		v.add(gpai.SeverityError, rule, c("7.2(2)"), P, "proceeding.failure_conditions", "the conditions under which the justification would fail are missing", "list the reasonably foreseeable conditions")
	}
	v.need(pr.Decision, rule, c("7.2(3)"), P, "proceeding.decision", "how the decision to proceed was made", "describe it, with any external input")
	v.need(r.Evaluators.Internal, rule, c("7.3(1)(g)"), P, "evaluators.internal", "the access and resources of the internal evaluation teams", "describe them")
	external := len(r.External.Reports) > 0
	if ev := v.sf.Evaluations; ev != nil {
		for _, e := range ev.Evaluations {
			external = external || e.External
		}
	}
	if external {
		v.need(r.Evaluators.External, rule, c("7.3(1)(g)"), P, "evaluators.external", "the access and resources of the independent external evaluators", "describe them")
		hasEval := false
		for _, x := range r.External.Reports {
			hasEval = hasEval || x.Kind == "evaluation"
		}
		if hasEval || v.sf.Evaluations != nil {
			v.need(r.External.Choice, rule, c("7.4(3)"), P, "external_reports.evaluator_choice", "the explanation of the choice of external evaluators", "explain it against the qualification criteria")
		}
	} else {
		v.need(r.External.NoEvaluatorJustification, rule, c("7.4(2)"), P, "external_reports.no_evaluator_justification", "no independent external evaluator was used, and the justification", "justify it under Appendix 3.5 point (1) or (2)")
	}
	v.need(r.Future.Techniques, rule, c("7.3(4)"), P, "future.techniques", "the techniques and assets for development over the next six months", "describe them")
	v.need(r.Future.ExpectedDifferences, rule, c("7.3(4)"), P, "future.expected_differences", "the expected differences of future versions", "describe them")
	v.need(r.Future.PlannedMitigations, rule, c("7.3(4)"), P, "future.planned_mitigations", "the planned new or updated mitigations", "describe them")
	if len(r.Landscape) == 0 {
		v.add(gpai.SeverityError, rule, c("7.5"), P, "landscape", "the material changes to the systemic-risk landscape are missing", "list them, or state that none were identified")
	}
	if v.placed != nil && !v.asOf.Time.Before(v.placed.Time) {
		late := gpai.AddBusinessDays(*v.placed, 15)
		switch {
		case r.Access == nil:
			v.add(gpai.SeverityError, rule, c("7.7"), P, "ai_office_access", fmt.Sprintf("no record that the AI Office was given access to the report by placement on %s", v.placed), "give access and record the day as ai_office_access")
		case r.Access.Time.After(late.Time):
			v.add(gpai.SeverityError, rule, c("7.7"), P, "ai_office_access", fmt.Sprintf("the AI Office got access on %s, beyond even the 15 business days' delay after placement (%s)", r.Access, late), "give access by placement")
		case r.Access.Time.After(v.placed.Time):
			v.add(gpai.SeverityWarning, rule, c("7.7"), P, "ai_office_access", fmt.Sprintf("the AI Office got access on %s, after placement on %s: allowed only in good faith with an interim report", r.Access, v.placed), "record the interim report (Measures 7.2 and 7.5 information) in the changelog")
		}
	}
}

func (v *safetyCheck) incidents() {
	log, I := v.sf.Incidents, gpai.IncidentsFile
	c93 := citeSS + "Measure 9.3"
	ids := map[string]bool{}
	for i, inc := range log.Incidents {
		f := fmt.Sprintf("incidents[%d]", i)
		if ids[inc.ID] {
			v.add(gpai.SeverityError, "ART55-1C-INCIDENTS", citeSS+"Measure 9.2", I, f+".id", fmt.Sprintf("incident id %s appears twice", inc.ID), "give each incident its own id")
		}
		ids[inc.ID] = true
		rule := gpai.IncidentRule(inc.InitialType())
		aware := inc.Aware.Day()
		if inc.Resolved != nil && inc.Resolved.Time.Before(aware.Time) {
			v.add(gpai.SeverityError, rule, c93, I, f+".resolved", fmt.Sprintf("incident %s is resolved on %s, before awareness on %s", inc.ID, inc.Resolved, aware), "correct one of the dates")
		}
		if n := len(inc.Reclassifications); n > 0 && inc.Reclassifications[n-1].To != inc.Type {
			v.add(gpai.SeverityError, rule, c93, I, f+".type", fmt.Sprintf("incident %s is typed %s but its last reclassification is to %s", inc.ID, inc.Type, inc.Reclassifications[n-1].To), "make type the current classification")
		}
		sentStage := map[string]bool{}
		for j, r := range inc.Reports {
			rf := fmt.Sprintf("%s.reports[%d]", f, j)
			sentStage[r.Stage] = true
			if r.Sent.DayIn(inc.Aware).Time.Before(aware.Time) {
				v.add(gpai.SeverityError, rule, c93, I, rf+".sent", fmt.Sprintf("a report of incident %s is dated before awareness", inc.ID), "correct the date")
			}
			if r.Stage == gpai.StageFinal && inc.Resolved == nil {
				v.add(gpai.SeverityError, "SS-INCIDENT-FOLLOW-UP", c93, I, rf+".stage", fmt.Sprintf("incident %s has a final report but no resolution date", inc.ID), "give resolved: YYYY-MM-DD, or make the report intermediate")
			}
			if !ssContains(r.To, "ai-office") {
				v.add(gpai.SeverityError, rule, c93, I, rf+".to", fmt.Sprintf("a report of incident %s did not go to the AI Office", inc.ID), "add ai-office to to (and national authorities as applicable)")
			}
		}
		if len(inc.Reports) > 0 {
			n := 7
			if sentStage[gpai.StageFinal] {
				n = 9
			}
			for _, fl := range inc.Fields()[:n] {
				if strings.TrimSpace(fl.Value) == "" {
					sev := gpai.SeverityWarning
					if n == 9 {
						sev = gpai.SeverityError
					}
					v.add(sev, "SS-INCIDENT-FOLLOW-UP", citeSS+"Measure 9.2", I, f+"."+fl.Key, fmt.Sprintf("incident %s: field %d (%s) is empty although a report was sent", inc.ID, fl.N, strings.ToLower(fl.Label)), "record it, or what is not yet available")
				}
			}
		}
		for _, c := range inc.Clocks(v.asOf) {
			r := rule
			if c.Stage != gpai.StageInitial {
				r = "SS-INCIDENT-FOLLOW-UP"
			}
			what := fmt.Sprintf("incident %s: the %s report", inc.ID, c.Stage)
			field := f + ".reports"
			switch c.Status {
			case gpai.ClockOverdue:
				v.add(gpai.SeverityError, r, c93, I, field, fmt.Sprintf("%s was due by the end of %s (%s), %d days ago", what, c.Due, c.Basis, -c.Days), "send it now and record it: gpai incident update --report "+c.Stage+" ...")
			case gpai.ClockDueToday:
				v.add(gpai.SeverityWarning, r, c93, I, field, fmt.Sprintf("%s is due by the end of today, %s (%s)", what, c.Due, c.Basis), "send it today: gpai incident report --stage "+c.Stage)
			case gpai.ClockDueSoon:
				v.add(gpai.SeverityWarning, r, c93, I, field, fmt.Sprintf("%s is due by the end of %s, in %d days (%s)", what, c.Due, c.Days, c.Basis), "prepare it: gpai incident report --stage "+c.Stage)
			case gpai.ClockLate:
				v.add(gpai.SeverityWarning, r, c93, I, field, fmt.Sprintf("%s was sent on %s, %d days after its deadline %s", what, c.Sent, ssDays(c.Due, *c.Sent), c.Due), "no fix for the past: record the reason in the response")
			case gpai.ClockMissed:
				v.add(gpai.SeverityWarning, r, c93, I, field, fmt.Sprintf("%s due by %s was not sent before the incident was resolved", what, c.Due), "make sure the final report covers the period")
			}
		}
	}
}

func ssContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
