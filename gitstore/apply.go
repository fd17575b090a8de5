package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Change is one file to write or delete, relative to the desk folder.
type Change struct {
	Path   string // slash-separated, relative to the desk folder
	Data   []byte
	Delete bool
}

// CommitOptions say how Apply records its changes.
type CommitOptions struct {
	Message string
	// Author of the commit; the zero value means Identity() now. The
	// committer is the same unless GIT_COMMITTER_NAME/EMAIL are set.
	Author Signature
	// NoCommit writes the files and stages them in the index without
	// committing.
	NoCommit bool
	// Bulk is for thousands of files at once, from a caller that can redo
	// the whole call after a crash (it keeps a journal): the files are
	// synced once together rather than one by one, and the objects are
	// written as one packfile. The result is the same commit.
	Bulk bool
}

// ErrBranchMoved means another process moved the branch while Apply was
// committing. The files are written and the branch is untouched; calling
// Apply again with the same changes is safe.
var ErrBranchMoved = errors.New("the branch moved while committing (another git process?); try again")

// ErrNothingToApply is returned by Apply when given no changes.
var ErrNothingToApply = errors.New("no changes to apply")

// pending is one change on its way to disk, object store and index.
type pending struct {
	rel, full string // desk-relative and repository-relative paths
	data      []byte
	del       bool
	mode      filemode.FileMode
	blob      plumbing.Hash
	stat      statData
	seq       int  // position in the caller's list: the order files are written in
	newDir    bool // its folder did not exist before this write
}

// Apply writes the changes to the work tree atomically, and in the same step
// makes exactly one commit on the current branch holding only these paths,
// updating only their index entries so that the user's other staged and
// unstaged changes stay as they were. It returns the new commit hash, or ""
// with NoCommit.
//
// Files are written in the order given, so a caller lists a file that others
// refer to (an attachment) before the file referring to it (its ticket): a
// crash between the two then never leaves a reference to a missing file.
//
// It never scans the work tree: blobs are written directly, only the trees
// along the changed paths are rebuilt from HEAD's tree, and the branch moves
// only if it still points where it did (else ErrBranchMoved, with no retry:
// callers hold Lock, so a moved branch means someone else is at work and
// should be looked at rather than silently built upon). When the resulting
// tree equals HEAD's, no commit is made and HEAD's hash is returned.
func (s *Store) Apply(changes []Change, opt CommitOptions) (string, error) {
	if len(changes) == 0 {
		return "", ErrNothingToApply
	}
	ps, err := s.prepare(changes)
	if err != nil {
		return "", err
	}
	var author Signature
	if !opt.NoCommit {
		if strings.TrimSpace(opt.Message) == "" {
			return "", errors.New("empty commit message")
		}
		author = opt.Author
		if author.Name == "" || author.Email == "" {
			id, err := s.Identity()
			if err != nil {
				return "", err
			}
			author.Name, author.Email = first(author.Name, id.Name), first(author.Email, id.Email)
		}
		if author.When.IsZero() {
			author.When = time.Now()
		}
	}

	ow := s.newObjectWriter()
	var sink objectSink = ow
	var pw *packWriter
	order := writeOrder(ps)
	// A bulk commit (CommitOptions.Bulk) is for callers that write thousands
	// of files at once and keep their own record to redo a run after a crash
	// (the mail import's journal): the work-tree files are not synced one by
	// one but the file system once, and the objects go into one packfile
	// instead of one loose file each. Every file still goes through a
	// temporary name and a rename, so a crash never leaves half a file.
	if opt.Bulk {
		for _, i := range order {
			if err := s.writeWorktree(&ps[i], !haveSyncFS); err != nil {
				return "", err
			}
		}
		if !haveSyncFS {
			s.syncFolders(ps)
		}
		pw = s.newPackWriter(len(ps) + len(ps)/4 + 16)
		sink = pw
	} else {
		for _, i := range order {
			if err := s.writeWorktree(&ps[i], true); err != nil {
				return "", err
			}
		}
		s.syncFolders(ps)
	}
	for i := range ps {
		if ps[i].del {
			continue
		}
		h, err := sink.write(plumbing.BlobObject, ps[i].data)
		if err != nil {
			return "", fmt.Errorf("%s: store blob: %w", ps[i].rel, err)
		}
		ps[i].blob = h
	}

	indexFile := filepath.Join(s.gitDir, "index")
	lk, err := lockFile(indexFile)
	if err != nil {
		return "", err
	}
	defer lk.rollback()
	// Mapped, not read: at 100,000 files the index is ~10 MB, and only the
	// few changed entries and the extensions are ever looked at.
	oldIndex, unmap, err := readMapped(indexFile)
	noIndex := errors.Is(err, fs.ErrNotExist)
	if err != nil && !noIndex {
		return "", fmt.Errorf("read %s: %w", indexFile, err)
	}
	if unmap != nil {
		defer unmap()
	}

	hd, err := s.readHead()
	if err != nil {
		return "", err
	}
	var baseTree plumbing.Hash
	if !hd.hash.IsZero() {
		c, err := s.repo.CommitObject(hd.hash)
		if err != nil {
			return "", fmt.Errorf("HEAD %s: %w", hd.hash, err)
		}
		baseTree = c.TreeHash
	}
	var newTree plumbing.Hash
	if !opt.NoCommit || noIndex {
		b := treeBuilder{ow: sink, trees: newTrees(s.repo.Storer)}
		if newTree, err = b.build(baseTree, ps); err != nil {
			return "", err
		}
	}
	if pw != nil {
		// The work-tree files, then the pack, are durable before the
		// index and the branch name them.
		if err := syncFS(s.dir); err != nil {
			return "", fmt.Errorf("sync %s: %w", s.dir, err)
		}
		if _, err := pw.finish(); err != nil {
			return "", err
		}
		if r, ok := s.repo.Storer.(interface{ Reindex() }); ok {
			r.Reindex()
		}
	}

	// Write the new index into index.lock before moving the branch, so that
	// an index we cannot handle stops us before anything is committed.
	fallback := false
	if noIndex {
		data, err := s.indexFromTree(newTree, ps)
		if err == nil {
			_, err = lk.Write(data)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", indexFile, err)
		}
	} else {
		err = spliceIndex(oldIndex, indexUpdates(ps), lk)
		if errors.Is(err, errIndexFallback) {
			fallback = true
		} else if err != nil {
			return "", fmt.Errorf("%s: %w", indexFile, err)
		}
	}

	var commit string
	if !opt.NoCommit {
		if newTree == baseTree && !hd.hash.IsZero() {
			commit = hd.hash.String()
		} else {
			h, err := s.commit(ow, hd, newTree, author, opt.Message)
			if err != nil {
				return "", err
			}
			commit = h.String()
		}
	}

	if fallback {
		lk.rollback()
		if err := s.updateIndexSlow(indexFile, ps); err != nil {
			return commit, err
		}
		return commit, nil
	}
	if err := lk.commit(); err != nil {
		return commit, err
	}
	return commit, nil
}

