package mailin

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

var hostileNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// hostileDesk is an importer with one ticket of alice@shop.example and an
// agent, kate@shop.example.
func hostileDesk(t *testing.T, exists func(string) bool) (*Importer, string) {
	t.Helper()
	im := New(nil, Options{Now: hostileNow, FileExists: exists,
		IsAgent: func(a string) bool { return SameAddress(a, "kate@shop.example") }})
	r, err := im.Add([]byte("From: Alice <alice@shop.example>\nSubject: my order\nMessage-ID: <first@shop.example>\n\nwhere is it\n"), Source{Name: "first"})
	if err != nil || r.Outcome != Created {
		t.Fatalf("first message: %+v, %v", r, err)
	}
	return im, r.Ticket
}

// TestSubjectTagLookAlikes: a subject tag threads a message onto a ticket
// only when it comes from the ticket's customer or an agent; look-alike
// senders get a new ticket linked to the one they named.
func TestSubjectTagLookAlikes(t *testing.T) {
	for _, tt := range []struct {
		from   string
		thread bool
	}{
		{"alice@shop.example", true},
		{"ALICE@Shop.EXAMPLE", true},
		{"kate@shop.example", true}, // the agent
		{"\u0430lice@shop.example", false},
		{"\uff41lice@shop.example", false},
		{"alice@\uff53hop.example", false},
		{"alice@\u017fhop.example", false},
		{"alice@shop.example.evil.test", false},
		{"alice@xn--shp-2ed.example", false},
		{"\"alice@shop.example\" <mallory@evil.test>", false},
		{"alice@shop.example <mallory@evil.test>", false},
		{"\u212aate@shop.example", false}, // a Kelvin-sign "kate"
		{"", false},
	} {
		t.Run(tt.from, func(t *testing.T) {
			im, id := hostileDesk(t, nil)
			from := tt.from
			if from != "" && !strings.Contains(from, "<") {
				from = "<" + from + ">"
			}
			raw := fmt.Sprintf("From: %s\nSubject: Re: [#%s] my order\nMessage-ID: <tag@evil.test>\n\nplease send my order to this address instead\n", from, id)
			r, err := im.Add([]byte(raw), Source{Name: "tag"})
			if err != nil {
				t.Fatal(err)
			}
			if tt.thread {
				if r.Outcome != Appended || r.Ticket != id || r.By != "subject-tag" {
					t.Errorf("from %q: %s to %s by %s, want appended to %s", tt.from, r.Outcome, r.Ticket, r.By, id)
				}
				return
			}
			if r.Outcome != Created || r.Ticket == id || r.Related != id {
				t.Errorf("from %q: %s %s (related %q), want a new ticket related to %s", tt.from, r.Outcome, r.Ticket, r.Related, id)
			}
			if got := len(im.Ticket(id).Entries); got != 1 {
				t.Errorf("the customer's ticket has %d entries", got)
			}
		})
	}
}

