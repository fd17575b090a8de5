package gitstore

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestApplyLeavesUserChangesAlone(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "aa", "aa1.md"), "one\n")
	writeFile(t, filepath.Join(repo, "tickets", "bb", "bb1.md"), "two\n")
	writeFile(t, filepath.Join(repo, "notes.txt"), "notes\n")
	writeFile(t, filepath.Join(repo, "staged.txt"), "old\n")
	commitAll(t, repo, "start")

	// The user's own work in progress: staged, modified and untracked files.
	writeFile(t, filepath.Join(repo, "staged.txt"), "staged change\n")
	gitc(t, repo, "add", "staged.txt")
	writeFile(t, filepath.Join(repo, "notes.txt"), "unstaged edit\n")
	writeFile(t, filepath.Join(repo, "scratch.txt"), "untracked\n")
	before := gitc(t, repo, "status", "--porcelain")

	s := openStore(t, repo)
	when := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("", 3600))
	hash, err := s.Apply([]Change{
		{Path: "tickets/aa/aa1.md", Data: []byte("one, replied\n")},
		{Path: "tickets/cc/dd/new.md", Data: []byte("brand new\n")},
		{Path: "tickets/bb/bb1.md", Delete: true},
	}, CommitOptions{
		Message: "reply to aa1\n\nwith details",
		Author:  Signature{Name: "Ann Agent", Email: "ann@example.com", When: when},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")); got != hash {
		t.Errorf("HEAD = %s, Apply returned %s", got, hash)
	}
	if after := gitc(t, repo, "status", "--porcelain"); after != before {
		t.Errorf("status changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if got := gitc(t, repo, "log", "-1", "--format=%an%n%ae%n%s%n%aI"); got != "Ann Agent\nann@example.com\nreply to aa1\n2026-11-23T10:00:00+01:00\n" {
		t.Errorf("log = %q", got)
	}
	stat := lines(gitc(t, repo, "diff", "HEAD~1", "HEAD", "--name-status"))
	want := []string{"A\ttickets/cc/dd/new.md", "D\ttickets/bb/bb1.md", "M\ttickets/aa/aa1.md"}
	if strings.Join(stat, "|") != strings.Join(want, "|") {
		t.Errorf("commit changed %q, want %q", stat, want)
	}
	if got := gitc(t, repo, "diff", "--cached", "--name-only"); got != "staged.txt\n" {
		t.Errorf("staged = %q, want staged.txt", got)
	}
	if got := readFile(t, filepath.Join(repo, "notes.txt")); got != "unstaged edit\n" {
		t.Errorf("notes.txt = %q", got)
	}
	if _, err := os.Stat(filepath.Join(repo, "tickets", "bb")); !os.IsNotExist(err) {
		t.Errorf("empty folder tickets/bb left behind")
	}
	assertFsck(t, repo)

	// The user's staged change commits as usual, on top.
	gitc(t, repo, "commit", "-q", "-m", "user commit")
	if got := gitc(t, repo, "show", "HEAD:staged.txt"); got != "staged change\n" {
		t.Errorf("user commit lost staged content: %q", got)
	}
	if got := gitc(t, repo, "show", "HEAD:tickets/aa/aa1.md"); got != "one, replied\n" {
		t.Errorf("user commit reverted Apply: %q", got)
	}
}

func TestApplyCleanAndFast(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	_, err := s.Apply([]Change{{Path: "tickets/x/1.md", Data: []byte("x\n")}}, CommitOptions{Message: "add"})
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, repo)
	assertFsck(t, repo)
	// Nothing was re-hashed: the index's stat data matches the new file.
	if got := gitc(t, repo, "diff-files", "--name-only"); got != "" {
		t.Errorf("stat data stale for %q", got)
	}
	if got := gitc(t, repo, "log", "-1", "--format=%an <%ae>"); got != "Test Agent <agent@example.com>\n" {
		t.Errorf("default author = %q", got)
	}
	if got := gitc(t, repo, "reflog", "-1", "--format=%gs"); got != "commit: add\n" {
		t.Errorf("reflog = %q", got)
	}
}

func TestApplyFirstCommitOnUnbornBranch(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	hash, err := s.Apply([]Change{
		{Path: ".ticket/config.yml", Data: []byte("version: 1\n")},
		{Path: "tickets/2026/11/abc.md", Data: []byte("hello\n")},
	}, CommitOptions{Message: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "main")); got != hash {
		t.Errorf("main = %s, want %s", got, hash)
	}
	assertClean(t, repo)
	assertFsck(t, repo)
	if got := gitc(t, repo, "ls-files"); got != ".ticket/config.yml\ntickets/2026/11/abc.md\n" {
		t.Errorf("ls-files = %q", got)
	}
	_, h, _ := s.Head()
	if h != hash {
		t.Errorf("Head() hash = %s", h)
	}
}

