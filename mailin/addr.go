package mailin

import (
	"strings"

	"github.com/ticketdesk/ticket/ticket"
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

// SameAddress reports whether two addresses name the same mailbox, as
// ticket.SameAddress compares them: ASCII case folded, internationalised
// domains in their IDNA ASCII form, no look-alike merged; an empty address
// matches nothing.
func SameAddress(a, b string) bool {
	return ticket.SameAddress(a, b)
}
