package archive_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gpai-project/gpai/archive"
)

// FuzzParseManifest checks that ParseManifest never panics and accepts only
// canonical encodings: whatever it accepts, Marshal writes back unchanged.
func FuzzParseManifest(f *testing.F) {
	a, dir := threeVersions(f)
	a.Now = func() time.Time { return retain.AddDate(0, 0, 1) }
	if _, err := a.Remove(ctx, "2", "retention over"); err != nil {
		f.Fatal(err)
	}
	for seq := 1; seq <= 4; seq++ {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(archive.VersionKey(seq))))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"gpai-archive-manifest/1","seq":1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := archive.ParseManifest(b)
		if err != nil {
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed manifest: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("ParseManifest accepted %q, which Marshal writes as %q", b, out)
		}
	})
}

// FuzzParseHead checks that ParseHead never panics and accepts only
// canonical encodings.
func FuzzParseHead(f *testing.F) {
	key := newKey(f)
	f.Add(archive.SignHead(key, 3, archive.Digest([]byte("x"))).Marshal())
	f.Add(archive.SignHead(key, 0, "").Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := archive.ParseHead(b)
		if err != nil {
			return
		}
		if out := h.Marshal(); !bytes.Equal(out, b) {
			t.Fatalf("ParseHead accepted %q, which Marshal writes as %q", b, out)
		}
	})
}
