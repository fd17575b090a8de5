package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// clonePair makes a bare remote with one commit and two clones of it.
func clonePair(t *testing.T) (remote, a, b string) {
	t.Helper()
	seed := newRepo(t)
	writeFile(t, filepath.Join(seed, "tickets", "aa", "aa1111.md"), "one\n")
	writeFile(t, filepath.Join(seed, "notes.txt"), "a\nb\nc\n")
	commitAll(t, seed, "seed")
	base := filepath.Dir(seed)
	remote = filepath.Join(t.TempDir(), "remote.git")
	gitc(t, base, "clone", "-q", "--bare", seed, remote)
	a, b = filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	gitc(t, base, "clone", "-q", remote, a)
	gitc(t, base, "clone", "-q", remote, b)
	return remote, a, b
}

// joinMerge stands in for the ticket merge: it keeps both sides' lines.
func joinMerge(path string, base, ours, theirs []byte) ([]byte, error) {
	if !strings.HasPrefix(path, "tickets/") {
		return nil, ErrCannotMerge
	}
	lines := strings.Split(strings.TrimSpace(string(ours))+"\n"+strings.TrimSpace(string(theirs)), "\n")
	slices.Sort(lines)
	return []byte(strings.Join(slices.Compact(lines), "\n") + "\n"), nil
}

// Both engines merge ticket files in-process. The git engine must not run
// git's merge (and so the merge driver, a process per file): b's driver is
// registered as a command that always fails.
func TestSyncMergesBothSides(t *testing.T) {
	for _, engine := range []string{EngineGit, EngineGoGit} {
		t.Run(engine, func(t *testing.T) {
			remote, a, b := clonePair(t)
			gitc(t, b, "config", "merge.ticket.driver", "false")
			writeFile(t, filepath.Join(b, ".git", "info", "attributes"), "tickets/** merge=ticket\n")
			writeFile(t, filepath.Join(a, "tickets", "aa", "aa1111.md"), "one\nfrom a\n")
			writeFile(t, filepath.Join(a, "tickets", "bb", "bb2222.md"), "new in a\n")
			commitAll(t, a, "a")
			writeFile(t, filepath.Join(b, "tickets", "aa", "aa1111.md"), "one\nfrom b\n")
			commitAll(t, b, "b")

			sa := openStore(t, a)
			res, err := sa.Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			if err != nil || !res.Pushed || res.Merged || res.CommitsOut != 1 {
				t.Fatalf("a: %+v, %v", res, err)
			}
			sb := openStore(t, b)
			var synced []string
			syncFolder = func(dir string) {
				rel, _ := filepath.Rel(b, dir)
				synced = append(synced, filepath.ToSlash(rel))
				syncDir(dir)
			}
			t.Cleanup(func() { syncFolder = syncDir })
			res, err = sb.Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			syncFolder = syncDir
			if err != nil {
				t.Fatal(err)
			}
			// The merge commit's folder is synced before the branch names it.
			merge := strings.TrimSpace(gitc(t, b, "rev-parse", "HEAD"))
			if i, j := slices.Index(synced, ".git/objects/"+merge[:2]), slices.Index(synced, ".git/refs/heads"); i < 0 || j < 0 || i > j {
				t.Errorf("synced %v: want .git/objects/%s before .git/refs/heads", synced, merge[:2])
			}
			// The remote-tracking ref is written by writeRef (lock file and
			// rename, then its folder synced), not truncated in place.
			if !slices.Contains(synced, ".git/refs/remotes/origin") {
				t.Errorf("synced %v: the remote-tracking ref was not written through writeRef", synced)
			}
			if !res.Merged || !res.Pushed || res.CommitsIn != 1 || res.CommitsOut != 2 ||
				!slices.Equal(res.In, []string{"tickets/aa/aa1111.md", "tickets/bb/bb2222.md"}) ||
				!slices.Equal(res.Out, []string{"tickets/aa/aa1111.md"}) {
				t.Fatalf("b: %+v", res)
			}
			if got := readFile(t, filepath.Join(b, "tickets", "aa", "aa1111.md")); got != "from a\nfrom b\none\n" {
				t.Errorf("merged file = %q", got)
			}
			assertClean(t, b)
			assertIndexTreeMatchesHead(t, b)
			assertFsck(t, b)
			if parents := strings.Fields(gitc(t, b, "log", "-1", "--format=%P")); len(parents) != 2 {
				t.Errorf("merge commit parents = %v", parents)
			}
			if got, want := strings.TrimSpace(gitc(t, remote, "rev-parse", "main")), res.After; got != want {
				t.Errorf("remote at %s, want %s", got, want)
			}
			if got := strings.TrimSpace(gitc(t, b, "rev-parse", "origin/main")); got != res.After {
				t.Errorf("origin/main at %s, want %s", got, res.After)
			}

			// a fast-forwards to the merge.
			res, err = openStore(t, a).Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			if err != nil || !res.FastForward || res.Pushed || res.CommitsIn != 2 {
				t.Fatalf("a again: %+v, %v", res, err)
			}
			assertClean(t, a)
			assertIndexTreeMatchesHead(t, a)
		})
	}
}

