package gpai_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/rulebook"
)

func ptr[T any](v T) *T { return &v }

func day(s string) gpai.Date {
	d, err := gpai.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// facts returns a proprietary text model of an EU provider, placed on
// 2025-10-01 with 1e24 FLOP, changed by the given edits.
func facts(edits ...func(*gpai.Facts)) *gpai.Facts {
	f := &gpai.Facts{
		Format:   1,
		Provider: gpai.Provider{Name: "P", Country: "FR", Size: "large", Contact: &gpai.Contact{Email: "a@b.example"}},
		Model:    gpai.Model{Name: "M", Version: "1", Modalities: gpai.Modalities{Input: []string{"text"}, Output: []string{"text"}}},
		Dates:    gpai.Dates{EUPlacement: ptr(day("2025-10-01"))},
		Compute:  &gpai.ComputeInputs{Stages: []gpai.Stage{{Name: "pre", Kind: "pre-training", FLOP: ptr(1e24)}}},
		Licence:  &gpai.Licence{ID: "LicenseRef-Proprietary", Grants: &gpai.LicenceGrants{}},
		Openness: &gpai.Openness{UsagePublic: true, Monetised: true},
	}
	for _, e := range edits {
		e(f)
	}
	return f
}

func flop(v float64) func(*gpai.Facts) {
	return func(f *gpai.Facts) { f.Compute.Stages[0].FLOP = ptr(v) }
}

func assess(t *testing.T, f *gpai.Facts, asOf string, files ...string) *gpai.Scope {
	t.Helper()
	rb, err := rulebook.Default()
	if err != nil {
		t.Fatal(err)
	}
	var est *gpai.ComputeEstimate
	if f.Compute != nil {
		var probs gpai.Problems
		est, probs = f.Compute.Estimate(f.Model.Parameters, nil)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
	}
	d := &gpai.Dossier{Dir: "d", Facts: f, Files: map[string]bool{"gpai.yaml": true}}
	for _, name := range files {
		d.Files[name] = true
	}
	return gpai.Assess(d, est, rb, day(asOf))
}

func status(s *gpai.Scope) map[string]string {
	out := map[string]string{}
	for _, o := range s.Obligations {
		due := ""
		if o.Due != nil {
			due = " " + o.Due.String()
		}
		out[o.Rule] = o.Status + due
	}
	return out
}

func ruleIDs(s *gpai.Scope) []string {
	var ids []string
	for _, o := range s.Obligations {
		ids = append(ids, o.Rule)
	}
	sort.Strings(ids)
	return ids
}

func TestClassification(t *testing.T) {
	type want struct{ gpai, provider, sr, exempt, grandfathered bool }
	openWeights := func(f *gpai.Facts) {
		f.Licence = &gpai.Licence{ID: "Apache-2.0"}
		f.Openness = &gpai.Openness{WeightsPublic: true, ArchitecturePublic: true, UsagePublic: true}
	}
	tests := []struct {
		name  string
		facts *gpai.Facts
		want  want
	}{
		{"just under the GPAI criterion", facts(flop(1e23)), want{false, true, false, false, false}},
		{"just over the GPAI criterion", facts(flop(1.01e23)), want{true, true, false, false, false}},
		{"E2 language model at 1e22", facts(flop(1e22)), want{false, true, false, false, false}},
		{"E7 chess at 1e24", facts(func(f *gpai.Facts) { f.Model.Modalities.Output = []string{"action"} }), want{false, true, false, false, false}},
		{"E8 weather at 1e24", facts(func(f *gpai.Facts) { f.Model.Modalities.Output = []string{"time-series"} }), want{false, true, false, false, false}},
		{"E4 text-to-speech meets the criterion", facts(func(f *gpai.Facts) { f.Model.Modalities.Output = []string{"speech"} }), want{true, true, false, false, false}},
		{"E3 transcription rebutted with reasons", facts(func(f *gpai.Facts) {
			f.Assessment = &gpai.Assessment{GeneralPurpose: ptr(false), Reason: "transcribes speech only, a single narrow task"}
		}), want{false, true, false, false, false}},
		{"below criterion but declared general", facts(flop(5e22), func(f *gpai.Facts) {
			f.Assessment = &gpai.Assessment{GeneralPurpose: ptr(true), Reason: "competently performs a wide range of tasks"}
		}), want{true, true, false, false, false}},
		{"image generator text-to-image", facts(func(f *gpai.Facts) { f.Model.Modalities.Output = []string{"image"} }), want{true, true, false, false, false}},
		{"exactly 1e25 is not systemic", facts(flop(1e25)), want{true, true, false, false, false}},
		{"just over 1e25 is systemic", facts(flop(1.01e25)), want{true, true, true, false, false}},
		{"cumulative over 1e25 through synthetic data", facts(flop(9e24), func(f *gpai.Facts) {
			f.Compute.Stages = append(f.Compute.Stages, gpai.Stage{Name: "syn", Kind: "synthetic-data", FLOP: ptr(2e24)})
		}), want{true, true, true, false, false}},
		{"evaluation compute does not count", facts(flop(9e24), func(f *gpai.Facts) {
			f.Compute.Stages = append(f.Compute.Stages, gpai.Stage{Name: "ev", Kind: "evaluation", FLOP: ptr(2e24)})
		}), want{true, true, false, false, false}},
		{"designated below the threshold", facts(func(f *gpai.Facts) { f.Designation = &gpai.Designation{Date: day("2026-01-10")} }), want{true, true, true, false, false}},
		{"rebuttal accepted", facts(flop(2e25), func(f *gpai.Facts) {
			f.Rebuttal = &gpai.Rebuttal{Submitted: day("2025-08-10"), Outcome: "accepted", Decided: ptr(day("2026-01-05"))}
		}), want{true, true, false, false, false}},
		{"rebuttal rejected", facts(flop(2e25), func(f *gpai.Facts) {
			f.Rebuttal = &gpai.Rebuttal{Submitted: day("2025-08-10"), Outcome: "rejected", Decided: ptr(day("2026-01-05"))}
		}), want{true, true, true, false, false}},
		{"open weights exempt", facts(openWeights), want{true, true, false, true, false}},
		{"open weights but monetised", facts(openWeights, func(f *gpai.Facts) { f.Openness.Monetisation = []string{"dual-licensing"} }), want{true, true, false, false, false}},
		{"open weights under a non-commercial licence", facts(openWeights, func(f *gpai.Facts) { f.Licence.ID = "CC-BY-NC-4.0" }), want{true, true, false, false, false}},
		{"open weights under a user-threshold licence", facts(openWeights, func(f *gpai.Facts) { f.Licence.ID = "LicenseRef-Llama-3.1-Community" }), want{true, true, false, false, false}},
		{"open weights lose the exemption at systemic risk", facts(openWeights, flop(3e25)), want{true, true, true, false, false}},
		{"grandfathered", facts(func(f *gpai.Facts) { f.Dates.EUPlacement = ptr(day("2025-06-01")) }), want{true, true, false, false, true}},
		{"placed on the first day of Chapter V", facts(func(f *gpai.Facts) { f.Dates.EUPlacement = ptr(day("2025-08-02")) }), want{true, true, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := assess(t, tt.facts, "2026-11-26")
			c := s.Classification
			got := want{c.GPAI, c.Provider, c.SystemicRisk, c.OpenSourceExempt, c.Grandfathered}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("classification (-want +got):\n%s", diff)
			}
		})
	}
}

