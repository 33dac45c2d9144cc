package archive_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/archive"
)

var (
	ctx       = context.Background()
	published = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	retain    = time.Date(2036, 8, 2, 0, 0, 0, 0, time.UTC)
)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// newArchive returns an initialised archive in a temporary folder.
func newArchive(t testing.TB) (*archive.Archive, string) {
	t.Helper()
	dir := t.TempDir()
	a := &archive.Archive{Store: archive.NewDir(dir), Key: newKey(t), Now: func() time.Time { return published }}
	if err := a.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return a, dir
}

func pub(label string, files map[string]string) archive.Publication {
	p := archive.Publication{Kind: "documentation", Label: label, Meta: map[string]string{"model": "Acme-7B"}, RetainUntil: retain, Files: map[string][]byte{}}
	for k, v := range files {
		p.Files[k] = []byte(v)
	}
	return p
}

func mustPublish(t testing.TB, a *archive.Archive, p archive.Publication) *archive.Version {
	t.Helper()
	v, created, err := a.Publish(ctx, p)
	if err != nil || !created {
		t.Fatalf("Publish(%q) = %v, created %v, %v", p.Label, v, created, err)
	}
	return v
}

// threeVersions returns an archive of three versions. The files
// source.yaml of versions 1 and 3 share an object.
func threeVersions(t testing.TB) (*archive.Archive, string) {
	a, dir := newArchive(t)
	mustPublish(t, a, pub("1.0", map[string]string{"documentation.md": "# Acme-7B\nversion one\n", "source.yaml": "params: 7e9\n"}))
	mustPublish(t, a, pub("1.1", map[string]string{"documentation.md": "# Acme-7B\nversion two\n", "source.yaml": "params: 7.1e9\n", "aio/documentation.html": "<h1>AIO</h1>"}))
	mustPublish(t, a, pub("1.2", map[string]string{"documentation.md": "# Acme-7B\nversion three\n", "source.yaml": "params: 7e9\n"}))
	return a, dir
}

