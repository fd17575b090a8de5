package gitstore

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/storage/filesystem"
)

// A pack index go-git writes has its name only once it is whole: a
// process killed while writing it leaves no file under that name.
func TestPackIndexAppearsWhole(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "a.txt"), "a\n")
	commitAll(t, repo, "one")
	s := openStore(t, repo)
	fsSt, ok := s.repo.Storer.(*filesystem.Storage)
	if !ok {
		t.Fatalf("storage is %T", s.repo.Storer)
	}
	fsys := fsSt.Filesystem()
	name := fsys.Join("objects", "pack", "pack-"+strings.Repeat("ab", 20)+".idx")
	full := filepath.Join(repo, ".git", filepath.FromSlash(name))
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("\377tOc half an index")); err != nil {
		t.Fatal(err)
	}
	// Killed here: nothing is under the index's name.
	if _, err := os.Stat(full); err == nil {
		t.Fatalf("%s exists before it is written whole", name)
	}
	if f.Name() != name {
		t.Errorf("Name() = %q, want %q", f.Name(), name)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(full); err != nil || string(b) != "\377tOc half an index" {
		t.Fatalf("after Close: %q, %v", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "pack", "tmp_idx_*")); len(left) > 0 {
		t.Errorf("temporary index left: %v", left)
	}
}

// A go-git fetch killed while it wrote the pack index (as before
// wholeIndexes) left a cut index and no pack. The sync after it used to
// fetch the same pack, keep the cut index and rename the pack beside it,
// which git fsck refused ("wrong index v2 file size") and which lost the
// pack's commits. Undoing the killed sync removes the index.
func TestSyncAfterFetchKilledInPackIndex(t *testing.T) {
	_, a, b := clonePair(t)
	writeFile(t, filepath.Join(b, "tickets", "bb", "bb2222.md"), "from b\n")
	commitAll(t, b, "b")
	gitc(t, b, "push", "-q", "origin", "HEAD")
	// A copy of a fetches first, to learn the name of the pack the fetch
	// brings.
	twin := filepath.Join(t.TempDir(), "twin")
	if out, err := exec.Command("cp", "-a", a, twin).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	if _, err := openStore(t, twin).Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge}); err != nil {
		t.Fatal(err)
	}
	packs := func(repo string) map[string]bool {
		m := map[string]bool{}
		idx, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "pack", "pack-*.idx"))
		for _, p := range idx {
			m[filepath.Base(p)] = true
		}
		return m
	}
	var idx string
	for p := range packs(twin) {
		if !packs(a)[p] {
			idx = p
		}
	}
	if idx == "" {
		t.Fatal("the fetch brought no pack")
	}
	whole, err := os.ReadFile(filepath.Join(twin, ".git", "objects", "pack", idx))
	if err != nil {
		t.Fatal(err)
	}
	// The killed sync in a: its mark, and the index cut short.
	s := openStore(t, a)
	markKilledSync(t, s)
	cut := filepath.Join(a, ".git", "objects", "pack", idx)
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o444); err != nil {
		t.Fatal(err)
	}
	if recovered, err := s.RecoverSync(); err != nil || !recovered {
		t.Fatalf("RecoverSync = %v, %v", recovered, err)
	}
	if _, err := s.Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge}); err != nil {
		t.Fatalf("sync after the kill: %v", err)
	}
	if !packs(a)[idx] {
		t.Fatalf("the fetch after the kill brought another pack than %s; the killed state was not reproduced", idx)
	}
	if got, err := os.ReadFile(cut); err != nil || len(got) != len(whole) {
		t.Errorf("%s: %d bytes after the sync, want %d (%v)", idx, len(got), len(whole), err)
	}
	gitc(t, a, "fsck", "--strict", "--no-progress")
	if got := gitc(t, a, "show", "HEAD:tickets/bb/bb2222.md"); got != "from b\n" {
		t.Errorf("b's ticket after the sync: %q", got)
	}
}