func TestApplyNoCommitStages(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	headBefore := gitc(t, repo, "rev-parse", "HEAD")
	hash, err := s.Apply([]Change{{Path: "tickets/a.md", Data: []byte("a\n")}}, CommitOptions{NoCommit: true})
	if err != nil || hash != "" {
		t.Fatalf("Apply = %q, %v", hash, err)
	}
	if gitc(t, repo, "rev-parse", "HEAD") != headBefore {
		t.Error("NoCommit moved HEAD")
	}
	if got := gitc(t, repo, "diff", "--cached", "--name-only"); got != "tickets/a.md\n" {
		t.Errorf("staged = %q", got)
	}
	if got := gitc(t, repo, "status", "--porcelain"); got != "A  tickets/a.md\n" {
		t.Errorf("status = %q", got)
	}
}

func TestApplyNoCommitWithoutIndex(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	if _, err := s.Apply([]Change{{Path: "a.md", Data: []byte("a\n")}}, CommitOptions{NoCommit: true}); err != nil {
		t.Fatal(err)
	}
	if got := gitc(t, repo, "status", "--porcelain"); got != "A  a.md\n?? .ticket/\n" {
		t.Errorf("status = %q", got)
	}
}

func TestApplyInSubfolderDesk(t *testing.T) {
	isolate(t)
	repo := t.TempDir()
	gitc(t, repo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(repo, "main.go"), "package main\n")
	writeFile(t, filepath.Join(repo, "support", ".ticket", "config.yml"), "v: 1\n")
	commitAll(t, repo, "code")
	s := openStore(t, filepath.Join(repo, "support"))
	if _, err := s.Apply([]Change{{Path: "tickets/t1.md", Data: []byte("t\n")}}, CommitOptions{Message: "t1"}); err != nil {
		t.Fatal(err)
	}
	if got := gitc(t, repo, "show", "--name-only", "--format=", "HEAD"); got != "support/tickets/t1.md\n" {
		t.Errorf("committed %q", got)
	}
	assertClean(t, repo)
	r, err := s.AtRef("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := r.Read("tickets/t1.md"); err != nil || string(b) != "t\n" {
		t.Errorf("Read at HEAD = %q, %v", b, err)
	}
}

func TestApplyInLinkedWorktree(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	wt := filepath.Join(t.TempDir(), "wt")
	gitc(t, repo, "worktree", "add", "-q", "-b", "side", wt)
	s := openStore(t, wt)
	if b, _, _ := s.Head(); b != "side" {
		t.Fatalf("Head branch = %q", b)
	}
	if _, err := s.Apply([]Change{{Path: "w.md", Data: []byte("w\n")}}, CommitOptions{Message: "in worktree"}); err != nil {
		t.Fatal(err)
	}
	assertClean(t, wt)
	assertClean(t, repo)
	if got := gitc(t, repo, "log", "-1", "--format=%s", "side"); got != "in worktree\n" {
		t.Errorf("side = %q", got)
	}
	if got := gitc(t, repo, "log", "-1", "--format=%s", "main"); got != "start\n" {
		t.Errorf("main moved: %q", got)
	}
}

func TestApplyKeepsExecutableBit(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "hook.sh"), "#!/bin/sh\n")
	os.Chmod(filepath.Join(repo, "hook.sh"), 0o755)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	if _, err := s.Apply([]Change{{Path: "hook.sh", Data: []byte("#!/bin/sh\necho\n")}}, CommitOptions{Message: "edit"}); err != nil {
		t.Fatal(err)
	}
	if got := gitc(t, repo, "ls-tree", "HEAD", "hook.sh"); !strings.HasPrefix(got, "100755 ") {
		t.Errorf("mode lost: %q", got)
	}
	assertClean(t, repo)
}

func TestApplyRejectsBadPaths(t *testing.T) {
	repo := newRepo(t)
	s := openStore(t, repo)
	for _, p := range []string{"../x", "/abs", ".git/config", "a/.git/x", "", "a/..", "nul\x00.md"} {
		if _, err := s.Apply([]Change{{Path: p, Data: []byte("x")}}, CommitOptions{Message: "m"}); err == nil {
			t.Errorf("Apply(%q) succeeded", p)
		}
	}
	if _, err := s.Apply(nil, CommitOptions{Message: "m"}); !errors.Is(err, ErrNothingToApply) {
		t.Errorf("Apply(nil) = %v", err)
	}
	if _, err := s.Apply([]Change{{Path: "a", Data: []byte("x")}, {Path: "a/b", Data: []byte("y")}},
		CommitOptions{Message: "m"}); err == nil {
		t.Error("file and folder of the same name accepted")
	}
}

