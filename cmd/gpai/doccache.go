package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
)

// docCacheEvery is how often the documentation cache looks at the
// dossier's files to see whether they changed.
const docCacheEvery = time.Second

// docCache serves the derived Model Documentation Form of a dossier
// folder to the downstream-provider pages. It loads and derives the form
// again only when a file of the folder changed (by name, size or
// modification time) or the day changed, and looks at the files at most
// once per every. A failed load is cached the same way, so that a broken
// documentation.yaml is not parsed on every page view either.
type docCache struct {
	dir   string
	every time.Duration
	now   func() time.Time
	// load loads and derives the form; tests count its calls.
	load func(dir string) (*gpai.Documentation, error)

	mu     sync.Mutex
	loaded bool
	looked time.Time // when the files were last looked at
	stamp  string    // their fingerprint when doc was loaded
	doc    *gpai.Documentation
	err    error
}

func newDocCache(dir string) *docCache {
	return &docCache{dir: dir, every: docCacheEvery, now: time.Now,
		load: func(dir string) (*gpai.Documentation, error) {
			_, doc, _, err := loadDoc(dir)
			return doc, err
		}}
}

// Documentation returns the current form; it suits web.Server's
// Documentation field. Callers share the result and must not change it.
// Concurrent callers wait for one load rather than each loading.
func (c *docCache) Documentation(ctx context.Context) (*gpai.Documentation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if age := now.Sub(c.looked); c.loaded && age >= 0 && age < c.every {
		return c.doc, c.err
	}
	c.looked = now
	// The fingerprint is taken before loading, so that a change made
	// during the load is seen at the next look.
	stamp := dossierStamp(c.dir, gpai.Today(c.now))
	if c.loaded && stamp == c.stamp {
		return c.doc, c.err
	}
	c.doc, c.err = c.load(c.dir)
	c.stamp, c.loaded = stamp, true
	return c.doc, c.err
}

// dossierStamp returns a fingerprint of the day and of the path, size,
// modification time and mode of every file dossier.Load reads in dir
// (dossier.ListFiles). An unreadable folder or file gets a fingerprint of
// its error, so that it is loaded again once it can be read.
func dossierStamp(dir string, day gpai.Date) string {
	h := sha256.New()
	fmt.Fprintf(h, "day %s\n", day)
	files, err := dossier.ListFiles(dir)
	if err != nil {
		fmt.Fprintf(h, "error %v\n", err)
	}
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			fmt.Fprintf(h, "%q error %v\n", name, err)
			continue
		}
		fmt.Fprintf(h, "%q %d %d %v\n", name, info.Size(), info.ModTime().UnixNano(), info.Mode())
	}
	return hex.EncodeToString(h.Sum(nil))
}