// TestAttachmentsStayInTheTicketFolder: hostile attachment names are
// stored under tickets/XY/ID/, never overwrite a file on disk or another
// attachment, and every one is referenced from its entry.
func TestAttachmentsStayInTheTicketFolder(t *testing.T) {
	onDisk := map[string]bool{}
	im, id := hostileDesk(t, func(p string) bool { return onDisk[p] })
	dir := ticket.TicketsDir + "/" + id[:2] + "/" + id + "/"
	onDisk[dir+"passwd"] = true // from an earlier import
	names := []string{"../../etc/passwd", "/etc/passwd", "C:\\boot.ini", "..\\..\\x", "CON", "nul.txt", "LPT1.log", "a\x01\u202Egpj.exe", "", "Report.PDF", "report.pdf", strings.Repeat("ü", 150) + ".pdf", "v1..v2.tar.gz"}
	var b strings.Builder
	fmt.Fprintf(&b, "From: alice@shop.example\nSubject: Re: [#%s] files\nMessage-ID: <files@shop.example>\nContent-Type: multipart/mixed; boundary=B\n\n--B\n\nfiles\n", id)
	for i, n := range names {
		fmt.Fprintf(&b, "--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"%s\"\n\ndata %d\n", strings.ReplaceAll(n, `\`, `\\`), i)
	}
	b.WriteString("--B--\n")
	r, err := im.Add([]byte(b.String()), Source{Name: "files"})
	if err != nil || r.Outcome != Appended {
		t.Fatalf("%+v, %v", r, err)
	}
	e := im.Ticket(id).Entries[1]
	if len(e.Attachments) != len(names) {
		t.Fatalf("entry references %d attachments, want %d: %q", len(e.Attachments), len(names), e.Attachments)
	}
	planned := map[string]string{}
	for _, c := range im.Files() {
		low := strings.ToLower(c.Path)
		if prev, ok := planned[low]; ok {
			t.Errorf("%s planned twice (%q and %q)", c.Path, prev, c.Data)
		}
		planned[low] = string(c.Data)
		if !strings.HasPrefix(c.Path, dir) || strings.Contains(c.Path[len(dir):], "/") || !inside(c.Path) {
			t.Errorf("attachment planned outside the ticket's folder: %q", c.Path)
		}
		if onDisk[c.Path] {
			t.Errorf("attachment overwrites %s", c.Path)
		}
	}
	// Dots inside a name are harmless and kept.
	if _, ok := planned[strings.ToLower(dir+"v1..v2.tar.gz")]; !ok {
		t.Errorf("v1..v2.tar.gz was renamed: %q", e.Attachments)
	}
	for i, a := range e.Attachments {
		if got, ok := planned[strings.ToLower(ticket.TicketsDir+"/"+id[:2]+"/"+a)]; !ok || got != fmt.Sprintf("data %d", i) {
			t.Errorf("entry references %q, planned with %q", a, got)
		}
	}
}

// TestOversizeQuarantined: a message that reading already refused is
// quarantined with the part kept and a reason that says what to do.
func TestOversizeQuarantined(t *testing.T) {
	im := New(nil, Options{Now: hostileNow})
	head := []byte("From: a@evil.test\nMessage-ID: <big@evil.test>\n\n" + strings.Repeat("x", 100))
	over := &importers.OversizeError{MessageID: "big@evil.test", Size: 1 << 30, Limit: int64(len(head)), Kept: int64(len(head))}
	r, err := im.Add(head, Source{Name: "standard input", Err: over})
	if err != nil || r.Outcome != Quarantined {
		t.Fatalf("%+v, %v", r, err)
	}
	files := im.Files()
	if len(files) != 2 || string(files[0].Data) != string(head) {
		t.Fatalf("quarantine files %v", files)
	}
	reason := string(files[1].Data)
	for _, want := range []string{
		fmt.Sprintf("reason: message too large: <big@evil.test>: 1073741824 bytes, limit %d; only the first %d bytes were kept\n", len(head), len(head)),
		"source: standard input\n",
		"limit: raise limits.message_size in .ticket/config.yaml (or pass --max-size) to let it in\n",
	} {
		if !strings.Contains(reason, want) {
			t.Errorf("reason file lacks %q:\n%s", want, reason)
		}
	}
	if !errors.Is(over, importers.ErrTooLarge) {
		t.Error("an OversizeError is not ErrTooLarge")
	}
}

// TestLimitsNotedInEntry: what a limit left out is said in the entry, as
// plain text however the note reads.
func TestLimitsNotedInEntry(t *testing.T) {
	im := New(nil, Options{Now: hostileNow, Limits: importers.Options{MaxAttachment: 10}})
	raw := "From: a@shop.example\nSubject: big file\nMessage-ID: <bf@shop.example>\nContent-Type: multipart/mixed; boundary=B\n\n--B\n\nhere it is\n--B\nContent-Disposition: attachment; filename=\"_*[x](javascript:y)*_.zip\"\n\n0123456789abcdef\n--B--\n"
	r, err := im.Add([]byte(raw), Source{Name: "x"})
	if err != nil || r.Outcome != Created {
		t.Fatalf("%+v, %v", r, err)
	}
	body := im.Ticket(r.Ticket).Entries[0].Body
	want := "here it is\n\n> **Not stored:** attachment \"__\\[x](javascript_y)__.zip\" (16 bytes) was not stored: it is over the limit of 10 bytes (limits.attachment_size); ask the sender for it another way"
	if body != want {
		t.Errorf("body\n got %q\nwant %q", body, want)
	}
	if len(im.Files()) != 0 {
		t.Errorf("the dropped attachment was stored: %v", im.Files())
	}
}

// TestStructureInCustomerText: fences, entry markers, generated headings
// and template syntax in a customer's mail are stored and read back byte
// for byte, inside one entry.
func TestStructureInCustomerText(t *testing.T) {
	text := "---\nid: zzzzzz\nstatus: closed\n---\n<!-- entry id=evil kind=reply at=2026-01-01T00:00:00Z author=\"Agent <kate@shop.example>\" -->\n### Reply by Kate · 2026-01-01 00:00 UTC\n\n{{ .Customer }} {{ template \"x\" }} {{ range . }}{{ end }}\n\\<!-- entry id=x -->"
	im := New(nil, Options{Now: hostileNow})
	r, err := im.Add([]byte("From: a@shop.example\nSubject: --- {{ .Title }}\nMessage-ID: <s@shop.example>\n\n"+text+"\n"), Source{Name: "x"})
	if err != nil || r.Outcome != Created {
		t.Fatalf("%+v, %v", r, err)
	}
	tk := im.Ticket(r.Ticket)
	back, err := ticket.Parse(ticket.Render(tk))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Entries) != 1 || back.Entries[0].Body != text || back.Status != ticket.StatusNew || back.ID != tk.ID {
		t.Errorf("read back as %d entries, status %s, body\n%q\nwant\n%q", len(back.Entries), back.Status, back.Entries[0].Body, text)
	}
	if back.Title != "--- {{ .Title }}" {
		t.Errorf("title %q", back.Title)
	}
}

// TestInlineReferencesBounded: rewriting cid: references to the stored
// file cannot blow a small message up: at most maxCIDRefs are rewritten.
func TestInlineReferencesBounded(t *testing.T) {
	refs := strings.Repeat("![](cid:a) ", 50000)
	raw := "From: a@shop.example\nSubject: images\nMessage-ID: <img@shop.example>\nContent-Type: multipart/related; boundary=B\n\n--B\nContent-Type: text/plain\n\n" + refs + "\n--B\nContent-Type: image/png\nContent-ID: <a>\nContent-Disposition: inline; filename=" + strings.Repeat("p", 90) + ".png\n\nPNG\n--B--\n"
	im := New(nil, Options{Now: hostileNow})
	r, err := im.Add([]byte(raw), Source{Name: "x"})
	if err != nil || r.Outcome != Created {
		t.Fatalf("%+v, %v", r, err)
	}
	body := im.Ticket(r.Ticket).Entries[0].Body
	if n := strings.Count(body, r.Ticket+"/ppp"); n != maxCIDRefs {
		t.Errorf("%d references rewritten, want %d", n, maxCIDRefs)
	}
	if len(body) > 2*len(refs) {
		t.Errorf("a text of %d bytes grew to %d", len(refs), len(body))
	}
}
