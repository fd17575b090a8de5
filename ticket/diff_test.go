package ticket

import (
	"strings"
	"testing"
)

func diffText(cs []Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

func TestDiff(t *testing.T) {
	base := mergeBase()
	changed := base.Clone()
	changed.AddReply(Entry{ID: "aaaaaa", Author: "bob", At: at("2026-11-01T10:00:00Z"), Body: "Refund started."}, StatusResolved)
	changed.AddTags("refund")
	changed.RemoveTags("vip")
	changed.Assign("bob", at("2026-11-01T10:00:00Z"))
	changed.SetField("order", "5522")
	changed.SetField("sku", "K-1")

	edited := base.Clone()
	edited.Title = "Refund: order 5521"
	edited.Entries[0].Body = "Hello!"
	edited.AddNote(Entry{ID: "n1n1n1", Author: "Alice Agent <alice@example.com>", At: at("2026-11-01T10:00:00Z"), Body: "x"})
	edited.AddNote(Entry{ID: "n2n2n2", Author: "bob", At: at("2026-11-01T10:01:00Z"), Body: "y"})
	edited.Assign("", at("2026-11-01T10:01:00Z"))
	edited.Preamble = "Called on the phone first."

	removed := base.Clone()
	removed.Entries = nil

	for _, c := range []struct {
		name     string
		old, new *Ticket
		want     string
	}{
		{"same", base, base.Clone(), ""},
		{"changed", base, changed, "status open → resolved; +1 reply by bob; tags +refund -vip; assignee alice → bob; fields order=5522 sku=K-1"},
		{"edited", base, edited, `+2 notes by Alice Agent, bob; assignee alice → none; title "Refund for order 5521" → "Refund: order 5521"; 1 entry edited (4hx7pq); description added`},
		{"removed entry", base, removed, "-1 entry (4hx7pq)"},
		{"new", nil, base, "new; status open; +1 message from jane@example.com; tags +billing +vip; assignee alice; fields order=5521"},
		{"deleted", base, nil, "deleted"},
	} {
		if got := diffText(Diff(c.old, c.new)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestDiffFields(t *testing.T) {
	a, b := mergeBase(), mergeBase()
	b.SetField("order", "")
	b.Priority = PriorityUrgent
	cs := Diff(a, b)
	if got := diffText(cs); got != "priority normal → urgent; fields -order" {
		t.Errorf("got %s", got)
	}
	if cs[1].Field != "fields" || len(cs[1].Removed) != 1 || cs[1].Removed[0] != "order" {
		t.Errorf("fields change = %+v", cs[1])
	}
}
