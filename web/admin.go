package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// Scopes lists the scopes an API token may carry, in the order the token
// form offers them.
var Scopes = []string{ScopeCasesRead, ScopeCasesWrite, ScopeDocsRead, ScopeMetricsRead}

// scopeNames says what each scope allows, for the token form.
var scopeNames = map[string]string{
	ScopeCasesRead:   "read cases and the dossier dashboard",
	ScopeCasesWrite:  "file and change cases",
	ScopeDocsRead:    "read the downstream-provider documentation",
	ScopeMetricsRead: "read the Prometheus metrics at /metrics",
}

// TokenExpiries are the lifetimes the token form offers, in days; 0 means
// the token never expires.
var TokenExpiries = []int{30, 90, 180, 365, 0}

// DefaultTokenExpiry is the lifetime, in days, the token form proposes.
const DefaultTokenExpiry = 90

func (s *Server) registerAdminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /staff/users", s.staff(s.admin(s.handleUsers)))
	mux.HandleFunc("POST /staff/users", s.staff(s.admin(s.handleUserCreate)))
	mux.HandleFunc("GET /staff/users/{id}", s.staff(s.admin(s.handleUserView)))
	mux.HandleFunc("POST /staff/users/{id}", s.staff(s.admin(s.handleUserUpdate)))
	mux.HandleFunc("POST /staff/users/{id}/delete", s.staff(s.admin(s.handleUserDelete)))
	mux.HandleFunc("GET /staff/tokens", s.staff(s.handleTokens))
	mux.HandleFunc("POST /staff/tokens", s.staff(s.changer(s.handleTokenIssue)))
	mux.HandleFunc("POST /staff/tokens/{id}/revoke", s.staff(s.changer(s.handleTokenRevoke)))
}

// admin requires an admin.
func (s *Server) admin(h staffHandler) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, u *gpai.User) {
		if u.Role != gpai.RoleAdmin {
			s.Audit.AppendAuditEvent(r.Context(), gpai.UserActor(u), "access.denied", "path:"+r.URL.Path, "role "+string(u.Role))
			s.Error(w, r, httpError(http.StatusForbidden, "Only an admin may manage staff accounts; your role is "+string(u.Role)+"."))
			return
		}
		h(w, r, u)
	}
}

// pathID returns the positive integer {id} of r's path, or an ENOTFOUND
// error naming what.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, gpai.Errorf(gpai.ENOTFOUND, "no %s %q", what, r.PathValue("id"))
	}
	return id, nil
}

