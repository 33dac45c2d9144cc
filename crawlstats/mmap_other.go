//go:build !(linux || darwin || freebsd)

package crawlstats

import "os"

func mapRange(f *os.File, off int64, n int) (data, mapping []byte, ok bool) { return nil, nil, false }

func unmap(mapping []byte) {}
