package gpai_test

import (
	"testing"
	"time"

	"github.com/gpai-project/gpai"
)

func chain(n int) []*gpai.AuditEvent {
	var events []*gpai.AuditEvent
	var prev *gpai.AuditEvent
	for i := range n {
		e := &gpai.AuditEvent{Time: time.Date(2026, 1, 1, 0, 0, i, 1234567, time.UTC), Actor: "user:a@example.org", Action: "case.note", Object: "case:1", Detail: "x"}
		e.Seal(prev)
		events = append(events, e)
		prev = e
	}
	return events
}

func TestAuditChain(t *testing.T) {
	if r := gpai.VerifyAuditChain(chain(10)); !r.OK() || r.Head != 10 || r.Events != 10 {
		t.Fatalf("VerifyAuditChain(intact) = %+v", r)
	}
	for _, tc := range []struct {
		name   string
		tamper func([]*gpai.AuditEvent) []*gpai.AuditEvent
		broken int64
	}{
		{"detail", func(e []*gpai.AuditEvent) []*gpai.AuditEvent { e[4].Detail = "y"; return e }, 5},
		{"time", func(e []*gpai.AuditEvent) []*gpai.AuditEvent { e[6].Time = e[6].Time.Add(time.Second); return e }, 7},
		{"rehashed", func(e []*gpai.AuditEvent) []*gpai.AuditEvent {
			e[2].Actor = "x"
			e[2].Hash = e[2].ComputeHash()
			return e
		}, 4},
		{"removed", func(e []*gpai.AuditEvent) []*gpai.AuditEvent { return append(e[:3], e[4:]...) }, 5},
		{"swapped", func(e []*gpai.AuditEvent) []*gpai.AuditEvent { e[3], e[4] = e[4], e[3]; return e }, 5},
		{"head removed", func(e []*gpai.AuditEvent) []*gpai.AuditEvent { return e[1:] }, 2},
	} {
		r := gpai.VerifyAuditChain(tc.tamper(chain(10)))
		if r.OK() || r.Broken.Seq != tc.broken || r.Problem == "" {
			t.Errorf("%s: VerifyAuditChain = broken %+v %q, want event %d", tc.name, r.Broken, r.Problem, tc.broken)
		}
	}
}