func modification(own float64, base *float64, baseSR bool) *gpai.Facts {
	return facts(flop(own), func(f *gpai.Facts) {
		f.Compute.Stages[0].Kind = "fine-tuning"
		f.Modification = &gpai.Modification{Kind: "fine-tuning", BaseModels: []gpai.BaseModel{{Name: "base", TrainingFLOP: base, SystemicRisk: baseSR}}}
	})
}

func TestModification(t *testing.T) {
	tests := []struct {
		name             string
		facts            *gpai.Facts
		provider, sr     bool
		obligationsApply bool
	}{
		{"more than a third of a known original", modification(1.01e23, ptr(3e23), false), true, false, true},
		{"exactly a third is not more", modification(1e23, ptr(3e23), false), false, false, false},
		{"small fine-tune of a known original", modification(1e21, ptr(3e23), false), false, false, false},
		{"unknown original, fallback one third of 1e23", modification(3.34e22, nil, false), true, false, true},
		{"unknown original, just under the fallback", modification(3.33e22, nil, false), false, false, false},
		{"unknown systemic original, fallback one third of 1e25", modification(3.34e24, nil, true), true, true, true},
		{"unknown systemic original, under its fallback", modification(3.3e24, nil, true), false, false, false},
		{"systemic original known, above a third", modification(1.5e25, ptr(4e25), true), true, true, true},
		{"systemic original known, below a third", modification(1e24, ptr(4e25), true), false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := assess(t, tt.facts, "2026-11-26")
			c := s.Classification
			if !c.Modification || c.Provider != tt.provider || c.ModifierProvider != tt.provider || c.SystemicRisk != tt.sr {
				t.Errorf("classification = %+v, want modification, provider=%t, systemic_risk=%t", c, tt.provider, tt.sr)
			}
			if !c.GPAI {
				t.Errorf("a modification of a GPAI model must be GPAI")
			}
			if got := len(s.Obligations) > 0; got != tt.obligationsApply {
				t.Errorf("obligations %v, want some=%t", ruleIDs(s), tt.obligationsApply)
			}
			if tt.sr {
				if _, ok := status(s)["ART52-NOTIFY"]; !ok {
					t.Errorf("a systemic-risk modification must notify (Guidelines §3.2); got %v", ruleIDs(s))
				}
			}
		})
	}
}

