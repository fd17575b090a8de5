package index

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

func openTestStore(t *testing.T) *SearchStore {
	t.Helper()
	ix := Open(filepath.Join(t.TempDir(), ".git"), t.TempDir(), "")
	s, err := ix.OpenSearch(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func syncTickets(t *testing.T, s *SearchStore, ts []*ticket.Ticket) {
	t.Helper()
	docs := make([]SearchDoc, len(ts))
	for i, tk := range ts {
		docs[i] = SearchDoc{Path: "tickets/" + tk.ID[:2] + "/" + tk.ID + ".md", Key: tk.Title + tk.Entries[0].Body,
			Load: func() (*ticket.Ticket, error) { return tk, nil }}
	}
	if _, err := s.Sync(docs); err != nil {
		t.Fatal(err)
	}
}

func searchPaths(t *testing.T, s *SearchStore, q SearchQuery) ([]string, int) {
	t.Helper()
	hits, total, err := s.Search(q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Terms, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, strings.TrimSuffix(filepath.Base(h.Path), ".md"))
	}
	return out, total
}

func msgTicket(id, title, body string) *ticket.Ticket {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	return &ticket.Ticket{ID: id, Title: title, Status: ticket.StatusOpen, Priority: ticket.PriorityNormal,
		Channel: "email", Customer: "jane@example.com", Created: at, Updated: at,
		Entries: []ticket.Entry{{ID: "e" + id, Kind: ticket.KindMessage, Author: "jane@example.com", At: at, Body: body}}}
}

func TestGrams(t *testing.T) {
	for in, want := range map[string]string{
		"abc":          "",
		"환불은 언제":       "환 불 환불 은 불은 언 제 언제",
		"order 주문, ok": "주 문 주문",
		"ไป":           "ไ ป ไป",
		"東京x":          "東 京 東京",
	} {
		if got := grams(in); got != want {
			t.Errorf("grams(%q) = %q, want %q", in, got, want)
		}
	}
}

// Short words: one- and two-character words of Hangul, Han, kana and Thai
// come from the grams index, also at the very end of a field; other short
// words from a scan; either combines with long words.
func TestSearchShortWords(t *testing.T) {
	s := openTestStore(t)
	syncTickets(t, s, []*ticket.Ticket{
		msgTicket("aaaaa1", "주문 취소", "환불은 언제 되나요?"),
		msgTicket("aaaaa2", "환불", "order 1105"),
		msgTicket("aaaaa3", "配送について", "東京 tv stand"),
		msgTicket("aaaaa4", "ไปไหน", "delivery to Bangkok ok"),
		msgTicket("aaaaa5", "Delivery", "Please send the refund, ok?"),
	})
	for q, want := range map[string][]string{
		"환불":           {"aaaaa1", "aaaaa2"},
		"환":            {"aaaaa1", "aaaaa2"},
		"불은":           {"aaaaa1"},
		"환불 order":     {"aaaaa2"},
		"환불 주문":        {"aaaaa1"},
		"東京":           {"aaaaa3"},
		"京":            {"aaaaa3"},
		"ไป":           {"aaaaa4"},
		"tv":           {"aaaaa3"},
		"ok":           {"aaaaa4", "aaaaa5"},
		"ok 환불":        nil,
		"ok ไป":        {"aaaaa4"},
		"ok delivery":  {"aaaaa4", "aaaaa5"},
		`"환불은 언제"`:     {"aaaaa1"},
		"언제 되나요 환불 주문": {"aaaaa1"},
	} {
		got, total := searchPaths(t, s, SearchQuery{Terms: Terms(q)})
		slices.Sort(got)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("search %q = %v (total %d), want %v", q, got, total, want)
		}
	}
}

// Ranking: a title match first, then customer and tags, then the
// conversation; ties by path. The limit cuts the ranked list and the total
// counts every hit.
func TestSearchRankLimitTotal(t *testing.T) {
	s := openTestStore(t)
	var ts []*ticket.Ticket
	for i := range 30 {
		ts = append(ts, msgTicket(fmt.Sprintf("bbbb%02d", i), "Question", "Where is the kettle I ordered?"))
	}
	ts[17].Title = "Kettle broken"
	ts[23].Tags = []string{"kettle"}
	ts = append(ts, msgTicket("cccc01", "Other", "A toaster."))
	syncTickets(t, s, ts)

	all, total := searchPaths(t, s, SearchQuery{Terms: Terms("kettle")})
	if len(all) != 30 || total != 30 {
		t.Fatalf("%d hits, total %d, want 30", len(all), total)
	}
	if all[0] != "bbbb17" || all[1] != "bbbb23" {
		t.Errorf("best hits %v, want the title match, then the tag match", all[:2])
	}
	if rest := all[2:]; !slices.IsSorted(rest) {
		t.Errorf("equal hits not in path order: %v", rest)
	}
	for _, limit := range []int{1, 5, 29, 30, 31} {
		got, total := searchPaths(t, s, SearchQuery{Terms: Terms("kettle"), Limit: limit})
		if want := all[:min(limit, 30)]; !slices.Equal(got, want) || total != 30 {
			t.Errorf("limit %d: %v total %d, want %v total 30", limit, got, total, want)
		}
	}
	if got, total := searchPaths(t, s, SearchQuery{Terms: Terms("kettle"), CountOnly: true}); len(got) != 0 || total != 30 {
		t.Errorf("count only: %v total %d, want no hits and 30", got, total)
	}
	if got, total := searchPaths(t, s, SearchQuery{Terms: Terms("toaster"), Limit: 5}); len(got) != 1 || total != 1 {
		t.Errorf("toaster: %v total %d", got, total)
	}
	if got, total := searchPaths(t, s, SearchQuery{Terms: Terms("nowhere"), Limit: 5}); len(got) != 0 || total != 0 {
		t.Errorf("nowhere: %v total %d", got, total)
	}
}

