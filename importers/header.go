package importers

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
)

// field is one header field after leniency repairs; Value is still raw
// (RFC 2047 words undecoded, 8-bit bytes as they came).
type field struct {
	Name  string
	Value string
}

// header is an ordered, case-insensitive list of fields.
type header []field

func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func (h header) has(name string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

func (h header) values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// maxFields bounds the header fields read from one entity; real mail has
// a few dozen, long Received chains a few hundred.
const maxFields = 2000

// splitHeader separates the header block from the body of an entity whose
// line ends are already LF. It repairs what real mailboxes get wrong and
// reports each repair through warn. The body is returned unchanged.
func splitHeader(b []byte, maxLine int, warn func(string)) (header, []byte) {
	var h header
	var val []byte // value of the field being read, unfolded
	truncated := false
	flush := func() {
		if len(h) > 0 {
			h[len(h)-1].Value = string(val)
		}
		val = val[:0]
		truncated = false
	}
	skipping := false // past maxFields
	appendCont := func(line []byte) {
		if skipping {
			return
		}
		if maxLine > 0 && len(val)+1+len(line) > maxLine {
			if !truncated {
				warn(fmt.Sprintf("header field %s longer than %d bytes truncated", sanitizeLine(h[len(h)-1].Name, 60), maxLine))
				truncated = true
			}
			return
		}
		val = append(val, ' ')
		val = append(val, line...)
	}
	lineNo := 0
	rest := b
	for len(rest) > 0 {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		lineNo++
		if len(bytes.TrimRight(line, " \t\r")) == 0 {
			if len(line) > 0 && len(h) > 0 && len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') && !bytes.HasPrefix(bytes.TrimLeft(rest, " \t"), []byte("\n")) {
				// A whitespace-only line inside a folded field is not the
				// end of the header when folding continues right after it.
				continue
			}
			flush()
			return h, rest
		}
		line = bytes.TrimRight(line, "\r")
		if maxLine > 0 && len(line) > maxLine {
			line = line[:maxLine]
			warn(fmt.Sprintf("header line %d longer than %d bytes truncated", lineNo, maxLine))
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(h) == 0 {
				warn(fmt.Sprintf("continuation line before any field at header line %d dropped", lineNo))
				continue
			}
			appendCont(bytes.TrimSpace(line))
			continue
		}
		if lineNo == 1 && bytes.HasPrefix(line, []byte("From ")) {
			warn("mbox From_ line at header line 1 dropped")
			continue
		}
		if len(h) == 0 && bytes.HasPrefix(line, []byte(">From ")) {
			warn(fmt.Sprintf("escaped From_ line at header line %d dropped", lineNo))
			continue
		}
		name, value, ok := fieldLine(line)
		if !ok {
			if len(h) == 0 {
				// Not a header at all: the body starts here.
				return nil, b
			}
			warn(fmt.Sprintf("unindented continuation line at header line %d", lineNo))
			appendCont(bytes.TrimSpace(line))
			continue
		}
		if strings.ContainsAny(name, " \t") {
			fixed := strings.Join(strings.Fields(name), "-")
			warn(fmt.Sprintf("header name %q with spaces at header line %d read as %s", sanitizeLine(name, 60), lineNo, fixed))
			name = fixed
		}
		flush()
		if len(h) >= maxFields {
			if !skipping {
				warn(fmt.Sprintf("more than %d header fields, the rest is ignored", maxFields))
				skipping = true
			}
			continue
		}
		h = append(h, field{Name: name})
		val = append(val, value...)
	}
	flush()
	return h, nil
}

// fieldLine splits "Name: value". Names with inner spaces ("Message ID")
// are accepted when short and made of letters, digits and dashes.
func fieldLine(line []byte) (name string, value []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 || i > 76 {
		return "", nil, false
	}
	n := bytes.TrimRight(line[:i], " \t")
	if len(n) == 0 {
		return "", nil, false
	}
	spaces := 0
	for _, c := range n {
		switch {
		case c == ' ' || c == '\t':
			spaces++
		case c > ' ' && c < 0x7f && c != ':':
			if spaces > 0 && !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return "", nil, false
			}
		default:
			return "", nil, false
		}
	}
	if spaces > 0 {
		// Only letters/digits/dashes around the spaces, and at most three
		// words: "Message ID", "Reply To", not a sentence with a colon.
		if spaces > 2 || bytes.ContainsAny(n, "()<>@,;\"[]") {
			return "", nil, false
		}
		for _, c := range n {
			if !(c == ' ' || c == '\t' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return "", nil, false
			}
		}
	}
	return string(n), bytes.TrimSpace(line[i+1:]), true
}

