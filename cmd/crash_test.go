package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
)

// The crash and concurrency harnesses run the real ticket (testscript's
// TestMain puts it on PATH) as separate processes, kill them with SIGKILL
// at random moments or run many at once, and then check what a help desk
// must never lose. Counts are modest by default; for long runs:
//
//	TICKET_CRASH_ITER=200   kills per command (default 4, sync 3)
//	TICKET_CRASH_SEED=N     replay the random delays of a failed run
//	TICKET_BURST=1000       messages in the mail burst (default 48)
//	TICKET_MUTATIONS=20     changes per process in the mixed run (default 3)

// harness is a ticket binary with an isolated home, identity and clock,
// and the seeded random source of one test.
type harness struct {
	t    *testing.T
	bin  string
	env  []string
	rng  *rand.Rand
	seed uint64
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real binary many times")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("needs git on PATH")
	}
	bin, err := exec.LookPath("ticket")
	if err != nil {
		t.Fatalf("no ticket on PATH (TestMain provides it): %v", err)
	}
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	os.WriteFile(cfg, []byte("[user]\n\tname = Alice Agent\n\temail = alice@acme.example\n[init]\n\tdefaultBranch = main\n"), 0o644)
	env := []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=" + cfg, "GIT_CONFIG_NOSYSTEM=1", "NO_COLOR=1", "TZ=UTC",
		"TICKET_NOW=2026-11-20T10:00:00Z", "EDITOR=false", "PAGER=cat"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "TICKET_") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TICKET_CRASH_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("TICKET_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d", seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with TICKET_CRASH_SEED=%d", seed)
		}
	})
	return &harness{t: t, bin: bin, env: env, seed: seed, rng: rand.New(rand.NewPCG(seed, 0x7469636b))}
}

// envCount reads a count from the environment, or def.
func envCount(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive count", name, s)
	}
	return n
}

func (h *harness) cmd(dir string, stdin []byte, name string, args ...string) *exec.Cmd {
	if name == "ticket" {
		name = h.bin
	}
	c := exec.Command(name, args...)
	c.Dir = dir
	c.Env = h.env
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	// Its own process group, so a kill takes git children with it, as a
	// crash of the machine or a killed service would.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return c
}

