package postgres

import "github.com/gpai-project/gpai/internal/sqlstore"

// The services are package sqlstore's, on this package's DB.
type (
	// CaseService stores cases.
	CaseService = sqlstore.CaseService
	// UserService stores staff users.
	UserService = sqlstore.UserService
	// SessionService stores staff sessions.
	SessionService = sqlstore.SessionService
	// TokenService stores access tokens.
	TokenService = sqlstore.TokenService
	// ReservationService stores accepted reservations.
	ReservationService = sqlstore.ReservationService
	// AuditService reads and appends to the audit log.
	AuditService = sqlstore.AuditService
)

// NewCaseService returns a CaseService on db.
func NewCaseService(db *DB) *CaseService { return sqlstore.NewCaseService(db.store) }

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService { return sqlstore.NewUserService(db.store) }

// NewSessionService returns a SessionService on db.
func NewSessionService(db *DB) *SessionService { return sqlstore.NewSessionService(db.store) }

// NewTokenService returns a TokenService on db.
func NewTokenService(db *DB) *TokenService { return sqlstore.NewTokenService(db.store) }

// NewReservationService returns a ReservationService on db.
func NewReservationService(db *DB) *ReservationService {
	return sqlstore.NewReservationService(db.store)
}

// NewAuditService returns an AuditService on db.
func NewAuditService(db *DB) *AuditService { return sqlstore.NewAuditService(db.store) }
