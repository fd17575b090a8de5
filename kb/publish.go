package kb

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/ticketdesk/ticket/ticket"
)

// PublishOptions shape an article made from a ticket.
type PublishOptions struct {
	Title, Slug, Category string
	Now                   time.Time
}

// FromTicket turns a ticket's question (the customer's messages) and answer
// (the agents' public replies, never internal notes) into a draft article,
// with names, email addresses, phone numbers, order numbers and custom-field
// values replaced by placeholders. A person reads, edits and publishes it.
func FromTicket(cfg *ticket.Config, t *ticket.Ticket, o PublishOptions) (*Article, error) {
	red := newRedactor(cfg, t)
	var question, answer []string
	for _, e := range t.Entries {
		if e.Auto != "" {
			continue
		}
		switch e.Kind {
		case ticket.KindMessage:
			if b := red.text(stripQuoted(e.Body)); b != "" {
				question = append(question, b)
			}
		case ticket.KindReply:
			if b := red.text(stripQuoted(e.Body)); b != "" {
				answer = append(answer, b)
			}
		}
	}
	if len(question) == 0 || len(answer) == 0 {
		return nil, fmt.Errorf("ticket %s has no customer message and public reply to make an article of", t.ID)
	}
	title := strings.TrimSpace(o.Title)
	if title == "" {
		title = red.text(t.Title)
	}
	slug := o.Slug
	if slug == "" {
		slug = slugify(title)
	}
	if slug == "" {
		slug = "answer-" + t.ID
	}
	if !slugRE().MatchString(slug) {
		return nil, fmt.Errorf("slug %q may hold only lower-case letters, digits and dashes", slug)
	}
	lang := t.Language
	if !langRE().MatchString(lang) {
		lang = DefaultLanguage
	}
	body := "## Question\n\n" + strings.Join(question, "\n\n") + "\n\n## Answer\n\n" + strings.Join(answer, "\n\n") + "\n"
	a := &Article{
		Path: FileName(slug, lang), Title: title, Slug: slug, Category: o.Category, Language: lang,
		Status: StatusDraft, Visibility: Public, Updated: o.Now.UTC().Truncate(time.Second), Ticket: t.ID, Body: body,
	}
	a.Raw = Render(a)
	return a, nil
}

// stripQuoted drops quoted earlier mail ("> …", "On … wrote:") and a
// signature below "-- ".
func stripQuoted(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(l)
		if l == "-- " || t == "--" {
			break
		}
		if strings.HasPrefix(t, ">") {
			continue
		}
		if strings.HasPrefix(t, "On ") && strings.HasSuffix(t, "wrote:") || strings.HasPrefix(t, "Am ") && strings.HasSuffix(t, "schrieb:") {
			break
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

var (
	orderRE = lazyRegexp(`(?i)\b(order|invoice|tracking|parcel|account|customer|bestellung|rechnung|auftrag|kunden)(\s*(no\.?|nr\.?|number|nummer|id|#))?\s*[:#]?\s*#?[A-Z0-9][A-Z0-9\-]*\d[A-Z0-9\-]*`)
	hashRE  = lazyRegexp(`#\d{3,}\b`)
	longRE  = lazyRegexp(`\b[A-Z]{0,4}-?\d{5,}\b`)
)

// redactor replaces one ticket's personal data.
type redactor struct {
	literals []string // custom-field values, longest first
	names    []*regexp.Regexp
}

func newRedactor(cfg *ticket.Config, t *ticket.Ticket) *redactor {
	r := &redactor{}
	for _, v := range t.Fields {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 {
			r.literals = append(r.literals, v)
		}
	}
	sort.Slice(r.literals, func(i, j int) bool { return len(r.literals[i]) > len(r.literals[j]) })
	var names []string
	addName := func(s string) {
		name, addr := addressName(s)
		if name != "" && !strings.Contains(name, "@") {
			names = append(names, name)
			names = append(names, strings.Fields(name)...)
		}
		if local, _, ok := strings.Cut(addr, "@"); ok {
			for _, p := range strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) }) {
				names = append(names, p)
			}
		}
	}
	addName(t.Customer)
	addName(t.Assignee)
	for _, e := range t.Entries {
		addName(e.Author)
	}
	if cfg != nil {
		for _, a := range cfg.Agents {
			addName(a.Name)
			addName(a.Handle)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	seen := map[string]bool{}
	for _, n := range names {
		k := strings.ToLower(n)
		if len([]rune(n)) < 3 || seen[k] || commonWords[k] {
			continue
		}
		seen[k] = true
		r.names = append(r.names, regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])`+regexp.QuoteMeta(n)+`($|[^\p{L}\p{N}])`))
	}
	return r
}

// commonWords are parts of addresses that are not names.
var commonWords = map[string]bool{
	"info": true, "support": true, "mail": true, "help": true, "contact": true, "sales": true,
	"service": true, "admin": true, "team": true, "noreply": true, "hello": true, "the": true,
}

func (r *redactor) text(s string) string {
	s = emailRE().ReplaceAllString(s, "[email address]")
	for _, v := range r.literals {
		s = replaceFold(s, v, "[redacted]")
	}
	s = phoneRE().ReplaceAllStringFunc(s, func(m string) string {
		if phoneKey(m) == "" {
			return m
		}
		return "[phone number]"
	})
	s = orderRE().ReplaceAllStringFunc(s, func(m string) string {
		word := m
		if i := strings.IndexFunc(m, func(r rune) bool { return !unicode.IsLetter(r) }); i > 0 {
			word = m[:i]
		}
		return word + " [number]"
	})
	s = hashRE().ReplaceAllString(s, "[number]")
	s = longRE().ReplaceAllString(s, "[number]")
	for _, re := range r.names {
		for re.MatchString(s) {
			s = re.ReplaceAllString(s, "${1}[name]${2}")
		}
	}
	return strings.TrimSpace(s)
}

// replaceFold replaces every case-insensitive occurrence of old.
func replaceFold(s, old, repl string) string {
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(old))
	return re.ReplaceAllLiteralString(s, repl)
}
