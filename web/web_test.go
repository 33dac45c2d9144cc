package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/internal/storetest"
	"github.com/gpai-project/gpai/rulebook"
	"github.com/gpai-project/gpai/sqlite"
	"github.com/gpai-project/gpai/web"
)

type env struct {
	t     *testing.T
	srv   *web.Server
	ts    *httptest.Server
	st    *storetest.Store
	clock *storetest.Clock
}

const password = "correct horse battery"

// newEnv starts a server on a fresh SQLite database; mod adjusts it.
func newEnv(t *testing.T, mod func(*web.Server)) *env {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "gpai.db"))
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := &storetest.Store{Cases: sqlite.NewCaseService(db), Users: sqlite.NewUserService(db), Sessions: sqlite.NewSessionService(db),
		Tokens: sqlite.NewTokenService(db), Audit: sqlite.NewAuditService(db), Reservations: sqlite.NewReservationService(db)}
	cfg := web.DefaultConfig()
	cfg.SecureCookies = false
	cfg.Provider = "Example AI"
	s := &web.Server{Cases: st.Cases, Users: st.Users, Sessions: st.Sessions, Tokens: st.Tokens, Audit: st.Audit,
		Reservations: st.Reservations, Now: clock.Now, Config: cfg,
		Published:     fstest.MapFS{"copyright/crawler-disclosure.html": {Data: []byte("<h1>Our crawlers</h1>")}, "summary/summary.md": {Data: []byte("# Summary")}},
		Documentation: func(ctx context.Context) (*gpai.Documentation, error) { return loadDoc(t) }}
	if mod != nil {
		mod(s)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, srv: s, ts: ts, st: st, clock: clock}
}

func loadDoc(t *testing.T) (*gpai.Documentation, error) {
	d, est, err := dossier.Load("../examples/api-model")
	if err != nil {
		return nil, err
	}
	rb, err := rulebook.Default()
	if err != nil {
		return nil, err
	}
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 3, 2))
	doc, yd, err := check.LoadDocumentation(d, s)
	if err != nil {
		return nil, err
	}
	check.DocumentationFindings(d, s, yd, doc)
	return doc, nil
}

func (e *env) user(email string, role gpai.Role) {
	e.t.Helper()
	if err := e.st.Users.CreateUser(context.Background(), gpai.SystemActor, &gpai.User{Email: email, Name: email, Role: role}, password); err != nil {
		e.t.Fatal(err)
	}
}

// client returns a browser-like client with a cookie jar.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

type resp struct {
	status int
	body   string
	header http.Header
	url    string
}

func do(t *testing.T, c *http.Client, req *http.Request) resp {
	t.Helper()
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, string(b), r.Header, r.Request.URL.Path}
}

func (e *env) get(c *http.Client, path string) resp {
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	return do(e.t, c, req)
}

func (e *env) post(c *http.Client, path string, form url.Values) resp {
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(e.t, c, req)
}

func (e *env) login(c *http.Client, email string) {
	e.t.Helper()
	r := e.post(c, "/staff/login", url.Values{"email": {email}, "password": {password}})
	if r.status != 200 || r.url != "/staff" {
		e.t.Fatalf("login %s: %d %s\n%s", email, r.status, r.url, r.body)
	}
}

var refRE = regexp.MustCompile(`id="reference">([0-9A-Z]{10})<`)

func complaint(subject string) url.Values {
	return url.Values{"email": {"holder@example.org"}, "name": {"Rita Holder"}, "subject": {subject},
		"text": {"You copied my novel."}, "targets": {"The Long Road (ISBN 978-3-16-148410-0)\nhttps://example.org/books/road"}}
}

// file submits a public form and returns the reference on the receipt.
func (e *env) file(c *http.Client, kind string, form url.Values) string {
	e.t.Helper()
	r := e.post(c, "/contact/"+kind, form)
	m := refRE.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		e.t.Fatalf("file %s: %d\n%s", kind, r.status, r.body)
	}
	return m[1]
}

