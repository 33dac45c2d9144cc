// Package web is gpai's HTTP server: the public contact point where rights
// holders file complaints, reservations and requests; the published
// documents; the staff inbox with legal clocks; the downstream-provider
// view of the documentation; and a JSON API for machines.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openapiJSON []byte

// Config is the server's configuration.
type Config struct {
	// Addr is the address to listen on, e.g. ":8080" or "127.0.0.1:0".
	Addr string
	// BaseURL is the public URL of the server, e.g. https://ai.example.org,
	// used in receipts; "" uses relative links.
	BaseURL string
	// Provider names the model provider in page headings.
	Provider string
	// SecureCookies marks cookies Secure. Leave it on except for tests or
	// plain-HTTP development on loopback.
	SecureCookies bool
	// PublishDir is the folder of published documents (e.g. the outputs of
	// gpai copyright render and gpai summary build) when Published is nil.
	PublishDir string
	// SessionTTL is how long a staff session lasts (default
	// gpai.DefaultSessionTTL).
	SessionTTL time.Duration
	// SubmitBurst and SubmitEvery set the per-IP rate limit of public
	// submissions: a bucket of SubmitBurst tokens refilled one per
	// SubmitEvery (defaults 10 and 30s).
	SubmitBurst int
	SubmitEvery time.Duration
	// MaxLoginFailures is how many failed sign-ins an account or an IP
	// address may make before sign-ins are refused for LoginBackoff,
	// doubling with each further failure (defaults 5 and 30s).
	MaxLoginFailures int
	LoginBackoff     time.Duration
	// MaxBodyBytes bounds the body of a form or API request (default 64 KiB).
	MaxBodyBytes int64
	// MetricsAddr is the address of a separate listener that serves
	// Prometheus metrics at GET /metrics without authentication, e.g.
	// "127.0.0.1:9090". If it is empty, the main listener serves
	// /metrics to API tokens with ScopeMetricsRead instead.
	MetricsAddr string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// gives the client's address (see ClientAddr); from any other peer
	// the header is ignored.
	TrustedProxies []netip.Prefix
}

// DefaultConfig returns the configuration of a production server on :8080.
func DefaultConfig() Config {
	return Config{
		Addr:             ":8080",
		Provider:         "The provider",
		SecureCookies:    true,
		SessionTTL:       gpai.DefaultSessionTTL,
		SubmitBurst:      10,
		SubmitEvery:      30 * time.Second,
		MaxLoginFailures: 5,
		LoginBackoff:     30 * time.Second,
		MaxBodyBytes:     64 << 10,
	}
}

// Server serves gpai's pages and API over the services.
type Server struct {
	Cases        gpai.CaseService
	Users        gpai.UserService
	Sessions     gpai.SessionService
	Tokens       gpai.TokenService
	Audit        gpai.AuditService
	Reservations gpai.ReservationService

	// Documentation returns the current Model Documentation Form, derived,
	// for the downstream-provider view; nil means none is configured.
	Documentation func(ctx context.Context) (*gpai.Documentation, error)
	// Dossiers returns the state of every model's dossier for the staff
	// dashboard (/staff/dossiers); nil means none is configured. A dossier
	// that cannot be loaded is a report with Error set, not an error.
	Dossiers func(ctx context.Context) ([]DossierReport, error)
	// Published holds the published documents; nil uses Config.PublishDir.
	Published fs.FS
	// Ready reports whether the server can serve (readiness probe); nil
	// asks the case service for one case.
	Ready func(ctx context.Context) error

	Logger *slog.Logger     // nil discards
	Now    func() time.Time // nil is time.Now
	Config Config

	ln      net.Listener
	srv     *http.Server
	stop    chan struct{}
	swept   chan struct{}
	handler http.Handler
	pages   map[string]*template.Template
	submits *limiter
	logins  *throttle
	metrics *metrics
}

