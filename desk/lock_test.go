package desk

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// A command holding the desk lock from read to save must still be able to
// save through the same Desk, while another Desk (another process) waits.
func TestLockNestsWithinOneDesk(t *testing.T) {
	dir := t.TempDir()
	st, err := gitstore.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_AUTHOR_NAME", "")
	d := &Desk{Store: st, Config: ticket.DefaultConfig("Acme", "support@acme.example"), Now: func() time.Time { return monday }}
	unlock, err := d.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Locked() {
		t.Fatal("Locked() = false while held")
	}
	tk := newTicket(t, "aaaaaa", "Kettle leaks", "jane@example.com", "It leaks.", monday)
	sig := &gitstore.Signature{Name: "Hans", Email: "hans@acme.example"}
	if _, err := d.Save([]*ticket.Ticket{tk}, nil, SaveOptions{Message: "ticket aaaaaa: new", Author: sig}); err != nil {
		t.Fatalf("Save while this Desk holds the lock = %v", err)
	}
	if !d.Locked() {
		t.Fatal("Save released the lock its caller holds")
	}

	st2, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	other := &Desk{Store: st2, Config: d.Config, Now: d.Now}
	if _, err := other.Lock(30 * time.Millisecond); !errors.Is(err, gitstore.ErrLocked) {
		t.Fatalf("another Desk took the lock while held: %v", err)
	}
	unlock()
	unlock() // a second call does nothing
	if d.Locked() {
		t.Fatal("still locked after the outermost release")
	}
	u2, err := other.Lock(time.Second)
	if err != nil {
		t.Fatalf("Lock after release = %v", err)
	}
	u2()
}

// A save killed after its journal was written is finished by the next
// process to take the lock: committed once, with its message and author,
// and the stale index.lock the killed process left is cleared.
func TestLockFinishesAnInterruptedSave(t *testing.T) {
	dir := t.TempDir()
	st, err := gitstore.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{Store: st, Config: ticket.DefaultConfig("Acme", "support@acme.example"), Now: func() time.Time { return monday }}
	tk := newTicket(t, "aaaaaa", "Kettle leaks", "jane@example.com", "It leaks.", monday)
	opt := gitstore.CommitOptions{Message: "ticket aaaaaa: new", Author: gitstore.Signature{Name: "Hans", Email: "hans@acme.example", When: monday}}
	changes := []gitstore.Change{{Path: ticket.Path(tk.ID), Data: ticket.Render(tk)}, {Path: "gone.txt", Delete: true}}
	if err := writeJournal(d.journalPath(), changes, opt); err != nil {
		t.Fatal(err)
	}
	// What a process killed inside Apply leaves: the git index lock and a
	// temporary file not yet renamed into place.
	if err := os.WriteFile(filepath.Join(st.GitDir(), "index.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	litter := filepath.Join(dir, "tickets", "aa", ".aaaaaa.md.tmp12345")
	os.MkdirAll(filepath.Dir(litter), 0o755)
	if err := os.WriteFile(litter, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := d.Lock(time.Second)
	if err != nil {
		t.Fatalf("Lock with a journal left behind = %v", err)
	}
	unlock()
	if _, err := os.Stat(d.journalPath()); err == nil {
		t.Fatal("the journal is still there")
	}
	if _, err := os.Stat(litter); err == nil {
		t.Fatal("the temporary file of the interrupted save is still there")
	}
	_, h, err := st.Head()
	if err != nil || h == "" {
		t.Fatalf("no commit after recovery: %q, %v", h, err)
	}
	got, err := st.Worktree().Read(ticket.Path(tk.ID))
	if err != nil || string(got) != string(ticket.Render(tk)) {
		t.Fatalf("ticket after recovery = %q, %v", got, err)
	}
	// A second recovery has nothing to do and makes no commit.
	if err := writeJournal(d.journalPath(), changes, opt); err != nil {
		t.Fatal(err)
	}
	unlock, err = d.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if _, h2, _ := st.Head(); h2 != h {
		t.Fatalf("replaying an applied journal committed again: %s → %s", h, h2)
	}
}

func TestJournalRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "j.tar")
	when := time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("", 3600))
	in := []gitstore.Change{{Path: "tickets/aa/aaaaaa.md", Data: []byte("x\n")}, {Path: "b.txt", Delete: true}, {Path: "empty.txt", Data: []byte{}}}
	opt := gitstore.CommitOptions{Message: "m\n\nbody", NoCommit: true, Author: gitstore.Signature{Name: "N", Email: "e@x", When: when}}
	if err := writeJournal(p, in, opt); err != nil {
		t.Fatal(err)
	}
	out, got, err := readJournal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Message != opt.Message || !got.NoCommit || got.Author.Name != "N" || got.Author.Email != "e@x" || !got.Author.When.Equal(when) {
		t.Errorf("options = %+v, want %+v", got, opt)
	}
	if len(out) != len(in) {
		t.Fatalf("%d changes, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].Path != in[i].Path || out[i].Delete != in[i].Delete || string(out[i].Data) != string(in[i].Data) {
			t.Errorf("change %d = %+v, want %+v", i, out[i], in[i])
		}
	}
}
