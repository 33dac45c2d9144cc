package gpai

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// A Case is one request from outside that the provider must answer: a
// copyright complaint or a rights reservation from a rights holder (Code of
// Practice, Copyright chapter, Measure 1.5), a request for information, a
// downstream provider's request for more documentation, or a request from
// the AI Office (Transparency chapter, Measure 1.2). Each case has a public
// Reference, a status and a due date, and keeps its history as Events.
type Case struct {
	ID        int64      `json:"id"`
	Reference string     `json:"reference"`
	Kind      CaseKind   `json:"kind"`
	Status    CaseStatus `json:"status"`
	// Reason explains a rejection or a manifestly unfounded decision; it
	// is required for those statuses and may summarise a resolution.
	Reason    string    `json:"reason,omitempty"`
	Submitter Submitter `json:"submitter"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	// Targets are the works, URLs or domains the case concerns.
	Targets []Target `json:"targets,omitempty"`
	// Model names the model concerned, if the submitter said.
	Model string `json:"model,omitempty"`
	// LegalBasis and Purpose are required for authority requests, which
	// must state them (Art 91; Measure 1.2).
	LegalBasis string `json:"legalBasis,omitempty"`
	Purpose    string `json:"purpose,omitempty"`
	// Deadline is the period end named by an authority request; it is the
	// due date of such a case and ignored for other kinds.
	Deadline   *time.Time `json:"deadline,omitempty"`
	ReceivedAt time.Time  `json:"receivedAt"`
	DueAt      time.Time  `json:"dueAt"`
	UpdatedAt  time.Time  `json:"updatedAt"`
	// ClosedAt is set when the case reaches a final status; the clock
	// stops then.
	ClosedAt *time.Time `json:"closedAt,omitempty"`
	// Events is the case's history, oldest first. FindCaseByID and
	// FindCaseByReference fill it; FindCases leaves it nil.
	Events []*CaseEvent `json:"events,omitempty"`
}

// Overdue reports whether the case is still open after its due date.
func (c *Case) Overdue(now time.Time) bool {
	return !c.Status.Final() && now.After(c.DueAt)
}

// A Submitter is who sent a case and how to answer them.
type Submitter struct {
	Name         string `json:"name,omitempty"`
	Email        string `json:"email"`
	Organisation string `json:"organisation,omitempty"`
	// OnBehalfOf names the rights holder an authorised representative or
	// collective management organisation acts for.
	OnBehalfOf string `json:"onBehalfOf,omitempty"`
}

// CaseKind says what a case asks for.
type CaseKind string

// The kinds of case.
const (
	CaseComplaint   CaseKind = "complaint"   // copyright complaint (Copyright Measure 1.5)
	CaseReservation CaseKind = "reservation" // rights reservation or objection to use for training
	CaseInformation CaseKind = "information" // request for information from anyone
	CaseDownstream  CaseKind = "downstream"  // downstream provider's request (Measure 1.2: 14 days)
	CaseAuthority   CaseKind = "authority"   // AI Office request with legal basis, purpose and deadline
)

// CaseKinds lists every kind, in the order forms offer them.
var CaseKinds = []CaseKind{CaseComplaint, CaseReservation, CaseInformation, CaseDownstream, CaseAuthority}

// Valid reports whether k is one of CaseKinds.
func (k CaseKind) Valid() bool {
	for _, v := range CaseKinds {
		if k == v {
			return true
		}
	}
	return false
}

// CaseStatus is where a case stands.
type CaseStatus string

// The statuses of a case. Resolved, rejected and manifestly unfounded are
// final: the clock stops, and only an admin may reopen the case.
const (
	CaseReceived            CaseStatus = "received"
	CaseAcknowledged        CaseStatus = "acknowledged"
	CaseInReview            CaseStatus = "in-review"
	CaseResolved            CaseStatus = "resolved"
	CaseRejected            CaseStatus = "rejected"
	CaseManifestlyUnfounded CaseStatus = "manifestly-unfounded"
)

// CaseStatuses lists every status in workflow order.
var CaseStatuses = []CaseStatus{CaseReceived, CaseAcknowledged, CaseInReview, CaseResolved, CaseRejected, CaseManifestlyUnfounded}

// Valid reports whether s is one of CaseStatuses.
func (s CaseStatus) Valid() bool {
	for _, v := range CaseStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Final reports whether s ends the case.
func (s CaseStatus) Final() bool {
	return s == CaseResolved || s == CaseRejected || s == CaseManifestlyUnfounded
}

// NeedsReason reports whether moving to s requires a reason: rejections
// and manifestly-unfounded decisions must say why (Measure 1.5 lets a
// provider decline only such complaints, so the record must show it).
func (s CaseStatus) NeedsReason() bool {
	return s == CaseRejected || s == CaseManifestlyUnfounded
}

// CheckTransition returns nil if a case may move from one status to
// another by an actor of the given role, and an *Error otherwise:
// EINVALID for an unknown status or a move the workflow forbids, and
// EUNAUTHORIZED for reopening a final case by anyone but an admin.
//
// An open case may move forward to any later status, never back. A final
// case may only be reopened, to in-review, by an admin.
func CheckTransition(from, to CaseStatus, role Role) error {
	if !to.Valid() {
		return Errorf(EINVALID, "unknown case status %q", to)
	}
	if from == to {
		return Errorf(EINVALID, "case is already %s", to)
	}
	if from.Final() {
		if to != CaseInReview {
			return Errorf(EINVALID, "a %s case can only be reopened to %s", from, CaseInReview)
		}
		if role != RoleAdmin {
			return Errorf(EUNAUTHORIZED, "only an admin may reopen a %s case", from)
		}
		return nil
	}
	if to == CaseReceived || (from == CaseInReview && to == CaseAcknowledged) {
		return Errorf(EINVALID, "a case cannot move back from %s to %s", from, to)
	}
	return nil
}

// A Target is a work, URL or domain that a case or reservation concerns.
type Target struct {
	Kind  TargetKind `json:"kind"`
	Value string     `json:"value"`
}

// TargetKind says what a Target's value names.
type TargetKind string

// The kinds of target.
const (
	TargetDomain TargetKind = "domain" // a host name such as example.org; covers its subdomains for the engine
	TargetURL    TargetKind = "url"    // an absolute http or https URL (a page or a prefix)
	TargetWork   TargetKind = "work"   // a work named by title, identifier (ISBN, ISRC, DOI…) or description
)

// NormalizeTarget checks t and returns it in canonical form: domains in
// lower case without a trailing dot, URLs absolute http(s) with a lower-case
// scheme and host, works trimmed. It returns an EINVALID *Error if t is
// malformed.
func NormalizeTarget(t Target) (Target, error) {
	v := strings.TrimSpace(t.Value)
	switch t.Kind {
	case TargetDomain:
		v = strings.TrimSuffix(strings.ToLower(v), ".")
		if v == "" || len(v) > 253 || strings.ContainsAny(v, "/:@ \t?#") || !strings.Contains(v, ".") {
			return t, Errorf(EINVALID, "domain %q is not a host name such as example.org", t.Value)
		}
	case TargetURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > 2048 {
			return t, Errorf(EINVALID, "URL %q is not an absolute http or https URL", t.Value)
		}
		u.Scheme = strings.ToLower(u.Scheme)
		u.Host = strings.ToLower(u.Host)
		v = u.String()
	case TargetWork:
		if v == "" || utf8.RuneCountInString(v) > 500 {
			return t, Errorf(EINVALID, "a work needs a title or identifier of at most 500 characters")
		}
	default:
		return t, Errorf(EINVALID, "unknown target kind %q: use domain, url or work", t.Kind)
	}
	return Target{Kind: t.Kind, Value: v}, nil
}

// A CaseEvent is one entry of a case's history.
type CaseEvent struct {
	ID     int64         `json:"id"`
	CaseID int64         `json:"caseId"`
	Type   CaseEventType `json:"type"`
	Actor  string        `json:"actor"`
	Time   time.Time     `json:"time"`
	// From and To are the statuses of a status change.
	From CaseStatus `json:"from,omitempty"`
	To   CaseStatus `json:"to,omitempty"`
	// Text is the note, the reply sent, or the reason of a status change.
	Text string `json:"text,omitempty"`
}

// CaseEventType says what a CaseEvent records.
type CaseEventType string

// The types of case event.
const (
	CaseEventCreated CaseEventType = "created" // the case was received
	CaseEventStatus  CaseEventType = "status"  // the status changed
	CaseEventNote    CaseEventType = "note"    // an internal note, never shown to the submitter
	CaseEventReply   CaseEventType = "reply"   // a reply sent to the submitter, recorded
	CaseEventEdit    CaseEventType = "edit"    // staff corrected the model or targets
)

// CasePolicy holds the target response times for cases whose deadline the
// law does not fix. DueDate uses it.
type CasePolicy struct {
	// ComplaintTarget, ReservationTarget and InformationTarget are the
	// provider's own targets for acting on complaints, reservations and
	// information requests. The Copyright chapter asks only for action
	// "within a reasonable time" (Measure 1.5), so these are internal
	// commitments, not legal deadlines.
	ComplaintTarget   time.Duration
	ReservationTarget time.Duration
	InformationTarget time.Duration
}

// DownstreamPeriod is the time within which a downstream provider's request
// must be answered: "no later than 14 days" of receipt (Transparency
// chapter, Measure 1.2).
const DownstreamPeriod = 14 * 24 * time.Hour

// DefaultCasePolicy returns 30 days for complaints, reservations and
// information requests: long enough to investigate a complaint, short
// enough to be called reasonable. Providers may shorten it.
func DefaultCasePolicy() CasePolicy {
	const month = 30 * 24 * time.Hour
	return CasePolicy{ComplaintTarget: month, ReservationTarget: month, InformationTarget: month}
}

// DueDate returns when a case of the given kind, received at received, is
// due: received plus 14 days for a downstream provider's request; the
// deadline the request names for an authority request (received itself if
// none is given, so that it shows as urgent); and received plus the
// policy's target for the other kinds. A zero target falls back to
// DefaultCasePolicy.
func DueDate(kind CaseKind, received time.Time, deadline *time.Time, p CasePolicy) time.Time {
	d := DefaultCasePolicy()
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	switch kind {
	case CaseDownstream:
		return received.Add(DownstreamPeriod)
	case CaseAuthority:
		if deadline != nil {
			return *deadline
		}
		return received
	case CaseComplaint:
		return received.Add(pick(p.ComplaintTarget, d.ComplaintTarget))
	case CaseReservation:
		return received.Add(pick(p.ReservationTarget, d.ReservationTarget))
	default:
		return received.Add(pick(p.InformationTarget, d.InformationTarget))
	}
}

// Limits on the text of a case, checked by ValidateCase.
const (
	MaxSubjectLen = 200
	MaxTextLen    = 20000
	MaxTargets    = 200
	maxFieldLen   = 500
)

// ValidateCase checks and normalises a case before it is created: the
// kind, the submitter's e-mail address, the subject and text, the targets
// (normalised in place) and, for authority requests, the legal basis,
// purpose and deadline. It returns an EINVALID *Error naming the first
// problem.
func ValidateCase(c *Case) error {
	if !c.Kind.Valid() {
		return Errorf(EINVALID, "unknown case kind %q", c.Kind)
	}
	c.Submitter.Email = strings.TrimSpace(c.Submitter.Email)
	if a, err := mail.ParseAddress(c.Submitter.Email); err != nil || a.Address != c.Submitter.Email {
		return Errorf(EINVALID, "a valid e-mail address is required so that we can answer")
	}
	for _, f := range []struct{ name, v string }{
		{"name", c.Submitter.Name}, {"organisation", c.Submitter.Organisation},
		{"on behalf of", c.Submitter.OnBehalfOf}, {"model", c.Model},
		{"legal basis", c.LegalBasis}, {"purpose", c.Purpose},
	} {
		if utf8.RuneCountInString(f.v) > maxFieldLen {
			return Errorf(EINVALID, "%s is longer than %d characters", f.name, maxFieldLen)
		}
	}
	c.Subject = strings.TrimSpace(c.Subject)
	if c.Subject == "" || utf8.RuneCountInString(c.Subject) > MaxSubjectLen {
		return Errorf(EINVALID, "a subject of 1 to %d characters is required", MaxSubjectLen)
	}
	if strings.TrimSpace(c.Text) == "" || utf8.RuneCountInString(c.Text) > MaxTextLen {
		return Errorf(EINVALID, "a text of 1 to %d characters is required", MaxTextLen)
	}
	if len(c.Targets) > MaxTargets {
		return Errorf(EINVALID, "at most %d works, URLs or domains per request", MaxTargets)
	}
	for i, t := range c.Targets {
		n, err := NormalizeTarget(t)
		if err != nil {
			return err
		}
		c.Targets[i] = n
	}
	if c.Kind == CaseReservation && len(c.Targets) == 0 {
		return Errorf(EINVALID, "a rights reservation must name at least one work, URL or domain")
	}
	if c.Kind == CaseAuthority {
		if strings.TrimSpace(c.LegalBasis) == "" || strings.TrimSpace(c.Purpose) == "" {
			return Errorf(EINVALID, "an authority request must state its legal basis and purpose")
		}
		if c.Deadline == nil || c.Deadline.IsZero() {
			return Errorf(EINVALID, "an authority request must give the period it sets")
		}
	}
	return nil
}

// ReferenceAlphabet holds the 29 symbols of case references: digits and
// upper-case letters without 0, 1, I, L, O, U and Z, which people confuse
// when they read a reference aloud or copy it by hand. 29 is prime, so the
// check symbol catches every single substitution and every swap of two
// adjacent symbols.
const ReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXY"

// ReferenceLen is the length of a reference: nine random symbols (about 43
// bits, so references cannot be guessed) and a check symbol.
const ReferenceLen = 10

// NewReference returns a random case reference from crypto/rand.
func NewReference() string {
	var b [ReferenceLen]byte
	// rand.Text-like sampling without bias: reject bytes ≥ 29*8.
	var buf [1]byte
	for i := 0; i < ReferenceLen-1; {
		rand.Read(buf[:])
		if buf[0] >= 29*8 {
			continue
		}
		b[i] = ReferenceAlphabet[buf[0]%29]
		i++
	}
	b[ReferenceLen-1] = ReferenceAlphabet[referenceCheck(string(b[:ReferenceLen-1]))]
	return string(b[:])
}

// referenceCheck returns the index of the check symbol of s's symbols:
// the sum of each symbol's value times its position (from 1), modulo 29.
func referenceCheck(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += (i + 1) * strings.IndexByte(ReferenceAlphabet, s[i])
	}
	return sum % 29
}

// ParseReference normalises a reference as people type it: it drops
// spaces and dashes and upper-cases letters. It returns an EINVALID *Error
// if the result is not a well-formed reference with a correct check symbol.
func ParseReference(s string) (string, error) {
	r := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(r) != ReferenceLen {
		return "", Errorf(EINVALID, "a reference has %d characters", ReferenceLen)
	}
	for i := 0; i < len(r); i++ {
		if strings.IndexByte(ReferenceAlphabet, r[i]) < 0 {
			return "", Errorf(EINVALID, "reference %q contains %q, which references never use", s, r[i])
		}
	}
	if ReferenceAlphabet[referenceCheck(r[:ReferenceLen-1])] != r[ReferenceLen-1] {
		return "", Errorf(EINVALID, "reference %q is mistyped: its check character does not match", s)
	}
	return r, nil
}

// CaseFilter selects cases for FindCases. Nil fields select everything.
// Results come in inbox order: open cases first, by due date (so overdue
// cases lead), then closed cases, most recently closed first.
type CaseFilter struct {
	ID        *int64
	Reference *string
	Kind      *CaseKind
	Status    *CaseStatus
	// Open selects cases that are not (true) or are (false) final.
	Open *bool
	// Overdue selects open cases past their due date at the service's
	// current time (true), or all others (false).
	Overdue *bool
	// Email selects cases by the submitter's e-mail address.
	Email *string

	Offset int
	Limit  int // 0 means no limit
}

// CaseUpdate changes a case. Each non-nil field is applied and recorded as
// an event, in one transaction.
type CaseUpdate struct {
	Status *CaseStatus
	// Reason goes with Status: required for rejected and manifestly
	// unfounded, optional otherwise.
	Reason *string
	// Note records an internal note; Reply records the text of a reply
	// sent to the submitter.
	Note  *string
	Reply *string
	// Model and Targets correct what the case concerns.
	Model   *string
	Targets *[]Target
}

// CaseService stores cases and their history. Every method that changes a
// case records a CaseEvent and appends an AuditEvent in the same
// transaction, and takes the acting person or machine for both.
type CaseService interface {
	// FindCaseByID returns the case with its events, or ENOTFOUND.
	FindCaseByID(ctx context.Context, id int64) (*Case, error)

	// FindCaseByReference returns the case with its events, or ENOTFOUND.
	// The reference is normalised with ParseReference first; a malformed
	// one is ENOTFOUND too, so that callers need not tell the two apart.
	FindCaseByReference(ctx context.Context, ref string) (*Case, error)

	// FindCases returns the cases that match the filter, in inbox order,
	// without events, and the number of matches ignoring Offset and Limit.
	FindCases(ctx context.Context, filter CaseFilter) ([]*Case, int, error)

	// CreateCase validates c with ValidateCase, sets its ID, Reference,
	// Status (received), ReceivedAt, DueAt and UpdatedAt, and stores it with
	// a "created" event. When it returns nil the case is durably stored.
	// Returns EINVALID.
	CreateCase(ctx context.Context, actor Actor, c *Case) error

	// UpdateCase applies upd and returns the updated case with its events.
	// Returns ENOTFOUND, EINVALID (a forbidden transition, a missing
	// reason, an empty note or reply, bad targets) and EUNAUTHORIZED (a
	// reopening by anyone but an admin).
	UpdateCase(ctx context.Context, actor Actor, id int64, upd CaseUpdate) (*Case, error)

	// DeleteCase removes a case and its events, for erasure requests; the
	// audit log keeps that it happened. Returns ENOTFOUND, and ECONFLICT
	// if an accepted reservation still cites the case.
	DeleteCase(ctx context.Context, actor Actor, id int64) error
}

// FormatReference returns the reference grouped for reading aloud, "ABCDE-FGHJK".
func FormatReference(ref string) string {
	if len(ref) != ReferenceLen {
		return ref
	}
	return fmt.Sprintf("%s-%s", ref[:5], ref[5:])
}

// Apply applies upd to c as actor at now, and returns the events to record,
// in order: a status change (with its reason), an edit, a note, a reply.
// It validates everything before changing anything, so on error c is
// unchanged. Adapters call it inside their transaction and store c and the
// events. It returns the errors UpdateCase documents.
func (c *Case) Apply(upd CaseUpdate, actor Actor, now time.Time) ([]*CaseEvent, error) {
	ev := func(t CaseEventType, text string) *CaseEvent {
		return &CaseEvent{CaseID: c.ID, Type: t, Actor: actor.String(), Time: now, Text: text}
	}
	var events []*CaseEvent
	next := *c
	if upd.Reason != nil && upd.Status == nil {
		return nil, Errorf(EINVALID, "a reason goes with a status change")
	}
	if upd.Status != nil {
		to := *upd.Status
		if err := CheckTransition(c.Status, to, actor.Role); err != nil {
			return nil, err
		}
		reason := ""
		if upd.Reason != nil {
			reason = strings.TrimSpace(*upd.Reason)
		}
		if to.NeedsReason() && reason == "" {
			return nil, Errorf(EINVALID, "a case that is %s needs a reason", to)
		}
		if utf8.RuneCountInString(reason) > MaxTextLen {
			return nil, Errorf(EINVALID, "reason is longer than %d characters", MaxTextLen)
		}
		e := ev(CaseEventStatus, reason)
		e.From, e.To = c.Status, to
		events = append(events, e)
		next.Status, next.Reason = to, reason
		next.ClosedAt = nil
		if to.Final() {
			t := now
			next.ClosedAt = &t
		}
	}
	if upd.Model != nil || upd.Targets != nil {
		var what []string
		if upd.Model != nil {
			m := strings.TrimSpace(*upd.Model)
			if utf8.RuneCountInString(m) > maxFieldLen {
				return nil, Errorf(EINVALID, "model is longer than %d characters", maxFieldLen)
			}
			next.Model = m
			what = append(what, fmt.Sprintf("model %q", m))
		}
		if upd.Targets != nil {
			if len(*upd.Targets) > MaxTargets {
				return nil, Errorf(EINVALID, "at most %d works, URLs or domains per request", MaxTargets)
			}
			ts := make([]Target, len(*upd.Targets))
			for i, t := range *upd.Targets {
				n, err := NormalizeTarget(t)
				if err != nil {
					return nil, err
				}
				ts[i] = n
			}
			next.Targets = ts
			what = append(what, fmt.Sprintf("%d targets", len(ts)))
		}
		events = append(events, ev(CaseEventEdit, "set "+strings.Join(what, ", ")))
	}
	for _, f := range []struct {
		t CaseEventType
		v *string
	}{{CaseEventNote, upd.Note}, {CaseEventReply, upd.Reply}} {
		if f.v == nil {
			continue
		}
		if strings.TrimSpace(*f.v) == "" || utf8.RuneCountInString(*f.v) > MaxTextLen {
			return nil, Errorf(EINVALID, "a %s needs 1 to %d characters", f.t, MaxTextLen)
		}
		events = append(events, ev(f.t, *f.v))
	}
	if len(events) == 0 {
		return nil, Errorf(EINVALID, "nothing to update")
	}
	next.UpdatedAt = now
	*c = next
	return events, nil
}
