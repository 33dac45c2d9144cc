package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gpai-project/gpai"
)

// API token scopes.
const (
	ScopeCasesRead  = "cases:read"
	ScopeCasesWrite = "cases:write"
	ScopeDocsRead   = "docs:read"
)

func (s *Server) registerAPIRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/cases", s.api(ScopeCasesRead, s.handleAPICaseList))
	mux.HandleFunc("POST /api/cases", s.api(ScopeCasesWrite, s.handleAPICaseCreate))
	mux.HandleFunc("GET /api/cases/{id}", s.api(ScopeCasesRead, s.handleAPICaseView))
	mux.HandleFunc("PATCH /api/cases/{id}", s.api(ScopeCasesWrite, s.handleAPICaseUpdate))
	mux.HandleFunc("POST /api/cases/{id}/accept", s.api(ScopeCasesWrite, s.handleAPIReservationAccept))
	mux.HandleFunc("GET /api/reservations", s.handleAPIReservations)
	mux.HandleFunc("GET /api/documentation", s.handleAPIDocumentation)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no API endpoint %s %s; see /api/openapi.json", r.Method, r.URL.Path))
	})
}

type apiHandler func(w http.ResponseWriter, r *http.Request, t *gpai.Token)

// api requires an API token with scope.
func (s *Server) api(scope string, h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret := bearer(r)
		if secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gpai"`)
			s.Error(w, r, gpai.Errorf(gpai.EUNAUTHORIZED, "send an API token in the Authorization: Bearer header"))
			return
		}
		t, err := s.Tokens.FindTokenBySecret(r.Context(), secret)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gpai", error="invalid_token"`)
			s.Error(w, r, err)
			return
		}
		if t.Kind != gpai.TokenAPI || !t.HasScope(scope) {
			s.Error(w, r, httpError(http.StatusForbidden, fmt.Sprintf("this token may not do this: it needs an API token with scope %s", scope)))
			return
		}
		h(w, r, t)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// decode reads a bounded JSON body into v, refusing unknown fields.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return httpError(http.StatusUnsupportedMediaType, "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.Config.MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return gpai.Errorf(gpai.EINVALID, "malformed JSON body: %v", err)
	}
	if dec.Decode(new(json.RawMessage)) != io.EOF {
		return gpai.Errorf(gpai.EINVALID, "malformed JSON body: one object expected")
	}
	return nil
}

func (s *Server) handleAPICaseList(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	q := r.URL.Query()
	f := gpai.CaseFilter{Limit: 100}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		f.Offset = n
	}
	if k := q.Get("kind"); k != "" {
		kind := gpai.CaseKind(k)
		f.Kind = &kind
	}
	if st := q.Get("status"); st != "" {
		cs := gpai.CaseStatus(st)
		f.Status = &cs
	}
	if o := q.Get("open"); o != "" {
		b := o == "true"
		f.Open = &b
	}
	cases, total, err := s.Cases.FindCases(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if cases == nil {
		cases = []*gpai.Case{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cases, "total": total})
}

// apiCaseInput is the body of POST /api/cases.
type apiCaseInput struct {
	Kind       gpai.CaseKind  `json:"kind"`
	Submitter  gpai.Submitter `json:"submitter"`
	Subject    string         `json:"subject"`
	Text       string         `json:"text"`
	Targets    []gpai.Target  `json:"targets"`
	Model      string         `json:"model"`
	LegalBasis string         `json:"legalBasis"`
	Purpose    string         `json:"purpose"`
	Deadline   *time.Time     `json:"deadline"`
}

func (s *Server) handleAPICaseCreate(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	var in apiCaseInput
	if err := s.decode(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c := &gpai.Case{Kind: in.Kind, Submitter: in.Submitter, Subject: in.Subject, Text: in.Text, Targets: in.Targets,
		Model: in.Model, LegalBasis: in.LegalBasis, Purpose: in.Purpose, Deadline: in.Deadline}
	if err := s.Cases.CreateCase(r.Context(), gpai.TokenActor(t), c); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/cases/%d", c.ID))
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleAPICaseView(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// apiCaseUpdate is the body of PATCH /api/cases/{id}.
type apiCaseUpdate struct {
	Status *gpai.CaseStatus `json:"status"`
	Reason *string          `json:"reason"`
	Note   *string          `json:"note"`
	Reply  *string          `json:"reply"`
}

func (s *Server) handleAPICaseUpdate(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	var in apiCaseUpdate
	if err := s.decode(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err = s.Cases.UpdateCase(r.Context(), gpai.TokenActor(t), c.ID, gpai.CaseUpdate{Status: in.Status, Reason: in.Reason, Note: in.Note, Reply: in.Reply})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAPIReservationAccept(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	c, err := s.findCase(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.acceptReservation(r.Context(), gpai.TokenActor(t), c, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"added": n})
}

// handleAPIReservations serves the public registry of accepted
// reservations, which crawlers read.
func (s *Server) handleAPIReservations(w http.ResponseWriter, r *http.Request) {
	res, total, err := s.Reservations.FindReservations(r.Context(), gpai.ReservationFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type entry struct {
		Kind       gpai.TargetKind `json:"kind"`
		Value      string          `json:"value"`
		AcceptedAt time.Time       `json:"acceptedAt"`
	}
	out := make([]entry, len(res))
	for i, v := range res {
		out[i] = entry{v.Kind, v.Value, v.AcceptedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"reservations": out, "total": total})
}

// handleAPIDocumentation serves the downstream providers' view as JSON to
// a downstream token or an API token with docs:read.
func (s *Server) handleAPIDocumentation(w http.ResponseWriter, r *http.Request) {
	t := s.downstreamToken(r.Context(), r)
	if t == nil {
		if secret := bearer(r); secret != "" {
			if at, err := s.Tokens.FindTokenBySecret(r.Context(), secret); err == nil && at.HasScope(ScopeDocsRead) {
				t = at
			}
		}
	}
	if t == nil {
		s.Error(w, r, gpai.Errorf(gpai.EUNAUTHORIZED, "send a downstream-provider token in the Authorization: Bearer header"))
		return
	}
	v, err := s.dpView(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if v == nil {
		s.Error(w, r, gpai.Errorf(gpai.ENOTFOUND, "no documentation is published"))
		return
	}
	writeJSON(w, http.StatusOK, v)
}
