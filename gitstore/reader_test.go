package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestAtRef(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "b", "1.md"), "v1\n")
	writeFile(t, filepath.Join(repo, "tickets", "a.md"), "a\n")
	writeFile(t, filepath.Join(repo, "tickets", "a", "x.md"), "ax\n")
	writeFile(t, filepath.Join(repo, "tickets", "a.b"), "dot\n")
	writeFile(t, filepath.Join(repo, "tickets", "run.sh"), "#!/bin/sh\n")
	os.Chmod(filepath.Join(repo, "tickets", "run.sh"), 0o755)
	os.Symlink("a.md", filepath.Join(repo, "tickets", "link.md"))
	commitAll(t, repo, "one")
	gitc(t, repo, "branch", "old")
	writeFile(t, filepath.Join(repo, "tickets", "b", "1.md"), "v2\n")
	commitAll(t, repo, "two")

	s := openStore(t, repo)
	for rev, want := range map[string]string{"HEAD~1": "v1\n", "old": "v1\n", "main": "v2\n", "HEAD": "v2\n"} {
		r, err := s.AtRef(rev)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Read("tickets/b/1.md")
		if err != nil || string(b) != want {
			t.Errorf("%s: Read = %q, %v; want %q", rev, b, err, want)
		}
	}
	r, err := s.AtRef("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	list, err := r.List("tickets")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range list {
		paths = append(paths, f.Path)
		want := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD:"+f.Path))
		if f.Hash != want {
			t.Errorf("%s: Hash = %s, want %s", f.Path, f.Hash, want)
		}
	}
	if got := strings.Join(paths, " "); got != "tickets/a.b tickets/a.md tickets/a/x.md tickets/b/1.md tickets/run.sh" {
		t.Errorf("List = %s", got)
	}
	// The link is left out of the list, and named by Links for lint.
	if got := r.(interface{ Links() []string }).Links(); fmt.Sprint(got) != "[tickets/link.md]" {
		t.Errorf("Links = %v, want [tickets/link.md]", got)
	}
	assertListsAgree(t, r, "tickets")
	if list[0].Size != 4 {
		t.Errorf("Size = %d, want 4", list[0].Size)
	}
	assertListsAgree(t, r, "tickets")
	assertListsAgree(t, r, "")
	if _, err := r.Read("tickets/none.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read missing = %v", err)
	}
	if _, err := r.Read("tickets"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read folder = %v", err)
	}
	if l, err := r.List("nowhere"); err != nil || len(l) != 0 {
		t.Errorf("List missing = %v, %v", l, err)
	}
	all, err := r.List("")
	if err != nil || len(all) != 6 || all[0].Path != ".ticket/config.yml" {
		t.Errorf("List(\"\") = %v, %v", all, err)
	}
	if _, err := s.AtRef("no-such-branch"); err == nil || !strings.Contains(err.Error(), "no-such-branch") {
		t.Errorf("AtRef(bad) = %v", err)
	}
}

func TestAtRefWithPrefix(t *testing.T) {
	isolate(t)
	repo := t.TempDir()
	gitc(t, repo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(repo, "code.go"), "package x\n")
	writeFile(t, filepath.Join(repo, "support", ".ticket", "c.yml"), "c\n")
	writeFile(t, filepath.Join(repo, "support", "tickets", "t.md"), "t\n")
	commitAll(t, repo, "one")
	s := openStore(t, filepath.Join(repo, "support"))
	r, err := s.AtRef("main")
	if err != nil {
		t.Fatal(err)
	}
	list, err := r.List("")
	if err != nil || len(list) != 2 || list[1].Path != "tickets/t.md" {
		t.Errorf("List = %v, %v", list, err)
	}
	assertListsAgree(t, r, "")
	assertListsAgree(t, r, "tickets")
}