// A file outside the ticket format changed on both sides, in different
// places, is git's to merge: the git engine hands the merge to git merge,
// which merges it as text; the go-git engine cannot.
func TestSyncGitEngineLeavesOtherFilesToGit(t *testing.T) {
	_, a, b := clonePair(t)
	writeFile(t, filepath.Join(a, "notes.txt"), "A\nb\nc\n")
	commitAll(t, a, "a")
	writeFile(t, filepath.Join(b, "notes.txt"), "a\nb\nC\n")
	commitAll(t, b, "b")
	if _, err := openStore(t, a).Sync(SyncOptions{Engine: EngineGit, Merge: joinMerge}); err != nil {
		t.Fatal(err)
	}
	before := gitc(t, b, "rev-parse", "HEAD")
	if _, err := openStore(t, b).Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge}); !errors.Is(err, ErrConflict) {
		t.Fatalf("go-git engine: err = %v, want a conflict", err)
	}
	if gitc(t, b, "rev-parse", "HEAD") != before {
		t.Fatal("a failed sync moved the branch")
	}
	res, err := openStore(t, b).Sync(SyncOptions{Engine: EngineGit, Merge: joinMerge})
	if err != nil || !res.Merged || !res.Pushed {
		t.Fatalf("git engine: %+v, %v", res, err)
	}
	if got := readFile(t, filepath.Join(b, "notes.txt")); got != "A\nb\nC\n" {
		t.Errorf("notes.txt = %q", got)
	}
	assertClean(t, b)
}

// The history walks of the report and the merge stop at the common
// history, and count what git counts, across merges both ways.
func TestCountBetweenAndMergeBase(t *testing.T) {
	dir := newRepo(t)
	commitN := func(n int, what string) {
		for i := range n {
			writeFile(t, filepath.Join(dir, "tickets", "aa", "aa1111.md"), fmt.Sprintf("%s %d\n", what, i))
			commitAll(t, dir, fmt.Sprintf("%s %d", what, i))
		}
	}
	commitN(5, "main")
	gitc(t, dir, "branch", "side")
	commitN(3, "main more")
	gitc(t, dir, "checkout", "-q", "side")
	writeFile(t, filepath.Join(dir, "tickets", "bb", "bb2222.md"), "side\n")
	commitAll(t, dir, "side 1")
	gitc(t, dir, "merge", "-q", "--no-edit", "-X", "ours", "main")
	writeFile(t, filepath.Join(dir, "tickets", "bb", "bb2222.md"), "side 2\n")
	commitAll(t, dir, "side 2")
	gitc(t, dir, "checkout", "-q", "main")
	commitN(2, "main last")
	s := openStore(t, dir)
	for _, rng := range [][2]string{{"main", "side"}, {"side", "main"}, {"", "main"}, {"main~7", "side"}, {"side", "side"}} {
		from, _ := s.ResolveRevision(first(rng[0], "HEAD"))
		if rng[0] == "" {
			from = ""
		}
		to, _ := s.ResolveRevision(rng[1])
		arg := to
		if from != "" {
			arg = from + ".." + to
		}
		want, _ := strconv.Atoi(strings.TrimSpace(gitc(t, dir, "rev-list", "--count", arg)))
		if got := s.countBetween(from, to); got != want {
			t.Errorf("count %s..%s = %d, git says %d", rng[0], rng[1], got, want)
		}
	}
	got, err := s.MergeBase("main", "side")
	want := strings.TrimSpace(gitc(t, dir, "merge-base", "main", "side"))
	if err != nil || got != want {
		t.Errorf("MergeBase = %s, %v; git says %s", got, err, want)
	}
}