// Init prepares the server's routes and templates; Handler and Open call
// it. It returns an error if a template does not parse.
func (s *Server) Init() error {
	if s.handler != nil {
		return nil
	}
	def := DefaultConfig()
	c := &s.Config
	if c.SessionTTL <= 0 {
		c.SessionTTL = def.SessionTTL
	}
	if c.SubmitBurst <= 0 {
		c.SubmitBurst = def.SubmitBurst
	}
	if c.SubmitEvery <= 0 {
		c.SubmitEvery = def.SubmitEvery
	}
	if c.MaxLoginFailures <= 0 {
		c.MaxLoginFailures = def.MaxLoginFailures
	}
	if c.LoginBackoff <= 0 {
		c.LoginBackoff = def.LoginBackoff
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = def.MaxBodyBytes
	}
	if c.Provider == "" {
		c.Provider = def.Provider
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Published == nil && c.PublishDir != "" {
		s.Published = os.DirFS(c.PublishDir)
	}
	if err := s.parseTemplates(); err != nil {
		return err
	}
	s.submits = newLimiter(c.SubmitBurst, c.SubmitEvery, 10000)
	s.logins = newThrottle(c.MaxLoginFailures, c.LoginBackoff, 10000)
	c.TrustedProxies = normalPrefixes(c.TrustedProxies)
	s.metrics = newMetrics(s)

	mux := http.NewServeMux()
	s.registerHealthRoutes(mux)
	s.registerPublicRoutes(mux)
	s.registerStaffRoutes(mux)
	s.registerDownstreamRoutes(mux)
	s.registerAPIRoutes(mux)
	s.registerMetricsRoutes(mux)

	cop := http.NewCrossOriginProtection()
	if c.BaseURL != "" {
		// Behind a proxy that rewrites Host, the public origin is
		// still same-site.
		if u, err := url.Parse(c.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
			if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
				return fmt.Errorf("web: base URL %q: %w", c.BaseURL, err)
			}
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, httpError(http.StatusForbidden, "This form was sent from another site, so it was refused (cross-site request forgery protection). Open the form on this site and send it again."))
	}))
	s.handler = s.logRequests(securityHeaders(cop.Handler(mux)))
	return nil
}

// Handler returns the server's handler, for tests and embedding.
func (s *Server) Handler() http.Handler {
	if err := s.Init(); err != nil {
		panic(err) // embedded templates: a parse error is a build fault
	}
	return s.handler
}

// Open listens on Config.Addr and serves in the background.
func (s *Server) Open() error {
	if err := s.Init(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.Config.Addr, err)
	}
	if err := s.openMetrics(); err != nil {
		ln.Close()
		return err
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	s.stop, s.swept = make(chan struct{}), make(chan struct{})
	go s.sweepSessions()
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("serve", "err", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on, once opened.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close shuts the server down gracefully, waiting for requests in flight
// until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	close(s.stop)
	<-s.swept
	return errors.Join(s.srv.Shutdown(ctx), s.closeMetrics(ctx))
}

// sweepSessions deletes expired sessions hourly until Close.
func (s *Server) sweepSessions() {
	defer close(s.swept)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if n, err := s.Sessions.DeleteExpiredSessions(ctx); err != nil {
				s.Logger.Warn("delete expired sessions", "err", err)
			} else if n > 0 {
				s.Logger.Info("deleted expired sessions", "count", n)
			}
			cancel()
		}
	}
}

// cspPages is the Content-Security-Policy of gpai's own pages: no script
// at all, styles and images from the server only.
const cspPages = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// cspDocuments is the policy of published documents, which carry their own
// inline styles: still no script, and sandboxed.
const cspDocuments = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; sandbox"

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", cspPages)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = s.withClient(r)
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		d := time.Since(start)
		s.metrics.observe(r, rec.status, d)
		s.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", d, "client", clientIP(r))
	})
}

func (s *Server) registerHealthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("GET /api/openapi.json", s.handleOpenAPI)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var err error
	if s.Ready != nil {
		err = s.Ready(ctx)
	} else {
		_, _, err = s.Cases.FindCases(ctx, gpai.CaseFilter{Limit: 1})
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		s.Logger.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "not ready\n")
		return
	}
	io.WriteString(w, "ready\n")
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiJSON)
}

// statusErr is an error of the web layer itself with its HTTP status.
type statusErr struct {
	status int
	msg    string
}

func (e *statusErr) Error() string { return e.msg }

func httpError(status int, msg string) error { return &statusErr{status, msg} }

// codeStatus maps gpai error codes to HTTP statuses.
var codeStatus = map[string]int{
	gpai.EINVALID:      http.StatusBadRequest,
	gpai.ENOTFOUND:     http.StatusNotFound,
	gpai.ECONFLICT:     http.StatusConflict,
	gpai.EUNAUTHORIZED: http.StatusUnauthorized,
	gpai.EINTERNAL:     http.StatusInternalServerError,
}

// errorStatus returns the HTTP status and the message for users of err.
func errorStatus(err error) (int, string) {
	var se *statusErr
	if errors.As(err, &se) {
		return se.status, se.msg
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("The request is too large: at most %d bytes are accepted.", mbe.Limit)
	}
	code := gpai.ErrorCode(err)
	return codeStatus[code], gpai.ErrorMessage(err)
}

// Error writes the response for err: JSON under /api/, a page elsewhere.
// Internal errors are logged in full and shown as "internal error".
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		code := gpai.ErrorCode(err)
		if _, ok := err.(*statusErr); ok || errors.As(err, new(*http.MaxBytesError)) {
			code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		}
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	errorPage.Execute(w, map[string]any{"Status": status, "Title": http.StatusText(status), "Message": msg})
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>{{.Status}} {{.Title}}</h1><p class="error">{{.Message}}</p><p><a href="/">Home</a></p></main></body></html>
`))
