package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// syncMarker exists while a sync runs. Sync checks that the desk is clean
// before it starts, so finding the marker of a sync that was killed (by a
// crash, an OOM killer, a stopped service) means whatever is uncommitted
// in the desk, or half-merged, or locked since then, is that sync's.
func (s *Store) syncMarker() string { return filepath.Join(s.gitDir, "ticket", "sync-running") }

// GuardSync marks a sync as running until done is called. When the mark of
// a killed sync is still there, it first puts the desk back where that
// sync started: it removes the lock files git left since then and a pack
// index a killed fetch wrote without its pack, quits the merge it left
// unfinished, restores the desk's files and index to HEAD and removes the
// new files it wrote (a remote branch holds their paths). Commits are
// never touched: whatever the killed sync committed stays and is pushed by
// this one. recovered says whether there was anything to recover. The
// caller holds the desk lock.
func (s *Store) GuardSync() (done func(), recovered bool, err error) {
	if recovered, err = s.RecoverSync(); err != nil {
		return nil, recovered, err
	}
	p := s.syncMarker()
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return nil, recovered, err
	}
	if err := os.WriteFile(p, fmt.Appendf(nil, "%d %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339)), 0o666); err != nil {
		return nil, recovered, err
	}
	return func() { os.Remove(p) }, recovered, nil
}

// RecoverSync does what GuardSync does first, when the mark of a killed
// sync is there, and reports whether it was. Taking the desk lock calls it,
// so no command builds on a half-merged desk. The caller holds the desk
// lock.
func (s *Store) RecoverSync() (bool, error) {
	fi, err := os.Stat(s.syncMarker())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.recoverSync(fi.ModTime()); err != nil {
		return true, fmt.Errorf("%s: putting the desk back after a sync that was interrupted: %w", s.syncMarker(), err)
	}
	return true, nil
}

func (s *Store) recoverSync(since time.Time) error {
	// A second's slack: file systems with coarse times stamp a file made
	// just after the marker with the marker's second or the one before.
	since = since.Add(-time.Second)
	s.ClearStaleLocks(since)
	for _, pat := range []string{"refs/remotes/*/*.lock", "refs/heads/*.lock", "packed-refs.lock", "shallow.lock"} {
		ls, _ := filepath.Glob(filepath.Join(s.commonDir, filepath.FromSlash(pat)))
		for _, l := range ls {
			if fi, err := os.Stat(l); err == nil && !fi.ModTime().Before(since) {
				os.Remove(l)
			}
		}
	}
	dropOrphanIndexes(filepath.Join(s.commonDir, "objects", "pack"), since)
	if _, err := exec.LookPath("git"); err != nil {
		os.Remove(s.syncMarker())
		return nil
	}
	if msg, err := os.ReadFile(filepath.Join(s.gitDir, "MERGE_MSG")); err == nil && strings.HasPrefix(string(msg), "ticket sync") {
		if _, err := os.Stat(filepath.Join(s.gitDir, "MERGE_HEAD")); err == nil {
			if _, err := s.gitRun("merge", "--quit"); err != nil {
				return err
			}
		}
	}
	deskPath := s.prefix
	if deskPath == "" {
		deskPath = "."
	}
	st, err := s.gitRun("status", "--porcelain", "--untracked-files=no", "--", deskPath)
	if err != nil {
		return err
	}
	if strings.TrimSpace(st) != "" {
		if _, err := s.gitRun("restore", "--source=HEAD", "--staged", "--worktree", "--", deskPath); err != nil {
			return err
		}
	}
	// Files the killed sync wrote that no index entry names (a merge cut
	// short after the work tree, before the index). A merge only writes
	// what the remote branch holds, so a new file that no remote branch
	// has is someone's own, made while the sync ran, and stays.
	out, err := s.gitRun("ls-files", "-z", "--others", "--exclude-standard", "--", deskPath)
	if err != nil {
		return err
	}
	var upstream []*object.Tree
	for _, f := range strings.Split(out, "\x00") {
		if f == "" {
			continue
		}
		full := filepath.Join(s.root, filepath.FromSlash(f))
		fi, err := os.Lstat(full)
		if err != nil || !fi.Mode().IsRegular() || fi.ModTime().Before(since) {
			continue
		}
		if upstream == nil {
			upstream = s.remoteTrees()
		}
		// A file the merge was still writing has Apply's temporary name
		// beside the path it was for.
		dir, base := path.Split(f)
		if target, ok := applyTempTarget(base); ok {
			f = dir + target
		}
		if inAnyTree(upstream, f) {
			os.Remove(full)
		}
	}
	return os.Remove(s.syncMarker())
}

// dropOrphanIndexes removes the pack indexes in dir written since the
// sync began whose pack is not beside them, and the temporary indexes
// wholeIndexes writes. go-git writes a fetched pack's index before it
// renames the pack into place, so a fetch killed in between leaves such an
// index. Neither git nor go-git reads an index without its pack, but the
// next fetch of the same pack would find the index and keep it, and one
// written before wholeIndexes may be cut short. (The pack's own temporary
// file, tmp_pack_*, is left to git gc, as after a git fetch that was
// killed.)
func dropOrphanIndexes(dir string, since time.Time) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, tmpIndexPrefix) {
			pack, ok := strings.CutSuffix(n, ".idx")
			if !ok {
				continue
			}
			if _, err := os.Lstat(filepath.Join(dir, pack+".pack")); !errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && !fi.ModTime().Before(since) {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// tempPattern is the os.CreateTemp pattern of the name Apply gives a file
// while writing it: ".NAME.tmpDIGITS".
func tempPattern(name string) string { return "." + name + ".tmp*" }

// LeftoverTemps returns the temporary files beside the file at full that
// Apply wrote for it and never renamed into place (a process killed in
// between), for a recovery to remove.
func LeftoverTemps(full string) []string {
	dir, name := filepath.Split(full)
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		if t, ok := applyTempTarget(e.Name()); ok && t == name {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// applyTempTarget reads the name Apply gives a file while writing it
// (tempPattern) and returns NAME.
func applyTempTarget(base string) (string, bool) {
	i := strings.LastIndex(base, ".tmp")
	if i < 2 || base[0] != '.' || i+4 == len(base) {
		return "", false
	}
	for _, c := range base[i+4:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return base[1:i], true
}

// remoteTrees returns the trees of the remote-tracking branches, which a
// fetch leaves before any merge; an empty, non-nil list when there are
// none.
func (s *Store) remoteTrees() []*object.Tree {
	s.reindex()
	out := []*object.Tree{}
	refs, err := s.repo.References()
	if err != nil {
		return out
	}
	refs.ForEach(func(r *plumbing.Reference) error {
		if !r.Name().IsRemote() || r.Type() != plumbing.HashReference {
			return nil
		}
		if c, err := s.repo.CommitObject(r.Hash()); err == nil {
			if t, err := c.Tree(); err == nil {
				out = append(out, t)
			}
		}
		return nil
	})
	return out
}

func inAnyTree(trees []*object.Tree, path string) bool {
	for _, t := range trees {
		if _, err := t.FindEntry(path); err == nil {
			return true
		}
	}
	return false
}
