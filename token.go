package gpai

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// A Token lets a machine or a downstream provider call the server without
// a user account. The secret is shown once, when the token is created;
// only its SHA-256 hash is stored, so a leaked database does not leak
// working tokens.
type Token struct {
	ID   int64     `json:"id"`
	Name string    `json:"name"` // who holds it, e.g. "Acme GmbH (downstream)"
	Kind TokenKind `json:"kind"`
	// Scopes lists what the token may do, e.g. "docs:read",
	// "cases:create"; the web layer defines and checks them.
	Scopes    []string   `json:"scopes"`
	Hash      string     `json:"-"`
	CreatedBy string     `json:"createdBy"`
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"` // nil: never
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// Active reports whether the token is neither revoked nor expired at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// HasScope reports whether the token carries scope s.
func (t *Token) HasScope(s string) bool {
	for _, v := range t.Scopes {
		if v == s {
			return true
		}
	}
	return false
}

// TokenKind says who holds a token.
type TokenKind string

// The kinds of token.
const (
	TokenDownstream TokenKind = "downstream" // a downstream provider: its documentation view and requests
	TokenAPI        TokenKind = "api"        // a machine calling the JSON API
)

// ValidateToken checks a token's name, kind and scopes before it is
// created, returning an EINVALID *Error.
func ValidateToken(t *Token) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > maxFieldLen {
		return Errorf(EINVALID, "a token needs a name of 1 to %d characters", maxFieldLen)
	}
	if t.Kind != TokenDownstream && t.Kind != TokenAPI {
		return Errorf(EINVALID, "unknown token kind %q: use downstream or api", t.Kind)
	}
	for _, s := range t.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\n,") {
			return Errorf(EINVALID, "scope %q must be one word", s)
		}
	}
	return nil
}

// TokenPrefix starts every token secret, so that secret scanners and
// people recognise one.
const TokenPrefix = "gpai_"

// NewSecret returns a random secret of 256 bits, base64url-encoded, for a
// session cookie or, with TokenPrefix, an access token.
func NewSecret() string {
	var b [32]byte
	rand.Read(b[:]) // never returns an error (crypto/rand, Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashSecret returns the hex SHA-256 of a secret: the form in which
// session and token secrets are stored and looked up. A fast hash is
// right here because secrets have 256 bits of entropy; passwords, which
// do not, use argon2id instead.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// TokenFilter selects tokens for FindTokens.
type TokenFilter struct {
	ID   *int64
	Kind *TokenKind
	// Active selects tokens neither revoked nor expired (true) or the
	// others (false), at the service's current time.
	Active *bool

	Offset int
	Limit  int
}

// TokenService stores access tokens.
type TokenService interface {
	// FindTokenByID returns a token or ENOTFOUND.
	FindTokenByID(ctx context.Context, id int64) (*Token, error)

	// FindTokens returns matching tokens, newest first, and the total.
	FindTokens(ctx context.Context, filter TokenFilter) ([]*Token, int, error)

	// CreateToken validates t, stores it with a new secret's hash, sets
	// its ID, CreatedBy and CreatedAt, and returns the secret, which is
	// never available again. Returns EINVALID.
	CreateToken(ctx context.Context, actor Actor, t *Token) (string, error)

	// FindTokenBySecret returns the active token with that secret.
	// Returns EUNAUTHORIZED for an unknown, expired or revoked secret.
	FindTokenBySecret(ctx context.Context, secret string) (*Token, error)

	// RevokeToken revokes a token from now on. Returns ENOTFOUND, and
	// ECONFLICT if it is already revoked.
	RevokeToken(ctx context.Context, actor Actor, id int64) error
}
