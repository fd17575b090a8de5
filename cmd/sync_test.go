package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The sync tests run the real ticket binary (testscript's TestMain puts it
// on PATH, where git finds the merge driver too) against a bare repository
// served by a real git daemon on loopback and over file://.

// syncEnv isolates git and ticket from the machine: own home, identity,
// clock and no system config.
func syncEnv(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	os.WriteFile(cfg, []byte("[user]\n\tname = Alice Agent\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n"), 0o644)
	for k, v := range map[string]string{
		"HOME": home, "GIT_CONFIG_GLOBAL": cfg, "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1", "TZ": "UTC",
		"TICKET_NOW": "2026-11-20T10:00:00Z", "EDITOR": "false", "PAGER": "cat",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// sh runs a program in dir and returns its trimmed standard output.
func sh(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s%s", name, strings.Join(args, " "), dir, err, out.String(), errb.String())
	}
	if strings.Contains(errb.String(), "merge driver is not registered") {
		t.Fatalf("%s %s: warned about the merge driver:\n%s", name, strings.Join(args, " "), errb.String())
	}
	return strings.TrimSpace(out.String())
}

// startDaemon serves base on a free loopback port and returns the URL
// prefix; the daemon stops when the test ends.
func startDaemon(t *testing.T, base string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
		"--informative-errors", "--listen=127.0.0.1", fmt.Sprintf("--port=%d", port), "--base-path="+base, base)
	logs, err := os.Create(filepath.Join(t.TempDir(), "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	// A file, not a pipe: the daemon's children inherit it, and a pipe
	// would keep Wait waiting for them.
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Skipf("git daemon does not start: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
		logs.Close()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logs.Name())
			t.Fatalf("git daemon did not listen on %s: %v\n%s", addr, err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "git://" + addr + "/"
}

// world is a bare remote and two clones with offline work on both.
type world struct {
	base, bare, a, b string
	id               string // the ticket both clones work on
	newA, newB       string // tickets each clone created
}

func atEnv(now string) []string { return []string{"TICKET_NOW=" + now} }

// makeWorld seeds a remote at url (bare lives at base/desk.git) and makes
// two clones that both reply to, tag and re-assign the same ticket and
// create a ticket each, offline.
func makeWorld(t *testing.T, base, url string) *world {
	t.Helper()
	w := &world{base: base, bare: filepath.Join(base, "desk.git"), a: filepath.Join(base, "a"), b: filepath.Join(base, "b")}
	sh(t, base, nil, "git", "init", "-q", "--bare", w.bare)
	seed := filepath.Join(base, "seed")
	sh(t, base, nil, "ticket", "init", seed, "--name", "Acme Support")
	sh(t, seed, nil, "git", "remote", "add", "origin", url)
	w.id = sh(t, seed, nil, "ticket", "new", "Refund for order 5521", "--customer", "jane@example.com",
		"--tag", "billing,vip", "--assign", "alice", "-m", "The kettle arrived broken.")
	sh(t, seed, nil, "ticket", "sync")
	for _, c := range []string{w.a, w.b} {
		sh(t, base, nil, "git", "clone", "-q", url, c)
		sh(t, c, nil, "ticket", "setup")
	}
	env := atEnv("2026-11-20T11:00:00Z")
	sh(t, w.a, env, "ticket", "reply", w.id, "-m", "Alice: the refund is approved.", "--status", "pending")
	sh(t, w.a, env, "ticket", "tag", w.id, "refund")
	sh(t, w.a, env, "ticket", "assign", w.id, "alice-two")
	w.newA = sh(t, w.a, env, "ticket", "new", "Printer on fire", "-m", "Smoke!")

	env = append(atEnv("2026-11-20T12:00:00Z"), "GIT_AUTHOR_NAME=Bob", "GIT_AUTHOR_EMAIL=bob@example.com")
	sh(t, w.b, env, "ticket", "reply", w.id, "-m", "Bob: a spare kettle is on its way.")
	sh(t, w.b, env, "ticket", "untag", w.id, "vip")
	sh(t, w.b, env, "ticket", "assign", w.id, "bob")
	sh(t, w.b, env, "ticket", "priority", w.id, "high")
	w.newB = sh(t, w.b, env, "ticket", "new", "Lieferung verspätet", "-m", "Wo ist mein Paket?")
	return w
}

// copyWorld duplicates a world (remote and clones) under base2 and points
// the copies at url2, so the same offline work can be synced another way.
func copyWorld(t *testing.T, w *world, base2, url2 string) *world {
	t.Helper()
	w2 := *w
	w2.base, w2.bare, w2.a, w2.b = base2, filepath.Join(base2, "desk.git"), filepath.Join(base2, "a"), filepath.Join(base2, "b")
	for _, p := range [][2]string{{w.bare, w2.bare}, {w.a, w2.a}, {w.b, w2.b}} {
		sh(t, base2, nil, "cp", "-a", p[0], p[1])
	}
	for _, c := range []string{w2.a, w2.b} {
		sh(t, c, nil, "git", "remote", "set-url", "origin", url2)
	}
	return &w2
}

// syncedFiles reads every file below tickets/ of a clone.
func syncedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(dir, "tickets")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func sameFiles(t *testing.T, what string, x, y map[string]string) {
	t.Helper()
	if len(x) != len(y) {
		t.Fatalf("%s: %d files against %d", what, len(x), len(y))
	}
	for p, v := range x {
		if y[p] != v {
			t.Fatalf("%s: %s differs:\n%s\n-----\n%s", what, p, v, y[p])
		}
	}
}

// noMarkers fails when any file of the work tree holds a conflict marker.
func noMarkers(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("<<<<<<<")) {
				t.Fatalf("conflict marker in %s", p)
			}
		}
		return nil
	})
}

