package cmd

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

func newRulesCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "List, test and re-apply the automation rules",
		Long: `The rules of .ticket/config.yaml tag, prioritise, route and assign tickets
as they arrive (docs/rules.md). These commands show them, try them on a ticket
or a mail without changing anything, and run them again on existing tickets.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newRulesListCmd(app), newRulesTestCmd(app), newRulesApplyCmd(app))
	return c
}

// runNewRules runs the rules on a ticket made by `ticket new` and tells a
// person on a terminal what they did.
func runNewRules(app *App, d *desk.Desk, t *ticket.Ticket, body string) error {
	if len(d.Config.Rules) == 0 && len(d.Config.SLA) == 0 {
		return nil
	}
	var all []*desk.Loaded
	if d.RulesNeedLoad() {
		var err error
		if all, err = d.LoadAll(d.Store.Worktree(), nil); err != nil {
			return err
		}
	}
	msg := &desk.RuleMessage{Subject: t.Title, From: t.Customer, Text: body}
	p, err := d.PlanRules(t, ticket.RuleOnCreate, msg, all)
	if err != nil {
		return withHint(err, "fix the rule in "+d.Rel(ticket.ConfigPath)+", then try again")
	}
	*t = *p.Ticket
	if app.ErrTTY {
		printPlan(app, p, "")
	}
	return nil
}

// printPlan writes what rules did or would do, one line per action.
func printPlan(app *App, p *desk.RulePlan, prefix string) {
	w := app.Err
	if p.Language != "" {
		fmt.Fprintf(w, "%slanguage %s (detected)\n", prefix, p.Language)
	}
	for _, a := range p.Actions {
		fmt.Fprintf(w, "%srule %q: %s\n", prefix, a.Rule, safe(a.String()))
	}
	if p.SLA != "" {
		fmt.Fprintf(w, "%ssla %s (first matching policy)\n", prefix, p.SLA)
	}
}

type rulesListOptions struct{ out jsonFlags }

type ruleJSON struct {
	Index   int      `json:"index"`
	Name    string   `json:"name"`
	On      []string `json:"on"`
	If      string   `json:"if"`
	Actions []string `json:"actions"`
	Stop    bool     `json:"stop"`
}

func newRulesListCmd(app *App) *cobra.Command {
	o := rulesListOptions{}
	c := &cobra.Command{
		Use:   "list",
		Short: "List the rules in the order they run",
		Long: `List the rules of the configuration in the order they run, with their
events, condition and actions. Piped, the output is tab-separated (name, on,
if, actions).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRulesList(app, o) },
	}
	addJSONFlags(c, &o.out)
	return c
}

func ruleActions(th ticket.Actions) []string {
	var out []string
	for _, t := range th.Tag {
		out = append(out, "tag +"+t)
	}
	for _, t := range th.Untag {
		out = append(out, "tag -"+t)
	}
	add := func(kind, v string) {
		if v != "" {
			out = append(out, kind+" "+v)
		}
	}
	add("priority", th.Priority)
	add("team", th.Team)
	add("assign", th.Assign)
	add("assign_team", th.AssignTeam)
	keys := make([]string, 0, len(th.Set))
	for k := range th.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, "set "+k+"="+th.Set[k])
	}
	add("sla", th.SLA)
	add("reply", th.Reply)
	return out
}