func TestApplyUnchangedMakesNoCommit(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "a.md"), "a\n")
	commitAll(t, repo, "start")
	head := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD"))
	s := openStore(t, repo)
	got, err := s.Apply([]Change{{Path: "a.md", Data: []byte("a\n")}}, CommitOptions{Message: "same"})
	if err != nil || got != head {
		t.Errorf("Apply = %s, %v; want %s", got, err, head)
	}
}

func TestUpdateRefRefusesMovedBranch(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	stale := plumbing.NewHash("1111111111111111111111111111111111111111")
	err := s.updateRef("refs/heads/main", stale, stale, Signature{Name: "a", Email: "b", When: time.Now()}, "x")
	if !errors.Is(err, ErrBranchMoved) {
		t.Errorf("updateRef = %v, want ErrBranchMoved", err)
	}
	if _, err := os.Stat(filepath.Join(repo, ".git", "refs", "heads", "main.lock")); !os.IsNotExist(err) {
		t.Error("ref lock left behind")
	}
}

func TestApplyWaitsForIndexLock(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	lock := filepath.Join(repo, ".git", "index.lock")
	writeFile(t, lock, "")
	_, err := s.Apply([]Change{{Path: "a.md", Data: []byte("a")}}, CommitOptions{Message: "m"})
	if err == nil || !strings.Contains(err.Error(), "index.lock") {
		t.Fatalf("Apply with index.lock = %v", err)
	}
	if got := gitc(t, repo, "log", "--format=%s"); got != "start\n" {
		t.Errorf("committed despite the lock: %q", got)
	}
	os.Remove(lock)
}

func TestApplyIndexVersion4(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "a.md"), "a\n")
	commitAll(t, repo, "start")
	gitc(t, repo, "update-index", "--index-version", "4")
	s := openStore(t, repo)
	if _, err := s.Apply([]Change{{Path: "tickets/b.md", Data: []byte("b\n")}}, CommitOptions{Message: "b"}); err != nil {
		t.Fatal(err)
	}
	assertClean(t, repo)
	assertIndexTreeMatchesHead(t, repo)
}

func TestApplyWithPackedRefs(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	gitc(t, repo, "pack-refs", "--all")
	s := openStore(t, repo)
	if _, h, err := s.Head(); err != nil || h == "" {
		t.Fatalf("Head() with packed refs = %q, %v", h, err)
	}
	hash, err := s.Apply([]Change{{Path: "a.md", Data: []byte("a\n")}}, CommitOptions{Message: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "main")); got != hash {
		t.Errorf("main = %s, want %s", got, hash)
	}
	if got := gitc(t, repo, "log", "--format=%s"); got != "a\nstart\n" {
		t.Errorf("log = %q", got)
	}
	assertClean(t, repo)
}

