package kb

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for search the same way the search script does:
// accents dropped (NFD, then combining diacritical marks U+0300–U+036F
// removed, then NFC) and lower case. Scripts without spaces between words
// (Korean, Thai, Chinese, Japanese) are matched by substring, so folding
// leaves their letters alone.
func Fold(s string) string {
	d := norm.NFD.String(s)
	d = strings.Map(func(r rune) rune {
		if r >= 0x300 && r <= 0x36f {
			return -1
		}
		return r
	}, d)
	return strings.ToLower(norm.NFC.String(d))
}
