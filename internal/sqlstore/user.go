package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/internal/passhash"
)

var (
	_ gpai.UserService    = (*UserService)(nil)
	_ gpai.SessionService = (*SessionService)(nil)
)

// UserService stores staff accounts in the database.
type UserService struct{ db *DB }

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

const userColumns = `id, email, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(s interface{ Scan(...any) error }) (*gpai.User, error) {
	var u gpai.User
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
	return &u, err
}

func findUser(ctx context.Context, tx *Tx, cond string, arg any) (*gpai.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond+tx.lock(), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "user %v not found", arg)
	} else if err != nil {
		return nil, fmt.Errorf("find user %v: %w", arg, err)
	}
	return u, nil
}

// FindUserByID returns a user.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*gpai.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findUser(ctx, tx, "id = ?", id)
}

// FindUserByEmail returns a user by address.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*gpai.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findUser(ctx, tx, "email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// FindUsers returns matching users and the total.
func (s *UserService) FindUsers(ctx context.Context, f gpai.UserFilter) ([]*gpai.User, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var w where
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Email != nil {
		w.add("email = ?", strings.ToLower(strings.TrimSpace(*f.Email)))
	}
	if f.Role != nil {
		w.add("role = ?", *f.Role)
	}
	return findPage(ctx, tx, "users", "users", userColumns, &w, `email`, f.Limit, f.Offset, scanUser)
}

// CreateUser stores a new user with the password's argon2id hash.
func (s *UserService) CreateUser(ctx context.Context, actor gpai.Actor, u *gpai.User, password string) error {
	next := *u
	if err := gpai.ValidateUser(&next); err != nil {
		return err
	}
	if err := gpai.ValidatePassword(password); err != nil {
		return err
	}
	next.PasswordHash = passhash.Hash(password) // before the transaction: it takes tens of milliseconds
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	next.CreatedAt, next.UpdatedAt = tx.now, tx.now
	id, err := tx.insert(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		next.Email, next.Name, next.Role, next.PasswordHash, next.Disabled, tx.time(next.CreatedAt), tx.time(next.UpdatedAt))
	if tx.isUnique(err) {
		return gpai.Errorf(gpai.ECONFLICT, "a user with address %s already exists", next.Email)
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	next.ID = id
	if _, err := tx.audit(ctx, actor, "user.create", fmt.Sprintf("user:%d", next.ID), fmt.Sprintf("%s role %s", next.Email, next.Role)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create user: commit: %w", err)
	}
	*u = next
	return nil
}

// UpdateUser changes a user.
func (s *UserService) UpdateUser(ctx context.Context, actor gpai.Actor, id int64, upd gpai.UserUpdate) (*gpai.User, error) {
	var hash string
	if upd.Password != nil {
		if err := gpai.ValidatePassword(*upd.Password); err != nil {
			return nil, err
		}
		hash = passhash.Hash(*upd.Password)
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	var what []string
	if upd.Name != nil {
		u.Name = *upd.Name
		what = append(what, "name")
	}
	if upd.Role != nil {
		u.Role = *upd.Role
		what = append(what, "role "+string(*upd.Role))
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
		what = append(what, fmt.Sprintf("disabled %t", u.Disabled))
	}
	if hash != "" {
		u.PasswordHash = hash
		what = append(what, "password")
	}
	if len(what) == 0 {
		return nil, gpai.Errorf(gpai.EINVALID, "nothing to update")
	}
	if err := gpai.ValidateUser(u); err != nil {
		return nil, err
	}
	u.UpdatedAt = tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
		u.Name, u.Role, u.Disabled, u.PasswordHash, tx.time(u.UpdatedAt), id); err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	if hash != "" || u.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return nil, fmt.Errorf("update user %d: end sessions: %w", id, err)
		}
	}
	if _, err := tx.audit(ctx, actor, "user.update", fmt.Sprintf("user:%d", id), strings.Join(what, ", ")); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update user %d: commit: %w", id, err)
	}
	return u, nil
}

// DeleteUser removes a user and their sessions.
func (s *UserService) DeleteUser(ctx context.Context, actor gpai.Actor, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, "id = ?", id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	if _, err := tx.audit(ctx, actor, "user.delete", fmt.Sprintf("user:%d", id), u.Email); err != nil {
		return err
	}
	return tx.Commit()
}

// Authenticate checks an address and password.
func (s *UserService) Authenticate(ctx context.Context, email, password string) (*gpai.User, error) {
	u, err := s.FindUserByEmail(ctx, email)
	if err != nil && gpai.ErrorCode(err) != gpai.ENOTFOUND {
		return nil, err
	}
	hash := passhash.Dummy
	if u != nil {
		hash = u.PasswordHash
	}
	ok := len(password) <= gpai.MaxPasswordLen && passhash.Check(hash, password)
	if u == nil || !ok || u.Disabled {
		return nil, gpai.Errorf(gpai.EUNAUTHORIZED, "wrong e-mail address or password")
	}
	return u, nil
}

// SessionService stores sessions in the database.
type SessionService struct{ db *DB }

// NewSessionService returns a SessionService on db.
func NewSessionService(db *DB) *SessionService { return &SessionService{db: db} }

// CreateSession starts a session for a user.
func (s *SessionService) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (*gpai.Session, string, error) {
	if ttl <= 0 {
		ttl = gpai.DefaultSessionTTL
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, "id = ?", userID)
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, "", gpai.Errorf(gpai.EUNAUTHORIZED, "user %s is disabled", u.Email)
	}
	secret := gpai.NewSecret()
	sess := &gpai.Session{UserID: userID, User: u, Hash: gpai.HashSecret(secret), CreatedAt: tx.now, ExpiresAt: tx.now.Add(ttl)}
	id, err := tx.insert(ctx, `INSERT INTO sessions (user_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		sess.UserID, sess.Hash, tx.time(sess.CreatedAt), tx.time(sess.ExpiresAt))
	if err != nil {
		return nil, "", fmt.Errorf("create session: %w", err)
	}
	sess.ID = id
	if _, err := tx.audit(ctx, gpai.UserActor(u), "session.create", fmt.Sprintf("session:%d", sess.ID), ""); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("create session: commit: %w", err)
	}
	return sess, secret, nil
}

