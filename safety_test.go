package gpai_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
)

func ssDay(s string) gpai.Date {
	d, err := gpai.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ssDayp(s string) *gpai.Date { d := ssDay(s); return &d }

func ssMoment(s string) gpai.Moment {
	m, err := gpai.ParseMoment(s)
	if err != nil {
		panic(err)
	}
	return m
}

func ssReport(stage, sent string) gpai.IncidentReport {
	return gpai.IncidentReport{Stage: stage, Sent: ssMoment(sent), To: []string{"ai-office"}}
}

// clocks renders an incident's clocks as "stage due status" lines.
func ssClocks(inc gpai.Incident, asOf string) string {
	var out []string
	for _, c := range inc.Clocks(ssDay(asOf)) {
		out = append(out, c.Stage+" "+c.Due.String()+" "+c.Status)
	}
	return strings.Join(out, "; ")
}

func TestIncidentClocks(t *testing.T) {
	// Friday 6 March 2026, 23:59 in Brussels (UTC+01:00): day 0 is Friday.
	const friday = "2026-03-06T23:59:00+01:00"
	tests := []struct {
		name string
		inc  gpai.Incident
		asOf string
		want string
	}{
		{"critical infrastructure at 23:59 on a Friday: due Sunday", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday)}, "2026-03-07",
			"initial 2026-03-08 due-soon"},
		{"due today on the deadline day", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday)}, "2026-03-08",
			"initial 2026-03-08 due-today"},
		{"overdue the day after", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday)}, "2026-03-09",
			"initial 2026-03-08 overdue"},
		{"cybersecurity: 5 days", gpai.Incident{Type: "cybersecurity", Aware: ssMoment(friday)}, "2026-03-07", "initial 2026-03-11 due-soon"},
		{"death: 10 days", gpai.Incident{Type: "death", Aware: ssMoment(friday)}, "2026-03-07", "initial 2026-03-16 upcoming"},
		{"harm: 15 days", gpai.Incident{Type: "harm", Aware: ssMoment(friday)}, "2026-03-07", "initial 2026-03-21 upcoming"},
		{"the offset as written decides the day, not UTC", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment("2026-03-06T23:30:00-05:00")}, "2026-03-07",
			"initial 2026-03-08 due-soon"},
		{"a bare day is day 0", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment("2026-03-06")}, "2026-03-07", "initial 2026-03-08 due-soon"},
		{"sent at 23:30 on the deadline day is on time", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-08T23:30:00+01:00")}}, "2026-03-09", "initial 2026-03-08 sent; intermediate 2026-04-05 upcoming"},
		{"sent at 23:30 UTC is 00:30 the next day in the awareness offset: late", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-08T23:30:00Z")}}, "2026-03-09", "initial 2026-03-08 late; intermediate 2026-04-06 upcoming"},
		{"intermediate every 4 weeks from the previous report", gpai.Incident{Type: "harm", Aware: ssMoment(friday),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10"), ssReport("intermediate", "2026-04-05")}}, "2026-04-20",
			"initial 2026-03-21 sent; intermediate 2026-04-07 sent; intermediate 2026-05-03 upcoming"},
		{"intermediate overdue while unresolved", gpai.Incident{Type: "harm", Aware: ssMoment(friday),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10")}}, "2026-04-08",
			"initial 2026-03-21 sent; intermediate 2026-04-07 overdue"},
		{"a follow-up falling due on the day of resolution is not required", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-04-07"),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10")}}, "2026-04-08",
			"initial 2026-03-21 sent; final 2026-06-06 upcoming"},
		{"resolved the day after the follow-up fell due: due today, then missed", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-04-08"),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10")}}, "2026-04-09",
			"initial 2026-03-21 sent; intermediate 2026-04-07 missed; final 2026-06-07 upcoming"},
		{"unresolved follow-up due today", gpai.Incident{Type: "harm", Aware: ssMoment(friday),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10")}}, "2026-04-07",
			"initial 2026-03-21 sent; intermediate 2026-04-07 due-today"},
		{"final report 60 days after resolution", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-20"),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10"), ssReport("final", "2026-05-19")}}, "2026-06-01",
			"initial 2026-03-21 sent; final 2026-05-19 sent"},
		{"final report a day late", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-20"),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10"), ssReport("final", "2026-05-20")}}, "2026-06-01",
			"initial 2026-03-21 sent; final 2026-05-19 late"},
		{"final report overdue", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-20"),
			Reports: []gpai.IncidentReport{ssReport("initial", "2026-03-10")}}, "2026-05-20",
			"initial 2026-03-21 sent; final 2026-05-19 overdue"},
		{"resolution before the initial report: the initial is still due", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-09")}, "2026-03-10",
			"initial 2026-03-21 upcoming; final 2026-05-08 upcoming"},
		{"resolution before the initial report: a final report by the initial deadline serves both", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-09"),
			Reports: []gpai.IncidentReport{ssReport("final", "2026-03-20")}}, "2026-03-25",
			"initial 2026-03-21 sent; final 2026-05-08 sent"},
		{"resolution before the initial report: a late final report is late for the initial", gpai.Incident{Type: "harm", Aware: ssMoment(friday), Resolved: ssDayp("2026-03-09"),
			Reports: []gpai.IncidentReport{ssReport("final", "2026-03-25")}}, "2026-03-25",
			"initial 2026-03-21 late; final 2026-05-08 sent"},
		{"reclassified to a stricter type: the stricter deadline from the original awareness", gpai.Incident{Type: "death", Aware: ssMoment(friday),
			Reclassifications: []gpai.Reclassification{{Date: ssDay("2026-03-10"), From: "harm", To: "death", Reason: "the patient died"}}}, "2026-03-17",
			"initial 2026-03-16 overdue"},
		{"reclassified to a stricter type after its deadline passed: overdue at once", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday),
			Reclassifications: []gpai.Reclassification{{Date: ssDay("2026-03-10"), From: "harm", To: "critical-infrastructure", Reason: "hospital systems"}}}, "2026-03-10",
			"initial 2026-03-08 overdue"},
		{"reclassified to a less strict type: the deadline is not extended", gpai.Incident{Type: "harm", Aware: ssMoment(friday),
			Reclassifications: []gpai.Reclassification{{Date: ssDay("2026-03-08"), From: "death", To: "harm", Reason: "the person survived"}}}, "2026-03-10",
			"initial 2026-03-16 due-soon"},
		{"an initial report sent before a reclassification stands", gpai.Incident{Type: "critical-infrastructure", Aware: ssMoment(friday),
			Reclassifications: []gpai.Reclassification{{Date: ssDay("2026-03-12"), From: "harm", To: "critical-infrastructure", Reason: "grid operator affected"}},
			Reports:           []gpai.IncidentReport{ssReport("initial", "2026-03-07")}}, "2026-03-12",
			"initial 2026-03-08 sent; intermediate 2026-04-04 upcoming"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ssClocks(tt.inc, tt.asOf); got != tt.want {
				t.Errorf("Clocks(%s) =\n  %s\nwant\n  %s", tt.asOf, got, tt.want)
			}
		})
	}
}

