package ticket

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseFrontMatterFast reads front matter in the shape Render writes —
// one "key: value" per line, plain or double-quoted scalars, a flow list of
// tags, a "fields:" block — about ten times faster than yaml.v3, which
// matters when listing 100,000 tickets. Anything it is not sure of (comments,
// block scalars, anchors, unusual quoting, any error) makes it give up, and
// the full YAML reader decides; FuzzFastFrontMatter checks both agree.
func parseFrontMatterFast(src string) (*Ticket, bool) {
	t := &Ticket{}
	var seen uint32
	line := 1
	for pos := 0; pos < len(src); line++ {
		nl := strings.IndexByte(src[pos:], '\n')
		if nl < 0 {
			return nil, false // Parse always hands over text ending in a newline
		}
		ln := src[pos : pos+nl]
		pos += nl + 1
		key, rest, ok := strings.Cut(ln, ":")
		if !ok || !simpleKey(key) {
			return nil, false
		}
		bit, known := keyBits[key]
		if !known || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
		if rest == "" {
			if key != "fields" {
				if setScalar(t, key, "", line+1) != nil {
					return nil, false
				}
				continue
			}
			// The fields block: "  name: value" lines.
			for pos < len(src) && strings.HasPrefix(src[pos:], "  ") {
				nl := strings.IndexByte(src[pos:], '\n')
				if nl < 0 {
					return nil, false
				}
				fl := src[pos+2 : pos+nl]
				pos += nl + 1
				line++
				name, val, ok := cutField(fl)
				if !ok || name == "" {
					return nil, false
				}
				if _, dup := t.Fields[name]; dup {
					return nil, false
				}
				if t.Fields == nil {
					t.Fields = map[string]string{}
				}
				t.Fields[name] = val
			}
			continue
		}
		if rest[0] != ' ' {
			return nil, false
		}
		val := rest[1:]
		if key == "tags" {
			tags, ok := flowList(val)
			if !ok {
				return nil, false
			}
			t.Tags = tags
			continue
		}
		if key == "fields" {
			return nil, false
		}
		s, ok := fastScalar(val)
		if !ok || setScalar(t, key, s, line+1) != nil {
			return nil, false
		}
	}
	const required = 1<<0 | 1<<2 | 1<<10 // id, status, created
	if seen&required != required {
		return nil, false
	}
	if t.Priority == "" {
		t.Priority = PriorityNormal
	}
	if t.Updated.IsZero() {
		t.Updated = t.Created
	}
	return t, true
}

var keyBits = map[string]uint32{
	"id": 1 << 0, "title": 1 << 1, "status": 1 << 2, "priority": 1 << 3, "channel": 1 << 4,
	"customer": 1 << 5, "assignee": 1 << 6, "team": 1 << 7, "tags": 1 << 8, "language": 1 << 9,
	"created": 1 << 10, "updated": 1 << 11, "first_response": 1 << 12, "resolved": 1 << 13,
	"reopened": 1 << 14, "sla": 1 << 15, "fields": 1 << 16,
}

func simpleKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// maxFastKey is the longest field name, in bytes up to its colon, that the
// fast reader takes. YAML puts the colon of an implicit key at most 1024
// characters after the key's start and refuses the file otherwise; Render
// writes longer names in the explicit "? name" form, which only the full
// reader parses.
const maxFastKey = 1000

// cutField splits `name: value` of the fields block; either side may be
// double-quoted.
func cutField(fl string) (string, string, bool) {
	var name, rest string
	if strings.HasPrefix(fl, `"`) {
		end := closingQuote(fl, 0)
		if end < 0 || end >= maxFastKey {
			return "", "", false
		}
		n, ok := unquoteDQ(fl[:end+1])
		if !ok {
			return "", "", false
		}
		name, rest = n, fl[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		rest = rest[1:]
	} else {
		i := strings.Index(fl, ": ")
		if i <= 0 {
			if strings.HasSuffix(fl, ":") {
				i = len(fl) - 1
			} else {
				return "", "", false
			}
		}
		if i > maxFastKey {
			return "", "", false
		}
		var ok bool
		if name, ok = fastScalar(fl[:i]); !ok || name == "" || strings.ContainsAny(name, ":") {
			return "", "", false
		}
		rest = fl[i+1:]
	}
	if rest == "" {
		return name, "", true
	}
	if rest[0] != ' ' {
		return "", "", false
	}
	v, ok := fastScalar(rest[1:])
	return name, v, ok
}

// fastScalar decodes a plain or double-quoted scalar, or gives up.
func fastScalar(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	if v[0] == '"' {
		if closingQuote(v, 0) != len(v)-1 {
			return "", false
		}
		return unquoteDQ(v)
	}
	switch v {
	case "null", "Null", "NULL", "~":
		return "", true
	}
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@` \t", v[0]) >= 0 {
		return "", false
	}
	if v[len(v)-1] == ' ' || v[len(v)-1] == ':' || strings.Contains(v, " #") || strings.Contains(v, ": ") ||
		strings.ContainsAny(v, "\t\r") || !utf8.ValidString(v) {
		return "", false
	}
	for _, r := range v {
		if !YAMLPrintable(r) || r == '\t' || r == 0xfeff || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return "", false
		}
	}
	return v, true
}

// YAMLPrintable is YAML's set of characters allowed in a stream: tab, line
// breaks and the printable ranges. Anything else makes yaml.v3 reject the
// file, so the fast reader must give up on it too.
func YAMLPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// flowList reads [a, "b c"] as written by Render.
func flowList(v string) ([]string, bool) {
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, false
	}
	inner := v[1 : len(v)-1]
	if inner == "" {
		return nil, false
	}
	var out []string
	for inner != "" {
		var item string
		if inner[0] == '"' {
			end := closingQuote(inner, 0)
			if end < 0 {
				return nil, false
			}
			s, ok := unquoteDQ(inner[:end+1])
			if !ok {
				return nil, false
			}
			item, inner = s, inner[end+1:]
		} else {
			i := strings.IndexByte(inner, ',')
			if i < 0 {
				i = len(inner)
			}
			s, ok := fastScalar(inner[:i])
			// In a flow list YAML ends a plain item at any of these.
			if !ok || s == "" || strings.ContainsAny(s, "[]{}:?") {
				return nil, false
			}
			item, inner = s, inner[i:]
		}
		out = append(out, item)
		if inner == "" {
			break
		}
		if !strings.HasPrefix(inner, ", ") {
			return nil, false
		}
		inner = inner[2:]
		if inner == "" {
			return nil, false
		}
	}
	return out, true
}

// unquoteDQ decodes a YAML double-quoted scalar using the escapes Render
// writes; anything else gives up.
func unquoteDQ(q string) (string, bool) {
	body := q[1 : len(q)-1]
	if !utf8.ValidString(body) {
		return "", false
	}
	for _, r := range body {
		if !YAMLPrintable(r) || r == '\n' || r == '\r' || r == 0x85 {
			return "", false
		}
	}
	if !strings.ContainsAny(body, "\\") {
		return body, true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		switch body[i] {
		case '"', '\\': // not '/': JSON has it, yaml.v3 refuses it
			b.WriteByte(body[i])
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[body[i]]
			if i+1+n > len(body) {
				return "", false
			}
			r, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", false
			}
			b.WriteRune(rune(r))
			i += n
		default:
			return "", false
		}
	}
	s := b.String()
	return s, utf8.ValidString(s)
}