// assertListsAgree checks that listing through the git command and through
// go-git alone give the same answer.
func assertListsAgree(t *testing.T, r Reader, sub string) {
	t.Helper()
	fast := *r.(*refReader)
	fast.links = newLinkLog()
	viaGit, ok := fast.listWithGit(sub)
	if !ok {
		t.Fatal("git ls-tree failed")
	}
	slow := fast
	slow.noCLI = true
	slow.links = newLinkLog()
	viaGoGit, err := slow.List(sub)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(viaGit) != fmt.Sprint(viaGoGit) {
		t.Errorf("List(%q):\ngit:    %v\ngo-git: %v", sub, viaGit, viaGoGit)
	}
	if a, b := fast.Links(), slow.Links(); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("Links after List(%q):\ngit:    %v\ngo-git: %v", sub, a, b)
	}
}

func TestWorktreeReader(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "a", "x.md"), "ax\n")
	writeFile(t, filepath.Join(repo, "tickets", "a.md"), "a\n")
	s := openStore(t, repo)
	w := s.Worktree()
	list, err := w.List("")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range list {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, " "); got != ".ticket/config.yml tickets/a.md tickets/a/x.md" {
		t.Errorf("List = %s (the .git folder must be skipped)", got)
	}
	if list[1].Size != 2 || list[1].Hash != "" {
		t.Errorf("FileInfo = %+v", list[1])
	}
	if b, err := w.Read("tickets/a/x.md"); err != nil || string(b) != "ax\n" {
		t.Errorf("Read = %q, %v", b, err)
	}
	if _, err := w.Read("tickets/none.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read missing = %v", err)
	}
	if l, err := w.List("nowhere"); err != nil || len(l) != 0 {
		t.Errorf("List missing = %v, %v", l, err)
	}
	if _, err := w.Read("../outside"); err == nil {
		t.Error("Read outside the desk allowed")
	}
}

// Loads read the files of a ref on every core; reads of packed objects must
// not race (they once crashed go-git's pack reader).
func TestAtRefConcurrentReads(t *testing.T) {
	repo := newRepo(t)
	const n = 400
	for i := range n {
		writeFile(t, filepath.Join(repo, "tickets", fmt.Sprintf("%02d", i%20), fmt.Sprintf("%03d.md", i)), strings.Repeat(fmt.Sprintf("ticket %d\n", i), 200))
	}
	commitAll(t, repo, "many")
	gitc(t, repo, "gc", "-q")
	r, err := openStore(t, repo).AtRef("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	files, err := r.List("tickets")
	if err != nil || len(files) != n {
		t.Fatalf("List: %d files, %v", len(files), err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(files); i += 8 {
				b, err := r.Read(files[i].Path)
				if err == nil && !strings.HasPrefix(string(b), "ticket ") {
					err = fmt.Errorf("%s: read %q", files[i].Path, b[:min(len(b), 20)])
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// A link in the desk, as a pull can bring one, is never read through.
func TestWorktreeReaderRefusesLinks(t *testing.T) {
	repo := newRepo(t)
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.md"), "not the desk's\n")
	writeFile(t, filepath.Join(repo, "tickets", "ab", "abcdef.md"), "a\n")
	os.MkdirAll(filepath.Join(repo, ".ticket"), 0o755)
	if err := os.Symlink(outside, filepath.Join(repo, ".ticket", "templates")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.md"), filepath.Join(repo, "tickets", "ab", "linked.md")); err != nil {
		t.Fatal(err)
	}
	w := openStore(t, repo).Worktree()
	for _, p := range []string{".ticket/templates/secret.md", "tickets/ab/linked.md"} {
		b, err := w.Read(p)
		if err == nil || !strings.Contains(err.Error(), "is a symbolic link") || b != nil {
			t.Errorf("Read(%s) = %q, %v; want a refusal", p, b, err)
		}
	}
	if b, err := w.Read("tickets/ab/abcdef.md"); err != nil || string(b) != "a\n" {
		t.Errorf("Read of a plain file = %q, %v", b, err)
	}
	list, _ := w.List("")
	for _, f := range list {
		if strings.Contains(f.Path, "secret") || strings.Contains(f.Path, "linked") {
			t.Errorf("List shows %s", f.Path)
		}
	}
}
