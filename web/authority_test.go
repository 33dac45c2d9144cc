package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
)

func authorityForm() url.Values {
	return url.Values{"organisation": {"European AI Office"}, "name": {"A. Officer"}, "email": {"ai-office@ec.europa.eu"},
		"legalbasis": {"AI Act Art 91(1)"}, "purpose": {"Assess compliance with Art 53(1)(a)"}, "deadline": {"2026-03-20"},
		"model": {"Meridian-Pro 2.0"}, "subject": {"Request for the technical documentation"}, "text": {"Please provide the documentation of Annex XI."}}
}

func TestAuthorityRequestRefused(t *testing.T) {
	e := newEnv(t, nil)
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	e.login(c, "officer@example.org")
	if r := e.get(c, "/staff/authority"); r.status != 200 || !strings.Contains(r.body, "Legal basis") {
		t.Fatalf("form: %d\n%s", r.status, r.body)
	}
	tests := []struct {
		name, field, value, want string
	}{
		{"no legal basis", "legalbasis", "", "State the legal basis"},
		{"blank legal basis", "legalbasis", "   ", "State the legal basis"},
		{"no purpose", "purpose", "", "State the purpose"},
		{"no deadline", "deadline", "", "Give the deadline the request sets"},
		{"bad deadline", "deadline", "20 March", "Give the deadline as a date"},
		{"bad e-mail", "email", "ai-office", "contact e-mail address"},
		{"no subject", "subject", "", "Give a subject"},
		{"no text", "text", " ", "Give the text of the request"},
		{"long purpose", "purpose", strings.Repeat("p", 501), "at most 500 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := authorityForm()
			f.Set(tt.field, tt.value)
			r := e.post(c, "/staff/authority", f)
			if r.status != 400 || !strings.Contains(r.body, tt.want) || !strings.Contains(r.body, "was not recorded") {
				t.Errorf("POST /staff/authority without %s: %d, want 400 with %q in\n%s", tt.field, r.status, tt.want, r.body)
			}
			// The form keeps what was typed.
			if !strings.Contains(r.body, `value="ai-office@ec.europa.eu"`) && tt.field != "email" {
				t.Errorf("the form lost the e-mail address")
			}
		})
	}
	if _, n, _ := e.st.Cases.FindCases(context.Background(), gpai.CaseFilter{}); n != 0 {
		t.Errorf("%d refused requests stored", n)
	}
}

func TestAuthorityRequestRecorded(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	e.login(c, "officer@example.org")
	r := e.post(c, "/staff/authority", authorityForm())
	if r.status != 200 || !strings.HasPrefix(r.url, "/staff/cases/") || !strings.Contains(r.body, "Recorded.") {
		t.Fatalf("record: %d %s\n%s", r.status, r.url, r.body)
	}
	for _, want := range []string{`id="legal-basis">AI Act Art 91(1)<`, `id="purpose">Assess compliance with Art 53(1)(a)<`,
		"20 Mar 2026 23:59 UTC", "European AI Office", "Authority request"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("case view lacks %q:\n%s", want, r.body)
		}
	}
	kind := gpai.CaseAuthority
	cases, _, err := e.st.Cases.FindCases(ctx, gpai.CaseFilter{Kind: &kind})
	if err != nil || len(cases) != 1 {
		t.Fatalf("stored: %v, %v", cases, err)
	}
	cs, _ := e.st.Cases.FindCaseByID(ctx, cases[0].ID)
	wantDue := time.Date(2026, 3, 20, 23, 59, 59, 0, time.UTC)
	if cs.LegalBasis != "AI Act Art 91(1)" || cs.Submitter.Organisation != "European AI Office" || cs.Model != "Meridian-Pro 2.0" ||
		!cs.DueAt.Equal(wantDue) || cs.Deadline == nil || !cs.Deadline.Equal(wantDue) {
		t.Errorf("stored case: %+v", cs)
	}
	if len(cs.Events) != 1 || cs.Events[0].Actor != "user:officer@example.org" {
		t.Errorf("events: %+v", cs.Events)
	}
	action := "case.create"
	if evs, _, _ := e.st.Audit.FindAuditEvents(ctx, gpai.AuditFilter{Action: &action}); len(evs) != 1 || evs[0].Actor != "user:officer@example.org" {
		t.Errorf("audit: %+v", evs)
	}
}

func TestInboxFilters(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	pub := e.client()
	e.file(pub, "complaint", complaint("Open complaint"))
	closedRef := e.file(pub, "complaint", complaint("Closed complaint"))
	e.file(pub, "information", url.Values{"email": {"q@example.org"}, "subject": {"A question"}, "text": {"Which crawlers?"}})
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	e.login(c, "officer@example.org")
	f := authorityForm()
	f.Set("subject", "Overdue authority request")
	f.Set("deadline", "2026-03-01") // before the test clock: overdue
	if r := e.post(c, "/staff/authority", f); r.status != 200 {
		t.Fatalf("record: %d", r.status)
	}
	cl, _ := e.st.Cases.FindCaseByReference(ctx, closedRef)
	st, reason := gpai.CaseResolved, "done"
	if _, err := e.st.Cases.UpdateCase(ctx, gpai.SystemActor, cl.ID, gpai.CaseUpdate{Status: &st, Reason: &reason}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query      string
		want, not  []string
		firstFirst [2]string // the first must come before the second
	}{
		{"", []string{"Open complaint", "A question", "Overdue authority request"}, []string{"Closed complaint"}, [2]string{"Overdue authority request", "Open complaint"}},
		{"?kind=complaint", []string{"Open complaint"}, []string{"Closed complaint", "A question", "Overdue authority request"}, [2]string{}},
		{"?kind=authority", []string{"Overdue authority request"}, []string{"Open complaint", "A question"}, [2]string{}},
		{"?state=closed", []string{"Closed complaint"}, []string{"Open complaint", "A question"}, [2]string{}},
		{"?state=all&kind=complaint", []string{"Open complaint", "Closed complaint"}, []string{"A question"}, [2]string{"Open complaint", "Closed complaint"}},
		{"?closed=1", []string{"Open complaint", "Closed complaint", "A question"}, nil, [2]string{"Overdue authority request", "Closed complaint"}},
		{"?kind=bogus", []string{"Open complaint", "A question"}, []string{"Closed complaint"}, [2]string{}},
	}
	for _, tt := range tests {
		r := e.get(c, "/staff"+tt.query)
		if r.status != 200 {
			t.Fatalf("GET /staff%s: %d", tt.query, r.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("GET /staff%s lacks %q", tt.query, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(r.body, n) {
				t.Errorf("GET /staff%s shows %q", tt.query, n)
			}
		}
		if a, b := tt.firstFirst[0], tt.firstFirst[1]; a != "" && strings.Index(r.body, a) > strings.Index(r.body, b) {
			t.Errorf("GET /staff%s: %q is not before %q", tt.query, a, b)
		}
	}
	// The filter links keep the other filter.
	r := e.get(c, "/staff?kind=authority&state=all")
	for _, link := range []string{`href="/staff?state=all"`, `href="/staff?kind=complaint&amp;state=all"`, `href="/staff?kind=authority&amp;state=closed"`, `href="/staff?kind=authority"`} {
		if !strings.Contains(r.body, link) {
			t.Errorf("inbox lacks link %s", link)
		}
	}
}