func verify(t testing.TB, a *archive.Archive) *archive.Report {
	t.Helper()
	r, err := a.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

func TestPublishShowHistory(t *testing.T) {
	a, _ := threeVersions(t)
	if r := verify(t, a); !r.OK() || r.Versions != 3 || r.Live != 3 || r.Files != 7 || r.Objects != 6 {
		t.Fatalf("Verify = %+v, want intact, 3 versions, 7 files, 6 objects", r)
	}
	h, err := a.History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range h {
		got = append(got, fmt.Sprintf("%d %s %s %s %s %d", v.Seq, v.Label, v.Model(), v.Published.Format(time.RFC3339), v.RetainUntil.Format(time.DateOnly), len(v.Files)))
	}
	want := []string{"3 1.2 Acme-7B 2026-09-01T10:00:00Z 2036-08-02 2", "2 1.1 Acme-7B 2026-09-01T10:00:00Z 2036-08-02 3", "1 1.0 Acme-7B 2026-09-01T10:00:00Z 2036-08-02 2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
	for _, tt := range []struct{ ref, file, want string }{
		{"2", "aio/documentation.html", "<h1>AIO</h1>"},
		{"1.0", "documentation.md", "# Acme-7B\nversion one\n"},
		{"latest", "documentation.md", "# Acme-7B\nversion three\n"},
	} {
		v, err := a.Show(ctx, tt.ref)
		if err != nil {
			t.Fatalf("Show(%q): %v", tt.ref, err)
		}
		b, err := a.ReadFile(ctx, v, tt.file)
		if err != nil || string(b) != tt.want {
			t.Errorf("ReadFile(%q, %q) = %q, %v, want %q", tt.ref, tt.file, b, err, tt.want)
		}
	}
	for _, ref := range []string{"4", "0", "2.0", ""} {
		if _, err := a.Show(ctx, ref); gpai.ErrorCode(err) != gpai.ENOTFOUND {
			t.Errorf("Show(%q) = %v, want not found", ref, err)
		}
	}
	v, _ := a.Show(ctx, "1")
	if _, err := a.ReadFile(ctx, v, "nope.md"); gpai.ErrorCode(err) != gpai.ENOTFOUND || !strings.Contains(gpai.ErrorMessage(err), "documentation.md, source.yaml") {
		t.Errorf("ReadFile(nope.md) = %v, want not found listing the files", err)
	}
}

func TestPublishInvalid(t *testing.T) {
	a, _ := newArchive(t)
	tests := []struct {
		name string
		edit func(*archive.Publication)
		want string
	}{
		{"no kind", func(p *archive.Publication) { p.Kind = "" }, "kind"},
		{"no files", func(p *archive.Publication) { p.Files = nil }, "at least one file"},
		{"no retention", func(p *archive.Publication) { p.RetainUntil = time.Time{} }, "retention date"},
		{"absolute name", func(p *archive.Publication) { p.Files["/etc/passwd"] = nil }, "relative"},
		{"dot-dot name", func(p *archive.Publication) { p.Files["../x"] = nil }, "relative"},
		{"empty meta key", func(p *archive.Publication) { p.Meta[""] = "x" }, "metadata key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pub("", map[string]string{"a.md": "a"})
			tt.edit(&p)
			_, _, err := a.Publish(ctx, p)
			if gpai.ErrorCode(err) != gpai.EINVALID || !strings.Contains(gpai.ErrorMessage(err), tt.want) {
				t.Errorf("Publish = %v, want invalid, %q", err, tt.want)
			}
		})
	}
	other := *a
	other.Key = newKey(t)
	if _, _, err := other.Publish(ctx, pub("", map[string]string{"a.md": "a"})); gpai.ErrorCode(err) != gpai.EINVALID || !strings.Contains(err.Error(), "not this archive's key") {
		t.Errorf("Publish with another key = %v, want refused", err)
	}
	ro := *a
	ro.Key = nil
	if _, _, err := ro.Publish(ctx, pub("", map[string]string{"a.md": "a"})); gpai.ErrorCode(err) != gpai.EINVALID {
		t.Errorf("Publish without key = %v, want invalid", err)
	}
	if err := a.Init(ctx); gpai.ErrorCode(err) != gpai.ECONFLICT {
		t.Errorf("second Init = %v, want conflict", err)
	}
}

func countObjects(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(filepath.Join(dir, "objects"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestPublishIdempotent documents the choice: publishing what the newest
// version already holds stores nothing; publishing an older version's
// content again is a new version sharing its objects.
func TestPublishIdempotent(t *testing.T) {
	a, dir := newArchive(t)
	one := map[string]string{"documentation.md": "one", "source.yaml": "s"}
	v1 := mustPublish(t, a, pub("", one))
	v, created, err := a.Publish(ctx, pub("", one))
	if err != nil || created || v.Seq != v1.Seq {
		t.Fatalf("Publish(same) = version %v, created %v, %v; want version 1 unchanged", v.Seq, created, err)
	}
	mustPublish(t, a, pub("", map[string]string{"documentation.md": "two", "source.yaml": "s"}))
	objects := countObjects(t, dir)
	v3 := mustPublish(t, a, pub("", one))
	if v3.Seq != 3 || countObjects(t, dir) != objects {
		t.Errorf("republishing version 1's content: version %d, %d objects, want version 3 and still %d objects", v3.Seq, countObjects(t, dir), objects)
	}
	// Another kind or label is another version.
	p := pub("", one)
	p.Kind = "summary"
	if v := mustPublish(t, a, p); v.Seq != 4 {
		t.Errorf("same files as a summary: version %d, want 4", v.Seq)
	}
	mustPublish(t, a, pub("2.0", one))
	if _, _, err := a.Publish(ctx, pub("2.0", map[string]string{"documentation.md": "changed"})); gpai.ErrorCode(err) != gpai.ECONFLICT || !strings.Contains(err.Error(), `"2.0" is already published as version 5`) {
		t.Errorf("reusing label 2.0 for other content: %v, want conflict", err)
	}
	if r := verify(t, a); !r.OK() {
		t.Errorf("Verify: %v", r.Problems)
	}
}

func TestRemoveRetention(t *testing.T) {
	a, dir := threeVersions(t)
	tests := []struct {
		now  time.Time
		ref  string
		code string
		want string
	}{
		{published, "1", gpai.ECONFLICT, "must be kept until 2036-08-02"},
		{time.Date(2036, 8, 2, 23, 59, 0, 0, time.UTC), "1", gpai.ECONFLICT, "can be removed from 2036-08-03"},
		{time.Date(2036, 8, 3, 0, 0, 0, 0, time.UTC), "1", "", ""},
		{time.Date(2036, 8, 4, 0, 0, 0, 0, time.UTC), "1", gpai.ECONFLICT, "already removed by entry 4"},
		{time.Date(2036, 8, 4, 0, 0, 0, 0, time.UTC), "4", gpai.EINVALID, "tombstone"},
		{time.Date(2036, 8, 4, 0, 0, 0, 0, time.UTC), "9", gpai.ENOTFOUND, "no version 9"},
	}
	for _, tt := range tests {
		a.Now = func() time.Time { return tt.now }
		_, err := a.Remove(ctx, tt.ref, "retention over")
		if gpai.ErrorCode(err) != tt.code || !strings.Contains(gpai.ErrorMessage(err), tt.want) {
			t.Errorf("on %v, Remove(%s) = %v, want %q %q", tt.now, tt.ref, err, tt.code, tt.want)
		}
	}
	r := verify(t, a)
	if !r.OK() || r.Versions != 4 || r.Live != 2 {
		t.Fatalf("after removal Verify = %+v, want intact, 4 entries, 2 live", r)
	}
	// Version 1's documentation.md is gone; its source.yaml is shared with version 3 and stays.
	if n := countObjects(t, dir); n != 5 {
		t.Errorf("after removal %d objects, want 5", n)
	}
	h, _ := a.History(ctx)
	if h[0].Op != archive.OpRemove || h[0].Removes.Seq != 1 || h[3].RemovedBy != 4 || h[3].Live() {
		t.Errorf("History = %+v, want a tombstone for version 1", h)
	}
	if _, err := a.ReadFile(ctx, h[3], "source.yaml"); gpai.ErrorCode(err) != gpai.ENOTFOUND {
		t.Errorf("ReadFile of a removed version = %v, want not found", err)
	}
	v, _ := a.Show(ctx, "3")
	if b, err := a.ReadFile(ctx, v, "source.yaml"); err != nil || string(b) != "params: 7e9\n" {
		t.Errorf("shared object of version 3 = %q, %v", b, err)
	}
}

func TestConcurrentPublish(t *testing.T) {
	a0, dir := newArchive(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each writer has its own store and lock file handle, as
			// separate processes would.
			a := &archive.Archive{Store: archive.NewDir(dir), Key: a0.Key}
			_, _, errs[i] = a.Publish(ctx, pub(fmt.Sprint(i), map[string]string{"doc.md": strings.Repeat(fmt.Sprint(i), 100000)}))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("publish %d: %v", i, err)
		}
	}
	r := verify(t, a0)
	if !r.OK() || r.Versions != n || r.Live != n {
		t.Errorf("after %d concurrent publishes Verify = %+v", n, r)
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "archive.key")
	key := newKey(t)
	if err := archive.WriteKeyFile(path, key); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v, want 0600", st.Mode(), err)
	}
	if err := archive.WriteKeyFile(path, newKey(t)); gpai.ErrorCode(err) != gpai.ECONFLICT {
		t.Errorf("second WriteKeyFile = %v, want conflict", err)
	}
	got, err := archive.ReadKeyFile(path)
	if err != nil || !got.Equal(key) {
		t.Errorf("ReadKeyFile = %v, want the key written", err)
	}
	os.Chmod(path, 0o644)
	if _, err := archive.ReadKeyFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("ReadKeyFile of a readable key = %v, want refused", err)
	}
	pubKey, err := archive.ParsePublicKey(archive.MarshalPublicKey(key.Public().(ed25519.PublicKey)))
	if err != nil || !pubKey.Equal(key.Public()) {
		t.Errorf("public key round trip: %v", err)
	}
	if _, err := archive.ParsePublicKey([]byte("junk")); err == nil {
		t.Error("ParsePublicKey(junk) succeeded")
	}
}

func TestDirIgnoresTemporaryFiles(t *testing.T) {
	a, dir := threeVersions(t)
	os.WriteFile(filepath.Join(dir, "objects", ".tmp-x-123"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(dir, ".tmp-HEAD-1"), []byte("half"), 0o644)
	if r := verify(t, a); !r.OK() {
		t.Fatalf("Verify with temporary files: %v", r.Problems)
	}
	removed, err := a.Clean(ctx)
	if err != nil || len(removed) != 0 {
		t.Errorf("Clean = %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "objects", ".tmp-x-123")); !os.IsNotExist(err) {
		t.Errorf("Clean left the temporary file: %v", err)
	}
}