// toTextproto hands the repaired header to go-message, which is the
// canonical header type of the rest of the project.
func (h header) toTextproto() textproto.Header {
	var buf bytes.Buffer
	for _, f := range h {
		v := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, f.Value)
		buf.WriteString(f.Name)
		buf.WriteString(": ")
		buf.WriteString(v)
		buf.WriteString("\r\n")
	}
	buf.WriteString("\r\n")
	th, err := textproto.ReadHeader(bufio.NewReader(&buf))
	if err != nil {
		var out textproto.Header
		for _, f := range h {
			out.Add(f.Name, f.Value)
		}
		return out
	}
	return th
}

// decodeText decodes an unstructured header value: raw 8-bit bytes are
// guessed (UTF-8, else hint charset, else windows-1252), then RFC 2047
// encoded words are decoded. The result is one line of valid UTF-8.
func decodeText(v, hint string, warn func(string)) string {
	if !utf8.ValidString(v) {
		v = guess8bit([]byte(v), hint)
	}
	v = decodeWords(v, warn)
	return sanitizeLine(v, 0)
}

// decodeWords decodes RFC 2047 encoded words. Unlike mime.WordDecoder it
// joins adjacent words of one charset before decoding, so multi-byte
// characters split across words survive, and it accepts words embedded in
// other text, unpadded base64 and unknown charsets.
func decodeWords(s string, warn func(string)) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	var out strings.Builder
	var pend []byte
	pendCS := ""
	flush := func() {
		if pendCS != "" {
			t, w := decodeCharset(pendCS, pend)
			if w != "" && warn != nil {
				warn("encoded word: " + w)
			}
			out.WriteString(t)
		}
		pend, pendCS = pend[:0], ""
	}
	i := 0
	lastWordEnd := -1
	for i < len(s) {
		j := strings.Index(s[i:], "=?")
		if j < 0 {
			break
		}
		j += i
		cs, enc, text, end, ok := parseWord(s, j)
		if !ok {
			flush()
			out.WriteString(s[i : j+2])
			i = j + 2
			lastWordEnd = -1
			continue
		}
		between := s[i:j]
		if lastWordEnd >= 0 && strings.TrimSpace(between) == "" {
			// whitespace between adjacent encoded words is dropped
		} else {
			flush()
			out.WriteString(between)
		}
		raw := wordBytes(enc, text)
		if normCharset(cs) != pendCS {
			flush()
			pendCS = normCharset(cs)
		}
		pend = append(pend, raw...)
		i = end
		lastWordEnd = end
	}
	flush()
	out.WriteString(s[i:])
	return out.String()
}

// parseWord parses "=?cs?e?text?=" at s[at:].
func parseWord(s string, at int) (cs, enc, text string, end int, ok bool) {
	p := at + 2
	q := strings.IndexByte(s[p:], '?')
	if q <= 0 || q > 64 {
		return
	}
	cs = s[p : p+q]
	p += q + 1
	if p+2 > len(s) || s[p+1] != '?' {
		return
	}
	enc = strings.ToLower(s[p : p+1])
	if enc != "b" && enc != "q" {
		return
	}
	p += 2
	e := strings.Index(s[p:], "?=")
	if e < 0 {
		return
	}
	text = s[p : p+e]
	if strings.ContainsAny(text, " \t") && enc == "b" {
		text = strings.Join(strings.Fields(text), "")
	}
	if strings.ContainsAny(cs, " \t") {
		return
	}
	return cs, enc, text, p + e + 2, true
}

func wordBytes(enc, text string) []byte {
	if enc == "b" {
		return decodeBase64Lenient([]byte(text))
	}
	var out []byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

// decodeBase64Lenient decodes what it can: it skips characters outside the
// alphabet, tolerates missing or misplaced padding and stops at nothing.
func decodeBase64Lenient(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-':
			clean = append(clean, '+')
		case c == '_':
			clean = append(clean, '/')
		}
	}
	// Drop a dangling sextet that cannot make a byte.
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// sanitizeLine makes s one trimmed line of valid UTF-8 without control
// characters; max > 0 cuts it to at most max bytes on a rune boundary.
func sanitizeLine(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r): // the rest of C0, DEL and C1
			return -1
		}
		return r
	}, s)
	s = collapseSpaces(s)
	if max > 0 && len(s) > max {
		s = cutUTF8(s, max)
	}
	return s
}

// cutUTF8 cuts s to at most n bytes without splitting a rune.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// collapseSpaces trims ASCII spaces and folds runs of them into one; other
// Unicode spaces (such as the ideographic space) are content and stay.
func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
