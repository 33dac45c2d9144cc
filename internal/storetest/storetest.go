// Package storetest is the conformance suite of the gpai storage services.
// Each implementation (sqlite, postgres) runs Run against a fresh database
// per test, so that both behave the same down to error codes.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
)

// Store is one fresh database's services, as an implementation's test
// opens them.
type Store struct {
	Cases        gpai.CaseService
	Users        gpai.UserService
	Sessions     gpai.SessionService
	Tokens       gpai.TokenService
	Audit        gpai.AuditService
	Reservations gpai.ReservationService
	// Exec runs raw SQL against the database, bypassing the services;
	// the suite uses it to tamper with rows. The statements it sends are
	// plain SQL common to SQLite and PostgreSQL.
	Exec func(ctx context.Context, query string) error
}

// Opener opens a fresh, empty, migrated database whose services read the
// time from now, and arranges with t.Cleanup to close it.
type Opener func(t testing.TB, now func() time.Time) *Store

// Clock is a settable time source for the services under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Start is the clock's starting time in every test.
var Start = time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)

var (
	admin   = gpai.Actor{Name: "user:admin@example.org", Role: gpai.RoleAdmin}
	officer = gpai.Actor{Name: "user:officer@example.org", Role: gpai.RoleOfficer}
)

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *Store, *Clock)
	}{
		{"CaseCreateFind", testCaseCreateFind},
		{"CaseValidation", testCaseValidation},
		{"CaseDueDates", testCaseDueDates},
		{"CaseTransitions", testCaseTransitions},
		{"CaseEventsAndReplies", testCaseEvents},
		{"CaseFilterPaginate", testCaseFilter},
		{"CaseOverdueFirst", testCaseOverdueFirst},
		{"CaseNotFound", testCaseNotFound},
		{"CaseConcurrentCreate", testCaseConcurrent},
		{"User", testUser},
		{"Session", testSession},
		{"Token", testToken},
		{"Reservation", testReservation},
		{"AuditChain", testAuditChain},
		{"AuditTamper", testAuditTamper},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := NewClock(Start)
			s := open(t, clock.Now)
			tc.fn(t, s, clock)
		})
	}
}

// BenchmarkCreateCase measures CreateCase, one durable commit each, and
// reports cases per second.
func BenchmarkCreateCase(b *testing.B, open Opener) {
	s := open(b, time.Now)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		c := newCase(gpai.CaseComplaint, n)
		if err := s.Cases.CreateCase(ctx, gpai.PublicActor, c); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "cases/s")
}

// BenchmarkCreateCaseParallel measures CreateCase from GOMAXPROCS
// goroutines at once.
func BenchmarkCreateCaseParallel(b *testing.B, open Opener) {
	s := open(b, time.Now)
	ctx := context.Background()
	start := time.Now()
	var mu sync.Mutex
	total := 0
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			if err := s.Cases.CreateCase(ctx, gpai.PublicActor, newCase(gpai.CaseComplaint, n)); err != nil {
				b.Error(err)
				return
			}
			n++
		}
		mu.Lock()
		total += n
		mu.Unlock()
	})
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "cases/s")
}

func newCase(kind gpai.CaseKind, i int) *gpai.Case {
	c := &gpai.Case{
		Kind:      kind,
		Submitter: gpai.Submitter{Name: "Rights Holder", Email: fmt.Sprintf("holder%d@example.org", i), Organisation: "CMO"},
		Subject:   fmt.Sprintf("Request %d", i),
		Text:      "Please look into this <script>alert(1)</script>.",
		Targets:   []gpai.Target{{Kind: gpai.TargetDomain, Value: "Example.ORG."}, {Kind: gpai.TargetWork, Value: "ISBN 978-3-16-148410-0"}},
		Model:     "acme-7b",
	}
	if kind == gpai.CaseAuthority {
		d := Start.Add(5 * 24 * time.Hour)
		c.LegalBasis, c.Purpose, c.Deadline = "Art 91(1) AI Act", "assess compliance with Art 53(1)(a)", &d
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// code checks that err has the wanted gpai error code.
func code(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := gpai.ErrorCode(err); got != want {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}
