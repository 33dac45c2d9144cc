//go:build !unix

package archive

import (
	"errors"
	"io/fs"
	"os"
)

// tryLock creates the file at p exclusively and holds the lock while the
// file exists. Where flock(2) is missing, a writer killed while holding the
// lock leaves the file behind; remove it by hand once no writer runs.
func tryLock(p string) (unlock func() error, ok bool, err error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return func() error {
		f.Close()
		return os.Remove(p)
	}, true, nil
}
