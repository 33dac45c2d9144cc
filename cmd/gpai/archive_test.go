package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/archive"
)

// runArchive runs gpai with args and the environment env. Until the archive
// commands are registered in the command tree, it adds them to a root of
// its own and maps errors to exit statuses as Run does.
func runArchive(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	root := m.rootCommand()
	if registered(root) {
		code := m.Run(context.Background(), args)
		return result{code, out.String(), errb.String()}
	}
	if c, _, err := root.Find([]string{"doc"}); err == nil && c != root {
		c.AddCommand(m.archiveDocCommands()...)
	} else {
		root.AddCommand(m.docCommand(m.archiveDocCommands()...))
	}
	root.AddCommand(m.keysCommand(), m.verifyCommand())
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	code := exitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		var ee *exitError
		var ue *usageError
		switch {
		case errors.As(err, &ee):
			code = ee.code
		case errors.As(err, &ue):
			fmt.Fprintf(&errb, "gpai: %v\nTry: %s\n", ue.err, ue.hint)
			code = exitUsage
		case errors.As(err, new(*internalError)):
			fmt.Fprintf(&errb, "gpai: internal error: %v\n", err)
			code = exitInternal
		case gpai.ErrorCode(err) != gpai.EINTERNAL:
			fmt.Fprintf(&errb, "gpai: %s\n", gpai.ErrorMessage(err))
			code = exitUsage
		default:
			fmt.Fprintf(&errb, "gpai: %v\nTry: gpai help\n", err)
			code = exitUsage
		}
	}
	return result{code, out.String(), errb.String()}
}

func registered(root *cobra.Command) bool {
	for _, path := range [][]string{{"keys", "init"}, {"verify"}, {"doc", "publish"}} {
		if c, _, err := root.Find(path); err != nil || c.Name() != path[len(path)-1] {
			return false
		}
	}
	return true
}

// newTestArchive creates an archive with gpai keys init and returns its
// folder.
func newTestArchive(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "archive")
	r := runArchive(t, nil, "keys", "init", "--archive", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "signed by key ed25519:") {
		t.Fatalf("gpai keys init: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	return dir
}

func TestKeysInit(t *testing.T) {
	dir := newTestArchive(t)
	st, err := os.Stat(filepath.Join(dir, "keys", "archive.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v, %v; want mode 0600", st, err)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "keys", "archive.pub"))
	if !bytes.HasPrefix(pub, []byte("-----BEGIN PUBLIC KEY-----")) {
		t.Errorf("public key = %q", pub)
	}
	key, _ := os.ReadFile(filepath.Join(dir, "keys", "archive.key"))
	r := runArchive(t, nil, "keys", "init", "--archive", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "never replaces a key") {
		t.Errorf("second keys init: exit %d, %q", r.code, r.stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "keys", "archive.key")); !bytes.Equal(again, key) {
		t.Error("second keys init changed the private key")
	}

	// A key kept outside the archive, and the archive named by GPAI_ARCHIVE.
	other := t.TempDir()
	env := map[string]string{"GPAI_ARCHIVE": filepath.Join(other, "a")}
	keyFile := filepath.Join(other, "secret", "signing.key")
	if r := runArchive(t, env, "keys", "init", "--key", keyFile); r.code != 0 {
		t.Fatalf("keys init --key: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(other, "a", "keys", "archive.key")); !os.IsNotExist(err) {
		t.Errorf("keys init --key also wrote a key into the archive: %v", err)
	}
	if r := runArchive(t, env, "doc", "publish", exdir+"api-model"); r.code != 2 || !strings.Contains(r.stderr, "no signing key") {
		t.Errorf("publish without --key: exit %d, %q", r.code, r.stderr)
	}
	if r := runArchive(t, env, "doc", "publish", "--key", keyFile, exdir+"api-model"); r.code != 0 {
		t.Errorf("publish --key: exit %d, %q", r.code, r.stderr)
	}
	// A key file that others may read is refused.
	os.Chmod(keyFile, 0o644)
	if r := runArchive(t, env, "doc", "publish", "--key", keyFile, exdir+"frontier"); r.code != 2 || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("publish with a readable key: exit %d, %q", r.code, r.stderr)
	}
}

