package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
)

func testReservation(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	c := newCase(gpai.CaseReservation, 0)
	if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
		t.Fatal(err)
	}
	r := &gpai.Reservation{Target: gpai.Target{Kind: gpai.TargetDomain, Value: "News.Example.ORG"}, CaseID: c.ID}
	if err := s.Reservations.CreateReservation(ctx, officer, r); err != nil {
		t.Fatalf("CreateReservation: %v", err)
	}
	if r.ID == 0 || r.Value != "news.example.org" || r.AcceptedBy != officer.Name || r.AcceptedAt.IsZero() {
		t.Fatalf("CreateReservation: %+v", r)
	}
	dup := &gpai.Reservation{Target: gpai.Target{Kind: gpai.TargetDomain, Value: "news.example.org."}, CaseID: c.ID}
	code(t, "CreateReservation(duplicate)", s.Reservations.CreateReservation(ctx, officer, dup), gpai.ECONFLICT)
	code(t, "CreateReservation(no case)", s.Reservations.CreateReservation(ctx, officer,
		&gpai.Reservation{Target: gpai.Target{Kind: gpai.TargetWork, Value: "x"}, CaseID: 999}), gpai.ENOTFOUND)
	code(t, "CreateReservation(bad target)", s.Reservations.CreateReservation(ctx, officer,
		&gpai.Reservation{Target: gpai.Target{Kind: gpai.TargetURL, Value: "ftp://x"}, CaseID: c.ID}), gpai.EINVALID)
	w := &gpai.Reservation{Target: gpai.Target{Kind: gpai.TargetWork, Value: "The Song"}, CaseID: c.ID, Note: "ISRC given"}
	if err := s.Reservations.CreateReservation(ctx, officer, w); err != nil {
		t.Fatal(err)
	}
	list, n, err := s.Reservations.FindReservations(ctx, gpai.ReservationFilter{CaseID: &c.ID})
	if err != nil || n != 2 || list[0].ID != r.ID || list[1].Note != "ISRC given" {
		t.Fatalf("FindReservations = %+v, %d, %v", list, n, err)
	}
	got, err := s.Reservations.FindReservationByID(ctx, r.ID)
	if err != nil || *got != *r {
		t.Errorf("FindReservationByID = %+v, %v; want %+v", got, err, r)
	}
	// The case records the acceptance, and cannot be deleted while cited.
	cc, _ := s.Cases.FindCaseByID(ctx, c.ID)
	if e := cc.Events[1]; e.Type != gpai.CaseEventNote || !strings.Contains(e.Text, "news.example.org") || e.Actor != officer.Name {
		t.Errorf("case event after acceptance: %+v", e)
	}
	code(t, "DeleteCase(cited)", s.Cases.DeleteCase(ctx, admin, c.ID), gpai.ECONFLICT)
	if err := s.Reservations.DeleteReservation(ctx, officer, r.ID); err != nil {
		t.Fatalf("DeleteReservation: %v", err)
	}
	_, err = s.Reservations.FindReservationByID(ctx, r.ID)
	code(t, "FindReservationByID(deleted)", err, gpai.ENOTFOUND)
	code(t, "DeleteReservation(again)", s.Reservations.DeleteReservation(ctx, officer, r.ID), gpai.ENOTFOUND)
	if _, n, _ := s.Reservations.FindReservations(ctx, gpai.ReservationFilter{Kind: ptr(gpai.TargetWork)}); n != 1 {
		t.Errorf("FindReservations(work) = %d, want 1", n)
	}
}

// churn runs many operations of every service.
func churn(t *testing.T, s *Store) {
	ctx := context.Background()
	for i := range 20 {
		c := newCase(gpai.CaseKinds[i%len(gpai.CaseKinds)], i)
		if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cases.UpdateCase(ctx, officer, c.ID, gpai.CaseUpdate{Status: ptr(gpai.CaseAcknowledged), Note: ptr(fmt.Sprint("note ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Tokens.CreateToken(ctx, admin, &gpai.Token{Name: "t", Kind: gpai.TokenAPI}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Audit.AppendAuditEvent(ctx, officer, "login.failed", "user:x", "wrong password"); err != nil {
		t.Fatal(err)
	}
}

func testAuditChain(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	r, err := s.Audit.VerifyAudit(ctx)
	if err != nil || !r.OK() || r.Events != 0 {
		t.Fatalf("VerifyAudit(empty) = %+v, %v", r, err)
	}
	churn(t, s)
	r, err = s.Audit.VerifyAudit(ctx)
	// 20 creates + 20 status + 20 notes + token + login.failed
	if err != nil || !r.OK() || r.Events != 62 || r.Head != 62 {
		t.Fatalf("VerifyAudit = %+v, %v; want 62 intact events", r, err)
	}
	ev, n, err := s.Audit.FindAuditEvents(ctx, gpai.AuditFilter{Actor: ptr(officer.Name), Action: ptr("case.status"), Limit: 5})
	if err != nil || n != 20 || len(ev) != 5 || ev[0].Object == "" || !strings.Contains(ev[0].Detail, "received -> acknowledged") {
		t.Errorf("FindAuditEvents = %d of %d, %v: %+v", len(ev), n, err, ev)
	}
	after, n, _ := s.Audit.FindAuditEvents(ctx, gpai.AuditFilter{AfterSeq: 60})
	if n != 2 || after[0].Seq != 61 || after[1].Action != "login.failed" {
		t.Errorf("FindAuditEvents(AfterSeq 60) = %+v", after)
	}
	_, err = s.Audit.AppendAuditEvent(ctx, officer, "", "", "")
	code(t, "AppendAuditEvent(no action)", err, gpai.EINVALID)
	// A failed operation appends nothing.
	_, _ = s.Cases.UpdateCase(ctx, officer, 1, gpai.CaseUpdate{Status: ptr(gpai.CaseReceived)})
	if r2, _ := s.Audit.VerifyAudit(ctx); r2.Events != 62 {
		t.Errorf("failed update appended audit events: %d", r2.Events)
	}
}

func testAuditTamper(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	churn(t, s)
	// The schema refuses updates and deletes of the log...
	if err := s.Exec(ctx, "UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 30"); err == nil {
		t.Errorf("UPDATE audit_events succeeded; the log should be append-only")
	}
	if err := s.Exec(ctx, "DELETE FROM audit_events WHERE seq = 30"); err == nil {
		t.Errorf("DELETE FROM audit_events succeeded; the log should be append-only")
	}
	// ...but whoever owns the database can lift the guard; the chain shows it.
	for _, tc := range []struct {
		name, sql string
		broken    int64
	}{
		{"detail altered", "UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 30", 30},
		{"actor altered and rehashed", "UPDATE audit_events SET actor = 'user:someone-else', hash = '" + strings.Repeat("0", 64) + "' WHERE seq = 20", 20},
		{"event removed", "DELETE FROM audit_events WHERE seq = 10", 11},
		{"first event removed", "DELETE FROM audit_events WHERE seq = 1", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range []string{"UPDATE audit_guard SET value = 0", tc.sql, "UPDATE audit_guard SET value = 1"} {
				if err := s.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			r, err := s.Audit.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || r.Broken.Seq != tc.broken || r.Problem == "" {
				t.Fatalf("VerifyAudit after %s = broken at %v (%s), want event %d", tc.name, r.Broken, r.Problem, tc.broken)
			}
		})
		// Later cases tamper earlier events, so each finds its own break first.
	}
}
