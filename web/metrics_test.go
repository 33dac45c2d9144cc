package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

// scrape returns the text exposition of the server's metrics.
func (e *env) scrape() string {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		e.t.Fatalf("scrape: %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sample returns the value of the sample whose line starts with series
// (name and labels, as the exposition writes them), or "" if none does.
func sample(body, series string) string {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, func(s *web.Server) { s.Config.SubmitBurst, s.Config.SubmitEvery = 2, time.Hour })
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	ref := e.file(c, "complaint", complaint("one"))
	bad := complaint("no e-mail")
	bad.Del("email")
	if r := e.post(c, "/contact/reservation", bad); r.status != 400 {
		t.Fatalf("invalid reservation: %d", r.status)
	}
	if r := e.post(c, "/contact/complaint", complaint("three")); r.status != 429 {
		t.Fatalf("third submission: %d", r.status)
	}
	e.post(c, "/contact/nonsense", complaint("x"))
	e.post(c, "/staff/login", url.Values{"email": {"officer@example.org"}, "password": {"wrong password"}})
	e.login(c, "officer@example.org")
	e.get(c, "/receipt/"+ref)
	e.get(c, "/no/such/page")

	body := e.scrape()
	for series, want := range map[string]string{
		`gpai_submissions_total{kind="complaint",outcome="accepted"}`:                   "1",
		`gpai_submissions_total{kind="complaint",outcome="rate-limited"}`:               "1",
		`gpai_submissions_total{kind="reservation",outcome="invalid"}`:                  "1",
		`gpai_submissions_total{kind="information",outcome="accepted"}`:                 "0",
		`gpai_sign_ins_total{outcome="ok"}`:                                             "1",
		`gpai_sign_ins_total{outcome="failed"}`:                                         "1",
		`gpai_sign_ins_total{outcome="throttled"}`:                                      "0",
		`gpai_http_requests_total{code="303",method="POST",route="/contact/{kind}"}`:    "1",
		`gpai_http_requests_total{code="429",method="POST",route="/contact/{kind}"}`:    "1",
		`gpai_http_requests_total{code="200",method="GET",route="/receipt/{ref}"}`:      "2",
		`gpai_http_requests_total{code="404",method="GET",route="unmatched"}`:           "1",
		`gpai_http_request_duration_seconds_count{method="GET",route="/receipt/{ref}"}`: "2",
		`gpai_cases_open{kind="complaint"}`:                                             "1",
		`gpai_cases_open{kind="authority"}`:                                             "0",
		`gpai_cases_overdue`:                                                            "0",
	} {
		if got := sample(body, series); got != want {
			t.Errorf("%s = %q, want %q", series, got, want)
		}
	}
	_, events, err := e.st.Audit.FindAuditEvents(context.Background(), gpai.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sample(body, "gpai_audit_events_total"); got != fmt.Sprint(events) || events < 3 {
		t.Errorf("gpai_audit_events_total = %q, want %d", got, events)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "gpai_store_metrics_errors_total"} {
		if !strings.Contains(body, "\n"+name+" ") {
			t.Errorf("no %s in\n%s", name, body)
		}
	}
	if strings.Contains(body, ref) || strings.Contains(body, "/no/such/page") || strings.Contains(body, "nonsense") {
		t.Errorf("a raw path or value became a label:\n%s", body)
	}
}

// TestMetricsStoreCached shows that the case figures are read at most once
// per few seconds, and that the audit counter follows the log.
func TestMetricsStoreCached(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	e.file(c, "complaint", complaint("one"))
	if got := sample(e.scrape(), `gpai_cases_open{kind="complaint"}`); got != "1" {
		t.Fatalf("open complaints = %q, want 1", got)
	}
	before := sample(e.scrape(), "gpai_audit_events_total")
	e.file(c, "complaint", complaint("two"))
	if got := sample(e.scrape(), `gpai_cases_open{kind="complaint"}`); got != "1" {
		t.Errorf("open complaints within the cache's lifetime = %q, want the cached 1", got)
	}
	e.clock.Add(6 * time.Second)
	body := e.scrape()
	if got := sample(body, `gpai_cases_open{kind="complaint"}`); got != "2" {
		t.Errorf("open complaints after the cache expired = %q, want 2", got)
	}
	if after := sample(body, "gpai_audit_events_total"); after == before || after == "" {
		t.Errorf("gpai_audit_events_total did not grow: %s then %s", before, after)
	}
	e.clock.Add(60 * 24 * time.Hour)
	if got := sample(e.scrape(), "gpai_cases_overdue"); got != "2" {
		t.Errorf("overdue after 60 days = %q, want 2", got)
	}
}

func TestMetricsNeedToken(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ok, err := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "prometheus", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeMetricsRead}})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "ticketing", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeCasesRead}})
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", 401},
		{"unknown token", "gpai_nonsense", 401},
		{"token without the scope", other, 403},
		{"metrics:read", ok, 200},
	} {
		req, _ := http.NewRequest("GET", e.ts.URL+"/metrics", nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		r := do(t, http.DefaultClient, req)
		if r.status != tt.want {
			t.Errorf("%s: GET /metrics = %d, want %d", tt.name, r.status, tt.want)
		}
		if tt.want == 200 && !strings.Contains(r.body, "gpai_http_requests_total") {
			t.Errorf("%s: body lacks metrics:\n%s", tt.name, r.body)
		}
	}
}

func TestMetricsListener(t *testing.T) {
	e := newEnv(t, nil)
	s := &web.Server{Cases: e.st.Cases, Users: e.st.Users, Sessions: e.st.Sessions, Tokens: e.st.Tokens, Audit: e.st.Audit, Reservations: e.st.Reservations,
		Config: web.Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0"}}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Error(err)
		}
	}()
	get := func(url string) (int, string) {
		r, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	get("http://" + s.Addr().String() + "/healthz")
	if st, _ := get("http://" + s.Addr().String() + "/metrics"); st != 404 {
		t.Errorf("main listener serves /metrics (%d) although MetricsAddr is set", st)
	}
	st, body := get("http://" + s.MetricsAddr().String() + "/metrics")
	if st != 200 || sample(body, `gpai_http_requests_total{code="200",method="GET",route="/healthz"}`) != "1" {
		t.Errorf("metrics listener: %d\n%s", st, body)
	}
	if st, _ := get("http://" + s.MetricsAddr().String() + "/healthz"); st != 404 {
		t.Errorf("metrics listener serves other routes: %d", st)
	}
}