// try runs a command and returns its output and exit code.
func (h *harness) try(dir string, stdin []byte, name string, args ...string) (string, int) {
	h.t.Helper()
	out, err := h.cmd(dir, stdin, name, args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	h.t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	return "", -1
}

// must runs a command that has to succeed and returns its trimmed output.
func (h *harness) must(dir, name string, args ...string) string {
	h.t.Helper()
	out, code := h.try(dir, nil, name, args...)
	if code != 0 {
		h.t.Fatalf("%s %s (in %s): exit %d\n%s", name, strings.Join(args, " "), dir, code, out)
	}
	return strings.TrimSpace(out)
}

// timed runs a command that has to succeed and says how long it took.
func (h *harness) timed(dir, name string, args ...string) time.Duration {
	h.t.Helper()
	start := time.Now()
	h.must(dir, name, args...)
	return time.Since(start)
}

// killed starts a command and kills its process group with SIGKILL after
// a random delay below limit. It reports whether the kill came before the
// command finished, the delay, and the output.
func (h *harness) killed(dir string, limit time.Duration, args ...string) (bool, time.Duration, string) {
	h.t.Helper()
	c := h.cmd(dir, nil, "ticket", args...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	delay := time.Duration(h.rng.Int64N(int64(limit) + 1))
	if err := c.Start(); err != nil {
		h.t.Fatal(err)
	}
	time.Sleep(delay)
	syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	err := c.Wait()
	var ee *exec.ExitError
	wasKilled := errors.As(err, &ee) && !ee.Exited()
	if err != nil && !wasKilled {
		h.t.Fatalf("ticket %s exited on its own with %v before the kill:\n%s", strings.Join(args, " "), err, out.String())
	}
	return wasKilled, delay, out.String()
}

// sound checks what must hold right after a kill, before anything else
// runs: the objects and refs pass git fsck --strict, every file lints, and
// the desk lock is free.
func (h *harness) sound(dir string) {
	h.t.Helper()
	h.must(dir, "git", "fsck", "--strict", "--no-progress")
	if out, code := h.try(dir, nil, "ticket", "lint"); code != 0 {
		h.t.Fatalf("ticket lint: exit %d\n%s", code, out)
	}
	unlock, err := gitstore.LockFile(filepath.Join(dir, ".git", "ticket.lock"), 0)
	if err != nil {
		h.t.Fatalf("the desk lock is still held after the kill: %v", err)
	}
	unlock()
}

// settled says the work tree is clean, or shows only what a save journal
// left behind records, and the temporary files of those paths (the next
// command that takes the lock finishes the save and removes them).
func (h *harness) settled(dir string) {
	h.t.Helper()
	st := h.must(dir, "git", "status", "--porcelain", "--untracked-files=all")
	if st == "" {
		return
	}
	j := filepath.Join(dir, ".git", "ticket", "save-journal.tar")
	data, err := os.ReadFile(j)
	if err != nil {
		h.t.Fatalf("work tree not clean and no save journal to finish it:\n%s", st)
	}
	tmp := regexp.MustCompile(`^(.*/)?\.([^/]+)\.tmp[0-9]+$`)
	for _, line := range strings.Split(st, "\n") {
		p := strings.TrimSpace(line[2:])
		if m := tmp.FindStringSubmatch(p); m != nil && strings.HasPrefix(line, "??") {
			p = m[1] + m[2] // the temporary file of a journal path
		}
		if !bytes.Contains(data, []byte(p)) {
			h.t.Fatalf("work tree shows %q, which the save journal does not hold:\n%s", line, st)
		}
	}
}

// clean says nothing is left uncommitted, no journal remains, history has
// no merge the command did not mean, and the repository is sound.
func (h *harness) clean(dir string) {
	h.t.Helper()
	h.sound(dir)
	if st := h.must(dir, "git", "status", "--porcelain", "--untracked-files=all"); st != "" {
		h.t.Fatalf("work tree not clean:\n%s", st)
	}
	for _, j := range []string{"save-journal.tar", "import-journal.tar"} {
		if _, err := os.Stat(filepath.Join(dir, ".git", "ticket", j)); err == nil {
			h.t.Fatalf("%s was left behind", j)
		}
	}
}

// linear fails on merge commits and returns the commit subjects, oldest
// first.
func (h *harness) linear(dir string) []string {
	h.t.Helper()
	if m := h.must(dir, "git", "rev-list", "--min-parents=2", "HEAD"); m != "" {
		h.t.Fatalf("history has merges:\n%s", m)
	}
	return strings.Split(h.must(dir, "git", "log", "--reverse", "--format=%s"), "\n")
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// newDesk makes a desk with an address, so replies can be mailed.
func (h *harness) newDesk(parent string) string {
	h.t.Helper()
	dir := filepath.Join(parent, "desk")
	h.must(parent, "ticket", "init", dir, "--name", "Acme Support", "--email", "support@acme.example")
	return dir
}

// mailText is a customer message; reply names the Message-ID it answers.
func mailText(id, from, subject, reply, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: support@acme.example\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", from, subject, id)
	if reply != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", reply, reply)
	}
	fmt.Fprintf(&b, "Date: Fri, 20 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body)
	return []byte(b.String())
}

// entryHeader is the comment that opens an entry; the body runs to the next.
var entryHeader = regexp.MustCompile(`(?m)^<!-- entry (.*?) -->$`)

// entriesWith returns the header attributes of every entry, in any ticket
// file of the work tree, whose text contains token.
func entriesWith(t *testing.T, dir, token string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(filepath.Join(dir, "tickets"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		locs := entryHeader.FindAllSubmatchIndex(data, -1)
		for i, l := range locs {
			end := len(data)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			if bytes.Contains(data[l[1]:end], []byte(token)) {
				found = append(found, string(data[l[2]:l[3]]))
			}
		}
		return nil
	})
	return found
}

// outboxRecords reads the outbox as the files on disk hold it.
func outboxRecords(t *testing.T, dir string) []map[string]any {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, ".git", "ticket", "outbox", "*.json"))
	var recs []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r map[string]any
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: torn outbox record: %v", f, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// delivered counts the messages the test SMTP server accepted that contain
// token.
func delivered(t *testing.T, dir, token string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(token)) {
			n++
		}
	}
	return n
}

