package importers

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// cleanText enforces the text invariants: valid UTF-8, LF line ends, no NUL
// or other C0 controls except tab, lines of at most maxLine
// bytes, no trailing spaces, no leading or trailing blank lines.
func cleanText(s string, maxLine int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l != "-- " { // the signature separator keeps its space
			l = strings.TrimRight(l, " \t\u00a0")
		}
		for maxLine > 0 && len(l) > maxLine {
			cut := cutUTF8(l, maxLine)
			if cut == "" {
				cut = l[:maxLine]
			}
			out = append(out, cut)
			l = l[len(cut):]
		}
		out = append(out, l)
	}
	s = strings.Join(out, "\n")
	return strings.Trim(s, "\n")
}

// lazyRegexp compiles an expression the first time it is used rather than
// when the program starts: every command links this package, few of them
// read mail, and compiling these expressions costs more than the rest of
// a short command's start.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var (
	// "On Mon, 2 Mar 2026 at 10:00, Ann <ann@example.com> wrote:" and its
	// translations; Gmail may wrap it over two lines.
	attributionRe = lazyRegexp(`(?i)^(on\s.{4,300}\swrote|am\s.{4,300}\sschrieb\s.{0,200}|le\s.{4,300}\sa\sécrit|el\s.{4,300}\sescribió|op\s.{4,300}\sschreef\s.{0,200}|il\s.{4,300}\sha\sscritto|em\s.{4,300}\sescreveu|den\s.{4,300}\sskrev\s.{0,200}|.{4,300}\s<[^>\s]+@[^>\s]+>\s(wrote|schrieb))\s?:$`)
	// Outlook and friends: "-----Original Message-----" in several languages.
	originalRe   = lazyRegexp(`(?i)^\s*-{3,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|original meddelande|alkuperäinen viesti|forwarded message|weitergeleitete nachricht)\s*-{3,}\s*$`)
	outlookSepRe = lazyRegexp(`^_{20,}\s*$`)
	headerLineRe = lazyRegexp(`(?i)^\*{0,2}(from|von|de|van|från|da|от)\s?:`)
	sentLineRe   = lazyRegexp(`(?i)^\*{0,2}(sent|date|gesendet|datum|envoyé|enviado|data|verzonden|skickat|отправлено)\s?:`)
)

// splitQuoted splits the reply from the quoted history below it. The
// history starts at the first attribution line ("On … wrote:", "Am …
// schrieb …:"), at an Outlook "-----Original Message-----" or underscore
// separator followed by a From: line, or at a trailing block of "> " lines.
// Inline replies between quoted lines stay in the reply. When nothing would
// be left above the split, nothing is split.
func splitQuoted(s string) (text, quoted string) {
	lines := strings.Split(s, "\n")
	cut := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, ">") {
			continue
		}
		if hasAttributionWord(t) && attributionRe().MatchString(t) {
			cut = i
			break
		}
		if i+1 < len(lines) && len(t) > 3 {
			next := strings.TrimSpace(lines[i+1])
			if hasAttributionWord(next) && attributionRe().MatchString(t+" "+next) && nextQuoted(lines, i+2) {
				cut = i
				break
			}
		}
		if originalRe().MatchString(t) {
			cut = i
			break
		}
		if outlookSepRe().MatchString(t) && i+1 < len(lines) && headerLineRe().MatchString(strings.TrimSpace(lines[i+1])) {
			cut = i
			break
		}
		// Outlook without a separator: a "From:" line, then "Sent:".
		if i > 0 && i+1 < len(lines) && headerLineRe().MatchString(t) && sentLineRe().MatchString(strings.TrimSpace(lines[i+1])) {
			cut = i
			if j := prevNonBlank(lines, i); j >= 0 && isRule(strings.TrimSpace(lines[j])) {
				cut = j
			}
			break
		}
	}
	if cut < 0 {
		// A trailing block of quoted lines (blank lines allowed inside).
		end := len(lines)
		start := end
		for j := end - 1; j >= 0; j-- {
			t := strings.TrimSpace(lines[j])
			if strings.HasPrefix(t, ">") {
				start = j
				continue
			}
			if t == "" {
				continue
			}
			break
		}
		if start < end {
			cut = start
		}
	}
	if cut <= 0 {
		return s, ""
	}
	text = strings.Trim(strings.Join(lines[:cut], "\n"), "\n")
	if strings.TrimSpace(text) == "" {
		return s, ""
	}
	return text, strings.Trim(strings.Join(lines[cut:], "\n"), "\n")
}

// attributionWords are the verbs of attributionRe; a line without one
// cannot match, and checking for them is much cheaper than the expression.
var attributionWords = []string{"wrote", "schrieb", "crit", "escribi", "schreef", "scritto", "escreveu", "skrev"}

func hasAttributionWord(s string) bool {
	if len(s) > 700 {
		return false // longer than any attribution line attributionRe accepts
	}
	l := strings.ToLower(s)
	for _, w := range attributionWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func prevNonBlank(lines []string, i int) int {
	for j := i - 1; j >= 0; j-- {
		if strings.TrimSpace(lines[j]) != "" {
			return j
		}
	}
	return -1
}

// isRule reports whether a line is a separator rule ("* * *", "---", "___").
func isRule(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	return len(s) >= 3 && (strings.Trim(s, "*") == "" || strings.Trim(s, "-") == "" || strings.Trim(s, "_") == "")
}

// nextQuoted reports whether the first non-blank line from i on is quoted.
func nextQuoted(lines []string, i int) bool {
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		return strings.HasPrefix(t, ">")
	}
	return false
}