// writeOrder gives the positions of ps (sorted by path) in the order the
// caller listed them.
func writeOrder(ps []pending) []int {
	order := make([]int, len(ps))
	for i := range ps {
		order[ps[i].seq] = i
	}
	return order
}

// prepare checks and canonicalises the changes; for a path given twice the
// last one wins.
func (s *Store) prepare(changes []Change) ([]pending, error) {
	byPath := make(map[string]int, len(changes))
	var ps []pending
	for _, c := range changes {
		rel, err := cleanRel(c.Path)
		if err != nil {
			return nil, err
		}
		if rel == "" {
			return nil, fmt.Errorf("%q: not a file path", c.Path)
		}
		p := pending{rel: rel, full: joinPrefix(s.prefix, rel), data: c.Data, del: c.Delete, seq: len(ps)}
		if i, ok := byPath[rel]; ok {
			p.seq = ps[i].seq
			ps[i] = p
			continue
		}
		byPath[rel] = len(ps)
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].full < ps[j].full })
	if err := s.checkNoLinkedFolders(ps); err != nil {
		return nil, err
	}
	written := make(map[string]bool, len(ps))
	for _, p := range ps {
		if !p.del {
			written[p.rel] = true
		}
	}
	for _, p := range ps {
		if p.del {
			continue
		}
		for d := path.Dir(p.rel); d != "."; d = path.Dir(d) {
			if written[d] {
				return nil, fmt.Errorf("%s: cannot write both a file and a folder of that name", d)
			}
		}
	}
	return ps, nil
}

// syncFolder is syncDir; tests replace it to see which folders are synced.
var syncFolder = syncDir

