package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpai-project/gpai/internal/storetest"
	"github.com/gpai-project/gpai/sqlite"
)

func open(t testing.TB, now func() time.Time) *storetest.Store {
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "gpai.db"))
	db.Now = now
	if err := db.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &storetest.Store{
		Cases:        sqlite.NewCaseService(db),
		Users:        sqlite.NewUserService(db),
		Sessions:     sqlite.NewSessionService(db),
		Tokens:       sqlite.NewTokenService(db),
		Audit:        sqlite.NewAuditService(db),
		Reservations: sqlite.NewReservationService(db),
		Exec:         func(ctx context.Context, q string) error { return db.Exec(ctx, q) },
	}
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

func BenchmarkCreateCase(b *testing.B) { storetest.BenchmarkCreateCase(b, open) }

func BenchmarkCreateCaseParallel(b *testing.B) { storetest.BenchmarkCreateCaseParallel(b, open) }

// TestReopen checks that migrations are recorded and not applied twice,
// and that data committed before Close is there after reopening.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gpai.db")
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	s := open2(db)
	c := storetestCase()
	if err := s.CreateCase(ctx, storetestActor, c); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	got, err := open2(db).FindCaseByReference(ctx, c.Reference)
	if err != nil || got.ID != c.ID {
		t.Fatalf("FindCaseByReference after reopen = %v, %v", got, err)
	}
	if err := sqlite.NewDB(":memory:").Open(); err == nil {
		t.Error("Open(:memory:) succeeded; state must be durable")
	}
}
