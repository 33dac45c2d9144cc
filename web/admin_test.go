package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

var (
	secretRE   = regexp.MustCompile(`id="secret">(gpai_[A-Za-z0-9_-]+)<`)
	passwordRE = regexp.MustCompile(`id="password">([^<]+)<`)
)

// issue issues a token on the page as c and returns its secret.
func (e *env) issue(c *http.Client, form url.Values) string {
	e.t.Helper()
	r := e.post(c, "/staff/tokens", form)
	m := secretRE.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		e.t.Fatalf("issue %v: %d\n%s", form, r.status, r.body)
	}
	return m[1]
}

func TestViewerForbiddenOnNewRoutes(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.user("viewer@example.org", gpai.RoleViewer)
	e.user("officer@example.org", gpai.RoleOfficer)
	if _, err := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "Acme", Kind: gpai.TokenDownstream}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Tokens.CreateToken(ctx, gpai.SystemActor, &gpai.Token{Name: "ticketing", Kind: gpai.TokenAPI, Scopes: []string{web.ScopeCasesRead}}); err != nil {
		t.Fatal(err)
	}
	viewer, officer := e.client(), e.client()
	e.login(viewer, "viewer@example.org")
	e.login(officer, "officer@example.org")
	tests := []struct {
		name string
		who  *http.Client
		path string
		form url.Values
	}{
		{"viewer records an authority request", viewer, "/staff/authority", authorityForm()},
		{"viewer adds a user", viewer, "/staff/users", url.Values{"email": {"x@example.org"}, "role": {"admin"}, "password": {password}}},
		{"viewer changes a role", viewer, "/staff/users/1", url.Values{"action": {"role"}, "role": {"admin"}}},
		{"viewer disables a user", viewer, "/staff/users/2", url.Values{"action": {"disable"}}},
		{"viewer deletes a user", viewer, "/staff/users/2/delete", url.Values{"confirm": {"yes"}}},
		{"viewer issues a downstream token", viewer, "/staff/tokens", url.Values{"kind": {"downstream"}, "name": {"Evil"}, "expires": {"30"}}},
		{"viewer issues an API token", viewer, "/staff/tokens", url.Values{"kind": {"api"}, "name": {"Evil"}, "scope": {"cases:write"}, "expires": {"30"}}},
		{"viewer revokes a token", viewer, "/staff/tokens/1/revoke", nil},
		{"officer adds a user", officer, "/staff/users", url.Values{"email": {"x@example.org"}, "role": {"admin"}, "password": {password}}},
		{"officer promotes themself", officer, "/staff/users/2", url.Values{"action": {"role"}, "role": {"admin"}}},
		{"officer deletes a user", officer, "/staff/users/1/delete", url.Values{"confirm": {"yes"}}},
		{"officer issues an API token", officer, "/staff/tokens", url.Values{"kind": {"api"}, "name": {"Evil"}, "scope": {"cases:write"}, "expires": {"30"}}},
		{"officer revokes an API token", officer, "/staff/tokens/2/revoke", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := e.post(tt.who, tt.path, tt.form); r.status != 403 {
				t.Errorf("POST %s: %d, want 403\n%s", tt.path, r.status, r.body)
			}
		})
	}
	for _, p := range []string{"/staff/users", "/staff/users/1", "/staff/authority"} {
		if r := e.get(viewer, p); r.status != 403 {
			t.Errorf("viewer GET %s: %d, want 403", p, r.status)
		}
	}
	if r := e.get(officer, "/staff/users"); r.status != 403 {
		t.Errorf("officer GET /staff/users: %d, want 403", r.status)
	}
	r := e.get(viewer, "/staff/tokens")
	if r.status != 200 || strings.Contains(r.body, "<form method=\"post\" action=\"/staff/tokens") || strings.Contains(r.body, "Revoke") {
		t.Errorf("viewer's token list: %d, shows a change form\n%s", r.status, r.body)
	}
	if r := e.get(viewer, "/staff"); strings.Contains(r.body, "/staff/authority") || strings.Contains(r.body, `href="/staff/users"`) {
		t.Errorf("viewer's inbox links to change pages")
	}
	r = e.get(officer, "/staff/tokens")
	if !strings.Contains(r.body, `value="downstream"`) || strings.Contains(r.body, `value="api"`) {
		t.Errorf("officer's token page: want the downstream form only")
	}
	// Nothing changed.
	if _, n, _ := e.st.Users.FindUsers(ctx, gpai.UserFilter{}); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
	if ts, _, _ := e.st.Tokens.FindTokens(ctx, gpai.TokenFilter{}); len(ts) != 2 || ts[0].RevokedAt != nil || ts[1].RevokedAt != nil {
		t.Errorf("tokens changed: %+v", ts)
	}
	if u, _ := e.st.Users.FindUserByEmail(ctx, "officer@example.org"); u.Role != gpai.RoleOfficer {
		t.Errorf("officer promoted themself")
	}
	action := "access.denied"
	if _, n, _ := e.st.Audit.FindAuditEvents(ctx, gpai.AuditFilter{Action: &action}); n < len(tests) {
		t.Errorf("%d denials audited, want at least %d", n, len(tests))
	}
}