// syncFolders makes the renames and deletes of ps durable before a commit
// names them: a synced file whose folder entry is lost in a power cut would
// leave the work tree behind HEAD. The folder of each changed file is
// synced once; where the save created that folder, or a delete may have
// removed emptied ones, so are the folders above it, up to the desk folder.
func (s *Store) syncFolders(ps []pending) {
	up := map[string]bool{} // folder to sync → the folders above it are in too
	for _, p := range ps {
		climb := p.del || p.newDir
		for d := path.Dir(p.rel); ; d = path.Dir(d) {
			if had, ok := up[d]; ok && (had || !climb) {
				break
			}
			up[d] = climb
			if !climb || d == "." {
				break
			}
		}
	}
	dirs := make([]string, 0, len(up))
	for d := range up {
		dirs = append(dirs, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // deepest first
	for _, d := range dirs {
		syncFolder(filepath.Join(s.dir, filepath.FromSlash(d)))
	}
}

// checkNoLinkedFolders refuses changes under a folder of the work tree that
// is a symbolic link: the file would be written, or deleted, wherever the
// link points, outside the desk perhaps (a link can come in with any pull).
// git refuses to write beyond a symbolic link for the same reason. Each
// folder is looked at once, before anything is written.
func (s *Store) checkNoLinkedFolders(ps []pending) error {
	seen := map[string]bool{}
	for _, p := range ps {
		for d := path.Dir(p.rel); d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			full := filepath.Join(s.dir, filepath.FromSlash(d))
			fi, err := os.Lstat(full)
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				continue
			}
			target, _ := os.Readlink(full)
			return fmt.Errorf("%s: is a symbolic link (to %s), so writing %s would write through it; ticket never does, as git does not: replace the link with a real folder", d, target, p.rel)
		}
	}
	return nil
}

// writeWorktree puts one change on disk: a temporary file in the same folder,
// synced (unless sync is false: a bulk commit syncs all files at once), then
// renamed over the target, so readers see old or new, never half.
func (s *Store) writeWorktree(p *pending, sync bool) error {
	abs := filepath.Join(s.dir, filepath.FromSlash(p.rel))
	if p.del {
		if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete %s: %w", p.rel, err)
		}
		s.removeEmptyParents(filepath.Dir(abs))
		return nil
	}
	perm := os.FileMode(0o644)
	p.mode = filemode.Regular
	dir := filepath.Dir(abs)
	if fi, err := os.Lstat(abs); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a folder", p.rel)
		}
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			perm, p.mode = 0o755, filemode.Executable
		}
	} else if _, err := os.Lstat(dir); err != nil {
		p.newDir = true
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	f, err := os.CreateTemp(dir, tempPattern(filepath.Base(abs)))
	if err != nil {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	if _, err := f.Write(p.data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		return fmt.Errorf("write %s: %w", p.rel, err)
	}
	p.stat = statOf(fi)
	return nil
}

// removeEmptyParents tidies folders left empty by a delete, as git does, but
// never the desk folder itself.
func (s *Store) removeEmptyParents(dir string) {
	for dir != s.dir && strings.HasPrefix(dir, s.dir+string(filepath.Separator)) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// treeBuilder rebuilds only the trees along changed paths, keeping the hashes
// of every untouched subtree.
type treeBuilder struct {
	ow    objectSink
	trees *trees
}

type pathChange struct {
	parts []string // remaining path components
	p     *pending
}

func (b *treeBuilder) build(base plumbing.Hash, ps []pending) (plumbing.Hash, error) {
	cs := make([]pathChange, len(ps))
	for i := range ps {
		cs[i] = pathChange{parts: strings.Split(ps[i].full, "/"), p: &ps[i]}
	}
	h, _, err := b.buildTree(base, "", cs)
	return h, err
}

// buildTree returns the new hash of the tree at dir and whether it is empty
// (an empty subtree is dropped from its parent, as git never stores one).
func (b *treeBuilder) buildTree(base plumbing.Hash, dir string, cs []pathChange) (plumbing.Hash, bool, error) {
	var entries []object.TreeEntry
	if !base.IsZero() {
		t, err := b.trees.get(base)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("%s: %w", dir, err)
		}
		entries = append(entries, t.Entries...)
	}
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Name] = i
	}
	groups := make(map[string][]pathChange)
	var names []string
	for _, c := range cs {
		n := c.parts[0]
		if _, ok := groups[n]; !ok {
			names = append(names, n)
		}
		groups[n] = append(groups[n], pathChange{parts: c.parts[1:], p: c.p})
	}
	removed := make(map[string]bool)
	set := func(e object.TreeEntry) {
		if i, ok := index[e.Name]; ok {
			entries[i] = e
		} else {
			index[e.Name] = len(entries)
			entries = append(entries, e)
		}
		delete(removed, e.Name)
	}
	for _, n := range names {
		g := groups[n]
		child := n
		if dir != "" {
			child = dir + "/" + n
		}
		old, exists := object.TreeEntry{}, false
		if i, ok := index[n]; ok && !removed[n] {
			old, exists = entries[i], true
		}
		if len(g[0].parts) == 0 { // a file at this level
			p := g[0].p
			if p.del {
				if exists && old.Mode != filemode.Dir {
					removed[n] = true
				}
				continue
			}
			if exists && old.Mode == filemode.Dir {
				return plumbing.ZeroHash, false, fmt.Errorf("%s: is a folder in HEAD", child)
			}
			set(object.TreeEntry{Name: n, Mode: p.mode, Hash: p.blob})
			continue
		}
		var sub plumbing.Hash
		if exists {
			if old.Mode != filemode.Dir {
				if allDeletes(g) {
					continue
				}
				return plumbing.ZeroHash, false, fmt.Errorf("%s: is a file in HEAD", child)
			}
			sub = old.Hash
		}
		h, empty, err := b.buildTree(sub, child, g)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if empty {
			if exists {
				removed[n] = true
			}
			continue
		}
		set(object.TreeEntry{Name: n, Mode: filemode.Dir, Hash: h})
	}
	kept := entries[:0]
	for _, e := range entries {
		if !removed[e.Name] {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 && dir != "" {
		return plumbing.ZeroHash, true, nil
	}
	sortEntries(kept)
	h, err := b.ow.write(plumbing.TreeObject, encodeTree(kept))
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("%s: store tree: %w", dir, err)
	}
	return h, len(kept) == 0, nil
}

