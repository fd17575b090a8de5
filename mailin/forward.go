package mailin

import (
	"html"
	"net/mail"
	"regexp"
	"strings"

	"github.com/ticketdesk/ticket/importers"
)

// When an agent forwards a customer's mail to the desk, the new ticket is
// the customer's: originalSender finds who wrote the forwarded mail, so the
// agent does not become the ticket's customer.

var (
	// The line a mail client puts above a forwarded message: Gmail's
	// "---------- Forwarded message ---------", Thunderbird's "--------
	// Forwarded Message --------", Apple Mail's "Begin forwarded message:",
	// Outlook's "-----Original Message-----" or a line of underscores, in
	// a few languages.
	forwardMarkRe = regexp.MustCompile(`(?i)^\W*(-{2,}\s*(forwarded message|original message|weitergeleitete nachricht|ursprüngliche nachricht|message transféré|message d'origine|mensaje reenviado|mensaje original|messaggio inoltrato|messaggio originale|doorgestuurd bericht|oorspronkelijk bericht)\s*-{2,}|begin forwarded message\s*:|_{20,})\s*$`)
	// Its "From:" line, maybe in Markdown bold after an HTML conversion.
	forwardFromRe = regexp.MustCompile(`(?i)^[\s*_>]*(from|von|de|van|da|från|от)[\s*_]*:[\s*_]*(.+)$`)
	bareAddrRe    = regexp.MustCompile(`[^\s<>()\[\]"',;:\\]+@[^\s<>()\[\]"',;:\\]+\.[^\s<>()\[\]"',;:\\*]+`)
)

// originalSender returns the address of whoever wrote the mail that m
// forwards: the From of an attached message (message/rfc822), else the From
// line under a forwarding marker in the text, else the first Reply-To. An
// address for which skip is true (an agent, the desk) does not count. ""
// when there is none.
func originalSender(m *importers.Message, skip func(string) bool) string {
	ok := func(a string) string {
		a = NormalizeAddress(a)
		if a == "" || !strings.Contains(a, "@") || skip(a) {
			return ""
		}
		return a
	}
	for _, a := range m.Attachments {
		if a.ContentType != "message/rfc822" && a.ContentType != "message/global" {
			continue
		}
		if fm, err := importers.Parse(a.Data, importers.Options{NoLanguage: true}); err == nil {
			if addr := ok(fm.From.Email); addr != "" {
				return addr
			}
		}
	}
	for _, part := range []string{m.Text, m.Quoted} {
		if addr := ok(forwardedFrom(part)); addr != "" {
			return addr
		}
	}
	for _, a := range m.ReplyTo {
		if addr := ok(a.Email); addr != "" {
			return addr
		}
	}
	return ""
}

// forwardedFrom reads the address on the first "From:" line within a few
// lines below a forwarding marker.
func forwardedFrom(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !forwardMarkRe.MatchString(strings.TrimSpace(l)) {
			continue
		}
		for _, next := range lines[i+1 : min(len(lines), i+8)] {
			m := forwardFromRe.FindStringSubmatch(strings.TrimSpace(next))
			if m == nil {
				continue
			}
			// Markdown from an HTML conversion escapes < and > as entities.
			v := html.UnescapeString(strings.NewReplacer(`\`, "", "**", "", "mailto:", "").Replace(m[2]))
			if a, err := mail.ParseAddress(strings.TrimSpace(v)); err == nil {
				return a.Address
			}
			return bareAddrRe.FindString(v)
		}
	}
	return ""
}
