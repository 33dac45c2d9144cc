package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gpai-project/gpai"
)

// ScopeMetricsRead lets an API token read GET /metrics on the main
// listener, which serves it only when Config.MetricsAddr is empty.
const ScopeMetricsRead = "metrics:read"

const (
	// storeStatsTTL is how long the figures read from the store (open
	// cases, audit events) are reused, so that a storm of scrapes costs
	// the database at most one round of queries per TTL.
	storeStatsTTL = 5 * time.Second
	// storeStatsTimeout bounds one round of those queries.
	storeStatsTimeout = 2 * time.Second
)

// The outcomes of a public submission and of a staff sign-in, as labels.
var (
	submitOutcomes = []string{"accepted", "rate-limited", "invalid", "error"}
	signInOutcomes = []string{"ok", "failed", "throttled", "invalid", "error"}
)

// metrics holds the server's Prometheus registry, its metrics and the
// optional listener of Config.MetricsAddr.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	submits  *prometheus.CounterVec
	signIns  *prometheus.CounterVec

	ln  net.Listener
	srv *http.Server
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gpai_http_requests_total",
		Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "gpai_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route pattern and method.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})
	m.submits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gpai_submissions_total",
		Help: "Public contact-point submissions by kind and outcome (accepted, rate-limited, invalid, error).",
	}, []string{"kind", "outcome"})
	m.signIns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gpai_sign_ins_total",
		Help: "Staff sign-ins by outcome (ok, failed, throttled, invalid form, error).",
	}, []string{"outcome"})
	for slug := range publicKinds {
		for _, o := range submitOutcomes {
			m.submits.WithLabelValues(slug, o)
		}
	}
	for _, o := range signInOutcomes {
		m.signIns.WithLabelValues(o)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.submits, m.signIns,
	)
	if s.Cases != nil && s.Audit != nil {
		sc := newStoreCollector(s.Cases, s.Audit, s.Now, s.Logger)
		m.reg.MustRegister(sc, sc.errors)
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            m.reg,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
	return m
}

// routeLabel returns the path part of a ServeMux pattern such as
// "GET /contact/{kind}", or "unmatched" for a request no route took (a
// 404 of the mux, or a cross-site form refused before routing). Patterns
// are few and fixed, unlike paths, so the label's values stay bounded.
func routeLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	return pattern
}

// methodLabel returns the request method, or "other" for a method HTTP
// does not define, so that clients cannot create label values at will.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// observe records a served request. It reads r.Pattern, which the mux set
// on r while routing it.
func (m *metrics) observe(r *http.Request, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	route, method := routeLabel(r.Pattern), methodLabel(r.Method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// countSubmissions counts the outcomes of h, the public contact-form
// handler, by the status it answers with.
func (s *Server) countSubmissions(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h(rec, r)
		slug := r.PathValue("kind")
		if _, ok := publicKinds[slug]; !ok {
			return // no such form: not a submission
		}
		var outcome string
		switch st := rec.status; {
		case st < 400:
			outcome = "accepted"
		case st == http.StatusTooManyRequests:
			outcome = "rate-limited"
		case st >= 500:
			outcome = "error"
		default:
			outcome = "invalid"
		}
		s.metrics.submits.WithLabelValues(slug, outcome).Inc()
	}
}

// countSignIns counts the outcomes of h, the staff sign-in handler, by the
// status it answers with.
func (s *Server) countSignIns(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h(rec, r)
		var outcome string
		switch st := rec.status; {
		case st < 400:
			outcome = "ok"
		case st == http.StatusUnauthorized:
			outcome = "failed"
		case st == http.StatusTooManyRequests:
			outcome = "throttled"
		case st >= 500:
			outcome = "error"
		default:
			outcome = "invalid"
		}
		s.metrics.signIns.WithLabelValues(outcome).Inc()
	}
}

// registerMetricsRoutes serves GET /metrics on the main listener to API
// tokens with ScopeMetricsRead, unless Config.MetricsAddr gives metrics a
// listener of their own.
func (s *Server) registerMetricsRoutes(mux *http.ServeMux) {
	if s.Config.MetricsAddr != "" {
		return
	}
	mux.HandleFunc("GET /metrics", s.api(ScopeMetricsRead, func(w http.ResponseWriter, r *http.Request, _ *gpai.Token) {
		s.metrics.handler.ServeHTTP(w, r)
	}))
}

// MetricsHandler returns the handler of the server's Prometheus metrics,
// without authentication, for embedding and tests.
func (s *Server) MetricsHandler() http.Handler {
	if err := s.Init(); err != nil {
		panic(err) // embedded templates: a parse error is a build fault
	}
	return s.metrics.handler
}

