package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FileInfo describes one desk file.
type FileInfo struct {
	Path string // slash-separated, relative to the desk folder
	Hash string // git blob id at a ref; "" for work-tree reads
	Size int64
}

// Reader reads desk files either from the work tree or from a commit.
type Reader interface {
	// List returns all regular files below sub (relative to the desk), sorted
	// by Path. A missing sub is an empty list, not an error.
	List(sub string) ([]FileInfo, error)
	// Read returns one file; a missing file is an error wrapping fs.ErrNotExist.
	Read(path string) ([]byte, error)
}

// cleanRel checks a desk-relative path and returns it in canonical form
// ("" for the desk itself).
func cleanRel(p string) (string, error) {
	p = strings.ReplaceAll(p, "\\", "/")
	if strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("%q: path holds a NUL byte", p)
	}
	if path.IsAbs(p) {
		return "", fmt.Errorf("%s: path must be relative to the desk", p)
	}
	c := path.Clean(p)
	if c == "." {
		return "", nil
	}
	for _, part := range strings.Split(c, "/") {
		if part == ".." || strings.EqualFold(part, ".git") {
			return "", fmt.Errorf("%s: path leaves the desk or enters .git", p)
		}
	}
	return c, nil
}

// Worktree returns a Reader over the files on disk under Dir(). It reads
// no file through a symbolic link: List leaves links out, and Read refuses
// a path that is a link or lies in a linked folder, as a pull can bring a
// link in that points anywhere on the machine.
func (s *Store) Worktree() Reader {
	return worktreeReader{dir: s.dir, folders: &sync.Map{}, links: newLinkLog()}
}

// IsWorktree reports whether r reads this store's work tree (a Reader from
// Worktree), which the ticket index can serve.
func (s *Store) IsWorktree(r Reader) bool {
	w, ok := r.(worktreeReader)
	return ok && w.dir == s.dir
}

type worktreeReader struct {
	dir     string
	folders *sync.Map // desk-relative folder → error (nil: not a link)
	links   *linkLog  // the links List has passed over
}

// linkLog collects the symbolic links a reader's listings left out.
type linkLog struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newLinkLog() *linkLog { return &linkLog{seen: map[string]bool{}} }

func (l *linkLog) add(p string) {
	l.mu.Lock()
	l.seen[p] = true
	l.mu.Unlock()
}

// sorted returns the links met so far.
func (l *linkLog) sorted() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.seen))
	for p := range l.seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Links returns the desk-relative paths of the symbolic links the reader's
// List calls have met (and left out) so far, sorted, so that `ticket lint`
// can name them.
func (w worktreeReader) Links() []string { return w.links.sorted() }

func (w worktreeReader) List(sub string) ([]FileInfo, error) {
	rel, err := cleanRel(sub)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(w.dir, filepath.FromSlash(rel))
	var out []FileInfo
	err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == base && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != base {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if r, err := filepath.Rel(w.dir, p); err == nil {
				w.links.add(filepath.ToSlash(r))
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while listing
			}
			return err
		}
		r, err := filepath.Rel(w.dir, p)
		if err != nil {
			return err
		}
		out = append(out, FileInfo{Path: filepath.ToSlash(r), Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", base, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (w worktreeReader) Read(p string) ([]byte, error) {
	rel, err := cleanRel(p)
	if err != nil {
		return nil, err
	}
	if rel == "" {
		return nil, fmt.Errorf("%s: is the desk folder", p)
	}
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		if err := w.notLinked(d); err != nil {
			return nil, err
		}
	}
	data, err := readNoFollow(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if errors.Is(err, errIsLink) {
		return nil, linkError(rel)
	}
	return data, err
}

// notLinked checks one folder of the desk, once per reader.
func (w worktreeReader) notLinked(d string) error {
	if v, ok := w.folders.Load(d); ok {
		err, _ := v.(error)
		return err
	}
	var err error
	if fi, e := os.Lstat(filepath.Join(w.dir, filepath.FromSlash(d))); e == nil && fi.Mode()&fs.ModeSymlink != 0 {
		err = linkError(d)
	}
	w.folders.Store(d, err)
	return err
}

// errIsLink is what readNoFollow returns for a symbolic link.
var errIsLink = errors.New("is a symbolic link")

func linkError(rel string) error {
	return fmt.Errorf("%s: is a symbolic link; ticket reads nothing in the desk through a link (a pull can bring one in that points anywhere): replace it with the real file or folder", rel)
}

// AtRef returns a Reader over the desk as committed at rev: a branch, tag,
// remote branch, "HEAD~2" or a hash. It reads blobs without a checkout.
func (s *Store) AtRef(rev string) (Reader, error) {
	h, err := s.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rev, err)
	}
	c, err := s.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rev, err)
	}
	t := newTrees(s.repo.Storer)
	return &refReader{s: s, rev: rev, commit: *h, trees: t, root: c.TreeHash, prefix: s.prefix, mu: new(sync.Mutex), links: newLinkLog()}, nil
}