func TestObligationsByRegime(t *testing.T) {
	art53 := []string{"ART53-1A-DOCUMENTATION", "ART53-1B-DOWNSTREAM", "ART53-1C-COPYRIGHT-POLICY", "ART53-1D-SUMMARY"}
	t.Run("proprietary EU model", func(t *testing.T) {
		st := status(assess(t, facts(), "2026-11-26", "documentation.yaml"))
		if st["ART53-1A-DOCUMENTATION"] != "met 2025-10-01" || st["ART53-1C-COPYRIGHT-POLICY"] != "overdue 2025-10-01" {
			t.Errorf("statuses = %v", st)
		}
		for _, id := range art53 {
			if _, ok := st[id]; !ok {
				t.Errorf("%s missing", id)
			}
		}
		for _, id := range []string{"ART54-AUTHREP", "ART52-NOTIFY", "SS-FRAMEWORK"} {
			if _, ok := st[id]; ok {
				t.Errorf("%s applies to an EU model below 1e25", id)
			}
		}
	})
	t.Run("open weights keep copyright and summary only", func(t *testing.T) {
		f := facts(func(f *gpai.Facts) {
			f.Provider.Country = "US"
			f.Licence = &gpai.Licence{ID: "MIT"}
			f.Openness = &gpai.Openness{WeightsPublic: true, ArchitecturePublic: true, UsagePublic: true}
		})
		st := status(assess(t, f, "2026-11-26"))
		for _, id := range []string{"ART53-1A-DOCUMENTATION", "ART53-1B-DOWNSTREAM", "ART54-AUTHREP", "TRANSPARENCY-CONTACT"} {
			if _, ok := st[id]; ok {
				t.Errorf("%s applies to an exempt open-weight model", id)
			}
		}
		for _, id := range []string{"ART53-1C-COPYRIGHT-POLICY", "ART53-1D-SUMMARY", "COPYRIGHT-RESERVATIONS"} {
			if _, ok := st[id]; !ok {
				t.Errorf("%s must still apply to an open-weight model", id)
			}
		}
	})
	t.Run("non-EU provider needs a representative", func(t *testing.T) {
		f := facts(func(f *gpai.Facts) { f.Provider.Country = "US" })
		if got := status(assess(t, f, "2026-11-26"))["ART54-AUTHREP"]; got != "overdue 2025-10-01" {
			t.Errorf("ART54-AUTHREP = %q, want overdue 2025-10-01", got)
		}
		f.Provider.AuthorisedRepresentative = &gpai.AuthorisedRepresentative{Name: "R", Country: "IE"}
		if got := status(assess(t, f, "2026-11-26"))["ART54-AUTHREP"]; got != "met 2025-10-01" {
			t.Errorf("ART54-AUTHREP = %q, want met", got)
		}
	})
	t.Run("grandfathered model complies by 2 August 2027", func(t *testing.T) {
		f := facts(func(f *gpai.Facts) { f.Dates.EUPlacement = ptr(day("2024-05-01")) })
		st := status(assess(t, f, "2026-11-26"))
		if st["ART53-1A-DOCUMENTATION"] != "upcoming 2027-08-02" {
			t.Errorf("ART53-1A-DOCUMENTATION = %q, want upcoming 2027-08-02", st["ART53-1A-DOCUMENTATION"])
		}
		if st2 := status(assess(t, f, "2027-08-03")); st2["ART53-1A-DOCUMENTATION"] != "overdue 2027-08-02" {
			t.Errorf("after the deadline: %q", st2["ART53-1A-DOCUMENTATION"])
		}
	})
	t.Run("placement before Chapter V applies waits for 2 August 2025", func(t *testing.T) {
		f := facts(func(f *gpai.Facts) { f.Dates.EUPlacement = ptr(day("2025-08-10")) })
		if got := status(assess(t, f, "2025-06-01"))["ART53-1A-DOCUMENTATION"]; got != "upcoming 2025-08-10" {
			t.Errorf("= %q", got)
		}
	})
	t.Run("systemic risk: notification and framework clocks", func(t *testing.T) {
		f := facts(flop(3e25), func(f *gpai.Facts) {
			f.Dates.ThresholdKnown = ptr(day("2025-09-01"))
			f.Dates.EUPlacement = ptr(day("2026-06-01"))
		})
		st := status(assess(t, f, "2025-09-05"))
		if st["ART52-NOTIFY"] != "upcoming 2025-09-15" {
			t.Errorf("ART52-NOTIFY = %q, want two weeks after the threshold became known", st["ART52-NOTIFY"])
		}
		if st["SS-FRAMEWORK"] != "upcoming 2025-10-13" {
			t.Errorf("SS-FRAMEWORK = %q, want 4 weeks after the notification deadline", st["SS-FRAMEWORK"])
		}
		f.Dates.Notified = ptr(day("2025-09-10"))
		st = status(assess(t, f, "2025-09-20"))
		if st["ART52-NOTIFY"] != "met 2025-09-15" || st["SS-FRAMEWORK"] != "upcoming 2025-10-08" {
			t.Errorf("after notifying: %v", st)
		}
		// Placement soon after notification: 2 weeks before placement wins.
		f.Dates.EUPlacement = ptr(day("2025-10-01"))
		if got := status(assess(t, f, "2025-09-20"))["SS-FRAMEWORK"]; got != "upcoming 2025-09-17" && got != "overdue 2025-09-17" {
			t.Errorf("SS-FRAMEWORK = %q, want 2025-09-17", got)
		}
	})
	t.Run("pipelines active on 2 August 2025 notify by 16 August", func(t *testing.T) {
		f := facts(flop(3e25), func(f *gpai.Facts) {
			f.Dates.TrainingStart = ptr(day("2025-03-01"))
			f.Dates.EUPlacement = ptr(day("2026-01-01"))
		})
		if got := status(assess(t, f, "2025-08-20"))["ART52-NOTIFY"]; got != "overdue 2025-08-16" {
			t.Errorf("ART52-NOTIFY = %q, want overdue 2025-08-16", got)
		}
	})
	t.Run("recurring deadlines roll forward", func(t *testing.T) {
		f := facts(flop(3e25), func(f *gpai.Facts) { f.Dates.Notified = ptr(day("2025-08-10")) })
		st := status(assess(t, f, "2027-01-15"))
		if st["SS-FRAMEWORK-ASSESSMENT"] != "upcoming 2027-10-01" || st["SS-MODEL-REPORT-UPDATE"] != "upcoming 2027-04-01" {
			t.Errorf("recurring = %q, %q", st["SS-FRAMEWORK-ASSESSMENT"], st["SS-MODEL-REPORT-UPDATE"])
		}
	})
	t.Run("no placement date leaves deadlines unknown", func(t *testing.T) {
		f := facts(func(f *gpai.Facts) { f.Dates.EUPlacement = nil })
		s := assess(t, f, "2026-11-26")
		if got := status(s)["ART53-1A-DOCUMENTATION"]; got != "unknown" {
			t.Errorf("= %q, want unknown", got)
		}
		if !strings.Contains(strings.Join(s.Unknown, ","), "eu_placement") {
			t.Errorf("Unknown = %v, want eu_placement", s.Unknown)
		}
	})
}

