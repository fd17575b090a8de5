package importers

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
)

// readBody walks the MIME tree of the top-level entity.
func (p *parser) readBody(h header, body []byte) {
	p.walk(h, body, 0, true, "")
}

// walk handles one entity. wantText is false inside the branches of a
// multipart/alternative that were not chosen: their text is a copy of the
// chosen one, but their images and files are still kept.
func (p *parser) walk(h header, body []byte, depth int, wantText bool, parent string) {
	p.parts++
	if p.parts > p.opt.MaxParts {
		if p.parts == p.opt.MaxParts+1 {
			p.warn(fmt.Sprintf("more than %d MIME parts, the rest is ignored", p.opt.MaxParts))
			p.note(fmt.Sprintf("the message has more than %d MIME parts; the rest were dropped (limits.mime_parts)", p.opt.MaxParts))
		}
		return
	}
	ctRaw := h.get("Content-Type")
	ct, params := parseParams(ctRaw, p.hint, p.warn)
	if !strings.Contains(ct, "/") {
		if strings.TrimSpace(ctRaw) != "" {
			p.warn("invalid Content-Type " + quoteLabel(ctRaw) + " read as text/plain")
		}
		if parent == "digest" {
			ct = "message/rfc822"
		} else {
			ct = "text/plain"
		}
	}
	cte := strings.ToLower(strings.Trim(strings.TrimSpace(h.get("Content-Transfer-Encoding")), "\"'"))
	disp, dparams := parseParams(h.get("Content-Disposition"), p.hint, p.warn)

	if strings.HasPrefix(ct, "multipart/") {
		if cte == "base64" || cte == "quoted-printable" {
			p.warn("multipart entity with Content-Transfer-Encoding " + cte + " decoded")
			body = p.decodeTransfer(body, cte)
		}
		if depth >= p.opt.MaxDepth {
			p.warn(fmt.Sprintf("MIME nesting deeper than %d, inner parts ignored", p.opt.MaxDepth))
			p.note(fmt.Sprintf("MIME parts nested deeper than %d levels were dropped (limits.mime_depth)", p.opt.MaxDepth))
			return
		}
		p.walkMultipart(ct, params, body, depth, wantText)
		return
	}

	data := p.decodeTransfer(body, cte)
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	isText := ct == "text/plain" || ct == "text/html" || ct == "text/enriched" || ct == "text/markdown"
	attached := disp == "attachment" || filename != "" && len(p.texts) > 0
	if isText && !attached {
		if wantText {
			p.addText(ct, params, data)
		}
		return
	}
	switch ct {
	case "message/delivery-status", "message/global-delivery-status":
		p.hasDSN = true
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
		if p.bounceID == "" {
			inner, _ := splitHeader(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), p.opt.MaxLineBytes, func(string) {})
			p.bounceID = firstID(inner.get("Message-ID"))
		}
	}
	cid := cleanID(h.get("Content-ID"))
	inline := disp == "inline" || disp == "" && cid != ""
	p.addAttachment(ct, filename, cid, inline, data)
}