func TestApplyOnDetachedHead(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	gitc(t, repo, "checkout", "-q", "--detach")
	s := openStore(t, repo)
	hash, err := s.Apply([]Change{{Path: "a.md", Data: []byte("a\n")}}, CommitOptions{Message: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")); got != hash {
		t.Errorf("HEAD = %s, want %s", got, hash)
	}
	if got := gitc(t, repo, "log", "-1", "--format=%s", "main"); got != "start\n" {
		t.Errorf("main moved: %q", got)
	}
	if b, h, _ := s.Head(); b != "" || h != hash {
		t.Errorf("Head() = %q, %q", b, h)
	}
	assertClean(t, repo)
}

// Files are written in the caller's order, not the sorted order of paths:
// an attachment listed before its ticket is on disk before the ticket.
func TestApplyWritesInTheGivenOrder(t *testing.T) {
	s := &Store{}
	ps, err := s.prepare([]Change{
		{Path: "tickets/ab/abc123/report.pdf", Data: []byte("pdf")},
		{Path: "tickets/ab/abc123.md", Data: []byte("ticket")},
		{Path: "a-first.txt", Data: []byte("x")},
		{Path: "tickets/ab/abc123/report.pdf", Data: []byte("pdf, again")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range writeOrder(ps) {
		got = append(got, ps[i].rel+"="+string(ps[i].data))
	}
	want := []string{"tickets/ab/abc123/report.pdf=pdf, again", "tickets/ab/abc123.md=ticket", "a-first.txt=x"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("write order %q, want %q", got, want)
	}
	if ps[0].rel != "a-first.txt" {
		t.Fatalf("prepare no longer sorts by path: first is %q", ps[0].rel)
	}
}

func TestApplyRefusesToWriteThroughLinkedFolder(t *testing.T) {
	repo := newRepo(t)
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "keep.md"), "not the desk's\n")
	writeFile(t, filepath.Join(repo, "tickets", "ab", "abcdef.md"), "a\n")
	if err := os.Symlink(outside, filepath.Join(repo, "tickets", "7k")); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "start, with a link a pull could bring")
	head := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD"))
	s := openStore(t, repo)
	for _, c := range []Change{
		{Path: "tickets/7k/7kq2m9.md", Data: []byte("customer text\n")},
		{Path: "tickets/7k/keep.md", Delete: true},
		{Path: "tickets/7k/sub/x.bin", Data: []byte("attachment")},
	} {
		// The refused change comes with a good one: nothing is written.
		_, err := s.Apply([]Change{{Path: "tickets/ab/abcdef.md", Data: []byte("b\n")}, c}, CommitOptions{Message: "m"})
		if err == nil || !strings.Contains(err.Error(), "tickets/7k: is a symbolic link") || !strings.Contains(err.Error(), "replace the link") {
			t.Errorf("Apply(%s) = %v; want a refusal naming the link", c.Path, err)
		}
	}
	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 || ents[0].Name() != "keep.md" {
		t.Errorf("the folder the link points to now holds %v", ents)
	}
	if b, _ := os.ReadFile(filepath.Join(repo, "tickets", "ab", "abcdef.md")); string(b) != "a\n" {
		t.Errorf("a refused save still wrote a file beside the link: %q", b)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")); got != head {
		t.Error("a refused save made a commit")
	}
	// A link as the file itself is replaced, as git replaces it; only
	// folders are written through.
	if err := os.Symlink(filepath.Join(outside, "keep.md"), filepath.Join(repo, "tickets", "ab", "linked.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply([]Change{{Path: "tickets/ab/linked.md", Data: []byte("c\n")}}, CommitOptions{Message: "m"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "keep.md")); string(b) != "not the desk's\n" {
		t.Errorf("writing over a linked file changed its target: %q", b)
	}
}

func TestApplySyncsFoldersBeforeCommitting(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "ef", "old.md"), "old\n")
	commitAll(t, repo, "start")
	head := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD"))
	s := openStore(t, repo)
	var synced, objects []string // work tree and branch; object folders
	syncFolder = func(dir string) {
		rel, _ := filepath.Rel(repo, dir)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, ".git/objects") {
			objects = append(objects, rel)
		} else {
			synced = append(synced, rel)
		}
		if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")); got != head && rel != ".git/refs/heads" {
			t.Errorf("%s was synced after the commit was made", rel)
		}
		syncDir(dir)
	}
	t.Cleanup(func() { syncFolder = syncDir })
	hadFanOut := map[string]bool{}
	fanOuts, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "??"))
	for _, f := range fanOuts {
		hadFanOut[".git/objects/"+filepath.Base(f)] = true
	}
	_, err := s.Apply([]Change{
		{Path: "tickets/ab/abcdef.md", Data: []byte("a\n")},
		{Path: "tickets/cd/cdefgh/label.pdf", Data: []byte("%PDF")},
		{Path: "tickets/ef/old.md", Delete: true},
	}, CommitOptions{Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	want := "tickets/ef tickets/cd/cdefgh tickets/cd tickets/ab tickets . .git/refs/heads"
	if got := strings.Join(synced, " "); got != want {
		t.Errorf("synced folders %q, want %q (each once, deepest first, then the branch's)", got, want)
	}
	// The folder of every object the commit added (blobs, trees, the
	// commit) was synced before the branch moved, each once, and the
	// objects folder too where a fan-out folder was made.
	wantObjects := map[string]bool{}
	madeFanOut := false
	for _, l := range strings.Fields(gitc(t, repo, "rev-list", "--objects", "HEAD", "^HEAD~1")) {
		if len(l) == 40 {
			d := ".git/objects/" + l[:2]
			wantObjects[d] = true
			madeFanOut = madeFanOut || !hadFanOut[d]
		}
	}
	if madeFanOut {
		wantObjects[".git/objects"] = true
	}
	gotObjects := map[string]bool{}
	for _, d := range objects {
		if gotObjects[d] {
			t.Errorf("%s synced twice", d)
		}
		gotObjects[d] = true
	}
	if len(wantObjects) < 4 || !maps.Equal(gotObjects, wantObjects) {
		t.Errorf("synced object folders %v, want %v", slices.Sorted(maps.Keys(gotObjects)), slices.Sorted(maps.Keys(wantObjects)))
	}

	// Editing files in folders that were there: only their folders.
	synced, head = nil, strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD"))
	_, err = s.Apply([]Change{
		{Path: "tickets/ab/abcdef.md", Data: []byte("b\n")},
		{Path: "tickets/ab/abzzzz.md", Data: []byte("new\n")},
	}, CommitOptions{Message: "m2"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(synced, " "), "tickets/ab .git/refs/heads"; got != want {
		t.Errorf("an edit synced folders %q, want %q", got, want)
	}
}
