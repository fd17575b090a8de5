package mailout

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/ticketdesk/ticket/importers"
)

// seedBodies are the reply templates the desk ships and the demo
// knowledge-base articles: Markdown as agents write it.
func seedBodies(tb testing.TB) []string {
	var out []string
	for _, p := range []string{"../templates/replies/*.md", "../examples/demo/kb/*.md"} {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, string(b))
		}
	}
	if len(out) == 0 {
		tb.Fatal("no seed bodies")
	}
	return out
}

// nameEnds is a display name without the quotes, parentheses and spaces
// at its ends. The importer takes off quotes or parentheses around a whole
// name and the spaces just inside them, so a name read back must agree
// with the name sent once both lose their ends: "' '" comes back empty.
func nameEnds(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("\"'()", r) || unicode.IsSpace(r) })
}

// simple is text every writer and reader keep as it is: one line of valid
// UTF-8 without controls, single spaces, nothing to trim.
func simple(s string) bool {
	if s == "" || !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.Contains(s, "  ") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\u00a0' || r == '\ufeff' || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,40}\.[a-z]{1,4}$`)

// FuzzMessage writes arbitrary replies with Mail.Bytes and reads them back
// with the desk's own importer: what we send must parse as what we meant.
// Headers cannot be injected, lines stay within RFC 5322's limit, and
// subject, recipient, ids, marks, text and attachment come back.
func FuzzMessage(f *testing.F) {
	for i, body := range seedBodies(f) {
		f.Add("Re: [#7kq2m9] Refund for order 5521", "Jürgen Müller", "jane", body, "receipt.pdf", []byte("%PDF-1.4"), i%2 == 0)
	}
	f.Add("Subject\r\nBcc: evil@example.com", "\"Doe, Jane\" <x@y>", "a.b+c", "line\r\n.\r\nFrom me\n> quoted\n", "../../etc/passwd", []byte{0, 1, 2}, true)
	f.Add(strings.Repeat("Überweisung ", 40), "Zoë", "z", strings.Repeat("x", 2000), "", []byte(nil), false)
	f.Fuzz(func(t *testing.T, subject, name, local, text, attName string, attData []byte, auto bool) {
		m := &Mail{
			From:       &mail.Address{Name: "Alice via Acme Support", Address: "support@acme.example"},
			To:         []*mail.Address{{Name: name, Address: local + "@example.com"}},
			Subject:    subject,
			MessageID:  "ticket.7kq2m9.9vz2mr.a1b2@acme.example",
			InReplyTo:  "CAF1@mail.example.com",
			References: []string{"ticket.7kq2m9@acme.example", "CAF1@mail.example.com"},
			Date:       now,
			Auto:       auto,
			Loop:       "support@acme.example",
			Text:       text,
		}
		if attName != "" {
			m.Attachments = []Attachment{{Name: attName, Data: attData}}
		}
		raw, err := m.Bytes()
		fits := len(m.To[0].Address) <= MaxAddress
		if err != nil {
			if utf8.ValidString(local) && mailLocal.MatchString(local) && fits {
				t.Fatalf("Bytes: %v", err)
			}
			return
		}
		if !fits {
			t.Fatalf("an address of %d bytes was written", len(m.To[0].Address))
		}
		for _, l := range bytes.Split(raw, []byte("\r\n")) {
			if len(l) > 998 {
				t.Fatalf("line of %d bytes", len(l))
			}
			if bytes.ContainsAny(l, "\r\n") {
				t.Fatalf("bare CR or LF in %q", l)
			}
		}
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		if bytes.Contains(bytes.ToLower(head), []byte("\r\nbcc:")) {
			t.Fatalf("a header was injected:\n%s", head)
		}
		got, err := importers.Parse(raw, importers.Options{})
		if err != nil {
			t.Fatalf("our own mail does not parse: %v\n%s", err, raw)
		}
		if got.MessageID != m.MessageID || got.From.Email != m.From.Address || got.From.Name != m.From.Name {
			t.Fatalf("read back id %q from %+v", got.MessageID, got.From)
		}
		if strings.Join(got.InReplyTo, " ") != m.InReplyTo || strings.Join(got.References, " ") != strings.Join(m.References, " ") {
			t.Fatalf("threading read back as %q / %q", got.InReplyTo, got.References)
		}
		if !got.Loop || auto != (got.Auto == importers.AutoReply) {
			t.Fatalf("loop %v, auto %q (sent auto %v)", got.Loop, got.Auto, auto)
		}
		if simple(subject) && got.Subject != subject {
			t.Fatalf("subject %q read back as %q", subject, got.Subject)
		}
		if len(got.To) != 1 {
			t.Fatalf("to %+v read back as %+v", m.To, got.To)
		}
		if mailLocal.MatchString(local) && got.To[0].Email != m.To[0].Address {
			t.Fatalf("recipient %q read back as %+v", m.To[0].Address, got.To[0])
		}
		if simple(name) && len(name) <= importers.MaxName && mailLocal.MatchString(local) && nameEnds(got.To[0].Name) != nameEnds(name) {
			t.Fatalf("name %q read back as %q", name, got.To[0].Name)
		}
		// A blank text part loses to its HTML alternative on purpose (some
		// mailers send an empty text/plain beside the real HTML).
		if got.HTML && strings.TrimSpace(text) != "" {
			t.Fatal("the text part was not preferred")
		}
		for _, l := range strings.Split(text, "\n") {
			w := strings.TrimSpace(strings.TrimLeft(l, "> "))
			if simple(w) && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.") == "" &&
				!strings.Contains(got.Text+"\n"+got.Quoted, w) {
				t.Fatalf("line %q lost: text %q quoted %q", w, got.Text, got.Quoted)
			}
		}
		if attName != "" {
			if len(got.Attachments) != 1 || !bytes.Equal(got.Attachments[0].Data, attData) {
				t.Fatalf("attachment %q of %d bytes read back as %d attachments", attName, len(attData), len(got.Attachments))
			}
			if safeName.MatchString(attName) && got.Attachments[0].Filename != attName {
				t.Fatalf("attachment %q read back as %q", attName, got.Attachments[0].Filename)
			}
		}
	})
}

// mailLocal is a local part written without quotes.
var mailLocal = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*$`)
