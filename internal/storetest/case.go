package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai"
)

func testCaseCreateFind(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	c := newCase(gpai.CaseComplaint, 1)
	if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	if c.ID == 0 || c.Status != gpai.CaseReceived || !c.ReceivedAt.Equal(Start.Truncate(time.Microsecond)) {
		t.Fatalf("CreateCase set ID %d, status %s, received %v", c.ID, c.Status, c.ReceivedAt)
	}
	if _, err := gpai.ParseReference(c.Reference); err != nil {
		t.Fatalf("CreateCase reference %q: %v", c.Reference, err)
	}
	want := []gpai.Target{{Kind: gpai.TargetDomain, Value: "example.org"}, {Kind: gpai.TargetWork, Value: "ISBN 978-3-16-148410-0"}}
	if diff := cmp.Diff(want, c.Targets); diff != "" {
		t.Errorf("targets not normalised (-want +got):\n%s", diff)
	}
	byID, err := s.Cases.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatalf("FindCaseByID: %v", err)
	}
	if diff := cmp.Diff(c, byID); diff != "" {
		t.Errorf("FindCaseByID differs from created (-created +found):\n%s", diff)
	}
	// People type references in lower case and with the dash we print.
	byRef, err := s.Cases.FindCaseByReference(ctx, gpai.FormatReference(c.Reference))
	if err != nil {
		t.Fatalf("FindCaseByReference(%q): %v", gpai.FormatReference(c.Reference), err)
	}
	if byRef.ID != c.ID || len(byRef.Events) != 1 || byRef.Events[0].Type != gpai.CaseEventCreated || byRef.Events[0].Actor != "public" {
		t.Errorf("FindCaseByReference = case %d with events %+v", byRef.ID, byRef.Events)
	}
	if c.Text != byID.Text {
		t.Errorf("text not stored verbatim: %q", byID.Text)
	}
}

func testCaseValidation(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(*gpai.Case)
	}{
		{"bad kind", func(c *gpai.Case) { c.Kind = "gossip" }},
		{"no email", func(c *gpai.Case) { c.Submitter.Email = "" }},
		{"bad email", func(c *gpai.Case) { c.Submitter.Email = "not an address" }},
		{"empty subject", func(c *gpai.Case) { c.Subject = "  " }},
		{"long subject", func(c *gpai.Case) { c.Subject = string(make([]byte, gpai.MaxSubjectLen+1)) }},
		{"empty text", func(c *gpai.Case) { c.Text = "" }},
		{"bad url", func(c *gpai.Case) { c.Targets = []gpai.Target{{Kind: gpai.TargetURL, Value: "javascript:alert(1)"}} }},
		{"bad domain", func(c *gpai.Case) { c.Targets = []gpai.Target{{Kind: gpai.TargetDomain, Value: "http://x.org/"}} }},
		{"reservation without target", func(c *gpai.Case) { c.Kind, c.Targets = gpai.CaseReservation, nil }},
		{"authority without basis", func(c *gpai.Case) { c.LegalBasis = "" }},
		{"authority without deadline", func(c *gpai.Case) { c.Deadline = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCase(gpai.CaseAuthority, 0)
			tc.edit(c)
			code(t, "CreateCase", s.Cases.CreateCase(ctx, gpai.PublicActor, c), gpai.EINVALID)
		})
	}
	if _, n, err := s.Cases.FindCases(ctx, gpai.CaseFilter{}); err != nil || n != 0 {
		t.Errorf("FindCases after invalid creates = %d, %v; want 0", n, err)
	}
}

func testCaseDueDates(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	received := Start.Truncate(time.Microsecond)
	for _, tc := range []struct {
		kind gpai.CaseKind
		want time.Time
	}{
		{gpai.CaseDownstream, received.Add(14 * 24 * time.Hour)},
		{gpai.CaseAuthority, Start.Add(5 * 24 * time.Hour).Truncate(time.Microsecond)},
		{gpai.CaseComplaint, received.Add(30 * 24 * time.Hour)},
		{gpai.CaseReservation, received.Add(30 * 24 * time.Hour)},
		{gpai.CaseInformation, received.Add(30 * 24 * time.Hour)},
	} {
		c := newCase(tc.kind, 0)
		if tc.kind != gpai.CaseAuthority {
			c.Deadline = ptr(Start) // ignored for other kinds
		}
		if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
			t.Fatalf("CreateCase(%s): %v", tc.kind, err)
		}
		got, err := s.Cases.FindCaseByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.DueAt.Equal(tc.want) {
			t.Errorf("%s case due %v, want %v", tc.kind, got.DueAt, tc.want)
		}
		if tc.kind == gpai.CaseAuthority && (got.LegalBasis == "" || got.Purpose == "" || got.Deadline == nil) {
			t.Errorf("authority case lost legal basis, purpose or deadline: %+v", got)
		}
		if tc.kind != gpai.CaseAuthority && got.Deadline != nil {
			t.Errorf("%s case kept a deadline", tc.kind)
		}
	}
}

