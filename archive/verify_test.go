package archive_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"crypto/ed25519"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/archive"
)

// objectOf returns the path of the object holding file name of version seq.
func objectOf(t *testing.T, a *archive.Archive, dir string, seq, name string) string {
	t.Helper()
	v, err := a.Show(ctx, seq)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Files {
		if f.Name == name {
			return filepath.Join(dir, filepath.FromSlash(f.Key()))
		}
	}
	t.Fatalf("version %s has no %s", seq, name)
	return ""
}

func flip(t *testing.T, path string, i int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[(i+len(b))%len(b)] ^= 0x01
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func manifest(dir string, seq int) string {
	return filepath.Join(dir, filepath.FromSlash(archive.VersionKey(seq)))
}

// has reports whether r has a problem of kind about version and file.
func has(r *archive.Report, kind string, version int, file string) bool {
	return slices.ContainsFunc(r.Problems, func(p archive.Problem) bool {
		return p.Kind == kind && p.Version == version && p.File == file
	})
}

func TestVerifyNamesTampering(t *testing.T) {
	type want struct {
		kind    string
		version int
		file    string
		text    string // in the problem's message
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, a *archive.Archive, dir string)
		want   []want // nil: intact
	}{
		{"untouched", func(*testing.T, *archive.Archive, string) {}, nil},
		{"alter first byte of a file", func(t *testing.T, a *archive.Archive, dir string) {
			flip(t, objectOf(t, a, dir, "2", "aio/documentation.html"), 0)
		}, []want{{archive.FileAltered, 2, "aio/documentation.html", "file aio/documentation.html of version 2 was altered"}}},
		{"alter last byte of a file", func(t *testing.T, a *archive.Archive, dir string) {
			flip(t, objectOf(t, a, dir, "3", "documentation.md"), -1)
		}, []want{{archive.FileAltered, 3, "documentation.md", "altered"}}},
		{"alter a file two versions share", func(t *testing.T, a *archive.Archive, dir string) {
			flip(t, objectOf(t, a, dir, "1", "source.yaml"), 3)
		}, []want{{archive.FileAltered, 1, "source.yaml", ""}, {archive.FileAltered, 3, "source.yaml", ""}}},
		{"truncate a file", func(t *testing.T, a *archive.Archive, dir string) {
			os.WriteFile(objectOf(t, a, dir, "1", "documentation.md"), nil, 0o644)
		}, []want{{archive.FileAltered, 1, "documentation.md", "(0 bytes)"}}},
		{"delete a file", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(objectOf(t, a, dir, "2", "source.yaml"))
		}, []want{{archive.FileRemoved, 2, "source.yaml", "file source.yaml of version 2 was removed"}}},
		{"delete a middle version", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(manifest(dir, 2))
		}, []want{{archive.VersionRemoved, 2, "", "version 2 was removed: its manifest versions/00000002.json is missing"}}},
		{"delete the newest version", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(manifest(dir, 3))
		}, []want{{archive.VersionRemoved, 3, "", "version 3 was removed"}}},
		{"delete the first version", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(manifest(dir, 1))
		}, []want{{archive.VersionRemoved, 1, "", "version 1 was removed"}}},
		{"delete a version and its files", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(objectOf(t, a, dir, "2", "aio/documentation.html"))
			os.Remove(manifest(dir, 2))
		}, []want{{archive.VersionRemoved, 2, "", ""}}},
		{"swap versions 1 and 2", func(t *testing.T, a *archive.Archive, dir string) {
			swap(t, manifest(dir, 1), manifest(dir, 2))
		}, []want{{archive.VersionsSwapped, 1, "", "versions 1 and 2 were swapped"}}},
		{"swap versions 2 and 3", func(t *testing.T, a *archive.Archive, dir string) {
			swap(t, manifest(dir, 2), manifest(dir, 3))
		}, []want{{archive.VersionsSwapped, 2, "", "versions 2 and 3 were swapped"}}},
		{"swap versions 1 and 3", func(t *testing.T, a *archive.Archive, dir string) {
			swap(t, manifest(dir, 1), manifest(dir, 3))
		}, []want{{archive.VersionsSwapped, 1, "", "versions 1 and 3 were swapped"}}},
		{"replace version 3 by a copy of version 2", func(t *testing.T, a *archive.Archive, dir string) {
			b, _ := os.ReadFile(manifest(dir, 2))
			os.WriteFile(manifest(dir, 3), b, 0o644)
		}, []want{{archive.ManifestAltered, 3, "", "the manifest of version 3 (versions/00000003.json) was altered"}}},
		{"forge the head with another key", func(t *testing.T, a *archive.Archive, dir string) {
			h := readHead(t, dir)
			writeHead(t, dir, archive.SignHead(newKey(t), h.Seq, h.Manifest))
		}, []want{{archive.BadSignature, 3, "", "not by the archive's key"}}},
		{"forge the head's sequence number", func(t *testing.T, a *archive.Archive, dir string) {
			h := readHead(t, dir)
			h.Seq = 2
			writeHead(t, dir, h)
		}, []want{{archive.BadSignature, 2, "", "signature does not verify"}}},
		{"forge the head's manifest digest", func(t *testing.T, a *archive.Archive, dir string) {
			h := readHead(t, dir)
			h.Manifest = archive.Digest([]byte("forged"))
			writeHead(t, dir, h)
		}, []want{{archive.BadSignature, 3, "", "forged or altered"}}},
		{"delete the head", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(filepath.Join(dir, "HEAD"))
		}, []want{{archive.HeadMissing, 0, "", "HEAD was removed"}}},
		{"replace the public key and re-sign the head", func(t *testing.T, a *archive.Archive, dir string) {
			k := newKey(t)
			os.WriteFile(filepath.Join(dir, "keys", "archive.pub"), archive.MarshalPublicKey(k.Public().(ed25519.PublicKey)), 0o644)
			h := readHead(t, dir)
			writeHead(t, dir, archive.SignHead(k, h.Seq, h.Manifest))
		}, []want{{archive.KeyProblem, 0, "", "versions 1 (ed25519:"}}},
		{"delete the public key", func(t *testing.T, a *archive.Archive, dir string) {
			os.Remove(filepath.Join(dir, "keys", "archive.pub"))
		}, []want{{archive.KeyProblem, 0, "", "public key keys/archive.pub was removed"}}},
		{"leftovers of an interrupted publish", func(t *testing.T, a *archive.Archive, dir string) {
			b, _ := os.ReadFile(manifest(dir, 3))
			os.WriteFile(manifest(dir, 4), b, 0o644)
			os.MkdirAll(filepath.Join(dir, "objects", "sha256", "00"), 0o755)
			os.WriteFile(filepath.Join(dir, "objects", "sha256", "00", strings.Repeat("0", 62)), []byte("orphan"), 0o644)
			os.WriteFile(filepath.Join(dir, "versions", ".tmp-00000004.json-1"), []byte("{"), 0o644)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, dir := threeVersions(t)
			tt.tamper(t, a, dir)
			r := verify(t, a)
			if tt.want == nil {
				if !r.OK() {
					t.Errorf("Verify = %v, want intact", r.Problems)
				}
				return
			}
			for _, w := range tt.want {
				ok := slices.ContainsFunc(r.Problems, func(p archive.Problem) bool {
					return p.Kind == w.kind && p.Version == w.version && p.File == w.file && strings.Contains(p.Message, w.text)
				})
				if !ok {
					t.Errorf("Verify = %q, want %s of version %d file %q saying %q", r.Problems, w.kind, w.version, w.file, w.text)
				}
			}
			if len(r.Problems) != len(tt.want) {
				t.Errorf("Verify found %d problems, want %d: %q", len(r.Problems), len(tt.want), r.Problems)
			}
		})
	}
}