func TestPagesRender(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	for _, p := range []struct{ path, want string }{
		{"/", "copyright/crawler-disclosure.html"},
		{"/contact/complaint", "Copyright complaint"},
		{"/contact/reservation", "Domains, URLs or works reserved"},
		{"/contact/information", "Your question"},
		{"/status", "Reference"},
		{"/staff/login", "Password"},
		{"/downstream", "Access token"},
		{"/healthz", "ok"},
		{"/readyz", "ready"},
		{"/static/style.css", "body"},
		{"/docs/copyright/crawler-disclosure.html", "Our crawlers"},
		{"/api/reservations", "reservations"},
	} {
		r := e.get(c, p.path)
		if r.status != 200 || !strings.Contains(r.body, p.want) {
			t.Errorf("GET %s: %d, want %q in\n%s", p.path, r.status, p.want, r.body)
		}
		if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: missing security headers", p.path)
		}
	}
	if r := e.get(c, "/contact/complaint"); strings.Contains(r.body, "<script") || !strings.Contains(r.body, `name="viewport"`) {
		t.Errorf("form page uses script or is not phone-ready")
	}
	for _, p := range []string{"/docs/../secret", "/docs/nope.html", "/contact/bogus", "/staff/cases/1"} {
		if r := e.get(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, p); r.status == 200 {
			t.Errorf("GET %s: %d", p, r.status)
		}
	}
	r := e.get(c, "/api/openapi.json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc["openapi"] != "3.0.3" {
		t.Errorf("openapi.json: %v", err)
	}
}

func TestComplaintLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	pub := e.client()
	ref := e.file(pub, "complaint", complaint("My novel"))
	c, err := e.st.Cases.FindCaseByReference(ctx, ref)
	if err != nil || c.Kind != gpai.CaseComplaint || c.Submitter.Email != "holder@example.org" || len(c.Targets) != 2 {
		t.Fatalf("stored case: %+v, %v", c, err)
	}
	e.clock.Add(time.Hour)
	e.file(pub, "information", url.Values{"email": {"q@example.org"}, "subject": {"Later question"}, "text": {"Which crawlers?"}})

	e.user("officer@example.org", gpai.RoleOfficer)
	staff := e.client()
	e.login(staff, "officer@example.org")
	inbox := e.get(staff, "/staff")
	if i, j := strings.Index(inbox.body, ref), strings.Index(inbox.body, "Later question"); i < 0 || j < 0 || i > j {
		t.Fatalf("complaint is not at the top of the inbox:\n%s", inbox.body)
	}
	path := "/staff/cases/" + itoa(c.ID)
	if r := e.get(staff, path); r.status != 200 || !strings.Contains(r.body, "My novel") {
		t.Fatalf("case view: %d", r.status)
	}
	if r := e.post(staff, path, url.Values{"status": {"acknowledged"}, "reply": {"We received your complaint."}}); r.status != 200 || !strings.Contains(r.body, "Saved") {
		t.Fatalf("acknowledge: %d\n%s", r.status, r.body)
	}
	if r := e.post(staff, path, url.Values{"status": {"rejected"}}); r.status != 400 || !strings.Contains(r.body, "reason") {
		t.Errorf("reject without reason: %d", r.status)
	}
	if r := e.post(staff, path, url.Values{"note": {"checked the crawl logs"}}); r.status != 200 {
		t.Errorf("note: %d", r.status)
	}
	if r := e.post(staff, path, url.Values{"status": {"resolved"}, "reason": {"Removed from the training set."}, "reply": {"We removed your novel."}}); r.status != 200 {
		t.Fatalf("resolve: %d\n%s", r.status, r.body)
	}
	c, _ = e.st.Cases.FindCaseByID(ctx, c.ID)
	if c.Status != gpai.CaseResolved || c.ClosedAt == nil {
		t.Fatalf("status %s", c.Status)
	}
	st := e.post(pub, "/status", url.Values{"reference": {strings.ToLower(ref)}, "email": {"HOLDER@example.org"}})
	if st.status != 200 || !strings.Contains(st.body, "Resolved") || !strings.Contains(st.body, "We removed your novel.") || !strings.Contains(st.body, "Removed from the training set.") {
		t.Errorf("status page:\n%s", st.body)
	}
	if strings.Contains(st.body, "checked the crawl logs") {
		t.Errorf("status page shows an internal note")
	}
	if r := e.post(pub, "/status", url.Values{"reference": {ref}, "email": {"other@example.org"}}); r.status != 404 || strings.Contains(r.body, "My novel") {
		t.Errorf("status with wrong e-mail: %d", r.status)
	}
	// Logout ends the session.
	e.post(staff, "/staff/logout", nil)
	if r := e.get(staff, "/staff"); r.url != "/staff/login" {
		t.Errorf("after logout: %s", r.url)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestReservationAccepted(t *testing.T) {
	e := newEnv(t, nil)
	ref := e.file(e.client(), "reservation", url.Values{"email": {"cmo@example.org"}, "subject": {"Opt-out"}, "text": {"We reserve these."},
		"targets": {"Example.ORG.\nhttps://Books.example.net/catalogue/"}})
	c, _ := e.st.Cases.FindCaseByReference(context.Background(), ref)
	e.user("officer@example.org", gpai.RoleOfficer)
	staff := e.client()
	e.login(staff, "officer@example.org")
	if r := e.post(staff, "/staff/cases/"+itoa(c.ID)+"/accept", url.Values{}); r.status != 200 {
		t.Fatalf("accept: %d\n%s", r.status, r.body)
	}
	r := e.get(e.client(), "/api/reservations")
	if !strings.Contains(r.body, `"example.org"`) || !strings.Contains(r.body, "https://books.example.net/catalogue/") {
		t.Errorf("registry:\n%s", r.body)
	}
	c, _ = e.st.Cases.FindCaseByID(context.Background(), c.ID)
	if c.Status != gpai.CaseResolved {
		t.Errorf("status %s", c.Status)
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest("POST", e.ts.URL+"/contact/complaint", strings.NewReader(complaint("x").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		r := do(t, e.client(), req)
		if r.status != 403 || !strings.Contains(r.body, "another site") {
			t.Errorf("%v: %d\n%s", h, r.status, r.body)
		}
	}
	if _, n, _ := e.st.Cases.FindCases(context.Background(), gpai.CaseFilter{}); n != 0 {
		t.Errorf("%d cases stored from cross-site posts", n)
	}
}

func TestViewerCannotChange(t *testing.T) {
	e := newEnv(t, nil)
	ref := e.file(e.client(), "complaint", complaint("Viewer test"))
	c, _ := e.st.Cases.FindCaseByReference(context.Background(), ref)
	e.user("viewer@example.org", gpai.RoleViewer)
	v := e.client()
	e.login(v, "viewer@example.org")
	path := "/staff/cases/" + itoa(c.ID)
	if r := e.get(v, path); r.status != 200 || strings.Contains(r.body, `name="status"`) {
		t.Errorf("viewer's case view: %d, shows the change form", r.status)
	}
	for _, p := range []string{path, path + "/accept"} {
		if r := e.post(v, p, url.Values{"status": {"acknowledged"}, "note": {"x"}}); r.status != 403 {
			t.Errorf("viewer POST %s: %d", p, r.status)
		}
	}
	c, _ = e.st.Cases.FindCaseByID(context.Background(), c.ID)
	if c.Status != gpai.CaseReceived || len(c.Events) != 1 {
		t.Errorf("viewer changed the case: %s, %d events", c.Status, len(c.Events))
	}
}

func TestDownstreamToken(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	tok := &gpai.Token{Name: "Acme GmbH", Kind: gpai.TokenDownstream, Scopes: []string{"docs:read"}}
	secret, err := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, tok)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	if r := e.post(c, "/downstream/login", url.Values{"token": {"gpai_wrong"}}); r.status != 401 {
		t.Errorf("bad token: %d", r.status)
	}
	r := e.post(c, "/downstream/login", url.Values{"token": {secret}})
	if r.status != 200 || !strings.Contains(r.body, "Model name") || !strings.Contains(r.body, "Acme GmbH") {
		t.Fatalf("downstream view: %d\n%s", r.status, r.body)
	}
	// Items ticked only for the AI Office and national authorities.
	for _, it := range gpai.DocItems {
		if !it.IsFor(gpai.DP) && strings.Contains(r.body, ">"+itoa(int64(it.Number))+". "+it.Title+"<") {
			t.Errorf("downstream view shows AI-Office-only item %d %q", it.Number, it.Title)
		}
	}
	if strings.Contains(r.body, "Model authenticity") {
		t.Errorf("downstream view shows Model authenticity")
	}
	r = e.post(c, "/downstream/requests", url.Values{"email": {"dev@acme.example"}, "subject": {"Need eval details"}, "text": {"Please send more."}})
	m := refRE.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("downstream request: %d\n%s", r.status, r.body)
	}
	cs, _ := e.st.Cases.FindCaseByReference(ctx, m[1])
	if cs.Kind != gpai.CaseDownstream || !cs.DueAt.Equal(cs.ReceivedAt.Add(14*24*time.Hour)) || cs.Submitter.Organisation != "Acme GmbH" {
		t.Errorf("downstream case: %+v", cs)
	}
	// The token opens nothing else.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/cases", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if r := do(t, e.client(), req); r.status != 403 {
		t.Errorf("downstream token on /api/cases: %d", r.status)
	}
	if r := e.get(c, "/staff"); r.url != "/staff/login" {
		t.Errorf("downstream cookie opened the inbox: %s", r.url)
	}
	req, _ = http.NewRequest("GET", e.ts.URL+"/api/documentation", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	r = do(t, e.client(), req)
	if r.status != 200 || !strings.Contains(r.body, `"for": "dp"`) || strings.Contains(r.body, "Model authenticity") {
		t.Errorf("api documentation: %d\n%.300s", r.status, r.body)
	}
}

func TestScriptEscaped(t *testing.T) {
	e := newEnv(t, nil)
	x := `<script>alert(1)</script>`
	form := url.Values{"email": {"holder@example.org"}, "name": {x}, "organisation": {x}, "onbehalfof": {x},
		"subject": {x}, "text": {x}, "targets": {x}, "model": {x}}
	ref := e.file(e.client(), "complaint", form)
	c, _ := e.st.Cases.FindCaseByReference(context.Background(), ref)
	e.user("officer@example.org", gpai.RoleOfficer)
	staff := e.client()
	e.login(staff, "officer@example.org")
	path := "/staff/cases/" + itoa(c.ID)
	e.post(staff, path, url.Values{"note": {x}, "reply": {x}, "status": {"rejected"}, "reason": {x}})
	pages := []resp{e.get(staff, path), e.get(staff, "/staff?closed=1"),
		e.post(e.client(), "/status", url.Values{"reference": {ref}, "email": {"holder@example.org"}}),
		// A form shown again with an error keeps the input, escaped.
		e.post(e.client(), "/contact/complaint", url.Values{"email": {x}, "name": {x}, "subject": {x}, "text": {x}, "targets": {x}, "model": {x}})}
	for i, r := range pages {
		if strings.Contains(r.body, "<script>") {
			t.Errorf("page %d shows script unescaped", i)
		}
		if !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("page %d does not show the script as text:\n%s", i, r.body)
		}
	}
	if n := strings.Count(pages[0].body, "&lt;script&gt;"); n < 8 {
		t.Errorf("case view shows the script as text in %d places, want every field", n)
	}
}

