package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrLocked is returned by Lock when another process holds the desk's lock.
var ErrLocked = errors.New("the desk is locked by another ticket process")

// lockName lives in the git dir so it is never committed and is shared by
// every process working on this work tree.
const lockName = "ticket.lock"

// Lock takes the desk's write lock, waiting at most wait, and returns the
// function that releases it. The lock is held by an open file (flock), so
// it dies with its process and never needs cleaning up.
func (s *Store) Lock(wait time.Duration) (func(), error) {
	return LockFile(filepath.Join(s.gitDir, lockName), wait)
}

// LockFile takes an exclusive lock held by the open file at path (created
// when missing), waiting at most wait; on time-out the error wraps
// ErrLocked. Other local state (the outbox) locks with it too.
func LockFile(p string, wait time.Duration) (func(), error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	deadline := time.Now().Add(wait)
	delay := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if ok {
			break
		}
		left := time.Until(deadline)
		if left <= 0 {
			f.Close()
			return nil, fmt.Errorf("%s: %w", p, ErrLocked)
		}
		time.Sleep(min(delay, left))
		delay = min(delay*2, 50*time.Millisecond)
	}
	released := false
	return func() {
		if !released {
			released = true
			unlock(f)
			f.Close()
		}
	}, nil
}