func TestRetainUntil(t *testing.T) {
	tests := []struct {
		name string
		inc  gpai.Incident
		want string
	}{
		{"documentation later than the incident", gpai.Incident{Aware: ssMoment("2026-03-06T10:00:00+01:00"), Started: ssDayp("2026-03-01"), Ended: ssDayp("2026-03-05"),
			Resolved: ssDayp("2026-04-01"), Reports: []gpai.IncidentReport{ssReport("final", "2026-05-20")}}, "2031-05-20"},
		{"incident ends after the last documentation", gpai.Incident{Aware: ssMoment("2026-03-06"), Ended: ssDayp("2026-08-01"), Updated: ssDayp("2026-07-01")}, "2031-08-01"},
		{"only awareness", gpai.Incident{Aware: ssMoment("2026-02-28")}, "2031-02-28"},
		{"leap day", gpai.Incident{Aware: ssMoment("2028-02-29")}, "2033-03-01"},
	}
	for _, tt := range tests {
		if got := tt.inc.RetainUntil().String(); got != tt.want {
			t.Errorf("%s: RetainUntil() = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMoment(t *testing.T) {
	for _, s := range []string{"2026-03-06T23:59:00+01:00", "2026-03-06T23:59:00Z", "2026-03-06"} {
		m, err := gpai.ParseMoment(s)
		if err != nil || m.String() != s {
			t.Errorf("ParseMoment(%q) = %v, %v; want it back as written", s, m, err)
		}
		b, _ := json.Marshal(m)
		var back gpai.Moment
		if err := json.Unmarshal(b, &back); err != nil || back.String() != s {
			t.Errorf("JSON round trip of %q = %s, %v", s, back, err)
		}
	}
	if m, err := gpai.ParseMoment("2026-03-06T23:59+01:00"); err != nil || !m.Clock {
		t.Errorf("a time without seconds: %v %v", m, err)
	}
	for _, s := range []string{"", "06/03/2026", "2026-03-06T23:59:00", "yesterday"} {
		if _, err := gpai.ParseMoment(s); err == nil {
			t.Errorf("ParseMoment(%q) accepted", s)
		}
	}
}

func TestAddBusinessDays(t *testing.T) {
	tests := []struct{ from, want string }{
		{"2026-02-10", "2026-02-17"}, // Tuesday
		{"2026-03-06", "2026-03-13"}, // Friday
		{"2026-03-07", "2026-03-13"}, // Saturday
	}
	for _, tt := range tests {
		if got := gpai.AddBusinessDays(ssDay(tt.from), 5).String(); got != tt.want {
			t.Errorf("AddBusinessDays(%s, 5) = %s, want %s", tt.from, got, tt.want)
		}
	}
}

func TestAssessRisks(t *testing.T) {
	warn := 0.25
	fw := &gpai.Framework{Risks: []gpai.FrameworkRisk{{Risk: "CYBER", UnacceptableFrom: "C3", Tiers: []gpai.Tier{
		{ID: "C1", Thresholds: []gpai.Threshold{{Evaluation: "ctf", Metric: "acc", Value: 0.5}}, Mitigations: []string{"filter"}},
		{ID: "C2", Criteria: "End-to-end exploitation.", Thresholds: []gpai.Threshold{{Evaluation: "cybench", Metric: "acc", Value: 0.35, WarnAt: &warn}}, Mitigations: []string{"kyc"}},
		{ID: "C3", Thresholds: []gpai.Threshold{{Evaluation: "cybench", Metric: "acc", Value: 0.6}}},
	}, Forecast: gpai.Forecast{Estimate: "2027"}}}}
	reg := &gpai.RiskRegister{Risks: []gpai.Risk{{ID: "CYBER", Name: "Cyber offence", Tier: "C1"}}}
	mit := &gpai.Mitigations{Safety: []gpai.SafetyMitigation{{ID: "filter", Status: "implemented"}, {ID: "kyc", Status: "planned"}}}
	ev := func(ctf, cyb float64) *gpai.EvaluationLog {
		return &gpai.EvaluationLog{Evaluations: []gpai.Evaluation{
			{ID: "old", Name: "cybench", Risk: "CYBER", Metric: "acc", Value: 0.9, Date: ssDay("2025-01-01")},
			{ID: "ctf", Name: "ctf", Risk: "CYBER", Metric: "acc", Value: ctf, Date: ssDay("2026-01-01")},
			{ID: "cyb", Name: "cybench", Risk: "CYBER", Metric: "acc", Value: cyb, Date: ssDay("2026-01-02")},
		}}
	}
	tests := []struct {
		name         string
		ev           *gpai.EvaluationLog
		tier, evTier string
		within, top  bool
		next         string
	}{
		{"C1 reached, below the warning", ev(0.6, 0.1), "C1", "C1", true, false, "Next tier C2: End-to-end exploitation."},
		{"past the early warning", ev(0.6, 0.3), "C1", "C1", true, false, "Within the safety margin"},
		{"C2 reached without its mitigation", ev(0.6, 0.4), "C2", "C2", false, false, "kyc"},
		{"C3 reached: unacceptable and no higher tier", ev(0.6, 0.7), "C3", "C3", false, true, "highest tier"},
		{"no tier reached: the register's tier applies", ev(0.1, 0.1), "C1", "none", true, false, "Next tier C2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := gpai.AssessRisks(fw, reg, tt.ev, mit)[0]
			if st.Tier != tt.tier || st.EvidenceTier != tt.evTier || st.Within == nil || *st.Within != tt.within || st.TopTierReached != tt.top {
				t.Errorf("status = tier %s evidence %s within %v top %v; want %s %s %v %v", st.Tier, st.EvidenceTier, *st.Within, st.TopTierReached, tt.tier, tt.evTier, tt.within, tt.top)
			}
			if next := strings.Join(st.Next, " "); !strings.Contains(next, tt.next) {
				t.Errorf("next = %q, want %q", next, tt.next)
			}
		})
	}
	if st := gpai.AssessRisks(nil, reg, nil, nil)[0]; st.Within != nil || !strings.Contains(st.Next[0], "framework sets no tiers") {
		t.Errorf("without a framework: %+v", st)
	}
}

func FuzzParseMoment(f *testing.F) {
	for _, s := range []string{"2026-03-06T23:59:00+01:00", "2026-03-06", "2026-03-06T23:59Z", "2026-13-40T25:61:00+99:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := gpai.ParseMoment(s)
		if err != nil {
			return
		}
		inc := gpai.Incident{Type: "harm", Aware: m, Reports: []gpai.IncidentReport{{Stage: "initial", Sent: m}}}
		inc.Clocks(m.Day())
		inc.RetainUntil()
		if back, err := gpai.ParseMoment(m.String()); err != nil || !back.Time.Equal(m.Time) {
			t.Errorf("ParseMoment(%q) does not round-trip: %v %v", s, back, err)
		}
	})
}

func TestMomentFraction(t *testing.T) {
	m, err := gpai.ParseMoment("2026-03-06T23:59:00.25+01:00")
	if err != nil || m.String() != "2026-03-06T23:59:00.25+01:00" {
		t.Errorf("fractional seconds: %v %v", m, err)
	}
}