func runRulesList(app *App, o rulesListOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	if _, err := d.RuleEngine(); err != nil {
		return err
	}
	rows := make([]ruleJSON, 0, len(d.Config.Rules))
	for i, r := range d.Config.Rules {
		on := []string(r.On)
		if len(on) == 0 {
			on = []string{"create"}
		}
		acts := ruleActions(r.Then)
		if acts == nil {
			acts = []string{}
		}
		rows = append(rows, ruleJSON{Index: i, Name: r.Name, On: on, If: r.If, Actions: acts, Stop: r.Stop})
	}
	if o.out.enabled() {
		return o.out.print(app.Out, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(app.Err, "no rules in %s (see docs/rules.md)\n", d.Rel(ticket.ConfigPath))
		return nil
	}
	st := app.style()
	tb := &table{st: st, header: []string{"NAME", "ON", "IF", "THEN"}}
	for _, r := range rows {
		then := strings.Join(r.Actions, ", ")
		if r.Stop {
			then += ", stop"
		}
		tb.add([]string{r.Name, strings.Join(r.On, ","), r.If, then}, []string{"1", "2", "", ""})
	}
	var b strings.Builder
	if err := tb.write(&b, app.termWidth()); err != nil {
		return err
	}
	_, err = fmt.Fprint(app.Out, b.String())
	return err
}

type rulesTestOptions struct {
	ID, EML, Event string
	out            jsonFlags
}

type actionJSON struct {
	Rule  string `json:"rule"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type rulePlanJSON struct {
	ID       string       `json:"id"`
	Matched  []string     `json:"matched"`
	Actions  []actionJSON `json:"actions"`
	Language string       `json:"language"`
	SLA      string       `json:"sla"`
	Ticket   ticketJSON   `json:"ticket"`
}

func newRulesTestCmd(app *App) *cobra.Command {
	o := rulesTestOptions{}
	c := &cobra.Command{
		Use:   "test [ID | --eml FILE]",
		Short: "Show which rules match a ticket or a mail, changing nothing",
		Long: `Show which rules match and what they would do, without changing anything.

With an ID, the rules judge that ticket as if it were new. With --eml FILE (-
for standard input), they judge the ticket the mail would become, with the
mail's recipients (To, Cc, Delivered-To), sender, subject and text.`,
		Example: `  ticket rules test --eml message.eml
  ticket rules test 7kq2m9 --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.ID = args[0]
			}
			return runRulesTest(app, o)
		},
	}
	c.Flags().StringVar(&o.EML, "eml", "", "judge the mail in `FILE` (- for standard input)")
	c.Flags().StringVar(&o.Event, "on", "create", "the `EVENT` to run the rules for: create or message")
	addJSONFlags(c, &o.out)
	return c
}

func ruleEvent(s string) (ticket.RuleEvent, error) {
	switch ev := ticket.RuleEvent(strings.ToLower(s)); ev {
	case ticket.RuleOnCreate, ticket.RuleOnMessage:
		return ev, nil
	}
	return "", usageErrorf("--on %q: want create or message", s)
}

func runRulesTest(app *App, o rulesTestOptions) error {
	if (o.ID == "") == (o.EML == "") {
		return usageErrorf("give a ticket ID or --eml FILE, one of them")
	}
	ev, err := ruleEvent(o.Event)
	if err != nil {
		return err
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	if _, err := d.RuleEngine(); err != nil {
		return err
	}
	var t *ticket.Ticket
	var msg *desk.RuleMessage
	if o.EML != "" {
		if t, msg, err = ticketFromMail(app, d, o.EML); err != nil {
			return err
		}
	} else {
		l, err := d.Get(d.Store.Worktree(), o.ID)
		if err != nil {
			return err
		}
		t = l.Ticket
	}
	var all []*desk.Loaded
	if d.RulesNeedLoad() {
		if all, err = d.LoadAll(d.Store.Worktree(), func(err error) { app.warnf("%v", err) }); err != nil {
			return err
		}
	}
	p, err := d.PlanRules(t, ev, msg, all)
	if err != nil {
		return err
	}
	if o.out.enabled() {
		j := rulePlanJSON{ID: t.ID, Matched: p.Matched, Actions: []actionJSON{}, Language: p.Ticket.Language,
			SLA: p.Ticket.SLA, Ticket: toJSON(d, p.Ticket, false)}
		if j.Matched == nil {
			j.Matched = []string{}
		}
		for _, a := range p.Actions {
			j.Actions = append(j.Actions, actionJSON{Rule: a.Rule, Kind: a.Kind, Value: a.Value})
		}
		return o.out.print(app.Out, j)
	}
	w := app.Out
	if len(p.Matched) == 0 {
		fmt.Fprintln(w, "no rule matches")
	} else {
		fmt.Fprintf(w, "matched: %s\n", strings.Join(quoteAll(p.Matched), ", "))
	}
	if p.Language != "" {
		fmt.Fprintf(w, "language %s (detected)\n", p.Language)
	}
	for _, a := range p.Actions {
		fmt.Fprintf(w, "rule %q: %s\n", a.Rule, safe(a.String()))
	}
	if p.SLA != "" {
		fmt.Fprintf(w, "sla %s (first matching policy)\n", p.SLA)
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// ticketFromMail builds the ticket a mail would become, and the message the
// rules judge.
func ticketFromMail(app *App, d *desk.Desk, path string) (*ticket.Ticket, *desk.RuleMessage, error) {
	var raw []byte
	var err error
	if path == "-" {
		var b bytes.Buffer
		_, err = b.ReadFrom(app.In)
		raw = b.Bytes()
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := importers.Parse(raw, importers.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	title := importers.CleanSubject(m.Subject)
	if title == "" {
		title = "(no subject)"
	}
	from := m.From.Email
	t, err := ticket.New(ticket.NewOptions{
		Title: title, Body: m.Text, Author: from, Customer: from, Channel: "email",
		Language: m.Language, MessageID: m.MessageID, Auto: m.Auto,
	}, app.Now(), d.Exists)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	msg := &desk.RuleMessage{Subject: m.Subject, From: from, Text: m.Text, Auto: m.Auto}
	for _, a := range append(append([]importers.Address{}, m.To...), m.Cc...) {
		msg.To = append(msg.To, a.Email)
	}
	msg.To = append(msg.To, m.DeliveredTo...)
	return t, msg, nil
}

// keepAssignee undoes what the rules would do to the assignee of a ticket
// someone holds: rules apply never takes a ticket away from its agent.
func keepAssignee(t *ticket.Ticket, p *desk.RulePlan) {
	if t.Assignee == "" || p.Ticket.Assignee == t.Assignee {
		return
	}
	p.Ticket.Assignee = t.Assignee
	kept := p.Actions[:0]
	for _, a := range p.Actions {
		if a.Kind != ticket.ActionAssign {
			kept = append(kept, a)
		}
	}
	p.Actions = kept
}

type rulesApplyOptions struct {
	Query  string
	DryRun bool
	out    jsonFlags
}

type ruleChangeJSON struct {
	ID      string       `json:"id"`
	Actions []actionJSON `json:"actions"`
	SLA     string       `json:"sla"`
}

func newRulesApplyCmd(app *App) *cobra.Command {
	o := rulesApplyOptions{}
	c := &cobra.Command{
		Use:   "apply",
		Short: "Run the rules again on existing tickets, as one commit",
		Long: `Run the rules (as on a new ticket) on the active tickets, or on those matching
--query EXPR (docs/query.md), and save every changed ticket in one commit
"ticket: rules apply (N tickets)". Each ticket line tells what changed. A
ticket that is assigned keeps its agent.
--dry-run prints the same lines and changes nothing.`,
		Example: `  ticket rules apply --dry-run
  ticket rules apply --query 'language == "de" && assignee == ""'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRulesApply(app, o) },
	}
	c.Flags().StringVar(&o.Query, "query", "", "only tickets matching `EXPR` (default: the active ones)")
	c.Flags().BoolVarP(&o.DryRun, "dry-run", "n", false, "show what would change, change nothing")
	addJSONFlags(c, &o.out)
	return c
}

