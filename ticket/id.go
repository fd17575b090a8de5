package ticket

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// IDAlphabet is lower-case Crockford base32: digits and letters without i, l,
// o and u, so ids are easy to read aloud and type.
const IDAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// IDLen is the length of a new ticket id; NewID grows it on a local collision.
const IDLen = 6

// NewID returns a random id of at least IDLen characters that taken does not
// report as used. Clones make ids without talking to each other: 32^6 ≈ 10^9
// ids make a collision between two offline clones unlikely, and merge and lint
// catch the rest.
func NewID(taken func(string) bool) string {
	for n := IDLen; ; n++ {
		for try := 0; try < 4; try++ {
			id := randomID(n)
			if taken == nil || !taken(id) {
				return id
			}
		}
	}
}

func randomID(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(fmt.Sprintf("ticket: no randomness: %v", err))
	}
	for i, b := range buf {
		buf[i] = IDAlphabet[int(b)%len(IDAlphabet)]
	}
	return string(buf)
}

// ValidID reports whether s looks like a ticket or entry id.
func ValidID(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(IDAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// NormalizeIDPrefix lower-cases what a person typed and strips a leading "#"
// and the look-alikes Crockford base32 allows (o→0, i and l→1).
func NormalizeIDPrefix(s string) string {
	s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "#")
	return strings.NewReplacer("o", "0", "i", "1", "l", "1").Replace(s)
}

// TicketsDir is the folder of ticket files inside a desk.
const TicketsDir = "tickets"

// Path is where a ticket file lives, relative to the desk: sharded by the
// id's first two characters, so 1,024 folders hold about 100 tickets each at
// 100,000 tickets and about 1,000 each at a million.
func Path(id string) string {
	return TicketsDir + "/" + id[:2] + "/" + id + ".md"
}

// IDFromPath returns the ticket id of a ticket file path, or "" when path is
// not a ticket file.
func IDFromPath(path string) string {
	if !strings.HasSuffix(path, ".md") {
		return ""
	}
	i := strings.LastIndexByte(path, '/')
	id := strings.TrimSuffix(path[i+1:], ".md")
	if !ValidID(id) {
		return ""
	}
	return id
}
