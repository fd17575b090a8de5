package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// exec1 runs one ticket process; safe from any goroutine (it never calls
// t.Fatal).
func (h *harness) exec1(dir string, stdin []byte, args ...string) (string, string, int) {
	c := h.cmd(dir, stdin, "ticket", args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	}
	return out.String(), err.Error(), -1
}

// lockedMessage checks that a command that gave up on the lock says which
// lock file it waited for.
func lockedMessage(dir, msg string) error {
	lock := filepath.Join(dir, ".git", "ticket.lock")
	if real, err := filepath.EvalSymlinks(filepath.Dir(lock)); err == nil {
		lock = filepath.Join(real, "ticket.lock")
	}
	if !strings.Contains(msg, "locked") || !strings.Contains(msg, lock) {
		return fmt.Errorf("gave up on the lock without naming %s:\n%s", lock, msg)
	}
	return nil
}

// TestMailBurst delivers a burst of mail through 8 concurrent pipes into
// `ticket import eml -`, each pipe retrying a message that got exit 75 as
// a mail server does. Every message must be stored exactly once, each in
// its own commit on a linear history, with one acknowledgement queued per
// new ticket and the repository clean. TICKET_BURST sets the count.
func TestMailBurst(t *testing.T) {
	h := newHarness(t)
	n := envCount(t, "TICKET_BURST", 48)
	const pipes = 8
	root := t.TempDir()
	dir := h.newDesk(root)
	msgs := make([][]byte, n)
	for i := range n {
		// Threads of four: the later ones answer the first and thread onto
		// its ticket when it is already stored.
		first := i - i%4
		reply, subject := "", fmt.Sprintf("Order %d", first)
		if i != first {
			reply, subject = fmt.Sprintf("burst-%d@cust.example", first), "Re: "+subject
		}
		msgs[i] = mailText(fmt.Sprintf("burst-%d@cust.example", i), fmt.Sprintf("Customer %d <customer%d@cust.example>", first, first),
			subject, reply, fmt.Sprintf("Message %d of the burst.", i))
	}
	queue := make(chan int, n)
	for i := range n {
		queue <- i
	}
	close(queue)
	var (
		mu        sync.Mutex
		tempfails int
		failures  []string
		wg        sync.WaitGroup
	)
	start := time.Now()
	for p := range pipes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(h.seed, uint64(p)))
			for i := range queue {
				for attempt := 1; ; attempt++ {
					_, errOut, code := h.exec1(dir, msgs[i], "import", "eml", "-", "--lock-wait", "2s")
					if code == 0 {
						break
					}
					mu.Lock()
					if code == exitTempFail && attempt < 50 {
						tempfails++
						if err := lockedMessage(dir, errOut); err != nil {
							failures = append(failures, fmt.Sprintf("message %d: exit 75: %v", i, err))
						}
						mu.Unlock()
						time.Sleep(time.Duration(20+rng.IntN(200)) * time.Millisecond)
						continue
					}
					failures = append(failures, fmt.Sprintf("message %d, attempt %d: exit %d\n%s", i, attempt, code, errOut))
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if len(failures) > 0 {
		t.Fatalf("%d failures, the first:\n%s", len(failures), failures[0])
	}
	h.clean(dir)
	tickets, _ := census(t, dir) // fails on a Message-ID stored twice
	messages := 0
	for _, e := range entriesWith(t, dir, "") {
		if strings.Contains(e, "kind=message") && strings.Contains(attr(e, "message-id"), "burst-") {
			messages++
		}
	}
	if messages != n {
		t.Fatalf("%d messages stored, want %d", messages, n)
	}
	subjects := h.linear(dir)
	if got := countPrefix(subjects, "import eml"); got != n || len(subjects) != n+1 {
		t.Fatalf("%d import commits of %d, want %d of %d: a message stored twice, or an exit 75 after storing", got, len(subjects), n, n+1)
	}
	// Each new ticket's acknowledgement is queued once, and every queued
	// one is recorded in its ticket.
	acks := 0
	for _, e := range entriesWith(t, dir, "") {
		if strings.Contains(e, "kind=reply") && strings.Contains(e, "auto=") {
			acks++
		}
	}
	recs := outboxRecords(t, dir)
	seen := map[string]bool{}
	for _, r := range recs {
		tk := r["ticket"].(string)
		if seen[tk] {
			t.Fatalf("ticket %s has two acknowledgements queued", tk)
		}
		seen[tk] = true
	}
	if len(recs) != acks || acks != tickets {
		t.Fatalf("%d acknowledgements queued, %d recorded in tickets, %d tickets", len(recs), acks, tickets)
	}
	t.Logf("%d messages through %d pipes in %v: %d tickets, %d exit-75 retries", n, pipes, took.Round(time.Millisecond), tickets, tempfails)
}

const mixedConfig = `agents:
  - handle: hans
  - handle: grete
rules:
  - name: orders
    if: subject matches "(?i)order"
    then: {tag: [orders]}
`

// TestConcurrentMutations runs 2, then 8 processes that change the same
// three tickets at once: tags, notes, replies (queued), assignments,
// follow-up mail and rules apply. Every change must be recorded exactly
// once: each in its own commit, none overwritten by another.
// TICKET_MUTATIONS sets the changes per process.
func TestConcurrentMutations(t *testing.T) {
	for _, procs := range []int{2, 8} {
		t.Run(fmt.Sprintf("%d", procs), func(t *testing.T) { concurrentMutations(t, procs) })
	}
}

func concurrentMutations(t *testing.T, procs int) {
	h := newHarness(t)
	ops := envCount(t, "TICKET_MUTATIONS", 3)
	root := t.TempDir()
	dir := h.newDesk(root)
	var ids []string
	for k := range 3 {
		_, errOut, code := h.exec1(dir, mailText(fmt.Sprintf("order-%d@cust.example", k), fmt.Sprintf("customer%d@cust.example", k),
			fmt.Sprintf("Order %d is late", k), "", "Where is it?"), "import", "eml", "-", "--autoreply=false")
		if code != 0 {
			t.Fatalf("import: exit %d\n%s", code, errOut)
		}
	}
	ids = strings.Fields(h.must(dir, "ticket", "list", "--jq", ".[].id"))
	if len(ids) != 3 {
		t.Fatalf("tickets %v, want 3", ids)
	}
	cfg := filepath.Join(dir, ".ticket", "config.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, append(data, mixedConfig...), 0o644)
	h.must(dir, "git", "commit", "-q", "-m", "desk: agents and rules", "--", ".ticket/config.yaml")
	base := h.must(dir, "git", "rev-parse", "HEAD")

	type op struct {
		args  []string
		stdin []byte
		token string // text that must end up in exactly one entry
		tag   string // tag that must end up on the ticket
		id    string
		out   string
	}
	plan := make([][]*op, procs)
	for w := range procs {
		for j := range ops {
			k := (w + j) % 3
			id := ids[k]
			token := fmt.Sprintf("w%dop%d", w, j)
			var o *op
			switch (w*ops + j) % 6 {
			case 0:
				o = &op{args: []string{"tag", id, token}, tag: token}
			case 1:
				o = &op{args: []string{"note", id, "-m", "Note " + token + "."}, token: token}
			case 2:
				o = &op{args: []string{"reply", id, "--queue", "-m", "Reply " + token + "."}, token: token}
			case 3:
				o = &op{args: []string{"assign", id, []string{"hans", "grete"}[w%2]}}
			case 4:
				o = &op{args: []string{"import", "eml", "-"}, token: token,
					stdin: mailText(token+"@cust.example", fmt.Sprintf("customer%d@cust.example", k), fmt.Sprintf("Re: Order %d is late", k),
						fmt.Sprintf("order-%d@cust.example", k), "Follow-up "+token+".")}
			case 5:
				o = &op{args: []string{"rules", "apply"}}
			}
			o.id = id
			plan[w] = append(plan[w], o)
		}
	}

	var (
		mu       sync.Mutex
		failures []string
		retries  int
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, o := range plan[w] {
				for attempt := 1; ; attempt++ {
					out, errOut, code := h.exec1(dir, o.stdin, o.args...)
					if code == 0 {
						o.out = out + errOut
						break
					}
					mu.Lock()
					// A command that could not get the lock in time changed
					// nothing; a person runs it again.
					if lockedMessage(dir, errOut) == nil && attempt < 10 {
						retries++
						mu.Unlock()
						continue
					}
					failures = append(failures, fmt.Sprintf("ticket %s: exit %d\n%s%s", strings.Join(o.args, " "), code, out, errOut))
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if len(failures) > 0 {
		t.Fatalf("%d failures, the first:\n%s", len(failures), failures[0])
	}
	h.clean(dir)
	h.linear(dir)

	commits := 0
	for _, ps := range plan {
		for _, o := range ps {
			switch {
			case strings.Contains(o.out, "nothing to change"), strings.Contains(o.out, "rules change nothing"):
			default:
				commits++
			}
			if o.token != "" {
				if es := entriesWith(t, dir, o.token+"."); len(es) != 1 {
					t.Fatalf("%s: %q is in %d entries, want 1", strings.Join(o.args, " "), o.token, len(es))
				}
			}
		}
	}
	if got := len(strings.Fields(h.must(dir, "git", "rev-list", base+"..HEAD"))); got != commits {
		t.Fatalf("%d commits for %d changes", got, commits)
	}
	for _, id := range ids {
		tags := "," + h.must(dir, "ticket", "show", id, "--json", "--jq", `.tags | join(",")`) + ","
		for _, ps := range plan {
			for _, o := range ps {
				if o.tag != "" && o.id == id && strings.Count(tags, ","+o.tag+",") != 1 {
					t.Fatalf("ticket %s: tag %s lost by a concurrent change: %s", id, o.tag, tags)
				}
			}
		}
	}
	// Each queued reply has its mail in the outbox, once.
	replies := 0
	for _, ps := range plan {
		for _, o := range ps {
			if o.args[0] == "reply" {
				replies++
			}
		}
	}
	if recs := outboxRecords(t, dir); len(recs) != replies {
		t.Fatalf("%d mails in the outbox for %d replies", len(recs), replies)
	}
	// The rules were applied: nothing is left for them to do.
	if out := h.must(dir, "ticket", "rules", "apply", "--dry-run"); !strings.Contains(out, "rules change nothing") {
		t.Fatalf("rules apply --dry-run after the run:\n%s", out)
	}
	t.Logf("%d processes, %d changes each, in %v: %d commits, %d lock retries", procs, ops, took.Round(time.Millisecond), commits, retries)
}