// TestVerifyEveryByte alters each byte of each manifest, of the head and of
// every object in turn, and checks that Verify names the version (or the
// head) concerned.
func TestVerifyEveryByte(t *testing.T) {
	a, dir := threeVersions(t)
	check := func(path string, ok func(r *archive.Report) bool) {
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		step := 1
		if testing.Short() {
			step = 7
		}
		for i := 0; i < len(orig); i += step {
			b := slices.Clone(orig)
			b[i] ^= 0x01
			os.WriteFile(path, b, 0o644)
			if r := verify(t, a); !ok(r) {
				t.Fatalf("%s with byte %d altered: Verify = %q", path, i, r.Problems)
			}
		}
		os.WriteFile(path, orig, 0o644)
	}
	for seq := 1; seq <= 3; seq++ {
		check(manifest(dir, seq), func(r *archive.Report) bool { return has(r, archive.ManifestAltered, seq, "") })
	}
	check(filepath.Join(dir, "HEAD"), func(r *archive.Report) bool {
		return slices.ContainsFunc(r.Problems, func(p archive.Problem) bool { return p.Kind == archive.HeadAltered || p.Kind == archive.BadSignature })
	})
	for _, seq := range []string{"1", "2", "3"} {
		v, _ := a.Show(ctx, seq)
		for _, f := range v.Files {
			check(objectOf(t, a, dir, seq, f.Name), func(r *archive.Report) bool { return has(r, archive.FileAltered, v.Seq, f.Name) })
		}
	}
	if r := verify(t, a); !r.OK() {
		t.Errorf("restored archive: %q", r.Problems)
	}
}

