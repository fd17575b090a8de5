package cmd

import (
	"bytes"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// The streamed list output must be byte for byte what the generic JSON
// printer writes for the same rows.
func TestListJSONMatchesEncoder(t *testing.T) {
	at := time.Date(2026, 11, 1, 9, 14, 5, 0, time.UTC)
	d, _, err := desk.Init(t.TempDir(), desk.InitOptions{NoCommit: true}, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	odd := []string{"", "plain", `quo"te\back`, "tab\tnl\nret\rbs\bff\f", "\x00\x01\x1f\x7f", "<a&b>", "ünïcödé 환불",
		"bad \xff\xfe utf8", "line\u2028para\u2029", "emoji 😀", "\xed\xa0\x80 surrogate"}
	var ls []*desk.Loaded
	for i, s := range odd {
		tk := &ticket.Ticket{ID: "7kq2m" + string("0123456789ab"[i]), Title: s, Status: ticket.StatusOpen,
			Priority: ticket.PriorityHigh, Customer: s, Assignee: s, Channel: "email", Team: s, Language: "en",
			Created: at.Add(time.Duration(i) * time.Hour), SLA: s, Reopened: i}
		if i%2 == 0 {
			tk.Tags = []string{s, "x"}
			tk.Updated = at.In(time.FixedZone("x", 3600))
		}
		ls = append(ls, &desk.Loaded{Ticket: tk})
	}
	for _, rows := range [][]*desk.Loaded{ls, ls[:1], nil} {
		var want, got bytes.Buffer
		js := make([]ticketJSON, len(rows))
		for i, l := range rows {
			js[i] = toJSON(d, l.Ticket, false)
		}
		f := jsonFlags{JSON: true}
		if err := f.print(&want, js); err != nil {
			t.Fatal(err)
		}
		if err := writeListJSON(&got, d, rows); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d rows differ:\n got %s\nwant %s", len(rows), got.String(), want.String())
		}
	}
}
