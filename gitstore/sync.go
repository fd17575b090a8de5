package gitstore

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Sync engines. The git CLI is preferred when installed: it uses the
// user's credentials (SSH agent and config, HTTPS credential helpers) and
// merges ticket files through the registered merge driver. go-git is the
// fallback for machines without git.
const (
	EngineGit   = "git"
	EngineGoGit = "go-git"
)

// SyncOptions say what Sync talks to and how it merges.
type SyncOptions struct {
	// Remote and Branch name the upstream; empty means the branch's
	// configured upstream, else "origin" and the current branch's name.
	Remote, Branch string
	// Engine is EngineGit, EngineGoGit or "" for git when it is on PATH.
	Engine string
	// Attempts is how often to fetch, merge and push when the push is
	// rejected because the remote moved meanwhile; 0 means 5.
	Attempts int
	// Merge combines a desk file both sides changed (go-git engine only; git
	// runs the registered merge driver itself). A side that deleted the
	// file is nil. It returns ErrCannotMerge for files it does not handle.
	Merge func(path string, base, ours, theirs []byte) ([]byte, error)
	// Author of merge commits; the zero value means Identity().
	Author Signature
}

// SyncResult reports what a sync brought in and sent out.
type SyncResult struct {
	Engine         string
	Remote, Branch string
	Before, After  string // local commit before and after
	Upstream       string // the remote branch as last fetched ("" when it did not exist)
	In, Out        []string
	CommitsIn      int
	CommitsOut     int
	Merged         bool // a merge commit was made
	FastForward    bool
	Pushed         bool
	Attempts       int
}

// ErrCannotMerge is returned by a SyncOptions.Merge function for a file it
// does not merge.
var ErrCannotMerge = errors.New("cannot merge this file")

// ErrDirty means the desk has uncommitted changes that a sync could
// overwrite.
var ErrDirty = errors.New("the desk has uncommitted changes")

// ErrConflict means the merge needs a person: files outside the ticket
// format changed on both sides.
var ErrConflict = errors.New("the merge has conflicts")

// ErrNoRemote means there is nothing to sync with.
var ErrNoRemote = errors.New("no remote to sync with")

// SyncError carries the files at fault with a sentinel error.
type SyncError struct {
	Err   error
	Files []string
	Msg   string
}

func (e *SyncError) Error() string {
	s := e.Err.Error()
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if len(e.Files) > 0 {
		s += ": " + strings.Join(e.Files, ", ")
	}
	return s
}

func (e *SyncError) Unwrap() error { return e.Err }

// Sync fetches the upstream branch, merges it into the current branch and
// pushes the result, fetching and merging again when the push is rejected
// because someone pushed meanwhile. Callers hold Lock.
func (s *Store) Sync(opt SyncOptions) (*SyncResult, error) {
	if opt.Attempts <= 0 {
		opt.Attempts = 5
	}
	if opt.Engine == "" {
		opt.Engine = EngineGoGit
		if _, err := exec.LookPath("git"); err == nil {
			opt.Engine = EngineGit
		}
	}
	hd, err := s.readHead()
	if err != nil {
		return nil, err
	}
	if hd.ref == "" {
		return nil, errors.New("HEAD is detached; check out the branch to sync (git switch main), then sync again")
	}
	branch := strings.TrimPrefix(hd.ref, "refs/heads/")
	remote, rbranch, err := s.upstream(branch, opt.Remote, opt.Branch)
	if err != nil {
		return nil, err
	}
	res := &SyncResult{Engine: opt.Engine, Remote: remote, Branch: rbranch, Before: hd.hash.String()}
	if hd.hash.IsZero() {
		res.Before = ""
	}
	switch opt.Engine {
	case EngineGit:
		err = s.syncGit(res, branch, opt)
	case EngineGoGit:
		err = s.syncGoGit(res, branch, opt)
	default:
		return nil, fmt.Errorf("unknown sync engine %q (want git or go-git)", opt.Engine)
	}
	return res, err
}

