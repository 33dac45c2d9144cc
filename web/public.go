package web

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/mail"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gpai-project/gpai"
)

func (s *Server) registerPublicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /docs/{file...}", s.handleDocument)
	mux.HandleFunc("GET /contact/{kind}", s.handleContactForm)
	mux.HandleFunc("POST /contact/{kind}", s.countSubmissions(s.handleContactSubmit))
	mux.HandleFunc("GET /receipt/{ref}", s.handleReceipt)
	mux.HandleFunc("GET /status", s.handleStatusForm)
	mux.HandleFunc("POST /status", s.handleStatusLookup)
}

// publicKinds are the kinds of case the public contact point takes.
var publicKinds = map[string]gpai.CaseKind{
	"complaint":   gpai.CaseComplaint,
	"reservation": gpai.CaseReservation,
	"information": gpai.CaseInformation,
}

type document struct {
	Path, Name, Type string
}

// documents lists the published files, sorted by path.
func (s *Server) documents() ([]document, error) {
	if s.Published == nil {
		return nil, nil
	}
	var docs []document
	err := fs.WalkDir(s.Published, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		switch ext {
		case ".html", ".md", ".pdf", ".json", ".txt", ".csv":
			docs = append(docs, document{Path: p, Name: p, Type: strings.TrimPrefix(ext, ".")})
		}
		return nil
	})
	sort.Slice(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
	return docs, err
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	docs, err := s.documents()
	if err != nil {
		s.Logger.Warn("list published documents", "err", err)
	}
	s.render(w, r, http.StatusOK, "home", map[string]any{"Title": "Contact point and published documents", "Documents": docs})
}

func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if s.Published == nil || !fs.ValidPath(name) || strings.Contains("/"+name, "/.") {
		s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no published document %q", name))
		return
	}
	b, err := fs.ReadFile(s.Published, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no published document %q", name))
			return
		}
		s.Error(w, r, err)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".txt", ".csv":
		ct = "text/plain; charset=utf-8"
	case "":
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", cspDocuments)
	w.Write(b)
}

// contactForm is what a contact form holds, with its messages.
type contactForm struct {
	Kind                                  gpai.CaseKind
	Slug                                  string
	Name, Email, Organisation, OnBehalfOf string
	Subject, Text, Targets, Model         string
	Errors                                map[string]string
	Message                               string
}

func (s *Server) handleContactForm(w http.ResponseWriter, r *http.Request) {
	kind, ok := publicKinds[r.PathValue("kind")]
	if !ok {
		s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no contact form %q: use complaint, reservation or information", r.PathValue("kind")))
		return
	}
	s.renderContact(w, r, http.StatusOK, &contactForm{Kind: kind, Slug: r.PathValue("kind")})
}

func (s *Server) renderContact(w http.ResponseWriter, r *http.Request, status int, f *contactForm) {
	s.render(w, r, status, "contact", map[string]any{"Title": kindName(f.Kind), "Form": f})
}

// parseForm bounds and parses a form body, returning an error whose message
// says what is wrong.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return httpError(http.StatusUnsupportedMediaType, "The form must be sent as application/x-www-form-urlencoded.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Config.MaxBodyBytes)
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(s.Config.MaxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return httpError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The form is too large: at most %d KiB can be sent. Shorten the text or split the list of works into several requests.", s.Config.MaxBodyBytes>>10))
		}
		return httpError(http.StatusBadRequest, "The form could not be read: "+err.Error())
	}
	for k, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return httpError(http.StatusBadRequest, fmt.Sprintf("The field %q contains bytes that are not text (invalid UTF-8).", k))
			}
		}
	}
	return nil
}

// parseTargets reads one work, URL or domain per line.
func parseTargets(s string) ([]gpai.Target, error) {
	var ts []gpai.Target
	for _, line := range strings.Split(s, "\n") {
		v := strings.TrimSpace(line)
		if v == "" {
			continue
		}
		t := gpai.Target{Kind: gpai.TargetWork, Value: v}
		lv := strings.ToLower(v)
		switch {
		case strings.HasPrefix(lv, "http://") || strings.HasPrefix(lv, "https://"):
			t.Kind = gpai.TargetURL
		case strings.HasPrefix(lv, "domain:"):
			t.Kind, t.Value = gpai.TargetDomain, strings.TrimSpace(lv[len("domain:"):])
		case looksLikeDomain(v):
			t.Kind = gpai.TargetDomain
		}
		n, err := gpai.NormalizeTarget(t)
		if err != nil {
			return nil, err
		}
		ts = append(ts, n)
	}
	if len(ts) > gpai.MaxTargets {
		return nil, gpai.Errorf(gpai.EINVALID, "at most %d works, URLs or domains per request", gpai.MaxTargets)
	}
	return ts, nil
}

// looksLikeDomain reports whether a line is a host name such as
// example.org rather than the title or identifier of a work: one word with
// a dot, not ending in a digit (so that "1.5" or a version stays a work).
func looksLikeDomain(v string) bool {
	return strings.Contains(v, ".") && !strings.ContainsAny(v, " /:@\t?#") &&
		!strings.ContainsAny(v[len(v)-1:], "0123456789")
}

