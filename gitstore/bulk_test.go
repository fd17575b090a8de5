package gitstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bulk commit is the same commit as an ordinary one, with its objects in
// one pack that git reads, verifies and builds on.
func TestApplyBulkWritesOnePack(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "tickets", "aa", "aa1.md"), "one\n")
	writeFile(t, filepath.Join(repo, "run.sh"), "#!/bin/sh\n")
	os.Chmod(filepath.Join(repo, "run.sh"), 0o755)
	commitAll(t, repo, "start")
	writeFile(t, filepath.Join(repo, "scratch.txt"), "untracked\n")

	var cs []Change
	want := map[string]string{}
	for i := range 600 {
		p := fmt.Sprintf("tickets/%02x/t%04d.md", i%37, i)
		data := fmt.Sprintf("ticket %d\n%s", i, strings.Repeat("text ", i%50))
		if i%100 == 7 {
			data = "same content in several files\n" // one blob, stored once
		}
		cs = append(cs, Change{Path: p, Data: []byte(data)})
		want[p] = data
	}
	cs = append(cs,
		Change{Path: "tickets/aa/aa1.md", Data: []byte("one, replied\n")},
		Change{Path: "run.sh", Data: []byte("#!/bin/sh\necho hi\n")},
	)
	want["tickets/aa/aa1.md"] = "one, replied\n"

	s := openStore(t, repo)
	hash, err := s.Apply(cs, CommitOptions{Message: "bulk", Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitc(t, repo, "rev-parse", "HEAD")); got != hash {
		t.Errorf("HEAD = %s, Apply returned %s", got, hash)
	}
	packs, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "pack", "pack-*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs = %v, want one", packs)
	}
	gitc(t, repo, "verify-pack", strings.TrimSuffix(packs[0], ".pack")+".idx")
	loose := 0
	filepath.Walk(filepath.Join(repo, ".git", "objects"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && len(filepath.Base(filepath.Dir(p))) == 2 {
			loose++
		}
		return nil
	})
	if loose > 10 { // the start commit's objects and the bulk commit itself
		t.Errorf("%d loose objects after a bulk commit", loose)
	}
	assertFsck(t, repo)
	assertIndexTreeMatchesHead(t, repo)
	if got := gitc(t, repo, "status", "--porcelain"); got != "?? scratch.txt\n" {
		t.Errorf("status = %q", got)
	}
	for p, data := range want {
		if got := gitc(t, repo, "show", "HEAD:"+p); got != data {
			t.Fatalf("%s in HEAD = %q, want %q", p, got, data)
		}
		if got := readFile(t, filepath.Join(repo, filepath.FromSlash(p))); got != data {
			t.Fatalf("%s on disk = %q, want %q", p, got, data)
		}
	}
	if fi, err := os.Stat(filepath.Join(repo, "run.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("run.sh lost its executable bit: %v %v", fi.Mode(), err)
	}
	if got := gitc(t, repo, "diff", "HEAD~1", "HEAD", "--stat", "--", "run.sh"); !strings.Contains(got, "run.sh") {
		t.Errorf("run.sh not in the commit: %q", got)
	}

	// The same store commits on top, reading the trees from the new pack.
	h2, err := s.Apply([]Change{{Path: "tickets/00/t0000.md", Data: []byte("changed\n")}}, CommitOptions{Message: "small"})
	if err != nil {
		t.Fatal(err)
	}
	if got := gitc(t, repo, "rev-list", "--count", h2); got != "3\n" {
		t.Errorf("rev-list --count = %q", got)
	}
	assertFsck(t, repo)
	assertIndexTreeMatchesHead(t, repo)
}