// TestCrashReply kills `ticket reply` (which saves the reply, queues its
// mail and sends it to a real SMTP server on loopback) at random moments.
// After each kill the repository is sound; `ticket outbox send` finishes
// what was cut short, and the agent replies again only when the reply is
// not in the ticket. In the end every reply is in its ticket once, and its
// mail was delivered exactly once or waits in the outbox: never twice, and
// never for a reply that is not in the ticket.
func TestCrashReply(t *testing.T) {
	h := newHarness(t)
	iters := envCount(t, "TICKET_CRASH_ITER", 4)
	base := t.TempDir()
	inbox := filepath.Join(base, "delivered")
	srv, err := startSMTP(inbox, filepath.Join(base, "refuse"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	h.env = append(h.env, "TICKET_SMTP_URL=smtp://"+srv.addr+"?tls=none")
	dir := h.newDesk(base)
	h.try(dir, mailText("kettle@mail.example", "Jane Doe <jane@example.com>", "Kettle arrived broken", "", "It leaks."),
		"ticket", "import", "eml", "-", "--autoreply=false")
	id := h.must(dir, "ticket", "list", "--jq", ".[0].id")
	full := h.timed(dir, "ticket", "reply", id, "-m", "reference reply")

	sending := map[string]bool{} // tokens whose mail was cut off mid-send
	var tokens []string
	for i := range iters {
		token := fmt.Sprintf("answer-%d-%d", h.seed%100000, i)
		tokens = append(tokens, token)
		wasKilled, delay, out := h.killed(dir, full, "reply", id, "-m", "Here is "+token+".")
		h.sound(dir)
		h.settled(dir)
		// What an agent does next: send what is waiting, then look.
		h.must(dir, "ticket", "outbox", "send")
		h.clean(dir)
		if len(entriesWith(t, dir, token+".")) == 0 {
			h.must(dir, "ticket", "reply", id, "-m", "Here is "+token+".")
		}
		h.clean(dir)
		for _, r := range outboxRecords(t, dir) {
			if r["state"] == "sending" {
				sending[r["entry"].(string)] = true
			}
		}
		t.Logf("run %d: killed=%v after %v of %v\n%s", i, wasKilled, delay.Round(time.Millisecond), full.Round(time.Millisecond), out)
	}

	check := func(final bool) {
		t.Helper()
		recs := outboxRecords(t, dir)
		byEntry := map[string]map[string]any{}
		for _, r := range recs {
			byEntry[r["entry"].(string)] = r
		}
		for _, token := range tokens {
			es := entriesWith(t, dir, token+".")
			if len(es) != 1 {
				t.Fatalf("%s: in %d entries, want 1: %q", token, len(es), es)
			}
			entry := attr(es[0], "id")
			n := delivered(t, inbox, token+".")
			r := byEntry[entry]
			delete(byEntry, entry)
			switch {
			case n > 1 && !(final && sending[entry]):
				t.Fatalf("%s: delivered %d times", token, n)
			case n == 0 && r == nil:
				t.Fatalf("%s: neither delivered nor in the outbox (entry %s)", token, es[0])
			case n >= 1 && r == nil && attr(es[0], "mail") != "sent":
				t.Fatalf("%s: delivered but the ticket does not say so: %s", token, es[0])
			case final && (n == 0 || r != nil):
				t.Fatalf("%s: after outbox send --retry: delivered %d times, outbox record %v", token, n, r)
			}
		}
		for _, r := range byEntry {
			t.Fatalf("outbox record %v is for no reply of this run", r["id"])
		}
	}
	check(false)
	h.must(dir, "ticket", "outbox", "send", "--retry")
	h.clean(dir)
	check(true)
	if n := countPrefix(h.linear(dir), "ticket "+id+": reply by"); n != iters+1 {
		t.Fatalf("%d reply commits, want %d", n, iters+1)
	}
}

// attr reads one key=value of an entry header.
func attr(header, key string) string {
	for _, f := range strings.Fields(header) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}

const crashRules = `
rules:
  - name: refunds
    if: subject matches "(?i)refund"
    then: {tag: [billing], priority: urgent}
  - name: printers
    if: subject matches "(?i)printer"
    then: {tag: [hardware], assign: hans}
`

// TestCrashRulesApply kills `ticket rules apply` over a few dozen tickets
// at random moments. Rerunning it must end in exactly the tree an
// uninterrupted run makes, in one "rules apply" commit.
func TestCrashRulesApply(t *testing.T) {
	h := newHarness(t)
	iters := envCount(t, "TICKET_CRASH_ITER", 4)
	root := t.TempDir()
	base := h.newDesk(root)
	var mbox bytes.Buffer
	subjects := []string{"Refund for order %d", "Printer %d jams", "Question %d", "refund please (%d)"}
	for i := range 40 {
		fmt.Fprintf(&mbox, "From customer%d@example.com Fri Nov 20 09:00:00 2026\n", i)
		mbox.Write(bytes.ReplaceAll(mailText(fmt.Sprintf("rules-%d@example.com", i), fmt.Sprintf("customer%d@example.com", i),
			fmt.Sprintf(subjects[i%len(subjects)], i), "", "Hello."), []byte("\r\n"), []byte("\n")))
		mbox.WriteString("\n")
	}
	mp := filepath.Join(root, "in.mbox")
	os.WriteFile(mp, mbox.Bytes(), 0o644)
	h.must(base, "ticket", "import", "mbox", mp)
	cfg := filepath.Join(base, ".ticket", "config.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, append(data, "agents:\n  - handle: hans\n"+crashRules...), 0o644)
	h.must(base, "git", "commit", "-q", "-m", "desk: rules", "--", ".ticket/config.yaml")

	ref := filepath.Join(root, "ref")
	h.must(root, "cp", "-a", base, ref)
	full := h.timed(ref, "ticket", "rules", "apply")
	want := h.must(ref, "git", "rev-parse", "HEAD^{tree}")
	if want == h.must(base, "git", "rev-parse", "HEAD^{tree}") {
		t.Fatal("the rules changed nothing; the test needs them to")
	}

	for i := range iters {
		dir := filepath.Join(root, fmt.Sprintf("run%d", i))
		h.must(root, "cp", "-a", base, dir)
		wasKilled, delay, _ := h.killed(dir, full, "rules", "apply")
		h.sound(dir)
		h.settled(dir)
		h.must(dir, "ticket", "rules", "apply")
		h.clean(dir)
		if got := h.must(dir, "git", "rev-parse", "HEAD^{tree}"); got != want {
			t.Fatalf("run %d (killed=%v after %v): tree %s, want %s\n%s", i, wasKilled, delay, got, want,
				h.must(dir, "git", "diff", "--stat", want, got))
		}
		if n := countPrefix(h.linear(dir), "ticket: rules apply"); n != 1 {
			t.Fatalf("run %d: %d rules apply commits, want 1", i, n)
		}
		t.Logf("run %d: killed=%v after %v of %v", i, wasKilled, delay.Round(time.Millisecond), full.Round(time.Millisecond))
		os.RemoveAll(dir)
	}
}

// TestCrashSync kills `ticket sync` (fetch, merge, push against a bare
// remote served by git daemon on loopback; through the git CLI, with its
// git children, and through the built-in go-git engine) at random moments,
// while the other clone keeps pushing. The
// daemon's side is not killed, as a real remote would not be. Rerunning
// sync must finish the work: both clones end on the same commit holding
// every ticket and every change.
func TestCrashSync(t *testing.T) {
	for _, engine := range []string{"git", "go-git"} {
		t.Run(engine, func(t *testing.T) { crashSync(t, engine) })
	}
}

func crashSync(t *testing.T, engine string) {
	h := newHarness(t)
	iters := envCount(t, "TICKET_CRASH_ITER", 3)
	root := t.TempDir()
	bare := filepath.Join(root, "desk.git")
	h.must(root, "git", "init", "-q", "--bare", bare)
	url := startDaemon(t, root) + "desk.git"
	seed := h.newDesk(root)
	h.must(seed, "git", "remote", "add", "origin", url)
	h.must(seed, "ticket", "new", "First", "--customer", "jane@example.com", "-m", "Hello.")
	h.must(seed, "ticket", "sync", "--engine", engine)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, c := range []string{a, b} {
		h.must(root, "git", "clone", "-q", url, c)
		h.must(c, "ticket", "setup")
	}
	shared := h.must(a, "ticket", "list", "--jq", ".[0].id")
	want := 1
	var full time.Duration
	for i := range iters {
		h.must(a, "ticket", "new", fmt.Sprintf("From A %d", i), "--customer", "a@example.com", "-m", "A.")
		h.must(a, "ticket", "tag", shared, fmt.Sprintf("a%d", i))
		h.must(b, "ticket", "new", fmt.Sprintf("From B %d", i), "--customer", "b@example.com", "-m", "B.")
		h.must(b, "ticket", "note", shared, "-m", fmt.Sprintf("note b%d.", i))
		want += 2
		full = h.timed(b, "ticket", "sync", "--engine", engine)
		wasKilled, delay, out := h.killed(a, full, "sync", "--engine", engine)
		h.sound(a)
		_, err := os.Stat(filepath.Join(a, ".git", "ticket", "sync-running"))
		cut := err == nil
		if out2, code := h.try(a, nil, "ticket", "sync", "--engine", engine); code != 0 {
			t.Fatalf("run %d (killed=%v after %v): sync after the kill: exit %d\n%s\nkilled run said:\n%s",
				i, wasKilled, delay, code, out2, out)
		}
		h.clean(a)
		t.Logf("run %d: killed=%v after %v of %v; left a sync to undo: %v", i, wasKilled, delay.Round(time.Millisecond), full.Round(time.Millisecond), cut)
	}
	h.must(b, "ticket", "sync", "--engine", engine)
	h.must(a, "ticket", "sync", "--engine", engine)
	h.clean(a)
	h.clean(b)
	ha, hb := h.must(a, "git", "rev-parse", "HEAD"), h.must(b, "git", "rev-parse", "HEAD")
	if ha != hb || ha != h.must(bare, "git", "rev-parse", "main") {
		t.Fatalf("clones differ after syncing: a %s, b %s", ha, hb)
	}
	h.must(bare, "git", "fsck", "--strict", "--no-progress")
	for _, c := range []string{a, b} {
		if n := len(strings.Fields(h.must(c, "git", "ls-files", "tickets"))); n != want {
			t.Fatalf("%s: %d ticket files, want %d", c, n, want)
		}
	}
	tags := h.must(a, "ticket", "show", shared, "--json", "--jq", ".tags | join(\",\")")
	for i := range iters {
		if !strings.Contains(","+tags+",", fmt.Sprintf(",a%d,", i)) {
			t.Fatalf("tag a%d lost: %s", i, tags)
		}
		if n := len(entriesWith(t, a, fmt.Sprintf("note b%d.", i))); n != 1 {
			t.Fatalf("note b%d in %d entries, want 1", i, n)
		}
	}
}
