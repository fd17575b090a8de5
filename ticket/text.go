package ticket

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CleanText makes text safe to store: invalid UTF-8 and NUL become U+FFFD,
// CRLF and lone CR become LF. Every text that enters a ticket passes through
// it, so a ticket file is always valid UTF-8 with LF line ends.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			i++
			continue
		case c == 0:
			b.WriteRune(utf8.RuneError)
			i++
			continue
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == 0 {
			return false
		}
		if c >= utf8.RuneSelf {
			return utf8.ValidString(s[i:]) && !strings.ContainsAny(s[i:], "\r\x00")
		}
	}
	return true
}

// CleanLine is CleanText for one-line values such as titles and names: line
// breaks and tabs become spaces, other control characters are dropped, and the
// result is trimmed.
func CleanLine(s string) string {
	s = CleanText(s)
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// Time canonicalises a time for storage: UTC, whole seconds.
func Time(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}
