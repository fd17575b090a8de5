package kb

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for search the same way the search script does:
// accents dropped (NFD, then combining diacritical marks U+0300–U+036F
// removed, then NFC) and lower case. Scripts without spaces between words
// (Korean, Thai, Chinese, Japanese) are matched by substring, so folding
// leaves their letters alone.
func Fold(s string) string {
	// Runs of ASCII only need lower case. Every other run is folded whole
	// together with the ASCII character before it, the only one a mark in
	// the run can belong to, so the result is what folding the whole
	// string gives.
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf {
			j++
		}
		if j == len(s) {
			lowerASCII(&b, s[i:])
			break
		}
		start := j
		if start > i {
			start--
			lowerASCII(&b, s[i:start])
		}
		k := j
		for k < len(s) && (s[k] >= utf8.RuneSelf || k+1 < len(s) && s[k+1] >= utf8.RuneSelf) {
			k++
		}
		b.WriteString(foldAll(s[start:k]))
		i = k
	}
	return b.String()
}

func lowerASCII(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

func foldAll(s string) string {
	d := norm.NFD.String(s)
	d = strings.Map(func(r rune) rune {
		if r >= 0x300 && r <= 0x36f {
			return -1
		}
		return r
	}, d)
	return strings.ToLower(norm.NFC.String(d))
}
