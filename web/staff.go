package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// sessionCookie holds a staff session's secret.
const sessionCookie = "gpai_session"

func (s *Server) registerStaffRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /staff/login", s.handleLoginForm)
	mux.HandleFunc("POST /staff/login", s.countSignIns(s.handleLogin))
	mux.HandleFunc("POST /staff/logout", s.handleLogout)
	mux.HandleFunc("GET /staff", s.staff(s.handleInbox))
	mux.HandleFunc("GET /staff/cases/{id}", s.staff(s.handleCaseView))
	mux.HandleFunc("POST /staff/cases/{id}", s.staff(s.changer(s.handleCaseUpdate)))
	mux.HandleFunc("POST /staff/cases/{id}/accept", s.staff(s.changer(s.handleReservationAccept)))
	s.registerAuthorityRoutes(mux)
	s.registerAdminRoutes(mux)
	s.registerDashboardRoutes(mux)
}

type staffHandler func(w http.ResponseWriter, r *http.Request, u *gpai.User)

// currentUser returns the signed-in user of r, or nil.
func (s *Server) currentSession(ctx context.Context, r *http.Request) *gpai.Session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := s.Sessions.FindSessionBySecret(ctx, ck.Value)
	if err != nil {
		return nil
	}
	return sess
}

// staff requires a signed-in user.
func (s *Server) staff(h staffHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.currentSession(r.Context(), r)
		if sess == nil || sess.User == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/staff/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
				return
			}
			s.Error(w, r, gpai.Errorf(gpai.EUNAUTHORIZED, "Your session has ended. Sign in again."))
			return
		}
		h(w, r, sess.User)
	}
}

// canChange reports whether role may change cases.
func canChange(r gpai.Role) bool { return r == gpai.RoleAdmin || r == gpai.RoleOfficer }

// changer requires an officer or admin.
func (s *Server) changer(h staffHandler) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, u *gpai.User) {
		if !canChange(u.Role) {
			s.Audit.AppendAuditEvent(r.Context(), gpai.UserActor(u), "access.denied", "path:"+r.URL.Path, "role "+string(u.Role))
			s.Error(w, r, httpError(http.StatusForbidden, "Your role ("+string(u.Role)+") may read cases but not change them."))
			return
		}
		h(w, r, u)
	}
}

// setCookie sets an HTTP-only cookie lasting until expires by the
// server's clock (as Max-Age, so that the browser's clock does not matter);
// an expiry not after now deletes it.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, expires time.Time) {
	maxAge := int(expires.Sub(s.Now()).Seconds())
	if maxAge <= 0 {
		maxAge, value = -1, ""
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: s.Config.SecureCookies, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/staff") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/staff"
	}
	return next
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", map[string]any{"Title": "Staff sign-in", "Next": safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	pw := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	now := s.Now()
	ipKey, acctKey := "ip:"+clientIP(r), "acct:"+email
	data := map[string]any{"Title": "Staff sign-in", "Email": email, "Next": next}
	if wait := max(s.logins.blocked(ipKey, now), s.logins.blocked(acctKey, now)); wait > 0 {
		s.Audit.AppendAuditEvent(r.Context(), gpai.PublicActor, "session.throttled", "user:"+email, "ip "+clientIP(r))
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		data["Message"] = fmt.Sprintf("Too many failed sign-ins. Try again in %d seconds.", int(wait.Seconds())+1)
		s.render(w, r, http.StatusTooManyRequests, "login", data)
		return
	}
	u, err := s.Users.Authenticate(r.Context(), email, pw)
	if err != nil {
		if gpai.ErrorCode(err) != gpai.EUNAUTHORIZED {
			s.Error(w, r, err)
			return
		}
		s.logins.fail(ipKey, now)
		s.logins.fail(acctKey, now)
		s.Audit.AppendAuditEvent(r.Context(), gpai.PublicActor, "session.login_failed", "user:"+email, "ip "+clientIP(r))
		data["Message"] = "The e-mail address or the password is wrong."
		s.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}
	s.logins.reset(acctKey)
	s.logins.reset(ipKey)
	sess, secret, err := s.Sessions.CreateSession(r.Context(), u.ID, s.Config.SessionTTL)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setCookie(w, sessionCookie, secret, sess.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if sess := s.currentSession(r.Context(), r); sess != nil {
		if err := s.Sessions.DeleteSession(r.Context(), sess.ID); err != nil && gpai.ErrorCode(err) != gpai.ENOTFOUND {
			s.Error(w, r, err)
			return
		}
	}
	s.setCookie(w, sessionCookie, "", time.Unix(1, 0))
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	q := r.URL.Query()
	f := gpai.CaseFilter{Limit: 100}
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
		f.Offset = off
	}
	kind := gpai.CaseKind(q.Get("kind"))
	if kind.Valid() {
		f.Kind = &kind
	} else {
		kind = ""
	}
	state := inboxState(q)
	if state != "all" {
		open := state == "open"
		f.Open = &open
	}
	cases, total, err := s.Cases.FindCases(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.Now()
	type row struct {
		*gpai.Case
		IsOverdue bool
		Left      string
	}
	rows := make([]row, len(cases))
	for i, c := range cases {
		rows[i] = row{Case: c, IsOverdue: c.Overdue(now), Left: clock(c, now)}
	}
	s.render(w, r, http.StatusOK, "inbox", map[string]any{"Title": "Inbox", "User": u, "Rows": rows, "Total": total,
		"State": state, "Kind": kind, "KindLinks": kindLinks(kind, state), "StateLinks": stateLinks(kind, state),
		"CanChange": canChange(u.Role)})
}

