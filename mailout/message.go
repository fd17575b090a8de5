package mailout

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/microcosm-cc/bluemonday"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// maxReferences caps the References header: the thread root plus the latest
// customer messages. Mail clients thread by the first and last ids.
const maxReferences = 10

// Attachment is a file sent with a mail.
type Attachment struct {
	Name string // base name as the customer sees it
	Data []byte
}

// Mail is one outgoing message before it is written out.
type Mail struct {
	From       *mail.Address
	To, Cc     []*mail.Address
	Subject    string
	MessageID  string // without angle brackets
	InReplyTo  string
	References []string
	Date       time.Time
	// Auto marks an automatic response (RFC 3834).
	Auto bool
	// Loop is the desk address put in importers.LoopHeader, so our own mail
	// coming back is recognised and dropped.
	Loop        string
	Text        string // Markdown; sent as text/plain and rendered as HTML
	Attachments []Attachment
}

// Envelope is who a mail is from and to at the SMTP level.
func (m *Mail) Envelope() (from string, to []string) {
	for _, a := range append(append([]*mail.Address(nil), m.To...), m.Cc...) {
		to = append(to, a.Address)
	}
	return m.From.Address, to
}

// ThreadFor fills subject and threading headers of a mail answering ticket
// t: Subject "Re: [#ID] title", In-Reply-To the latest customer message, and
// References the thread root then the customer's messages.
func (m *Mail) ThreadFor(t *ticket.Ticket, domain, subject string) {
	var ids []string
	for _, e := range t.Entries {
		if e.Kind == ticket.KindMessage && e.MessageID != "" {
			ids = append(ids, e.MessageID)
		}
	}
	if len(ids) > 0 {
		m.Subject = "Re: [#" + t.ID + "] " + t.Title
		m.InReplyTo = ids[len(ids)-1]
	} else {
		if subject == "" {
			subject = t.Title
		}
		m.Subject = "[#" + t.ID + "] " + subject
	}
	if len(ids) > maxReferences-1 {
		ids = ids[len(ids)-(maxReferences-1):]
	}
	m.References = append([]string{ticket.ThreadRootID(t.ID, domain)}, ids...)
}

// Bytes writes the message as RFC 5322 text with CRLF line ends: UTF-8
// text/plain with a sanitised HTML alternative, and attachments.
// Text that is not valid UTF-8 (a byte from a file in another charset, say)
// has its stray bytes written as U+FFFD, so that every part and header that
// says UTF-8 is.
func (m *Mail) Bytes() ([]byte, error) {
	var h mail.Header
	h.SetDate(m.Date)
	for _, f := range []struct {
		key string
		as  []*mail.Address
	}{{"From", []*mail.Address{m.From}}, {"To", m.To}, {"Cc", m.Cc}} {
		if f.key == "Cc" && len(f.as) == 0 {
			continue
		}
		if err := setAddressList(&h, f.key, f.as); err != nil {
			return nil, err
		}
	}
	subject := strings.ToValidUTF8(m.Subject, "\uFFFD")
	if hasLongWord(subject) {
		h.Set("Subject", encodeWords(subject))
	} else {
		h.SetSubject(subject)
	}
	h.SetMessageID(m.MessageID)
	if irt := fitIDs([]string{m.InReplyTo}); len(irt) > 0 {
		h.SetMsgIDList("In-Reply-To", irt)
	}
	if refs := fitIDs(m.References); len(refs) > 0 {
		h.SetMsgIDList("References", refs)
	}
	if m.Auto {
		h.Set("Auto-Submitted", "auto-replied")
		h.Set("X-Auto-Response-Suppress", "All")
		h.Set("Precedence", "auto_reply")
	}
	if m.Loop != "" {
		h.Set(importers.LoopHeader, m.Loop)
	}
	h.Set("MIME-Version", "1.0")

	body := strings.ToValidUTF8(m.Text, "\uFFFD")
	html, err := renderHTML(body)
	if err != nil {
		return nil, err
	}
	text := strings.TrimRight(body, "\n") + "\n"

	var b bytes.Buffer
	var iw *mail.InlineWriter
	var mw *mail.Writer
	if len(m.Attachments) == 0 {
		iw, err = mail.CreateInlineWriter(&b, h)
	} else {
		mw, err = mail.CreateWriter(&b, h)
		if err == nil {
			iw, err = mw.CreateInline()
		}
	}
	if err != nil {
		return nil, err
	}
	for _, p := range []struct{ ctype, body string }{{"text/plain", text}, {"text/html", html}} {
		var ph mail.InlineHeader
		ph.SetContentType(p.ctype, map[string]string{"charset": "utf-8"})
		w, err := iw.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	if err := iw.Close(); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		var ah mail.AttachmentHeader
		ah.SetContentType(contentType(a), nil)
		ah.SetFilename(a.Name)
		w, err := mw.CreateAttachment(ah)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(a.Data); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	if mw != nil {
		if err := mw.Close(); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

func contentType(a Attachment) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(a.Name))); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	t, _, _ := strings.Cut(http.DetectContentType(a.Data), ";")
	return t
}