// The Digital Omnibus layer changes the scope exactly where the law did:
// from 27 July 2026, and only its rules.
func TestOmnibusLayer(t *testing.T) {
	f := facts(func(f *gpai.Facts) { f.Provider.Size = "small-mid-cap" })
	notes := func(s *gpai.Scope) []string {
		var out []string
		for _, n := range s.Notes {
			out = append(out, n.Rule)
		}
		return out
	}
	before := assess(t, f, "2026-07-26")
	after := assess(t, f, "2026-07-27")
	if diff := cmp.Diff(ruleIDs(before), ruleIDs(after)); diff != "" {
		t.Errorf("obligations changed across the Omnibus (-before +after):\n%s", diff)
	}
	b, a := strings.Join(notes(before), " "), strings.Join(notes(after), " ")
	if !strings.Contains(b, "NOTE-CODE-ADEQUACY") || strings.Contains(b, "OMNIBUS") {
		t.Errorf("before: notes %s", b)
	}
	for _, want := range []string{"OMNIBUS-CODE-ADEQUACY", "OMNIBUS-SMC-DEFINITION", "OMNIBUS-SMC-FINE-CAP"} {
		if !strings.Contains(a, want) {
			t.Errorf("after: notes %s lack %s", a, want)
		}
	}
	if strings.Contains(a, "NOTE-CODE-ADEQUACY") {
		t.Errorf("after: the replaced note still applies: %s", a)
	}
	if before.Classification.String() != after.Classification.String() {
		t.Errorf("classification changed: %v vs %v", before.Classification, after.Classification)
	}
}

