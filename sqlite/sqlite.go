// Package sqlite implements the gpai services on an embedded SQLite
// database (modernc.org/sqlite, without cgo).
//
// The database runs in WAL mode with foreign keys on, a busy timeout and
// synchronous=FULL, so that a transaction that has committed survives a
// crash of the process or of the machine. Writes go through one
// connection, so they queue in Go instead of spinning on SQLite's lock;
// reads use a separate pool and see a consistent snapshot each. Every
// service method is one transaction, and every state change appends its
// audit event in that transaction.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// DB is a SQLite database holding gpai's server state.
type DB struct {
	// Path is the database file. ":memory:" is refused: a server's state
	// must survive it.
	Path string
	// BusyTimeout bounds how long a statement waits for another process's
	// lock (default 10s).
	BusyTimeout time.Duration
	// Now returns the current time; tests replace it.
	Now func() time.Time

	wdb *sql.DB // one connection, BEGIN IMMEDIATE: the writer
	rdb *sql.DB // readers
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	return &DB{Path: path, BusyTimeout: 10 * time.Second, Now: time.Now}
}

// Open opens the database, creating it if needed, and applies any
// migrations not yet applied.
func (db *DB) Open() error {
	if db.Path == "" || db.Path == ":memory:" || strings.HasPrefix(db.Path, "file::memory:") {
		return fmt.Errorf("sqlite: a database file path is required")
	}
	if db.Now == nil {
		db.Now = time.Now
	}
	if db.BusyTimeout <= 0 {
		db.BusyTimeout = 10 * time.Second
	}
	// synchronous=FULL: with WAL, NORMAL keeps the database consistent
	// after a power loss but may lose the last transactions committed
	// before it; FULL syncs the WAL at every commit, so a submission that
	// got its reference is never lost. The cost is one fsync per write
	// transaction, which the benchmark measures.
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(ON)",
		fmt.Sprintf("busy_timeout(%d)", db.BusyTimeout.Milliseconds()),
	} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + db.Path + "?" + q.Encode()
	var err error
	if db.wdb, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", db.Path, err)
	}
	db.wdb.SetMaxOpenConns(1)
	db.wdb.SetMaxIdleConns(1)
	db.wdb.SetConnMaxLifetime(0)
	db.wdb.SetConnMaxIdleTime(0)
	if err := db.migrate(context.Background()); err != nil {
		db.wdb.Close()
		return fmt.Errorf("sqlite: migrate %s: %w", db.Path, err)
	}
	if db.rdb, err = sql.Open("sqlite", dsn+"&_pragma=query_only(ON)"); err != nil {
		db.wdb.Close()
		return fmt.Errorf("sqlite: open %s: %w", db.Path, err)
	}
	db.rdb.SetMaxOpenConns(4)
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	for _, d := range []*sql.DB{db.rdb, db.wdb} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	return errors.Join(errs...)
}

// Exec runs a statement outside the services, bypassing their checks. It
// exists for tests that tamper with stored rows and for maintenance.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.wdb.ExecContext(ctx, query, args...)
	return err
}

// migrate applies the embedded migrations in name order, each in its own
// transaction with its row in the migrations table.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	b, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(b)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, formatTime(db.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// now returns the current time at the precision stored.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(gpai.AuditTimePrecision) }

// Tx is a transaction with the time it started, which every row it writes
// carries.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// beginWrite starts a write transaction (BEGIN IMMEDIATE on the single
// writer connection).
func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now()}, nil
}

// beginRead starts a read-only transaction on the reader pool.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	tx, err := db.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now()}, nil
}

// audit appends a sealed event to the chain. The write transaction holds
// SQLite's write lock, so reading the head and appending cannot race.
func (tx *Tx) audit(ctx context.Context, actor gpai.Actor, action, object, detail string) (*gpai.AuditEvent, error) {
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
		e.Seq, formatTime(e.Time), e.Actor, e.Action, e.Object, e.Detail, e.PrevHash, e.Hash); err != nil {
		return nil, fmt.Errorf("append audit event: %w", err)
	}
	return e, nil
}

const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func formatTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// timeCol scans a TEXT time column.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	s, ok := v.(string)
	if !ok {
		if b, isb := v.([]byte); isb {
			s, ok = string(b), true
		}
	}
	if !ok {
		return fmt.Errorf("time column holds %T", v)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return err
	}
	*c.t = t
	return nil
}

// nullTimeCol scans a nullable TEXT time column.
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

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// isForeignKey reports whether err is a FOREIGN KEY violation.
func isForeignKey(err error) bool {
	var e *sqlite.Error
	// ON DELETE RESTRICT reports as a trigger constraint.
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY || e.Code() == sqlite3.SQLITE_CONSTRAINT_TRIGGER)
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

// limit returns a LIMIT/OFFSET clause.
func limit(limit, offset int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	if limit <= 0 {
		limit = -1
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
}
