package desk

import (
	"errors"
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
