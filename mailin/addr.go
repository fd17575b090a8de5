package mailin

import (
	"strings"
)

// NormalizeAddress is how customers are compared and stored: trimmed, angle
// brackets dropped, ASCII letters lower-cased. Only ASCII is folded: full
// Unicode case folding maps look-alikes such as the Kelvin sign "K" onto
// plain "k", and a look-alike address must never pass for the customer.
// Non-ASCII characters (international addresses, IDN domains) are kept
// exactly as written, so "jаne@example.com" with a Cyrillic "а" is somebody
// else.
func NormalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	s = strings.TrimSpace(s)
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SameAddress reports whether two addresses name the same mailbox after
// NormalizeAddress; an empty address matches nothing.
func SameAddress(a, b string) bool {
	a, b = NormalizeAddress(a), NormalizeAddress(b)
	return a != "" && a == b
}
