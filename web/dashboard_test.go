package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

func TestDossierDashboard(t *testing.T) {
	due := func(y int, m time.Month, d int) *gpai.Date { v := gpai.NewDate(y, m, d); return &v }
	x := `<script>alert(1)</script>`
	reports := []web.DossierReport{
		{Dir: "models/main", Model: gpai.ModelRef{Name: "Meridian-Pro", Version: "2.0", Provider: "Meridian AI"},
			AsOf: gpai.NewDate(2026, 3, 2), Rulebook: "eu-gpai@test",
			Classification: gpai.Classification{GPAI: true, Provider: true},
			Obligations: []gpai.ObligationStatus{
				{Rule: "MET-RULE", Title: "Met obligation", Citation: "Art 1", Status: gpai.StatusMet},
				{Rule: "LATER-RULE", Title: "Later obligation", Citation: "Art 2", Status: gpai.StatusUpcoming, Due: due(2027, 1, 1)},
				{Rule: "LATE-RULE", Title: "Late obligation " + x, Citation: "Art 53(1)(d)", Status: gpai.StatusOverdue, Due: due(2025, 10, 6)},
			},
			Findings:  []gpai.Finding{{Severity: gpai.SeverityError, Rule: "LATE-RULE", Pos: gpai.Position{File: "models/main/gpai.yaml", Line: 39, Column: 3}, Message: "Publish it " + x, Fix: "Write data.yaml"}},
			CheckedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{Dir: "models/broken", Error: "models/broken has no gpai.yaml " + x, CheckedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
	}
	var fail error
	e := newEnv(t, func(s *web.Server) {
		s.Dossiers = func(ctx context.Context) ([]web.DossierReport, error) { return reports, fail }
	})
	e.user("viewer@example.org", gpai.RoleViewer)
	c := e.client()
	e.login(c, "viewer@example.org")
	r := e.get(c, "/staff/dossiers")
	if r.status != 200 {
		t.Fatalf("dashboard: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{"Meridian-Pro", "Meridian AI", "models/main/gpai.yaml:39:3", "LATE-RULE", "Art 53(1)(d)", "2025-10-06",
		"Write data.yaml", "models/broken", "could not be loaded", "has no gpai.yaml", "1</strong> error,", "3</strong> obligations apply, <strong>1</strong> overdue"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if late, later, met := strings.Index(r.body, "LATE-RULE"), strings.Index(r.body, "LATER-RULE"), strings.Index(r.body, "MET-RULE"); !(late < later && later < met) {
		t.Errorf("obligations not overdue first: %d %d %d", late, later, met)
	}
	if strings.Contains(r.body, "<script>") || strings.Count(r.body, "&lt;script&gt;") != 3 {
		t.Errorf("dashboard does not escape every text:\n%s", r.body)
	}

	// The same as JSON, for an API token with cases:read.
	secret, _ := e.st.Tokens.CreateToken(context.Background(), gpai.SystemActor, &gpai.Token{Name: "dash", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeCasesRead}})
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/dossiers", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if r := do(t, http.DefaultClient, req); r.status != 200 || !strings.Contains(r.body, `"rule": "LATE-RULE"`) || !strings.Contains(r.body, `"error": "models/broken has no gpai.yaml`) {
		t.Errorf("GET /api/dossiers: %d\n%s", r.status, r.body)
	}

	fail = errors.New("disk on fire")
	if r := e.get(c, "/staff/dossiers"); r.status != 500 || strings.Contains(r.body, "disk on fire") {
		t.Errorf("failing dashboard: %d", r.status)
	}
}

func TestDossierDashboardUnconfigured(t *testing.T) {
	e := newEnv(t, nil)
	e.user("viewer@example.org", gpai.RoleViewer)
	c := e.client()
	e.login(c, "viewer@example.org")
	if r := e.get(c, "/staff/dossiers"); r.status != 200 || !strings.Contains(r.body, "No dossier is configured") {
		t.Errorf("unconfigured dashboard: %d\n%s", r.status, r.body)
	}
}
