package mailout

import (
	"bytes"
	"fmt"
	"io"
	stdmail "net/mail"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/emersion/go-message/mail"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func header(t *testing.T, raw string) mail.Header {
	t.Helper()
	r, err := mail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return r.Header
}

func TestReplyMail(t *testing.T) {
	tk := testTicket()
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "Your refund is **on its way**.", Cc: []string{"Warehouse <wh@acme.example>"}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Record
	if r == nil {
		t.Fatalf("not mailed: %s", p.NotMailed)
	}
	e := tk.Entry(p.EntryID)
	wantID := "ticket.7kq2m9." + p.EntryID + "@acme.example"
	if e.Kind != ticket.KindReply || e.Author != "alice" || e.MessageID != wantID || r.MessageID != wantID {
		t.Errorf("entry %+v, record id %s", e, r.MessageID)
	}
	if e.Meta["mail"] != "queued" || e.Meta["to"] != "jane@example.com" || e.Meta["cc"] != "wh@acme.example" {
		t.Errorf("meta %v", e.Meta)
	}
	if tk.Status != ticket.StatusPending || !tk.FirstResponse.Equal(now) {
		t.Errorf("status %s, first response %v", tk.Status, tk.FirstResponse)
	}
	if r.From != "support@acme.example" || strings.Join(r.To, " ") != "jane@example.com wh@acme.example" {
		t.Errorf("envelope %s → %v", r.From, r.To)
	}
	for _, want := range []string{
		"From: \"Alice Agent via Acme Support\" <support@acme.example>\r\n",
		"To: \"Jane Doe\" <jane@example.com>\r\n",
		"Cc: \"Warehouse\" <wh@acme.example>\r\n",
		"Subject: Re: [#7kq2m9] Refund for order 5521\r\n",
		"Message-Id: <" + wantID + ">\r\n",
		"In-Reply-To: <CAF1@mail.example.com>\r\n",
		"References: <ticket.7kq2m9@acme.example> <CAF1@mail.example.com>\r\n",
		"Date: Fri, 20 Nov 2026 10:00:00 +0000\r\n",
		"X-Ticket-Loop: support@acme.example\r\n",
		"Content-Type: multipart/alternative;",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Type: text/html; charset=utf-8",
		"<strong>on its way</strong>",
	} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, r.Message)
		}
	}
	if strings.Contains(r.Message, "Auto-Submitted") || strings.Contains(r.Message, "X-Auto-Response-Suppress") {
		t.Error("a person's reply is marked automatic")
	}
	m, err := importers.Parse([]byte(r.Message), importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Your refund is **on its way**." || !m.Loop || m.Auto != "" || m.MessageID != wantID {
		t.Errorf("parsed back: text %q loop %v auto %q id %s", m.Text, m.Loop, m.Auto, m.MessageID)
	}
}

func TestAutoReplyMailIsMarked(t *testing.T) {
	tk := testTicket()
	status := tk.Status
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: DeskAgent(testConfig()), Body: "We have your message.", Auto: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Auto-Submitted: auto-replied\r\n", "X-Auto-Response-Suppress: All\r\n", "From: \"Acme Support\" <support@acme.example>\r\n"} {
		if !strings.Contains(p.Record.Message, want) {
			t.Errorf("message lacks %q", want)
		}
	}
	if tk.Status != status || !tk.FirstResponse.IsZero() || tk.Entry(p.EntryID).Auto != "auto-reply" {
		t.Errorf("an automatic reply changed the ticket: status %s, first response %v", tk.Status, tk.FirstResponse)
	}
	m, _ := importers.Parse([]byte(p.Record.Message), importers.Options{})
	if m.Auto != importers.AutoReply || !m.Loop {
		t.Errorf("parsed back: auto %q loop %v", m.Auto, m.Loop)
	}
}

func TestReferencesAreCapped(t *testing.T) {
	tk := testTicket()
	for i := 2; i <= 15; i++ {
		tk.AddMessage(ticket.Entry{Author: "jane@example.com", At: now, MessageID: fmt.Sprintf("m%d@example.com", i), Body: "more"})
	}
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "ok", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	h := header(t, p.Record.Message)
	refs, _ := h.MsgIDList("References")
	if len(refs) != maxReferences || refs[0] != "ticket.7kq2m9@acme.example" || refs[len(refs)-1] != "m15@example.com" || refs[1] != "m7@example.com" {
		t.Errorf("References %v", refs)
	}
	if irt, _ := h.MsgIDList("In-Reply-To"); len(irt) != 1 || irt[0] != "m15@example.com" {
		t.Errorf("In-Reply-To %v", irt)
	}
}