func testCaseTransitions(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	c := newCase(gpai.CaseComplaint, 0)
	if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		actor  gpai.Actor
		status gpai.CaseStatus
		reason string
		code   string
	}{
		{"back to received", officer, gpai.CaseReceived, "", gpai.EINVALID},
		{"unknown status", officer, "lost", "", gpai.EINVALID},
		{"acknowledge", officer, gpai.CaseAcknowledged, "", ""},
		{"acknowledge again", officer, gpai.CaseAcknowledged, "", gpai.EINVALID},
		{"review", officer, gpai.CaseInReview, "", ""},
		{"back to acknowledged", officer, gpai.CaseAcknowledged, "", gpai.EINVALID},
		{"reject without reason", officer, gpai.CaseRejected, "", gpai.EINVALID},
		{"unfounded without reason", officer, gpai.CaseManifestlyUnfounded, " ", gpai.EINVALID},
		{"reject", officer, gpai.CaseRejected, "the works named are not in our training data", ""},
		{"resolve a final case", officer, gpai.CaseResolved, "", gpai.EINVALID},
		{"officer reopens", officer, gpai.CaseInReview, "", gpai.EUNAUTHORIZED},
		{"admin reopens", admin, gpai.CaseInReview, "new evidence", ""},
		{"resolve", officer, gpai.CaseResolved, "content removed from the next training run", ""},
	}
	for _, st := range steps {
		clock.Add(time.Hour)
		upd := gpai.CaseUpdate{Status: ptr(st.status)}
		if st.reason != "" {
			upd.Reason = ptr(st.reason)
		}
		got, err := s.Cases.UpdateCase(ctx, st.actor, c.ID, upd)
		code(t, st.name, err, st.code)
		if err == nil && (got.Status != st.status || got.Reason != st.reason) {
			t.Fatalf("%s: status %s reason %q, want %s %q", st.name, got.Status, got.Reason, st.status, st.reason)
		}
	}
	got, err := s.Cases.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range got.Events {
		trail = append(trail, fmt.Sprintf("%s %s>%s %s", e.Type, e.From, e.To, e.Actor))
	}
	want := []string{
		"created >received public",
		"status received>acknowledged user:officer@example.org",
		"status acknowledged>in-review user:officer@example.org",
		"status in-review>rejected user:officer@example.org",
		"status rejected>in-review user:admin@example.org",
		"status in-review>resolved user:officer@example.org",
	}
	if diff := cmp.Diff(want, trail); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if got.ClosedAt == nil || !got.ClosedAt.Equal(got.UpdatedAt) || got.Overdue(clock.Now().Add(1000*time.Hour)) {
		t.Errorf("resolved case: closed %v updated %v; a final case is never overdue", got.ClosedAt, got.UpdatedAt)
	}
}

