package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gpai-project/gpai/postgres"
	"github.com/gpai-project/gpai/sqlite"
	"github.com/gpai-project/gpai/web"
)

// complaintForm is a valid public complaint; i makes each one distinct.
func complaintForm(i int64) url.Values {
	return url.Values{
		"name":    {"Durability Tester"},
		"email":   {"tester@example.org"},
		"subject": {fmt.Sprintf("Complaint %d", i)},
		"text":    {fmt.Sprintf("Submission number %d of the durability test.", i)},
		"targets": {"https://example.org/work/" + fmt.Sprint(i)},
	}
}

// postComplaint submits a complaint as a same-origin browser would and
// returns the reference of the receipt it is redirected to, or "" if the
// server did not acknowledge it (any status but 303 to /receipt/).
func postComplaint(ctx context.Context, c *http.Client, base string, i int64) (ref string, status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/contact/complaint", strings.NewReader(complaintForm(i).Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/receipt/") {
		return strings.TrimPrefix(loc, "/receipt/"), resp.StatusCode, nil
	}
	return "", resp.StatusCode, nil
}

// noRedirect returns a client that does not follow redirects, so that the
// receipt's Location (the acknowledgement) is seen as sent.
func noRedirect(tr *http.Transport) *http.Client {
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// loopbackSpreader returns a transport whose every connection comes from a
// different loopback source address (127.1.x.y), so that the server's
// per-IP submission limit (10 per 30 s by default) does not refuse the
// test's traffic while the binary runs with its default settings.
func loopbackSpreader(next *atomic.Uint32) *http.Transport {
	return &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n := next.Add(1)
			d := net.Dialer{Timeout: 5 * time.Second,
				LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(1+n>>16), byte(n>>8), byte(n))}}
			return d.DialContext(ctx, network, addr)
		},
	}
}

