package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// execCommand runs one command of m directly, so that these tests do not
// depend on its registration in root.go.
func execCommand(ctx context.Context, m *Main, c *cobra.Command, args ...string) error {
	c.SetArgs(args)
	c.SetIn(m.Stdin)
	c.SetOut(m.Stdout)
	c.SetErr(m.Stderr)
	c.SilenceUsage, c.SilenceErrors = true, true
	return c.ExecuteContext(ctx)
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--db", db, "--email", "Alice@Example.org", "--name", "Alice", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added alice@example.org (admin)") || !regexp.MustCompile(`password: \S{24}\n`).MatchString(out.String()) {
		t.Errorf("output %q", out.String())
	}
	out.Reset()
	m.Stdin = strings.NewReader("a long enough password\n")
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--db", db, "--email", "bob@example.org", "--role", "viewer"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "password:") {
		t.Errorf("printed a password given on stdin: %q", out.String())
	}
	m.Stdin = strings.NewReader("short\n")
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--db", db, "--email", "carol@example.org"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("short password: %v", err)
	}
	m.Stdin = strings.NewReader("")
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--db", db, "--email", "bob@example.org", "--role", "viewer"); err == nil {
		t.Errorf("duplicate user accepted")
	}
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--db", db, "--email", "dan@example.org", "--role", "boss"); err == nil || !strings.Contains(err.Error(), "--role") {
		t.Errorf("bad role: %v", err)
	}
	if err := execCommand(context.Background(), m, m.userCommand(), "add", "--email", "dan@example.org"); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("no db: %v", err)
	}
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gpai.db")
	pub := filepath.Join(dir, "public")
	os.MkdirAll(filepath.Join(pub, "copyright"), 0o755)
	os.WriteFile(filepath.Join(pub, "copyright", "crawlers.html"), []byte("<h1>Crawlers</h1>"), 0o644)

	var out syncBuffer
	env := map[string]string{"GPAI_DB": db}
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- execCommand(ctx, m, m.serveCommand(), "--addr", "127.0.0.1:0", "--dossier", exdir+"api-model", "--publish", pub, "--insecure-cookies")
	}()
	var base string
	re := regexp.MustCompile(`serving on (http://\S+)`)
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := re.FindStringSubmatch(out.String()); mm != nil {
			base = mm[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
	}
	if base == "" {
		t.Fatal("server did not start")
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/": "copyright/crawlers.html", "/docs/copyright/crawlers.html": "Crawlers"} {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d %q", path, r.StatusCode, b)
		}
	}
	r, err := http.PostForm(base+"/contact/complaint", url.Values{"email": {"a@example.org"}, "subject": {"s"}, "text": {"t"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), `id="reference"`) {
		t.Errorf("complaint: %d", r.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestServeUsage(t *testing.T) {
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	err := execCommand(context.Background(), m, m.serveCommand(), "--addr", "127.0.0.1:0")
	if _, ok := err.(*usageError); !ok || !strings.Contains(err.Error(), "--db") {
		t.Errorf("serve without a database: %v", err)
	}
}