func testCaseEvents(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	c := newCase(gpai.CaseDownstream, 0)
	if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	got, err := s.Cases.UpdateCase(ctx, officer, c.ID, gpai.CaseUpdate{
		Status: ptr(gpai.CaseAcknowledged), Note: ptr("ask the evals team"), Reply: ptr("We received your request."),
		Model: ptr("acme-7b-instruct"), Targets: &[]gpai.Target{{Kind: gpai.TargetURL, Value: "HTTPS://Example.org/a"}},
	})
	if err != nil {
		t.Fatalf("UpdateCase: %v", err)
	}
	var types []gpai.CaseEventType
	for _, e := range got.Events {
		types = append(types, e.Type)
	}
	wantTypes := []gpai.CaseEventType{gpai.CaseEventCreated, gpai.CaseEventStatus, gpai.CaseEventEdit, gpai.CaseEventNote, gpai.CaseEventReply}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	found, err := s.Cases.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, found); diff != "" {
		t.Errorf("UpdateCase result differs from stored (-returned +stored):\n%s", diff)
	}
	if found.Model != "acme-7b-instruct" || found.Targets[0].Value != "https://example.org/a" {
		t.Errorf("edit not stored: model %q targets %+v", found.Model, found.Targets)
	}
	for _, tc := range []struct {
		name string
		upd  gpai.CaseUpdate
	}{
		{"nothing", gpai.CaseUpdate{}},
		{"empty note", gpai.CaseUpdate{Note: ptr("  ")}},
		{"reason alone", gpai.CaseUpdate{Reason: ptr("because")}},
		{"bad target", gpai.CaseUpdate{Targets: &[]gpai.Target{{Kind: "planet", Value: "mars"}}}},
		// Valid parts are not applied when another part is invalid.
		{"note with bad status", gpai.CaseUpdate{Note: ptr("x"), Status: ptr(gpai.CaseReceived)}},
	} {
		_, err := s.Cases.UpdateCase(ctx, officer, c.ID, tc.upd)
		code(t, tc.name, err, gpai.EINVALID)
	}
	after, _ := s.Cases.FindCaseByID(ctx, c.ID)
	if len(after.Events) != len(found.Events) {
		t.Errorf("invalid updates recorded events: %d, want %d", len(after.Events), len(found.Events))
	}
}

