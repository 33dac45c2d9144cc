package gpai

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// An Actor is who does something: a signed-in user, a token's holder, a
// member of the public using the contact point, or the system itself.
// Services record the actor in case events and the audit log. Permission
// checks belong to the web layer; services use Role only where the
// domain itself depends on it (CheckTransition).
type Actor struct {
	// Name identifies the actor in the record: "user:alice@example.org",
	// "token:12", "public" or "system". Use the constructors.
	Name string `json:"name"`
	Role Role   `json:"role,omitempty"`
}

// UserActor returns the actor for a signed-in user.
func UserActor(u *User) Actor { return Actor{Name: "user:" + u.Email, Role: u.Role} }

// TokenActor returns the actor for a token's holder.
func TokenActor(t *Token) Actor { return Actor{Name: fmt.Sprintf("token:%d", t.ID)} }

// PublicActor is anyone using the public contact point.
var PublicActor = Actor{Name: "public"}

// SystemActor is gpai itself, e.g. a command-line subcommand or a migration.
var SystemActor = Actor{Name: "system"}

func (a Actor) String() string {
	if a.Name == "" {
		return "unknown"
	}
	return a.Name
}

// An AuditEvent is one entry of the append-only audit log: every staff
// action and every state change. Events form a hash chain: each event's
// Hash covers the previous event's Hash and its own canonical content, so
// altering, removing, inserting or reordering any stored event breaks the
// chain from that point (Transparency Measure 1.3: protected from
// unintended alteration).
type AuditEvent struct {
	Seq    int64     `json:"seq"` // 1, 2, 3… with no gaps
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // e.g. "case.create", "case.status", "user.create"
	Object string    `json:"object"` // e.g. "case:42", "user:3"
	Detail string    `json:"detail,omitempty"`
	// PrevHash is the Hash of the event with Seq-1, or "" for the first.
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}

// AuditTimePrecision is the precision of audit times: microseconds, the
// finest that both SQLite text and PostgreSQL timestamptz keep, so that a
// hash computed before storing verifies after reading back.
const AuditTimePrecision = time.Microsecond

// ComputeHash returns the hex SHA-256 of the event's canonical form: the
// JSON object {"prev","seq","time","actor","action","object","detail"} in
// that order, with the time in UTC RFC 3339 with nanoseconds.
func (e *AuditEvent) ComputeHash() string {
	canon, _ := json.Marshal(struct {
		Prev   string `json:"prev"`
		Seq    int64  `json:"seq"`
		Time   string `json:"time"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
		Object string `json:"object"`
		Detail string `json:"detail"`
	}{e.PrevHash, e.Seq, e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object, e.Detail})
	h := sha256.Sum256(canon)
	return hex.EncodeToString(h[:])
}

// Seal links e after prev (nil for the first event): it sets Seq,
// PrevHash and Hash, and truncates Time to AuditTimePrecision.
func (e *AuditEvent) Seal(prev *AuditEvent) {
	e.Time = e.Time.UTC().Truncate(AuditTimePrecision)
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.ComputeHash()
}

// An AuditReport is the result of verifying the audit chain.
type AuditReport struct {
	Events int   `json:"events"` // events read
	Head   int64 `json:"head"`   // Seq of the last event
	// Broken is the first event whose link is broken, nil if the chain is
	// intact; Problem says what is wrong with it.
	Broken  *AuditEvent `json:"broken,omitempty"`
	Problem string      `json:"problem,omitempty"`
}

// OK reports whether the chain is intact.
func (r *AuditReport) OK() bool { return r.Broken == nil }

// VerifyAuditChain checks events, which must be the whole log in Seq
// order, and reports the first broken link: a gap or repeat in Seq, a
// PrevHash that is not the previous Hash, or a Hash that does not match
// the event's content.
func VerifyAuditChain(events []*AuditEvent) *AuditReport {
	r := &AuditReport{Events: len(events)}
	var prev *AuditEvent
	for _, e := range events {
		switch {
		case prev == nil && e.Seq != 1:
			r.Broken, r.Problem = e, fmt.Sprintf("event %d: the log does not start at event 1", e.Seq)
		case prev != nil && e.Seq != prev.Seq+1:
			r.Broken, r.Problem = e, fmt.Sprintf("event %d follows event %d: events are missing or reordered", e.Seq, prev.Seq)
		case prev == nil && e.PrevHash != "", prev != nil && e.PrevHash != prev.Hash:
			r.Broken, r.Problem = e, fmt.Sprintf("event %d: its link to the previous event does not match", e.Seq)
		case e.ComputeHash() != e.Hash:
			r.Broken, r.Problem = e, fmt.Sprintf("event %d: its content was altered after it was recorded", e.Seq)
		}
		if r.Broken != nil {
			return r
		}
		prev = e
		r.Head = e.Seq
	}
	return r
}

// AuditFilter selects audit events for FindAuditEvents.
type AuditFilter struct {
	Actor  *string
	Action *string
	Object *string
	// AfterSeq selects events after that sequence number, for paging
	// through a long log.
	AfterSeq int64

	Offset int
	Limit  int
}

// AuditService reads the audit log and appends staff actions that change
// no stored state (a failed sign-in, an export). State changes append their
// own events through the other services, in their transactions.
type AuditService interface {
	// FindAuditEvents returns matching events in Seq order and the total.
	FindAuditEvents(ctx context.Context, filter AuditFilter) ([]*AuditEvent, int, error)

	// AppendAuditEvent seals and appends an event with the service's
	// time, and returns it. Returns EINVALID if Action is empty.
	AppendAuditEvent(ctx context.Context, actor Actor, action, object, detail string) (*AuditEvent, error)

	// VerifyAudit reads the whole log and checks its chain with
	// VerifyAuditChain.
	VerifyAudit(ctx context.Context) (*AuditReport, error)
}