// upstream resolves the remote and its branch: flags, then the branch's
// configured upstream, then "origin" and the same branch name.
func (s *Store) upstream(branch, remote, rbranch string) (string, string, error) {
	cfg, err := s.repo.Config()
	if err != nil {
		return "", "", fmt.Errorf("read git config: %w", err)
	}
	if b, ok := cfg.Branches[branch]; ok {
		if remote == "" {
			remote = b.Remote
		}
		if rbranch == "" && b.Merge != "" {
			rbranch = b.Merge.Short()
		}
	}
	if remote == "" || remote == "." {
		remote = "origin"
	}
	if rbranch == "" {
		rbranch = branch
	}
	if _, ok := cfg.Remotes[remote]; !ok {
		if len(cfg.Remotes) == 0 {
			return "", "", &SyncError{Err: ErrNoRemote, Msg: "this repository has no remote"}
		}
		return "", "", &SyncError{Err: ErrNoRemote, Msg: fmt.Sprintf("no remote named %q", remote)}
	}
	return remote, rbranch, nil
}

func trackingRef(remote, branch string) string { return "refs/remotes/" + remote + "/" + branch }

// ---- the git CLI engine ----

// gitRun runs git in the work tree root and returns its standard output.
func (s *Store) gitRun(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), "GIT_MERGE_AUTOEDIT=no")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(out.String())
		}
		return out.String(), fmt.Errorf("git %s: %w: %s", args[0], err, msg)
	}
	return out.String(), nil
}

// syncGit fetches and pushes with the git CLI, so the user's credentials,
// remotes and hooks work as for git itself, and merges in-process as the
// go-git engine does: git would start the merge driver, a new ticket
// process, for every file changed on both sides, and rewrite its whole
// index. A merge the in-process engine leaves to git (files outside the
// desk, other files changed on both sides) runs git merge.
func (s *Store) syncGit(res *SyncResult, branch string, opt SyncOptions) error {
	deskPath := s.prefix
	if deskPath == "" {
		deskPath = "."
	}
	st, err := s.gitRun("status", "--porcelain", "--untracked-files=no", "--", deskPath)
	if err != nil {
		return err
	}
	if dirty := porcelainPaths(st); len(dirty) > 0 {
		return &SyncError{Err: ErrDirty, Files: s.deskRel(dirty)}
	}
	track := trackingRef(res.Remote, res.Branch)
	for attempt := 1; attempt <= opt.Attempts; attempt++ {
		res.Attempts = attempt
		_, err := s.gitRun("fetch", "--quiet", "--no-tags", res.Remote, "+refs/heads/"+res.Branch+":"+track)
		var upstream plumbing.Hash
		if err != nil {
			if !strings.Contains(err.Error(), "couldn't find remote ref") {
				return err
			}
		} else {
			s.reindex()
			ref, err := s.repo.Reference(plumbing.ReferenceName(track), true)
			if err != nil {
				return fmt.Errorf("%s: %w", track, err)
			}
			upstream = ref.Hash()
		}
		res.Upstream = ""
		if !upstream.IsZero() {
			res.Upstream = upstream.String()
		}
		hd, err := s.readHead()
		if err != nil {
			return err
		}
		if hd.hash.IsZero() && upstream.IsZero() {
			return errors.New("nothing to sync: the branch has no commits and the remote branch does not exist")
		}
		if !upstream.IsZero() && upstream != hd.hash {
			err := s.goMerge(res, hd, upstream, opt)
			if errors.Is(err, ErrConflict) {
				head := ""
				if !hd.hash.IsZero() {
					head = hd.hash.String()
				}
				err = s.gitMerge(res, head, upstream.String(), track)
			}
			if err != nil {
				return err
			}
			if hd, err = s.readHead(); err != nil {
				return err
			}
		}
		res.After = hd.hash.String()
		if hd.hash == upstream {
			break
		}
		_, err = s.gitRun("push", "--quiet", "--porcelain", res.Remote, "HEAD:refs/heads/"+res.Branch)
		if err == nil {
			res.Pushed = true
			s.writeRef(track, nil, hd.hash)
			if !s.hasUpstream(branch) {
				s.gitRun("branch", "--set-upstream-to="+res.Remote+"/"+res.Branch, branch)
			}
			break
		}
		if !pushRejected(err.Error()) {
			return err
		}
		if attempt == opt.Attempts {
			return fmt.Errorf("the remote kept moving; gave up after %d attempts: %w", attempt, err)
		}
		time.Sleep(time.Duration(attempt*attempt*50) * time.Millisecond)
	}
	return s.goReport(res)
}