func TestAdminManagesUsers(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.user("admin@example.org", gpai.RoleAdmin)
	admin := e.client()
	e.login(admin, "admin@example.org")

	// A password given by the admin is not shown back.
	r := e.post(admin, "/staff/users", url.Values{"email": {"Carol@Example.org"}, "name": {"Carol"}, "role": {"officer"}, "password": {password}})
	if r.status != 200 || !strings.Contains(r.body, "Added carol@example.org as officer") || strings.Contains(r.body, password) {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	carol := e.client()
	e.login(carol, "carol@example.org")

	// A generated password is shown once.
	r = e.post(admin, "/staff/users", url.Values{"email": {"dan@example.org"}, "role": {"viewer"}})
	m := passwordRE.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("add with a generated password: %d\n%s", r.status, r.body)
	}
	dan := e.client()
	if r := e.post(dan, "/staff/login", url.Values{"email": {"dan@example.org"}, "password": {m[1]}}); r.url != "/staff" {
		t.Fatalf("dan signs in with the generated password: %d %s", r.status, r.url)
	}
	if r := e.get(admin, "/staff/users"); strings.Contains(r.body, m[1]) || !strings.Contains(r.body, "dan@example.org") {
		t.Errorf("the user list shows the generated password, or lacks the user")
	}

	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"duplicate", url.Values{"email": {"carol@example.org"}, "role": {"viewer"}, "password": {password}}, "already exists"},
		{"short password", url.Values{"email": {"eve@example.org"}, "role": {"viewer"}, "password": {"short"}}, "a password needs 12"},
		{"bad role", url.Values{"email": {"eve@example.org"}, "role": {"boss"}, "password": {password}}, "unknown role"},
		{"bad address", url.Values{"email": {"eve"}, "role": {"viewer"}, "password": {password}}, "not an e-mail address"},
	} {
		if r := e.post(admin, "/staff/users", tt.form); r.status != 400 || !strings.Contains(r.body, tt.want) {
			t.Errorf("add %s: %d, want 400 with %q\n%s", tt.name, r.status, tt.want, r.body)
		}
	}

	cu, _ := e.st.Users.FindUserByEmail(ctx, "carol@example.org")
	path := "/staff/users/" + itoa(cu.ID)
	if r := e.post(admin, path, url.Values{"action": {"role"}, "role": {"viewer"}}); r.status != 200 || !strings.Contains(r.body, `id="role">viewer<`) {
		t.Errorf("change role: %d\n%s", r.status, r.body)
	}
	if r := e.post(admin, path, url.Values{"action": {"disable"}}); r.status != 200 || !strings.Contains(r.body, `id="state">disabled<`) {
		t.Errorf("disable: %d", r.status)
	}
	if r := e.get(carol, "/staff"); r.url != "/staff/login" {
		t.Errorf("a disabled user's session still opens the inbox")
	}
	if r := e.post(e.client(), "/staff/login", url.Values{"email": {"carol@example.org"}, "password": {password}}); r.status != 401 {
		t.Errorf("a disabled user signs in: %d", r.status)
	}
	if r := e.post(admin, path, url.Values{"action": {"enable"}}); r.status != 200 || !strings.Contains(r.body, `id="state">active<`) {
		t.Errorf("enable: %d", r.status)
	}
	e.login(carol, "carol@example.org")
	if r := e.post(admin, path+"/delete", nil); r.status != 400 || !strings.Contains(r.body, "Tick the box") {
		t.Errorf("delete without confirmation: %d", r.status)
	}
	if r := e.post(admin, path+"/delete", url.Values{"confirm": {"yes"}}); r.status != 200 || r.url != "/staff/users" || strings.Contains(r.body, "carol@example.org") {
		t.Errorf("delete: %d %s", r.status, r.url)
	}
	if _, err := e.st.Users.FindUserByID(ctx, cu.ID); gpai.ErrorCode(err) != gpai.ENOTFOUND {
		t.Errorf("deleted user still found: %v", err)
	}

	// An admin cannot lock themselves out.
	me, _ := e.st.Users.FindUserByEmail(ctx, "admin@example.org")
	self := "/staff/users/" + itoa(me.ID)
	for _, f := range []url.Values{{"action": {"role"}, "role": {"viewer"}}, {"action": {"disable"}}} {
		if r := e.post(admin, self, f); r.status != 400 || !strings.Contains(r.body, "ask another admin") {
			t.Errorf("self %v: %d", f, r.status)
		}
	}
	if r := e.post(admin, self+"/delete", url.Values{"confirm": {"yes"}}); r.status != 400 {
		t.Errorf("self delete: %d", r.status)
	}
	if me, _ = e.st.Users.FindUserByID(ctx, me.ID); me.Role != gpai.RoleAdmin || me.Disabled {
		t.Errorf("admin changed themself: %+v", me)
	}

	// Every change is in the audit log under the admin's name.
	actor := "user:admin@example.org"
	evs, _, _ := e.st.Audit.FindAuditEvents(ctx, gpai.AuditFilter{Actor: &actor})
	var got []string
	for _, ev := range evs {
		if strings.HasPrefix(ev.Action, "user.") {
			got = append(got, ev.Action)
		}
	}
	if want := "user.create user.create user.update user.update user.update user.delete"; strings.Join(got, " ") != want {
		t.Errorf("audited %q, want %q", strings.Join(got, " "), want)
	}
}

