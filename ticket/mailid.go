package ticket

import (
	"strings"
)

// Our own Message-IDs look like
//
//	ticket.7kq2m9.9vz2mr.k3j5@shop.example   (one sent entry)
//	ticket.7kq2m9@shop.example               (the ticket's thread root)
//
// so a reply from a customer's mail client threads back by its In-Reply-To
// or References alone, whatever the subject says.

// ThreadRootID is the fixed per-ticket id that every outgoing mail of a
// ticket lists first in References.
func ThreadRootID(ticketID, domain string) string {
	return "ticket." + ticketID + "@" + domainOrLocal(domain)
}

// OutgoingMessageID is the Message-ID (without brackets) of a mail sent for
// an entry; nonce keeps resends of one entry distinct.
func OutgoingMessageID(ticketID, entryID, nonce, domain string) string {
	id := "ticket." + ticketID + "." + entryID
	if nonce != "" {
		id += "." + nonce
	}
	return id + "@" + domainOrLocal(domain)
}

// ParseOurMessageID returns the ticket id of one of our Message-IDs.
func ParseOurMessageID(mid string) (string, bool) {
	mid = strings.Trim(strings.TrimSpace(mid), "<>")
	local, _, ok := strings.Cut(mid, "@")
	if !ok || !strings.HasPrefix(local, "ticket.") {
		return "", false
	}
	id, _, _ := strings.Cut(local[len("ticket."):], ".")
	if !ValidID(id) {
		return "", false
	}
	return id, true
}

// MailDomain is the domain part of the desk's support address.
func MailDomain(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		return strings.Trim(address[i+1:], "> ")
	}
	return ""
}

func domainOrLocal(d string) string {
	if d == "" {
		return "ticket.invalid"
	}
	return d
}
