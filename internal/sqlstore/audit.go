package sqlstore

import (
	"context"
	"fmt"

	"github.com/gpai-project/gpai"
)

var _ gpai.AuditService = (*AuditService)(nil)

// AuditService reads and appends to the audit log in the database.
type AuditService struct{ db *DB }

// NewAuditService returns an AuditService on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// FindAuditEvents returns matching events in sequence order and the total.
func (s *AuditService) FindAuditEvents(ctx context.Context, f gpai.AuditFilter) ([]*gpai.AuditEvent, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.Actor != nil {
		w.add("actor = ?", *f.Actor)
	}
	if f.Action != nil {
		w.add("action = ?", *f.Action)
	}
	if f.Object != nil {
		w.add("object = ?", *f.Object)
	}
	if f.AfterSeq > 0 {
		w.add("seq > ?", f.AfterSeq)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`+w.String(), w.args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	events, err := queryAudit(ctx, tx, w.String()+` ORDER BY seq`+tx.limit(f.Limit, f.Offset), w.args...)
	return events, n, err
}

func queryAudit(ctx context.Context, tx *Tx, tail string, args ...any) ([]*gpai.AuditEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_events`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit events: %w", err)
	}
	defer rows.Close()
	events := []*gpai.AuditEvent{}
	for rows.Next() {
		var e gpai.AuditEvent
		if err := rows.Scan(&e.Seq, timeCol{&e.Time}, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("read audit events: %w", err)
		}
		events = append(events, &e)
	}
	return events, rows.Err()
}

// AppendAuditEvent appends an event for an action that changes no state.
func (s *AuditService) AppendAuditEvent(ctx context.Context, actor gpai.Actor, action, object, detail string) (*gpai.AuditEvent, error) {
	if action == "" {
		return nil, gpai.Errorf(gpai.EINVALID, "an audit event needs an action")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := tx.audit(ctx, actor, action, object, detail)
	if err != nil {
		return nil, err
	}
	return e, tx.Commit()
}

// VerifyAudit checks the whole chain.
func (s *AuditService) VerifyAudit(ctx context.Context) (*gpai.AuditReport, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	events, err := queryAudit(ctx, tx, ` ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	return gpai.VerifyAuditChain(events), nil
}