// startServe starts the binary serving db on a free loopback port and
// returns the process and its base URL.
func startServe(t *testing.T, bin, db, logFile string) (*exec.Cmd, string) {
	t.Helper()
	lf, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--insecure-cookies")
	cmd.Env = append(os.Environ(), "GPAI_DB=", "GPAI_ADDR=")
	cmd.Stderr = lf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`gpai: serving on (http://\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep the pipe drained until exit
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			cmd.Wait()
			log, _ := os.ReadFile(logFile)
			t.Fatalf("gpai serve exited before serving: %v\n%s", cmd.ProcessState, log)
		}
		return cmd, base
	case <-time.After(15 * time.Second):
		t.Fatal("gpai serve did not print its address within 15 s")
	}
	return nil, ""
}

// TestDurabilityUnderSIGKILL proves that no acknowledged submission is
// lost: concurrent clients file complaints while the real binary is killed
// with SIGKILL at a random moment; after each restart on the same database,
// every reference a client received must exist (through the public receipt
// page, and finally through the database itself).
//
// SIGKILL tests crash consistency of the process (a reference is sent only
// after the transaction committed); it cannot simulate losing the OS page
// cache, which is what synchronous=FULL additionally guards against.
func TestDurabilityUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "gpai")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "gpai.db")
	logFile := filepath.Join(dir, "serve.log")

	const rounds, workers = 4, 16
	var (
		mu         sync.Mutex
		acked      []string // every reference a client received, all rounds
		seq        atomic.Int64
		srcIP      atomic.Uint32
		refused    atomic.Int64 // 429s: not acknowledged, only counted
		failures   atomic.Int64 // transport errors: outcome unknown to the client
		serverErrs atomic.Int64 // 5xx: not acknowledged, only counted
	)
	tr := loopbackSpreader(&srcIP)
	defer tr.CloseIdleConnections()
	client := noRedirect(tr)

	verifyPublic := func(base string, refs []string) {
		t.Helper()
		for _, ref := range refs {
			resp, err := client.Get(base + "/receipt/" + ref)
			if err != nil {
				t.Fatalf("receipt %s: %v", ref, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("acknowledged reference %s lost: receipt page says %d", ref, resp.StatusCode)
			}
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for round := 1; round <= rounds; round++ {
		cmd, base := startServe(t, bin, db, logFile)
		mu.Lock()
		before := slices.Clone(acked)
		mu.Unlock()
		verifyPublic(base, before)

		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var roundAcked atomic.Int64
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					ref, status, err := postComplaint(ctx, client, base, seq.Add(1))
					switch {
					case err != nil:
						// Outcome unknown to the client (the server may be
						// gone): not acknowledged, so nothing to check.
						failures.Add(1)
						time.Sleep(5 * time.Millisecond)
						continue
					case ref != "":
						roundAcked.Add(1)
						mu.Lock()
						acked = append(acked, ref)
						mu.Unlock()
					case status == http.StatusTooManyRequests:
						refused.Add(1)
					case status >= 500:
						serverErrs.Add(1)
					default:
						t.Errorf("submission: unexpected status %d", status)
						return
					}
				}
			}()
		}
		delay := time.Duration(150+rand.IntN(450)) * time.Millisecond
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		// Let requests in flight fail against the dead server, then stop.
		time.Sleep(50 * time.Millisecond)
		cancel()
		wg.Wait()
		t.Logf("round %d: killed after %v with %d acknowledged this round (%d total)", round, delay, roundAcked.Load(), len(acked))
		if roundAcked.Load() == 0 {
			t.Errorf("round %d: no submission was acknowledged before the kill", round)
		}
		if time.Now().After(deadline) {
			t.Logf("stopping after round %d to keep within the time budget", round)
			break
		}
	}

	// A last restart: the server must come back on the crashed database
	// and serve every receipt.
	cmd, base := startServe(t, bin, db, logFile)
	verifyPublic(base, acked)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	// And the database itself, opened directly, holds every reference.
	sdb := sqlite.NewDB(db)
	if err := sdb.Open(); err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	cases := sqlite.NewCaseService(sdb)
	seen := make(map[string]bool, len(acked))
	for _, ref := range acked {
		if seen[ref] {
			t.Errorf("reference %s was acknowledged twice", ref)
		}
		seen[ref] = true
		c, err := cases.FindCaseByReference(context.Background(), ref)
		if err != nil {
			t.Errorf("acknowledged reference %s lost: %v", ref, err)
		} else if c.Reference != ref {
			t.Errorf("FindCaseByReference(%s) returned %s", ref, c.Reference)
		}
	}
	t.Logf("%d acknowledged submissions all durable across %d SIGKILLs (%d transport errors, %d rate-limited, %d server errors)",
		len(acked), rounds, failures.Load(), refused.Load(), serverErrs.Load())
}

// loadStores are the databases BenchmarkLoad runs against: a SQLite file
// always, and PostgreSQL when GPAI_TEST_POSTGRES_DSN is set (eval
// "$(.ci/postgres.sh)" starts a server and sets it).
var loadStores = []struct {
	name string
	open func(b *testing.B) *store
}{
	{"sqlite", func(b *testing.B) *store {
		st, err := openStore(filepath.Join(b.TempDir(), "gpai.db"))
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
	{"postgres", openBenchPostgres},
}

var benchSchemas atomic.Int64

// openBenchPostgres opens the services on a fresh schema of the database
// GPAI_TEST_POSTGRES_DSN names, dropped when b ends, as the postgres
// package's tests do; without the variable it skips b.
func openBenchPostgres(b *testing.B) *store {
	dsn := os.Getenv("GPAI_TEST_POSTGRES_DSN")
	if dsn == "" {
		b.Skip("GPAI_TEST_POSTGRES_DSN is not set; run: eval \"$(.ci/postgres.sh)\"")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("gpai_bench_%d_%d", os.Getpid(), benchSchemas.Add(1))
	if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); err != nil {
		b.Fatalf("create schema: %v", err)
	}
	b.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	p := postgres.NewDB(dsn + " search_path=" + schema)
	if err := p.Open(); err != nil {
		b.Fatal(err)
	}
	return &store{postgres.NewCaseService(p), postgres.NewUserService(p), postgres.NewSessionService(p),
		postgres.NewTokenService(p), postgres.NewAuditService(p), postgres.NewReservationService(p), p.Close}
}

// loadServer runs a web.Server in process on st on loopback, with the
// per-IP submission limit raised out of the way (as gpai serve
// --submit-burst would).
func loadServer(b *testing.B, st *store) (string, *http.Client) {
	b.Helper()
	cfg := web.DefaultConfig()
	cfg.Addr, cfg.SecureCookies = "127.0.0.1:0", false
	cfg.SubmitBurst, cfg.SubmitEvery = 1<<30, time.Nanosecond
	s := &web.Server{Cases: st.cases, Users: st.users, Sessions: st.sessions, Tokens: st.tokens,
		Audit: st.audit, Reservations: st.reservations, Config: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Close(ctx)
		st.close()
	})
	return "http://" + s.Addr().String(), noRedirect(tr)
}

// runLoad runs op from parallel goroutines for b.N operations and reports
// operations per second and the 99th-percentile latency.
func runLoad(b *testing.B, unit string, op func(i int64) error) {
	var (
		mu   sync.Mutex
		lats []time.Duration
		seq  atomic.Int64
	)
	b.SetParallelism(8) // 8 × GOMAXPROCS concurrent clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			if err := op(seq.Add(1)); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lats = append(lats, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lats) == 0 {
		return
	}
	slices.Sort(lats)
	b.ReportMetric(float64(len(lats))/elapsed.Seconds(), unit+"/s")
	b.ReportMetric(float64(lats[len(lats)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lats[(len(lats)*99)/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkLoad measures public complaint submissions (each a durable
// commit) and public page views over loopback HTTP, on SQLite and, when
// GPAI_TEST_POSTGRES_DSN is set, on PostgreSQL (submit/sqlite,
// submit/postgres, pageview/sqlite, pageview/postgres):
//
//	eval "$(.ci/postgres.sh)"
//	go test -run XXX -bench Load ./cmd/gpai/
func BenchmarkLoad(b *testing.B) {
	b.Run("submit", func(b *testing.B) {
		for _, ls := range loadStores {
			b.Run(ls.name, func(b *testing.B) { benchSubmit(b, ls.open(b)) })
		}
	})
	b.Run("pageview", func(b *testing.B) {
		for _, ls := range loadStores {
			b.Run(ls.name, func(b *testing.B) { benchPageview(b, ls.open(b)) })
		}
	})
}

func benchSubmit(b *testing.B, st *store) {
	base, client := loadServer(b, st)
	runLoad(b, "submits", func(i int64) error {
		ref, status, err := postComplaint(context.Background(), client, base, i)
		if err == nil && ref == "" {
			err = fmt.Errorf("submission %d: status %d", i, status)
		}
		return err
	})
}

func benchPageview(b *testing.B, st *store) {
	base, client := loadServer(b, st)
	// A few cases, so that receipt pages read the database.
	var refs []string
	for i := range int64(20) {
		ref, status, err := postComplaint(context.Background(), client, base, i)
		if err != nil || ref == "" {
			b.Fatalf("seeding: %v, status %d", err, status)
		}
		refs = append(refs, ref)
	}
	pages := []string{"/", "/contact/complaint", "/status"}
	for _, r := range refs {
		pages = append(pages, "/receipt/"+r)
	}
	runLoad(b, "views", func(i int64) error {
		p := pages[int(i)%len(pages)]
		resp, err := client.Get(base + p)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		return nil
	})
}