func TestSyncRefusesConflictsAndDirtyFiles(t *testing.T) {
	for _, engine := range []string{EngineGit, EngineGoGit} {
		t.Run(engine, func(t *testing.T) {
			_, a, b := clonePair(t)
			writeFile(t, filepath.Join(a, "notes.txt"), "a\nB from a\nc\n")
			commitAll(t, a, "a")
			writeFile(t, filepath.Join(b, "notes.txt"), "a\nB from b\nc\n")
			commitAll(t, b, "b")
			if _, err := openStore(t, a).Sync(SyncOptions{Engine: engine, Merge: joinMerge}); err != nil {
				t.Fatal(err)
			}
			before := gitc(t, b, "rev-parse", "HEAD")
			_, err := openStore(t, b).Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			var se *SyncError
			if !errors.Is(err, ErrConflict) || !errors.As(err, &se) || !slices.Contains(se.Files, "notes.txt") {
				t.Fatalf("err = %v, want a conflict naming notes.txt", err)
			}
			if gitc(t, b, "rev-parse", "HEAD") != before {
				t.Error("a failed sync moved the branch")
			}
			assertClean(t, b)

			writeFile(t, filepath.Join(b, "notes.txt"), "a\nB from a\nc\n")
			commitAll(t, b, "take a's")
			writeFile(t, filepath.Join(a, "tickets", "aa", "aa1111.md"), "one\nmore from a\n")
			commitAll(t, a, "a2")
			if _, err := openStore(t, a).Sync(SyncOptions{Engine: engine, Merge: joinMerge}); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(b, "tickets", "aa", "aa1111.md"), "uncommitted\n")
			_, err = openStore(t, b).Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			if !errors.Is(err, ErrDirty) || !strings.Contains(err.Error(), "tickets/aa/aa1111.md") {
				t.Fatalf("err = %v, want ErrDirty naming the file", err)
			}
			if got := readFile(t, filepath.Join(b, "tickets", "aa", "aa1111.md")); got != "uncommitted\n" {
				t.Errorf("the uncommitted file was overwritten: %q", got)
			}
		})
	}
}

func TestChangedFiles(t *testing.T) {
	dir := newRepo(t)
	writeFile(t, filepath.Join(dir, "tickets", "aa", "aa1111.md"), "one\n")
	writeFile(t, filepath.Join(dir, "tickets", "bb", "bb2222.md"), "two\n")
	commitAll(t, dir, "one")
	writeFile(t, filepath.Join(dir, "tickets", "bb", "bb2222.md"), "two!\n")
	writeFile(t, filepath.Join(dir, "tickets", "cc", "cc3333.md"), "three\n")
	commitAll(t, dir, "two")
	s := openStore(t, dir)
	got, err := s.ChangedFiles("HEAD~1", "HEAD")
	if err != nil || !slices.Equal(got, []string{"tickets/bb/bb2222.md", "tickets/cc/cc3333.md"}) {
		t.Errorf("ChangedFiles = %v, %v", got, err)
	}
	all, _ := s.ChangedFiles("", "HEAD")
	if len(all) != 4 { // .ticket/config.yml and three tickets
		t.Errorf("from the empty tree: %v", all)
	}
	mb, err := s.MergeBase("HEAD", "HEAD~1")
	if want, _ := s.ResolveRevision("HEAD~1"); err != nil || mb != want {
		t.Errorf("MergeBase = %s, %v", mb, err)
	}
	if !bytes.Equal([]byte(readFile(t, filepath.Join(dir, "tickets", "cc", "cc3333.md"))), []byte("three\n")) {
		t.Error("read back")
	}
}

// The first sync of a new desk goes to a remote with nothing in it yet.
func TestSyncToEmptyRemote(t *testing.T) {
	for _, engine := range []string{EngineGit, EngineGoGit} {
		t.Run(engine, func(t *testing.T) {
			repo := newRepo(t)
			writeFile(t, filepath.Join(repo, "tickets", "aa", "aa1111.md"), "one\n")
			commitAll(t, repo, "first")
			remote := filepath.Join(t.TempDir(), "remote.git")
			gitc(t, repo, "init", "-q", "--bare", remote)
			gitc(t, repo, "remote", "add", "origin", remote)
			res, err := openStore(t, repo).Sync(SyncOptions{Engine: engine, Merge: joinMerge})
			if err != nil {
				t.Fatalf("first sync to an empty remote: %v", err)
			}
			head := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD"))
			if got := strings.TrimSpace(gitc(t, repo, "--git-dir", remote, "rev-parse", "main")); got != head || !res.Pushed {
				t.Errorf("remote main = %s, pushed %v; want %s", got, res.Pushed, head)
			}
		})
	}
}