func TestBadSubmissions(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	big := complaint("Big")
	big.Set("text", strings.Repeat("a", 70<<10))
	if r := e.post(c, "/contact/complaint", big); r.status != 413 || !strings.Contains(r.body, "too large") {
		t.Errorf("oversize: %d\n%s", r.status, r.body)
	}
	bad := complaint("Bad")
	bad.Set("email", "not-an-address")
	bad.Set("subject", "")
	bad.Set("targets", "https://")
	r := e.post(c, "/contact/complaint", bad)
	if r.status != 400 || !strings.Contains(r.body, "Enter an e-mail address") || !strings.Contains(r.body, "Give a subject") || !strings.Contains(r.body, "not an absolute http") {
		t.Errorf("invalid fields: %d\n%s", r.status, r.body)
	}
	if r := e.post(c, "/contact/reservation", url.Values{"email": {"a@example.org"}, "subject": {"s"}, "text": {"t"}}); r.status != 400 || !strings.Contains(r.body, "at least one work") {
		t.Errorf("reservation without targets: %d", r.status)
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/contact/complaint", strings.NewReader("email=a%40example.org&subject=%ff%fe&text=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, c, req); r.status != 400 || !strings.Contains(r.body, "UTF-8") {
		t.Errorf("invalid UTF-8: %d\n%s", r.status, r.body)
	}
	req, _ = http.NewRequest("POST", e.ts.URL+"/contact/complaint", strings.NewReader(`{"email":"a@example.org"}`))
	req.Header.Set("Content-Type", "application/json")
	if r := do(t, c, req); r.status != 415 {
		t.Errorf("JSON to a form: %d", r.status)
	}
	req, _ = http.NewRequest("POST", e.ts.URL+"/contact/complaint", strings.NewReader("a=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, c, req); r.status != 400 {
		t.Errorf("malformed encoding: %d", r.status)
	}
	if _, n, _ := e.st.Cases.FindCases(context.Background(), gpai.CaseFilter{}); n != 0 {
		t.Errorf("%d bad submissions stored", n)
	}
}

func TestSubmissionRateLimit(t *testing.T) {
	e := newEnv(t, func(s *web.Server) { s.Config.SubmitBurst = 2; s.Config.SubmitEvery = time.Minute })
	c := e.client()
	e.file(c, "complaint", complaint("one"))
	e.file(c, "complaint", complaint("two"))
	if r := e.post(c, "/contact/complaint", complaint("three")); r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("third submission: %d", r.status)
	}
	e.clock.Add(time.Minute)
	e.file(c, "complaint", complaint("four"))
}