func testCaseFilter(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	kinds := []gpai.CaseKind{gpai.CaseComplaint, gpai.CaseReservation, gpai.CaseInformation}
	var ids []int64
	for i := range 12 {
		c := newCase(kinds[i%3], i%4)
		if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		clock.Add(time.Minute)
	}
	// Resolve two complaints.
	for _, id := range []int64{ids[0]} {
		if _, err := s.Cases.UpdateCase(ctx, officer, id, gpai.CaseUpdate{Status: ptr(gpai.CaseResolved)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Cases.UpdateCase(ctx, officer, ids[3], gpai.CaseUpdate{Status: ptr(gpai.CaseResolved)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		filter gpai.CaseFilter
		n      int
		page   int
	}{
		{"all", gpai.CaseFilter{}, 12, 12},
		{"kind", gpai.CaseFilter{Kind: ptr(gpai.CaseReservation)}, 4, 4},
		{"status", gpai.CaseFilter{Status: ptr(gpai.CaseResolved)}, 2, 2},
		{"open", gpai.CaseFilter{Open: ptr(true)}, 10, 10},
		{"closed", gpai.CaseFilter{Open: ptr(false)}, 2, 2},
		{"email", gpai.CaseFilter{Email: ptr("holder1@example.org")}, 3, 3},
		{"id", gpai.CaseFilter{ID: ptr(ids[5])}, 1, 1},
		{"page 1", gpai.CaseFilter{Limit: 5}, 12, 5},
		{"page 3", gpai.CaseFilter{Limit: 5, Offset: 10}, 12, 2},
		{"offset past end", gpai.CaseFilter{Limit: 5, Offset: 20}, 12, 0},
		{"malformed reference", gpai.CaseFilter{Reference: ptr("nope")}, 0, 0},
	} {
		got, n, err := s.Cases.FindCases(ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: FindCases: %v", tc.name, err)
		}
		if n != tc.n || len(got) != tc.page {
			t.Errorf("%s: FindCases = %d cases of %d, want %d of %d", tc.name, len(got), n, tc.page, tc.n)
		}
		for _, c := range got {
			if c.Events != nil {
				t.Errorf("%s: FindCases returned events", tc.name)
			}
		}
	}
	// Pages cover everything exactly once, in the same order as one query.
	all, _, _ := s.Cases.FindCases(ctx, gpai.CaseFilter{})
	var paged []*gpai.Case
	for off := 0; off < 12; off += 5 {
		p, _, err := s.Cases.FindCases(ctx, gpai.CaseFilter{Limit: 5, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, p...)
	}
	if diff := cmp.Diff(all, paged); diff != "" {
		t.Errorf("pages differ from one query (-all +paged):\n%s", diff)
	}
	ref := all[4].Reference
	got, n, err := s.Cases.FindCases(ctx, gpai.CaseFilter{Reference: &ref})
	if err != nil || n != 1 || got[0].Reference != ref {
		t.Errorf("FindCases(Reference %s) = %v, %d, %v", ref, got, n, err)
	}
}

func testCaseOverdueFirst(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	// An authority request due in 5 days, a complaint due in 30, a
	// downstream request due in 14 received later, a closed complaint.
	mk := func(kind gpai.CaseKind) *gpai.Case {
		c := newCase(kind, 0)
		if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	complaint := mk(gpai.CaseComplaint)
	authority := mk(gpai.CaseAuthority)
	closed := mk(gpai.CaseInformation)
	if _, err := s.Cases.UpdateCase(ctx, officer, closed.ID, gpai.CaseUpdate{Status: ptr(gpai.CaseResolved)}); err != nil {
		t.Fatal(err)
	}
	clock.Add(10 * 24 * time.Hour)
	downstream := mk(gpai.CaseDownstream) // due day 24
	clock.Add(15 * 24 * time.Hour)        // day 25: authority and downstream overdue, complaint not yet

	got, n, err := s.Cases.FindCases(ctx, gpai.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, c := range got {
		order = append(order, c.ID)
	}
	if diff := cmp.Diff([]int64{authority.ID, downstream.ID, complaint.ID, closed.ID}, order); diff != "" || n != 4 {
		t.Errorf("inbox order (-want +got):\n%s", diff)
	}
	over, n, err := s.Cases.FindCases(ctx, gpai.CaseFilter{Overdue: ptr(true)})
	if err != nil || n != 2 || over[0].ID != authority.ID || over[1].ID != downstream.ID {
		t.Errorf("FindCases(Overdue) = %d cases, %v; want authority then downstream", n, err)
	}
	for _, c := range over {
		if !c.Overdue(clock.Now()) {
			t.Errorf("case %d listed overdue but Overdue() is false", c.ID)
		}
	}
	if _, n, _ := s.Cases.FindCases(ctx, gpai.CaseFilter{Overdue: ptr(false)}); n != 2 {
		t.Errorf("FindCases(not overdue) = %d, want 2", n)
	}
}

func testCaseNotFound(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	_, err := s.Cases.FindCaseByID(ctx, 999)
	code(t, "FindCaseByID", err, gpai.ENOTFOUND)
	_, err = s.Cases.FindCaseByReference(ctx, gpai.NewReference())
	code(t, "FindCaseByReference(unknown)", err, gpai.ENOTFOUND)
	_, err = s.Cases.FindCaseByReference(ctx, "' OR 1=1 --")
	code(t, "FindCaseByReference(malformed)", err, gpai.ENOTFOUND)
	_, err = s.Cases.UpdateCase(ctx, officer, 999, gpai.CaseUpdate{Note: ptr("x")})
	code(t, "UpdateCase", err, gpai.ENOTFOUND)
	code(t, "DeleteCase", s.Cases.DeleteCase(ctx, admin, 999), gpai.ENOTFOUND)

	c := newCase(gpai.CaseInformation, 0)
	if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
		t.Fatal(err)
	}
	if err := s.Cases.DeleteCase(ctx, admin, c.ID); err != nil {
		t.Fatalf("DeleteCase: %v", err)
	}
	_, err = s.Cases.FindCaseByID(ctx, c.ID)
	code(t, "FindCaseByID after delete", err, gpai.ENOTFOUND)
	ev, _, _ := s.Audit.FindAuditEvents(ctx, gpai.AuditFilter{Action: ptr("case.delete")})
	if len(ev) != 1 || ev[0].Detail != c.Reference {
		t.Errorf("DeleteCase audit events = %+v", ev)
	}
}

func testCaseConcurrent(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	const workers, each = 16, 10
	var mu sync.Mutex
	refs := map[string]int64{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				c := newCase(gpai.CaseComplaint, w*each+i)
				if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				refs[c.Reference] = c.ID
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent CreateCase: %v", err)
	}
	if len(refs) != workers*each {
		t.Fatalf("%d distinct references, want %d", len(refs), workers*each)
	}
	if _, n, err := s.Cases.FindCases(ctx, gpai.CaseFilter{}); err != nil || n != workers*each {
		t.Fatalf("FindCases after concurrent creates = %d, %v; want %d", n, err, workers*each)
	}
	for ref, id := range refs {
		c, err := s.Cases.FindCaseByReference(ctx, ref)
		if err != nil || c.ID != id {
			t.Fatalf("FindCaseByReference(%s) = %v, %v; want case %d", ref, c, err, id)
		}
	}
	r, err := s.Audit.VerifyAudit(ctx)
	if err != nil || !r.OK() || r.Events != workers*each {
		t.Fatalf("VerifyAudit after concurrent creates = %+v, %v", r, err)
	}
}
