package desk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

const goodTicket = `---
id: aaaaaa
title: Kettle leaks
status: open
priority: normal
channel: email
customer: jane@example.com
assignee: hans
created: 2026-11-20T09:00:00Z
updated: 2026-11-20T09:00:00Z
---

<!-- entry id=e1e1e1 kind=message at=2026-11-20T09:00:00Z author=jane@example.com message-id=m1@example.com attach=aaaaaa/receipt.pdf -->
### Message from jane@example.com · 2026-11-20 09:00 UTC

Receipt attached.
`

func lintDesk(t *testing.T, files map[string]string) []Finding {
	t.Helper()
	dir := t.TempDir()
	st, err := gitstore.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := &Desk{Store: st, Config: ticket.DefaultConfig("", ""), Now: func() time.Time { return monday }}
	fs, err := d.Lint(st.Worktree())
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestLintCleanDesk(t *testing.T) {
	fs := lintDesk(t, map[string]string{
		ticket.ConfigPath:                "name: Acme\nagents:\n  - handle: hans\nsmtp:\n  host: smtp.example.com\n  password_env: SMTP_PASSWORD\n",
		"tickets/aa/aaaaaa.md":           goodTicket,
		"tickets/aa/aaaaaa/receipt.pdf":  "%PDF",
		"tickets/aa/aaaaaa/scan-2.png":   "png", // beside its ticket, though no entry names it
		"tickets/.gitkeep":               "",
		"README.md":                      "not under tickets/",
		".ticket/templates/thanks.md":    "Thanks!\n",
		"tickets/aa/aaaaaa/nested/x.txt": "deeper still belongs to the ticket",
	})
	if len(fs) != 0 {
		t.Errorf("findings on a clean desk: %v", fs)
	}
}

func TestLintFindsStrayFilesAndTheLinesAtFault(t *testing.T) {
	bad := strings.Replace(goodTicket, "assignee: hans", "assignee: zed", 1)
	bad = strings.Replace(bad, "Receipt attached.", "Receipt attached. My password: hunter22", 1)
	fs := lintDesk(t, map[string]string{
		ticket.ConfigPath:      "name: Acme\nagents:\n  - handle: hans\n",
		"tickets/aa/aaaaaa.md": bad,
		"tickets/notes.txt":    "stray",
		"tickets/zz/notes.md":  "stray too",
	})
	want := []string{
		"tickets/aa/aaaaaa.md:8: error: assignee \"zed\" is not an agent",
		"tickets/aa/aaaaaa.md:13: error: entry e1e1e1 references attachment aaaaaa/receipt.pdf, which does not exist",
		"tickets/aa/aaaaaa.md:16: warning: this line looks like a password",
		"tickets/notes.txt: warning: not a ticket file",
		"tickets/zz/notes.md: warning: not a ticket file",
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%v", len(fs), len(want), fs)
	}
	for i, f := range fs {
		if !strings.HasPrefix(f.String(), want[i]) {
			t.Errorf("finding %d = %q, want it to start with %q", i, f, want[i])
		}
		if strings.Contains(f.Message, "hunter22") {
			t.Errorf("finding %d repeats the secret: %q", i, f)
		}
	}
}

func TestCredentials(t *testing.T) {
	for _, c := range []struct {
		line string
		want bool
	}{
		{"password: hunter22", true},
		{"Passwort und password = s3cret!", true},
		{"  password_env: TICKET_SMTP_PASSWORD", false},
		{"  password_command: pass show smtp", false},
		{"I forgot my password, please reset it", false},
		{"key AKIAIOSFODNN7EXAMPLE here", true},
		{"-----BEGIN OPENSSH PRIVATE KEY-----", true},
		{"-----BEGIN PUBLIC KEY-----", false},
		{"slack xoxb-1234567890-abcdefghij", true},
		{"api_key: 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c", true},
		{`"secret": "dGhpcyBpcyBhIHNlY3JldCB2YWx1ZQ=="`, true},
		{"token: short", false},
		{"The order token was 5521.", false},
	} {
		got := len(ticket.Credentials(c.line)) > 0
		if got != c.want {
			t.Errorf("Credentials(%q) found %v, want %v", c.line, got, c.want)
		}
	}
}

func TestFindingsOf(t *testing.T) {
	err := errors.Join(
		&ticket.ParseError{Path: ".ticket/config.yaml", Line: 4, Msg: "bad"},
		errors.New("kb/faq.md:1: no front matter"),
		errors.New(".ticket/templates/x.md: line 5: unclosed action"),
		errors.New("something went wrong"),
	)
	got := FindingsOf(err, "kb", ticket.LintError)
	want := []Finding{
		{".ticket/config.yaml", 4, "error", "bad"},
		{"kb/faq.md", 1, "error", "no front matter"},
		{".ticket/templates/x.md", 5, "error", "unclosed action"},
		{"kb", 0, "error", "something went wrong"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestLintNamesSymbolicLinks(t *testing.T) {
	dir := t.TempDir()
	st, err := gitstore.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "tickets", "ab"), 0o755)
	os.MkdirAll(filepath.Join(dir, ".ticket"), 0o755)
	for link, target := range map[string]string{
		"tickets/7k":          outside,
		"tickets/ab/x.md":     filepath.Join(outside, "x.md"),
		".ticket/templates":   outside,
		".ticket/config.yaml": filepath.Join(outside, "config.yaml"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	d := &Desk{Store: st, Config: ticket.DefaultConfig("", ""), Now: func() time.Time { return monday }}
	r := st.Worktree()
	if _, err := d.Lint(r); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range d.LinkFindings(r) {
		if f.Severity != ticket.LintError || !strings.Contains(f.Message, "symbolic link") {
			t.Errorf("finding %v", f)
		}
		got = append(got, f.File)
	}
	if want := ".ticket/config.yaml .ticket/templates tickets/7k tickets/ab/x.md"; strings.Join(got, " ") != want {
		t.Errorf("links named: %q, want %q", strings.Join(got, " "), want)
	}
	// A reader that names no links (none here): nothing to report, no failure.
	if fs := d.LinkFindings(nil); fs != nil {
		t.Errorf("LinkFindings(nil) = %v", fs)
	}
}
