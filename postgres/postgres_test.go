package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gpai-project/gpai/internal/storetest"
	"github.com/gpai-project/gpai/postgres"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// dsn returns GPAI_TEST_POSTGRES_DSN or skips the test. .ci/postgres.sh
// starts a server and prints the variable.
func dsn(t testing.TB) string {
	d := os.Getenv("GPAI_TEST_POSTGRES_DSN")
	if d == "" {
		t.Skip("GPAI_TEST_POSTGRES_DSN is not set; run: eval \"$(.ci/postgres.sh)\"")
	}
	return d
}

var schemas atomic.Int64

// open gives each test its own schema in the test database, dropped at
// the end, so that tests start empty and can run in any order.
func open(t testing.TB, now func() time.Time) *storetest.Store {
	base := dsn(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("gpai_test_%d_%d", os.Getpid(), schemas.Add(1))
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })

	db := postgres.NewDB(base + " search_path=" + schema)
	db.Now = now
	if err := db.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &storetest.Store{
		Cases:        postgres.NewCaseService(db),
		Users:        postgres.NewUserService(db),
		Sessions:     postgres.NewSessionService(db),
		Tokens:       postgres.NewTokenService(db),
		Audit:        postgres.NewAuditService(db),
		Reservations: postgres.NewReservationService(db),
		Exec:         func(ctx context.Context, q string) error { return db.Exec(ctx, q) },
	}
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

func BenchmarkCreateCase(b *testing.B) { storetest.BenchmarkCreateCase(b, open) }

func BenchmarkCreateCaseParallel(b *testing.B) { storetest.BenchmarkCreateCaseParallel(b, open) }

// TestMigrateTwice opens the same schema twice, as two server instances
// would: the second applies nothing and both work.
func TestMigrateTwice(t *testing.T) {
	s := open(t, time.Now)
	_ = s
	// open created and migrated the schema; a second DB on it must not
	// reapply 001_init.sql (which would fail on CREATE TABLE).
	d := dsn(t) + fmt.Sprintf(" search_path=gpai_test_%d_%d", os.Getpid(), schemas.Load())
	db := postgres.NewDB(d)
	if err := db.Open(); err != nil {
		t.Fatalf("second Open: %v", err)
	}
	db.Close()
}