// FindSessionBySecret returns the unexpired session with that secret.
func (s *SessionService) FindSessionBySecret(ctx context.Context, secret string) (*gpai.Session, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sess gpai.Session
	err = tx.QueryRowContext(ctx, `SELECT id, user_id, hash, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?`,
		gpai.HashSecret(secret), tx.time(tx.now)).Scan(&sess.ID, &sess.UserID, &sess.Hash, timeCol{&sess.CreatedAt}, timeCol{&sess.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gpai.Errorf(gpai.EUNAUTHORIZED, "session expired or unknown: sign in again")
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if sess.User, err = findUser(ctx, tx, "id = ?", sess.UserID); err != nil {
		return nil, err
	}
	if sess.User.Disabled {
		return nil, gpai.Errorf(gpai.EUNAUTHORIZED, "session expired or unknown: sign in again")
	}
	return &sess, nil
}

// DeleteSession ends a session.
func (s *SessionService) DeleteSession(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var userID int64
	if err := tx.QueryRowContext(ctx, `SELECT user_id FROM sessions WHERE id = ?`, id).Scan(&userID); errors.Is(err, sql.ErrNoRows) {
		return gpai.Errorf(gpai.ENOTFOUND, "session %d not found", id)
	} else if err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	if _, err := tx.audit(ctx, gpai.Actor{Name: fmt.Sprintf("user-id:%d", userID)}, "session.delete", fmt.Sprintf("session:%d", id), ""); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteExpiredSessions removes expired sessions.
func (s *SessionService) DeleteExpiredSessions(ctx context.Context) (int, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, tx.time(tx.now))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}
