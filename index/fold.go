package index

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folding makes search case- and diacritic-insensitive: "muller" finds
// "Müller", "istanbul" finds "İstanbul" and "ISTANBUL". Accents are removed
// only from Latin, Greek and Cyrillic letters; Thai vowel and tone marks and
// Hangul syllables are kept whole, since there they are part of the letter.

// foldTable maps the runes below foldLimit that fold to something other
// than themselves.
const foldLimit = 0x2000

var foldTable = sync.OnceValue(func() map[rune]string {
	m := map[rune]string{}
	for r := rune(0x80); r < foldLimit; r++ {
		if r >= 0x0300 && r < 0x0370 {
			m[r] = "" // a lone combining mark
			continue
		}
		var b strings.Builder
		for _, c := range norm.NFD.String(string(r)) {
			if c >= 0x0300 && c < 0x0370 {
				continue
			}
			b.WriteRune(unicode.ToLower(c))
		}
		switch r {
		case 'ı', 'İ':
			b.Reset()
			b.WriteByte('i')
		case 'ß':
			b.Reset()
			b.WriteString("ss")
		}
		if s := b.String(); s != string(r) {
			m[r] = s
		}
	}
	// Latin Extended Additional (Vietnamese) and fullwidth forms.
	for r := rune(0x1E00); r < 0x1F00; r++ {
		var b strings.Builder
		for _, c := range norm.NFD.String(string(r)) {
			if c < 0x0300 || c >= 0x0370 {
				b.WriteRune(unicode.ToLower(c))
			}
		}
		m[r] = b.String()
	}
	return m
})

// fold returns s folded for matching. When offsets is not nil it is filled
// with, for each byte of the result, the offset in s of the rune it came
// from, followed by len(s).
func fold(s string, offsets *[]int) string {
	var b strings.Builder
	b.Grow(len(s))
	tab := foldTable()
	var offs []int
	if offsets != nil {
		offs = make([]int, 0, len(s)+1)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			if offsets != nil {
				offs = append(offs, i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		var out string
		if f, ok := tab[r]; ok {
			out = f
		} else if r < foldLimit || (r >= 0x1E00 && r < 0x1F00) {
			out = s[i : i+n]
		} else if l := unicode.ToLower(r); l != r {
			out = string(l)
		} else {
			out = s[i : i+n]
		}
		b.WriteString(out)
		if offsets != nil {
			for range len(out) {
				offs = append(offs, i)
			}
		}
		i += n
	}
	if offsets != nil {
		*offsets = append(offs, len(s))
	}
	return b.String()
}
