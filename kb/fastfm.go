package kb

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketdesk/ticket/ticket"
)

// fastFrontMatter reads the front matter people and `ticket kb` usually
// write (one "key: plain value" or "key: [a, b]" per line) without the YAML
// decoder, which dominates loading a large knowledge base. Anything else
// reports false, and the caller decodes with yaml.v3, so both paths agree.
func fastFrontMatter(fm string) (frontMatter, bool) {
	var m frontMatter
	if !utf8.ValidString(fm) || strings.ContainsFunc(fm, func(r rune) bool { return !ticket.YAMLPrintable(r) }) {
		return m, false // YAML refuses the file: let it say so
	}
	// YAML breaks lines at these too; only "\n" is handled here.
	if strings.ContainsAny(fm, "\r\u0085\u2028\u2029") {
		return m, false
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSuffix(fm, "\n"), "\n") {
		key, val, ok := strings.Cut(line, ": ")
		if !ok || key == "" || key[0] == ' ' || key[0] == '#' {
			return m, false
		}
		bit := 0
		switch key {
		case "title", "slug", "category", "language", "status", "visibility", "description", "ticket":
			if !plainScalar(val) {
				return m, false
			}
			switch key {
			case "title":
				m.Title, bit = val, 1
			case "slug":
				m.Slug, bit = val, 2
			case "category":
				m.Category, bit = val, 4
			case "language":
				m.Language, bit = val, 8
			case "status":
				m.Status, bit = val, 16
			case "visibility":
				m.Visibility, bit = val, 32
			case "description":
				m.Description, bit = val, 64
			case "ticket":
				m.Ticket, bit = val, 128
			}
		case "tags", "related":
			list, ok := flowList(val)
			if !ok {
				return m, false
			}
			if key == "tags" {
				m.Tags, bit = list, 256
			} else {
				m.Related, bit = list, 512
			}
		case "updated":
			t, err := time.Parse(time.RFC3339, val)
			if err != nil {
				return m, false
			}
			m.Updated, bit = t, 1024
		case "weight":
			n, err := strconv.Atoi(val)
			if err != nil || strconv.Itoa(n) != val {
				return m, false
			}
			m.Weight, bit = n, 2048
		default:
			return m, false
		}
		if seen&bit != 0 {
			return m, false // a repeated key: let YAML report it
		}
		seen |= bit
	}
	return m, true
}

// plainScalar reports whether YAML reads s as exactly this string.
func plainScalar(s string) bool {
	if s == "" || !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == 0xfeff }) {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n":
		return false
	}
	// Numbers and dates are strings to a string field too, but keep them to
	// the decoder so its rules (octal, floats) stay the only ones.
	if c := s[0]; c >= '0' && c <= '9' || c == '+' || c == '.' {
		return false
	}
	return true
}

func flowList(s string) ([]string, bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	inner := strings.Trim(s[1:len(s)-1], " \t") // YAML's white space, not Go's
	if inner == "" {
		return []string{}, true // as YAML reads []
	}
	var out []string
	for _, it := range strings.Split(inner, ",") {
		it = strings.Trim(it, " \t") // YAML's white space, not Go's
		// In a flow list YAML ends a plain item at any of these.
		if !plainScalar(it) || strings.ContainsAny(it, "[]{}?") {
			return nil, false
		}
		out = append(out, it)
	}
	return out, true
}
