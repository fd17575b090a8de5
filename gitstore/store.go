package gitstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrNoDesk is returned by Open when no folder up from the start holds .ticket/.
var ErrNoDesk = errors.New("not a ticket repository (no .ticket/ folder here or in any parent)")

// DeskMarker is the folder that marks a desk.
const DeskMarker = ".ticket"

// Store is an open desk inside a git work tree.
type Store struct {
	repo      *git.Repository
	dir       string // desk folder
	root      string // work tree root
	prefix    string // dir relative to root, slash-separated
	gitDir    string // per-work-tree git dir (HEAD, index)
	commonDir string // shared git dir (objects, refs, config)
}

// Open finds the desk by walking up from dir to the first folder holding
// .ticket/, then opens the git repository enclosing it.
func Open(dir string) (*Store, error) {
	start, err := canonical(dir)
	if err != nil {
		return nil, err
	}
	for d := start; ; {
		if fi, err := os.Stat(filepath.Join(d, DeskMarker)); err == nil && fi.IsDir() {
			return openDesk(d)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, fmt.Errorf("%s: %w", start, ErrNoDesk)
		}
		d = parent
	}
}

// Init makes dir (created if missing) a desk, running git init first when dir
// is not inside a git work tree. It does not commit.
func Init(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("create desk folder: %w", err)
	}
	abs, err := canonical(dir)
	if err != nil {
		return nil, err
	}
	if _, err := findRoot(abs); err != nil {
		if !errors.Is(err, errNoWorkTree) {
			return nil, err
		}
		branch := globalConfig().defaultBranch
		if branch == "" {
			branch = "main"
		}
		_, err := git.PlainInitWithOptions(abs, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
		})
		if err != nil {
			return nil, fmt.Errorf("%s: git init: %w", abs, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(abs, DeskMarker), 0o777); err != nil {
		return nil, fmt.Errorf("create %s: %w", DeskMarker, err)
	}
	return openDesk(abs)
}

// canonical resolves symlinks so that paths compare equal to those go-git
// and git report.
func canonical(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	return abs, nil
}

var errNoWorkTree = errors.New("not inside a git work tree")

// findRoot returns the nearest folder at or above dir holding .git (a folder,
// or a file pointing to one as in linked work trees and submodules).
func findRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", d, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s: %w", dir, errNoWorkTree)
		}
		d = parent
	}
}

func openDesk(desk string) (*Store, error) {
	repo, err := git.PlainOpenWithOptions(desk, &git.PlainOpenOptions{
		DetectDotGit:          true,
		EnableDotGitCommonDir: true,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: open git repository: %w", desk, err)
	}
	// Keep pack files open between reads: go-git otherwise reopens the pack
	// for every object, which dominates history walks. Pack indexes are
	// written whole (see wholeIndexes).
	if fsSt, ok := repo.Storer.(*filesystem.Storage); ok {
		wt, err := repo.Worktree()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", desk, err)
		}
		st := filesystem.NewStorageWithOptions(wholeIndexes{fsSt.Filesystem()}, cache.NewObjectLRUDefault(),
			filesystem.Options{KeepDescriptors: true})
		if repo, err = git.Open(st, wt.Filesystem); err != nil {
			return nil, fmt.Errorf("%s: open git repository: %w", desk, err)
		}
	}
	root, err := findRoot(desk)
	if err != nil {
		return nil, err
	}
	gitDir, commonDir, err := gitDirs(root)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, desk)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s: desk is outside the work tree %s", desk, root)
	}
	if rel == "." {
		rel = ""
	}
	return &Store{
		repo:      repo,
		dir:       desk,
		root:      root,
		prefix:    filepath.ToSlash(rel),
		gitDir:    gitDir,
		commonDir: commonDir,
	}, nil
}

// gitDirs resolves root/.git into the per-work-tree git dir and the common
// git dir, following "gitdir:" files and the commondir link.
func gitDirs(root string) (gitDir, commonDir string, err error) {
	dotgit := filepath.Join(root, ".git")
	fi, err := os.Stat(dotgit)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", dotgit, err)
	}
	gitDir = dotgit
	if !fi.IsDir() {
		b, err := os.ReadFile(dotgit)
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", dotgit, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		p, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok {
			return "", "", fmt.Errorf("%s: not a gitdir file", dotgit)
		}
		p = strings.TrimSpace(p)
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		gitDir = filepath.Clean(p)
	}
	commonDir = gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		p := strings.TrimSpace(string(b))
		if !filepath.IsAbs(p) {
			p = filepath.Join(gitDir, p)
		}
		commonDir = filepath.Clean(p)
	}
	return gitDir, commonDir, nil
}

