package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// at reads "11-02 09:00" as that day of November 2026 in UTC, or a full
// RFC 3339 time.
func at(s string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	t, err := time.Parse("2006-01-02 15:04", "2026-"+s)
	if err != nil {
		panic(err)
	}
	return t
}

type step func(t *ticket.Ticket)

func msg(author, when string) step {
	return func(t *ticket.Ticket) {
		t.Entries = append(t.Entries, ticket.Entry{Kind: ticket.KindMessage, Author: author, At: at(when)})
	}
}

func answer(author, when string) step {
	return func(t *ticket.Ticket) {
		t.Entries = append(t.Entries, ticket.Entry{Kind: ticket.KindReply, Author: author, At: at(when)})
	}
}

func autoReply(when string) step {
	return func(t *ticket.Ticket) {
		t.Entries = append(t.Entries, ticket.Entry{Kind: ticket.KindReply, Author: "support@shop.example", At: at(when), Auto: "auto-reply"})
	}
}

func note(author, when string) step {
	return func(t *ticket.Ticket) {
		t.Entries = append(t.Entries, ticket.Entry{Kind: ticket.KindNote, Author: author, At: at(when)})
	}
}

func ev(from, to ticket.Status, when string) step {
	return func(t *ticket.Ticket) {
		t.Entries = append(t.Entries, ticket.Entry{Kind: ticket.KindEvent, Author: "alice", At: at(when), From: from, Status: to})
		t.Status = to
		t.Updated = at(when)
	}
}

func field(k, v string) step { return func(t *ticket.Ticket) { t.SetField(k, v) } }

func tk(id, created, channel, assignee string, steps ...step) *ticket.Ticket {
	t := &ticket.Ticket{ID: id, Title: id, Status: ticket.StatusNew, Priority: ticket.PriorityNormal, Channel: channel,
		Customer: "cust-" + id + "@example.com", Assignee: assignee, Created: at(created), Updated: at(created)}
	for _, s := range steps {
		s(t)
	}
	return t
}

const (
	New      = ticket.StatusNew
	Open     = ticket.StatusOpen
	Pending  = ticket.StatusPending
	OnHold   = ticket.StatusOnHold
	Resolved = ticket.StatusResolved
	Closed   = ticket.StatusClosed
)

// desk is the hand-built dataset of the tests; docs/metrics.md works
// through the same tickets.
func deskTickets() []*ticket.Ticket {
	t4 := tk("t4", "11-04 14:00", "phone", "alice",
		msg("alice", "11-04 14:00"), // the agent writes first: an outbound ticket
		msg("carol@example.com", "11-04 16:00"),
		answer("alice", "11-04 17:00"), ev(New, Pending, "11-04 17:00"),
		ev(Pending, Resolved, "11-05 09:00"))
	t4.Customer = "carol@example.com"
	t5 := tk("t5", "11-05 08:00", "cli", "",
		msg("Dana Dev", "11-05 08:00"),
		ev(New, Resolved, "11-05 08:30"))
	t5.Customer = ""
	t6 := tk("t6", "11-05 09:00", "email", "bob",
		msg("cust", "11-05 09:00"),
		answer("Bob Builder <bob@shop.example>", "11-05 10:00"), ev(New, Pending, "11-05 10:00"),
		msg("cust", "11-05 12:00"), ev(Pending, Open, "11-05 12:00"),
		ev(Open, OnHold, "11-05 13:00"),
		ev(OnHold, Open, "11-06 13:00"),
		ev(Open, Resolved, "11-06 14:00"))
	t6.Priority = ticket.PriorityHigh
	t10 := tk("t10", "11-07 10:00", "web", "alice", msg("cust", "11-07 10:00"))
	t10.Status, t10.Resolved, t10.FirstResponse, t10.Updated = Resolved, at("11-07 12:00"), at("11-07 11:00"), at("11-07 12:00")
	return []*ticket.Ticket{
		tk("t1", "11-02 09:00", "email", "alice",
			msg("cust", "11-02 09:00"),
			answer("alice", "11-02 11:00"), ev(New, Pending, "11-02 11:00"),
			ev(Pending, Resolved, "11-02 12:00"),
			field("rating", "good"), field("rated_at", "2026-11-03T10:00:00Z")),
		// No reply yet: the automatic acknowledgement and the note do not
		// count, nor does the reply after the end of the period.
		tk("t2", "11-03 10:00", "chat", "bob",
			msg("cust", "11-03 10:00"), autoReply("11-03 10:00"), note("bob", "11-03 10:30"),
			answer("bob", "11-10 11:00"), ev(New, Pending, "11-10 11:00")),
		// Reopened twice.
		tk("t3", "11-02 10:00", "email", "alice",
			msg("cust", "11-02 10:00"),
			answer("alice", "11-02 10:30"), ev(New, Pending, "11-02 10:30"),
			ev(Pending, Resolved, "11-02 12:00"),
			msg("cust", "11-03 09:00"), ev(Resolved, Open, "11-03 09:00"),
			answer("alice", "11-03 10:00"), ev(Open, Pending, "11-03 10:00"),
			ev(Pending, Resolved, "11-03 11:00"),
			msg("cust", "11-04 09:00"), ev(Resolved, Open, "11-04 09:00"),
			answer("alice", "11-04 09:30"), ev(Open, Pending, "11-04 09:30"),
			ev(Pending, Resolved, "11-04 10:00"),
			field("rating", "bad"), field("rated_at", "2026-11-05T08:00:00Z")),
		t4, t5, t6,
		// Across a weekend.
		tk("t7", "11-06 16:00", "email", "alice",
			msg("cust", "11-06 16:00"),
			answer("alice", "11-09 10:00"), ev(New, Pending, "11-09 10:00"),
			ev(Pending, Resolved, "11-09 11:00"),
			field("rating", "good")),
		// Created before the period, open at its end.
		tk("t8", "10-26 10:00", "email", "bob",
			msg("cust", "10-26 10:00"),
			answer("bob", "10-26 11:00"), ev(New, Pending, "10-26 11:00"),
			msg("cust", "11-03 09:00"), ev(Pending, Open, "11-03 09:00")),
		// Resolved before the period, closed in it.
		tk("t9", "10-20 09:00", "email", "bob",
			msg("cust", "10-20 09:00"),
			answer("bob", "10-20 10:00"), ev(New, Pending, "10-20 10:00"),
			ev(Pending, Resolved, "10-21 09:00"),
			ev(Resolved, Closed, "11-03 00:00"),
			field("rating", "good"), field("rated_at", "2026-10-25T00:00:00Z")),
		t10,
		// Created after the period.
		tk("t11", "11-10 10:00", "email", "alice", msg("cust", "11-10 10:00")),
	}
}

