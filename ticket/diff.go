package ticket

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Change is one difference between two versions of a ticket, in the terms
// a person uses: "status open → resolved", "+1 reply by bob",
// "tags +refund -vip". Text is the printable form; the other fields say the
// same for programs.
type Change struct {
	Field   string   // "new", "deleted", "status", "tags", "fields", "entries", "entry", "description", …
	Old     string   // scalar fields: the old value
	New     string   // scalar fields: the new value
	Added   []string // tags and fields ("name=value") added or changed; ids of added entries
	Removed []string // tags and fields removed; ids of removed or edited entries
	Kind    Kind     // added entries: their kind
	Authors []string // added entries: who wrote them, in order, once each
	Text    string
}

func (c Change) String() string { return c.Text }

// Diff lists what changed from old to new; either may be nil for a ticket
// that was added or deleted. Derived values (updated, first_response,
// resolved, reopened) and status events are left out: they follow from the
// changes shown.
func Diff(old, new *Ticket) []Change {
	switch {
	case old == nil && new == nil:
		return nil
	case new == nil:
		return []Change{{Field: "deleted", Text: "deleted"}}
	}
	var out []Change
	created := old == nil
	if created {
		old = &Ticket{}
		out = append(out, Change{Field: "new", Text: "new"})
	}
	scalar := func(field, o, n string) {
		if o == n {
			return
		}
		c := Change{Field: field, Old: o, New: n}
		if created {
			c.Text = field + " " + n
		} else {
			c.Text = field + " " + orNone(o) + " → " + orNone(n)
		}
		out = append(out, c)
	}
	if created && new.Status == StatusNew {
		old.Status = StatusNew // "new; status new" says nothing
	}
	scalar("status", string(old.Status), string(new.Status))
	out = append(out, entriesAdded(old, new)...)
	if c, ok := tagsChange(old.Tags, new.Tags); ok {
		out = append(out, c)
	}
	scalar("assignee", old.Assignee, new.Assignee)
	if created && new.Priority == PriorityNormal {
		old.Priority = PriorityNormal
	}
	scalar("priority", string(old.Priority), string(new.Priority))
	if !created && old.Title != new.Title {
		out = append(out, Change{Field: "title", Old: old.Title, New: new.Title,
			Text: fmt.Sprintf("title %q → %q", old.Title, new.Title)})
	}
	scalar("team", old.Team, new.Team)
	if !created {
		scalar("channel", old.Channel, new.Channel)
		scalar("customer", old.Customer, new.Customer)
	}
	scalar("language", old.Language, new.Language)
	scalar("sla", old.SLA, new.SLA)
	if c, ok := fieldsChange(old.Fields, new.Fields); ok {
		out = append(out, c)
	}
	out = append(out, entriesChanged(old, new)...)
	if old.Preamble != new.Preamble {
		c := Change{Field: "description", Old: old.Preamble, New: new.Preamble, Text: "description edited"}
		switch {
		case old.Preamble == "":
			c.Text = "description added"
		case new.Preamble == "":
			c.Text = "description removed"
		}
		out = append(out, c)
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func tagsChange(old, new []string) (Change, bool) {
	c := Change{Field: "tags"}
	var parts []string
	for _, t := range new {
		if !slices.Contains(old, t) {
			c.Added = append(c.Added, t)
			parts = append(parts, "+"+t)
		}
	}
	for _, t := range old {
		if !slices.Contains(new, t) {
			c.Removed = append(c.Removed, t)
			parts = append(parts, "-"+t)
		}
	}
	c.Text = "tags " + strings.Join(parts, " ")
	return c, len(parts) > 0
}

func fieldsChange(old, new map[string]string) (Change, bool) {
	c := Change{Field: "fields"}
	var parts []string
	for _, k := range sortedKeys(new) {
		if v, ok := old[k]; !ok || v != new[k] {
			c.Added = append(c.Added, k+"="+new[k])
			parts = append(parts, k+"="+lineText(new[k]))
		}
	}
	for _, k := range sortedKeys(old) {
		if _, ok := new[k]; !ok {
			c.Removed = append(c.Removed, k)
			parts = append(parts, "-"+k)
		}
	}
	c.Text = "fields " + strings.Join(parts, " ")
	return c, len(parts) > 0
}

// entriesAdded groups new entries by kind: "+2 replies by alice, bob".
func entriesAdded(old, new *Ticket) []Change {
	var out []Change
	for _, k := range []Kind{KindMessage, KindReply, KindNote} {
		c := Change{Field: "entries", Kind: k}
		for _, e := range new.Entries {
			if e.Kind != k || old.Entry(e.ID) != nil {
				continue
			}
			c.Added = append(c.Added, e.ID)
			if a := shortAuthor(e.Author); !slices.Contains(c.Authors, a) {
				c.Authors = append(c.Authors, a)
			}
		}
		if len(c.Added) == 0 {
			continue
		}
		n := len(c.Added)
		noun := map[Kind][2]string{
			KindMessage: {"message", "messages"}, KindReply: {"reply", "replies"}, KindNote: {"note", "notes"},
		}[k][min(n-1, 1)]
		by := "by"
		if k == KindMessage {
			by = "from"
		}
		c.Text = fmt.Sprintf("+%d %s", n, noun)
		var authors []string
		for _, a := range c.Authors {
			if a != "" {
				authors = append(authors, lineText(a))
			}
		}
		if len(authors) > 0 {
			c.Text += " " + by + " " + strings.Join(authors, ", ")
		}
		out = append(out, c)
	}
	return out
}

// entriesChanged reports entries edited or removed.
func entriesChanged(old, new *Ticket) []Change {
	var edited, removed []string
	for i := range old.Entries {
		o := &old.Entries[i]
		n := new.Entry(o.ID)
		switch {
		case n == nil:
			removed = append(removed, o.ID)
		case !entryEqual(o, n):
			edited = append(edited, o.ID)
		}
	}
	var out []Change
	if len(edited) > 0 {
		out = append(out, Change{Field: "entry", Removed: edited, Text: plural(len(edited), "entry", "entries") + " edited (" + strings.Join(edited, ", ") + ")"})
	}
	if len(removed) > 0 {
		out = append(out, Change{Field: "entries", Removed: removed, Text: "-" + plural(len(removed), "entry", "entries") + " (" + strings.Join(removed, ", ") + ")"})
	}
	return out
}

// lineText is s as it stands in a change's one line of text: as written
// when it is valid UTF-8 without control characters, else Go-quoted, so a
// value or an author with a line break, a CR or an escape sequence can
// neither break the line nor act on a terminal.
func lineText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}) {
		return s
	}
	return strconv.Quote(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shortAuthor is the name of "Name <address>", else the author as written.
func shortAuthor(a string) string {
	if name, _, ok := strings.Cut(a, "<"); ok && strings.TrimSpace(name) != "" {
		return strings.Trim(strings.TrimSpace(name), `"`)
	}
	return a
}
