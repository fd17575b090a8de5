package importers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LoopHeader is the header name the desk puts on every mail it sends; a
// message that carries it is our own mail coming back.
const LoopHeader = "X-Ticket-Loop"

// Address is one mailbox from an address header.
type Address struct {
	Name  string // display name, decoded to UTF-8
	Email string // addr-spec as written
	Raw   string // the original header text, set only when it did not parse
}

// Attachment is one non-body part of a message.
type Attachment struct {
	Filename    string // safe base name, unique within the message, never empty
	ContentType string // lower-case media type, e.g. "image/png"
	ContentID   string // without angle brackets, for inline images
	Inline      bool   // shown inside the body (Content-Disposition inline or referenced by Content-ID)
	Data        []byte // decoded content
}

// Message is one mail message turned into clean Go values.
type Message struct {
	MessageID   string    // without angle brackets; derived from the bytes when missing
	InReplyTo   []string  // ids without brackets
	References  []string  // ids without brackets, in header order
	From        Address   // the first From address
	ReplyTo     []Address // Reply-To addresses
	To, Cc      []Address // recipients
	DeliveredTo []string  // Delivered-To / X-Original-To / Envelope-To addresses
	Subject     string    // decoded, one line, trimmed
	Date        time.Time // UTC; zero when missing or unparseable
	Text        string    // the reply itself as readable plain text or Markdown
	Quoted      string    // quoted history split off below the reply
	HTML        bool      // Text was converted from HTML
	Attachments []Attachment
	Auto        string   // "", "auto-reply", "bounce", "list" or "bulk"
	Bounced     string   // for a bounce: Message-ID of the message that bounced
	Loop        bool     // the message carries LoopHeader
	Language    string   // ISO 639-1 code of Subject and Text, "" when unsure
	Warnings    []string // repairs that leniency had to make
	Dropped     []string // what a limit left out, a sentence each, for the entry
	Raw         []byte   // the original bytes
}

// Options bounds the work Parse does on one message. Zero values select the
// defaults.
type Options struct {
	MaxSize      int64 // larger messages are refused; default 10 MiB
	MaxParts     int   // MIME parts read; default 200
	MaxDepth     int   // MIME nesting; default 20
	MaxLineBytes int   // longer lines are split; default 1 MiB
	// NoLanguage leaves Language empty for the caller to detect when it
	// needs it (DetectLanguage): detection is most of the cost of a parse,
	// and an importer needs it only for a message that opens a ticket.
	NoLanguage bool
	// MaxAttachment: a larger attachment is dropped and noted in Dropped;
	// default MaxSize.
	MaxAttachment int64
}

const (
	defaultMaxSize  = 10 << 20
	defaultMaxParts = 200
	defaultMaxDepth = 20
	defaultMaxLine  = 1 << 20
)

func (o Options) withDefaults() Options {
	if o.MaxSize <= 0 {
		o.MaxSize = defaultMaxSize
	}
	if o.MaxParts <= 0 {
		o.MaxParts = defaultMaxParts
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = defaultMaxLine
	}
	if o.MaxAttachment <= 0 {
		o.MaxAttachment = o.MaxSize
	}
	return o
}

// ErrTooLarge is wrapped by the error Parse returns for a message above
// Options.MaxSize.
var ErrTooLarge = errors.New("message too large")

// ErrNotMail is wrapped by the error Parse returns when the bytes hold no
// header at all.
var ErrNotMail = errors.New("no mail header found")

// Parse reads one message; it is safe for concurrent use. It returns an
// error only when nothing useful can be read at all (the caller then
// quarantines the raw bytes with err.Error() as the reason). Everything
// else is repaired and noted in Warnings.
func Parse(raw []byte, opt Options) (*Message, error) {
	opt = opt.withDefaults()
	if int64(len(raw)) > opt.MaxSize {
		return nil, newOversize(raw, int64(len(raw)), opt.MaxSize)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrNotMail)
	}
	m := &Message{Raw: raw}
	p := &parser{opt: opt, msg: m}
	b := p.normaliseLineEnds(raw)
	h, body := splitHeader(b, opt.MaxLineBytes, p.headerWarn)
	if len(h) == 0 {
		return nil, fmt.Errorf("%w: first line %q", ErrNotMail, sanitizeLine(firstLine(b), 60))
	}
	p.h = h
	p.hint = charsetHint(h, body)
	p.readHeader(h)
	p.readBody(h, body)
	p.finish()
	return m, nil
}

