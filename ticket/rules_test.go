package ticket

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var ruleNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func ruleConfig(rules ...Rule) *Config {
	return &Config{
		Name: "Shop",
		Agents: []Agent{
			{Handle: "anna", Teams: []string{"support"}, Languages: []string{"en"}},
			{Handle: "hans", Teams: []string{"support", "billing"}, Languages: []string{"de", "en"}},
			{Handle: "greta", Teams: []string{"support"}, Languages: []string{"de-AT"}, Away: true},
			{Handle: "mia", Teams: []string{"Marketplace"}, Languages: []string{"en"}},
			{Handle: "otto", Email: "otto@shop.example", Teams: []string{"marketplace"}, Languages: []string{"en", "fr"}},
		},
		Teams: []Team{{Name: "marketplace", Email: "market@shop.example"}, {Name: "legal"}},
		SLA:   []SLAPolicy{{Name: "standard"}, {Name: "vip"}},
		Rules: rules,
	}
}

// shopRules are the examples of the product: German mail to a German
// speaker, marketplace mail to its team, urgent words raise the priority.
var shopRules = []Rule{
	{Name: "german", If: `language == "de"`, Then: Actions{Tag: StringList{"de"}, AssignTeam: "support"}},
	{Name: "marketplace", If: `"market@shop.example" in to`, Then: Actions{Team: "marketplace"}},
	{Name: "urgent", If: `subject matches "(?i)urgent|asap|refund"`, Then: Actions{Priority: "urgent"}},
	{Name: "acknowledge", If: `true`, Then: Actions{Reply: "acknowledgement"}, On: StringList{"create", "message"}},
}

func newRuleTicket(lang string) *Ticket {
	return &Ticket{
		ID: "7kq2m9", Title: "Frage", Status: StatusNew, Priority: PriorityNormal, Channel: "email",
		Customer: "erika@shop.example", Language: lang,
		Created: ruleNow, Updated: ruleNow,
		Entries: []Entry{{ID: "e1", Kind: KindMessage, Author: "erika@shop.example", At: ruleNow, Body: "Hallo"}},
	}
}

func mustEngine(t *testing.T, cfg *Config) *RuleEngine {
	t.Helper()
	e, err := NewRuleEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func actionStrings(as []Action) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Rule + ": " + a.String()
	}
	return strings.Join(out, "; ")
}

