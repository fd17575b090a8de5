package desk

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

const rulesConfig = `name: Acme Support
agents:
  - handle: hans
    teams: [support, marketplace]
    languages: [de, en]
    calendar: office
  - handle: alice
    teams: [support]
    languages: [en]
  - handle: bob
    teams: [support]
    languages: [en]
  - handle: carol
    teams: [support]
    languages: [en]
teams:
  - name: marketplace
    email: market@example.com
calendars:
  office:
    timezone: Europe/Berlin
    hours: {mon-fri: "09:00-17:00"}
business_hours: office
rules:
  - name: german
    if: language == "de"
    then: {tag: [de], assign_team: support}
    stop: true
  - name: marketplace mailbox
    if: '"market@example.com" in to'
    then: {team: marketplace}
  - name: after hours
    if: '!in_business_hours'
    then: {tag: [after-hours], reply: out-of-office}
  - name: support
    if: team == ""
    then: {assign_team: support}
  - name: vip
    if: customer_domain == "vip.example"
    then: {sla: vip}
sla:
  - name: vip
    targets:
      normal: {first_response: 1h}
  - name: standard
    if: "true"
    calendar: office
    targets:
      normal: {first_response: 6h}
`

func testDesk(t *testing.T, now time.Time) *Desk {
	t.Helper()
	cfg, err := ticket.ParseConfig(".ticket/config.yaml", []byte(rulesConfig))
	if err != nil {
		t.Fatal(err)
	}
	return &Desk{Config: cfg, Now: func() time.Time { return now }}
}

// Monday 2026-11-23 10:00 in Berlin: the office is open.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newTicket(t *testing.T, id, title, customer, body string, at time.Time) *ticket.Ticket {
	t.Helper()
	tk, err := ticket.New(ticket.NewOptions{Title: title, Customer: customer, Body: body, Channel: "email"}, at,
		func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	tk.ID = id
	return tk
}

func held(id, agent string, status ticket.Status, updated time.Time) *Loaded {
	return &Loaded{Ticket: &ticket.Ticket{ID: id, Assignee: agent, Status: status, Priority: ticket.PriorityNormal,
		Created: updated.Add(-time.Hour), Updated: updated}}
}

func TestLoadCountsActiveTicketsAndLatestChange(t *testing.T) {
	t1 := monday.Add(-3 * time.Hour)
	t2 := monday.Add(-2 * time.Hour)
	all := []*Loaded{
		held("aaaaa1", "alice", ticket.StatusOpen, t1),
		held("aaaaa2", "Alice", ticket.StatusPending, t2), // handles ignore case
		held("aaaaa3", "alice", ticket.StatusResolved, monday),
		held("bbbbb1", "bob", ticket.StatusClosed, t1),
		held("ccccc1", "carol", ticket.StatusNew, t1),
		held("zzzzz1", "", ticket.StatusOpen, monday),
	}
	load := Load(all, "ccccc1")
	for _, c := range []struct {
		agent string
		open  int
		last  time.Time
	}{
		{"alice", 2, monday}, // a resolved ticket is no load, but was assigned latest
		{"bob", 0, t1},
		{"carol", 0, time.Time{}}, // the ticket being assigned is left out
		{"hans", 0, time.Time{}},
	} {
		open, last := load(c.agent)
		if open != c.open || !last.Equal(c.last) {
			t.Errorf("load(%s) = %d, %v; want %d, %v", c.agent, open, last, c.open, c.last)
		}
	}
}