// userForm is what the form "Add a user" holds, with its messages.
type userForm struct {
	Email, Name string
	Role        gpai.Role
	Message     string
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, u *gpai.User, f *userForm, data map[string]any) {
	users, total, err := s.Users.FindUsers(r.Context(), gpai.UserFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if f == nil {
		f = &userForm{Role: gpai.RoleOfficer}
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Title"], data["User"], data["Users"], data["Total"], data["Form"], data["Roles"] = "Staff accounts", u, users, total, f, roles
	s.render(w, r, status, "users", data)
}

// roles lists the roles, most powerful first, as forms offer them.
var roles = []gpai.Role{gpai.RoleAdmin, gpai.RoleOfficer, gpai.RoleViewer}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	s.renderUsers(w, r, http.StatusOK, u, nil, map[string]any{"Notice": doneNotice(r.URL.Query().Get("done"))})
}

// doneNotice returns the message confirming the action named by a
// redirect's done parameter, or "".
func doneNotice(done string) string {
	return map[string]string{
		"deleted": "The account was deleted.",
		"revoked": "The token was revoked: it no longer opens anything.",
		"role":    "The role was changed.",
		"disable": "The account was disabled and its sessions ended.",
		"enable":  "The account was enabled.",
	}[done]
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := r.PostForm.Get
	f := &userForm{Email: strings.TrimSpace(v("email")), Name: strings.TrimSpace(v("name")), Role: gpai.Role(v("role"))}
	pw, generated := v("password"), false
	if pw == "" {
		pw, generated = gpai.NewSecret()[:24], true
	}
	nu := &gpai.User{Email: f.Email, Name: f.Name, Role: f.Role}
	if err := s.Users.CreateUser(r.Context(), gpai.UserActor(u), nu, pw); err != nil {
		if code := gpai.ErrorCode(err); code == gpai.EINVALID || code == gpai.ECONFLICT {
			f.Message = "The account was not added: " + gpai.ErrorMessage(err) + "."
			s.renderUsers(w, r, http.StatusBadRequest, u, f, nil)
			return
		}
		s.Error(w, r, err)
		return
	}
	data := map[string]any{"Notice": fmt.Sprintf("Added %s as %s.", nu.Email, nu.Role)}
	if generated {
		// Shown once, on this response only: it is never stored.
		data["Password"], data["PasswordFor"] = pw, nu.Email
	}
	s.renderUsers(w, r, http.StatusOK, u, nil, data)
}

func (s *Server) findUser(r *http.Request) (*gpai.User, error) {
	id, err := pathID(r, "user")
	if err != nil {
		return nil, err
	}
	return s.Users.FindUserByID(r.Context(), id)
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u, target *gpai.User, msg string) {
	s.render(w, r, status, "user", map[string]any{"Title": "Account " + target.Email, "User": u, "Target": target,
		"Self": target.ID == u.ID, "Roles": roles, "Message": msg, "Notice": doneNotice(r.URL.Query().Get("done"))})
}

func (s *Server) handleUserView(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	target, err := s.findUser(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderUser(w, r, http.StatusOK, u, target, "")
}

func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	target, err := s.findUser(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	var upd gpai.UserUpdate
	action := r.PostForm.Get("action")
	switch action {
	case "role":
		role := gpai.Role(r.PostForm.Get("role"))
		upd.Role = &role
	case "disable", "enable":
		b := action == "disable"
		upd.Disabled = &b
	default:
		s.renderUser(w, r, http.StatusBadRequest, u, target, "Choose what to change: the role, or disable or enable the account.")
		return
	}
	// An admin cannot lock themselves out: another admin must do it, so
	// that there is always one admin left.
	if target.ID == u.ID {
		s.renderUser(w, r, http.StatusBadRequest, u, target, "You cannot change your own role or disable your own account: ask another admin.")
		return
	}
	if _, err := s.Users.UpdateUser(r.Context(), gpai.UserActor(u), target.ID, upd); err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			s.renderUser(w, r, http.StatusBadRequest, u, target, gpai.ErrorMessage(err)+".")
			return
		}
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/users/%d?done=%s", target.ID, action), http.StatusSeeOther)
}

func (s *Server) handleUserDelete(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	target, err := s.findUser(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if target.ID == u.ID {
		s.renderUser(w, r, http.StatusBadRequest, u, target, "You cannot delete your own account: ask another admin.")
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.renderUser(w, r, http.StatusBadRequest, u, target, "Tick the box to confirm that the account is to be deleted.")
		return
	}
	if err := s.Users.DeleteUser(r.Context(), gpai.UserActor(u), target.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/users?done=deleted", http.StatusSeeOther)
}

// tokenRow is one token as the list shows it.
type tokenRow struct {
	*gpai.Token
	State     string // active, expired or revoked
	CanRevoke bool
}

// canIssue reports whether role may issue and revoke tokens of kind:
// officers and admins downstream-provider tokens, only admins API tokens.
func canIssue(role gpai.Role, kind gpai.TokenKind) bool {
	switch kind {
	case gpai.TokenDownstream:
		return canChange(role)
	case gpai.TokenAPI:
		return role == gpai.RoleAdmin
	}
	return false
}

// tokenForm is what the token forms hold, with their message.
type tokenForm struct {
	Kind    gpai.TokenKind
	Name    string
	Scopes  []string
	Expires int
	Message string
}

// HasScope reports whether the form ticks scope sc.
func (f *tokenForm) HasScope(sc string) bool { return slices.Contains(f.Scopes, sc) }

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, u *gpai.User, f *tokenForm) {
	tokens, total, err := s.Tokens.FindTokens(r.Context(), gpai.TokenFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.Now()
	rows := make([]tokenRow, len(tokens))
	for i, t := range tokens {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case !t.Active(now):
			state = "expired"
		}
		rows[i] = tokenRow{Token: t, State: state, CanRevoke: t.RevokedAt == nil && canIssue(u.Role, t.Kind)}
	}
	type scope struct{ Name, Desc string }
	var scopes []scope
	for _, sc := range Scopes {
		scopes = append(scopes, scope{sc, scopeNames[sc]})
	}
	dp, api := &tokenForm{Kind: gpai.TokenDownstream, Expires: DefaultTokenExpiry}, &tokenForm{Kind: gpai.TokenAPI, Expires: DefaultTokenExpiry}
	if f != nil && f.Kind == gpai.TokenAPI {
		api = f
	} else if f != nil {
		dp = f
	}
	s.render(w, r, status, "tokens", map[string]any{"Title": "Access tokens", "User": u, "Rows": rows, "Total": total,
		"Downstream": dp, "API": api, "Scopes": scopes, "Expiries": TokenExpiries,
		"CanIssueDownstream": canIssue(u.Role, gpai.TokenDownstream), "CanIssueAPI": canIssue(u.Role, gpai.TokenAPI),
		"Notice": doneNotice(r.URL.Query().Get("done"))})
}

func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	s.renderTokens(w, r, http.StatusOK, u, nil)
}

func (s *Server) handleTokenIssue(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := r.PostForm.Get
	f := &tokenForm{Kind: gpai.TokenKind(v("kind")), Name: strings.TrimSpace(v("name")), Scopes: r.PostForm["scope"]}
	if f.Kind != gpai.TokenDownstream && f.Kind != gpai.TokenAPI {
		s.Error(w, r, gpai.Errorf(gpai.EINVALID, "unknown token kind %q: use downstream or api", f.Kind))
		return
	}
	if !canIssue(u.Role, f.Kind) {
		s.Audit.AppendAuditEvent(r.Context(), gpai.UserActor(u), "access.denied", "path:"+r.URL.Path, "role "+string(u.Role)+" issuing "+string(f.Kind)+" token")
		s.Error(w, r, httpError(http.StatusForbidden, "Only an admin may issue API tokens."))
		return
	}
	days, err := strconv.Atoi(v("expires"))
	if err != nil || !slices.Contains(TokenExpiries, days) {
		days = -1
	}
	f.Expires = days
	switch {
	case days < 0:
		f.Message = "Choose how long the token lasts."
	case f.Kind == gpai.TokenAPI && len(f.Scopes) == 0:
		f.Message = "Tick at least one scope: an API token without scopes can do nothing."
	case f.Kind == gpai.TokenDownstream:
		f.Scopes = nil // a downstream token opens the downstream view, by its kind
	}
	for _, sc := range f.Scopes {
		if !slices.Contains(Scopes, sc) {
			f.Message = fmt.Sprintf("Unknown scope %q.", sc)
		}
	}
	if f.Message != "" {
		s.renderTokens(w, r, http.StatusBadRequest, u, f)
		return
	}
	t := &gpai.Token{Name: f.Name, Kind: f.Kind, Scopes: f.Scopes}
	if days > 0 {
		exp := s.Now().Add(time.Duration(days) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	secret, err := s.Tokens.CreateToken(r.Context(), gpai.UserActor(u), t)
	if err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			f.Message = "The token was not issued: " + gpai.ErrorMessage(err) + "."
			s.renderTokens(w, r, http.StatusBadRequest, u, f)
			return
		}
		s.Error(w, r, err)
		return
	}
	// The secret is shown on this response only (no-store): it is never
	// stored and cannot be shown again.
	s.render(w, r, http.StatusOK, "token_issued", map[string]any{"Title": "Token issued", "User": u, "Token": t,
		"Secret": secret, "BaseURL": strings.TrimSuffix(s.Config.BaseURL, "/")})
}

func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	id, err := pathID(r, "token")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	t, err := s.Tokens.FindTokenByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !canIssue(u.Role, t.Kind) {
		s.Audit.AppendAuditEvent(r.Context(), gpai.UserActor(u), "access.denied", "path:"+r.URL.Path, "role "+string(u.Role)+" revoking "+string(t.Kind)+" token")
		s.Error(w, r, httpError(http.StatusForbidden, "Only an admin may revoke API tokens."))
		return
	}
	if err := s.Tokens.RevokeToken(r.Context(), gpai.UserActor(u), id); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/tokens?done=revoked", http.StatusSeeOther)
}
