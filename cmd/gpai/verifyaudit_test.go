package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestVerifyAuditLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cases.db")
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		m := &Main{Stdin: strings.NewReader("a-long-password-123\n"), Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
		if code := m.Run(t.Context(), []string{"user", "add", "--db", db, "--email", email, "--name", "N", "--role", "officer"}); code != 0 {
			t.Fatalf("user add: exit %d %v", code, m.Stderr)
		}
	}
	r := run(t, "verify", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "is intact: 3 events") {
		t.Fatalf("verify: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	// Tamper with the second event behind the log's back.
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_guard SET value = 0", "UPDATE audit_events SET object = 'user:99' WHERE seq = 2", "UPDATE audit_guard SET value = 1"} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()
	r = run(t, "verify", "--db", db)
	if r.code != 1 || !strings.Contains(r.stdout, "NOT intact: event 2") {
		t.Errorf("verify after tampering: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "verify", "--db", db, "--format", "json"); r.code != 1 || !strings.Contains(r.stdout, `"problem"`) {
		t.Errorf("json: %s", r.stdout)
	}
}
