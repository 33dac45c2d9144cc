package web_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/sqlite"
	"github.com/gpai-project/gpai/web"
)

// findChromium returns the first Chromium or Chrome binary on PATH, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserEnv is a server on 127.0.0.1:0 with a temporary SQLite store, and
// a headless Chromium tab.
type browserEnv struct {
	t    *testing.T
	base string // http://127.0.0.1:port
	ctx  context.Context
	shot string // folder of the screenshots
}

func newBrowserEnv(t *testing.T, configure ...func(*web.Server)) (*browserEnv, gpai.UserService) {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CI") == "" {
			t.Skip("chromium is not installed (and CI is not set)")
		}
		t.Fatal("chromium is not installed, and CI is set: the browser test must run")
	}

	db := sqlite.NewDB(filepath.Join(t.TempDir(), "gpai.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	users := sqlite.NewUserService(db)
	cfg := web.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.SecureCookies = false
	cfg.Provider = "Example AI"
	srv := &web.Server{Cases: sqlite.NewCaseService(db), Users: users, Sessions: sqlite.NewSessionService(db),
		Tokens: sqlite.NewTokenService(db), Audit: sqlite.NewAuditService(db), Reservations: sqlite.NewReservationService(db),
		Config: cfg}
	for _, f := range configure {
		f(srv)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	// Registered after the database's cleanup, so it runs before it.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})

	shots := os.Getenv("GPAI_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(t.TempDir(), "screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// The profile is not under t.TempDir: Chromium's child processes can
	// still write in it for a moment after the browser exits, so removing
	// it is retried.
	profile, err := os.MkdirTemp("", "gpai-browser-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if err := os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 45*time.Second)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Cancelling the allocator kills the browser and waits for it to exit,
	// so that no Chromium process outlives the test.
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	return &browserEnv{t: t, base: "http://" + srv.Addr().String(), ctx: bctx, shot: shots}, users
}

// do runs the actions in tab ctx, failing the test with what on error.
func (b *browserEnv) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs the actions, which must load a page (a click on a link or a
// submit button), waits for it and checks its status code.
func (b *browserEnv) load(ctx context.Context, what string, want int64, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != want {
		body, _ := chromedp.Run(ctx, chromedp.Text("main"))
		b.t.Fatalf("%s: status %d, want %d (%s)\n%s", what, resp.Status, want, resp.URL, body)
	}
}

func (b *browserEnv) text(ctx context.Context, sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browserEnv) path(ctx context.Context) string {
	b.t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// screenshot saves the whole page as name.png and checks it is a PNG.
func (b *browserEnv) screenshot(ctx context.Context, name string) {
	b.t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.shot, name+".png")
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.checkPNG(file)
}

func (b *browserEnv) checkPNG(file string) {
	b.t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		b.t.Fatal(err)
	}
	if len(data) == 0 || !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		b.t.Fatalf("%s: not a PNG (%d bytes)", file, len(data))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		b.t.Fatalf("%s: bad PNG %dx%d: %v", file, cfg.Width, cfg.Height, err)
	}
}

// chooseStatus picks an option of the case form's status list by typing
// its name into the focused list, as a keyboard user does.
func (b *browserEnv) chooseStatus(ctx context.Context, label string, want gpai.CaseStatus) {
	b.t.Helper()
	b.do(ctx, "choose "+label, chromedp.SendKeys(chromedp.ID("status"), label))
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("status")))
	if err != nil {
		b.t.Fatal(err)
	}
	if v != string(want) {
		b.t.Fatalf("status list = %q after typing %q, want %q", v, label, want)
	}
}

var browserRefRE = regexp.MustCompile(`^[0-9A-Z]{10}$`)

// TestBrowserComplaintLifecycle follows a complaint in a real headless
// Chromium: a rights holder files it, an officer signs in, acknowledges and
// resolves it with a reply, and the rights holder sees the outcome.
func TestBrowserComplaintLifecycle(t *testing.T) {
	b, users := newBrowserEnv(t)
	const (
		officer  = "officer@example.ai"
		holder   = "rita@example.org"
		subject  = "My novel in your training data"
		replyTxt = "We removed The Long Road from our training corpus and our crawlers now skip example.org/books."
	)
	if err := users.CreateUser(context.Background(), gpai.SystemActor,
		&gpai.User{Email: officer, Name: "Olga Officer", Role: gpai.RoleOfficer}, password); err != nil {
		t.Fatal(err)
	}

	// (1) The rights holder files a complaint from the home page.
	holderTab, closeHolder := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer closeHolder()
	b.load(holderTab, "open the home page", 200, chromedp.Navigate(b.base+"/"))
	if h := b.text(holderTab, "h1"); !strings.Contains(h, "Example AI") {
		t.Fatalf("home heading = %q", h)
	}
	b.screenshot(holderTab, "home")
	b.load(holderTab, "open the complaint form", 200, chromedp.Click(chromedp.CSS(`main a[href="/contact/complaint"]`)))
	if p := b.path(holderTab); p != "/contact/complaint" {
		t.Fatalf("after the click: %s", p)
	}
	b.do(holderTab, "fill the complaint form",
		chromedp.SendKeys(chromedp.ID("email"), holder),
		chromedp.SendKeys(chromedp.ID("name"), "Rita Holder"),
		chromedp.SendKeys(chromedp.ID("organisation"), "Holder Books Ltd"),
		chromedp.SendKeys(chromedp.ID("onbehalfof"), "The estate of R. Holder"),
		chromedp.SendKeys(chromedp.ID("subject"), subject),
		chromedp.SendKeys(chromedp.ID("targets"), "The Long Road (ISBN 978-3-16-148410-0)\nhttps://example.org/books/road"),
		chromedp.SendKeys(chromedp.ID("model"), "Example-1"),
		chromedp.SendKeys(chromedp.ID("text"), "Your model reproduces whole chapters of my novel.\nPlease remove it."),
	)
	for id, want := range map[string]string{"email": holder, "subject": subject, "model": "Example-1"} {
		if v, err := chromedp.Run(holderTab, chromedp.Value(chromedp.ID(id))); err != nil || v != want {
			t.Fatalf("field %s = %q, %v; want %q", id, v, err, want)
		}
	}
	b.screenshot(holderTab, "complaint")
	b.load(holderTab, "send the complaint", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if p := b.path(holderTab); !strings.HasPrefix(p, "/receipt/") {
		t.Fatalf("after sending: %s\n%s", p, b.text(holderTab, "main"))
	}
	ref := b.text(holderTab, "#reference")
	if !browserRefRE.MatchString(ref) || b.path(holderTab) != "/receipt/"+ref {
		t.Fatalf("receipt reference %q at %s", ref, b.path(holderTab))
	}
	b.screenshot(holderTab, "receipt")

	// (2) The officer signs in, finds the case on top of the inbox,
	// acknowledges it and resolves it with a reply.
	staffTab, closeStaff := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer closeStaff()
	b.load(staffTab, "open the inbox signed out", 200, chromedp.Navigate(b.base+"/staff"))
	if p := b.path(staffTab); !strings.HasPrefix(p, "/staff/login") {
		t.Fatalf("signed out, /staff went to %s", p)
	}
	b.screenshot(staffTab, "login")
	b.do(staffTab, "fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), officer),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	b.load(staffTab, "sign in", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if p := b.path(staffTab); p != "/staff" {
		t.Fatalf("after signing in: %s\n%s", p, b.text(staffTab, "main"))
	}
	if top := b.text(staffTab, "table.inbox tbody tr:first-child td:nth-child(2) a"); top != ref {
		t.Fatalf("top of the inbox: %q, want %q", top, ref)
	}
	if s := b.text(staffTab, "table.inbox tbody tr:first-child td:nth-child(4)"); s != subject {
		t.Fatalf("inbox subject %q", s)
	}
	b.screenshot(staffTab, "inbox")
	b.load(staffTab, "open the case", 200, chromedp.Click(chromedp.CSS("table.inbox tbody tr:first-child td:nth-child(2) a")))
	if h := b.text(staffTab, "h1"); !strings.Contains(h, ref) {
		t.Fatalf("case heading %q", h)
	}
	if s := b.text(staffTab, "main .box strong"); s != "Received" {
		t.Fatalf("new case status %q", s)
	}

	b.chooseStatus(staffTab, "Acknowledged", gpai.CaseAcknowledged)
	b.do(staffTab, "write a note", chromedp.SendKeys(chromedp.ID("note"), "Checking the training manifests."))
	b.load(staffTab, "acknowledge", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if n := b.text(staffTab, "p.notice"); n != "Saved." {
		t.Fatalf("after acknowledging, notice %q", n)
	}
	if s := b.text(staffTab, "main .box strong"); s != "Acknowledged" {
		t.Fatalf("after acknowledging, status %q\n%s", s, b.text(staffTab, "main"))
	}

	b.chooseStatus(staffTab, "Resolved", gpai.CaseResolved)
	b.do(staffTab, "write the reason and the reply",
		chromedp.SendKeys(chromedp.ID("reason"), "works removed"),
		chromedp.SendKeys(chromedp.ID("reply"), replyTxt),
	)
	b.load(staffTab, "resolve", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if s := b.text(staffTab, "main .box strong"); s != "Resolved" {
		t.Fatalf("after resolving, status %q\n%s", s, b.text(staffTab, "main"))
	}
	if h := b.text(staffTab, "ul.history"); !strings.Contains(h, replyTxt) || !strings.Contains(h, "Acknowledged → Resolved") {
		t.Fatalf("case history:\n%s", h)
	}
	b.screenshot(staffTab, "case")

	// (3) The rights holder looks the request up with the reference and
	// e-mail address.
	b.load(holderTab, "open the status form", 200, chromedp.Click(chromedp.CSS(`header a[href="/status"]`)))
	b.do(holderTab, "fill the status form",
		chromedp.SendKeys(chromedp.ID("reference"), ref),
		chromedp.SendKeys(chromedp.ID("email"), holder),
	)
	b.load(holderTab, "look up the request", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if s := b.text(holderTab, "#status"); s != "Resolved" {
		t.Fatalf("status page: %q\n%s", s, b.text(holderTab, "main"))
	}
	if r := b.text(holderTab, "#reason"); r != "works removed" {
		t.Fatalf("status page reason %q", r)
	}
	page := b.text(holderTab, "main")
	for _, want := range []string{ref, replyTxt, "Acknowledged"} {
		if !strings.Contains(page, want) {
			t.Fatalf("status page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Checking the training manifests") {
		t.Fatalf("status page shows the internal note:\n%s", page)
	}
	b.screenshot(holderTab, "status")

	for _, name := range []string{"home", "complaint", "receipt", "login", "inbox", "case", "status"} {
		b.checkPNG(filepath.Join(b.shot, name+".png"))
	}
	t.Logf("screenshots in %s", b.shot)
}

// TestBrowserStaffPages follows an officer through the other staff pages
// in headless Chromium: recording an AI Office request, finding it with
// the inbox's kind filter, the dossier dashboard, and issuing a
// downstream-provider token that then opens the downstream view.
func TestBrowserStaffPages(t *testing.T) {
	due := gpai.NewDate(2026, 9, 1)
	report := web.DossierReport{
		Dir:            "models/lumen",
		Model:          gpai.ModelRef{Name: "Lumen", Version: "2"},
		AsOf:           gpai.NewDate(2026, 12, 1),
		Classification: gpai.Classification{GPAI: true, Provider: true},
		Obligations: []gpai.ObligationStatus{{Rule: "ART53-1D-SUMMARY", Title: "Publish the training-content summary",
			Citation: "Art 53(1)(d)", Due: &due, Status: "overdue"}},
		Findings: []gpai.Finding{{Rule: "ART53-1D-SUMMARY", Severity: gpai.SeverityError,
			Message: "no data.yaml: the training-content summary cannot be built"}},
		CheckedAt: time.Now(),
	}
	b, users := newBrowserEnv(t, func(s *web.Server) {
		s.Dossiers = func(context.Context) ([]web.DossierReport, error) { return []web.DossierReport{report}, nil }
		s.Documentation = func(context.Context) (*gpai.Documentation, error) { return &gpai.Documentation{}, nil }
	})
	const officer = "olga@example.ai"
	if err := users.CreateUser(context.Background(), gpai.SystemActor,
		&gpai.User{Email: officer, Name: "Olga Officer", Role: gpai.RoleOfficer}, password); err != nil {
		t.Fatal(err)
	}
	tab, closeTab := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer closeTab()
	b.load(tab, "open the sign-in page", 200, chromedp.Navigate(b.base+"/staff/login"))
	b.do(tab, "fill the sign-in form", chromedp.SendKeys(chromedp.ID("email"), officer), chromedp.SendKeys(chromedp.ID("password"), password))
	b.load(tab, "sign in", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))

	// An AI Office request, with its legal basis, purpose and deadline.
	b.load(tab, "open the authority form", 200, chromedp.Navigate(b.base+"/staff/authority"))
	b.do(tab, "fill the authority form",
		chromedp.SendKeys(chromedp.ID("organisation"), "European AI Office"),
		chromedp.SendKeys(chromedp.ID("email"), "ai-office@example.eu"),
		chromedp.SendKeys(chromedp.ID("legalbasis"), "Article 91(1) AI Act"),
		chromedp.SendKeys(chromedp.ID("purpose"), "Assess compliance with Article 53(1)(a)"),
		chromedp.SetValue(chromedp.ID("deadline"), "2027-01-15"),
		chromedp.SendKeys(chromedp.ID("subject"), "Request for the technical documentation of Lumen 2"),
		chromedp.SendKeys(chromedp.ID("text"), "Please provide the documentation of Annex XI."),
	)
	b.screenshot(tab, "authority")
	b.load(tab, "record the request", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	page := b.text(tab, "main")
	for _, want := range []string{"Article 91(1) AI Act", "Assess compliance with Article 53(1)(a)", "15 Jan 2027"} {
		if !strings.Contains(page, want) {
			t.Fatalf("authority case page lacks %q:\n%s", want, page)
		}
	}
	b.load(tab, "filter the inbox by authority requests", 200, chromedp.Navigate(b.base+"/staff?kind=authority"))
	if s := b.text(tab, "table.inbox tbody tr:first-child td:nth-child(4)"); s != "Request for the technical documentation of Lumen 2" {
		t.Fatalf("authority inbox, first subject %q\n%s", s, b.text(tab, "main"))
	}
	b.load(tab, "filter the inbox by complaints", 200, chromedp.Navigate(b.base+"/staff?kind=complaint"))
	if strings.Contains(b.text(tab, "main"), "Lumen 2") {
		t.Fatal("the complaints inbox lists the authority request")
	}

	// The dashboard.
	b.load(tab, "open the dashboard", 200, chromedp.Navigate(b.base+"/staff/dossiers"))
	page = b.text(tab, "main")
	for _, want := range []string{"Lumen", "ART53-1D-SUMMARY", "Art 53(1)(d)", "no data.yaml"} {
		if !strings.Contains(page, want) {
			t.Fatalf("dashboard lacks %q:\n%s", want, page)
		}
	}
	b.screenshot(tab, "dossiers")

	// A downstream provider's token, shown once, which opens the view.
	b.load(tab, "open the tokens page", 200, chromedp.Navigate(b.base+"/staff/tokens"))
	b.do(tab, "name the downstream provider", chromedp.SendKeys(chromedp.ID("dp-name"), "Acme Robotics"))
	b.load(tab, "issue the token", 200, chromedp.Click(chromedp.CSS(`form:has(#dp-name) button[type="submit"]`)))
	secret := strings.TrimSpace(b.text(tab, "#secret"))
	if !strings.HasPrefix(secret, "gpai_") {
		t.Fatalf("token page shows no secret:\n%s", b.text(tab, "main"))
	}
	b.screenshot(tab, "token-issued")
	b.load(tab, "list the tokens", 200, chromedp.Navigate(b.base+"/staff/tokens"))
	if page := b.text(tab, "main"); !strings.Contains(page, "Acme Robotics") || strings.Contains(page, secret) {
		t.Fatalf("token list: want the holder and not the secret:\n%s", page)
	}
	b.screenshot(tab, "tokens")

	dp, closeDP := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer closeDP()
	b.load(dp, "open the downstream view", 200, chromedp.Navigate(b.base+"/downstream"))
	b.do(dp, "enter the token", chromedp.SendKeys(chromedp.ID("token"), secret))
	b.load(dp, "sign in with the token", 200, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if page := b.text(dp, "main"); !strings.Contains(page, "For Acme Robotics.") {
		t.Fatalf("the token did not open the downstream view:\n%s", page)
	}
	b.screenshot(dp, "downstream")
	for _, name := range []string{"authority", "dossiers", "token-issued", "tokens", "downstream"} {
		b.checkPNG(filepath.Join(b.shot, name+".png"))
	}
}
