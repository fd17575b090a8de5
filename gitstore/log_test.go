package gitstore

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func logHashes(t *testing.T, s *Store, path string, limit int) []string {
	t.Helper()
	cs, err := s.Log(path, limit)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Hash)
	}
	return out
}

func gitLog(t *testing.T, repo string, args ...string) []string {
	t.Helper()
	out := gitc(t, repo, append([]string{"log", "--format=%H"}, args...)...)
	return strings.Fields(out)
}

func TestLogFollowsOnePath(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	for i := 0; i < 6; i++ {
		cs := []Change{{Path: "tickets/other.md", Data: []byte(fmt.Sprint(i))}}
		if i%2 == 0 {
			cs = append(cs, Change{Path: "tickets/t.md", Data: []byte(fmt.Sprint("t", i))})
		}
		gitc(t, repo, "commit", "-q", "--allow-empty", "-m", "noise") // commits not touching it
		if _, err := s.Apply(cs, CommitOptions{Message: fmt.Sprint("change ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got := logHashes(t, s, "tickets/t.md", 0)
	want := gitLog(t, repo, "--", "tickets/t.md")
	if strings.Join(got, " ") != strings.Join(want, " ") || len(got) != 3 {
		t.Errorf("Log = %v\nwant %v", got, want)
	}
	if got := logHashes(t, s, "tickets/t.md", 2); len(got) != 2 || got[0] != want[0] {
		t.Errorf("Log limit 2 = %v", got)
	}
	cs, _ := s.Log("tickets/t.md", 1)
	if cs[0].Message != "change 4\n" || cs[0].Author != "Test Agent" || cs[0].Email != "agent@example.com" {
		t.Errorf("Log entry = %+v", cs[0])
	}
	if got := logHashes(t, s, "tickets/none.md", 0); len(got) != 0 {
		t.Errorf("Log of a missing file = %v", got)
	}
	// A folder's history works too.
	if got, want := logHashes(t, s, "tickets", 0), gitLog(t, repo, "--", "tickets"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Log(tickets) = %v, want %v", got, want)
	}
}

func TestLogThroughMerges(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "t.md"), "base\n")
	writeFile(t, filepath.Join(repo, "u.md"), "base\n")
	commitAll(t, repo, "base")
	gitc(t, repo, "checkout", "-q", "-b", "side")
	writeFile(t, filepath.Join(repo, "t.md"), "side\n")
	commitAll(t, repo, "side changes t")
	writeFile(t, filepath.Join(repo, "u.md"), "side\n")
	commitAll(t, repo, "side changes u")
	gitc(t, repo, "checkout", "-q", "main")
	writeFile(t, filepath.Join(repo, "other.md"), "main\n")
	commitAll(t, repo, "main changes other")
	gitc(t, repo, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	// A second merge where both sides changed the file differently.
	gitc(t, repo, "checkout", "-q", "-b", "side2", "HEAD~1")
	writeFile(t, filepath.Join(repo, "t.md"), "side2\n")
	commitAll(t, repo, "side2 changes t")
	gitc(t, repo, "checkout", "-q", "main")
	writeFile(t, filepath.Join(repo, "t.md"), "main\n")
	commitAll(t, repo, "main changes t")
	runMergeResolving(t, repo, "side2", "t.md", "resolved\n")

	s := openStore(t, repo)
	for _, p := range []string{"t.md", "u.md", "other.md"} {
		got := logHashes(t, s, p, 0)
		want := gitLog(t, repo, "--", p)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("Log(%s) = %v\nwant %v", p, got, want)
		}
	}
}

// runMergeResolving merges branch into the current one, settling a conflict
// on path with data.
func runMergeResolving(t *testing.T, repo, branch, path, data string) {
	t.Helper()
	if gitCmd(repo, "merge", "-q", "-m", "merge "+branch, branch).Run() == nil {
		return
	}
	writeFile(t, filepath.Join(repo, path), data)
	gitc(t, repo, "add", path)
	gitc(t, repo, "commit", "-q", "--no-edit")
}