func TestRunRulesAssignsTheLeastLoadedAgent(t *testing.T) {
	d := testDesk(t, monday)
	early, late := monday.Add(-5*time.Hour), monday.Add(-time.Hour)
	for _, c := range []struct {
		name string
		all  []*Loaded
		want string
	}{
		{"nobody holds anything: by handle", nil, "alice"},
		{"fewest open tickets", []*Loaded{
			held("aaaaa1", "alice", ticket.StatusOpen, early),
			held("bbbbb1", "bob", ticket.StatusOpen, early),
			held("hhhhh1", "hans", ticket.StatusOpen, early),
		}, "carol"},
		{"resolved tickets are no load", []*Loaded{
			held("aaaaa1", "alice", ticket.StatusOpen, early),
			held("bbbbb1", "bob", ticket.StatusOpen, early),
			held("ccccc1", "carol", ticket.StatusResolved, late),
			held("ccccc2", "carol", ticket.StatusClosed, late),
			held("hhhhh1", "hans", ticket.StatusOpen, early),
		}, "carol"},
		{"equal load: assigned longest ago", []*Loaded{
			held("aaaaa1", "alice", ticket.StatusOpen, late),
			held("bbbbb1", "bob", ticket.StatusOpen, early),
			held("ccccc1", "carol", ticket.StatusOpen, late),
			held("hhhhh1", "hans", ticket.StatusOpen, late),
		}, "bob"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tk := newTicket(t, "nnnnn1", "Kettle leaks", "jane@example.com", "The kettle leaks.", monday)
			acts, err := d.RunRules(tk, ticket.RuleOnCreate, nil, c.all)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Assignee != c.want {
				t.Errorf("assignee %q, want %q (actions %v)", tk.Assignee, c.want, acts)
			}
			if tk.Status != ticket.StatusOpen || tk.Team != "support" {
				t.Errorf("status %s, team %q; want open, support", tk.Status, tk.Team)
			}
		})
	}
}

func TestRunRulesSpreadsABatch(t *testing.T) {
	d := testDesk(t, monday)
	var all []*Loaded
	count := map[string]int{}
	for i := range 9 {
		tk := newTicket(t, fmt.Sprintf("bat%03d", i), "Question", "jane@example.com", "Where is my order?", monday)
		if _, err := d.RunRules(tk, ticket.RuleOnCreate, nil, all); err != nil {
			t.Fatal(err)
		}
		count[tk.Assignee]++
		all = append(all, &Loaded{Ticket: tk}) // the caller adds each new ticket
	}
	// Four support agents: nine tickets go 3, 2, 2, 2 (hans, who speaks
	// English too, takes his share).
	got := []int{count["alice"], count["bob"], count["carol"], count["hans"]}
	if !slices.Equal(got, []int{3, 2, 2, 2}) {
		t.Errorf("alice, bob, carol, hans got %v, want [3 2 2 2]", got)
	}
}