func (p *parser) walkMultipart(ct string, params map[string]string, body []byte, depth int, wantText bool) {
	sub := strings.TrimPrefix(ct, "multipart/")
	if sub == "report" && strings.EqualFold(params["report-type"], "delivery-status") {
		p.isReport = true
	}
	boundary := params["boundary"]
	if boundary == "" {
		boundary = guessBoundary(body)
		if boundary == "" {
			p.warn(ct + " without boundary read as text")
			if wantText {
				p.addText("text/plain", nil, body)
			}
			return
		}
		p.warn(ct + " without boundary parameter, guessed from the body")
	}
	parts, closed := splitMultipart(body, boundary)
	if len(parts) == 0 {
		p.warn(ct + " with no parts read as text")
		if wantText {
			p.addText("text/plain", nil, body)
		}
		return
	}
	if !closed {
		p.warn("missing final MIME boundary in " + ct)
	}
	type entity struct {
		h    header
		body []byte
	}
	ents := make([]entity, len(parts))
	for i, part := range parts {
		h, b := splitHeader(part, p.opt.MaxLineBytes, p.warn)
		ents[i] = entity{h, b}
	}
	chosen := -1
	if sub == "alternative" {
		best := -1
		for i, e := range ents {
			pct, pparams := parseParams(e.h.get("Content-Type"), p.hint, func(string) {})
			if pct == "" {
				pct = "text/plain"
			}
			score := 0
			switch {
			case pct == "text/plain":
				// Some senders put an empty text/plain beside the real HTML.
				data, _ := transferDecode(e.body, strings.ToLower(strings.TrimSpace(e.h.get("Content-Transfer-Encoding"))))
				t, _ := decodeCharset(pparams["charset"], data)
				if strings.TrimSpace(t) != "" {
					score = 4
				}
			case strings.HasPrefix(pct, "multipart/"):
				score = 3
			case pct == "text/html":
				score = 2
			case strings.HasPrefix(pct, "text/"):
				score = 1
			}
			if score > best || score == best && score == 0 {
				best, chosen = score, i
			}
		}
	}
	for i, e := range ents {
		want := wantText && (chosen < 0 || i == chosen)
		p.walk(e.h, e.body, depth+1, want, sub)
	}
}

// splitMultipart splits a multipart body (LF line ends) at its boundary
// lines. closed reports whether the final "--boundary--" line was seen.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	start := -1
	pos := 0
	for pos <= len(body) {
		end := bytes.IndexByte(body[pos:], '\n')
		var line []byte
		next := 0
		if end < 0 {
			line = body[pos:]
			next = len(body) + 1
		} else {
			line = body[pos : pos+end]
			next = pos + end + 1
		}
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t\r")
			isClose := bytes.Equal(rest, []byte("--"))
			if isClose || len(rest) == 0 {
				if start >= 0 {
					stop := pos
					if stop > start && body[stop-1] == '\n' {
						stop--
					}
					if stop < start {
						stop = start
					}
					parts = append(parts, body[start:stop])
				}
				if isClose {
					return parts, true
				}
				start = next
				if start > len(body) {
					start = len(body)
				}
			}
		}
		pos = next
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// guessBoundary finds a boundary when the parameter is missing: the first
// "--x" line that occurs at least twice.
func guessBoundary(body []byte) string {
	lines := bytes.SplitN(body, []byte("\n"), 200)
	for i, l := range lines {
		l = bytes.TrimRight(l, " \t\r")
		if len(l) < 4 || !bytes.HasPrefix(l, []byte("--")) || bytes.Count(l, []byte(" ")) > 0 {
			continue
		}
		cand := bytes.TrimSuffix(l[2:], []byte("--"))
		for _, m := range lines[i+1:] {
			if bytes.HasPrefix(m, l) || bytes.HasPrefix(m, append([]byte("--"), cand...)) {
				return string(cand)
			}
		}
	}
	return ""
}

// decodeTransfer undoes a Content-Transfer-Encoding, leniently, and notes
// any repair.
func (p *parser) decodeTransfer(b []byte, cte string) []byte {
	out, w := transferDecode(b, cte)
	if w != "" {
		p.warn(w)
	}
	return out
}

func transferDecode(b []byte, cte string) ([]byte, string) {
	switch cte {
	case "base64":
		out, clean := base64Body(b)
		if !clean {
			return out, "broken base64 decoded as far as possible"
		}
		return out, ""
	case "quoted-printable":
		out, clean := quotedPrintable(b)
		if !clean {
			return out, "broken quoted-printable decoded as far as possible"
		}
		return out, ""
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return b, ""
	default:
		return b, "unknown Content-Transfer-Encoding " + quoteLabel(cte) + " read as 8bit"
	}
}

// base64Body decodes a base64 body. Padding in the middle (concatenated
// chunks) starts a new group; foreign characters are skipped.
func base64Body(b []byte) (out []byte, clean bool) {
	clean = true
	var seg []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			seg = append(seg, c)
		case c == '=':
			if len(seg)%4 == 1 {
				clean = false
			}
			out = append(out, decodeBase64Lenient(seg)...)
			seg = seg[:0]
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			clean = false
		}
	}
	if len(seg)%4 != 0 {
		clean = false
	}
	out = append(out, decodeBase64Lenient(seg)...)
	return out, clean
}