// peekMessageID names a refused message by its Message-ID ("<id>: "), read
// from the first 64 KiB, or returns "".
func peekMessageID(raw []byte) string {
	if len(raw) > 64<<10 {
		raw = raw[:64<<10]
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	h, _ := splitHeader(raw, defaultMaxLine, func(string) {})
	if id := firstID(h.get("Message-ID")); id != "" {
		return "<" + id + ">: "
	}
	return ""
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

// parser carries the state of one Parse call.
type parser struct {
	opt   Options
	msg   *Message
	h     header
	hint  string // charset to guess raw 8-bit header bytes with
	parts int
	seen  map[string]bool

	texts    []string // body text pieces in order
	fromHTML bool
	bounceID string
	isReport bool // multipart/report; report-type=delivery-status seen
	hasDSN   bool // message/delivery-status part seen
}

func (p *parser) warn(s string) {
	if len(p.msg.Warnings) < 100 {
		p.msg.Warnings = append(p.msg.Warnings, s)
	}
}

// normaliseLineEnds turns CRLF and CR-only line ends into LF for parsing;
// Message.Raw keeps the original bytes.
func (p *parser) normaliseLineEnds(raw []byte) []byte {
	hasLF := bytes.IndexByte(raw, '\n') >= 0
	hasCR := bytes.IndexByte(raw, '\r') >= 0
	switch {
	case !hasCR:
		return raw
	case !hasLF:
		p.warn("CR-only line ends read as LF")
		return bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))
	default:
		return bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	}
}

// charsetHint picks the charset to read raw 8-bit header bytes with: the
// first charset parameter of the message.
func charsetHint(h header, body []byte) string {
	if _, params := parseParams(h.get("Content-Type"), "", func(string) {}); params["charset"] != "" {
		return params["charset"]
	}
	lb := body
	if len(lb) > 64<<10 {
		lb = lb[:64<<10]
	}
	// ASCII folding only: bytes.ToLower turns invalid UTF-8 into longer
	// replacement characters, so its offsets would not fit the body.
	i := bytes.Index(asciiLower(lb), []byte("charset="))
	if i < 0 {
		return ""
	}
	rest := lb[i+len("charset="):]
	rest = bytes.TrimLeft(rest, "\"'")
	end := bytes.IndexFunc(rest, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if end < 0 {
		end = len(rest)
	}
	if end > 40 {
		return ""
	}
	return string(rest[:end])
}

// asciiLower returns a copy of b with A-Z lowered and every other byte as
// it was, so offsets into it are offsets into b.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// finish fills in derived fields and enforces the output invariants.
func (p *parser) finish() {
	m := p.msg
	text := strings.Join(p.texts, "\n\n")
	if n := longestLine(text); n > p.opt.MaxLineBytes {
		p.limited(fmt.Sprintf("a line of %d bytes was split into lines of at most %d bytes (limits.line_length)", n, p.opt.MaxLineBytes))
	}
	text = cleanText(text, p.opt.MaxLineBytes)
	m.Text, m.Quoted = splitQuoted(text)
	m.HTML = p.fromHTML
	if m.MessageID == "" {
		sum := sha256.Sum256(m.Raw)
		m.MessageID = hex.EncodeToString(sum[:])[:32] + "@ticket.invalid"
		p.warn("no Message-ID, derived one from the message bytes")
	}
	classify(p)
	if m.Auto == "bounce" {
		m.Bounced = p.bounceID
		if m.Bounced == "" {
			m.Bounced = bouncedFromText(m.Text + "\n" + m.Quoted)
		}
		if m.Bounced == "" && len(m.InReplyTo) > 0 {
			m.Bounced = m.InReplyTo[0]
		}
		if m.Bounced == "" && len(m.References) > 0 {
			m.Bounced = m.References[len(m.References)-1]
		}
	}
	if !p.opt.NoLanguage {
		m.Language = DetectLanguage(m.Subject, m.Text)
	}
	for i, w := range m.Warnings {
		m.Warnings[i] = sanitizeLine(w, 300)
	}
}
