package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
)

const password = "correct horse battery staple"

func testUser(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	u := &gpai.User{Email: " Alice@Example.org ", Name: "Alice", Role: gpai.RoleOfficer}
	if err := s.Users.CreateUser(ctx, admin, u, password); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.ID == 0 || u.Email != "alice@example.org" || !strings.HasPrefix(u.PasswordHash, "$argon2id$") || strings.Contains(u.PasswordHash, password) {
		t.Fatalf("CreateUser: %+v", u)
	}
	code(t, "CreateUser(duplicate)", s.Users.CreateUser(ctx, admin, &gpai.User{Email: "alice@EXAMPLE.org", Role: gpai.RoleViewer}, password), gpai.ECONFLICT)
	code(t, "CreateUser(short password)", s.Users.CreateUser(ctx, admin, &gpai.User{Email: "b@example.org", Role: gpai.RoleViewer}, "short"), gpai.EINVALID)
	code(t, "CreateUser(bad role)", s.Users.CreateUser(ctx, admin, &gpai.User{Email: "b@example.org", Role: "root"}, password), gpai.EINVALID)

	// The stored hash is the hash, never the password.
	if err := s.Exec(ctx, "UPDATE users SET name = 'checked' WHERE password_hash LIKE '%"+password+"%'"); err != nil {
		t.Fatal(err)
	}
	found, err := s.Users.FindUserByEmail(ctx, "ALICE@example.org")
	if err != nil || found.ID != u.ID || found.Name != "Alice" {
		t.Fatalf("FindUserByEmail = %+v, %v", found, err)
	}
	if _, err := s.Users.Authenticate(ctx, "alice@example.org", password); err != nil {
		t.Errorf("Authenticate(right password): %v", err)
	}
	for _, tc := range []struct{ name, email, pw string }{
		{"wrong password", "alice@example.org", password + "!"},
		{"unknown user", "mallory@example.org", password},
		{"empty", "", ""},
	} {
		_, err := s.Users.Authenticate(ctx, tc.email, tc.pw)
		code(t, "Authenticate("+tc.name+")", err, gpai.EUNAUTHORIZED)
	}
	got, err := s.Users.UpdateUser(ctx, admin, u.ID, gpai.UserUpdate{Role: ptr(gpai.RoleAdmin), Password: ptr(password + " 2")})
	if err != nil || got.Role != gpai.RoleAdmin {
		t.Fatalf("UpdateUser = %+v, %v", got, err)
	}
	if _, err := s.Users.Authenticate(ctx, "alice@example.org", password); gpai.ErrorCode(err) != gpai.EUNAUTHORIZED {
		t.Errorf("old password still works after change: %v", err)
	}
	_, err = s.Users.UpdateUser(ctx, admin, u.ID, gpai.UserUpdate{Role: ptr(gpai.Role("god"))})
	code(t, "UpdateUser(bad role)", err, gpai.EINVALID)
	_, err = s.Users.UpdateUser(ctx, admin, 999, gpai.UserUpdate{Name: ptr("x")})
	code(t, "UpdateUser(unknown)", err, gpai.ENOTFOUND)

	if err := s.Users.CreateUser(ctx, admin, &gpai.User{Email: "viewer@example.org", Role: gpai.RoleViewer}, password); err != nil {
		t.Fatal(err)
	}
	users, n, err := s.Users.FindUsers(ctx, gpai.UserFilter{})
	if err != nil || n != 2 || users[0].Email != "alice@example.org" {
		t.Errorf("FindUsers = %d users, %v", n, err)
	}
	if _, n, _ := s.Users.FindUsers(ctx, gpai.UserFilter{Role: ptr(gpai.RoleViewer), Limit: 1}); n != 1 {
		t.Errorf("FindUsers(viewer) = %d, want 1", n)
	}
	if err := s.Users.DeleteUser(ctx, admin, u.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = s.Users.FindUserByID(ctx, u.ID)
	code(t, "FindUserByID(deleted)", err, gpai.ENOTFOUND)
	code(t, "DeleteUser(again)", s.Users.DeleteUser(ctx, admin, u.ID), gpai.ENOTFOUND)
}

func testSession(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	u := &gpai.User{Email: "officer@example.org", Role: gpai.RoleOfficer}
	if err := s.Users.CreateUser(ctx, admin, u, password); err != nil {
		t.Fatal(err)
	}
	sess, secret, err := s.Sessions.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if secret == "" || sess.Hash != gpai.HashSecret(secret) || sess.Hash == secret {
		t.Fatalf("CreateSession: secret %q hash %q", secret, sess.Hash)
	}
	// Only the hash is stored: no row holds the secret.
	if err := s.Exec(ctx, "DELETE FROM sessions WHERE hash = '"+secret+"'"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sessions.FindSessionBySecret(ctx, secret)
	if err != nil || got.ID != sess.ID || got.User == nil || got.User.Email != u.Email {
		t.Fatalf("FindSessionBySecret = %+v, %v", got, err)
	}
	_, err = s.Sessions.FindSessionBySecret(ctx, sess.Hash)
	code(t, "FindSessionBySecret(the hash)", err, gpai.EUNAUTHORIZED)
	_, err = s.Sessions.FindSessionBySecret(ctx, "guess")
	code(t, "FindSessionBySecret(guess)", err, gpai.EUNAUTHORIZED)
	_, _, err = s.Sessions.CreateSession(ctx, 999, 0)
	code(t, "CreateSession(unknown user)", err, gpai.ENOTFOUND)

	clock.Add(time.Hour)
	_, err = s.Sessions.FindSessionBySecret(ctx, secret)
	code(t, "FindSessionBySecret(expired)", err, gpai.EUNAUTHORIZED)
	_, secret2, err := s.Sessions.CreateSession(ctx, u.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Sessions.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	// Disabling the user ends their sessions.
	if _, err := s.Users.UpdateUser(ctx, admin, u.ID, gpai.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sessions.FindSessionBySecret(ctx, secret2)
	code(t, "FindSessionBySecret(disabled user)", err, gpai.EUNAUTHORIZED)
	_, _, err = s.Sessions.CreateSession(ctx, u.ID, 0)
	code(t, "CreateSession(disabled user)", err, gpai.EUNAUTHORIZED)
	_, err = s.Users.Authenticate(ctx, u.Email, password)
	code(t, "Authenticate(disabled user)", err, gpai.EUNAUTHORIZED)

	if _, err := s.Users.UpdateUser(ctx, admin, u.ID, gpai.UserUpdate{Disabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	sess3, secret3, err := s.Sessions.CreateSession(ctx, u.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !sess3.ExpiresAt.Equal(sess3.CreatedAt.Add(gpai.DefaultSessionTTL)) {
		t.Errorf("default session lifetime: %v", sess3.ExpiresAt.Sub(sess3.CreatedAt))
	}
	if err := s.Sessions.DeleteSession(ctx, sess3.ID); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, err = s.Sessions.FindSessionBySecret(ctx, secret3)
	code(t, "FindSessionBySecret(logged out)", err, gpai.EUNAUTHORIZED)
	code(t, "DeleteSession(again)", s.Sessions.DeleteSession(ctx, sess3.ID), gpai.ENOTFOUND)
}

func testToken(t *testing.T, s *Store, clock *Clock) {
	ctx := context.Background()
	exp := Start.Add(24 * time.Hour)
	tok := &gpai.Token{Name: "Acme GmbH", Kind: gpai.TokenDownstream, Scopes: []string{"docs:read", "cases:create"}, ExpiresAt: &exp}
	secret, err := s.Tokens.CreateToken(ctx, officer, tok)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if !strings.HasPrefix(secret, gpai.TokenPrefix) || tok.Hash != gpai.HashSecret(secret) || tok.CreatedBy != officer.Name {
		t.Fatalf("CreateToken: secret %q token %+v", secret, tok)
	}
	api := &gpai.Token{Name: "CI", Kind: gpai.TokenAPI}
	apiSecret, err := s.Tokens.CreateToken(ctx, admin, api)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Tokens.CreateToken(ctx, admin, &gpai.Token{Name: "x", Kind: "root"})
	code(t, "CreateToken(bad kind)", err, gpai.EINVALID)
	_, err = s.Tokens.CreateToken(ctx, admin, &gpai.Token{Name: "", Kind: gpai.TokenAPI})
	code(t, "CreateToken(no name)", err, gpai.EINVALID)

	got, err := s.Tokens.FindTokenBySecret(ctx, secret)
	if err != nil || got.ID != tok.ID || !got.HasScope("docs:read") || got.HasScope("admin") {
		t.Fatalf("FindTokenBySecret = %+v, %v", got, err)
	}
	_, err = s.Tokens.FindTokenBySecret(ctx, tok.Hash)
	code(t, "FindTokenBySecret(the hash)", err, gpai.EUNAUTHORIZED)

	clock.Add(25 * time.Hour)
	_, err = s.Tokens.FindTokenBySecret(ctx, secret)
	code(t, "FindTokenBySecret(expired)", err, gpai.EUNAUTHORIZED)
	if _, err := s.Tokens.FindTokenBySecret(ctx, apiSecret); err != nil {
		t.Errorf("token without expiry: %v", err)
	}
	if _, n, _ := s.Tokens.FindTokens(ctx, gpai.TokenFilter{Active: ptr(true)}); n != 1 {
		t.Errorf("FindTokens(active) = %d, want 1", n)
	}
	if err := s.Tokens.RevokeToken(ctx, admin, api.ID); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = s.Tokens.FindTokenBySecret(ctx, apiSecret)
	code(t, "FindTokenBySecret(revoked)", err, gpai.EUNAUTHORIZED)
	code(t, "RevokeToken(again)", s.Tokens.RevokeToken(ctx, admin, api.ID), gpai.ECONFLICT)
	code(t, "RevokeToken(unknown)", s.Tokens.RevokeToken(ctx, admin, 999), gpai.ENOTFOUND)
	_, err = s.Tokens.FindTokenByID(ctx, 999)
	code(t, "FindTokenByID(unknown)", err, gpai.ENOTFOUND)
	list, n, err := s.Tokens.FindTokens(ctx, gpai.TokenFilter{})
	if err != nil || n != 2 || list[0].ID != api.ID || list[0].RevokedAt == nil {
		t.Errorf("FindTokens = %d, %v; want newest first, revoked", n, err)
	}
	if _, n, _ := s.Tokens.FindTokens(ctx, gpai.TokenFilter{Kind: ptr(gpai.TokenDownstream)}); n != 1 {
		t.Errorf("FindTokens(downstream) = %d, want 1", n)
	}
}
