package desk

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// An edit saves the bytes as written, unless the file changed while the
// editor was open: then the two changes are merged and neither is lost.
func TestCommitEditKeepsAChangeMadeMeanwhile(t *testing.T) {
	st, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{Store: st, Config: ticket.DefaultConfig("Acme", "support@acme.example"), Now: func() time.Time { return monday }}
	sig := &gitstore.Signature{Name: "Hans", Email: "hans@acme.example"}
	tk := newTicket(t, "aaaaaa", "Kettle leaks", "jane@example.com", "It leaks.", monday)
	if _, err := d.Save([]*ticket.Ticket{tk}, nil, SaveOptions{Message: "new", Author: sig}); err != nil {
		t.Fatal(err)
	}
	path := ticket.Path(tk.ID)
	read := func() []byte {
		b, err := st.Worktree().Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Nothing changed meanwhile: saved exactly as written, a comment too.
	before := read()
	edited := bytes.Replace(before, []byte("title: Kettle leaks"), []byte("title: Kettle leaks # by hand"), 1)
	if merged, err := d.CommitEdit(path, before, edited, SaveOptions{Message: "edit 1", Author: sig}); err != nil || merged {
		t.Fatalf("CommitEdit = %v, %v", merged, err)
	}
	if got := read(); !bytes.Equal(got, edited) {
		t.Fatalf("the edit was not saved as written:\n%s", got)
	}

	// A note arrives while the editor is open on the file.
	before = read()
	tk, err = ticket.ParseFile(path, before)
	if err != nil {
		t.Fatal(err)
	}
	tk.AddNote(ticket.Entry{Author: "bob", At: monday.Add(time.Minute), Body: "Called the customer meanwhile."})
	if _, err := d.Save([]*ticket.Ticket{tk}, nil, SaveOptions{Message: "note", Author: sig}); err != nil {
		t.Fatal(err)
	}
	edited = bytes.Replace(before, []byte("priority: normal"), []byte("priority: high"), 1)
	if bytes.Equal(edited, before) {
		t.Fatal("the test's edit changed nothing")
	}
	merged, err := d.CommitEdit(path, before, edited, SaveOptions{Message: "edit 2", Author: sig})
	if err != nil || !merged {
		t.Fatalf("CommitEdit after a change meanwhile = %v, %v; want merged", merged, err)
	}
	got := string(read())
	if !strings.Contains(got, "priority: high") || !strings.Contains(got, "Called the customer meanwhile.") {
		t.Fatalf("the edit or the note made meanwhile was lost:\n%s", got)
	}
	head, err := st.AtRef("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if committed, err := head.Read(path); err != nil || string(committed) != got {
		t.Errorf("the merged file is not what HEAD holds (%v)", err)
	}
}
