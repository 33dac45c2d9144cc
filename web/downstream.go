package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/render"
)

// downstreamCookie holds a downstream provider's token secret.
const downstreamCookie = "gpai_downstream"

func (s *Server) registerDownstreamRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /downstream", s.handleDownstreamView)
	mux.HandleFunc("POST /downstream/login", s.handleDownstreamLogin)
	mux.HandleFunc("POST /downstream/logout", s.handleDownstreamLogout)
	mux.HandleFunc("POST /downstream/requests", s.handleDownstreamRequest)
}

// bearer returns the secret of an "Authorization: Bearer" header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// downstreamToken returns the active downstream token that r carries, in
// its cookie or an Authorization header, or nil.
func (s *Server) downstreamToken(ctx context.Context, r *http.Request) *gpai.Token {
	secret := bearer(r)
	if secret == "" {
		if ck, err := r.Cookie(downstreamCookie); err == nil {
			secret = ck.Value
		}
	}
	if secret == "" {
		return nil
	}
	t, err := s.Tokens.FindTokenBySecret(ctx, secret)
	if err != nil || t.Kind != gpai.TokenDownstream {
		return nil
	}
	return t
}

// dpView returns the downstream providers' view of the documentation:
// only the items ticked for them (render.NewDocView with gpai.DP).
func (s *Server) dpView(ctx context.Context) (*render.DocView, error) {
	if s.Documentation == nil {
		return nil, nil
	}
	doc, err := s.Documentation(ctx)
	if err != nil {
		return nil, err
	}
	return render.NewDocView(doc, gpai.DP)
}

func (s *Server) handleDownstreamView(w http.ResponseWriter, r *http.Request) {
	t := s.downstreamToken(r.Context(), r)
	if t == nil {
		s.render(w, r, http.StatusOK, "downstream_login", map[string]any{"Title": "Documentation for downstream providers"})
		return
	}
	s.renderDownstream(w, r, http.StatusOK, t, map[string]any{})
}

func (s *Server) renderDownstream(w http.ResponseWriter, r *http.Request, status int, t *gpai.Token, data map[string]any) {
	v, err := s.dpView(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data["Title"] = "Documentation for downstream providers"
	data["Token"] = t
	data["Doc"] = v
	s.render(w, r, status, "downstream", data)
}

func (s *Server) handleDownstreamLogin(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.submits.allow("dp:"+clientIP(r), s.Now()); !ok {
		s.Error(w, r, httpError(http.StatusTooManyRequests, "Too many attempts. Try again in "+wait.Round(time.Second).String()+"."))
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	secret := strings.TrimSpace(r.PostForm.Get("token"))
	t, err := s.Tokens.FindTokenBySecret(r.Context(), secret)
	if err != nil || t.Kind != gpai.TokenDownstream {
		s.Audit.AppendAuditEvent(r.Context(), gpai.PublicActor, "token.rejected", "downstream", "ip "+clientIP(r))
		s.render(w, r, http.StatusUnauthorized, "downstream_login", map[string]any{"Title": "Documentation for downstream providers",
			"Message": "This access token is not valid, or has expired or been revoked."})
		return
	}
	exp := s.Now().Add(s.Config.SessionTTL)
	if t.ExpiresAt != nil && t.ExpiresAt.Before(exp) {
		exp = *t.ExpiresAt
	}
	s.setCookie(w, downstreamCookie, secret, exp)
	http.Redirect(w, r, "/downstream", http.StatusSeeOther)
}

func (s *Server) handleDownstreamLogout(w http.ResponseWriter, r *http.Request) {
	s.setCookie(w, downstreamCookie, "", time.Unix(1, 0))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleDownstreamRequest(w http.ResponseWriter, r *http.Request) {
	t := s.downstreamToken(r.Context(), r)
	if t == nil {
		s.Error(w, r, gpai.Errorf(gpai.EUNAUTHORIZED, "Your access token is not valid any more. Open the documentation page again with a valid token."))
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := r.PostForm.Get
	c := &gpai.Case{Kind: gpai.CaseDownstream, Subject: v("subject"), Text: v("text"),
		Submitter: gpai.Submitter{Name: strings.TrimSpace(v("name")), Email: strings.TrimSpace(v("email")), Organisation: t.Name}}
	if err := s.Cases.CreateCase(r.Context(), gpai.TokenActor(t), c); err != nil {
		if gpai.ErrorCode(err) == gpai.EINVALID {
			s.renderDownstream(w, r, http.StatusBadRequest, t, map[string]any{"Message": gpai.ErrorMessage(err),
				"Email": v("email"), "Name": v("name"), "Subject": v("subject"), "Text": v("text")})
			return
		}
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/receipt/"+c.Reference, http.StatusSeeOther)
}