// Undoing a killed sync removes the files its merge wrote, which the
// remote branch holds, and leaves a file someone made meanwhile.
func TestRecoverSyncKeepsFilesMadeMeanwhile(t *testing.T) {
	_, a, b := clonePair(t)
	writeFile(t, filepath.Join(b, "tickets", "bb", "bb2222.md"), "from b\n")
	commitAll(t, b, "b")
	gitc(t, b, "push", "-q", "origin", "HEAD")
	gitc(t, a, "fetch", "-q", "origin", "+refs/heads/main:refs/remotes/origin/main")
	s := openStore(t, a)
	marker := markKilledSync(t, s)
	// The killed merge had written b's file, not yet the index; someone
	// saved a file of their own in the desk while it ran.
	merged := filepath.Join(a, "tickets", "bb", "bb2222.md")
	mine := filepath.Join(a, "tickets", "cc", "notes-while-syncing.md")
	writeFile(t, merged, "from b\n")
	writeFile(t, mine, "mine\n")
	// And a file it was writing, still under its temporary name; a file of
	// that shape beside a path no remote branch has is not the merge's.
	half := filepath.Join(a, "tickets", "bb", ".bb2222.md.tmp402384219")
	notHalf := filepath.Join(a, "tickets", "cc", ".notes.md.tmp12345")
	writeFile(t, half, "from")
	writeFile(t, notHalf, "mine")
	recovered, err := s.RecoverSync()
	if err != nil || !recovered {
		t.Fatalf("RecoverSync = %v, %v", recovered, err)
	}
	if _, err := os.Stat(merged); err == nil {
		t.Error("the file the killed merge wrote is still there")
	}
	if _, err := os.Stat(half); err == nil {
		t.Error("the temporary file of the killed merge is still there")
	}
	for _, f := range []string{mine, notHalf} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("a file made during the sync, which no remote branch holds, was removed: %v", err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the sync mark is still there")
	}
}

// markKilledSync leaves the mark of a sync killed 10 seconds ago, as
// GuardSync writes it, and returns its path.
func markKilledSync(t *testing.T, s *Store) string {
	t.Helper()
	marker := s.syncMarker()
	if err := os.MkdirAll(filepath.Dir(marker), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(marker, []byte("1 x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-10 * time.Second)
	if err := os.Chtimes(marker, old, old); err != nil {
		t.Fatal(err)
	}
	return marker
}

func TestApplyTempTarget(t *testing.T) {
	for name, want := range map[string]string{
		".bb2222.md.tmp402384219": "bb2222.md",
		".a.tmp.md.tmp1":          "a.tmp.md",
		"bb2222.md.tmp1":          "",
		".bb2222.md.tmp":          "",
		".bb2222.md.tmp12x":       "",
		".tmp1":                   "",
		"notes.md":                "",
	} {
		got, ok := applyTempTarget(name)
		if got != want || ok != (want != "") {
			t.Errorf("applyTempTarget(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// The refs go-git's fetch and push set go through writeRef: the file is
// replaced whole, and a ref that moved meanwhile is reported as go-git
// reports it.
func TestAtomicRefs(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "a.txt"), "a\n")
	commitAll(t, repo, "one")
	one := plumbing.NewHash(strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")))
	writeFile(t, filepath.Join(repo, "a.txt"), "b\n")
	commitAll(t, repo, "two")
	two := plumbing.NewHash(strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")))
	s := openStore(t, repo)
	fsSt, ok := s.repo.Storer.(*filesystem.Storage)
	if !ok {
		t.Fatalf("storage is %T", s.repo.Storer)
	}
	a := atomicRefs{Storage: fsSt, s: s}
	name := plumbing.ReferenceName("refs/remotes/origin/main")
	if err := a.SetReference(plumbing.NewHashReference(name, one)); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", string(name))); got != one.String() {
		t.Fatalf("ref at %s, want %s", got, one)
	}
	// old is not what the ref holds: refused, the ref untouched.
	err := a.CheckAndSetReference(plumbing.NewHashReference(name, two), plumbing.NewHashReference(name, two))
	if !errors.Is(err, storage.ErrReferenceHasChanged) {
		t.Fatalf("CheckAndSetReference with a stale old = %v", err)
	}
	if err := a.CheckAndSetReference(plumbing.NewHashReference(name, two), plumbing.NewHashReference(name, one)); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", string(name))); got != two.String() {
		t.Fatalf("ref at %s, want %s", got, two)
	}
	if left, _ := filepath.Glob(filepath.Join(repo, ".git", "refs", "remotes", "origin", "*.lock")); len(left) > 0 {
		t.Errorf("lock files left: %v", left)
	}
	gitc(t, repo, "fsck", "--strict", "--no-progress")
}