// check validates every field and fills f.Errors.
func (f *contactForm) check() []gpai.Target {
	f.Errors = map[string]string{}
	if a, err := mail.ParseAddress(f.Email); f.Email == "" || err != nil || a.Address != f.Email {
		f.Errors["email"] = "Enter an e-mail address such as name@example.org, so that we can answer you."
	}
	for _, fld := range []struct{ key, label, v string }{
		{"name", "Name", f.Name}, {"organisation", "Organisation", f.Organisation},
		{"onbehalfof", "On behalf of", f.OnBehalfOf}, {"model", "Model", f.Model},
	} {
		if utf8.RuneCountInString(fld.v) > 500 {
			f.Errors[fld.key] = fld.label + " can have at most 500 characters."
		}
	}
	if n := utf8.RuneCountInString(f.Subject); n == 0 || n > gpai.MaxSubjectLen {
		f.Errors["subject"] = fmt.Sprintf("Give a subject of 1 to %d characters.", gpai.MaxSubjectLen)
	}
	if n := utf8.RuneCountInString(f.Text); strings.TrimSpace(f.Text) == "" || n > gpai.MaxTextLen {
		f.Errors["text"] = fmt.Sprintf("Describe your request in 1 to %d characters.", gpai.MaxTextLen)
	}
	ts, err := parseTargets(f.Targets)
	if err != nil {
		f.Errors["targets"] = gpai.ErrorMessage(err) + "."
	} else if f.Kind == gpai.CaseReservation && len(ts) == 0 {
		f.Errors["targets"] = "Name at least one work, URL or domain that you reserve."
	}
	return ts
}

func (s *Server) handleContactSubmit(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("kind")
	kind, ok := publicKinds[slug]
	if !ok {
		s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no contact form %q", slug))
		return
	}
	if ok, wait := s.submits.allow(clientIP(r), s.Now()); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		s.Error(w, r, httpError(http.StatusTooManyRequests, fmt.Sprintf("Too many requests were sent from your address. Please try again in %d seconds.", int(wait.Seconds())+1)))
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := r.PostForm.Get
	f := &contactForm{Kind: kind, Slug: slug,
		Name: strings.TrimSpace(v("name")), Email: strings.TrimSpace(v("email")),
		Organisation: strings.TrimSpace(v("organisation")), OnBehalfOf: strings.TrimSpace(v("onbehalfof")),
		Subject: strings.TrimSpace(v("subject")), Text: v("text"), Targets: v("targets"), Model: strings.TrimSpace(v("model"))}
	ts := f.check()
	if len(f.Errors) > 0 {
		f.Message = "Please correct the fields marked below."
		s.renderContact(w, r, http.StatusBadRequest, f)
		return
	}
	c := &gpai.Case{Kind: kind, Subject: f.Subject, Text: f.Text, Targets: ts, Model: f.Model,
		Submitter: gpai.Submitter{Name: f.Name, Email: f.Email, Organisation: f.Organisation, OnBehalfOf: f.OnBehalfOf}}
	// The case is durably stored when CreateCase returns nil; only then
	// does the submitter see a reference.
	if err := s.Cases.CreateCase(r.Context(), gpai.PublicActor, c); err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			f.Message = gpai.ErrorMessage(err)
			s.renderContact(w, r, http.StatusBadRequest, f)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.Logger.Info("case received", "reference", c.Reference, "kind", c.Kind)
	http.Redirect(w, r, "/receipt/"+c.Reference, http.StatusSeeOther)
}

func (s *Server) handleReceipt(w http.ResponseWriter, r *http.Request) {
	c, err := s.Cases.FindCaseByReference(r.Context(), r.PathValue("ref"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The receipt shows only what the reference itself tells: no
	// personal data of the submitter.
	s.render(w, r, http.StatusOK, "receipt", map[string]any{"Title": "Your request was received", "Case": c, "BaseURL": s.Config.BaseURL})
}

func (s *Server) handleStatusForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "status", map[string]any{"Title": "Where is my request?"})
}

func (s *Server) handleStatusLookup(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.submits.allow("status:"+clientIP(r), s.Now()); !ok {
		s.Error(w, r, httpError(http.StatusTooManyRequests, fmt.Sprintf("Too many look-ups from your address. Please try again in %d seconds.", int(wait.Seconds())+1)))
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	ref, email := strings.TrimSpace(r.PostForm.Get("reference")), strings.TrimSpace(r.PostForm.Get("email"))
	data := map[string]any{"Title": "Where is my request?", "Reference": ref, "Email": email}
	c, err := s.Cases.FindCaseByReference(r.Context(), ref)
	if err != nil && gpai.ErrorCode(err) != gpai.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	if err != nil || !strings.EqualFold(c.Submitter.Email, email) {
		data["Message"] = "We found no request with that reference and e-mail address. Check both: the reference is on your receipt, and the address is the one you gave."
		s.render(w, r, http.StatusNotFound, "status", data)
		return
	}
	var events []*gpai.CaseEvent
	for _, e := range c.Events {
		if e.Type == gpai.CaseEventCreated || e.Type == gpai.CaseEventStatus || e.Type == gpai.CaseEventReply {
			events = append(events, e)
		}
	}
	data["Case"] = c
	data["Events"] = events
	s.render(w, r, http.StatusOK, "status", data)
}
