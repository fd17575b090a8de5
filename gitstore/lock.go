package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrLocked is returned by Lock when another process holds the desk's lock.
var ErrLocked = errors.New("the desk is locked by another ticket process")

// lockName lives in the git dir so it is never committed and is shared by
// every process working on this work tree.
const lockName = "ticket.lock"

// LockPath is the file that holds the desk's write lock.
func (s *Store) LockPath() string { return filepath.Join(s.gitDir, lockName) }

// Lock takes the desk's write lock, waiting at most wait, and returns the
// function that releases it. The lock is held by an open file (flock), so
// it dies with its process and never needs cleaning up.
func (s *Store) Lock(wait time.Duration) (func(), error) {
	return LockFile(s.LockPath(), wait)
}

// LockFile takes an exclusive lock held by the open file at path (created
// when missing), waiting at most wait; on time-out the error wraps
// ErrLocked and names the file and, where known, the holder. Other local
// state (the outbox) locks with it too.
//
// The holder writes its process id, start of holding and command line into
// the file while it holds the lock; the content is only ever a hint for the
// message, never what the lock rests on.
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
			holder := lockHolder(p)
			f.Close()
			if holder != "" {
				return nil, &LockedError{Path: p, Holder: holder, Wait: wait}
			}
			return nil, &LockedError{Path: p, Wait: wait}
		}
		time.Sleep(min(delay, left))
		delay = min(delay*2, 50*time.Millisecond)
	}
	markHolder(f)
	released := false
	return func() {
		if !released {
			released = true
			f.Truncate(0)
			unlock(f)
			f.Close()
		}
	}, nil
}

// LockedError says which lock could not be had in time and who holds it.
type LockedError struct {
	Path   string
	Holder string // "pid 123 since 10:04:05Z: ticket import eml -", or ""
	Wait   time.Duration
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Path, ErrLocked)
	if e.Holder != "" {
		msg += " (" + e.Holder + ")"
	}
	if e.Wait > 0 {
		msg += fmt.Sprintf("; gave up after %v", e.Wait)
	}
	return msg
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// markHolder records who holds the lock in the lock file.
func markHolder(f *os.File) {
	line := fmt.Sprintf("%d %s %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339), strings.Join(commandLine(), " "))
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(line), 0)
	}
}

// lockHolder reads what markHolder wrote, "" when nothing usable is there.
func lockHolder(p string) string {
	b, err := os.ReadFile(p)
	if err != nil || len(b) == 0 {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.SplitN(line, " ", 3)
	if len(fields) < 2 {
		return ""
	}
	if _, err := strconv.Atoi(fields[0]); err != nil {
		return ""
	}
	h := "held by pid " + fields[0]
	if t, err := time.Parse(time.RFC3339, fields[1]); err == nil {
		h += " since " + t.UTC().Format(time.RFC3339)
	}
	if len(fields) == 3 && fields[2] != "" {
		cmd := fields[2]
		if len(cmd) > 120 {
			cmd = cmd[:120] + "…"
		}
		h += ": " + strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, cmd)
	}
	return h
}

// commandLine is the program's name and its subcommand words (up to the
// first flag, at most three): enough to recognise the holder, without
// copying message text or addresses into the lock file.
func commandLine() []string {
	args := []string{filepath.Base(os.Args[0])}
	for _, a := range os.Args[1:] {
		if len(args) == 4 || strings.HasPrefix(a, "-") || strings.ContainsAny(a, " \t\n@") {
			break
		}
		args = append(args, a)
	}
	return args
}

// ClearStaleLocks removes the lock files git and Apply take for a commit
// (index.lock, HEAD.lock and the branch's ref lock) when they are no older
// than since: those a process killed mid-commit left behind. The caller
// holds the desk lock and knows such a process existed (it found its
// journal, written at since), so no ticket process is inside a commit.
func (s *Store) ClearStaleLocks(since time.Time) {
	cands := []string{filepath.Join(s.gitDir, "index.lock"), filepath.Join(s.gitDir, "HEAD.lock")}
	if hd, err := s.readHead(); err == nil && hd.ref != "" {
		cands = append(cands, s.refFile(hd.ref)+".lock")
	}
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && !fi.ModTime().Before(since) {
			os.Remove(c)
		}
	}
}
