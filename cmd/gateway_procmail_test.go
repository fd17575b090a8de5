package cmd

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestGatewayProcmail runs the real procmail with the recipe that
// docs/email-gateway.md gives, delivering to the built ticket binary as a
// mail server would: one message per run on standard input, procmail's exit
// code going back to the mail server.
func TestGatewayProcmail(t *testing.T) {
	procmail, err := exec.LookPath("procmail")
	if err != nil {
		t.Fatal("procmail is missing: run scripts/test.sh, which installs it, or apt-get install procmail")
	}
	e := newImportEnv(t)
	desk := filepath.Join(e.tmp, "desk")
	run := func(dir string, name string, args ...string) string {
		t.Helper()
		c := exec.Command(name, args...)
		c.Dir, c.Env = dir, e.env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	run(e.tmp, e.bin, "init", desk, "--name", "Shop Support", "--email", "support@shop.example")

	// The documented recipe, with this test's binary and desk in place of
	// /usr/local/bin/ticket and /srv/desk, and a shorter wait for the lock.
	doc, err := os.ReadFile("../docs/email-gateway.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### procmail\n.*?```\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/email-gateway.md: no procmail recipe under ### procmail")
	}
	recipe := string(m[1])
	for _, want := range []string{"/usr/local/bin/ticket -C /srv/desk import eml -", "EXITCODE=75"} {
		if !strings.Contains(recipe, want) {
			t.Fatalf("the documented recipe lacks %q:\n%s", want, recipe)
		}
	}
	recipe = strings.ReplaceAll(recipe, "/usr/local/bin/ticket -C /srv/desk import eml -", e.bin+" -C "+desk+" import eml --lock-wait 1s -")
	rcdir := filepath.Join(e.tmp, "procmail")
	os.Mkdir(rcdir, 0o755)
	rc := filepath.Join(rcdir, "procmailrc")
	if err := os.WriteFile(rc, []byte(recipe), 0o644); err != nil {
		t.Fatal(err)
	}
	mailbox := filepath.Join(rcdir, "mailbox") // where procmail would deliver what the recipe does not take

	deliver := func(msg string) (int, string) {
		t.Helper()
		c := exec.Command(procmail, "DEFAULT="+mailbox, "LOGFILE="+filepath.Join(rcdir, "log"), rc)
		c.Dir, c.Env = rcdir, e.env
		c.Stdin = strings.NewReader(msg)
		out, err := c.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatalf("procmail: %v", err)
		}
		return 0, string(out)
	}
	commits := func() string { return strings.TrimSpace(run(desk, "git", "rev-list", "--count", "HEAD")) }
	tickets := func() []string {
		ps, _ := filepath.Glob(filepath.Join(desk, "tickets", "*", "*.md"))
		return ps
	}
	mailboxEmpty := func() {
		t.Helper()
		if b, err := os.ReadFile(mailbox); err == nil && len(b) > 0 {
			t.Fatalf("procmail delivered to its mailbox instead of the desk:\n%s", b)
		}
	}

	first := "From jane@example.com  Mon Nov 23 10:00:00 2026\nFrom: Jane <jane@example.com>\nTo: support@shop.example\nSubject: Kettle broken\nMessage-ID: <k1@example.com>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n\nMy kettle arrived broken.\n"
	if code, out := deliver(first); code != 0 {
		t.Fatalf("new message: procmail exit %d, want 0\n%s", code, out)
	}
	if n := len(tickets()); n != 1 {
		t.Fatalf("%d tickets after the first message, want 1", n)
	}
	mailboxEmpty()
	before := commits()

	// The mail server delivers the same message again (it did not see the
	// first exit code): nothing is added.
	if code, out := deliver(first); code != 0 {
		t.Fatalf("redelivery: procmail exit %d, want 0\n%s", code, out)
	}
	if n, c := len(tickets()), commits(); n != 1 || c != before {
		t.Fatalf("redelivery added something: %d tickets, %s commits (was %s)", n, c, before)
	}

	reply := "From: Jane <jane@example.com>\nSubject: Re: Kettle broken\nMessage-ID: <k2@example.com>\nIn-Reply-To: <k1@example.com>\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n\nHere is a photo.\n"
	if code, out := deliver(reply); code != 0 {
		t.Fatalf("reply: procmail exit %d, want 0\n%s", code, out)
	}
	if b, _ := os.ReadFile(tickets()[0]); !strings.Contains(string(b), "message-id=k2@example.com") {
		t.Fatalf("the reply is not in the ticket:\n%s", b)
	}

	// Another ticket process holds the desk: procmail must hand the mail
	// back with EX_TEMPFAIL, not deliver it anywhere.
	lock, err := os.OpenFile(filepath.Join(desk, ".git", "ticket.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	second := "From: Bob <bob@example.org>\nSubject: Invoice please\nMessage-ID: <b1@example.org>\nDate: Mon, 23 Nov 2026 12:00:00 +0000\n\nI need an invoice.\n"
	held := commits()
	code, out := deliver(second)
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	lock.Close()
	if code != 75 {
		t.Fatalf("locked desk: procmail exit %d, want 75 (EX_TEMPFAIL)\n%s", code, out)
	}
	mailboxEmpty()
	if n, c := len(tickets()), commits(); n != 1 || c != held {
		t.Fatalf("locked desk changed: %d tickets, %s commits (was %s)", n, c, held)
	}

	// The mail server retries later.
	if code, out := deliver(second); code != 0 {
		t.Fatalf("retry: procmail exit %d, want 0\n%s", code, out)
	}
	if n := len(tickets()); n != 2 {
		t.Fatalf("%d tickets after the retry, want 2", n)
	}
	mailboxEmpty()
	if st := run(desk, "git", "status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean:\n%s", st)
	}
}
