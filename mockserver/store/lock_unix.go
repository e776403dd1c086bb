//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile holds an exclusive lock on path for as long as the process
// runs or until unlock: the kernel drops it when the process dies, so a
// kill -9 never leaves a stale lock. One SQLite store has one process,
// which is what lets it trust its own caches; replicas share postgres.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("in use by another hookmock process (one SQLite file serves one process; run replicas on postgres://)")
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
