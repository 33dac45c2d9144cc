package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gpai-project/gpai"
)

var _ gpai.CaseService = (*CaseService)(nil)

// CaseService stores cases in the database.
type CaseService struct {
	db *DB
	// Policy sets the due dates of cases without a legal deadline.
	Policy gpai.CasePolicy
}

// NewCaseService returns a CaseService on db with DefaultCasePolicy.
func NewCaseService(db *DB) *CaseService {
	return &CaseService{db: db, Policy: gpai.DefaultCasePolicy()}
}

const caseColumns = `id, reference, kind, status, reason, submitter_name, submitter_email, submitter_org, submitter_on_behalf,
	subject, body, targets, model, legal_basis, purpose, deadline, received_at, due_at, updated_at, closed_at`

func scanCase(s interface{ Scan(...any) error }) (*gpai.Case, error) {
	var c gpai.Case
	var targets string
	err := s.Scan(&c.ID, &c.Reference, &c.Kind, &c.Status, &c.Reason, &c.Submitter.Name, &c.Submitter.Email,
		&c.Submitter.Organisation, &c.Submitter.OnBehalfOf, &c.Subject, &c.Text, &targets, &c.Model,
		&c.LegalBasis, &c.Purpose, nullTimeCol{&c.Deadline}, timeCol{&c.ReceivedAt}, timeCol{&c.DueAt},
		timeCol{&c.UpdatedAt}, nullTimeCol{&c.ClosedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(targets), &c.Targets); err != nil {
		return nil, fmt.Errorf("case %d targets: %w", c.ID, err)
	}
	return &c, nil
}

func marshalTargets(ts []gpai.Target) string {
	if ts == nil {
		ts = []gpai.Target{}
	}
	b, _ := json.Marshal(ts)
	return string(b)
}

// FindCaseByID returns a case with its events.
func (s *CaseService) FindCaseByID(ctx context.Context, id int64) (*gpai.Case, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findCase(ctx, tx, "id = ?", id)
}

// FindCaseByReference returns a case with its events by public reference.
func (s *CaseService) FindCaseByReference(ctx context.Context, ref string) (*gpai.Case, error) {
	r, err := gpai.ParseReference(ref)
	if err != nil {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "no case has reference %q", ref)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findCase(ctx, tx, "reference = ?", r)
}

func findCase(ctx context.Context, tx *Tx, cond string, arg any) (*gpai.Case, error) {
	c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+cond+tx.lock(), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "case %v not found", arg)
	} else if err != nil {
		return nil, fmt.Errorf("find case %v: %w", arg, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, case_id, type, actor, at, from_status, to_status, text FROM case_events WHERE case_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("find case %d events: %w", c.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e gpai.CaseEvent
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Type, &e.Actor, timeCol{&e.Time}, &e.From, &e.To, &e.Text); err != nil {
			return nil, fmt.Errorf("find case %d events: %w", c.ID, err)
		}
		c.Events = append(c.Events, &e)
	}
	return c, rows.Err()
}

// FindCases returns matching cases in inbox order and the total.
func (s *CaseService) FindCases(ctx context.Context, f gpai.CaseFilter) ([]*gpai.Case, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Reference != nil {
		r, err := gpai.ParseReference(*f.Reference)
		if err != nil {
			return []*gpai.Case{}, 0, nil
		}
		w.add("reference = ?", r)
	}
	if f.Kind != nil {
		w.add("kind = ?", *f.Kind)
	}
	if f.Status != nil {
		w.add("status = ?", *f.Status)
	}
	if f.Open != nil {
		if *f.Open {
			w.add("closed_at IS NULL")
		} else {
			w.add("closed_at IS NOT NULL")
		}
	}
	if f.Overdue != nil {
		if *f.Overdue {
			w.add("(closed_at IS NULL AND due_at < ?)", tx.time(tx.now))
		} else {
			w.add("NOT (closed_at IS NULL AND due_at < ?)", tx.time(tx.now))
		}
	}
	if f.Email != nil {
		w.add("submitter_email = ?", *f.Email)
	}
	return findPage(ctx, tx, "cases", "cases", caseColumns, &w, `(closed_at IS NOT NULL), CASE WHEN closed_at IS NULL THEN due_at END, closed_at DESC, id`, f.Limit, f.Offset, scanCase)
}

// CreateCase validates and stores a new case with its "created" event.
func (s *CaseService) CreateCase(ctx context.Context, actor gpai.Actor, c *gpai.Case) error {
	if err := gpai.ValidateCase(c); err != nil {
		return err
	}
	// A reference collision (one in about 10^13 per pair) is retried with
	// a fresh reference.
	for attempt := 0; ; attempt++ {
		err := s.createCase(ctx, actor, c)
		if err == nil || !s.db.Dialect.IsUnique(err) || attempt == 3 {
			return err
		}
	}
}