// clock says how long a case has left, or how late it is.
func clock(c *gpai.Case, now time.Time) string {
	if c.Status.Final() {
		return "closed"
	}
	d := c.DueAt.Sub(now)
	days := func(d time.Duration) string {
		n := int(d.Hours() / 24)
		if n == 1 {
			return "1 day"
		}
		if n == 0 {
			return fmt.Sprintf("%d hours", int(d.Hours()))
		}
		return fmt.Sprintf("%d days", n)
	}
	if d < 0 {
		return days(-d) + " overdue"
	}
	return days(d) + " left"
}

func (s *Server) findCase(r *http.Request) (*gpai.Case, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "no case %q", r.PathValue("id"))
	}
	return s.Cases.FindCaseByID(r.Context(), id)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, u *gpai.User, c *gpai.Case, msg, notice string) {
	var next []gpai.CaseStatus
	for _, st := range gpai.CaseStatuses {
		if gpai.CheckTransition(c.Status, st, u.Role) == nil {
			next = append(next, st)
		}
	}
	var reserved []*gpai.Reservation
	if c.Kind == gpai.CaseReservation {
		id := c.ID
		reserved, _, _ = s.Reservations.FindReservations(r.Context(), gpai.ReservationFilter{CaseID: &id})
	}
	s.render(w, r, status, "case", map[string]any{"Title": "Case " + c.Reference, "User": u, "Case": c,
		"Overdue": c.Overdue(s.Now()), "Left": clock(c, s.Now()), "Next": next, "CanChange": canChange(u.Role),
		"Message": msg, "Notice": notice, "Reserved": reserved})
}

func (s *Server) handleCaseView(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderCase(w, r, http.StatusOK, u, c, "", r.URL.Query().Get("done"))
}

func (s *Server) handleCaseUpdate(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	var upd gpai.CaseUpdate
	v := r.PostForm.Get
	if st := v("status"); st != "" {
		cs := gpai.CaseStatus(st)
		upd.Status = &cs
		if reason := strings.TrimSpace(v("reason")); reason != "" || cs.NeedsReason() {
			upd.Reason = &reason
		}
	}
	if n := v("note"); strings.TrimSpace(n) != "" {
		upd.Note = &n
	}
	if rp := v("reply"); strings.TrimSpace(rp) != "" {
		upd.Reply = &rp
	}
	if upd.Status != nil && upd.Status.NeedsReason() && strings.TrimSpace(*upd.Reason) == "" {
		s.renderCase(w, r, http.StatusBadRequest, u, c, "Give the reason for a "+statusName(*upd.Status)+" decision: the record must show why.", "")
		return
	}
	updated, err := s.Cases.UpdateCase(r.Context(), gpai.UserActor(u), c.ID, upd)
	if err != nil {
		if code := gpai.ErrorCode(err); code == gpai.EINVALID || code == gpai.EUNAUTHORIZED {
			s.renderCase(w, r, http.StatusBadRequest, u, c, gpai.ErrorMessage(err), "")
			return
		}
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?done=saved", updated.ID), http.StatusSeeOther)
}

// acceptReservation adds every target of a reservation case to the
// registry, skipping targets already reserved, and resolves the case.
func (s *Server) acceptReservation(ctx context.Context, actor gpai.Actor, c *gpai.Case, note string) (int, error) {
	if c.Kind != gpai.CaseReservation {
		return 0, gpai.Errorf(gpai.EINVALID, "only a rights reservation can be accepted")
	}
	n := 0
	for _, t := range c.Targets {
		res := &gpai.Reservation{Target: t, CaseID: c.ID, Note: note}
		if err := s.Reservations.CreateReservation(ctx, actor, res); err != nil {
			if gpai.ErrorCode(err) == gpai.ECONFLICT {
				continue
			}
			return n, err
		}
		n++
	}
	if !c.Status.Final() {
		st, reason := gpai.CaseResolved, fmt.Sprintf("reservation accepted: %d targets added to the registry", n)
		if _, err := s.Cases.UpdateCase(ctx, actor, c.ID, gpai.CaseUpdate{Status: &st, Reason: &reason}); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Server) handleReservationAccept(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := s.acceptReservation(r.Context(), gpai.UserActor(u), c, strings.TrimSpace(r.PostForm.Get("note"))); err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			s.renderCase(w, r, http.StatusBadRequest, u, c, gpai.ErrorMessage(err), "")
			return
		}
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?done=accepted", c.ID), http.StatusSeeOther)
}
