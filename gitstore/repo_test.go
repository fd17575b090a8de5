package gitstore

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// isolate points git at a private global config so tests never depend on
// the machine they run on.
func isolate(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	writeFile(t, cfg, "[user]\n\tname = Test Agent\n\temail = agent@example.com\n[init]\n\tdefaultBranch = main\n")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
		"GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return home
}

// newRepo makes a git repository with a desk at its root and returns it.
func newRepo(t testing.TB) string {
	t.Helper()
	isolate(t)
	dir := t.TempDir()
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	run(t, dir, "git", "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(dir, ".ticket", "config.yml"), "version: 1\n")
	return dir
}

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t testing.TB, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func gitCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	return cmd
}

func gitc(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return run(t, dir, "git", args...)
}

func writeFile(t testing.TB, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lines splits command output into sorted non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

func commitAll(t testing.TB, dir, msg string) {
	t.Helper()
	gitc(t, dir, "add", "-A")
	gitc(t, dir, "commit", "-q", "-m", msg)
}

func assertClean(t testing.TB, dir string) {
	t.Helper()
	if st := gitc(t, dir, "status", "--porcelain"); st != "" {
		t.Fatalf("git status not clean:\n%s", st)
	}
}

func assertFsck(t testing.TB, dir string) {
	t.Helper()
	gitc(t, dir, "fsck", "--strict", "--no-progress")
}

// assertIndexTreeMatchesHead checks that the index (with its cached trees)
// writes exactly HEAD's tree, which fails if a stale cached tree survived.
func assertIndexTreeMatchesHead(t testing.TB, dir string) {
	t.Helper()
	got := strings.TrimSpace(gitc(t, dir, "write-tree"))
	want := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD^{tree}"))
	if got != want {
		t.Fatalf("git write-tree = %s, HEAD tree = %s", got, want)
	}
}
