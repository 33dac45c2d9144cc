package main

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gpai-project/gpai/archive"
	"github.com/gpai-project/gpai/sqlite"
	"github.com/gpai-project/gpai/web"
)

// TestArchivePublished publishes the documentation form, the copyright
// documents and the training-content summary of the open-weight example,
// then serves the archive: the public pages list and serve the summary and
// the public copyright documents, and never the internal policy, the
// sources or the documentation form.
func TestArchivePublished(t *testing.T) {
	dir := newTestArchive(t)
	ow := copyDir(t, exdir+"open-weight-finetune")
	if r := run(t, "summary", "build", "--as-of", "2026-12-01", ow); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, kind := range []string{"documentation", "copyright", "summary"} {
		if r := runArchive(t, nil, "doc", "publish", "--archive", dir, "--kind", kind, ow); r.code != 0 {
			t.Fatalf("publish %s: %+v", kind, r)
		}
	}
	pub := newArchiveFS(archive.New(archive.NewDir(dir)), slog.New(slog.NewTextHandler(io.Discard, nil)))

	var names []string
	if err := fs.WalkDir(pub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	folder := names[0][:strings.IndexByte(names[0], '/')]
	for _, want := range []string{"summary.html", "summary.json", "summary.md", "copyright.summary.html", "copyright.disclosure.md", "copyright.aup.json"} {
		if !slices.Contains(names, folder+"/"+want) {
			t.Errorf("published files lack %s: %v", want, names)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "policy") || strings.Contains(n, "source/") || strings.Contains(n, "documentation") {
			t.Errorf("%s is published to the public", n)
		}
	}
	// The file system behaves as io/fs says.
	if err := fstest.TestFS(pub, folder+"/summary.html", folder+"/copyright.disclosure.html"); err != nil {
		t.Fatal(err)
	}

	db := sqlite.NewDB(filepath.Join(t.TempDir(), "gpai.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &web.Server{Cases: sqlite.NewCaseService(db), Users: sqlite.NewUserService(db), Sessions: sqlite.NewSessionService(db),
		Tokens: sqlite.NewTokenService(db), Audit: sqlite.NewAuditService(db), Reservations: sqlite.NewReservationService(db),
		Published: pub}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, home := get("/"); code != 200 || !strings.Contains(home, folder+"/copyright.disclosure.html") || strings.Contains(home, "policy") {
		t.Errorf("home page (%d) does not list the public documents only:\n%s", code, home)
	}
	if code, page := get("/docs/" + folder + "/summary.html"); code != 200 || !strings.Contains(page, "<html") {
		t.Errorf("GET the summary: %d", code)
	}
	if code, _ := get("/docs/" + folder + "/copyright.policy.html"); code != 404 {
		t.Errorf("GET the internal policy: %d, want 404", code)
	}

	// A version altered in the store is not served.
	objects, _ := filepath.Glob(filepath.Join(dir, "objects", "sha256", "*", "*"))
	if len(objects) == 0 {
		t.Fatalf("no objects under %s/objects/sha256", dir)
	}
	for _, o := range objects {
		os.Chmod(o, 0o644)
		os.WriteFile(o, []byte("altered"), 0o644)
	}
	files, err := publicDocuments(context.Background(), archive.New(archive.NewDir(dir)))
	if err == nil {
		t.Errorf("an altered archive gave %d files and no error", len(files))
	}
}

func TestFolderName(t *testing.T) {
	for in, want := range map[string]string{"Lumen 2": "lumen-2", "../x": "x", "": "model", "Æon": "on", "a/b": "a-b"} {
		if got := folderName(in); got != want {
			t.Errorf("folderName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServeArchiveFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	r := run(t, "serve", "--db", db, "--archive", t.TempDir(), "--publish", t.TempDir())
	if r.code != 2 || !strings.Contains(r.stderr, "--archive and --publish") {
		t.Errorf("both --archive and --publish: %+v", r)
	}
	r = run(t, "serve", "--db", db, "--archive", filepath.Join(t.TempDir(), "none"))
	if r.code == 0 || !strings.Contains(r.stderr, "no archive at") {
		t.Errorf("a missing archive: %+v", r)
	}
}
