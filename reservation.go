package gpai

import (
	"context"
	"time"
	"unicode/utf8"
)

// A Reservation is a rights reservation that an officer accepted: a
// domain, URL or work whose content must not be used for training from
// then on (DSM Directive Art 4(3); Copyright Measure 1.3). Accepted
// reservations form the registry the rights-reservation engine reads, so
// that a crawler obeys them as it obeys robots.txt.
type Reservation struct {
	ID int64 `json:"id"`
	Target
	// CaseID is the case the reservation came from.
	CaseID     int64     `json:"caseId"`
	Note       string    `json:"note,omitempty"`
	AcceptedBy string    `json:"acceptedBy"`
	AcceptedAt time.Time `json:"acceptedAt"`
}

// ValidateReservation normalises the target with NormalizeTarget and
// checks the rest, returning an EINVALID *Error.
func ValidateReservation(r *Reservation) error {
	t, err := NormalizeTarget(r.Target)
	if err != nil {
		return err
	}
	r.Target = t
	if r.CaseID <= 0 {
		return Errorf(EINVALID, "a reservation must cite the case it came from")
	}
	if utf8.RuneCountInString(r.Note) > MaxTextLen {
		return Errorf(EINVALID, "note is longer than %d characters", MaxTextLen)
	}
	return nil
}

// ReservationFilter selects reservations for FindReservations.
type ReservationFilter struct {
	ID     *int64
	Kind   *TargetKind
	Value  *string
	CaseID *int64

	Offset int
	Limit  int
}

// ReservationService stores the registry of accepted reservations.
type ReservationService interface {
	// FindReservationByID returns a reservation or ENOTFOUND.
	FindReservationByID(ctx context.Context, id int64) (*Reservation, error)

	// FindReservations returns matching reservations, oldest first, and
	// the total.
	FindReservations(ctx context.Context, filter ReservationFilter) ([]*Reservation, int, error)

	// CreateReservation accepts a reservation: it validates r, sets ID,
	// AcceptedBy and AcceptedAt, stores it and records a note on the case.
	// Returns EINVALID, ENOTFOUND (no such case) and ECONFLICT (the same
	// target is already reserved).
	CreateReservation(ctx context.Context, actor Actor, r *Reservation) error

	// DeleteReservation withdraws a reservation, e.g. when the rights
	// holder lifts it. Returns ENOTFOUND.
	DeleteReservation(ctx context.Context, actor Actor, id int64) error
}