// quotedPrintable decodes RFC 2045 quoted-printable; an "=" that starts no
// valid escape is kept as it is.
func quotedPrintable(b []byte) (out []byte, clean bool) {
	clean = true
	out = make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			if c == '\n' {
				// trailing whitespace before a line end is transport padding
				for len(out) > 0 && (out[len(out)-1] == ' ' || out[len(out)-1] == '\t') {
					out = out[:len(out)-1]
				}
			}
			out = append(out, c)
			continue
		}
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '\r' {
			j++
		}
		if j >= len(b) || b[j] == '\n' {
			i = j // soft line break
			continue
		}
		if i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		clean = false
		out = append(out, c)
	}
	return out, clean
}

var metaCharsetRe = lazyRegexp(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_.:-]+)`)

// addText decodes a body text part and queues it for the message text.
func (p *parser) addText(ct string, params map[string]string, data []byte) {
	cs := params["charset"]
	if ct == "text/html" && cs == "" {
		head := data
		if len(head) > 4096 {
			head = head[:4096]
		}
		if m := metaCharsetRe().FindSubmatch(head); m != nil {
			cs = string(m[1])
		}
	}
	s, w := decodeCharset(cs, data)
	if w != "" {
		p.warn(w)
	}
	switch {
	case ct == "text/html":
		s = htmlToMarkdown(s)
		p.fromHTML = true
	case strings.EqualFold(params["format"], "flowed"):
		s = unflow(strings.ReplaceAll(s, "\r\n", "\n"), strings.EqualFold(params["delsp"], "yes"))
	}
	if strings.TrimSpace(s) != "" {
		p.texts = append(p.texts, s)
	}
}

var (
	cellEndRe   = lazyRegexp(`(?i)</t[dh]\s*>`)
	dropBlockRe = lazyRegexp(`(?is)<(script|style|head|title|noscript|template|iframe|object)\b.*?</(script|style|head|title|noscript|template|iframe|object)\s*>`)
	htmlTagRe   = lazyRegexp(`(?s)<[^>]*>`)
)

// htmlToMarkdown renders HTML mail as readable Markdown. Scripts, styles
// and the head never reach the text.
func htmlToMarkdown(s string) string {
	s = dropBlockRe().ReplaceAllString(s, "")
	// Tables in mail are mostly layout: keep cells apart and rows as blocks
	// of their own instead of building Markdown tables.
	s = cellEndRe().ReplaceAllString(s, " $0")
	conv := converter.NewConverter(converter.WithPlugins(base.NewBasePlugin(), commonmark.NewCommonmarkPlugin()))
	conv.Register.TagType("tr", converter.TagTypeBlock, converter.PriorityEarly)
	md, err := conv.ConvertString(s)
	if err != nil {
		md = htmlTagRe().ReplaceAllString(s, " ")
	}
	return md
}

// unflow joins the soft line breaks of RFC 3676 format=flowed text: a line
// ending in a space continues on the next line of the same quote depth.
// Space-stuffing is removed and quoted lines are written as "> text".
func unflow(s string, delsp bool) string {
	var out []string
	var cur strings.Builder
	depth, open := 0, false
	prefix := func(d int) string {
		if d == 0 {
			return ""
		}
		return strings.Repeat(">", d) + " "
	}
	for _, l := range strings.Split(s, "\n") {
		d := 0
		for d < len(l) && l[d] == '>' {
			d++
		}
		body := strings.TrimPrefix(l[d:], " ")
		if open && d != depth {
			out = append(out, prefix(depth)+cur.String())
			cur.Reset()
			open = false
		}
		flowed := strings.HasSuffix(body, " ") && body != "-- "
		if flowed && delsp {
			body = body[:len(body)-1]
		}
		cur.WriteString(body)
		depth = d
		if flowed {
			open = true
			continue
		}
		out = append(out, prefix(d)+cur.String())
		cur.Reset()
		open = false
	}
	if open {
		out = append(out, prefix(depth)+cur.String())
	}
	return strings.Join(out, "\n")
}