// Publicly reported models whose parameters and tokens are known: 6·P·D
// against the figure their authors published, and the classification
// that follows.
func TestPublishedModels(t *testing.T) {
	tests := []struct {
		name           string
		params, tokens float64
		published      float64
		gpai, systemic bool
	}{
		{"GPT-3 175B (Brown et al. 2020, Table D.1)", 175e9, 300e9, 3.14e23, true, false},
		{"Chinchilla 70B (Hoffmann et al. 2022)", 70e9, 1.4e12, 5.76e23, true, false},
		{"PaLM 540B (Chowdhery et al. 2022)", 540e9, 780e9, 2.56e24, true, false},
		{"Llama 3.1 405B (Meta 2024: 3.8e25 FLOP)", 405e9, 15.6e12, 3.8e25, true, true},
		{"Llama 2 7B (Touvron et al. 2023)", 6.7e9, 2e12, 8.04e22, false, false},
		{"Guidelines example A", 3.8e9, 3.3e12, 7.5e22, false, false},
		{"Guidelines example F", 2.5e9, 12e12, 1.8e23, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := facts(func(f *gpai.Facts) {
				f.Model.Parameters = tt.params
				f.Compute = &gpai.ComputeInputs{Stages: []gpai.Stage{{Name: "pre", Kind: "pre-training", Architecture: &gpai.ArchitectureInputs{Tokens: tt.tokens}}}}
			})
			s := assess(t, f, "2026-11-26")
			if r := rel(s.Compute.TrainingFLOP, tt.published); r > 0.05 {
				t.Errorf("6PD = %g, published %g: %.1f%% apart", s.Compute.TrainingFLOP, tt.published, 100*r)
			}
			if s.Classification.GPAI != tt.gpai || s.Classification.SystemicRisk != tt.systemic {
				t.Errorf("classification = %v, want gpai=%t systemic_risk=%t", s.Classification, tt.gpai, tt.systemic)
			}
		})
	}
}
