package ticket

import "time"

// Digest is what listings need to know of a ticket's conversation without
// reading it: loaded through the index, a ticket's front matter comes with
// its digest, and the entries only when a command asks for them.
type Digest struct {
	Entries int       // number of entries; -1 when the ticket has none at all (nil)
	LastAt  time.Time // time of the last entry in file order; zero without entries
}

// DigestOf computes the digest of a fully loaded ticket.
func DigestOf(t *Ticket) Digest {
	d := Digest{Entries: len(t.Entries)}
	if t.Entries == nil {
		d.Entries = -1
	}
	if n := len(t.Entries); n > 0 {
		d.LastAt = t.Entries[n-1].At
	}
	return d
}