func TestTokensIssuedOnPage(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.user("officer@example.org", gpai.RoleOfficer)
	e.user("admin@example.org", gpai.RoleAdmin)
	officer, admin := e.client(), e.client()
	e.login(officer, "officer@example.org")
	e.login(admin, "admin@example.org")

	dp := e.issue(officer, url.Values{"kind": {"downstream"}, "name": {"Acme GmbH"}, "expires": {"90"}})
	api := e.issue(admin, url.Values{"kind": {"api"}, "name": {"ticketing"}, "scope": {web.ScopeCasesRead}, "expires": {"0"}})

	// The downstream token opens /downstream.
	holder := e.client()
	if r := e.post(holder, "/downstream/login", url.Values{"token": {dp}}); r.status != 200 || !strings.Contains(r.body, "Acme GmbH") || !strings.Contains(r.body, "Model name") {
		t.Fatalf("downstream login: %d\n%s", r.status, r.body)
	}
	// The API token works within its scope.
	call := func(path, secret string) int {
		req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		return do(t, http.DefaultClient, req).status
	}
	if s := call("/api/cases", api); s != 200 {
		t.Errorf("API token on /api/cases: %d", s)
	}

	// The secrets appear on no other page.
	for _, p := range []string{"/staff/tokens", "/staff", "/staff/dossiers"} {
		for _, c := range []*http.Client{officer, admin} {
			r := e.get(c, p)
			if strings.Contains(r.body, dp) || strings.Contains(r.body, api) {
				t.Errorf("GET %s shows a token secret", p)
			}
		}
	}
	r := e.get(admin, "/staff/tokens")
	for _, want := range []string{"Acme GmbH", "ticketing", "user:officer@example.org", "user:admin@example.org", "cases:read", "never", "active"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("token list lacks %q", want)
		}
	}
	evs, _, _ := e.st.Audit.FindAuditEvents(ctx, gpai.AuditFilter{})
	for _, ev := range evs {
		if strings.Contains(ev.Detail, dp) || strings.Contains(ev.Detail, api) || strings.Contains(ev.Detail, gpai.HashSecret(dp)) {
			t.Errorf("audit event %d holds a secret", ev.Seq)
		}
	}

	// Form errors.
	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no name", url.Values{"kind": {"downstream"}, "expires": {"90"}}, "a token needs a name"},
		{"no scope", url.Values{"kind": {"api"}, "name": {"x"}, "expires": {"90"}}, "Tick at least one scope"},
		{"unknown scope", url.Values{"kind": {"api"}, "name": {"x"}, "scope": {"admin:all"}, "expires": {"90"}}, "Unknown scope"},
		{"bad expiry", url.Values{"kind": {"downstream"}, "name": {"x"}, "expires": {"7000"}}, "Choose how long"},
	} {
		if r := e.post(admin, "/staff/tokens", tt.form); r.status != 400 || !strings.Contains(r.body, tt.want) {
			t.Errorf("issue %s: %d, want 400 with %q\n%s", tt.name, r.status, tt.want, r.body)
		}
	}

	// A revoked token opens nothing.
	kind := gpai.TokenDownstream
	ts, _, _ := e.st.Tokens.FindTokens(ctx, gpai.TokenFilter{Kind: &kind})
	if len(ts) != 1 || ts[0].ExpiresAt == nil || ts[0].CreatedBy != "user:officer@example.org" {
		t.Fatalf("stored downstream tokens: %+v", ts)
	}
	if r := e.post(officer, "/staff/tokens/"+itoa(ts[0].ID)+"/revoke", nil); r.status != 200 || !strings.Contains(r.body, "was revoked") || !strings.Contains(r.body, "revoked") {
		t.Fatalf("revoke: %d\n%s", r.status, r.body)
	}
	if r := e.post(officer, "/staff/tokens/"+itoa(ts[0].ID)+"/revoke", nil); r.status != 409 {
		t.Errorf("revoke twice: %d", r.status)
	}
	if r := e.get(holder, "/downstream"); strings.Contains(r.body, "Model name") || !strings.Contains(r.body, "Access token") {
		t.Errorf("a revoked token's cookie still opens the documentation:\n%s", r.body)
	}
	if r := e.post(e.client(), "/downstream/login", url.Values{"token": {dp}}); r.status != 401 {
		t.Errorf("revoked token signs in: %d", r.status)
	}
	if r := e.post(holder, "/downstream/requests", url.Values{"email": {"dev@acme.example"}, "subject": {"s"}, "text": {"t"}}); r.status != 401 {
		t.Errorf("revoked token files a request: %d", r.status)
	}
}
