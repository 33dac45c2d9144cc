package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gpai-project/gpai"
)

func (s *Server) registerAuthorityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /staff/authority", s.staff(s.changer(s.handleAuthorityForm)))
	mux.HandleFunc("POST /staff/authority", s.staff(s.changer(s.handleAuthorityCreate)))
}

// authorityForm is what the form "Record an authority request" holds, with
// its messages.
type authorityForm struct {
	Organisation, Name, Email     string
	Subject, Text, Model          string
	LegalBasis, Purpose, Deadline string
	Errors                        map[string]string
	Message                       string
}

// deadlineLayout is the format of the deadline field (an HTML date input).
const deadlineLayout = "2006-01-02"

// parseDeadline reads a YYYY-MM-DD date as the end of that day in UTC: a
// period that ends "by 30 April" still runs on 30 April.
func parseDeadline(v string) (time.Time, error) {
	d, err := time.Parse(deadlineLayout, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(24*time.Hour - time.Second), nil
}

// check validates every field as gpai.ValidateCase will, so that the form
// can mark each problem beside its field, and returns the deadline.
func (f *authorityForm) check() *time.Time {
	f.Errors = map[string]string{}
	if a, err := mail.ParseAddress(f.Email); f.Email == "" || err != nil || a.Address != f.Email {
		f.Errors["email"] = "Enter the authority's contact e-mail address, such as name@ec.europa.eu."
	}
	for _, fld := range []struct{ key, label, v string }{
		{"organisation", "Requesting authority", f.Organisation}, {"name", "Contact person", f.Name},
		{"model", "Model", f.Model}, {"legalbasis", "Legal basis", f.LegalBasis}, {"purpose", "Purpose", f.Purpose},
	} {
		if utf8.RuneCountInString(fld.v) > 500 {
			f.Errors[fld.key] = fld.label + " can have at most 500 characters."
		}
	}
	if f.LegalBasis == "" {
		f.Errors["legalbasis"] = "State the legal basis the request cites (for example Article 91 of the AI Act): an authority request must give it."
	}
	if f.Purpose == "" {
		f.Errors["purpose"] = "State the purpose of the request: an authority request must give it."
	}
	var deadline *time.Time
	if f.Deadline == "" {
		f.Errors["deadline"] = "Give the deadline the request sets."
	} else if d, err := parseDeadline(f.Deadline); err != nil {
		f.Errors["deadline"] = "Give the deadline as a date, such as 2026-04-30."
	} else {
		deadline = &d
	}
	if n := utf8.RuneCountInString(f.Subject); n == 0 || n > gpai.MaxSubjectLen {
		f.Errors["subject"] = fmt.Sprintf("Give a subject of 1 to %d characters.", gpai.MaxSubjectLen)
	}
	if n := utf8.RuneCountInString(f.Text); strings.TrimSpace(f.Text) == "" || n > gpai.MaxTextLen {
		f.Errors["text"] = fmt.Sprintf("Give the text of the request in 1 to %d characters.", gpai.MaxTextLen)
	}
	return deadline
}

func (s *Server) renderAuthority(w http.ResponseWriter, r *http.Request, status int, u *gpai.User, f *authorityForm) {
	s.render(w, r, status, "authority", map[string]any{"Title": "Record an authority request", "User": u, "Form": f})
}

func (s *Server) handleAuthorityForm(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	s.renderAuthority(w, r, http.StatusOK, u, &authorityForm{})
}

func (s *Server) handleAuthorityCreate(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := &authorityForm{Organisation: v("organisation"), Name: v("name"), Email: v("email"),
		Subject: v("subject"), Text: r.PostForm.Get("text"), Model: v("model"),
		LegalBasis: v("legalbasis"), Purpose: v("purpose"), Deadline: v("deadline")}
	deadline := f.check()
	if len(f.Errors) > 0 {
		f.Message = "The request was not recorded. Correct the fields marked below."
		s.renderAuthority(w, r, http.StatusBadRequest, u, f)
		return
	}
	c := &gpai.Case{Kind: gpai.CaseAuthority, Subject: f.Subject, Text: f.Text, Model: f.Model,
		LegalBasis: f.LegalBasis, Purpose: f.Purpose, Deadline: deadline,
		Submitter: gpai.Submitter{Name: f.Name, Email: f.Email, Organisation: f.Organisation}}
	if err := s.Cases.CreateCase(r.Context(), gpai.UserActor(u), c); err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			f.Message = "The request was not recorded: " + gpai.ErrorMessage(err) + "."
			s.renderAuthority(w, r, http.StatusBadRequest, u, f)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.Logger.Info("authority request recorded", "reference", c.Reference, "by", u.Email)
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?done=recorded", c.ID), http.StatusSeeOther)
}