// Both are built on first use: only commands that send mail need them.
var (
	// Hard wraps: a line break in a mail is meant, as in a signature.
	markdown = sync.OnceValue(func() goldmark.Markdown {
		return goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table),
			goldmark.WithRendererOptions(html.WithHardWraps()))
	})
	// The policy allows what replies need (paragraphs, lists, links,
	// emphasis, code, tables) and strips everything that runs or tracks.
	htmlPolicy = sync.OnceValue(bluemonday.UGCPolicy)
)

// renderHTML turns the Markdown of a reply into a small, safe HTML document.
// Raw HTML in the text is escaped by goldmark and sanitised again.
func renderHTML(md string) (string, error) {
	var b bytes.Buffer
	if err := markdown().Convert([]byte(md), &b); err != nil {
		return "", fmt.Errorf("rendering the reply as HTML: %w", err)
	}
	body := htmlPolicy().SanitizeBytes(b.Bytes())
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body>\n" + string(body) + "</body></html>\n", nil
}

// FromAddress is the From of mail written by agent name: "Alice via Acme
// Support" <support@…>; automatic mail is from the desk alone.
func FromAddress(cfg *ticket.Config, agentName string) *mail.Address {
	name := cfg.Name
	if agentName != "" && agentName != cfg.Name {
		name = agentName + " via " + cfg.Name
	}
	return &mail.Address{Name: name, Address: cfg.Email}
}

// ParseAddresses reads addresses given on a command line.
func ParseAddresses(list []string) ([]*mail.Address, error) {
	var out []*mail.Address
	for _, s := range list {
		as, err := mail.ParseAddressList(s)
		if err != nil {
			return nil, fmt.Errorf("address %q: %v", s, err)
		}
		out = append(out, as...)
	}
	return out, nil
}

// MaxAddress is the longest mail address that can be sent.
const MaxAddress = ticket.MaxAddress

// setAddressList writes an address header as go-message's SetAddressList
// does (net/mail's formatting), with display names made valid UTF-8. A
// name with a backslash that net/mail would not quote (non-ASCII text or a
// control character in it) is written as a base64 encoded word: net/mail
// would write a Q encoded word with the backslash bare, which RFC 2047
// does not allow in a display name and strict parsers, net/mail's own
// among them, refuse. A name with a word too long for a header line is
// encoded too (see hasLongWord). An address that cannot be sent (see
// addressFault) is refused.
func setAddressList(h *mail.Header, key string, as []*mail.Address) error {
	var vs []string
	for _, a := range as {
		if a == nil {
			continue
		}
		if fault := addressFault(a.Address); fault != "" {
			return fmt.Errorf("the %s address %s", key, fault)
		}
		name := strings.ToValidUTF8(a.Name, "\uFFFD")
		v := (&mail.Address{Name: name, Address: a.Address}).String()
		// hasLongWord looks at the name as written: quoting doubles each
		// quote and backslash in it.
		if strings.Contains(name, "\\") && !quotable(name) || hasLongWord(v) {
			v = encodeWords(name) + " " + (&mail.Address{Address: a.Address}).String()
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		h.Del(key)
		return nil
	}
	h.Set(key, strings.Join(vs, ", "))
	return nil
}

// addressFault says why an address cannot be sent, as the rest of a
// sentence that names it ("the To address …", "--cc address …"), or
// returns "": longer than MaxAddress (no server takes it, and a header line
// cannot hold it whole), or not reading back as itself once written.
// net/mail leaves out characters it cannot quote, such as NUL, so
// "\x00@example.com" would go out as ""@example.com, and a reader could
// take the header for two addresses.
func addressFault(addr string) string {
	if len(addr) > MaxAddress {
		return fmt.Sprintf("%q is %d bytes long; mail allows at most %d (RFC 5321)", shorten(addr, 60), len(addr), MaxAddress)
	}
	if p, err := mail.ParseAddress((&mail.Address{Address: addr}).String()); err != nil || p.Address != addr {
		return fmt.Sprintf("%q cannot be sent: it has a control character or is not a mail address (user@domain)", shorten(addr, 60))
	}
	return ""
}

// longWord is the longest run without white space that a header value may
// have. go-message folds header lines at white space, and a longer run is
// cut with a space inserted at the 998-byte line limit, which changes the
// text; 900 leaves room for the field name and a quote.
const longWord = 900

// hasLongWord reports whether s has a run of more than longWord bytes
// without a space or tab.
func hasLongWord(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			run = 0
			continue
		}
		if run++; run > longWord {
			return true
		}
	}
	return false
}

// fitIDs leaves out the empty message ids and those too long for a header
// line (a hand-edited ticket can hold one; the importer keeps 250 bytes):
// cut in two, such an id would thread nothing, and mail clients thread by
// the others.
func fitIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && len(id) <= longWord {
			out = append(out, id)
		}
	}
	return out
}

// encodeWords writes s as RFC 2047 base64 encoded words of at most 45
// bytes of UTF-8 each, split between runes, so that a header holding it
// folds between words and reads back whole. mime.BEncoding leaves plain
// ASCII as it is, which is what a too-long word needs changed.
func encodeWords(s string) string {
	var words []string
	for s != "" {
		n := min(len(s), 45)
		for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		if n == 0 {
			n = min(len(s), 45)
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// shorten cuts s to about n bytes for an error message.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// quotable reports whether net/mail writes name as a quoted string (every
// character printable ASCII, space or tab) rather than an encoded word.
func quotable(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; (c < 0x21 || c > 0x7e) && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}
