package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

// tmpPrefix begins the names of Dir's temporary files.
const tmpPrefix = ".tmp-"

// Dir is a [Store] in a folder of the local file system: each key is a file
// at the key's path under the folder. Dir is also a [Locker], with a lock
// file named "lock" at the root, and a [Cleaner].
type Dir struct {
	root string
}

var (
	_ Store   = (*Dir)(nil)
	_ Locker  = (*Dir)(nil)
	_ Cleaner = (*Dir)(nil)
)

// NewDir returns the store in the folder root. The folder is created by the
// first write.
func NewDir(root string) *Dir { return &Dir{root: root} }

// Root returns the folder of d.
func (d *Dir) Root() string { return d.root }

func (d *Dir) path(key string) (string, error) {
	if !validKey(key) {
		return "", gpai.Errorf(gpai.EINVALID, "archive: invalid key %q", key)
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

func validKey(key string) bool {
	if !fs.ValidPath(key) || key == "." || strings.Contains(key, `\`) {
		return false
	}
	for _, el := range strings.Split(key, "/") {
		if strings.HasPrefix(el, tmpPrefix) {
			return false
		}
	}
	return true
}

// Get opens the file at key.
func (d *Dir) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "archive: %s does not exist", p)
	}
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		f.Close()
		return nil, gpai.Errorf(gpai.EINVALID, "archive: %s is not a regular file", p)
	}
	return f, nil
}

// Stat returns the size of the file at key.
func (d *Dir) Stat(ctx context.Context, key string) (int64, error) {
	p, err := d.path(key)
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, gpai.Errorf(gpai.ENOTFOUND, "archive: %s does not exist", p)
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// Put writes r to a temporary file beside the file at key, syncs it, renames
// it into place and syncs the folder.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) (err error) {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := d.mkdirAll(dir); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix+filepath.Base(p)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, r); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return err
	}
	return syncDir(dir)
}

// mkdirAll creates dir and its missing parents, syncing each parent so that
// the new folders survive a crash.
func (d *Dir) mkdirAll(dir string) error {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := d.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	// Some systems cannot sync a folder; the rename is then as durable as
	// the system makes it.
	if errors.Is(err, errors.ErrUnsupported) || errors.Is(err, fs.ErrInvalid) {
		err = nil
	}
	return err
}

// List walks the folder for files whose key begins with prefix, skipping
// temporary files and the lock file.
func (d *Dir) List(ctx context.Context, prefix string) ([]string, error) {
	start := "."
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = prefix[:i]
	}
	root := filepath.Join(d.root, filepath.FromSlash(start))
	var keys []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if key == lockName || !strings.HasPrefix(key, prefix) {
			return nil
		}
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	return keys, nil
}

// Delete removes the file at key and syncs its folder.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return syncDir(filepath.Dir(p))
}

// Clean removes the temporary files of interrupted writes.
func (d *Dir) Clean(ctx context.Context) error {
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if strings.HasPrefix(e.Name(), tmpPrefix) && !e.IsDir() {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
	return err
}

// lockName is the key-like name of Dir's lock file.
const lockName = "lock"

// Lock takes an exclusive lock on the file "lock" in the folder, polling
// until it is free or ctx is done. The operating system releases the lock
// when its holder exits, however it exits.
func (d *Dir) Lock(ctx context.Context) (func() error, error) {
	if err := d.mkdirAll(d.root); err != nil {
		return nil, err
	}
	p := filepath.Join(d.root, lockName)
	for {
		unlock, ok, err := tryLock(p)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if ok {
			return unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, gpai.Errorf(gpai.ECONFLICT, "archive %s is locked by another writer (%v)", d.root, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