func TestLoginBruteForceSlowed(t *testing.T) {
	e := newEnv(t, nil)
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	for i := 0; i < 5; i++ {
		if r := e.post(c, "/staff/login", url.Values{"email": {"officer@example.org"}, "password": {"wrong password " + itoa(int64(i))}}); r.status != 401 {
			t.Fatalf("failure %d: %d", i, r.status)
		}
	}
	r := e.post(c, "/staff/login", url.Values{"email": {"officer@example.org"}, "password": {password}})
	if r.status != 429 || !strings.Contains(r.body, "Too many failed sign-ins") {
		t.Fatalf("after 5 failures: %d", r.status)
	}
	action := "session.login_failed"
	if _, n, _ := e.st.Audit.FindAuditEvents(context.Background(), gpai.AuditFilter{Action: &action}); n != 5 {
		t.Errorf("%d failed sign-ins audited, want 5", n)
	}
	e.clock.Add(31 * time.Second)
	e.login(c, "officer@example.org")
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t, func(s *web.Server) { s.Config.SessionTTL = time.Hour })
	e.user("officer@example.org", gpai.RoleOfficer)
	c := e.client()
	e.login(c, "officer@example.org")
	if r := e.get(c, "/staff"); r.url != "/staff" {
		t.Fatalf("inbox: %s", r.url)
	}
	e.clock.Add(61 * time.Minute)
	if r := e.get(c, "/staff"); r.url != "/staff/login" {
		t.Errorf("expired session still opens the inbox")
	}
}

