package ticket

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func sortFixture() []*Ticket {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	return []*Ticket{
		{ID: "aa", Title: "banana", Status: StatusOpen, Priority: PriorityHigh, Assignee: "hans", Customer: "Zoe <zoe@b.example>", Created: day(1), Updated: day(5)},
		{ID: "bb", Title: "Apple", Status: StatusNew, Priority: PriorityUrgent, Assignee: "", Customer: "adam@a.example", Created: day(3), Updated: day(3)},
		{ID: "cc", Title: "apple", Status: StatusResolved, Priority: PriorityLow, Assignee: "Anna", Customer: "", Created: day(2), Updated: day(9)},
		{ID: "dd", Title: "", Status: StatusPending, Priority: PriorityNormal, Assignee: "bert", Customer: "Mia <MIA@c.example>", Created: day(3), Updated: day(4)},
		{ID: "ee", Title: "cherry", Status: StatusOnHold, Priority: PriorityHigh, Assignee: "anna", Customer: "mia@c.example", Created: day(3), Updated: day(4)},
	}
}

func TestSortTickets(t *testing.T) {
	tests := []struct {
		key  string
		want string
	}{
		{"", "bb dd ee cc aa"},          // newest created first, ties by id
		{"-created", "bb dd ee cc aa"},  // the default spelled out
		{"created", "aa cc bb dd ee"},   // oldest first, ties still by id
		{"updated", "bb dd ee aa cc"},   // ties (dd, ee at day 4) newest created, then id
		{"-updated", "cc aa dd ee bb"},  //
		{"priority", "cc dd ee aa bb"},  // low … urgent; ties aa/ee: ee is newer
		{"-priority", "bb ee aa dd cc"}, // urgent first
		{"status", "bb aa dd ee cc"},    // life order
		{"-status", "cc ee dd aa bb"},
		{"id", "aa bb cc dd ee"},
		{"-id", "ee dd cc bb aa"},
		{"title", "bb cc aa ee dd"},     // case-insensitive; Apple < apple by bytes; empty last
		{"-title", "ee aa cc bb dd"},    // empty last in both directions
		{"assignee", "cc ee dd aa bb"},  // Anna < anna < bert < hans, unassigned last
		{"-assignee", "aa dd ee cc bb"}, //
		{"customer", "bb dd ee aa cc"},  // by bare address; no customer last
		{"-priority,created", "bb aa ee dd cc"},
		{" Priority , -ID ", "cc dd ee aa bb"},
		{"+id", "aa bb cc dd ee"},
	}
	for _, tt := range tests {
		ts := sortFixture()
		if err := SortTickets(ts, tt.key); err != nil {
			t.Errorf("SortTickets(%q): %v", tt.key, err)
			continue
		}
		if got := ids(ts); got != tt.want {
			t.Errorf("SortTickets(%q) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

// The order depends only on the tickets, never on the order they came in.
func TestSortTicketsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, key := range append(slices.Clone(SortKeys), "", "-assignee", "-title") {
		want := sortFixture()
		if err := SortTickets(want, key); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			ts := sortFixture()
			r.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
			if err := SortTickets(ts, key); err != nil {
				t.Fatal(err)
			}
			if ids(ts) != ids(want) {
				t.Fatalf("SortTickets(%q) = %s after a shuffle, want %s", key, ids(ts), ids(want))
			}
		}
	}
}

func TestSortTicketsUnknownKey(t *testing.T) {
	ts := sortFixture()
	err := SortTickets(ts, "created,-age")
	want := `unknown sort key "-age" (valid keys: created, updated, priority, status, id, title, assignee, customer; prefix - to reverse, as in -priority)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if ids(ts) != "aa bb cc dd ee" {
		t.Errorf("a failed sort reordered the tickets: %s", ids(ts))
	}
}

func ids(ts []*Ticket) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return strings.Join(out, " ")
}

func BenchmarkSortTickets(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	base := make([]*Ticket, 100_000)
	for i := range base {
		base[i] = &Ticket{
			ID:       NewID(nil),
			Title:    "Ticket " + NewID(nil),
			Priority: Priorities[r.IntN(4)],
			Created:  time.Unix(1_700_000_000+int64(r.IntN(1e7)), 0).UTC(),
		}
	}
	for _, key := range []string{"", "title", "-priority"} {
		b.Run("key="+key, func(b *testing.B) {
			ts := make([]*Ticket, len(base))
			for b.Loop() {
				copy(ts, base)
				if err := SortTickets(ts, key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
