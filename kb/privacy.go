package kb

import (
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

var (
	emailRE = lazyRegexp(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// phoneRE finds things written like phone numbers: an optional +, then
	// digits with spaces, dots, dashes, slashes or brackets between them.
	phoneRE = lazyRegexp(`\+?\(?\d[\d ().\-/]{5,}\d`)
	// veiledRE finds addresses written to dodge harvesters: "jane at
	// example dot com", "jane[at]example[dot]com", "jane (at) example.com",
	// "jane @ example . com". Only a match that turns out to be a known
	// customer's address is reported, so a loose pattern costs nothing.
	veiledRE  = lazyRegexp(`(?i)([a-z0-9._%+\-]+)\s*(?:[\[({<]\s*(?:at|@)\s*[\])}>]|\s+at\s+|@)\s*([a-z0-9\-]+(?:\s*(?:[\[({<]\s*(?:dot|\.)\s*[\])}>]|\s+dot\s+|\.)\s*[a-z0-9\-]+)+)`)
	veiledDot = lazyRegexp(`(?i)\s*(?:[\[({<]\s*(?:dot|\.)\s*[\])}>]|\s+dot\s+|\.)\s*`)
)

// veiled returns the veiledRE matches in raw (as from
// FindAllStringSubmatchIndex) that may be a customer's address. The
// pattern is only tried where an "@" or a free-standing "at" follows the
// part before the @ of a customer's address: over whole articles it cost
// more than the rest of the privacy check.
func (c *Customers) veiled(raw string) [][]int {
	var out [][]int
	if len(c.locals) == 0 {
		return nil
	}
	// ASCII only, so that offsets in lower are offsets in raw: Unicode
	// lower-casing changes lengths (İ grows, the Kelvin sign shrinks).
	b := []byte(raw)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lower := string(b)
	for p := 0; p < len(lower); {
		at, sign := strings.Index(lower[p:], "at"), strings.IndexByte(lower[p:], '@')
		switch {
		case at < 0 && sign < 0:
			return out
		case at < 0 || sign >= 0 && sign < at:
			p += sign
		default:
			p += at
			if p > 0 && !isVeilSpace(lower[p-1]) || p+2 < len(lower) && !isVeilSpace(lower[p+2]) {
				p += 2 // inside a word: "that", "water"
				continue
			}
		}
		end := p
		for end > 0 && isVeilSpace(lower[end-1]) {
			end--
		}
		start := end
		for start > 0 && isLocalChar(lower[start-1]) {
			start--
		}
		if len(out) > 0 && start < out[len(out)-1][1] || !c.locals[lower[start:end]] {
			p++
			continue
		}
		m := veiledRE().FindStringSubmatchIndex(raw[start:min(len(raw), p+300)])
		if m == nil || m[0] != 0 {
			p++
			continue
		}
		for i := range m {
			m[i] += start
		}
		out = append(out, m)
		p = m[1]
	}
	return out
}

// isVeilSpace reports whether c may stand between an address's parts and
// a veiled "at": white space and brackets.
func isVeilSpace(c byte) bool { return strings.IndexByte(" \t\n\r[](){}<>", c) >= 0 }

func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

// unveil turns a veiledRE match into the address it stands for.
func unveil(m []string) string {
	return strings.ToLower(m[1] + "@" + veiledDot().ReplaceAllString(m[2], "."))
}

// Customers are the contact details of every customer of a desk: the email
// addresses and phone numbers that must never appear on the public site.
type Customers struct {
	emails map[string]string // lower-case address → a ticket id
	phones map[string]string // phoneKey → a ticket id
	locals map[string]bool   // the part before the @ of each address
}

// LoadCustomers collects customers' contact details from the desk's
// tickets. Broken ticket files are reported to warn and skipped.
func LoadCustomers(d *desk.Desk, ref string, warn func(error)) (*Customers, error) {
	r, err := d.Reader(ref)
	if err != nil {
		return nil, err
	}
	ls, err := d.LoadAll(r, warn)
	if err != nil {
		return nil, err
	}
	ts := make([]*ticket.Ticket, len(ls))
	for i, l := range ls {
		ts[i] = l.Ticket
	}
	return CustomersOf(d.Config, ts), nil
}

// CustomersOf collects contact details from tickets: the customer field,
// the senders of customer messages, custom fields that hold an address or a
// number, and addresses and numbers customers wrote in their messages. The
// desk's own and its agents' addresses are left out.
func CustomersOf(cfg *ticket.Config, ts []*ticket.Ticket) *Customers {
	c := &Customers{emails: map[string]string{}, phones: map[string]string{}, locals: map[string]bool{}}
	ours := map[string]bool{}
	if cfg != nil {
		ours[strings.ToLower(cfg.Email)] = true
		for _, a := range cfg.Agents {
			ours[strings.ToLower(a.Email)] = true
			for _, e := range a.Emails {
				ours[strings.ToLower(e)] = true
			}
		}
		for _, t := range cfg.Teams {
			ours[strings.ToLower(t.Email)] = true
		}
	}
	for _, t := range ts {
		add := func(s string) {
			for _, e := range emailRE().FindAllString(s, -1) {
				if e = strings.ToLower(e); !ours[e] {
					if _, ok := c.emails[e]; !ok {
						c.emails[e] = t.ID
						c.locals[e[:strings.LastIndexByte(e, '@')]] = true
					}
				}
			}
			for _, p := range phoneRE().FindAllString(s, -1) {
				if k := phoneKey(p); k != "" {
					if _, ok := c.phones[k]; !ok {
						c.phones[k] = t.ID
					}
				}
			}
		}
		add(t.Customer)
		for _, v := range t.Fields {
			add(v)
		}
		for _, e := range t.Entries {
			if e.Kind == ticket.KindMessage {
				add(e.Author)
				add(e.Body)
			}
		}
	}
	return c
}

// phoneKey is the last eight digits of a phone number, so +49 30 1234 5678
// and 030 12345678 meet; fewer than seven digits is not a phone number.
func phoneKey(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < 7 || len(d) > 15 {
		return ""
	}
	if len(d) > 8 {
		d = d[len(d)-8:]
	}
	return string(d)
}

// Check fails when an article holds a customer's email address or phone
// number, naming the article file, line and match.
func (c *Customers) Check(arts []*Article, rel func(string) string) error {
	if c == nil {
		return nil
	}
	var errs []error
	for _, a := range arts {
		raw := string(a.Raw)
		lineOf := func(off int) int { return 1 + strings.Count(raw[:off], "\n") }
		for _, m := range emailRE().FindAllStringIndex(raw, -1) {
			e := raw[m[0]:m[1]]
			if id, ok := c.emails[strings.ToLower(e)]; ok {
				errs = append(errs, fmt.Errorf("%s:%d: %s is the email address of a customer (ticket %s)", rel(a.Path), lineOf(m[0]), e, id))
			}
		}
		for _, m := range c.veiled(raw) {
			text := raw[m[0]:m[1]]
			if emailRE().MatchString(text) && !strings.ContainsAny(text, " \t\n[](){}<>") {
				continue // written plainly: reported above
			}
			addr := unveil([]string{text, raw[m[2]:m[3]], raw[m[4]:m[5]]})
			if id, ok := c.emails[addr]; ok {
				errs = append(errs, fmt.Errorf("%s:%d: %q is the email address of a customer (%s, ticket %s) written around", rel(a.Path), lineOf(m[0]), text, addr, id))
			}
		}
		for _, m := range phoneRE().FindAllStringIndex(raw, -1) {
			p := raw[m[0]:m[1]]
			if id, ok := c.phones[phoneKey(p)]; ok {
				errs = append(errs, fmt.Errorf("%s:%d: %s is the phone number of a customer (ticket %s)", rel(a.Path), lineOf(m[0]), strings.TrimSpace(p), id))
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &PrivacyError{Findings: errs}
}

// PrivacyError lists customers' contact details found in public articles.
type PrivacyError struct{ Findings []error }

func (e *PrivacyError) Error() string {
	msgs := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		msgs[i] = f.Error()
	}
	sort.Strings(msgs)
	return "privacy check failed: published public articles hold customers' contact details:\n" + strings.Join(msgs, "\n")
}

func (e *PrivacyError) Unwrap() []error { return e.Findings }

// IsPrivacy reports whether err is a failed privacy check.
func IsPrivacy(err error) bool {
	var pe *PrivacyError
	return errors.As(err, &pe)
}

// addressName splits "Jane Doe <jane@example.com>" into name and address.
func addressName(s string) (name, addr string) {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Name, a.Address
	}
	if strings.Contains(s, "@") {
		return "", strings.TrimSpace(s)
	}
	return strings.TrimSpace(s), ""
}