type refReader struct {
	s      *Store
	rev    string
	commit plumbing.Hash
	trees  *trees
	root   plumbing.Hash
	prefix string
	noCLI  bool // list with go-git alone, even when git is installed
	// mu serialises object reads: go-git's pack files and the tree cache
	// are not safe for concurrent use, and loads read files on every core.
	mu    *sync.Mutex
	links *linkLog // the symbolic links List has passed over
}

// Links returns the desk-relative paths of the symbolic links the
// reader's List calls have met in the commit (and left out), sorted, as
// the work-tree reader's Links does.
func (r *refReader) Links() []string { return r.links.sorted() }

// entry finds the tree entry at a desk-relative path; ok is false when
// nothing is there.
func (r *refReader) entry(rel string) (object.TreeEntry, bool, error) {
	full := joinPrefix(r.prefix, rel)
	if full == "" {
		return object.TreeEntry{Name: "", Mode: filemode.Dir, Hash: r.root}, true, nil
	}
	return r.trees.lookup(r.root, full)
}

func (r *refReader) List(sub string) ([]FileInfo, error) {
	rel, err := cleanRel(sub)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok, err := r.entry(rel)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	if ok && e.Mode == filemode.Symlink {
		r.links.add(rel) // the folder asked for is a link
	}
	if !ok || e.Mode != filemode.Dir {
		return nil, nil
	}
	if !r.noCLI {
		if out, ok := r.listWithGit(rel); ok {
			return out, nil
		}
	}
	var out []FileInfo
	var walk func(h plumbing.Hash, dir string) error
	walk = func(h plumbing.Hash, dir string) error {
		t, err := r.trees.get(h)
		if err != nil {
			return err
		}
		for _, e := range t.Entries {
			p := e.Name
			if dir != "" {
				p = dir + "/" + e.Name
			}
			switch e.Mode {
			case filemode.Dir:
				if err := walk(e.Hash, p); err != nil {
					return err
				}
			case filemode.Symlink:
				r.links.add(p)
			case filemode.Regular, filemode.Executable, filemode.Deprecated:
				size, err := r.trees.st.EncodedObjectSize(e.Hash)
				if err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
				out = append(out, FileInfo{Path: p, Hash: e.Hash.String(), Size: size})
			}
		}
		return nil
	}
	if err := walk(e.Hash, rel); err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (r *refReader) Read(p string) ([]byte, error) {
	rel, err := cleanRel(p)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok, err := r.entry(rel)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	if !ok || !e.Mode.IsFile() {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, fs.ErrNotExist)
	}
	o, err := r.trees.st.EncodedObject(plumbing.BlobObject, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	defer rd.Close()
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", r.rev, rel, err)
	}
	return b, nil
}

func joinPrefix(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	}
	return prefix + "/" + rel
}

// listWithGit lists through `git ls-tree -r -l` when git is installed: it
// reads blob sizes from pack headers some hundred times faster than go-git,
// which probes for a loose object before every packed one. ok is false when
// git is missing or fails, and the caller lists with go-git instead.
func (r *refReader) listWithGit(rel string) ([]FileInfo, bool) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return nil, false
	}
	args := []string{"ls-tree", "-r", "-l", "-z", "--full-tree", r.commit.String()}
	if full := joinPrefix(r.prefix, rel); full != "" {
		args = append(args, "--", full)
	}
	cmd := exec.Command(gitBin, args...)
	cmd.Dir = r.s.root
	cmd.Env = append(os.Environ(), "GIT_DIR="+r.s.gitDir, "GIT_LITERAL_PATHSPECS=1")
	raw, err := cmd.Output()
	if err != nil {
		return nil, false
	}
	strip := ""
	if r.prefix != "" {
		strip = r.prefix + "/"
	}
	var out []FileInfo
	for _, rec := range bytes.Split(raw, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// "<mode> SP <type> SP <hash> SP+ <size> TAB <path>"
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		f := strings.Fields(string(meta))
		if !ok || len(f) != 4 {
			return nil, false
		}
		if f[1] != "blob" || (f[0] != "100644" && f[0] != "100755" && f[0] != "100664" && f[0] != "120000") {
			continue
		}
		name, ok := strings.CutPrefix(string(p), strip)
		if !ok {
			return nil, false
		}
		if f[0] == "120000" {
			r.links.add(name)
			continue
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, FileInfo{Path: name, Hash: f[2], Size: size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, true
}