func TestArchiveCommands(t *testing.T) {
	dir := newTestArchive(t)
	a := []string{"--archive", dir}
	r := runArchive(t, nil, append([]string{"doc", "history"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "no versions yet") {
		t.Errorf("history of an empty archive: %+v", r)
	}
	r = runArchive(t, nil, append([]string{"doc", "publish", "--version", "1.0", exdir + "api-model"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "as version 1") || !strings.Contains(r.stdout, "retained until 2035-10-06") {
		t.Fatalf("publish: %+v", r)
	}
	r = runArchive(t, nil, append([]string{"doc", "publish", "--version", "1.0", exdir + "api-model"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Unchanged: version 1") {
		t.Errorf("publish again: %+v", r)
	}
	// A summary is published once built.
	ow := copyDir(t, exdir+"open-weight-finetune")
	r = runArchive(t, nil, append([]string{"doc", "publish", "--kind", "summary", ow}, a...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "no built summary") {
		t.Errorf("publish an unbuilt summary: %+v", r)
	}
	if r := run(t, "summary", "build", "--as-of", "2026-12-01", ow); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r = runArchive(t, nil, append([]string{"doc", "publish", "--kind", "summary", ow}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "as version 2") {
		t.Errorf("publish summary: %+v", r)
	}
	r = runArchive(t, nil, append([]string{"doc", "history"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "VERSION") || strings.Index(r.stdout, "\n2 ") > strings.Index(r.stdout, "\n1 ") {
		t.Errorf("history: %+v, want version 2 listed before 1", r)
	}
	r = runArchive(t, nil, append([]string{"doc", "history", "--format", "json"}, a...)...)
	var h []struct {
		Version int               `json:"version"`
		Meta    map[string]string `json:"meta"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || len(h) != 2 || h[0].Version != 2 || h[1].Meta["model"] == "" {
		t.Errorf("history --format json = %q, %v", r.stdout, err)
	}
	want, _ := os.ReadFile(exdir + "api-model/gpai.yaml")
	r = runArchive(t, nil, append([]string{"doc", "show", "1.0", "--file", "source/gpai.yaml"}, a...)...)
	if r.code != 0 || r.stdout != string(want) {
		t.Errorf("show 1.0 --file source/gpai.yaml: exit %d, %d bytes, want %d", r.code, len(r.stdout), len(want))
	}
	r = runArchive(t, nil, append([]string{"doc", "show", "latest"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Version 2: summary") || !strings.Contains(r.stdout, "summary.html") {
		t.Errorf("show latest: %+v", r)
	}
	r = runArchive(t, nil, append([]string{"verify"}, a...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "is intact: 2 entries") {
		t.Errorf("verify: %+v", r)
	}
	r = runArchive(t, nil, append([]string{"doc", "remove", "1"}, a...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "must be kept until 2035-10-06") {
		t.Errorf("remove before retention: %+v", r)
	}
}

func TestVerifyCommand(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		code   int
		want   string
	}{
		{"intact", func(*testing.T, string) {}, 0, "is intact"},
		{"file altered", func(t *testing.T, dir string) {
			v := showVersion(t, dir, "1")
			p := filepath.Join(dir, filepath.FromSlash(v.Files[0].Key()))
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
		}, 1, "file-altered: file documentation.aio.html of version 1 was altered"},
		{"version removed", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "versions", "00000001.json"))
		}, 1, "version-removed: version 1 was removed"},
		{"versions swapped", func(t *testing.T, dir string) {
			p, q := filepath.Join(dir, "versions", "00000001.json"), filepath.Join(dir, "versions", "00000002.json")
			b1, _ := os.ReadFile(p)
			b2, _ := os.ReadFile(q)
			os.WriteFile(p, b2, 0o644)
			os.WriteFile(q, b1, 0o644)
		}, 1, "versions 1 and 2 were swapped"},
		{"head forged", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "HEAD"))
			os.WriteFile(filepath.Join(dir, "HEAD"), bytes.Replace(b, []byte(`"seq":2`), []byte(`"seq":1`), 1), 0o644)
		}, 1, "bad-signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newTestArchive(t)
			for _, ex := range []string{"api-model", "frontier"} {
				if r := runArchive(t, nil, "doc", "publish", "--archive", dir, exdir+ex); r.code != 0 {
					t.Fatalf("publish %s: %+v", ex, r)
				}
			}
			tt.tamper(t, dir)
			r := runArchive(t, nil, "verify", "--archive", dir)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("verify: exit %d, %q; want exit %d and %q", r.code, r.stdout, tt.code, tt.want)
			}
			r = runArchive(t, nil, "verify", "--archive", dir, "--format", "json")
			var rep archive.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != tt.code || rep.OK() != (tt.code == 0) {
				t.Errorf("verify --format json: exit %d, %v, %q", r.code, err, r.stdout)
			}
		})
	}
}

func showVersion(t *testing.T, dir, ref string) *archive.Version {
	t.Helper()
	v, err := archive.New(archive.NewDir(dir)).Show(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestArchiveUsageErrors(t *testing.T) {
	dir := newTestArchive(t)
	none := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"verify", "extra"}, "takes no arguments"},
		{[]string{"verify", "--archive", dir, "--format", "xml"}, "unknown --format"},
		{[]string{"verify", "--archive", none}, "no archive at"},
		{[]string{"verify", "--archive", dir, "--pubkey", none}, "--pubkey"},
		{[]string{"doc", "history", "--archive", none}, "gpai keys init --archive"},
		{[]string{"doc", "show", "--archive", dir}, "takes one version"},
		{[]string{"doc", "show", "--archive", dir, "7"}, "no version 7"},
		{[]string{"doc", "show", "--archive", dir, "latest"}, "no published version"},
		{[]string{"doc", "publish", "--archive", dir}, "takes one dossier folder"},
		{[]string{"doc", "publish", "--archive", dir, "no/such/dossier"}, "does not exist"},
		{[]string{"doc", "publish", "--archive", dir, "--kind", "", exdir + "api-model"}, "--kind"},
		{[]string{"doc", "remove", "--archive", dir}, "takes one version"},
		{[]string{"keys", "init", "--archive", dir, "extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		r := runArchive(t, nil, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("gpai %v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "panic") {
			t.Errorf("gpai %v panicked", tt.args)
		}
	}
}
