// Package postgres implements the gpai services on PostgreSQL through
// pgx (github.com/jackc/pgx/v5), for deployments that run several server
// instances against one database.
//
// The schema and its semantics match package sqlite: embedded migrations
// applied in order and recorded in a migrations table (under an advisory
// lock, so that instances starting together do not race), one transaction
// per service method, and every state change appending its audit event in
// that transaction. Appends to the audit chain are serialised by a
// transaction-scoped advisory lock, so the chain's order is commit order.
// Durability is PostgreSQL's: a commit returns after the WAL is flushed
// (synchronous_commit=on, which Open checks, leaving the server's fsync
// settings to its administrator).
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Advisory lock keys: arbitrary constants that identify gpai's locks.
const (
	migrateLock = 0x67706169_0001
	auditLock   = 0x67706169_0002
)

// DB is a PostgreSQL database holding gpai's server state.
type DB struct {
	// DSN is a libpq connection string or URL.
	DSN string
	// MaxConns bounds the connection pool (default 10).
	MaxConns int
	// Now returns the current time; tests replace it.
	Now func() time.Time

	db *sql.DB
}

// NewDB returns a DB for dsn; call Open before use.
func NewDB(dsn string) *DB { return &DB{DSN: dsn, MaxConns: 10, Now: time.Now} }

// Open connects, checks that commits are synchronous and applies any
// migrations not yet applied.
func (db *DB) Open() error {
	if db.Now == nil {
		db.Now = time.Now
	}
	var err error
	if db.db, err = sql.Open("pgx", db.DSN); err != nil {
		return fmt.Errorf("postgres: open: %w", err)
	}
	db.db.SetMaxOpenConns(max(db.MaxConns, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var sc string
	if err := db.db.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&sc); err != nil {
		db.db.Close()
		return fmt.Errorf("postgres: connect: %w", err)
	}
	if sc == "off" {
		db.db.Close()
		return fmt.Errorf("postgres: synchronous_commit is off, so a committed submission could be lost; turn it on")
	}
	if err := db.migrate(ctx); err != nil {
		db.db.Close()
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	if db.db == nil {
		return nil
	}
	return db.db.Close()
}

// Exec runs a statement outside the services, bypassing their checks. It
// exists for tests that tamper with stored rows and for maintenance.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.db.ExecContext(ctx, query, args...)
	return err
}

func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, conn, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, conn *sql.Conn, name string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	b, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(b)); err != nil { // no arguments: simple protocol, several statements
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, db.now()); err != nil {
		return err
	}
	return tx.Commit()
}

// now returns the current time at the precision stored.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(gpai.AuditTimePrecision) }

// Tx is a transaction with the time it started. Its query methods take
// "?" placeholders, as package sqlite's do, and rewrite them to $n, so
// that the two packages' queries read the same.
type Tx struct {
	tx    *sql.Tx
	now   time.Time
	write bool
}

func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{tx: tx, now: db.now(), write: true}, nil
}

func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{tx: tx, now: db.now()}, nil
}

// Commit commits the transaction.
func (tx *Tx) Commit() error { return tx.tx.Commit() }

// Rollback aborts the transaction; after Commit it does nothing.
func (tx *Tx) Rollback() error { return tx.tx.Rollback() }

// ExecContext runs a statement.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, rebind(q), args...)
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, rebind(q), args...)
}

// QueryRowContext runs a query for one row.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(q), args...)
}

// insert runs an INSERT and returns the new row's id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// lock returns " FOR UPDATE" in a write transaction: rows read to be
// changed are locked, so that two concurrent updates of a case cannot
// both start from the same status.
func (tx *Tx) lock() string {
	if tx.write {
		return " FOR UPDATE"
	}
	return ""
}

// rebind rewrites ? placeholders to $1, $2, …; gpai's queries hold no
// literal question marks.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
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

// audit appends a sealed event to the chain, under a transaction-scoped
// advisory lock held until commit, so that appends are serialised.
func (tx *Tx) audit(ctx context.Context, actor gpai.Actor, action, object, detail string) (*gpai.AuditEvent, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(auditLock)); err != nil {
		return nil, fmt.Errorf("lock audit log: %w", err)
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
	// The event's time is the append time, not the transaction's start:
	// the lock may have been waited for, and times must not go backwards.
	e := &gpai.AuditEvent{Time: tx.now, Actor: actor.String(), Action: action, Object: object, Detail: detail}
	e.Seal(prev)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (seq, at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, formatTime(e.Time), e.Actor, e.Action, e.Object, e.Detail, e.PrevHash, e.Hash); err != nil {
		return nil, fmt.Errorf("append audit event: %w", err)
	}
	return e, nil
}

func formatTime(t time.Time) time.Time { return t.UTC() }

func formatTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// timeCol scans a timestamptz column into UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	t, ok := v.(time.Time)
	if !ok {
		return fmt.Errorf("time column holds %T", v)
	}
	*c.t = t.UTC()
	return nil
}

// nullTimeCol scans a nullable timestamptz column.
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

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// isUnique reports whether err is a unique_violation.
func isUnique(err error) bool { return pgCode(err) == "23505" }

// isForeignKey reports whether err is a foreign_key_violation.
func isForeignKey(err error) bool { return pgCode(err) == "23503" }

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

func limit(limit, offset int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	s := ""
	if limit > 0 {
		s = fmt.Sprintf(" LIMIT %d", limit)
	}
	return s + fmt.Sprintf(" OFFSET %d", max(offset, 0))
}