// reindex makes go-git see the pack files a git fetch just wrote.
func (s *Store) reindex() {
	if fs, ok := s.repo.Storer.(*filesystem.Storage); ok {
		fs.Reindex()
	}
}

// hasUpstream reports whether the branch has a configured remote.
func (s *Store) hasUpstream(branch string) bool {
	cfg, err := s.repo.Config()
	if err != nil {
		return false
	}
	b, ok := cfg.Branches[branch]
	return ok && b.Remote != ""
}

// gitMerge merges with git merge, for what the in-process merge leaves to
// git; conflicts abort the merge and name the files.
func (s *Store) gitMerge(res *SyncResult, head, upstream, track string) error {
	if head == "" {
		// An unborn branch takes the remote as it is.
		if _, err := s.gitRun("merge", "--ff-only", "-q", track); err != nil {
			return err
		}
		res.FastForward = true
		return nil
	}
	if _, err := s.gitRun("merge-base", "--is-ancestor", upstream, head); err == nil {
		return nil // nothing new upstream
	}
	if _, err := s.gitRun("merge-base", "--is-ancestor", head, upstream); err == nil {
		if _, err := s.gitRun("merge", "--ff-only", "-q", track); err != nil {
			return err
		}
		res.FastForward = true
		return nil
	}
	msg := fmt.Sprintf("ticket sync: merge %s/%s", res.Remote, res.Branch)
	_, err := s.gitRun("merge", "--no-edit", "-q", "-m", msg, track)
	if err == nil {
		res.Merged = true
		return nil
	}
	out, _ := s.gitRun("diff", "--name-only", "--diff-filter=U")
	files := strings.Fields(out)
	s.gitRun("merge", "--abort")
	if len(files) == 0 {
		return err
	}
	return &SyncError{Err: ErrConflict, Files: files}
}