func allDeletes(cs []pathChange) bool {
	for _, c := range cs {
		if !c.p.del {
			return false
		}
	}
	return true
}

// commit writes the commit object and moves HEAD's branch to it.
func (s *Store) commit(ow *objectWriter, hd head, tree plumbing.Hash, author Signature, msg string) (plumbing.Hash, error) {
	msg = strings.TrimRight(msg, " \t\r\n") + "\n"
	comm := committer(author)
	c := &object.Commit{
		Author:    object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer: object.Signature{Name: comm.Name, Email: comm.Email, When: comm.When},
		Message:   msg,
		TreeHash:  tree,
	}
	if !hd.hash.IsZero() {
		c.ParentHashes = []plumbing.Hash{hd.hash}
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
	h, err := ow.write(plumbing.CommitObject, data)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store commit: %w", err)
	}
	ow.syncDirs()
	ref := hd.ref
	if ref == "" {
		ref = "HEAD"
	}
	subject, _, _ := strings.Cut(msg, "\n")
	what := "commit: "
	if hd.hash.IsZero() {
		what = "commit (initial): "
	}
	if err := s.updateRef(ref, hd.hash, h, comm, what+subject); err != nil {
		return plumbing.ZeroHash, err
	}
	return h, nil
}

// updateRef moves ref from old to new the way git does: under ref.lock, and
// only if the ref still holds old. It appends to the reflogs git keeps by
// default in a work tree.
func (s *Store) updateRef(ref string, old, new plumbing.Hash, who Signature, msg string) error {
	if err := s.writeRef(ref, &old, new); err != nil {
		return err
	}
	line := reflogLine(old, new, who, msg)
	if ref != "HEAD" {
		s.appendReflog(filepath.Join(s.commonDir, "logs", filepath.FromSlash(ref)), line)
	}
	s.appendReflog(filepath.Join(s.gitDir, "logs", "HEAD"), line)
	return nil
}

// writeRef points ref at new: it writes ref.lock, syncs it and renames it
// over the ref, so a process killed on the way leaves the ref as it was,
// never empty. With old set, only if the ref still holds *old
// (ErrBranchMoved otherwise).
func (s *Store) writeRef(ref string, old *plumbing.Hash, new plumbing.Hash) error {
	file := s.refFile(ref)
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	lock := file + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w (%s exists)", ref, ErrBranchMoved, lock)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(lock)
		}
	}()
	if old != nil {
		cur, err := s.readRef(ref)
		if err != nil {
			return err
		}
		if cur != *old {
			return fmt.Errorf("%s: %w", ref, ErrBranchMoved)
		}
	}
	if _, err := f.WriteString(new.String() + "\n"); err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	if err := f.Sync(); err != nil { // the ref never names a commit the disk may lose
		return fmt.Errorf("%s: %w", ref, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	if err := os.Rename(lock, file); err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	done = true
	syncFolder(filepath.Dir(file)) // the move of the ref survives a power cut
	return nil
}

func reflogLine(old, new plumbing.Hash, who Signature, msg string) []byte {
	var b bytes.Buffer
	when := who.When
	fmt.Fprintf(&b, "%s %s %s <%s> %d %s\t%s\n", old, new, who.Name, who.Email, when.Unix(), when.Format("-0700"), msg)
	return b.Bytes()
}

// appendReflog is best effort: a reflog is a convenience, never worth failing
// a commit that has already happened.
func (s *Store) appendReflog(file string, line []byte) {
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return
	}
	f.Write(line)
	f.Close()
}
