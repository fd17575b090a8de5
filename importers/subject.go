package importers

import (
	"strings"
	"unicode"
)

// replyPrefixRe matches one reply or forward prefix as mail programs write
// them in many languages, with an optional counter ("Re[2]:", "Re(3):",
// "Re^2:") and an ASCII or full-width colon.
var replyPrefixRe = lazyRegexp(`(?i)^\s*(re|aw|antw|antwort|sv|vs|vá|odp|odg|ynt|yan[ıi]t|ilt|İlt|fwd?|wg|tr|rv|enc|ref|doorst|vl|trs|rif|r|res|atb|απ|σχετ|ΑΠ|ΣΧΕΤ|отв|ответ|пересл|fw|答复|回复|回覆|转发|轉寄|轉發|返信|転送|답장|회신|전달|ตอบกลับ|ส่งต่อ)\s*(\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*`)

// ticketTagRe matches a ticket tag: "[#" + an id of the ticket alphabet
// (lower-case Crockford base32) + "]".
var ticketTagRe = lazyRegexp(`(?i)\[\s*#\s*([0-9a-hjkmnp-tv-z]{2,32})\s*\]`)

// stripPrefixes removes leading reply and forward prefixes, including
// bracketed list names in front of them ("[users] Re: …" keeps "[users]").
func stripPrefixes(s string) string {
	s = strings.TrimSpace(s)
	for {
		loc := replyPrefixRe().FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return s
		}
		s = strings.TrimSpace(s[loc[1]:])
	}
}

// SubjectTag extracts a ticket id tag "[#7kq2m9]" from a subject after
// stripping reply and forward prefixes. The id is returned lower-cased.
func SubjectTag(subject string) (id string, ok bool) {
	// Control characters (C0, DEL and C1, all that sanitizeLine drops)
	// count as spaces here: a tag split by one, such as "[#0\x000]" or
	// "[#0\u008f0]", is not a tag once they are dropped.
	subject = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, subject)
	s := stripPrefixes(sanitizeLine(subject, 0))
	m := ticketTagRe().FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// CleanSubject removes reply and forward prefixes and the first ticket tag,
// for use as a ticket title.
func CleanSubject(subject string) string {
	s := stripPrefixes(sanitizeLine(subject, 0))
	if loc := ticketTagRe().FindStringIndex(s); loc != nil {
		s = s[:loc[0]] + " " + s[loc[1]:]
		s = stripPrefixes(collapseSpaces(s))
	}
	return collapseSpaces(s)
}