var agents = map[string]string{"alice": "alice", "bob": "bob", "bob@shop.example": "bob"}

func testOptions() Options {
	return Options{
		Since: at("11-02 00:00"), Until: at("11-10 00:00"), Now: at("11-12 00:00"),
		Agent: func(a string) string {
			if h := agents[a]; h != "" {
				return h
			}
			return agents[ticket.MailAddress(a)]
		},
	}
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func checkDurations(t *testing.T, name string, got Durations, n int, median, mean, p90 time.Duration) {
	t.Helper()
	if got.Count != n || got.Median != median || got.Mean != mean || got.P90 != p90 {
		t.Errorf("%s = n %d, median %v, mean %v, p90 %v; want n %d, median %v, mean %v, p90 %v",
			name, got.Count, got.Median, got.Mean, got.P90, n, median, mean, p90)
	}
}

func checkRate(t *testing.T, name string, got Rate, n, of int) {
	t.Helper()
	if got != (Rate{n, of}) {
		t.Errorf("%s = %d of %d, want %d of %d", name, got.N, got.Of, n, of)
	}
}

func TestReportByHand(t *testing.T) {
	r, err := Compute(deskTickets(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	m := r.Metrics
	// t1 t2 t3 t4 t5 t6 t7 t10 were created in [11-02, 11-10).
	if m.Created != 8 {
		t.Errorf("created = %d, want 8", m.Created)
	}
	// t1 t3 t4 t5 t6 t7 t10; t9 went resolved → closed, which is no resolution.
	if m.Resolved != 7 || m.Closed != 1 || m.Reopened != 1 {
		t.Errorf("resolved, closed, reopened = %d, %d, %d; want 7, 1, 1", m.Resolved, m.Closed, m.Reopened)
	}
	// t2 (new: its reply comes after the end) and t8 (open).
	if m.Backlog != 2 {
		t.Errorf("backlog = %d, want 2", m.Backlog)
	}
	// First responses: t4 and t5 were opened by an agent and answered by
	// their opening message (0, 0); t3 30m; t6 1h; t10 1h (front matter);
	// t1 2h; t7 66h over the weekend. t2 awaits.
	checkDurations(t, "first_response", m.FirstResponse, 7, time.Hour, 36257*time.Second, hours(66))
	if m.Awaiting != 1 || m.AgentOpened != 2 {
		t.Errorf("awaiting, agent_opened = %d, %d; want 1, 2", m.Awaiting, m.AgentOpened)
	}
	// First resolutions: t5 30m, t3 2h, t10 2h, t1 3h, t4 19h, t6 29h, t7 67h.
	checkDurations(t, "first_resolution", m.FirstResolution, 7, hours(3), hours(17.5), hours(67))
	// Latest resolutions: t3 is 48h now; the rest as above.
	checkDurations(t, "resolution", m.Resolution, 7, hours(19), 86657*time.Second, hours(67))
	// Requester wait: t5 30m, t1 2h, t3 2h (30m new + 1h + 30m open),
	// t10 2h, t4 3h, t6 27h (1h new, 1h open, 24h on hold, 1h open), t7 66h.
	checkDurations(t, "requester_wait", m.RequesterWait, 7, hours(2), 52714*time.Second, hours(66))
	// Agent wait (pending): t5 0, t10 0, t1 1h, t7 1h, t6 2h, t3 3h, t4 16h.
	checkDurations(t, "agent_wait", m.AgentWait, 7, hours(1), 11828*time.Second, hours(16))
	checkRate(t, "resolution_rate", m.ResolutionRate, 7, 8)
	// At first contact: t1, t5, t7, t10; not t3 (reopened), t4 (two agent
	// messages and a customer answer), t6 (the customer wrote again).
	checkRate(t, "fcr_rate", m.FCR, 4, 7)
	checkRate(t, "reopen_rate", m.ReopenRate, 1, 7)
	// t1 good, t3 bad, t7 good (rated at its resolution); t9's rating is
	// older than the period.
	checkRate(t, "csat", m.CSAT, 2, 3)
	if len(m.SLA) != 0 {
		t.Errorf("sla = %v without policies, want none", m.SLA)
	}

	want := []AgentRow{
		{Agent: "alice", Assigned: 5, Replied: 4, Resolved: 5, FCR: Rate{3, 5}},
		{Agent: "bob", Assigned: 2, Replied: 1, Resolved: 1, FCR: Rate{0, 1}},
		{Agent: "(unassigned)", Assigned: 1, Replied: 0, Resolved: 1, FCR: Rate{1, 1}},
	}
	if len(r.Agents) != len(want) {
		t.Fatalf("agents = %+v, want %d rows", r.Agents, len(want))
	}
	medians := []time.Duration{time.Hour, time.Hour, 0}
	for i, w := range want {
		g := r.Agents[i]
		if g.Agent != w.Agent || g.Assigned != w.Assigned || g.Replied != w.Replied || g.Resolved != w.Resolved || g.FCR != w.FCR {
			t.Errorf("agent row %d = %+v, want %+v", i, g, w)
		}
		if g.FirstResponse.Median != medians[i] {
			t.Errorf("%s first_response median = %v, want %v", g.Agent, g.FirstResponse.Median, medians[i])
		}
	}
}

func TestReportSLA(t *testing.T) {
	pol := &ticket.SLAPolicy{Name: "std", Targets: map[string]ticket.SLATargets{
		"normal": {FirstResponse: "2h", Resolution: "2d"},
		"high":   {FirstResponse: "1h"},
	}}
	o := testOptions()
	o.SLA = func(t *ticket.Ticket, now time.Time) []ticket.SLAClock { return ticket.EvalSLA(t, pol, nil, now, 0) }
	r, err := Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	// First response: met t1 (2h, exactly due), t3, t5 (resolved in 30m),
	// t6 (high, 1h), t10; breached t2 (still waiting), t4 (its clock ends
	// at the reply, 3h), t7 (66h).
	// Resolution (normal only): met t1, t3, t4, t5, t10; breached t2, t7.
	want := []SLATarget{
		{Target: "first_response", Met: 5, Breached: 3},
		{Target: "resolution", Met: 5, Breached: 2},
	}
	if len(r.SLA) != len(want) {
		t.Fatalf("sla = %+v, want %+v", r.SLA, want)
	}
	for i := range want {
		if r.SLA[i] != want[i] {
			t.Errorf("sla[%d] = %+v, want %+v", i, r.SLA[i], want[i])
		}
	}
	if c := r.SLA[0].Compliance(); c != (Rate{5, 8}) {
		t.Errorf("first_response compliance = %v, want 5 of 8", c)
	}
}

func TestReportBusinessHours(t *testing.T) {
	cal, err := ticket.NewBusinessCalendar(ticket.Calendar{Timezone: "UTC", Hours: map[string]string{"mon-fri": "09:00-17:00"}})
	if err != nil {
		t.Fatal(err)
	}
	var ts []*ticket.Ticket
	for _, x := range deskTickets() {
		if x.ID == "t1" || x.ID == "t6" || x.ID == "t7" {
			ts = append(ts, x)
		}
	}
	o := testOptions()
	o.Calendar, o.CalendarName = cal, "office"
	r, err := Compute(ts, o)
	if err != nil {
		t.Fatal(err)
	}
	// t1 2h; t6 1h; t7 Friday 16:00 to Monday 10:00 is 1h on Friday and 1h
	// on Monday: 2h, not 66h.
	checkDurations(t, "first_response", r.FirstResponse, 3, hours(2), hours(5.0/3).Truncate(time.Second), hours(2))
	// t1 3h; t7 Friday 16–17 and Monday 9–11: 3h; t6 Thursday 9–17 (8h)
	// and Friday 9–14 (5h): 13h.
	checkDurations(t, "resolution", r.Resolution, 3, hours(3), hours(19.0/3).Truncate(time.Second), hours(13))
	// t6 on hold from Thursday 13:00 to Friday 13:00 is 8 business hours:
	// requester wait 1h new + 1h open + 8h on hold + 1h open = 11h.
	checkDurations(t, "requester_wait", r.RequesterWait, 3, hours(2), hours(15.0/3), hours(11))
	if r.Calendar != "office" {
		t.Errorf("calendar = %q, want office", r.Calendar)
	}
}

func TestReportEmptyPeriod(t *testing.T) {
	o := testOptions()
	o.Since, o.Until = at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")
	o.By = []string{"week"}
	r, err := Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created != 0 || r.Resolved != 0 || r.Backlog != 0 || r.FirstResponse.Count != 0 {
		t.Errorf("empty period: %+v", r.Metrics)
	}
	if _, ok := r.FCR.Value(); ok {
		t.Error("fcr_rate of an empty period has a value")
	}
	// Five weeks with empty groups, so a trend shows the gap.
	if len(r.Groups) != 5 {
		t.Errorf("groups = %d, want 5 weeks", len(r.Groups))
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(r.JSON()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"first_response":{"median":null,"mean":null,"p90":null,"count":0`, `"fcr_rate":null`, `"csat":{"good":0,"bad":0,"score":null}`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	for _, f := range []func(*bytes.Buffer) error{
		func(w *bytes.Buffer) error { return r.WriteText(w) },
		func(w *bytes.Buffer) error { return r.WriteMarkdown(w) },
		func(w *bytes.Buffer) error { return r.WriteCSV(w) },
		func(w *bytes.Buffer) error { return r.WriteHTML(w) },
		func(w *bytes.Buffer) error { return r.WriteChart(w, "x.svg") },
		func(w *bytes.Buffer) error { return r.WriteChart(w, "x.png") },
	} {
		b.Reset()
		if err := f(&b); err != nil || b.Len() == 0 {
			t.Errorf("rendering an empty report: %v (%d bytes)", err, b.Len())
		}
	}
}

func TestReportGroups(t *testing.T) {
	o := testOptions()
	o.By = []string{"week"}
	r, err := Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 2 {
		t.Fatalf("groups = %+v, want weeks 45 and 46", r.Groups)
	}
	w45, w46 := r.Groups[0], r.Groups[1]
	if w45.Label() != "2026-W45" || w46.Label() != "2026-W46" {
		t.Errorf("labels %q, %q", w45.Label(), w46.Label())
	}
	// Week 45 holds every creation; t7 is resolved on Monday of week 46.
	// At the end of week 45 t2, t7 and t8 are active; at the end of the
	// period t2 and t8.
	if w45.Created != 8 || w45.Resolved != 6 || w45.Backlog != 3 || w46.Created != 0 || w46.Resolved != 1 || w46.Backlog != 2 {
		t.Errorf("weeks: created %d/%d resolved %d/%d backlog %d/%d; want 8/0 6/1 3/2",
			w45.Created, w46.Created, w45.Resolved, w46.Resolved, w45.Backlog, w46.Backlog)
	}

	o.By = []string{"channel"}
	r, err = Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	var email *Group
	for i := range r.Groups {
		if r.Groups[i].Label() == "email" {
			email = &r.Groups[i]
		}
	}
	// Email: t1 t3 t6 t7 created and resolved; t8 in the backlog; t9 closed.
	if email == nil || email.Created != 4 || email.Resolved != 4 || email.Backlog != 1 || email.Closed != 1 {
		t.Fatalf("email group = %+v", email)
	}
	if r.Groups[0].Label() != "email" {
		t.Errorf("busiest group first: got %q", r.Groups[0].Label())
	}

	o.By = []string{"channel", "week"}
	r, err = Compute(deskTickets(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range r.Groups {
		if g.Label() == "email · 2026-W45" && (g.Created != 4 || g.Resolved != 3) {
			t.Errorf("email in week 45: created %d resolved %d, want 4, 3", g.Created, g.Resolved)
		}
	}

	for _, bad := range [][]string{{"weekday"}, {"day", "week"}, {"tag", "tag"}} {
		o.By = bad
		if _, err := Compute(deskTickets(), o); err == nil {
			t.Errorf("--by %v: no error", bad)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 45 * time.Second: "45s", 12 * time.Minute: "12m", hours(2.25): "2h 15m", hours(2): "2h",
		hours(76): "3d 4h", hours(48): "2d", 90 * time.Second: "1m 30s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
