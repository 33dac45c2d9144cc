package archive_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gpai-project/gpai/archive"
)

func Example() {
	dir, err := os.MkdirTemp("", "archive")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	_, key, _ := ed25519.GenerateKey(rand.Reader)

	ctx := context.Background()
	a := &archive.Archive{Store: archive.NewDir(dir), Key: key}
	if err := a.Init(ctx); err != nil {
		log.Fatal(err)
	}
	v, _, err := a.Publish(ctx, archive.Publication{
		Kind:        "documentation",
		Label:       "1.0",
		Meta:        map[string]string{"model": "Acme-7B"},
		Files:       map[string][]byte{"documentation.md": []byte("# Acme-7B\n")},
		RetainUntil: time.Date(2036, 8, 2, 0, 0, 0, 0, time.UTC), // EU placement + 10 years
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("published version", v.Seq, v.Label, "of", v.Model())

	r, err := a.Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("intact:", r.OK())

	os.WriteFile(dir+"/"+v.Files[0].Key(), []byte("# Acme-7B, improved\n"), 0o644)
	r, _ = a.Verify(ctx)
	for _, p := range r.Problems {
		fmt.Println(p.Kind, p.Version, p.File)
	}
	// Output:
	// published version 1 1.0 of Acme-7B
	// intact: true
	// file-altered 1 documentation.md
}
