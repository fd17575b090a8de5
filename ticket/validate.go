package ticket

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var reservedAttrs = []string{"id", "kind", "at", "author", "message-id", "auto", "from", "status", "attach"}

// Validate checks what a ticket must hold before it is written: a valid id,
// known status and priority, a creation time, and well-formed entries with
// unique ids. Every error names the field at fault.
func (t *Ticket) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !ValidID(t.ID) {
		add("id %q is not a ticket id", t.ID)
	}
	if !slices.Contains(Statuses, t.Status) {
		add("unknown status %q", t.Status)
	}
	if !slices.Contains(Priorities, t.Priority) {
		add("unknown priority %q", t.Priority)
	}
	if t.Created.IsZero() {
		add("created is not set")
	}
	if t.Reopened < 0 {
		add("reopened is negative")
	}
	for _, tag := range t.Tags {
		if tag == "" || strings.ContainsAny(tag, "\n") {
			add("tag %q is empty or spans lines", tag)
		}
	}
	for k := range t.Fields {
		if k == "" {
			add("a custom field has no name")
		}
	}
	seen := map[string]bool{}
	for i, e := range t.Entries {
		where := fmt.Sprintf("entry %d", i+1)
		if e.ID == "" || strings.ContainsAny(e.ID, " \"\n") {
			add("%s: bad id %q", where, e.ID)
		} else if seen[e.ID] {
			add("%s: id %q used twice", where, e.ID)
		}
		seen[e.ID] = true
		if !slices.Contains(Kinds, e.Kind) {
			add("%s: unknown kind %q", where, e.Kind)
		}
		if e.At.IsZero() {
			add("%s: no time", where)
		}
		if e.Kind == KindEvent && e.Status == "" {
			add("%s: a status event needs the new status", where)
		}
		for k := range e.Meta {
			if !validMetaKey(k) || slices.Contains(reservedAttrs, k) {
				add("%s: bad attribute name %q", where, k)
			}
		}
	}
	return errors.Join(errs...)
}
