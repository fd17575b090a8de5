package cmd

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
)

// importEnv is a real ticket binary, a generated mbox and a git identity,
// shared by the crash and concurrency tests.
type importEnv struct {
	bin  string
	env  []string
	tmp  string
	mbox func(n int, seed uint64) string
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and imports real mboxes")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("needs git on PATH")
	}
	tmp := t.TempDir()
	e := &importEnv{bin: filepath.Join(tmp, "ticket"), tmp: tmp}
	gen := filepath.Join(tmp, "mboxgen")
	for _, b := range [][2]string{{e.bin, "./ticket"}, {gen, "../internal/mboxgen"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	home := filepath.Join(tmp, "home")
	os.MkdirAll(home, 0o755)
	cfg := filepath.Join(home, ".gitconfig")
	os.WriteFile(cfg, []byte("[user]\n\tname = Mail Gateway\n\temail = gateway@acme.example\n[init]\n\tdefaultBranch = main\n"), 0o644)
	e.env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+cfg, "GIT_CONFIG_NOSYSTEM=1", "TICKET_NOW=2026-11-20T10:00:00Z")
	e.mbox = func(n int, seed uint64) string {
		p := filepath.Join(tmp, "gen-"+itoa(n)+"-"+itoa(int(seed))+".mbox")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if out, err := exec.Command(gen, "-n", itoa(n), "-seed", itoa(int(seed)), "-o", p).CombinedOutput(); err != nil {
			t.Fatalf("mboxgen: %v\n%s", err, out)
		}
		return p
	}
	return e
}

func itoa(n int) string { return strconv.Itoa(n) }

func (e *importEnv) cmd(dir string, args ...string) *exec.Cmd {
	c := exec.Command(e.bin, args...)
	c.Dir = dir
	c.Env = e.env
	return c
}

func (e *importEnv) run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := e.cmd(dir, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ticket %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (e *importEnv) desk(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "desk")
	e.run(t, filepath.Dir(dir), "init", dir, "--name", "Acme Support", "--email", "support@acme.example")
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	c := exec.Command("git", args...)
	c.Dir = dir
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var messageIDAttr = regexp.MustCompile(`(?m)^<!-- entry .*? message-id=(\S+)`)

// census counts the tickets in the committed tree and every stored
// Message-ID, failing on a Message-ID stored twice.
func census(t *testing.T, dir string) (tickets, messages int) {
	t.Helper()
	files := strings.Fields(git(t, dir, "ls-files", "tickets"))
	seen := map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") {
			continue
		}
		tickets++
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageIDAttr.FindAllSubmatch(data, -1) {
			id := string(m[1])
			if seen[id] {
				t.Fatalf("%s: message-id %s stored twice", f, id)
			}
			seen[id] = true
		}
	}
	return tickets, len(seen)
}

// clean checks the repository after a run: fsck passes, nothing is left
// uncommitted, no journal remains.
func clean(t *testing.T, dir string) {
	t.Helper()
	git(t, dir, "fsck", "--no-progress")
	if st := git(t, dir, "status", "--porcelain"); st != "" {
		t.Fatalf("work tree not clean:\n%s", st)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "ticket", "import-journal.tar")); err == nil {
		t.Fatal("the import journal was left behind")
	}
}

// TestImportSurvivesKill kills `ticket import mbox` at random moments with
// SIGKILL; the repository must stay sound and a rerun must finish the work
// with nothing lost and nothing stored twice.
func TestImportSurvivesKill(t *testing.T) {
	e := newImportEnv(t)
	const n = 400
	mbox := e.mbox(n, 7)

	ref := e.desk(t)
	start := time.Now()
	e.run(t, ref, "import", "mbox", mbox)
	full := time.Since(start)
	wantTickets, wantMsgs := census(t, ref)
	if wantMsgs != n {
		t.Fatalf("reference import stored %d messages, want %d", wantMsgs, n)
	}
	clean(t, ref)

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TICKET_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	defer func() {
		if t.Failed() {
			t.Logf("replay with TICKET_CRASH_SEED=%d", seed)
		}
	}()
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range envCount(t, "TICKET_CRASH_ITER", 10) {
		dir := e.desk(t)
		c := e.cmd(dir, "import", "mbox", mbox)
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(r.Int64N(int64(full) + 1))
		time.Sleep(delay)
		c.Process.Kill()
		err := c.Wait()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && !ee.Exited()
		// Right after the kill: objects and refs sound, every file whole,
		// the desk lock free.
		git(t, dir, "fsck", "--strict", "--no-progress")
		e.run(t, dir, "lint")
		if unlock, err := gitstore.LockFile(filepath.Join(dir, ".git", "ticket.lock"), 0); err != nil {
			t.Fatalf("run %d: the desk lock is held after the kill: %v", i, err)
		} else {
			unlock()
		}

		rerun := e.run(t, dir, "import", "mbox", mbox)
		recovered := strings.Contains(rerun, "finished an import that was interrupted")
		clean(t, dir)
		gotTickets, gotMsgs := census(t, dir)
		if gotTickets != wantTickets || gotMsgs != n {
			t.Fatalf("run %d (killed=%v after %v): %d tickets, %d messages; want %d, %d\n%s",
				i, killed, delay, gotTickets, gotMsgs, wantTickets, n, out.String())
		}
		if logs := strings.Count(git(t, dir, "log", "--format=%s"), "import mbox"); logs != 1 {
			t.Fatalf("run %d: %d import commits, want 1", i, logs)
		}
		t.Logf("run %d: killed=%v after %v of %v; rerun finished a journal: %v", i, killed, delay.Round(time.Millisecond), full.Round(time.Millisecond), recovered)
	}
}

// TestConcurrentImports runs two imports into one desk at once: the second
// waits for the desk lock or gives up with exit 75 (and is then run
// again); either way the result is exact.
func TestConcurrentImports(t *testing.T) {
	e := newImportEnv(t)
	a, b := e.mbox(300, 11), e.mbox(300, 12)
	want := 0
	for _, m := range []string{a, b} {
		ref := e.desk(t)
		e.run(t, ref, "import", "mbox", m)
		tk, _ := census(t, ref)
		want += tk
	}

	dir := e.desk(t)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	outs := make([]string, 2)
	for i, m := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.cmd(dir, "import", "mbox", m, "--lock-wait", "2s")
			out, err := c.CombinedOutput()
			outs[i] = string(out)
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				codes[i] = ee.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
		}()
	}
	wg.Wait()
	for i, m := range []string{a, b} {
		switch codes[i] {
		case 0:
		case exitTempFail:
			if !strings.Contains(outs[i], "locked") {
				t.Fatalf("import %d exit 75 without saying the desk is locked:\n%s", i, outs[i])
			}
			e.run(t, dir, "import", "mbox", m)
		default:
			t.Fatalf("import %d: exit %d\n%s", i, codes[i], outs[i])
		}
	}
	clean(t, dir)
	tk, msgs := census(t, dir)
	if tk != want || msgs != 600 {
		t.Fatalf("%d tickets and %d messages, want %d and 600", tk, msgs, want)
	}
	t.Logf("exit codes %v", codes)
}