// TestVerifyPinnedKey checks that a trusted key catches an archive re-signed
// throughout with another key.
func TestVerifyPinnedKey(t *testing.T) {
	a, _ := threeVersions(t)
	_, dir2 := threeVersions(t) // a whole other archive, consistent in itself
	b := &archive.Archive{Store: archive.NewDir(dir2), PublicKey: a.Key.Public().(ed25519.PublicKey)}
	r := verify(t, b)
	if !has(r, archive.KeyProblem, 0, "") || !has(r, archive.BadSignature, 3, "") {
		t.Errorf("Verify with the pinned key = %q, want key and signature problems", r.Problems)
	}
	if _, err := b.History(ctx); gpai.ErrorCode(err) != gpai.ECONFLICT {
		t.Errorf("History with the pinned key = %v, want conflict", err)
	}
}

func TestVerifyNoArchive(t *testing.T) {
	a := archive.New(archive.NewDir(filepath.Join(t.TempDir(), "none")))
	if _, err := a.Verify(ctx); gpai.ErrorCode(err) != gpai.ENOTFOUND {
		t.Errorf("Verify of no archive = %v, want not found", err)
	}
	if _, err := a.History(ctx); gpai.ErrorCode(err) != gpai.ENOTFOUND {
		t.Errorf("History of no archive = %v, want not found", err)
	}
}

// TestPublishRefusesDamagedArchive checks that a writer never signs a head
// over an altered chain, which would launder the alteration.
func TestPublishRefusesDamagedArchive(t *testing.T) {
	a, dir := threeVersions(t)
	flip(t, manifest(dir, 3), 40)
	_, _, err := a.Publish(ctx, pub("2.0", map[string]string{"x.md": "x"}))
	if gpai.ErrorCode(err) != gpai.ECONFLICT || !strings.Contains(err.Error(), "version 3") {
		t.Errorf("Publish on an altered archive = %v, want conflict naming version 3", err)
	}
}

func swap(t *testing.T, p, q string) {
	t.Helper()
	tmp := p + ".swap"
	if err := os.Rename(p, tmp); err != nil {
		t.Fatal(err)
	}
	os.Rename(q, p)
	os.Rename(tmp, q)
}

func readHead(t *testing.T, dir string) *archive.Head {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := archive.ParseHead(b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func writeHead(t *testing.T, dir string, h *archive.Head) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "HEAD"), h.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
}
