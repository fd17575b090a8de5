package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// A bulk commit (CommitOptions.Bulk) is for callers that write thousands of
// files at once and keep their own record to redo the run after a crash
// (the mail import's journal). It differs from the ordinary path in how it
// writes, not in what: the work-tree files are written without a sync each
// and synced once for the whole file system, and the objects go into one
// packfile instead of one loose file each. The commit, the index and the
// branch update are the same.

// writeWorktreeBulk writes one change without syncing it. A new file is
// written to a temporary name beside it and renamed into place, so a crash
// never leaves half a file under the real name (the temporary files of a
// killed run are removed by the next lock holder); an existing one goes
// through writeWorktree, which keeps its mode. made remembers the folders
// that exist already.
func (s *Store) writeWorktreeBulk(p *pending, made map[string]bool, sync bool) error {
	if p.del {
		return s.writeWorktree(p, sync)
	}
	abs := filepath.Join(s.dir, filepath.FromSlash(p.rel))
	dir := filepath.Dir(abs)
	if !made[dir] {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return fmt.Errorf("write %s: %w", p.rel, err)
		}
		made[dir] = true
	}
	if _, err := os.Lstat(abs); err == nil {
		return s.writeWorktree(p, sync)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	p.mode = filemode.Regular
	tmp := filepath.Join(dir, "."+filepath.Base(abs)+".tmp-bulk")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	if _, err := f.Write(p.data); err != nil {
		return fail(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	// The stat after the rename: a rename changes the file's ctime.
	fi, err := os.Lstat(abs)
	if err != nil {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	p.stat = statOf(fi)
	return nil
}