func runRulesApply(app *App, o rulesApplyOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	if _, err := d.RuleEngine(); err != nil {
		return err
	}
	f := &ticket.Filter{}
	if o.Query != "" {
		f.All = true
		if f.Query, err = ticket.CompileQuery(o.Query); err != nil {
			return usageErrorf("--query: %v", err)
		}
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	if !o.DryRun {
		// Held from loading to saving: a ticket changed meanwhile by another
		// process would otherwise lose that change.
		unlock, err := d.Lock(desk.LockWait)
		if err != nil {
			return err
		}
		defer unlock()
	}
	all, err := d.LoadAll(d.Store.Worktree(), func(err error) { app.warnf("%v", err) })
	if err != nil {
		return err
	}
	now := app.Now()
	var changed []*ticket.Ticket
	var report []ruleChangeJSON
	for _, l := range all {
		ok, err := f.Match(l.Ticket, now)
		if err != nil {
			return fmt.Errorf("--query on ticket %s: %w", l.ID, err)
		}
		if !ok {
			continue
		}
		p, err := d.PlanRules(l.Ticket, ticket.RuleOnCreate, nil, all)
		if err != nil {
			return fmt.Errorf("ticket %s: %w", l.ID, err)
		}
		keepAssignee(l.Ticket, p)
		if bytes.Equal(ticket.Render(p.Ticket), ticket.Render(l.Ticket)) {
			continue
		}
		// Later tickets see this one's new assignee when loads are counted.
		*l.Ticket = *p.Ticket
		changed = append(changed, l.Ticket)
		rc := ruleChangeJSON{ID: l.ID, Actions: []actionJSON{}, SLA: p.SLA}
		for _, a := range p.Actions {
			rc.Actions = append(rc.Actions, actionJSON{Rule: a.Rule, Kind: a.Kind, Value: a.Value})
		}
		report = append(report, rc)
		if !o.out.enabled() {
			for _, a := range p.Actions {
				fmt.Fprintf(app.Out, "%s: rule %q: %s\n", l.ID, a.Rule, safe(a.String()))
			}
			if p.Language != "" {
				fmt.Fprintf(app.Out, "%s: language %s (detected)\n", l.ID, p.Language)
			}
			if p.SLA != "" {
				fmt.Fprintf(app.Out, "%s: sla %s (first matching policy)\n", l.ID, p.SLA)
			}
		}
	}
	if len(changed) > 0 && !o.DryRun {
		if _, err := d.Save(changed, nil, desk.SaveOptions{
			Message: fmt.Sprintf("ticket: rules apply (%d %s)", len(changed), plural(len(changed), "ticket", "tickets")), Author: author, NoCommit: app.NoCommit,
		}); err != nil {
			return err
		}
	}
	if o.out.enabled() {
		if report == nil {
			report = []ruleChangeJSON{}
		}
		return o.out.print(app.Out, report)
	}
	switch {
	case len(changed) == 0:
		fmt.Fprintln(app.Err, "rules change nothing")
	case o.DryRun:
		fmt.Fprintf(app.Err, "would change %d %s (dry run: nothing written)\n", len(changed), plural(len(changed), "ticket", "tickets"))
	default:
		fmt.Fprintf(app.Err, "changed %d %s in one commit\n", len(changed), plural(len(changed), "ticket", "tickets"))
	}
	return nil
}
