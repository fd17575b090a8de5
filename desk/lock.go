package desk

import (
	"sync"
	"time"
)

// LockWait is how long a command waits for another ticket process.
const LockWait = 10 * time.Second

// deskLock makes the desk lock re-entrant within one Desk value, so a
// command can hold it from reading a ticket to saving it, and Save inside
// finds it held instead of waiting for itself.
type deskLock struct {
	mu      sync.Mutex
	depth   int
	release func()
}

// Lock takes the desk's write lock (gitstore's flock on <gitdir>/ticket.lock),
// waiting at most wait (zero: not at all), and returns the
// function that releases it. Every read-modify-write takes it before
// reading: two processes that both read a ticket and then save it would
// otherwise each drop the other's change. Taking it again through the same
// Desk nests; the file lock is released with the outermost release. Taking
// it first finishes any save a killed process left in its journal, and
// undoes the uncommitted half of a killed sync (gitstore.RecoverSync).
func (d *Desk) Lock(wait time.Duration) (func(), error) {
	d.lock.mu.Lock()
	defer d.lock.mu.Unlock()
	if d.lock.depth == 0 {
		release, err := d.Store.Lock(wait)
		if err != nil {
			return nil, err
		}
		// A save a crash cut short is finished before anything else reads
		// or writes the desk.
		if err := d.recoverJournal(); err != nil {
			release()
			return nil, err
		}
		if _, err := d.Store.RecoverSync(); err != nil {
			release()
			return nil, err
		}
		d.lock.release = release
	}
	d.lock.depth++
	done := false
	return func() {
		d.lock.mu.Lock()
		defer d.lock.mu.Unlock()
		if done {
			return
		}
		done = true
		d.lock.depth--
		if d.lock.depth == 0 {
			d.lock.release()
			d.lock.release = nil
		}
	}, nil
}

// Locked reports whether this Desk holds the desk lock.
func (d *Desk) Locked() bool {
	d.lock.mu.Lock()
	defer d.lock.mu.Unlock()
	return d.lock.depth > 0
}
