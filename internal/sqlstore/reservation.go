package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gpai-project/gpai"
)

var _ gpai.ReservationService = (*ReservationService)(nil)

// ReservationService stores accepted reservations in the database.
type ReservationService struct{ db *DB }

// NewReservationService returns a ReservationService on db.
func NewReservationService(db *DB) *ReservationService { return &ReservationService{db: db} }

const reservationColumns = `id, kind, value, case_id, note, accepted_by, accepted_at`

func scanReservation(s interface{ Scan(...any) error }) (*gpai.Reservation, error) {
	var r gpai.Reservation
	err := s.Scan(&r.ID, &r.Kind, &r.Value, &r.CaseID, &r.Note, &r.AcceptedBy, timeCol{&r.AcceptedAt})
	return &r, err
}

// FindReservationByID returns a reservation.
func (s *ReservationService) FindReservationByID(ctx context.Context, id int64) (*gpai.Reservation, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "reservation %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("find reservation %d: %w", id, err)
	}
	return r, nil
}

// FindReservations returns matching reservations, oldest first, and the total.
func (s *ReservationService) FindReservations(ctx context.Context, f gpai.ReservationFilter) ([]*gpai.Reservation, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Kind != nil {
		w.add("kind = ?", *f.Kind)
	}
	if f.Value != nil {
		w.add("value = ?", *f.Value)
	}
	if f.CaseID != nil {
		w.add("case_id = ?", *f.CaseID)
	}
	return findPage(ctx, tx, "reservations", "reservations", reservationColumns, &w, `id`, f.Limit, f.Offset, scanReservation)
}

// CreateReservation accepts a reservation and notes it on its case.
func (s *ReservationService) CreateReservation(ctx context.Context, actor gpai.Actor, r *gpai.Reservation) error {
	next := *r
	if err := gpai.ValidateReservation(&next); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var ref string
	if err := tx.QueryRowContext(ctx, `SELECT reference FROM cases WHERE id = ?`, next.CaseID).Scan(&ref); errors.Is(err, sql.ErrNoRows) {
		return gpai.Errorf(gpai.ENOTFOUND, "case %d not found", next.CaseID)
	} else if err != nil {
		return fmt.Errorf("create reservation: %w", err)
	}
	next.AcceptedBy, next.AcceptedAt = actor.String(), tx.now
	id, err := tx.insert(ctx, `INSERT INTO reservations (kind, value, case_id, note, accepted_by, accepted_at) VALUES (?, ?, ?, ?, ?, ?)`,
		next.Kind, next.Value, next.CaseID, next.Note, next.AcceptedBy, tx.time(next.AcceptedAt))
	if tx.isUnique(err) {
		return gpai.Errorf(gpai.ECONFLICT, "%s %s is already reserved", next.Kind, next.Value)
	} else if err != nil {
		return fmt.Errorf("create reservation: %w", err)
	}
	next.ID = id
	note := fmt.Sprintf("reservation %d accepted: %s %s", next.ID, next.Kind, next.Value)
	ev := &gpai.CaseEvent{CaseID: next.CaseID, Type: gpai.CaseEventNote, Actor: actor.String(), Time: tx.now, Text: note}
	if err := insertCaseEvents(ctx, tx, []*gpai.CaseEvent{ev}); err != nil {
		return err
	}
	if _, err := tx.audit(ctx, actor, "reservation.create", fmt.Sprintf("reservation:%d", next.ID),
		fmt.Sprintf("%s %s from case %s", next.Kind, next.Value, ref)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create reservation: commit: %w", err)
	}
	*r = next
	return nil
}

// DeleteReservation withdraws a reservation.
func (s *ReservationService) DeleteReservation(ctx context.Context, actor gpai.Actor, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationColumns+` FROM reservations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return gpai.Errorf(gpai.ENOTFOUND, "reservation %d not found", id)
	} else if err != nil {
		return fmt.Errorf("delete reservation %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM reservations WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete reservation %d: %w", id, err)
	}
	if _, err := tx.audit(ctx, actor, "reservation.delete", fmt.Sprintf("reservation:%d", id), fmt.Sprintf("%s %s", r.Kind, r.Value)); err != nil {
		return err
	}
	return tx.Commit()
}