func TestRuleExamples(t *testing.T) {
	e := mustEngine(t, ruleConfig(shopRules...))
	tests := []struct {
		name    string
		lang    string
		subject string
		to      []string
		auto    bool
		want    string
		matched []string
	}{
		{"german mail goes to the German speaker", "de", "Frage zur Lieferung", []string{"support@shop.example"}, false,
			"german: tag +de; german: team support; german: assign hans; acknowledge: reply acknowledgement",
			[]string{"german", "acknowledge"}},
		{"marketplace mailbox", "en", "Order 5521", []string{"support@shop.example", "market@shop.example"}, false,
			"marketplace: team marketplace; acknowledge: reply acknowledgement",
			[]string{"marketplace", "acknowledge"}},
		{"urgent words", "en", "Refund ASAP please", []string{"support@shop.example"}, false,
			"urgent: priority urgent; acknowledge: reply acknowledgement",
			[]string{"urgent", "acknowledge"}},
		{"all three", "de", "URGENT", []string{"Market <MARKET@shop.example>"}, false,
			"german: tag +de; german: team support; german: assign hans; marketplace: team marketplace; urgent: priority urgent; acknowledge: reply acknowledgement",
			[]string{"german", "marketplace", "urgent", "acknowledge"}},
		{"no reply to an auto-reply", "en", "Out of office: urgent", nil, true,
			"urgent: priority urgent",
			[]string{"urgent", "acknowledge"}},
	}
	for _, tt := range tests {
		tk := newRuleTicket(tt.lang)
		env := NewQueryEnv(tk, ruleNow)
		env.SetMessage(tt.subject, "erika@shop.example", tt.to, "Hallo", tt.auto)
		before := Render(tk)
		acts, matched, err := e.Plan(RuleInput{Ticket: tk, Env: env, Event: RuleOnCreate, Now: ruleNow}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := actionStrings(acts); got != tt.want {
			t.Errorf("%s: Plan =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
		if !reflect.DeepEqual(matched, tt.matched) {
			t.Errorf("%s: matched %q, want %q", tt.name, matched, tt.matched)
		}
		if string(Render(tk)) != string(before) {
			t.Errorf("%s: Plan changed the ticket", tt.name)
		}
	}
}

func TestRuleApplyEveryAction(t *testing.T) {
	e := mustEngine(t, ruleConfig(Rule{
		Name: "everything",
		If:   `"vip@shop.example" in to`,
		Then: Actions{
			Tag: StringList{"VIP", "Big Customer"}, Untag: StringList{"spam"},
			Priority: "High", Team: "legal", Assign: "otto@shop.example",
			Set: map[string]string{"order": "5521", "source": "mail", "old": ""},
			SLA: "VIP", Reply: "acknowledgement",
		},
	}))
	tk := newRuleTicket("en")
	tk.Tags = []string{"spam", "zzz"}
	tk.Fields = map[string]string{"old": "x"}
	env := NewQueryEnv(tk, ruleNow)
	env.SetMessage("hi", "erika@shop.example", []string{"vip@shop.example"}, "hi", false)
	later := ruleNow.Add(time.Minute)
	acts, err := e.Apply(RuleInput{Ticket: tk, Env: env, Now: later}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "everything: tag +vip; everything: tag +big-customer; everything: tag -spam; everything: priority high; " +
		"everything: team legal; everything: assign otto; everything: set old=; everything: set order=5521; " +
		"everything: set source=mail; everything: sla vip; everything: reply acknowledgement"
	if got := actionStrings(acts); got != want {
		t.Errorf("Apply =\n%s\nwant\n%s", got, want)
	}
	wantT := newRuleTicket("en")
	wantT.Tags = []string{"big-customer", "vip", "zzz"}
	wantT.Priority = PriorityHigh
	wantT.Team = "legal"
	wantT.Assignee = "otto"
	wantT.Status = StatusOpen // assigning a new ticket opens it
	wantT.Fields = map[string]string{"order": "5521", "source": "mail"}
	wantT.SLA = "vip"
	wantT.Updated = later
	if !reflect.DeepEqual(tk, wantT) {
		t.Errorf("ticket after Apply =\n%+v\nwant\n%+v", tk, wantT)
	}

	// Applying again changes nothing and does not touch the ticket.
	if _, err := e.Apply(RuleInput{Ticket: tk, Env: env, Now: later.Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tk, wantT) {
		t.Errorf("second Apply changed the ticket:\n%+v", tk)
	}
}

func TestRuleOrderStopAndEvents(t *testing.T) {
	rules := []Rule{
		{Name: "spam", If: `from_domain == "spam.example"`, Then: Actions{Tag: StringList{"spam"}}, Stop: true},
		{Name: "refund", If: `text contains "refund"`, Then: Actions{Priority: "urgent"}, On: StringList{"create", "message"}},
		// sees the priority the rule before set
		{Name: "escalate", If: `priority == "urgent" && assignee == ""`, Then: Actions{Assign: "anna"}, On: StringList{"Message", "create"}},
		{Name: "follow-up", If: `status == "open"`, Then: Actions{Tag: StringList{"follow-up"}}, On: StringList{"message"}},
		{If: `true`, Then: Actions{Set: map[string]string{"seen": "yes"}}},
	}
	e := mustEngine(t, ruleConfig(rules...))
	tests := []struct {
		name  string
		event RuleEvent
		from  string
		text  string
		open  bool
		want  string
	}{
		{"stop ends the run", RuleOnCreate, "x@spam.example", "refund", false, "spam: tag +spam"},
		{"create runs create rules in order", RuleOnCreate, "erika@shop.example", "refund now", false,
			"refund: priority urgent; escalate: assign anna; rules[4]: set seen=yes"},
		{"empty event is create", "", "erika@shop.example", "hello", false, "rules[4]: set seen=yes"},
		{"message runs message rules only", RuleOnMessage, "erika@shop.example", "a refund", false,
			"refund: priority urgent; escalate: assign anna; follow-up: tag +follow-up"},
		{"message on an open ticket", RuleOnMessage, "erika@shop.example", "thanks", true, "follow-up: tag +follow-up"},
		{"stop only when matched, and only on its events", RuleOnMessage, "x@spam.example", "hi", true, "follow-up: tag +follow-up"},
	}
	for _, tt := range tests {
		tk := newRuleTicket("en")
		if tt.open {
			tk.Status = StatusOpen
		}
		env := NewQueryEnv(tk, ruleNow)
		env.SetMessage("s", tt.from, nil, tt.text, false)
		acts, err := e.Apply(RuleInput{Ticket: tk, Env: env, Event: tt.event, Now: ruleNow}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := actionStrings(acts); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}

	_, _, err := e.Plan(RuleInput{Ticket: newRuleTicket("en"), Event: "reply", Now: ruleNow}, nil)
	if want := `unknown rule event "reply" (want create or message)`; err == nil || err.Error() != want {
		t.Errorf("Plan with a bad event: %v, want %s", err, want)
	}
}

// Without an Env, the rules see the ticket and its latest customer message.
func TestRulePlanWithoutEnv(t *testing.T) {
	e := mustEngine(t, ruleConfig(Rule{Name: "hallo", If: `text == "Hallo" && from == "erika@shop.example" && now == date("2026-11-23T10:00:00Z")`, Then: Actions{Tag: StringList{"greeting"}}}))
	acts, matched, err := e.Plan(RuleInput{Ticket: newRuleTicket("de"), Now: ruleNow}, nil)
	if err != nil || actionStrings(acts) != "hallo: tag +greeting" || !reflect.DeepEqual(matched, []string{"hallo"}) {
		t.Errorf("Plan = %s, %v, %v", actionStrings(acts), matched, err)
	}
}

func TestRuleAssignTeam(t *testing.T) {
	type load struct {
		open int
		last time.Time
	}
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		team    string
		lang    string
		loads   map[string]load
		working []string // nil: no calendar
		want    string   // "" for nobody
	}{
		{"fewest open tickets", "support", "", map[string]load{"anna": {3, at(1)}, "hans": {2, at(9)}}, nil, "hans"},
		{"ties go to who was assigned longest ago", "support", "", map[string]load{"anna": {2, at(5)}, "hans": {2, at(4)}}, nil, "hans"},
		{"never assigned counts as longest ago", "support", "", map[string]load{"anna": {2, at(5)}, "hans": {2, time.Time{}}}, nil, "hans"},
		{"full ties go by handle", "support", "", map[string]load{"anna": {2, at(5)}, "hans": {2, at(5)}}, nil, "anna"},
		{"no load function data: by handle", "support", "", nil, nil, "anna"},
		{"away agents are never picked", "support", "", map[string]load{"anna": {9, at(1)}, "hans": {9, at(1)}}, nil, "anna"},
		{"speakers of the ticket's language first", "support", "de", map[string]load{"anna": {0, at(1)}, "hans": {9, at(9)}}, nil, "hans"},
		{"language by primary subtag", "marketplace", "fr-CA", map[string]load{"mia": {0, at(1)}, "otto": {5, at(9)}}, nil, "otto"},
		{"nobody speaks it: everybody", "support", "ja", map[string]load{"anna": {1, at(1)}, "hans": {0, at(1)}}, nil, "hans"},
		{"working agents first", "support", "", map[string]load{"anna": {5, at(1)}, "hans": {0, at(1)}}, []string{"anna"}, "anna"},
		{"language before working", "support", "de", map[string]load{"anna": {0, at(1)}, "hans": {4, at(1)}}, []string{"anna"}, "hans"},
		{"nobody working: every eligible agent", "support", "", map[string]load{"anna": {5, at(1)}, "hans": {0, at(1)}}, []string{}, "hans"},
		{"team names ignore case", "MARKETPLACE", "", map[string]load{"mia": {1, at(1)}, "otto": {0, at(1)}}, nil, "otto"},
		{"a team of the away only", "legal-away", "", nil, nil, ""},
	}
	for _, tt := range tests {
		cfg := ruleConfig()
		cfg.Agents = append(cfg.Agents, Agent{Handle: "zed", Teams: []string{"legal-away"}, Away: true})
		e := mustEngine(t, cfg)
		if tt.working != nil {
			e.Working = func(a *Agent, when time.Time) bool {
				if !when.Equal(ruleNow) {
					t.Errorf("Working asked about %v, want %v", when, ruleNow)
				}
				for _, h := range tt.working {
					if h == a.Handle {
						return true
					}
				}
				return false
			}
		}
		var lf LoadFunc
		if tt.loads != nil {
			lf = func(agent string) (int, time.Time) { l := tt.loads[agent]; return l.open, l.last }
		}
		got := ""
		if a := e.Pick(tt.team, tt.lang, ruleNow, lf); a != nil {
			got = a.Handle
		}
		if got != tt.want {
			t.Errorf("%s: picked %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Two clones with the same tickets pick the same agent, whatever order the
// agents are listed in; and a batch that feeds the load back spreads work.
func TestRuleAssignTeamFairAndDeterministic(t *testing.T) {
	agents := []Agent{
		{Handle: "cleo", Teams: []string{"support"}},
		{Handle: "anna", Teams: []string{"support"}},
		{Handle: "bert", Teams: []string{"support"}},
	}
	orders := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}
	var first string
	for _, o := range orders {
		cfg := &Config{Rules: []Rule{{Name: "round robin", Then: Actions{AssignTeam: "support"}}}}
		for _, i := range o {
			cfg.Agents = append(cfg.Agents, agents[i])
		}
		e := mustEngine(t, cfg)
		open := map[string]int{"cleo": 1}
		last := map[string]time.Time{}
		lf := func(a string) (int, time.Time) { return open[a], last[a] }
		var picks []string
		for i := range 7 {
			now := ruleNow.Add(time.Duration(i) * time.Minute)
			tk := newRuleTicket("")
			acts, err := e.Apply(RuleInput{Ticket: tk, Now: now}, lf)
			if err != nil {
				t.Fatal(err)
			}
			if got := actionStrings(acts); got != "round robin: team support; round robin: assign "+tk.Assignee {
				t.Fatalf("Apply = %s", got)
			}
			picks = append(picks, tk.Assignee)
			open[tk.Assignee]++
			last[tk.Assignee] = now
		}
		got := strings.Join(picks, " ")
		if want := "anna bert cleo anna bert cleo anna"; got != want {
			t.Errorf("agents in order %v: picks %s, want %s", o, got, want)
		}
		if first == "" {
			first = got
		}
	}
}

func TestNewRuleEngineErrors(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{Rule{Name: "typo", If: `prioritty == "urgent"`},
			"rules[0] \"typo\": if: expression `prioritty == \"urgent\"`, column 1: unknown variable prioritty\nhint: did you mean priority?"},
		{Rule{Name: "bad regex", If: `subject matches "(?i)refund["`},
			"rules[0] \"bad regex\": if: expression `subject matches \"(?i)refund[\"`, column 9: bad regular expression: missing closing ]: `[`\n" +
				`hint: matches takes an RE2 regular expression, as in subject matches "(?i)refund"; to match a special character itself, escape it: "\\["`},
		{Rule{If: `true`, Then: Actions{Priority: "asap"}},
			`rules[0]: then.priority: unknown priority "asap" (want one of low, normal, high, urgent)`},
		{Rule{Name: "x", Then: Actions{Assign: "hanz"}},
			`rules[0] "x": then.assign: unknown agent "hanz" (agents: anna, greta, hans, mia, otto)`},
		{Rule{Name: "x", Then: Actions{Team: "sales"}},
			`rules[0] "x": then.team: unknown team "sales" (teams: billing, legal, marketplace, support)`},
		{Rule{Name: "x", Then: Actions{AssignTeam: "sales"}},
			`rules[0] "x": then.assign_team: unknown team "sales" (teams: billing, legal, marketplace, support)`},
		{Rule{Name: "x", Then: Actions{AssignTeam: "legal"}},
			`rules[0] "x": then.assign_team: team "legal" has no agents (list it in an agent's teams)`},
		{Rule{Name: "x", Then: Actions{Assign: "anna", AssignTeam: "support"}},
			`rules[0] "x": then.assign_team: a rule either assigns an agent or picks one from a team (remove assign or assign_team)`},
		{Rule{Name: "x", Then: Actions{Team: "billing", AssignTeam: "support"}},
			`rules[0] "x": then.assign_team: team "support" differs from team "billing" of the same rule (assign_team sets the team; remove team)`},
		{Rule{Name: "x", Then: Actions{SLA: "gold"}},
			`rules[0] "x": then.sla: unknown SLA policy "gold" (policies: standard, vip)`},
		{Rule{Name: "x", Then: Actions{Set: map[string]string{"a=b": "c"}}},
			`rules[0] "x": then.set: bad field name "a=b" (use letters, digits, - and _)`},
		{Rule{Name: "x", Then: Actions{Tag: StringList{" "}}},
			`rules[0] "x": then.tag: empty tag`},
		{Rule{Name: "x", On: StringList{"reply"}},
			`rules[0] "x": on: unknown event "reply" (use create, message or both: on: [create, message])`},
	}
	for _, tt := range tests {
		_, err := NewRuleEngine(ruleConfig(Rule{Name: "fine", If: "true"}, tt.rule))
		if err == nil {
			t.Errorf("NewRuleEngine(%+v) succeeded, want %s", tt.rule, tt.want)
			continue
		}
		want := strings.Replace(tt.want, "rules[0]", "rules[1]", 1)
		if err.Error() != want {
			t.Errorf("NewRuleEngine error =\n%s\nwant\n%s", err, want)
		}
		var re *RuleError
		if !errors.As(err, &re) || re.Index != 1 || re.Name != tt.rule.Name {
			t.Errorf("error %v is not a RuleError for rules[1]", err)
		}
	}
}

// Every fault is reported at once, each naming its rule.
func TestNewRuleEngineJoinsErrors(t *testing.T) {
	_, err := NewRuleEngine(&Config{Rules: []Rule{
		{Name: "a", If: "status =="},
		{Name: "b", Then: Actions{Priority: "asap", Team: "nobody"}},
	}})
	want := "rules[0] \"a\": if: expression `status ==`, column 9: unexpected end of expression\n" +
		"hint: something is missing at the end: a closing bracket or quote, or the right side of an operator\n" +
		"rules[1] \"b\": then.priority: unknown priority \"asap\" (want one of low, normal, high, urgent)\n" +
		"rules[1] \"b\": then.team: unknown team \"nobody\" (no teams are configured: add it to teams or to an agent's teams)"
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
	var errs []*RuleError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *RuleError
		if errors.As(e, &re) {
			errs = append(errs, re)
		}
	}
	if len(errs) != 3 || errs[0].Key != "if" || errs[1].Key != "then.priority" || errs[2].Index != 1 {
		t.Errorf("RuleErrors = %+v", errs)
	}
}

func TestRuleRuntimeError(t *testing.T) {
	e := mustEngine(t, ruleConfig(Rule{Name: "due", If: `date(fields.due) < now`, Then: Actions{Tag: StringList{"late"}}}))
	tk := newRuleTicket("en")
	tk.Fields = map[string]string{"due": "someday"}
	before := Render(tk)
	_, err := e.Apply(RuleInput{Ticket: tk, Now: ruleNow}, nil)
	want := "rules[0] \"due\": if: expression `date(fields.due) < now`, column 1: date: time \"someday\" not understood"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want prefix %s", err, want)
	}
	if string(Render(tk)) != string(before) {
		t.Errorf("a failed Apply changed the ticket")
	}
}

func TestRuleEngineEmpty(t *testing.T) {
	for _, cfg := range []*Config{nil, {}} {
		e := mustEngine(t, cfg)
		acts, matched, err := e.Plan(RuleInput{Ticket: newRuleTicket("")}, nil)
		if err != nil || acts != nil || matched != nil {
			t.Errorf("Plan with no rules = %v, %v, %v", acts, matched, err)
		}
	}
	if _, _, err := mustEngine(t, nil).Plan(RuleInput{}, nil); err == nil || err.Error() != "rules need a ticket" {
		t.Errorf("Plan without a ticket: %v", err)
	}
}

// A RuleError's index and key find the line of the fault in the file.
func TestRuleErrorLine(t *testing.T) {
	src := `name: Shop
agents:
  - handle: hans
    teams: [support]
rules:
  - name: fine
    if: "true"
    then: {tag: ok}
  - name: typo
    then: {tag: x}
    if: prioritty == "urgent"
`
	cfg, err := ParseConfig(ConfigPath, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewRuleEngine(cfg)
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("error %v is not a RuleError", err)
	}
	if line := cfg.Line(fmt.Sprintf("rules[%d].%s", re.Index, re.Key)); line != 11 {
		t.Errorf("line of %v = %d, want 11", re, line)
	}
}
