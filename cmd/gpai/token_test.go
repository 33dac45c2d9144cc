package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(k string) string {
		if k == "GPAI_DB" {
			return db
		}
		return ""
	}}
	ctx := context.Background()
	secretRE := regexp.MustCompile(`(?m)^secret: (gpai_\S+)$`)

	if err := execCommand(ctx, m, m.tokenCommand(), "issue", "--kind", "downstream", "--name", "Acme GmbH", "--expires", "30d"); err != nil {
		t.Fatal(err)
	}
	first := secretRE.FindStringSubmatch(out.String())
	if first == nil || !strings.Contains(out.String(), `issued downstream token 1 for "Acme GmbH"; expires `) || !strings.Contains(out.String(), "shown once") {
		t.Fatalf("issue output %q", out.String())
	}
	out.Reset()
	if err := execCommand(ctx, m, m.tokenCommand(), "issue", "--db", db, "--kind", "api", "--name", "ticketing", "--scope", "cases:read,cases:write", "--expires", "never"); err != nil {
		t.Fatal(err)
	}
	second := secretRE.FindStringSubmatch(out.String())
	if second == nil || !strings.Contains(out.String(), "never expires") {
		t.Fatalf("issue output %q", out.String())
	}

	st, err := openStore(db)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.tokens.FindTokenBySecret(ctx, second[1])
	if err != nil || tok.Kind != "api" || strings.Join(tok.Scopes, " ") != "cases:read cases:write" || tok.CreatedBy != "system" {
		t.Errorf("stored API token: %+v, %v", tok, err)
	}
	st.close()

	out.Reset()
	if err := execCommand(ctx, m, m.tokenCommand(), "revoke", "1"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := execCommand(ctx, m, m.tokenCommand(), "list"); err != nil {
		t.Fatal(err)
	}
	list := out.String()
	if !regexp.MustCompile(`(?m)^1\s+downstream\s+Acme GmbH\s+-\s+system\s+\d{4}-\d\d-\d\d\s+revoked$`).MatchString(list) ||
		!regexp.MustCompile(`(?m)^2\s+api\s+ticketing\s+cases:read,cases:write\s+system\s+never\s+active$`).MatchString(list) {
		t.Errorf("list:\n%s", list)
	}
	if strings.Contains(list, first[1]) || strings.Contains(list, second[1]) {
		t.Errorf("list shows a secret")
	}
	out.Reset()
	if err := execCommand(ctx, m, m.tokenCommand(), "list", "--format", "json"); err != nil || !strings.Contains(out.String(), `"revokedAt"`) || strings.Contains(out.String(), "gpai_") {
		t.Errorf("list json: %v\n%s", err, out.String())
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no kind", []string{"issue", "--name", "x"}, "unknown --kind"},
		{"no name", []string{"issue", "--kind", "downstream"}, "--name is required"},
		{"api without scope", []string{"issue", "--kind", "api", "--name", "x"}, "at least one --scope"},
		{"unknown scope", []string{"issue", "--kind", "api", "--name", "x", "--scope", "root"}, `unknown --scope "root"`},
		{"downstream with scope", []string{"issue", "--kind", "downstream", "--name", "x", "--scope", "docs:read"}, "takes no --scope"},
		{"bad expiry", []string{"issue", "--kind", "downstream", "--name", "x", "--expires", "soon"}, "--expires"},
		{"past date", []string{"issue", "--kind", "downstream", "--name", "x", "--expires", "2001-01-01"}, "--expires"},
		{"revoke twice", []string{"revoke", "1"}, "already revoked"},
		{"revoke unknown", []string{"revoke", "99"}, "not found"},
		{"revoke bad id", []string{"revoke", "one"}, "not a token id"},
		{"revoke no id", []string{"revoke"}, "one token id"},
		{"bad format", []string{"list", "--format", "xml"}, "unknown --format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := execCommand(ctx, m, m.tokenCommand(), tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("gpai token %v: %v, want %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string // "" for never
	}{
		{"90d", "2026-05-31T09:00:00Z"},
		{"36h", "2026-03-03T21:00:00Z"},
		{"2027-01-31", "2027-01-31T23:59:59Z"},
		{"never", ""},
	}
	for _, tt := range tests {
		got, err := parseExpiry(tt.in, now)
		if err != nil {
			t.Errorf("parseExpiry(%q): %v", tt.in, err)
			continue
		}
		s := ""
		if got != nil {
			s = got.Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("parseExpiry(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
	for _, bad := range []string{"", "0d", "-5d", "-1h", "tomorrow", "2026-03-01"} {
		if _, err := parseExpiry(bad, now); err == nil {
			t.Errorf("parseExpiry(%q) accepted", bad)
		}
	}
}

func TestUserListAndSet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader("a long enough password\n"), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	ctx := context.Background()
	if err := execCommand(ctx, m, m.userCommand(), "add", "--db", db, "--email", "alice@example.org", "--name", "Alice", "--role", "officer"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"set", "--db", db, "Alice@Example.org", "--role", "admin"}, "alice@example.org is now admin, active"},
		{[]string{"set", "--db", db, "alice@example.org", "--disable"}, "alice@example.org is now admin, disabled"},
		{[]string{"list", "--db", db}, "alice@example.org  Alice  admin  disabled"},
		{[]string{"set", "--db", db, "alice@example.org", "--enable", "--role", "viewer"}, "alice@example.org is now viewer, active"},
		{[]string{"list", "--db", db}, "alice@example.org  Alice  viewer  active"},
	}
	for _, s := range steps {
		out.Reset()
		if err := execCommand(ctx, m, m.userCommand(), s.args...); err != nil || !strings.Contains(out.String(), s.want) {
			t.Errorf("gpai user %v: %v, output %q, want %q", s.args, err, out.String(), s.want)
		}
	}
	st, err := openStore(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if _, err := st.users.Authenticate(ctx, "alice@example.org", "a long enough password"); err != nil {
		t.Errorf("re-enabled user cannot sign in: %v", err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"set", "--db", db, "alice@example.org"}, "nothing to change"},
		{[]string{"set", "--db", db, "alice@example.org", "--disable", "--enable"}, "not both"},
		{[]string{"set", "--db", db, "alice@example.org", "--role", "boss"}, "unknown --role"},
		{[]string{"set", "--db", db, "nobody@example.org", "--disable"}, "no user nobody@example.org"},
		{[]string{"set", "--db", db}, "one e-mail address"},
	} {
		if err := execCommand(ctx, m, m.userCommand(), tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("gpai user %v: %v, want %q", tt.args, err, tt.want)
		}
	}
}
