package archive

import (
	"context"
	"io"
)

// Store holds an archive's bytes under slash-separated keys such as
// "objects/sha256/ab/cdef..." or "HEAD". [Dir] keeps them in a folder; an
// object store can implement Store as well. The chain logic of [Archive]
// depends only on this interface.
type Store interface {
	// Get opens the value stored at key. It returns an error with code
	// gpai.ENOTFOUND when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)

	// Stat returns the size of the value stored at key, or an error with
	// code gpai.ENOTFOUND when there is none.
	Stat(ctx context.Context, key string) (int64, error)

	// Put stores the bytes of r at key, replacing any value, atomically and
	// durably: readers see the old value or the whole new one, never part,
	// and once Put returns, the value survives a crash. Values put one after
	// the other become durable in that order.
	Put(ctx context.Context, key string, r io.Reader) error

	// List returns the keys that begin with prefix, sorted. It omits
	// temporary values of writes in progress or interrupted.
	List(ctx context.Context, prefix string) ([]string, error)

	// Delete removes the value at key. Deleting a missing key is not an
	// error.
	Delete(ctx context.Context, key string) error
}

// A Locker is a Store that can exclude other writers, in this process or
// another. Lock blocks until the lock is held or ctx is done, and returns
// the function that releases it. A lock must be released by the death of
// its holder, so that a crashed writer does not lock the archive forever.
// Archive takes the lock for every write when its Store is a Locker; a
// Store that is not must otherwise ensure that only one writer runs at a
// time.
type Locker interface {
	Lock(ctx context.Context) (unlock func() error, err error)
}

// A Cleaner is a Store that can remove the temporary values left by
// interrupted writes. Clean is called with the lock held.
type Cleaner interface {
	Clean(ctx context.Context) error
}
