package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/gpai-project/gpai"
)

var _ gpai.TokenService = (*TokenService)(nil)

// TokenService stores access tokens in the database.
type TokenService struct{ db *DB }

// NewTokenService returns a TokenService on db.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

const tokenColumns = `id, name, kind, scopes, hash, created_by, created_at, expires_at, revoked_at`

func scanToken(s interface{ Scan(...any) error }) (*gpai.Token, error) {
	var t gpai.Token
	var scopes string
	err := s.Scan(&t.ID, &t.Name, &t.Kind, &scopes, &t.Hash, &t.CreatedBy, timeCol{&t.CreatedAt}, nullTimeCol{&t.ExpiresAt}, nullTimeCol{&t.RevokedAt})
	t.Scopes = strings.Fields(scopes)
	return &t, err
}

func findToken(ctx context.Context, tx *Tx, cond string, arg any) (*gpai.Token, error) {
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE `+cond+tx.lock(), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "token not found")
	} else if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return t, nil
}

// FindTokenByID returns a token.
func (s *TokenService) FindTokenByID(ctx context.Context, id int64) (*gpai.Token, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findToken(ctx, tx, "id = ?", id)
}

// FindTokens returns matching tokens, newest first, and the total.
func (s *TokenService) FindTokens(ctx context.Context, f gpai.TokenFilter) ([]*gpai.Token, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Kind != nil {
		w.add("kind = ?", *f.Kind)
	}
	if f.Active != nil {
		active := "(revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?))"
		if !*f.Active {
			active = "NOT " + active
		}
		w.add(active, tx.time(tx.now))
	}
	return findPage(ctx, tx, "tokens", "tokens", tokenColumns, &w, `id DESC`, f.Limit, f.Offset, scanToken)
}

// CreateToken stores a new token and returns its secret.
func (s *TokenService) CreateToken(ctx context.Context, actor gpai.Actor, t *gpai.Token) (string, error) {
	next := *t
	if err := gpai.ValidateToken(&next); err != nil {
		return "", err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	secret := gpai.TokenPrefix + gpai.NewSecret()
	next.Hash, next.CreatedBy, next.CreatedAt, next.RevokedAt = gpai.HashSecret(secret), actor.String(), tx.now, nil
	if next.ExpiresAt != nil {
		e := next.ExpiresAt.UTC().Truncate(gpai.AuditTimePrecision)
		next.ExpiresAt = &e
	}
	id, err := tx.insert(ctx, `INSERT INTO tokens (name, kind, scopes, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		next.Name, next.Kind, strings.Join(next.Scopes, " "), next.Hash, next.CreatedBy, tx.time(next.CreatedAt), tx.timePtr(next.ExpiresAt))
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	next.ID = id
	if _, err := tx.audit(ctx, actor, "token.create", fmt.Sprintf("token:%d", next.ID),
		fmt.Sprintf("%s %q scopes %s", next.Kind, next.Name, strings.Join(next.Scopes, " "))); err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("create token: commit: %w", err)
	}
	*t = next
	return secret, nil
}

// FindTokenBySecret returns the active token with that secret.
func (s *TokenService) FindTokenBySecret(ctx context.Context, secret string) (*gpai.Token, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := findToken(ctx, tx, "hash = ?", gpai.HashSecret(secret))
	if gpai.ErrorCode(err) == gpai.ENOTFOUND || (err == nil && !t.Active(tx.now)) {
		return nil, gpai.Errorf(gpai.EUNAUTHORIZED, "access token unknown, expired or revoked")
	}
	return t, err
}

// RevokeToken revokes a token.
func (s *TokenService) RevokeToken(ctx context.Context, actor gpai.Actor, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := findToken(ctx, tx, "id = ?", id)
	if err != nil {
		return err
	}
	if t.RevokedAt != nil {
		return gpai.Errorf(gpai.ECONFLICT, "token %d was already revoked", id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, tx.time(tx.now), id); err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if _, err := tx.audit(ctx, actor, "token.revoke", fmt.Sprintf("token:%d", id), t.Name); err != nil {
		return err
	}
	return tx.Commit()
}
