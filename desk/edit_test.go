package desk

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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

// A file a killed save wrote but did not commit is not "exists" litter:
// CheckNew finishes that save first, so the file is committed, and only
// then is it reported. CommitNew refuses a file that exists and saves one
// that does not.
func TestCommitNewFinishesAKilledSaveAndRefusesExisting(t *testing.T) {
	st, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{Store: st, Config: ticket.DefaultConfig("Acme", "support@acme.example"), Now: func() time.Time { return monday }}
	sig := gitstore.Signature{Name: "Hans", Email: "hans@acme.example", When: monday}
	killed := gitstore.Change{Path: ".ticket/templates/warranty.md", Data: []byte("---\ndescription: x\n---\nHello.\n")}
	// What a kill between writing the file and committing it leaves.
	if err := writeJournal(d.journalPath(), []gitstore.Change{killed}, gitstore.CommitOptions{Message: "templates: new warranty", Author: sig}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(st.Dir(), ".ticket", "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(st.Dir(), filepath.FromSlash(killed.Path)), killed.Data, 0o644); err != nil {
		t.Fatal(err)
	}

	err = d.CheckNew(killed.Path)
	var ex *ExistsError
	if !errors.As(err, &ex) || !errors.Is(err, fs.ErrExist) || ex.Path != ".ticket/templates/warranty.md" {
		t.Fatalf("CheckNew = %v; want an ExistsError naming the file", err)
	}
	head, err := st.AtRef("HEAD")
	if err != nil {
		t.Fatalf("the killed save was not committed: %v", err)
	}
	if b, err := head.Read(killed.Path); err != nil || !bytes.Equal(b, killed.Data) {
		t.Fatalf("HEAD holds %q, %v; want the killed save's file", b, err)
	}

	again := gitstore.Change{Path: killed.Path, Data: []byte("---\ndescription: y\n---\nOther.\n")}
	if _, err := d.CommitNew([]gitstore.Change{again}, SaveOptions{Message: "again", Author: &sig}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CommitNew over an existing file = %v; want it refused", err)
	}
	if b, _ := st.Worktree().Read(killed.Path); !bytes.Equal(b, killed.Data) {
		t.Fatalf("the refused CommitNew wrote the file: %q", b)
	}
	fresh := gitstore.Change{Path: ".ticket/templates/refund.md", Data: again.Data}
	if _, err := d.CommitNew([]gitstore.Change{fresh}, SaveOptions{Message: "templates: new refund", Author: &sig}); err != nil {
		t.Fatalf("CommitNew of a new file = %v", err)
	}
	if head, err = st.AtRef("HEAD"); err != nil {
		t.Fatal(err)
	}
	if b, err := head.Read(fresh.Path); err != nil || !bytes.Equal(b, fresh.Data) {
		t.Fatalf("the new file is not committed: %q, %v", b, err)
	}
}