func (s *CaseService) createCase(ctx context.Context, actor gpai.Actor, c *gpai.Case) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	next := *c
	next.Reference = gpai.NewReference()
	next.Status = gpai.CaseReceived
	next.Reason = ""
	next.ReceivedAt, next.UpdatedAt, next.ClosedAt = tx.now, tx.now, nil
	if next.Deadline != nil {
		d := next.Deadline.UTC().Truncate(gpai.AuditTimePrecision)
		next.Deadline = &d
	}
	if next.Kind != gpai.CaseAuthority {
		next.Deadline = nil
	}
	next.DueAt = gpai.DueDate(next.Kind, next.ReceivedAt, next.Deadline, s.Policy).UTC().Truncate(gpai.AuditTimePrecision)
	id, err := tx.insert(ctx, `INSERT INTO cases (reference, kind, status, reason, submitter_name, submitter_email, submitter_org,
		submitter_on_behalf, subject, body, targets, model, legal_basis, purpose, deadline, received_at, due_at, updated_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
		next.Reference, next.Kind, next.Status, next.Reason, next.Submitter.Name, next.Submitter.Email, next.Submitter.Organisation,
		next.Submitter.OnBehalfOf, next.Subject, next.Text, marshalTargets(next.Targets), next.Model, next.LegalBasis, next.Purpose,
		tx.timePtr(next.Deadline), tx.time(next.ReceivedAt), tx.time(next.DueAt), tx.time(next.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	next.ID = id
	ev := &gpai.CaseEvent{CaseID: next.ID, Type: gpai.CaseEventCreated, Actor: actor.String(), Time: tx.now, To: gpai.CaseReceived}
	if err := insertCaseEvents(ctx, tx, []*gpai.CaseEvent{ev}); err != nil {
		return err
	}
	if _, err := tx.audit(ctx, actor, "case.create", fmt.Sprintf("case:%d", next.ID),
		fmt.Sprintf("%s %s due %s", next.Reference, next.Kind, tx.time(next.DueAt))); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create case: commit: %w", err)
	}
	next.Events = []*gpai.CaseEvent{ev}
	*c = next
	return nil
}

func insertCaseEvents(ctx context.Context, tx *Tx, events []*gpai.CaseEvent) error {
	for _, e := range events {
		id, err := tx.insert(ctx, `INSERT INTO case_events (case_id, type, actor, at, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.CaseID, e.Type, e.Actor, tx.time(e.Time), e.From, e.To, e.Text)
		if err != nil {
			return fmt.Errorf("record case event: %w", err)
		}
		e.ID = id
	}
	return nil
}

// UpdateCase applies upd with gpai.(*Case).Apply and stores the result.
func (s *CaseService) UpdateCase(ctx context.Context, actor gpai.Actor, id int64, upd gpai.CaseUpdate) (*gpai.Case, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := findCase(ctx, tx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	events, err := c.Apply(upd, actor, tx.now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, reason = ?, model = ?, targets = ?, updated_at = ?, closed_at = ? WHERE id = ?`,
		c.Status, c.Reason, c.Model, marshalTargets(c.Targets), tx.time(c.UpdatedAt), tx.timePtr(c.ClosedAt), id); err != nil {
		return nil, fmt.Errorf("update case %d: %w", id, err)
	}
	if err := insertCaseEvents(ctx, tx, events); err != nil {
		return nil, err
	}
	for _, e := range events {
		detail := e.Text
		if e.Type == gpai.CaseEventStatus {
			detail = fmt.Sprintf("%s -> %s: %s", e.From, e.To, e.Text)
		}
		if _, err := tx.audit(ctx, actor, "case."+string(e.Type), fmt.Sprintf("case:%d", id), detail); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update case %d: commit: %w", id, err)
	}
	c.Events = append(c.Events, events...)
	return c, nil
}

// DeleteCase removes a case and its events.
func (s *CaseService) DeleteCase(ctx context.Context, actor gpai.Actor, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var ref string
	if err := tx.QueryRowContext(ctx, `SELECT reference FROM cases WHERE id = ?`, id).Scan(&ref); errors.Is(err, sql.ErrNoRows) {
		return gpai.Errorf(gpai.ENOTFOUND, "case %d not found", id)
	} else if err != nil {
		return fmt.Errorf("delete case %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cases WHERE id = ?`, id); tx.isForeignKey(err) {
		return gpai.Errorf(gpai.ECONFLICT, "case %s is cited by an accepted reservation; withdraw it first", ref)
	} else if err != nil {
		return fmt.Errorf("delete case %d: %w", id, err)
	}
	if _, err := tx.audit(ctx, actor, "case.delete", fmt.Sprintf("case:%d", id), ref); err != nil {
		return err
	}
	return tx.Commit()
}