func TestHTMLIsSanitised(t *testing.T) {
	tk := testTicket()
	body := "Hi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) and https://acme.example/help"
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: body, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := mail.CreateReader(strings.NewReader(p.Record.Message))
	var html string
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := part.Header.(*mail.InlineHeader).ContentType()
		b, _ := io.ReadAll(part.Body)
		if ct == "text/html" {
			html = string(b)
		} else if ct == "text/plain" && !strings.Contains(string(b), "<script>") {
			t.Errorf("the plain text is not the reply as written: %q", b)
		}
	}
	for _, bad := range []string{"<script", "onerror", "javascript:", "<img"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML holds %q:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, `<a href="https://acme.example/help"`) {
		t.Errorf("links are not linked:\n%s", html)
	}
}

func TestAttachments(t *testing.T) {
	tk := testTicket()
	tk.Entries[0].Attachments = []string{"7kq2m9/label.pdf"}
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "Label attached.", Now: now,
		Attach: []Attachment{{Name: "../label.pdf", Data: []byte("%PDF-1.4 label")}, {Name: "note.txt", Data: []byte("hi")}}})
	if err != nil {
		t.Fatal(err)
	}
	e := tk.Entry(p.EntryID)
	if strings.Join(e.Attachments, " ") != "7kq2m9/label-2.pdf 7kq2m9/note.txt" {
		t.Errorf("attachments %v", e.Attachments)
	}
	if len(p.Files) != 2 || p.Files[0].Path != "tickets/7k/7kq2m9/label-2.pdf" || !bytes.Equal(p.Files[0].Data, []byte("%PDF-1.4 label")) {
		t.Errorf("files %+v", p.Files)
	}
	m, err := importers.Parse([]byte(p.Record.Message), importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 2 || m.Attachments[0].Filename != "label-2.pdf" || m.Attachments[0].ContentType != "application/pdf" || string(m.Attachments[1].Data) != "hi" {
		t.Errorf("attachments parsed back: %+v", m.Attachments)
	}
}

func TestNotMailed(t *testing.T) {
	tk := testTicket()
	tk.Customer, tk.Entries = "janedoe", nil
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "Called her back.", Now: now})
	if err != nil || p.Record != nil || !strings.Contains(p.NotMailed, "no customer email address") {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := PrepareReply(testConfig(), testTicket(), ReplyOptions{Agent: alice, Body: "  ", Now: now}); err == nil {
		t.Error("an empty reply was accepted")
	}
}

func TestHeadersAreEncodedAndCannotBeInjected(t *testing.T) {
	tk := testTicket()
	tk.Title = "Rückerstattung für Bestellung 5521\r\nBcc: evil@example.com"
	tk.Entries[0].Author = "Jürgen Müller <j@example.de>"
	tk.Customer = "j@example.de"
	a := alice
	a.Name = "Zoë Agent"
	p, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: a, Body: "Grüße", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	m, err := importers.Parse([]byte(p.Record.Message), importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.From.Name != "Zoë Agent via Acme Support" || len(m.To) != 1 || m.To[0].Name != "Jürgen Müller" || m.Text != "Grüße" {
		t.Errorf("parsed back: from %+v to %+v text %q", m.From, m.To, m.Text)
	}
	if !strings.HasPrefix(m.Subject, "Re: [#7kq2m9] Rückerstattung für Bestellung 5521") {
		t.Errorf("subject %q", m.Subject)
	}
	h := header(t, p.Record.Message)
	if h.Get("Bcc") != "" || strings.Contains(p.Record.Message, "\r\nBcc:") {
		t.Error("a title injected a header")
	}
	for _, l := range strings.Split(p.Record.Message, "\r\n") {
		if len(l) > 998 {
			t.Errorf("line longer than RFC 5322 allows: %d", len(l))
		}
	}
}

// Every part and header says UTF-8, so stray bytes of another charset are
// sent as U+FFFD, not as they are (found by FuzzMessage: a reply of the
// single byte 0xA0 went out as invalid UTF-8, and the desk's own importer
// read it back as an empty text).
func TestInvalidUTF8IsSentAsReplacement(t *testing.T) {
	m := &Mail{
		From:      &mail.Address{Name: "Ac\xffme", Address: "support@acme.example"},
		To:        []*mail.Address{{Name: "Jos\xe9", Address: "jose@example.com"}},
		Subject:   "Caf\xe9 order",
		MessageID: "a1@acme.example",
		Date:      now,
		Text:      "Caf\xe9 is \xa0 closed",
	}
	_, got := readBack(t, m)
	if got.HTML || got.Text != "Caf\uFFFD is \uFFFD closed" {
		t.Errorf("text %q (from HTML: %v)", got.Text, got.HTML)
	}
	if got.Subject != "Caf\uFFFD order" || got.From.Name != "Ac\uFFFDme" || got.To[0].Name != "Jos\uFFFD" {
		t.Errorf("subject %q, from %q, to %q", got.Subject, got.From.Name, got.To[0].Name)
	}
	if m.To[0].Name != "Jos\xe9" {
		t.Error("Bytes changed the caller's address")
	}
}

// sendTo writes a short reply to the given recipients and reads its To
// header back with net/mail, as a receiving mail client would.
func sendTo(t *testing.T, to ...*mail.Address) ([]byte, []*stdmail.Address, error) {
	t.Helper()
	m := hello()
	m.To = to
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stdmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	list, err := msg.Header.AddressList("To")
	return raw, list, err
}

// net/mail writes a display name with non-ASCII text and a backslash as a
// Q encoded word with the backslash bare, which RFC 2047 does not allow in
// a name; strict parsers refuse the header, and ours then salvaged it as
// two recipients (FuzzMessage, b0eca13cc5defc2b). Such a name is sent as
// a base64 encoded word and reads back whole.
func TestAddressNameWithBackslash(t *testing.T) {
	for _, name := range []string{"Zoë \\ Doe", "\xd1\\", "C:\\Users\\Zoë", "\x00\\", "a\x7f\\b"} {
		raw, to, err := sendTo(t, &mail.Address{Name: name, Address: `">,\"@example.com`}, &mail.Address{Name: "Bob", Address: "bob@example.com"})
		if err != nil {
			t.Fatalf("%q: net/mail refuses the To header: %v\n%s", name, err, raw)
		}
		want := strings.ToValidUTF8(name, "\uFFFD")
		if len(to) != 2 || to[0].Name != want || to[0].Address != `">,\"@example.com` || to[1].Address != "bob@example.com" {
			t.Fatalf("%q: To read back as %+v", name, to)
		}
		// The importer drops control characters from names.
		want = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, want)
		got, err := importers.Parse(raw, importers.Options{})
		if err != nil || len(got.To) != 2 || got.To[0].Name != want {
			t.Fatalf("%q: importers read To as %+v (%v)", name, got.To, err)
		}
	}
}