// openMetrics listens on Config.MetricsAddr, if it is set, and serves
// GET /metrics there without authentication in the background.
func (s *Server) openMetrics() error {
	addr := s.Config.MetricsAddr
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s (metrics): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler)
	m := s.metrics
	m.ln = ln
	m.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("serve metrics", "err", err)
		}
	}()
	return nil
}

// closeMetrics shuts the metrics listener down, if there is one.
func (s *Server) closeMetrics(ctx context.Context) error {
	if s.metrics == nil || s.metrics.srv == nil {
		return nil
	}
	return s.metrics.srv.Shutdown(ctx)
}

// MetricsAddr returns the address of the metrics listener, once opened
// with Config.MetricsAddr set, or nil.
func (s *Server) MetricsAddr() net.Addr {
	if s.metrics == nil || s.metrics.ln == nil {
		return nil
	}
	return s.metrics.ln.Addr()
}

// storeCollector reports figures read from the store when scraped: open
// cases by kind, overdue open cases, and audit events written. It reads
// them at most once per storeStatsTTL, each time within
// storeStatsTimeout; concurrent scrapes wait for the one reading.
type storeCollector struct {
	cases  gpai.CaseService
	audit  gpai.AuditService
	now    func() time.Time
	logger *slog.Logger

	open, overdue, events *prometheus.Desc
	errors                prometheus.Counter

	mu   sync.Mutex
	at   time.Time // when stats were read; zero: never
	st   storeStats
	err  error
	head int64 // audit events counted so far: the head of the chain
}

type storeStats struct {
	open    map[gpai.CaseKind]int
	overdue int
	events  int64
}

func newStoreCollector(cases gpai.CaseService, audit gpai.AuditService, now func() time.Time, logger *slog.Logger) *storeCollector {
	return &storeCollector{cases: cases, audit: audit, now: now, logger: logger,
		open:    prometheus.NewDesc("gpai_cases_open", "Open cases by kind (read from the store, cached for a few seconds).", []string{"kind"}, nil),
		overdue: prometheus.NewDesc("gpai_cases_overdue", "Open cases past their due date (read from the store, cached for a few seconds).", nil, nil),
		events: prometheus.NewDesc("gpai_audit_events_total",
			"Audit events written to the audit log, by every server and command using the database: the head of the hash chain (read from the store, cached for a few seconds).", nil, nil),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gpai_store_metrics_errors_total",
			Help: "Failed reads of the store's figures for a scrape; the case and audit metrics are missing from that scrape.",
		}),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.overdue
	ch <- c.events
}

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.stats()
	if err != nil {
		return
	}
	for _, k := range gpai.CaseKinds {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(st.open[k]), string(k))
	}
	ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(st.overdue))
	ch <- prometheus.MustNewConstMetric(c.events, prometheus.CounterValue, float64(st.events))
}

// stats returns the cached figures, reading them again once they are
// older than storeStatsTTL. A failure is cached as long, so that a store
// in trouble is not asked again by every scrape.
func (c *storeCollector) stats() (storeStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if age := now.Sub(c.at); !c.at.IsZero() && age >= 0 && age < storeStatsTTL {
		return c.st, c.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeStatsTimeout)
	defer cancel()
	c.st, c.err = c.read(ctx)
	c.at = now
	if c.err != nil {
		c.errors.Inc()
		c.logger.Warn("read case figures for metrics", "err", c.err)
	}
	return c.st, c.err
}

func (c *storeCollector) read(ctx context.Context) (storeStats, error) {
	st := storeStats{open: make(map[gpai.CaseKind]int, len(gpai.CaseKinds))}
	yes := true
	for _, k := range gpai.CaseKinds {
		_, n, err := c.cases.FindCases(ctx, gpai.CaseFilter{Kind: &k, Open: &yes, Limit: 1})
		if err != nil {
			return storeStats{}, fmt.Errorf("count open %s cases: %w", k, err)
		}
		st.open[k] = n
	}
	_, n, err := c.cases.FindCases(ctx, gpai.CaseFilter{Overdue: &yes, Limit: 1})
	if err != nil {
		return storeStats{}, fmt.Errorf("count overdue cases: %w", err)
	}
	st.overdue = n
	// The chain's sequence numbers have no gaps, so counting the events
	// after the last head seen keeps this query short on a long log.
	_, n, err = c.audit.FindAuditEvents(ctx, gpai.AuditFilter{AfterSeq: c.head, Limit: 1})
	if err != nil {
		return storeStats{}, fmt.Errorf("count audit events: %w", err)
	}
	c.head += int64(n)
	st.events = c.head
	return st, nil
}
