package importers

import (
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gmmail "github.com/emersion/go-message/mail"
)

// readHeader fills the header-derived fields of the message.
func (p *parser) readHeader(h header) {
	m := p.msg
	mh := gmmail.Header{Header: message.Header{Header: h.toTextproto()}}

	m.Subject = decodeText(h.get("Subject"), p.hint, p.warn)
	m.MessageID = firstID(h.get("Message-ID"))
	if m.MessageID == "" {
		m.MessageID = firstID(h.get("Resent-Message-ID"))
	}
	m.InReplyTo = msgIDs(h.get("In-Reply-To"))
	for _, v := range h.values("References") {
		m.References = appendUnique(m.References, msgIDs(v)...)
	}

	if from := p.addresses(h, "From"); len(from) > 0 {
		m.From = from[0]
	} else if sender := p.addresses(h, "Sender"); len(sender) > 0 {
		m.From = sender[0]
	}
	m.ReplyTo = p.addresses(h, "Reply-To")
	m.To = p.addresses(h, "To")
	m.Cc = p.addresses(h, "Cc")
	for _, name := range []string{"Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, v := range h.values(name) {
			for _, a := range p.parseAddressList(v) {
				if a.Email != "" {
					m.DeliveredTo = appendUniqueFold(m.DeliveredTo, a.Email)
				}
			}
		}
	}

	if v := h.get("Date"); v != "" {
		t, err := mh.Date()
		if err != nil || t.IsZero() {
			t = parseDateLenient(v)
		}
		if t.IsZero() || t.Year() < 1970 || t.Year() > 9999 {
			p.warn("unparseable Date " + quoteLabel(v))
			t = time.Time{}
		}
		if !t.IsZero() {
			m.Date = t.UTC()
		}
	} else {
		p.warn("no Date header")
	}
	m.Loop = h.has(LoopHeader)
}

var idRe = lazyRegexp(`<([^<>\s]+)>`)

// firstID returns the first message id of a header value, without brackets;
// an unbracketed single token is accepted too.
func firstID(v string) string {
	ids := msgIDs(v)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// msgIDs lists the ids of an In-Reply-To or References value. Bracketed ids
// win; without brackets, whitespace-separated tokens with an @ are used.
func msgIDs(v string) []string {
	v = strings.ToValidUTF8(v, "")
	var out []string
	for _, mm := range idRe().FindAllStringSubmatch(v, -1) {
		out = appendUnique(out, cleanID(mm[1]))
	}
	if len(out) > 0 {
		return out
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == ';' }) {
		f = strings.Trim(f, "<>\"'()")
		if strings.Contains(f, "@") || len(strings.Fields(v)) == 1 {
			out = appendUnique(out, cleanID(f))
		}
	}
	return out
}

func cleanID(s string) string {
	return sanitizeLine(strings.Trim(s, "<> "), 250)
}

func appendUnique(list []string, items ...string) []string {
outer:
	for _, it := range items {
		if it == "" {
			continue
		}
		for _, x := range list {
			if x == it {
				continue outer
			}
		}
		list = append(list, it)
	}
	return list
}

func appendUniqueFold(list []string, it string) []string {
	for _, x := range list {
		if strings.EqualFold(x, it) {
			return list
		}
	}
	return append(list, it)
}

// addresses parses every field of that name.
func (p *parser) addresses(h header, name string) []Address {
	var out []Address
	for _, v := range h.values(name) {
		out = append(out, p.parseAddressList(v)...)
	}
	return out
}

var (
	angleAddrRe = lazyRegexp(`<\s*([^<>\s]+@[^<>\s]+)\s*>`)
	bareAddrRe  = lazyRegexp(`[^\s<>()",;:\[\]]+@[^\s<>()",;:\[\]]+`)
)

// parseAddressList parses an address header with net/mail (the parser
// go-message's mail package wraps) and our lenient charsets; when it
// refuses, it splits the list by hand and salvages each address.
func (p *parser) parseAddressList(v string) []Address {
	raw := strings.TrimSpace(v)
	if raw == "" {
		return nil
	}
	if !isASCII(raw) {
		raw = guess8bit([]byte(raw), p.hint)
	}
	ap := mail.AddressParser{WordDecoder: newWordDecoder()}
	if list, err := ap.ParseList(raw); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: cleanName(decodeWords(a.Name, p.warn)), Email: sanitizeLine(a.Address, 320)})
		}
		return out
	}
	var out []Address
	list := raw
	if strings.Count(list, "\"")%2 == 1 {
		// An unbalanced quote would swallow the rest of the list.
		list = strings.ReplaceAll(list, "\"", "")
		p.warn("address list " + quoteLabel(raw) + " has an unbalanced quote")
	}
	for _, piece := range splitAddressList(list) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		if a, err := ap.Parse(piece); err == nil {
			out = append(out, Address{Name: cleanName(decodeWords(a.Name, p.warn)), Email: sanitizeLine(a.Address, 320)})
			continue
		}
		a := Address{Raw: sanitizeLine(decodeWords(piece, nil), 1000)}
		if mm := angleAddrRe().FindStringSubmatchIndex(piece); mm != nil {
			a.Email = piece[mm[2]:mm[3]]
			a.Name = cleanName(decodeWords(piece[:mm[0]], nil))
		} else if mm := bareAddrRe().FindStringIndex(piece); mm != nil {
			a.Email = piece[mm[0]:mm[1]]
			a.Name = cleanName(decodeWords(strings.TrimSpace(piece[:mm[0]]+" "+piece[mm[1]:]), nil))
		}
		a.Email = sanitizeLine(strings.Trim(a.Email, ".'"), 320)
		p.warn("unparseable address " + quoteLabel(piece))
		out = append(out, a)
	}
	return out
}

// MaxName is the most of a display name kept, in bytes.
const MaxName = 500

// cleanName trims the quotes and comment parentheses around display names.
func cleanName(s string) string {
	s = sanitizeLine(s, MaxName)
	for len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '(' && s[len(s)-1] == ')') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// splitAddressList splits on commas and semicolons outside quotes, angle
// brackets and comments.
func splitAddressList(s string) []string {
	var out []string
	depth, angle := 0, false
	inQ := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
		case c == '"' && depth == 0:
			inQ = !inQ
		case inQ:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case (c == ',' || c == ';') && depth == 0 && !angle:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, Jan 2 2006 15:04:05 -0700",
	"Monday, January 2, 2006 3:04 PM",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"02.01.2006 15:04:05",
	"2 Jan 2006",
}

var dateCommentRe = lazyRegexp(`\([^)]*\)`)

// parseDateLenient tries the date shapes that net/mail refuses.
func parseDateLenient(v string) time.Time {
	v = dateCommentRe().ReplaceAllString(v, " ")
	v = strings.Join(strings.Fields(strings.ReplaceAll(v, ",", ", ")), " ")
	v = strings.ReplaceAll(v, " ,", ",")
	v = strings.ReplaceAll(v, ",,", ",")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	// a trailing zone name after a numeric offset: "… +0200 CEST"
	if f := strings.Fields(v); len(f) > 1 {
		shorter := strings.Join(f[:len(f)-1], " ")
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, shorter); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