// The store's filter gives exactly what ticket.Filter.Match gives, for
// every filter of list but --query and --sla, alone and combined.
func TestSearchFilterIsFilterMatch(t *testing.T) {
	base := time.Date(2026, 10, 1, 8, 30, 0, 500, time.UTC)
	statuses := []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending, ticket.StatusOnHold, ticket.StatusResolved, ticket.StatusClosed, ticket.StatusArchived}
	priorities := []ticket.Priority{ticket.PriorityLow, ticket.PriorityNormal, ticket.PriorityHigh, ticket.PriorityUrgent}
	customers := []string{"jane@example.com", "Zoe <ZOE@B.example>", "adam@b.example", "handle-without-at", ""}
	var ts []*ticket.Ticket
	for i := range 60 {
		tk := msgTicket(fmt.Sprintf("dddd%02d", i), "Parcel", "Where is my parcel?")
		tk.Status = statuses[i%len(statuses)]
		tk.Priority = priorities[i%len(priorities)]
		tk.Assignee = []string{"", "alice", "Bob"}[i%3]
		tk.Channel = []string{"email", "Chat", "web", ""}[i%4]
		tk.Customer = customers[i%len(customers)]
		tk.Team = []string{"", "Billing", "support", "BILLING"}[i*7%4]
		tk.Language = []string{"de", "de-CH", "en", "", "ko"}[i%5]
		tk.Tags = [][]string{nil, {"billing"}, {"billing", "vip"}, {"vip"}}[i%4]
		tk.Created = base.Add(time.Duration(i) * 36 * time.Hour)
		if i == 59 {
			tk.Created = time.Time{}
		}
		ts = append(ts, tk)
	}
	ts = append(ts, msgTicket("eeee01", "Other", "Nothing to see."))
	s := openTestStore(t)
	syncTickets(t, s, ts)
	now := base.Add(60 * 24 * time.Hour)
	filters := map[string]ticket.Filter{
		"none":                {All: true},
		"active":              {},
		"status":              {Statuses: []ticket.Status{ticket.StatusOpen, ticket.StatusClosed}},
		"priority":            {All: true, Priorities: []ticket.Priority{ticket.PriorityUrgent}},
		"tag":                 {All: true, Tags: []string{"Billing"}},
		"two tags":            {All: true, Tags: []string{"billing", "vip"}},
		"assignee":            {All: true, Assignee: "bob"},
		"unassigned":          {All: true, Assignee: "none"},
		"channel":             {All: true, Channels: []string{"chat", "WEB"}},
		"customer":            {All: true, Customer: "zoe@b.example"},
		"domain":              {All: true, Customer: "@B.EXAMPLE"},
		"team":                {All: true, Team: "billing"},
		"language":            {All: true, Language: "DE"},
		"since":               {All: true, Since: base.Add(40 * 24 * time.Hour)},
		"until":               {All: true, Until: base.Add(20*24*time.Hour + 500)},
		"since, until, more":  {Since: base.Add(10 * 24 * time.Hour), Until: base.Add(50 * 24 * time.Hour), Tags: []string{"vip"}},
		"status and assignee": {Statuses: []ticket.Status{ticket.StatusResolved}, Assignee: "alice", Language: "de"},
	}
	for name, f := range filters {
		var want []string
		for _, tk := range ts[:60] {
			if ok, err := f.Match(tk, now); err != nil {
				t.Fatal(err)
			} else if ok {
				want = append(want, tk.ID)
			}
		}
		got, total := searchPaths(t, s, SearchQuery{Terms: Terms("parcel"), Filter: &f, Now: now})
		slices.Sort(got)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("%s: got %v (total %d), want %v", name, got, total, want)
		}
		if len(want) > 2 {
			if got, total := searchPaths(t, s, SearchQuery{Terms: Terms("parcel"), Filter: &f, Now: now, Limit: 2}); len(got) != 2 || total != len(want) {
				t.Errorf("%s, limit 2: %v total %d, want 2 of %d", name, got, total, len(want))
			}
		}
		if _, total := searchPaths(t, s, SearchQuery{Terms: Terms("parcel"), Filter: &f, Now: now, CountOnly: true}); total != len(want) {
			t.Errorf("%s, count only: %d, want %d", name, total, len(want))
		}
	}
}

// A field added to ticket.Filter must be taught to the search store
// (filterSQL, needsKeep, filterColumns) before this list is extended.
func TestSearchFilterKnowsEveryField(t *testing.T) {
	known := []string{"Statuses", "All", "Tags", "Assignee", "Priorities", "Channels", "Customer", "Team", "Language", "Since", "Until", "Query", "SLAState", "SLAStateOf"}
	var got []string
	for f := range reflect.TypeFor[ticket.Filter]().Fields() {
		got = append(got, f.Name)
	}
	if !slices.Equal(got, known) {
		t.Errorf("ticket.Filter has fields %v; the search store knows %v", got, known)
	}
}
