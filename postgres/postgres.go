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
	"time"

	"github.com/gpai-project/gpai/internal/sqlstore"
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

	db    *sql.DB
	store *sqlstore.DB
}

// NewDB returns a DB for dsn; call Open before use.
func NewDB(dsn string) *DB {
	db := &DB{DSN: dsn, MaxConns: 10, Now: time.Now}
	db.store = &sqlstore.DB{Dialect: dialect, Now: func() time.Time { return db.Now() }}
	return db
}

// dialect is how PostgreSQL differs: $n placeholders, ids by RETURNING,
// rows read for change locked FOR UPDATE, audit appends serialised by a
// transaction-scoped advisory lock held until commit (so the chain's order
// is commit order), and repeatable-read snapshots for reads.
var dialect = sqlstore.Dialect{
	Rebind:       true,
	Returning:    true,
	Lock:         " FOR UPDATE",
	AuditLock:    fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", int64(auditLock)),
	ReadOptions:  &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	Time:         func(t time.Time) any { return t.UTC() },
	IsUnique:     isUnique,
	IsForeignKey: isForeignKey,
	Limit: func(limit, offset int) string {
		s := ""
		if limit > 0 {
			s = fmt.Sprintf(" LIMIT %d", limit)
		}
		return s + fmt.Sprintf(" OFFSET %d", max(offset, 0))
	},
}

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
	db.store.Write, db.store.Read = db.db, db.db
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, db.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
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
