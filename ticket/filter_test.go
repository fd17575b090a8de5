package ticket

import (
	"strings"
	"testing"
	"time"
)

func filterFixture() []*Ticket {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	return []*Ticket{
		{ID: "aa", Status: StatusNew, Priority: PriorityUrgent, Channel: "email", Customer: "Zoe <Zoe@B.example>", Tags: []string{"billing", "de"}, Language: "de", Team: "Billing", Created: day(1)},
		{ID: "bb", Status: StatusOpen, Priority: PriorityNormal, Channel: "chat", Customer: "adam@a.example", Assignee: "hans", Tags: []string{"billing"}, Language: "en", Created: day(2)},
		{ID: "cc", Status: StatusPending, Priority: PriorityHigh, Channel: "marketplace", Customer: "mia@b.example", Assignee: "anna", Team: "marketplace", Language: "de-CH", Created: day(3), Fields: map[string]string{"order": "5521"}},
		{ID: "dd", Status: StatusOnHold, Priority: PriorityLow, Channel: "phone", Customer: "+49 30 1234", Created: day(4)},
		{ID: "ee", Status: StatusResolved, Priority: PriorityNormal, Channel: "email", Customer: "zoe@b.example", Assignee: "hans", Created: day(5)},
		{ID: "ff", Status: StatusClosed, Priority: PriorityNormal, Channel: "Email", Customer: "sub.b.example", Created: day(6)},
		{ID: "gg", Status: StatusArchived, Priority: PriorityNormal, Channel: "web", Created: day(7)},
	}
}

func TestFilterMatch(t *testing.T) {
	now := time.Date(2026, 11, 8, 9, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"default: active only", Filter{}, "aa bb cc dd"},
		{"all", Filter{All: true}, "aa bb cc dd ee ff gg"},
		{"statuses win over all", Filter{All: true, Statuses: []Status{StatusResolved, StatusClosed}}, "ee ff"},
		{"one status", Filter{Statuses: []Status{StatusPending}}, "cc"},
		{"tag", Filter{Tags: []string{"billing"}}, "aa bb"},
		{"every tag", Filter{Tags: []string{"billing", "DE"}}, "aa"},
		{"unknown tag", Filter{Tags: []string{"spam"}}, ""},
		{"assignee", Filter{Assignee: "Hans", All: true}, "bb ee"},
		{"unassigned", Filter{Assignee: "none"}, "aa dd"},
		{"priorities", Filter{Priorities: []Priority{PriorityUrgent, PriorityHigh}}, "aa cc"},
		{"channels ignore case", Filter{Channels: []string{"email"}, All: true}, "aa ee ff"},
		{"customer address", Filter{Customer: "ZOE@b.example", All: true}, "aa ee"},
		{"customer domain", Filter{Customer: "@B.Example", All: true}, "aa cc ee"},
		{"customer handle", Filter{Customer: "+49 30 1234"}, "dd"},
		{"team ignores case", Filter{Team: "billing"}, "aa"},
		{"language by primary subtag", Filter{Language: "de"}, "aa cc"},
		{"language exact region", Filter{Language: "DE-ch"}, "aa cc"},
		{"since is inclusive", Filter{Since: day(2), All: true}, "bb cc dd ee ff gg"},
		{"until is exclusive", Filter{Until: day(3), All: true}, "aa bb"},
		{"window", Filter{Since: day(2), Until: day(4)}, "bb cc"},
		{"query", Filter{Query: MustCompileQuery(`fields.order != "" || priority == "urgent"`)}, "aa cc"},
		{"query on age", Filter{Query: MustCompileQuery(`created > ago("5d")`), All: true}, "dd ee ff gg"},
		{"query sees every status with all", Filter{All: true, Query: MustCompileQuery(`status in ["closed", "archived"]`)}, "ff gg"},
		{"sla state", Filter{SLAState: "breached", SLAStateOf: func(t *Ticket) string {
			if t.Priority == PriorityUrgent || t.ID == "ee" {
				return "breached"
			}
			return "ok"
		}}, "aa"},
		{"everything at once", Filter{Tags: []string{"billing"}, Assignee: "hans", Priorities: []Priority{PriorityNormal}, Channels: []string{"chat"}, Customer: "@a.example", Language: "en", Since: day(1), Until: day(3), Query: MustCompileQuery(`true`)}, "bb"},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range filterFixture() {
			ok, err := tt.f.Match(tk, now)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if ok {
				got = append(got, tk.ID)
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: matched %q, want %q", tt.name, g, tt.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	now := time.Date(2026, 11, 8, 9, 0, 0, 0, time.UTC)
	tk := filterFixture()[2]

	f := Filter{SLAState: "breached"}
	_, err := f.Match(tk, now)
	if want := `cannot filter by SLA state "breached" without the SLA policies of the desk`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}

	tk.Fields["due"] = "someday"
	f = Filter{Query: MustCompileQuery(`date(fields.due) < now`)}
	_, err = f.Match(tk, now)
	if want := "expression `date(fields.due) < now`, column 1: date: time \"someday\" not understood"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want prefix %s", err, want)
	}
}