// checkConverged asserts that both clones hold the same files with every
// reply and the expected fields.
func checkConverged(t *testing.T, w *world) map[string]string {
	t.Helper()
	fa, fb := syncedFiles(t, w.a), syncedFiles(t, w.b)
	sameFiles(t, "clones a and b", fa, fb)
	noMarkers(t, w.a)
	noMarkers(t, w.b)
	for _, c := range []string{w.a, w.b} {
		if st := sh(t, c, nil, "git", "status", "--porcelain"); st != "" {
			t.Fatalf("%s is not clean after sync:\n%s", c, st)
		}
	}
	var got struct {
		Assignee, Priority string
		Tags               []string
		Entries            []struct{ Kind, Body string }
	}
	if err := json.Unmarshal([]byte(sh(t, w.a, nil, "ticket", "show", w.id, "--json")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Assignee != "bob" || got.Priority != "high" || strings.Join(got.Tags, ",") != "billing,refund" {
		t.Errorf("assignee %q priority %q tags %v; want bob, high, billing,refund", got.Assignee, got.Priority, got.Tags)
	}
	var bodies []string
	for _, e := range got.Entries {
		bodies = append(bodies, e.Body)
	}
	all := strings.Join(bodies, "\n")
	for _, want := range []string{"The kettle arrived broken.", "Alice: the refund is approved.", "Bob: a spare kettle is on its way.", "Kept `bob`"} {
		if !strings.Contains(all, want) {
			t.Errorf("the merged ticket lacks %q:\n%s", want, all)
		}
	}
	for _, id := range []string{w.newA, w.newB} {
		sh(t, w.a, nil, "ticket", "show", id)
	}
	return fa
}

func syncBoth(t *testing.T, w *world, first, second string, engine ...string) {
	t.Helper()
	args := append([]string{"sync"}, engine...)
	sh(t, first, nil, "ticket", args...)
	out := sh(t, second, nil, "ticket", append(args, "--json")...)
	var res struct {
		Merged bool `json:"merged"`
		In     struct {
			Tickets []string `json:"tickets"`
		} `json:"in"`
	}
	json.Unmarshal([]byte(out), &res)
	if !res.Merged || len(res.In.Tickets) != 2 {
		t.Errorf("second sync: want a merge bringing in 2 tickets, got %s", out)
	}
	sh(t, first, nil, "ticket", args...)
	if ha, hb := sh(t, w.a, nil, "git", "rev-parse", "HEAD"), sh(t, w.b, nil, "git", "rev-parse", "HEAD"); ha != hb {
		t.Errorf("clones end on different commits %s and %s", ha, hb)
	}
}

// TestSyncTwoClones is the whole story over git:// (a real git daemon on
// loopback) and file://: both orders of syncing, plain git pull with the
// driver, and the built-in go-git engine all end with the same files.
func TestSyncTwoClones(t *testing.T) {
	syncEnv(t)
	root := t.TempDir()
	served := filepath.Join(root, "served")
	os.MkdirAll(served, 0o755)
	daemon := startDaemon(t, served)

	for _, transport := range []string{"git", "file"} {
		t.Run(transport, func(t *testing.T) {
			url := func(name string) string {
				if transport == "git" {
					return daemon + name + "/desk.git"
				}
				return "file://" + filepath.Join(served, name, "desk.git")
			}
			mk := func(name string) string {
				d := filepath.Join(served, name)
				os.MkdirAll(d, 0o755)
				return d
			}
			ab := makeWorld(t, mk(transport+"-ab"), url(transport+"-ab"))
			ba := copyWorld(t, ab, mk(transport+"-ba"), url(transport+"-ba"))
			pull := copyWorld(t, ab, mk(transport+"-pull"), url(transport+"-pull"))
			gogit := copyWorld(t, ab, mk(transport+"-gogit"), url(transport+"-gogit"))

			syncBoth(t, ab, ab.a, ab.b)
			want := checkConverged(t, ab)

			syncBoth(t, ba, ba.b, ba.a)
			sameFiles(t, "the other sync order", want, checkConverged(t, ba))

			// Plain git with the driver registered merges the same way.
			sh(t, pull.a, nil, "git", "push", "-q", "origin", "main")
			sh(t, pull.b, nil, "git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
			sh(t, pull.b, nil, "git", "push", "-q", "origin", "main")
			sh(t, pull.a, nil, "git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
			sameFiles(t, "git pull", want, checkConverged(t, pull))

			// The built-in engine, as on a machine without git.
			syncBoth(t, gogit, gogit.b, gogit.a, "--engine", "go-git")
			sameFiles(t, "the go-git engine", want, checkConverged(t, gogit))
			sh(t, gogit.a, nil, "git", "fsck", "--no-progress")
		})
	}
}

// TestSyncRetriesWhenTheRemoteMoves pushes from a third clone between
// fetch and push, by racing many syncs; every sync must land.
func TestSyncRetriesWhenTheRemoteMoves(t *testing.T) {
	syncEnv(t)
	base := t.TempDir()
	w := makeWorld(t, base, "file://"+filepath.Join(base, "desk.git"))
	done := make(chan error, 2)
	for _, c := range []string{w.a, w.b} {
		go func(dir string) {
			cmd := exec.Command("ticket", "sync", "--json")
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				err = fmt.Errorf("%s: %v\n%s", dir, err, out)
			}
			done <- err
		}(c)
	}
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	sh(t, w.a, nil, "ticket", "sync")
	sh(t, w.b, nil, "ticket", "sync")
	checkConverged(t, w)
}