// Close releases the pack files the store keeps open. The store must not be
// used afterwards; a short-lived process may skip it.
func (s *Store) Close() error {
	if c, ok := s.repo.Storer.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// Dir is the absolute path of the desk folder, the one holding .ticket/.
func (s *Store) Dir() string { return s.dir }

// RepoRoot is the absolute path of the git work tree root.
func (s *Store) RepoRoot() string { return s.root }

// Prefix is the desk folder relative to the repository root, slash-separated,
// "" when they are the same.
func (s *Store) Prefix() string { return s.prefix }

// GitDir is the absolute path of the git dir of this work tree, the place for
// derived caches that must never be committed.
func (s *Store) GitDir() string { return s.gitDir }

// Head returns the current branch name ("" when detached) and the commit it
// points to ("" on an unborn branch).
func (s *Store) Head() (branch, hash string, err error) {
	h, err := s.readHead()
	if err != nil {
		return "", "", err
	}
	if h.ref != "" {
		branch = strings.TrimPrefix(h.ref, "refs/heads/")
	}
	if !h.hash.IsZero() {
		hash = h.hash.String()
	}
	return branch, hash, nil
}

// head is what HEAD resolves to: the ref it names (empty when detached) and
// the commit (zero when the branch is unborn).
type head struct {
	ref  string
	hash plumbing.Hash
}

func (s *Store) readHead() (head, error) {
	p := filepath.Join(s.gitDir, "HEAD")
	b, err := os.ReadFile(p)
	if err != nil {
		return head{}, fmt.Errorf("read HEAD: %w", err)
	}
	line := strings.TrimSpace(string(b))
	if ref, ok := strings.CutPrefix(line, "ref:"); ok {
		ref = strings.TrimSpace(ref)
		h, err := s.readRef(ref)
		if err != nil {
			return head{}, err
		}
		return head{ref: ref, hash: h}, nil
	}
	if !plumbing.IsHash(line) {
		return head{}, fmt.Errorf("%s: malformed HEAD %q", p, line)
	}
	return head{hash: plumbing.NewHash(line)}, nil
}

// refFile is where a loose ref lives: HEAD and other per-work-tree refs in the
// git dir, branches and tags in the common dir.
func (s *Store) refFile(ref string) string {
	if ref == "HEAD" {
		return filepath.Join(s.gitDir, "HEAD")
	}
	return filepath.Join(s.commonDir, filepath.FromSlash(ref))
}

// readRef reads a branch ref from its loose file or packed-refs; a missing ref
// yields the zero hash.
func (s *Store) readRef(ref string) (plumbing.Hash, error) {
	p := s.refFile(ref)
	b, err := os.ReadFile(p)
	if err == nil {
		v := strings.TrimSpace(string(b))
		if !plumbing.IsHash(v) {
			return plumbing.ZeroHash, fmt.Errorf("%s: malformed ref %q", ref, v)
		}
		return plumbing.NewHash(v), nil
	}
	if !errors.Is(err, fs.ErrNotExist) && !isNotDir(err) {
		return plumbing.ZeroHash, fmt.Errorf("%s: %w", ref, err)
	}
	f, err := os.Open(filepath.Join(s.commonDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%s: %w", ref, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	suffix := []byte(" " + ref)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasSuffix(line, suffix) && len(line) == 40+len(suffix) {
			return plumbing.NewHash(string(line[:40])), nil
		}
	}
	if err := sc.Err(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%s: packed-refs: %w", ref, err)
	}
	return plumbing.ZeroHash, nil
}

func isNotDir(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory")
}

// userConfig holds the few global settings gitstore needs.
type userConfig struct {
	name, email, defaultBranch string
}

// globalConfig reads the user's global git configuration the way git does:
// GIT_CONFIG_GLOBAL alone when set, else the XDG file then ~/.gitconfig, the
// later winning.
func globalConfig() userConfig {
	var files []string
	if p, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		files = []string{p}
	} else {
		home, _ := os.UserHomeDir()
		if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
			files = append(files, filepath.Join(x, "git", "config"))
		} else if home != "" {
			files = append(files, filepath.Join(home, ".config", "git", "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	var uc userConfig
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		c, err := config.ReadConfig(bytes.NewReader(b))
		if err != nil {
			continue
		}
		uc.merge(c)
	}
	return uc
}

func (uc *userConfig) merge(c *config.Config) {
	if c.User.Name != "" {
		uc.name = c.User.Name
	}
	if c.User.Email != "" {
		uc.email = c.User.Email
	}
	if c.Init.DefaultBranch != "" {
		uc.defaultBranch = c.Init.DefaultBranch
	}
}
