// Package sqlstore implements gpai's server services once, over
// database/sql, for the SQLite and PostgreSQL stores: the two differ only
// in a Dialect (placeholders, how an insert returns its id, row locks,
// how the audit log is serialised, how times are stored, which errors mean
// a constraint was violated), which packages sqlite and postgres supply.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// A Dialect is what one database engine does its own way.
type Dialect struct {
	// Rebind rewrites "?" placeholders to $1, $2, … (PostgreSQL).
	Rebind bool
	// Returning makes an insert return its id with RETURNING id rather
	// than through LastInsertId.
	Returning bool
	// Lock is appended to a SELECT in a write transaction to lock the rows
	// read, e.g. " FOR UPDATE"; "" where the transaction already holds the
	// database's write lock.
	Lock string
	// AuditLock, when set, runs before an audit event is appended, to
	// serialise appends (a transaction-scoped advisory lock).
	AuditLock string
	// ReadOptions are the options of read-only transactions.
	ReadOptions *sql.TxOptions
	// Time converts a time to the value stored.
	Time func(time.Time) any
	// IsUnique and IsForeignKey recognise constraint violations.
	IsUnique, IsForeignKey func(error) bool
	// Limit returns a LIMIT/OFFSET clause, "" for none.
	Limit func(limit, offset int) string
}

// DB is an open database: a pool that writes, a pool that reads (they may
// be the same), the dialect and the clock.
type DB struct {
	Write, Read *sql.DB
	Dialect     Dialect
	Now         func() time.Time
}

// now returns the current time at the precision stored.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(gpai.AuditTimePrecision) }

// Tx is a transaction with the time it started, which every row it writes
// carries. Its queries take "?" placeholders.
type Tx struct {
	tx    *sql.Tx
	d     *Dialect
	now   time.Time
	write bool
}

func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{tx: tx, d: &db.Dialect, now: db.now(), write: true}, nil
}

func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	tx, err := db.Read.BeginTx(ctx, db.Dialect.ReadOptions)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{tx: tx, d: &db.Dialect, now: db.now()}, nil
}

// Commit commits the transaction.
func (tx *Tx) Commit() error { return tx.tx.Commit() }

// Rollback aborts the transaction; after Commit it does nothing.
func (tx *Tx) Rollback() error { return tx.tx.Rollback() }

// ExecContext runs a statement.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.bind(q), args...)
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.bind(q), args...)
}

// QueryRowContext runs a query for one row.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.bind(q), args...)
}

// insert runs an INSERT and returns the new row's id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	if tx.d.Returning {
		var id int64
		err := tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// lock returns the row-locking suffix in a write transaction.
func (tx *Tx) lock() string {
	if tx.write {
		return tx.d.Lock
	}
	return ""
}

func (tx *Tx) bind(q string) string {
	if !tx.d.Rebind || !strings.Contains(q, "?") {
		return q
	}
	// gpai's queries hold no literal question marks.
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (tx *Tx) time(t time.Time) any { return tx.d.Time(t.UTC()) }

func (tx *Tx) timePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return tx.time(*t)
}

func (tx *Tx) isUnique(err error) bool     { return err != nil && tx.d.IsUnique(err) }
func (tx *Tx) isForeignKey(err error) bool { return err != nil && tx.d.IsForeignKey(err) }
func (tx *Tx) limit(limit, offset int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	return tx.d.Limit(limit, offset)
}

// audit appends a sealed event to the chain. Appends are serialised by
// the dialect's AuditLock, or by the write lock the transaction holds.
func (tx *Tx) audit(ctx context.Context, actor gpai.Actor, action, object, detail string) (*gpai.AuditEvent, error) {
	if tx.d.AuditLock != "" {
		if _, err := tx.ExecContext(ctx, tx.d.AuditLock); err != nil {
			return nil, fmt.Errorf("lock audit log: %w", err)
		}
	}
	var prev *gpai.AuditEvent
	var seq int64
	var hash string
	switch err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash); {
	case err == nil:
		prev = &gpai.AuditEvent{Seq: seq, Hash: hash}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	e := &gpai.AuditEvent{Time: tx.now, Actor: actor.String(), Action: action, Object: object, Detail: detail}
	e.Seal(prev)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (seq, at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, tx.time(e.Time), e.Actor, e.Action, e.Object, e.Detail, e.PrevHash, e.Hash); err != nil {
		return nil, fmt.Errorf("append audit event: %w", err)
	}
	return e, nil
}

// TimeLayout is the fixed-width text form of times where a database stores
// them as text, so that they sort as they compare.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// timeCol scans a time column stored as a time or as TimeLayout text.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*c.t = v.UTC()
		return nil
	case string:
		t, err := time.Parse(TimeLayout, v)
		*c.t = t
		return err
	case []byte:
		t, err := time.Parse(TimeLayout, string(v))
		*c.t = t
		return err
	}
	return fmt.Errorf("time column holds %T", v)
}

// nullTimeCol scans a nullable time column.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(v any) error {
	if v == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(v); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// findPage returns the rows of table that w selects, in order, from
// offset and at most limit of them (0 for all), each read with scan, and
// the number of all the rows w selects. what names the rows in errors.
func findPage[T any](ctx context.Context, tx *Tx, what, table, columns string, w *where, order string, limit, offset int,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+w.String(), w.args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count %s: %w", what, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+columns+` FROM `+table+w.String()+` ORDER BY `+order+tx.limit(limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find %s: %w", what, err)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find %s: %w", what, err)
		}
		list = append(list, v)
	}
	return list, n, rows.Err()
}

// where builds a WHERE clause from conditions.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