// A header word longer than a line used to be cut at the 998-byte limit
// with a space put in (found by FuzzMessage): a 1,500-byte word in the
// subject or a display name must read back whole.
func TestLongHeaderWordsReadBack(t *testing.T) {
	long := strings.Repeat("b", 1500)
	for _, c := range []struct{ subject, name string }{
		{long, "Jane"},
		{"Order " + long + " again", "Jane"},
		{"Hello", long},
		{"Hello", "Zoë " + strings.Repeat("ü", 700)},
		{"Hello", strings.Repeat(`"`, 899)},
		{"Hello", strings.Repeat(`a\`, 449)},
	} {
		m := hello()
		m.To[0].Name, m.Subject = c.name, c.subject
		raw, got := readBack(t, m)
		for _, l := range bytes.Split(raw, []byte("\r\n")) {
			if len(l) > 998 {
				t.Fatalf("line of %d bytes", len(l))
			}
		}
		if got.Subject != c.subject {
			t.Fatalf("subject of %d bytes read back as %d bytes", len(c.subject), len(got.Subject))
		}
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		msg, err := stdmail.ReadMessage(bytes.NewReader(append(head, "\r\n\r\n"...)))
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != c.name || to[0].Address != "jane@example.com" {
			t.Fatalf("name of %d bytes read back as %+v (%v)", len(c.name), to, err)
		}
	}
}

// An address longer than RFC 5321 allows cannot be written on one header
// line nor sent; it is refused with the place to correct it, and the
// ticket is left as it was.
func TestOverlongAddressIsRefused(t *testing.T) {
	long := strings.Repeat("u", MaxAddress-len("@example.com")+1) + "@example.com"
	m := hello()
	m.To[0].Address = long
	if _, err := m.Bytes(); err == nil || !strings.Contains(err.Error(), "255 bytes long") {
		t.Fatalf("Bytes: %v", err)
	}
	m.To[0].Address = long[1:]
	if _, err := m.Bytes(); err != nil {
		t.Fatalf("an address of %d bytes: %v", len(long)-1, err)
	}

	tk := testTicket()
	entries := len(tk.Entries)
	tk.Customer = "Jane <" + long + ">"
	_, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "On its way.", Now: now})
	if err == nil || !strings.Contains(err.Error(), ticket.Path(tk.ID)) || !strings.Contains(err.Error(), "at most 254") {
		t.Fatalf("customer address: %v", err)
	}
	if len(tk.Entries) != entries {
		t.Fatal("the refused reply was added to the ticket")
	}
	_, err = PrepareReply(testConfig(), testTicket(), ReplyOptions{Agent: alice, Body: "ok", Cc: []string{long}, Now: now})
	if err == nil || !strings.Contains(err.Error(), "--cc") {
		t.Fatalf("--cc: %v", err)
	}
	cfg := testConfig()
	cfg.Email = long
	_, err = PrepareReply(cfg, testTicket(), ReplyOptions{Agent: alice, Body: "ok", Now: now})
	if err == nil || !strings.Contains(err.Error(), ticket.ConfigPath) {
		t.Fatalf("desk address: %v", err)
	}
}

// An address with a character net/mail cannot quote (NUL) would go out
// changed, as ""@example.com, and the name before it could read back as a
// second address (FuzzMessage, eleventh round): it is refused.
func TestUnwritableAddressIsRefused(t *testing.T) {
	m := hello()
	m.To[0] = &mail.Address{Name: `0,"`, Address: "\x00@example.com"}
	if _, err := m.Bytes(); err == nil || !strings.Contains(err.Error(), `"\x00@example.com"`) || !strings.Contains(err.Error(), "control character") {
		t.Fatalf("Bytes: %v", err)
	}
	for _, bad := range []string{"a\x00@example.com", "jane\x1b@example.com"} {
		tk := testTicket()
		entries := len(tk.Entries)
		tk.Customer = "Jane <" + bad + ">"
		_, err := PrepareReply(testConfig(), tk, ReplyOptions{Agent: alice, Body: "On its way.", Now: now})
		if err == nil || !strings.Contains(err.Error(), ticket.Path(tk.ID)) || !strings.Contains(err.Error(), "cannot be sent") {
			t.Errorf("customer address %q: %v", bad, err)
		}
		if len(tk.Entries) != entries {
			t.Errorf("customer address %q: the refused reply was added to the ticket", bad)
		}
	}
	// Quoted local parts, non-ASCII and domain literals still go out.
	for _, good := range []string{"a b@example.com", "ü@exämple.com", "a@[192.0.2.1]", `a"b@example.com`} {
		m := hello()
		m.To[0].Address = good
		if _, got := readBack(t, m); len(got.To) != 1 || got.To[0].Email != good {
			t.Errorf("%q read back as %+v", good, got.To)
		}
	}
}

// A message id too long for a header line is left out of In-Reply-To and
// References rather than cut in two.
func TestOverlongMessageIDIsLeftOut(t *testing.T) {
	long := strings.Repeat("i", 1200) + "@mail.example.com"
	m := hello()
	m.InReplyTo = long
	m.References = []string{"ticket.7kq2m9@acme.example", long, "CAF2@mail.example.com"}
	raw, got := readBack(t, m)
	if len(got.InReplyTo) != 0 || strings.Join(got.References, " ") != "ticket.7kq2m9@acme.example CAF2@mail.example.com" {
		t.Fatalf("In-Reply-To %q, References %q", got.InReplyTo, got.References)
	}
	if bytes.Contains(raw, []byte("iiiiiiiiii")) {
		t.Fatal("the long id was written")
	}
}

// hello is a plain mail from the desk to Jane that tests change.
func hello() *Mail {
	return &Mail{
		From:      &mail.Address{Name: "Acme Support", Address: "support@acme.example"},
		To:        []*mail.Address{{Name: "Jane", Address: "jane@example.com"}},
		Subject:   "Hello",
		MessageID: "a.b@acme.example",
		Text:      "Hello.",
	}
}

// readBack writes m and reads it with the desk's importer.
func readBack(t *testing.T, m *Mail) ([]byte, *importers.Message) {
	t.Helper()
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	got, err := importers.Parse(raw, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return raw, got
}

// A recipient name that is only quotes and spaces, or has spaces inside
// its quotes, reads back without them (found by FuzzMessage: "' '" came
// back empty, which the round-trip check took for a lost name). The
// writer sends the name as given; the importer unwraps it.
func TestQuotedNameReadsBackUnwrapped(t *testing.T) {
	for name, want := range map[string]string{"' '": "", "'Jane '": "Jane", "(Ops) ": "Ops", `"Doe, Jane"`: "Doe, Jane", "Jane": "Jane"} {
		raw, to, err := sendTo(t, &mail.Address{Name: name, Address: "jane@example.com"})
		if err != nil || len(to) != 1 || to[0].Name != name {
			t.Fatalf("%q: sent as %+v (%v)", name, to, err)
		}
		got, err := importers.Parse(raw, importers.Options{})
		if err != nil || len(got.To) != 1 || got.To[0].Name != want || got.To[0].Email != "jane@example.com" {
			t.Fatalf("%q: importers read To as %+v (%v), want name %q", name, got.To, err, want)
		}
	}
}