func TestCookiesSecureHTTPOnly(t *testing.T) {
	e := newEnv(t, func(s *web.Server) { s.Config.SecureCookies = true })
	e.user("officer@example.org", gpai.RoleOfficer)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r := e.post(c, "/staff/login", url.Values{"email": {"officer@example.org"}, "password": {password}})
	sc := r.header.Get("Set-Cookie")
	if r.status != 303 || !strings.Contains(sc, "gpai_session=") || !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Errorf("Set-Cookie %q", sc)
	}
}

func TestJSONAPI(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	secret, err := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "ticketing", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeCasesRead, web.ScopeCasesWrite}})
	if err != nil {
		t.Fatal(err)
	}
	readOnly, _ := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "dashboard", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeCasesRead}})
	call := func(method, path, token, body string) resp {
		req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return do(t, http.DefaultClient, req)
	}
	if r := call("GET", "/api/cases", "", ""); r.status != 401 || !strings.Contains(r.body, `"unauthorized"`) {
		t.Errorf("no token: %d %s", r.status, r.body)
	}
	r := call("POST", "/api/cases", secret, `{"kind":"reservation","submitter":{"email":"cmo@example.org"},"subject":"Opt-out","text":"Reserve","targets":[{"kind":"domain","value":"Example.com"}]}`)
	var c gpai.Case
	if r.status != 201 || json.Unmarshal([]byte(r.body), &c) != nil || c.Reference == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := call("POST", "/api/cases", readOnly, `{"kind":"information"}`); r.status != 403 {
		t.Errorf("read-only token creates: %d", r.status)
	}
	if r := call("POST", "/api/cases", secret, `{"kind":"information","bogus":1}`); r.status != 400 || !strings.Contains(r.body, "malformed JSON") {
		t.Errorf("unknown field: %d %s", r.status, r.body)
	}
	if r := call("POST", "/api/cases", secret, `{"kind":"information","submitter":{"email":"x"},"subject":"s","text":"t"}`); r.status != 400 || !strings.Contains(r.body, "e-mail") {
		t.Errorf("invalid: %d %s", r.status, r.body)
	}
	if r := call("GET", "/api/cases", readOnly, ""); r.status != 200 || !strings.Contains(r.body, c.Reference) || !strings.Contains(r.body, `"total": 1`) {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	id := itoa(c.ID)
	if r := call("PATCH", "/api/cases/"+id, secret, `{"status":"acknowledged","reply":"Thanks"}`); r.status != 200 || !strings.Contains(r.body, `"acknowledged"`) {
		t.Errorf("patch: %d %s", r.status, r.body)
	}
	if r := call("PATCH", "/api/cases/"+id, secret, `{"status":"received"}`); r.status != 400 {
		t.Errorf("backward transition: %d", r.status)
	}
	if r := call("POST", "/api/cases/"+id+"/accept", secret, ""); r.status != 200 || !strings.Contains(r.body, `"added": 1`) {
		t.Errorf("accept: %d %s", r.status, r.body)
	}
	if r := call("GET", "/api/cases/"+id, readOnly, ""); r.status != 200 || !strings.Contains(r.body, `"resolved"`) {
		t.Errorf("view: %d %s", r.status, r.body)
	}
	if r := call("GET", "/api/cases/999", readOnly, ""); r.status != 404 || !strings.Contains(r.body, `"not_found"`) {
		t.Errorf("missing: %d %s", r.status, r.body)
	}
	if r := call("GET", "/api/reservations", "", ""); !strings.Contains(r.body, `"example.com"`) {
		t.Errorf("registry: %s", r.body)
	}
}

func TestOpenListensAndShutsDown(t *testing.T) {
	e := newEnv(t, nil)
	s := &web.Server{Cases: e.st.Cases, Users: e.st.Users, Sessions: e.st.Sessions, Tokens: e.st.Tokens, Audit: e.st.Audit, Reservations: e.st.Reservations,
		Config: web.Config{Addr: "127.0.0.1:0"}}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	r, err := http.Get("http://" + s.Addr().String() + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	r.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
