package gitstore

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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

func TestSyncGoGitMergesBothSides(t *testing.T) {
	remote, a, b := clonePair(t)
	writeFile(t, filepath.Join(a, "tickets", "aa", "aa1111.md"), "one\nfrom a\n")
	writeFile(t, filepath.Join(a, "tickets", "bb", "bb2222.md"), "new in a\n")
	commitAll(t, a, "a")
	writeFile(t, filepath.Join(b, "tickets", "aa", "aa1111.md"), "one\nfrom b\n")
	commitAll(t, b, "b")

	sa := openStore(t, a)
	res, err := sa.Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge})
	if err != nil || !res.Pushed || res.Merged {
		t.Fatalf("a: %+v, %v", res, err)
	}
	sb := openStore(t, b)
	res, err = sb.Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Merged || !res.Pushed || res.CommitsIn != 1 || !slices.Equal(res.In, []string{"tickets/aa/aa1111.md", "tickets/bb/bb2222.md"}) {
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

	// a fast-forwards to the merge.
	res, err = openStore(t, a).Sync(SyncOptions{Engine: EngineGoGit, Merge: joinMerge})
	if err != nil || !res.FastForward || res.Pushed {
		t.Fatalf("a again: %+v, %v", res, err)
	}
	assertClean(t, a)
	assertIndexTreeMatchesHead(t, a)
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