func TestRunRulesRoutesGermanToAGermanSpeaker(t *testing.T) {
	d := testDesk(t, monday)
	all := []*Loaded{held("hhhhh1", "hans", ticket.StatusOpen, monday), held("hhhhh2", "hans", ticket.StatusOpen, monday)}
	tk := newTicket(t, "dddde1", "Drucker kaputt", "max@example.de",
		"Guten Tag, mein Drucker druckt seit gestern nicht mehr. Können Sie mir bitte helfen? Vielen Dank!", monday)
	acts, err := d.RunRules(tk, ticket.RuleOnCreate, nil, all)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Language != "de" || !tk.HasTag("de") || tk.Assignee != "hans" {
		t.Errorf("language %q, tags %v, assignee %q; want de, [de], hans (busier, but the one who speaks German)", tk.Language, tk.Tags, tk.Assignee)
	}
	want := []string{"german: tag +de", "german: team support", "german: assign hans"}
	var got []string
	for _, a := range acts {
		got = append(got, a.Rule+": "+a.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions %q, want %q (stop ends the run)", got, want)
	}
	if tk.SLA != "standard" {
		t.Errorf("sla %q, want the first matching policy standard", tk.SLA)
	}
}

func TestRunRulesJudgesTheMessage(t *testing.T) {
	d := testDesk(t, monday)
	tk := newTicket(t, "mmmmm1", "Listing", "seller@shop.example", "The listing shows the wrong price.", monday)
	msg := &RuleMessage{Subject: "Listing", From: "Sam <seller@shop.example>", Text: "The listing shows the wrong price.",
		To: []string{"Acme <MARKET@example.com>"}}
	if _, err := d.RunRules(tk, ticket.RuleOnCreate, msg, nil); err != nil {
		t.Fatal(err)
	}
	if tk.Team != "marketplace" || tk.Assignee != "" {
		t.Errorf("team %q, assignee %q; want marketplace, nobody (the support rule needs no team)", tk.Team, tk.Assignee)
	}
}

func TestRunRulesOutOfHoursNeverRepliesToAutoMail(t *testing.T) {
	saturday := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	d := testDesk(t, saturday)
	tk := newTicket(t, "ssss01", "Hello", "jane@example.com", "Anyone there?", saturday)
	acts, err := d.RunRules(tk, ticket.RuleOnCreate, &RuleMessage{Subject: "Hello", From: "jane@example.com", Text: "Anyone there?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !tk.HasTag("after-hours") || !slices.ContainsFunc(acts, func(a ticket.Action) bool { return a.Kind == ticket.ActionReply }) {
		t.Errorf("tags %v, actions %v; want after-hours and a reply", tk.Tags, acts)
	}
	tk = newTicket(t, "ssss02", "Out of office", "jane@example.com", "I am away.", saturday)
	acts, err = d.RunRules(tk, ticket.RuleOnCreate, &RuleMessage{Subject: "Out of office", From: "jane@example.com", Text: "I am away.", Auto: "auto-reply"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(acts, func(a ticket.Action) bool { return a.Kind == ticket.ActionReply }) {
		t.Errorf("actions %v reply to an auto-reply", acts)
	}
}

func TestRunRulesKeepsAChosenPolicy(t *testing.T) {
	d := testDesk(t, monday)
	tk := newTicket(t, "vvvv01", "Hello", "boss@vip.example", "Call me.", monday)
	if _, err := d.RunRules(tk, ticket.RuleOnCreate, nil, nil); err != nil {
		t.Fatal(err)
	}
	if tk.SLA != "vip" {
		t.Errorf("sla %q, want vip (chosen by a rule, not overwritten)", tk.SLA)
	}
	pol, clocks, err := d.SLA(tk, monday.Add(30*time.Minute), time.Hour)
	if err != nil || pol == nil || len(clocks) != 1 || clocks[0].State != ticket.SLAAtRisk {
		t.Errorf("SLA = %v, %+v, %v; want vip with one at-risk clock", pol, clocks, err)
	}
}

func TestPlanRulesChangesNothing(t *testing.T) {
	d := testDesk(t, monday)
	tk := newTicket(t, "pppp01", "Drucker kaputt", "max@example.de",
		"Guten Tag, mein Drucker druckt seit gestern nicht mehr. Können Sie mir bitte helfen? Vielen Dank!", monday)
	before := string(ticket.Render(tk))
	p, err := d.PlanRules(tk, ticket.RuleOnCreate, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(ticket.Render(tk)) != before {
		t.Error("PlanRules changed the ticket")
	}
	if !slices.Equal(p.Matched, []string{"german"}) || p.Language != "de" || p.SLA != "standard" || p.Ticket.Assignee != "hans" {
		t.Errorf("plan %+v", p)
	}
}

func TestRuleEngineCompiledOnce(t *testing.T) {
	d := testDesk(t, monday)
	e1, err := d.RuleEngine()
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := d.RuleEngine()
	if e1 != e2 {
		t.Error("the engine was compiled twice")
	}
}

func TestRuleErrorsNameTheConfigLine(t *testing.T) {
	cfg, err := ticket.ParseConfig(".ticket/config.yaml", []byte("name: x\nrules:\n  - name: bad\n    if: subjekt == \"x\"\n    then: {tag: [x]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{Config: cfg, Now: func() time.Time { return monday }}
	_, err = d.RunRules(newTicket(t, "eeee01", "x", "a@example.com", "x", monday), ticket.RuleOnCreate, nil, nil)
	if err == nil || !strings.HasPrefix(err.Error(), `.ticket/config.yaml:4: rules[0] "bad": if: `) {
		t.Errorf("error %v, want one naming .ticket/config.yaml:4", err)
	}
}

func TestDetectLanguage(t *testing.T) {
	for _, c := range []struct{ subject, text, want string }{
		{"Drucker kaputt", "Guten Tag, mein Drucker druckt seit gestern nicht mehr. Können Sie mir bitte helfen?", "de"},
		{"Kettle", "Hello, my kettle arrived broken and leaks all over the kitchen table. Please help.", "en"},
		{"Hi", "ok", ""}, // too little to tell
		{"", "", ""},
	} {
		if got := DetectLanguage(c.subject, c.text); got != c.want {
			t.Errorf("DetectLanguage(%q, %q) = %q, want %q", c.subject, c.text, got, c.want)
		}
	}
}
