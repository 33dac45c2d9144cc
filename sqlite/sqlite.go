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

	"github.com/gpai-project/gpai/internal/sqlstore"
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

	wdb   *sql.DB // one connection, BEGIN IMMEDIATE: the writer
	rdb   *sql.DB // readers
	store *sqlstore.DB
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	db := &DB{Path: path, BusyTimeout: 10 * time.Second, Now: time.Now}
	db.store = &sqlstore.DB{Dialect: dialect, Now: func() time.Time { return db.Now() }}
	return db
}

// dialect is how SQLite differs: times as fixed-width text, ids from
// LastInsertId, and no row locks or audit lock, because every write
// transaction holds the database's write lock (BEGIN IMMEDIATE).
var dialect = sqlstore.Dialect{
	Time:         func(t time.Time) any { return t.UTC().Format(sqlstore.TimeLayout) },
	IsUnique:     isUnique,
	IsForeignKey: isForeignKey,
	Limit: func(limit, offset int) string {
		if limit <= 0 {
			limit = -1
		}
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
	},
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
	db.store.Write, db.store.Read = db.wdb, db.rdb
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, dialect.Time(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
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