func pushRejected(msg string) bool {
	for _, s := range []string{"[rejected]", "non-fast-forward", "fetch first", "stale info", "cannot lock ref", "failed to update ref"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// porcelainPaths reads `git status --porcelain` output.
func porcelainPaths(out string) []string {
	var paths []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 {
			p := l[3:]
			if _, after, ok := strings.Cut(p, " -> "); ok {
				p = after
			}
			paths = append(paths, strings.Trim(p, `"`))
		}
	}
	return paths
}

// deskRel turns repository paths into desk-relative ones, dropping those
// outside the desk.
func (s *Store) deskRel(paths []string) []string {
	var out []string
	for _, p := range paths {
		if s.prefix == "" {
			out = append(out, p)
		} else if r, ok := strings.CutPrefix(p, s.prefix+"/"); ok {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// ---- the go-git engine ----

func (s *Store) syncGoGit(res *SyncResult, branch string, opt SyncOptions) error {
	track := plumbing.ReferenceName(trackingRef(res.Remote, res.Branch))
	remote, err := s.goRemote(res.Remote)
	if err != nil {
		return err
	}
	var lastErr error
	for attempt := 1; attempt <= opt.Attempts; attempt++ {
		res.Attempts = attempt
		err := remote.Fetch(&git.FetchOptions{
			RemoteName: res.Remote,
			RefSpecs:   []config.RefSpec{config.RefSpec("+refs/heads/" + res.Branch + ":" + string(track))},
			Tags:       git.NoTags,
		})
		var upstream plumbing.Hash
		switch {
		case err == nil || errors.Is(err, git.NoErrAlreadyUpToDate):
			ref, err := s.repo.Reference(track, true)
			if err != nil {
				return fmt.Errorf("%s: %w", track, err)
			}
			upstream = ref.Hash()
		case isNoMatchingRef(err), errors.Is(err, transport.ErrEmptyRemoteRepository):
			// The branch is not on the remote yet (or nothing is): push it.
		default:
			return fmt.Errorf("fetch %s: %w", res.Remote, err)
		}
		if !upstream.IsZero() {
			res.Upstream = upstream.String()
		}
		hd, err := s.readHead()
		if err != nil {
			return err
		}
		if !upstream.IsZero() && upstream != hd.hash {
			if err := s.goMerge(res, hd, upstream, opt); err != nil {
				return err
			}
			if hd, err = s.readHead(); err != nil {
				return err
			}
		}
		res.After = hd.hash.String()
		if hd.hash == upstream {
			break
		}
		if hd.hash.IsZero() {
			return errors.New("nothing to sync: the branch has no commits and the remote branch does not exist")
		}
		err = remote.Push(&git.PushOptions{
			RemoteName: res.Remote,
			RefSpecs:   []config.RefSpec{config.RefSpec(hd.ref + ":refs/heads/" + res.Branch)},
		})
		if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
			res.Pushed = err == nil
			s.writeRef(string(track), nil, hd.hash)
			lastErr = nil
			break
		}
		lastErr = err
		if !errors.Is(err, git.ErrNonFastForwardUpdate) && !pushRejected(err.Error()) {
			return fmt.Errorf("push %s: %w", res.Remote, err)
		}
		time.Sleep(time.Duration(attempt*attempt*50) * time.Millisecond)
	}
	if lastErr != nil {
		return fmt.Errorf("the remote kept moving; gave up after %d attempts: %w", res.Attempts, lastErr)
	}
	return s.goReport(res)
}

func isNoMatchingRef(err error) bool {
	var nm git.NoMatchingRefSpecError
	return errors.As(err, &nm) || strings.Contains(err.Error(), "couldn't find remote ref")
}

func (s *Store) commitOf(h plumbing.Hash) (*object.Commit, error) {
	c, err := s.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	return c, nil
}

// goMerge merges upstream into HEAD: a fast-forward when HEAD is behind,
// else a merge commit with two parents whose tree is HEAD's with the
// upstream's changes applied, files changed on both sides merged by
// opt.Merge. Only the changed files are written, as Apply does.
func (s *Store) goMerge(res *SyncResult, hd head, upstream plumbing.Hash, opt SyncOptions) error {
	theirs, err := s.commitOf(upstream)
	if err != nil {
		return err
	}
	if hd.hash.IsZero() {
		return s.fastForward(res, hd, plumbing.ZeroHash, theirs)
	}
	ours, err := s.commitOf(hd.hash)
	if err != nil {
		return err
	}
	bases, err := s.mergeBase(ours, theirs)
	if err != nil {
		return fmt.Errorf("merge base: %w", err)
	}
	var base *object.Commit
	if len(bases) > 0 {
		base = bases[0]
	}
	switch {
	case base != nil && base.Hash == theirs.Hash:
		return nil // nothing new upstream
	case base != nil && base.Hash == ours.Hash:
		return s.fastForward(res, hd, ours.TreeHash, theirs)
	}
	var baseTree plumbing.Hash
	if base != nil {
		baseTree = base.TreeHash
	}
	t := newTrees(s.repo.Storer)
	oursList, err := changedPaths(t, baseTree, ours.TreeHash)
	if err != nil {
		return err
	}
	oursCh := make(map[string]bool, len(oursList))
	for _, p := range oursList {
		oursCh[p] = true
	}
	theirsCh, err := changedPaths(t, baseTree, theirs.TreeHash)
	if err != nil {
		return err
	}
	var changes []Change
	var conflicts []string
	for _, full := range theirsCh {
		rel, inDesk := s.relOf(full)
		tb, err := s.blobAt(t, theirs.TreeHash, full)
		if err != nil {
			return err
		}
		if !oursCh[full] {
			if !inDesk {
				conflicts = append(conflicts, full)
				continue
			}
			changes = append(changes, Change{Path: rel, Data: tb, Delete: tb == nil})
			continue
		}
		ob, err := s.blobAt(t, ours.TreeHash, full)
		if err != nil {
			return err
		}
		if bytes.Equal(ob, tb) && (ob == nil) == (tb == nil) {
			continue
		}
		if !inDesk || opt.Merge == nil {
			conflicts = append(conflicts, full)
			continue
		}
		bb, err := s.blobAt(t, baseTree, full)
		if err != nil {
			return err
		}
		merged, err := opt.Merge(rel, bb, ob, tb)
		if err != nil {
			conflicts = append(conflicts, full)
			continue
		}
		if merged == nil {
			changes = append(changes, Change{Path: rel, Delete: true})
		} else if !bytes.Equal(merged, ob) {
			changes = append(changes, Change{Path: rel, Data: merged})
		}
	}
	if len(conflicts) > 0 {
		return &SyncError{Err: ErrConflict, Files: conflicts,
			Msg: "files changed on both sides (or outside the desk) need git's merge"}
	}
	if err := s.checkClean(t, ours.TreeHash, changes); err != nil {
		return err
	}
	author := opt.Author
	if author.Name == "" || author.Email == "" {
		id, err := s.Identity()
		if err != nil {
			return err
		}
		author.Name, author.Email = first(author.Name, id.Name), first(author.Email, id.Email)
	}
	if author.When.IsZero() {
		author.When = time.Now()
	}
	ow := s.newObjectWriter()
	tree := ours.TreeHash
	if len(changes) > 0 {
		ps, err := s.prepare(changes)
		if err != nil {
			return err
		}
		for i := range ps {
			ps[i].mode = filemode.Regular
			if ps[i].del {
				continue
			}
			if e, ok, _ := t.lookup(ours.TreeHash, ps[i].full); ok && e.Mode == filemode.Executable {
				ps[i].mode = filemode.Executable
			}
			if ps[i].blob, err = ow.write(plumbing.BlobObject, ps[i].data); err != nil {
				return fmt.Errorf("%s: store blob: %w", ps[i].rel, err)
			}
		}
		b := treeBuilder{ow: ow, trees: t}
		if tree, err = b.build(ours.TreeHash, ps); err != nil {
			return err
		}
		// Work tree and index first: a failure here leaves the branch where
		// it was, with the merged files staged for a look.
		if _, err := s.Apply(changes, CommitOptions{NoCommit: true}); err != nil {
			return err
		}
	}
	msg := fmt.Sprintf("ticket sync: merge %s/%s\n", res.Remote, res.Branch)
	h, err := s.writeCommit(ow, tree, []plumbing.Hash{ours.Hash, theirs.Hash}, author, msg)
	if err != nil {
		return err
	}
	ow.syncDirs()
	if err := s.updateRef(hd.ref, hd.hash, h, committer(author), "merge "+res.Remote+"/"+res.Branch+": Merge made by ticket sync."); err != nil {
		return err
	}
	res.Merged = true
	return nil
}

// fastForward moves the branch to the upstream commit, writing only the
// files that differ.
func (s *Store) fastForward(res *SyncResult, hd head, fromTree plumbing.Hash, theirs *object.Commit) error {
	t := newTrees(s.repo.Storer)
	ch, err := changedPaths(t, fromTree, theirs.TreeHash)
	if err != nil {
		return err
	}
	var changes []Change
	var outside []string
	for _, full := range ch {
		rel, inDesk := s.relOf(full)
		if !inDesk {
			outside = append(outside, full)
			continue
		}
		data, err := s.blobAt(t, theirs.TreeHash, full)
		if err != nil {
			return err
		}
		changes = append(changes, Change{Path: rel, Data: data, Delete: data == nil})
	}
	if len(outside) > 0 {
		return &SyncError{Err: ErrConflict, Files: outside, Msg: "changes outside the desk need the git CLI"}
	}
	if err := s.checkClean(t, fromTree, changes); err != nil {
		return err
	}
	if len(changes) > 0 {
		if _, err := s.Apply(changes, CommitOptions{NoCommit: true}); err != nil {
			return err
		}
	}
	who, err := s.Identity()
	if err != nil {
		who = Signature{Name: "ticket", Email: "ticket@localhost", When: time.Now()}
	}
	ref := hd.ref
	if err := s.updateRef(ref, hd.hash, theirs.Hash, committer(who), "merge "+res.Remote+"/"+res.Branch+": Fast-forward"); err != nil {
		return err
	}
	res.FastForward = true
	return nil
}

// checkClean refuses to overwrite a file whose work-tree content differs
// from the commit the merge starts from.
func (s *Store) checkClean(t *trees, tree plumbing.Hash, changes []Change) error {
	var dirty []string
	for _, c := range changes {
		full := joinPrefix(s.prefix, c.Path)
		want, err := s.blobAt(t, tree, full)
		if err != nil {
			return err
		}
		have, err := s.Worktree().Read(c.Path)
		if err != nil {
			have = nil
		}
		if !bytes.Equal(want, have) || (want == nil) != (have == nil) {
			dirty = append(dirty, c.Path)
		}
	}
	if len(dirty) > 0 {
		return &SyncError{Err: ErrDirty, Files: dirty}
	}
	return nil
}

func (s *Store) relOf(full string) (string, bool) {
	if s.prefix == "" {
		return full, true
	}
	r, ok := strings.CutPrefix(full, s.prefix+"/")
	return r, ok
}

// blobAt reads the file at a repository path of a tree; nil when absent.
func (s *Store) blobAt(t *trees, tree plumbing.Hash, full string) ([]byte, error) {
	if tree.IsZero() {
		return nil, nil
	}
	e, ok, err := t.lookup(tree, full)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", full, err)
	}
	if !ok || !e.Mode.IsFile() {
		return nil, nil
	}
	o, err := s.repo.Storer.EncodedObject(plumbing.BlobObject, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", full, err)
	}
	r, err := o.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", full, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", full, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

func (s *Store) writeCommit(ow *objectWriter, tree plumbing.Hash, parents []plumbing.Hash, author Signature, msg string) (plumbing.Hash, error) {
	comm := committer(author)
	c := &object.Commit{
		Author:       object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer:    object.Signature{Name: comm.Name, Email: comm.Email, When: comm.When},
		Message:      msg,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	o := &plumbing.MemoryObject{}
	if err := c.Encode(o); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	r, _ := o.Reader()
	data, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	return ow.write(plumbing.CommitObject, data)
}

func (s *Store) goReport(res *SyncResult) error {
	t := newTrees(s.repo.Storer)
	treeOf := func(h string) (plumbing.Hash, error) {
		if h == "" {
			return plumbing.ZeroHash, nil
		}
		c, err := s.commitOf(plumbing.NewHash(h))
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return c.TreeHash, nil
	}
	diff := func(from, to string) ([]string, error) {
		a, err := treeOf(from)
		if err != nil {
			return nil, err
		}
		b, err := treeOf(to)
		if err != nil {
			return nil, err
		}
		set, err := changedPaths(t, a, b)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, p := range set {
			if r, ok := s.relOf(p); ok {
				out = append(out, r)
			}
		}
		sort.Strings(out)
		return out, nil
	}
	var err error
	if res.In, err = diff(res.Before, res.After); err != nil {
		return err
	}
	if res.Out, err = diff(res.Upstream, res.After); err != nil {
		return err
	}
	res.CommitsIn = s.countBetween(res.Before, res.Upstream)
	if res.Pushed {
		res.CommitsOut = s.countBetween(res.Upstream, res.After)
	}
	return nil
}

// Marks of a history walk: which tips reach a commit, and whether its
// ancestors are settled.
const (
	reachA uint8 = 1 << iota
	reachB
	stale
)

// dateQueue holds commits to walk, newest committer time first, as git
// walks history: a walk can stop once what is left is settled, instead of
// reading every commit down to the root.
type dateQueue []*object.Commit

func (q dateQueue) Len() int { return len(q) }
func (q dateQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q dateQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dateQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *dateQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// any reports whether a queued commit lacks every mark of mask.
func (q dateQueue) any(flags map[plumbing.Hash]uint8, mask uint8) bool {
	for _, c := range q {
		if flags[c.Hash]&mask == 0 {
			return true
		}
	}
	return false
}

// walkSlop is how many commits a walk goes on after it looks settled, for
// commits whose times are out of order (clocks of clones differ).
const walkSlop = 8

// countBetween counts commits reachable from to but not from from, as
// git rev-list --count from..to does: both histories are walked newest
// first, and the walk stops once every commit left is reachable from from.
func (s *Store) countBetween(from, to string) int {
	if to == "" || from == to {
		return 0
	}
	flags := map[plumbing.Hash]uint8{}
	q := &dateQueue{}
	push := func(h plumbing.Hash, f uint8) {
		if flags[h]|f == flags[h] {
			return
		}
		flags[h] |= f
		if c, err := s.repo.CommitObject(h); err == nil {
			heap.Push(q, c)
		}
	}
	push(plumbing.NewHash(to), reachB)
	if from != "" {
		push(plumbing.NewHash(from), reachA)
	}
	for slop := walkSlop; q.Len() > 0; {
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash]
		if f&reachA != 0 {
			f = reachA
		}
		for _, p := range c.ParentHashes {
			push(p, f)
		}
		if q.any(flags, reachA) {
			slop = walkSlop
		} else if slop--; slop <= 0 {
			break
		}
	}
	n := 0
	for _, f := range flags {
		if f == reachB {
			n++
		}
	}
	return n
}

// mergeBase finds the best common ancestors of two commits as git
// merge-base does: it walks both histories newest first and stops once
// every commit left is an ancestor of a common one, where go-git's
// Commit.MergeBase reads the whole history of one side.
func (s *Store) mergeBase(a, b *object.Commit) ([]*object.Commit, error) {
	if a.Hash == b.Hash {
		return []*object.Commit{a}, nil
	}
	flags := map[plumbing.Hash]uint8{a.Hash: reachA, b.Hash: reachB}
	q := &dateQueue{a, b}
	heap.Init(q)
	var found []*object.Commit
	for slop := walkSlop; q.Len() > 0; {
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash] & (reachA | reachB | stale)
		if f&(reachA|reachB) == reachA|reachB && f&stale == 0 {
			found = append(found, c)
			f |= stale
			flags[c.Hash] |= stale
		}
		for _, h := range c.ParentHashes {
			if flags[h]&f == f {
				continue
			}
			flags[h] |= f
			p, err := s.commitOf(h)
			if err != nil {
				return nil, err
			}
			heap.Push(q, p)
		}
		if q.any(flags, stale) {
			slop = walkSlop
		} else if slop--; slop <= 0 {
			break
		}
	}
	var out []*object.Commit
	for _, c := range found {
		if flags[c.Hash]&stale != 0 && !slices.ContainsFunc(out, func(o *object.Commit) bool { return o.Hash == c.Hash }) {
			out = append(out, c)
		}
	}
	if len(out) > 1 {
		return object.Independents(out)
	}
	return out, nil
}

// changedPaths lists the repository paths of files that differ between two
// trees (zero for the empty tree), skipping equal subtrees whole.
func changedPaths(t *trees, a, b plumbing.Hash) ([]string, error) {
	set := map[string]bool{}
	if err := diffTrees(t, a, b, "", set); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func diffTrees(t *trees, a, b plumbing.Hash, dir string, out map[string]bool) error {
	if a == b {
		return nil
	}
	entries := func(h plumbing.Hash) (map[string]object.TreeEntry, error) {
		m := map[string]object.TreeEntry{}
		if h.IsZero() {
			return m, nil
		}
		tr, err := t.get(h)
		if err != nil {
			return nil, err
		}
		for _, e := range tr.Entries {
			m[e.Name] = e
		}
		return m, nil
	}
	ea, err := entries(a)
	if err != nil {
		return err
	}
	eb, err := entries(b)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for n := range ea {
		names[n] = true
	}
	for n := range eb {
		names[n] = true
	}
	for n := range names {
		x, inA := ea[n]
		y, inB := eb[n]
		if inA && inB && x.Hash == y.Hash && x.Mode == y.Mode {
			continue
		}
		p := path.Join(dir, n)
		var subA, subB plumbing.Hash
		if inA && x.Mode == filemode.Dir {
			subA = x.Hash
		} else if inA {
			out[p] = true
		}
		if inB && y.Mode == filemode.Dir {
			subB = y.Hash
		} else if inB {
			out[p] = true
		}
		if !subA.IsZero() || !subB.IsZero() {
			if err := diffTrees(t, subA, subB, p, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// ChangedFiles lists the desk files that differ between two revisions,
// desk-relative and sorted; an empty from means the empty tree.
func (s *Store) ChangedFiles(from, to string) ([]string, error) {
	t := newTrees(s.repo.Storer)
	deskTree := func(rev string) (plumbing.Hash, error) {
		if rev == "" {
			return plumbing.ZeroHash, nil
		}
		h, err := s.repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%s: %w", rev, err)
		}
		c, err := s.commitOf(*h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if s.prefix == "" {
			return c.TreeHash, nil
		}
		e, ok, err := t.lookup(c.TreeHash, s.prefix)
		if err != nil || !ok || e.Mode != filemode.Dir {
			return plumbing.ZeroHash, err
		}
		return e.Hash, nil
	}
	a, err := deskTree(from)
	if err != nil {
		return nil, err
	}
	b, err := deskTree(to)
	if err != nil {
		return nil, err
	}
	return changedPaths(t, a, b)
}

// ResolveRevision turns a revision (branch, tag, HEAD~1, hash) into a
// commit hash.
func (s *Store) ResolveRevision(rev string) (string, error) {
	h, err := s.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("%s: %w", rev, err)
	}
	return h.String(), nil
}

// MergeBase returns the best common ancestor of two revisions, "" when
// they share no history.
func (s *Store) MergeBase(a, b string) (string, error) {
	ha, err := s.ResolveRevision(a)
	if err != nil {
		return "", err
	}
	hb, err := s.ResolveRevision(b)
	if err != nil {
		return "", err
	}
	ca, err := s.commitOf(plumbing.NewHash(ha))
	if err != nil {
		return "", err
	}
	cb, err := s.commitOf(plumbing.NewHash(hb))
	if err != nil {
		return "", err
	}
	bases, err := s.mergeBase(ca, cb)
	if err != nil || len(bases) == 0 {
		return "", err
	}
	return bases[0].Hash.String(), nil
}

// Parents returns the parent hashes of a revision.
func (s *Store) Parents(rev string) ([]string, error) {
	h, err := s.ResolveRevision(rev)
	if err != nil {
		return nil, err
	}
	c, err := s.commitOf(plumbing.NewHash(h))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(c.ParentHashes))
	for i, p := range c.ParentHashes {
		out[i] = p.String()
	}
	return out, nil
}
