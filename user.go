package gpai

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// A User is a member of staff who signs in to handle cases.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	// PasswordHash is the encoded hash of the password, in the PHC string
	// format ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"). The password itself
	// is never stored. It is never sent to clients.
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// Role is what a user may do. The web layer enforces it; services record
// it in the audit trail and use it only where the domain needs it
// (reopening a final case).
type Role string

// The roles, most powerful first.
const (
	RoleAdmin   Role = "admin"   // manages users and tokens, may reopen final cases
	RoleOfficer Role = "officer" // handles cases and accepts reservations
	RoleViewer  Role = "viewer"  // reads cases and the dashboard
)

// Valid reports whether r is admin, officer or viewer.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleOfficer || r == RoleViewer }

// MinPasswordLen is the shortest password CreateUser and UpdateUser accept.
const MinPasswordLen = 12

// MaxPasswordLen bounds the work of hashing an attacker's input.
const MaxPasswordLen = 256

// ValidatePassword returns an EINVALID *Error if pw is too short or long.
func ValidatePassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || len(pw) > MaxPasswordLen {
		return Errorf(EINVALID, "a password needs %d to %d characters", MinPasswordLen, MaxPasswordLen)
	}
	return nil
}

// ValidateUser checks and normalises a user's e-mail address (lower case),
// name and role, returning an EINVALID *Error naming the first problem.
func ValidateUser(u *User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Errorf(EINVALID, "%q is not an e-mail address", u.Email)
	}
	if utf8.RuneCountInString(u.Name) > maxFieldLen {
		return Errorf(EINVALID, "name is longer than %d characters", maxFieldLen)
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "unknown role %q: use admin, officer or viewer", u.Role)
	}
	return nil
}

// UserFilter selects users for FindUsers.
type UserFilter struct {
	ID    *int64
	Email *string
	Role  *Role

	Offset int
	Limit  int
}

// UserUpdate changes a user; nil fields are left alone.
type UserUpdate struct {
	Name     *string
	Role     *Role
	Password *string
	Disabled *bool
}

// UserService stores staff accounts. Passwords are hashed with argon2id
// by the implementation; no method returns or stores a password.
type UserService interface {
	// FindUserByID returns a user or ENOTFOUND.
	FindUserByID(ctx context.Context, id int64) (*User, error)

	// FindUserByEmail returns a user by address, compared case-insensitively,
	// or ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)

	// FindUsers returns the matching users by e-mail address and the total
	// number of matches.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, int, error)

	// CreateUser validates u, hashes password into u.PasswordHash and
	// stores the user, setting ID and times. Returns EINVALID and
	// ECONFLICT (the address is taken).
	CreateUser(ctx context.Context, actor Actor, u *User, password string) error

	// UpdateUser changes a user and returns it. Disabling a user or
	// changing their password ends their sessions. Returns ENOTFOUND and
	// EINVALID.
	UpdateUser(ctx context.Context, actor Actor, id int64, upd UserUpdate) (*User, error)

	// DeleteUser removes a user and their sessions. Returns ENOTFOUND.
	DeleteUser(ctx context.Context, actor Actor, id int64) error

	// Authenticate returns the user with that address and password.
	// Returns EUNAUTHORIZED for an unknown address, a wrong password or a
	// disabled user, without saying which, and taking as long for each.
	Authenticate(ctx context.Context, email, password string) (*User, error)
}

// A Session is a signed-in user's browser session. The secret that the
// browser holds in its cookie is returned once by CreateSession; only its
// SHA-256 hash (HashSecret) is stored.
type Session struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	User      *User     `json:"user,omitempty"`
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// DefaultSessionTTL is how long a session lasts when CreateSession is
// given no lifetime: one working day.
const DefaultSessionTTL = 12 * time.Hour

// SessionService stores sessions.
type SessionService interface {
	// CreateSession starts a session for a user, lasting ttl (or
	// DefaultSessionTTL if ttl ≤ 0), and returns it with the secret to
	// give the browser. Records a "session.create" audit event. Returns
	// ENOTFOUND for an unknown user and EUNAUTHORIZED for a disabled one.
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (*Session, string, error)

	// FindSessionBySecret returns the unexpired session whose secret this
	// is, with its User. Returns EUNAUTHORIZED for an unknown or expired
	// secret or a disabled user.
	FindSessionBySecret(ctx context.Context, secret string) (*Session, error)

	// DeleteSession ends a session (logout). Returns ENOTFOUND.
	DeleteSession(ctx context.Context, id int64) error

	// DeleteExpiredSessions removes sessions past their expiry and returns
	// how many it removed.
	DeleteExpiredSessions(ctx context.Context) (int, error)
}
