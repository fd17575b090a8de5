package mailin

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// FuzzFile feeds arbitrary bytes through the message → ticket path, twice
// (a second message replying to the first): it must never panic, and every
// message must end up as an entry (found by its Message-ID in a ticket that
// renders and parses back) or as a quarantined file — or be dropped as our
// own looping mail or skipped as a duplicate of one already stored.
func FuzzFile(f *testing.F) {
	f.Add([]byte("From: a@example.com\nSubject: hi\nMessage-ID: <1@x>\n\nbody"), []byte("From: a@example.com\nIn-Reply-To: <1@x>\nSubject: Re: hi\n\nmore"))
	f.Add([]byte("\x00\x01garbage"), []byte("Subject: [#7kq2m9] tag\n\n"))
	f.Add([]byte("From: b@example.com\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Disposition: attachment; filename=\"../a.pdf\"\n\n%PDF\n--x--\n"), []byte("X-Ticket-Loop: yes\n\nloop"))
	f.Add([]byte("From: =?utf-8?b?w6k=?= <c@example.com>\nSubject: <!-- entry id=x -->\n\n---\nid: x\n---\n"), []byte("From: c@example.com\nReferences: <ticket.abcdef.x@desk>\n\nhi"))
	// The importer's test messages, in pairs, so threading paths are seeded.
	files, _ := filepath.Glob("../importers/testdata/mail/*.eml")
	for i := 0; i+1 < len(files); i += 2 {
		a, errA := os.ReadFile(files[i])
		b, errB := os.ReadFile(files[i+1])
		if errA != nil || errB != nil {
			f.Fatal(errA, errB)
		}
		f.Add(a, b)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		im := New(nil, Options{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), MaxSize: 1 << 16, KeepRaw: true})
		for _, raw := range [][]byte{a, b} {
			r, err := im.Add(raw, Source{Name: "fuzz"})
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			switch r.Outcome {
			case Created, Appended:
				tk := im.Ticket(r.Ticket)
				if tk == nil || !tk.HasMessageID(r.Message.MessageID) {
					t.Fatalf("%s: message <%s> is not in ticket %s", r.Outcome, r.Message.MessageID, r.Ticket)
				}
				back, err := ticket.Parse(ticket.Render(tk))
				if err != nil {
					t.Fatalf("ticket %s does not parse back: %v", tk.ID, err)
				}
				if !back.HasMessageID(ticket.CleanLine(r.Message.MessageID)) {
					t.Fatalf("message <%s> lost in the rendered ticket", r.Message.MessageID)
				}
			case Quarantined:
				found := false
				for _, c := range im.Files() {
					if c.Path == r.Path && string(c.Data) == string(raw) {
						found = true
					}
				}
				if !found {
					t.Fatalf("quarantined message not among the files")
				}
			case Loop, Duplicate:
			default:
				t.Fatalf("unknown outcome %q", r.Outcome)
			}
		}
		for _, c := range im.Files() {
			if !inside(c.Path) {
				t.Fatalf("unsafe path %q", c.Path)
			}
		}
		for _, tk := range im.Changed() {
			if err := tk.Validate(); err != nil {
				t.Fatalf("ticket %s: %v", tk.ID, err)
			}
		}
	})
}

// inside reports whether p is a clean relative slash path with no "." or
// ".." element, so it cannot leave the repository. Dots within a name, as
// in "v1..v2.tar.gz", are harmless.
func inside(p string) bool {
	return p != "" && !path.IsAbs(p) && !strings.Contains(p, `\`) && path.Clean(p) == p &&
		p != ".." && !strings.HasPrefix(p, "../")
}
