package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// gramScripts are the scripts whose words are often one or two characters
// long or are written without spaces: a search for 환불 (refund) must find
// 환불은 inside a sentence, and the trigram index cannot look up a word
// shorter than three characters.
var gramScripts = []*unicode.RangeTable{unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar}

func isGramRune(r rune) bool {
	return r >= 0x0E00 && unicode.In(r, gramScripts...)
}

// grams returns every one- and two-character substring of the runs of
// gramScripts in folded text s, separated by spaces, for the grams table
// (whose ascii tokenizer makes each of them a token). Text without such
// runs gives "".
func grams(s string) string {
	var b strings.Builder
	prev := rune(-1) // the rune before, when it is in a run
	for _, r := range s {
		if !isGramRune(r) {
			prev = -1
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		if prev >= 0 {
			b.WriteByte(' ')
			b.WriteRune(prev)
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// isGramTerm reports whether the grams table answers folded term t: one or
// two characters, all of gramScripts.
func isGramTerm(t string) bool {
	n := utf8.RuneCountInString(t)
	if n == 0 || n > 2 {
		return false
	}
	for _, r := range t {
		if !isGramRune(r) {
			return false
		}
	}
	return true
}
