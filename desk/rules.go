package desk

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

// RuleMessage is the message rules judge besides the ticket: the incoming
// mail of an import, or the first message of a ticket made on the command
// line. To holds every recipient (To, Cc, Delivered-To), so a rule can tell
// which mailbox the mail came to; Auto is the kind of automatic mail ("",
// "auto-reply", "bounce", "list" or "bulk").
type RuleMessage struct {
	Subject, From, Text string
	To                  []string
	Auto                string
}

// RulePlan is what the rules would do to a ticket.
type RulePlan struct {
	Actions []ticket.Action
	Matched []string // the names of the rules that matched, in order
	// Language is the language detected for a ticket that had none ("" when
	// it had one or none could be told).
	Language string
	// SLA is the policy chosen by the first matching sla: condition when no
	// rule chose one and the ticket had none ("" otherwise).
	SLA string
	// Ticket is the ticket as the rules leave it.
	Ticket *ticket.Ticket
}

// deskRules is what rules need, built once per configuration: the compiled
// engine, the business calendars and the compiled SLA conditions.
type deskRules struct {
	cfg      *ticket.Config
	engine   *ticket.RuleEngine
	err      error
	conds    ticket.QueryCache
	mu       sync.Mutex
	cals     map[string]*ticket.BusinessCalendar
	calErrs  map[string]error
	business *ticket.BusinessCalendar
}

// rules returns the desk's compiled rules, built once per configuration so
// a batch of tickets (an import, rules apply) compiles them once.
func (d *Desk) rules() *deskRules {
	d.rulesMu.Lock()
	defer d.rulesMu.Unlock()
	if r := d.compiled; r != nil && r.cfg == d.Config {
		return r
	}
	r := &deskRules{cfg: d.Config, cals: map[string]*ticket.BusinessCalendar{}, calErrs: map[string]error{}}
	r.engine, r.err = ticket.NewRuleEngine(d.Config)
	if r.err != nil {
		r.err = d.ruleErrors(r.err)
	} else {
		r.engine.Working = r.working
	}
	if d.Config.BusinessHours != "" {
		r.business, _ = r.calendar(d.Config.BusinessHours)
	}
	d.compiled = r
	return r
}

// ruleErrors names the config file and line of every rule fault.
func (d *Desk) ruleErrors(err error) error {
	var errs []error
	for _, e := range unjoin(err) {
		var re *ticket.RuleError
		if errors.As(e, &re) {
			line := d.Config.Line(fmt.Sprintf("rules[%d].%s", re.Index, re.Key))
			errs = append(errs, &ticket.ParseError{Path: d.configPath(), Line: line, Msg: re.Error()})
			continue
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (d *Desk) configPath() string {
	if p := d.Config.Path(); p != "" {
		return p
	}
	return d.rel(ticket.ConfigPath)
}

// calendar builds a named calendar once.
func (r *deskRules) calendar(name string) (*ticket.BusinessCalendar, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cals[name]; ok {
		return c, r.calErrs[name]
	}
	c, err := r.cfg.BusinessCalendar(name)
	r.cals[name], r.calErrs[name] = c, err
	return c, err
}

// working is Config.Working with the calendars built once.
func (r *deskRules) working(a *ticket.Agent, at time.Time) bool {
	if a == nil || a.Away {
		return false
	}
	if a.Calendar == "" {
		return true
	}
	c, err := r.calendar(a.Calendar)
	if err != nil || c == nil {
		return true
	}
	return c.Open(at)
}

// RuleEngine returns the desk's compiled rules; the error names the config
// file and line of each rule that cannot run.
func (d *Desk) RuleEngine() (*ticket.RuleEngine, error) {
	r := d.rules()
	return r.engine, r.err
}

// RunRules runs the desk's rules on t for event, judging msg (nil: the
// ticket's own latest customer message) at d.Now(), and makes their changes
// to t: tags, priority, team, assignee, custom fields and SLA policy. A
// ticket without a language gets the one detected in its text. When no rule
// chose an SLA policy and t has none, the first policy whose if: matches is
// recorded in t.SLA. all is every ticket of the desk, for fair assignment
// (see Load); t itself may be among them. The actions are returned so the
// caller can report them and send the Reply actions; nothing is sent or
// written.
func (d *Desk) RunRules(t *ticket.Ticket, event ticket.RuleEvent, msg *RuleMessage, all []*Loaded) ([]ticket.Action, error) {
	p, err := d.PlanRules(t, event, msg, all)
	if err != nil {
		return nil, err
	}
	*t = *p.Ticket
	return p.Actions, nil
}

// PlanRules tells what RunRules would do to t, without changing t.
func (d *Desk) PlanRules(t *ticket.Ticket, event ticket.RuleEvent, msg *RuleMessage, all []*Loaded) (*RulePlan, error) {
	r := d.rules()
	if r.err != nil {
		return nil, r.err
	}
	now := d.Now().UTC()
	c := t.Clone()
	p := &RulePlan{Ticket: c}
	if c.Language == "" {
		subject, text := c.Title, firstMessage(c)
		if msg != nil {
			subject, text = msg.Subject, msg.Text
		}
		if lang := DetectLanguage(subject, text); lang != "" {
			c.Language = lang
			p.Language = lang
		}
	}
	env := d.ruleEnv(r, c, msg, now)
	in := ticket.RuleInput{Ticket: c, Env: env, Event: event, Now: now}
	load := Load(all, c.ID)
	_, matched, err := r.engine.Plan(in, load)
	if err != nil {
		return nil, d.ruleErrors(err)
	}
	acts, err := r.engine.Apply(in, load)
	if err != nil {
		return nil, d.ruleErrors(err)
	}
	p.Actions, p.Matched = acts, matched
	if c.SLA == "" {
		if pol := d.slaPolicy(r, c, msg, now); pol != nil {
			c.SLA = pol.Name
			p.SLA = pol.Name
		}
	}
	return p, nil
}

// ruleEnv is what rule conditions see: the ticket, the message and the
// desk's business hours at now.
func (d *Desk) ruleEnv(r *deskRules, t *ticket.Ticket, msg *RuleMessage, now time.Time) *ticket.QueryEnv {
	env := ticket.NewQueryEnv(t, now)
	if msg != nil {
		env.SetMessage(msg.Subject, msg.From, msg.To, msg.Text, msg.Auto != "")
	}
	env.InBusinessHours = r.business == nil || r.business.Open(now)
	return env
}

func (d *Desk) slaPolicy(r *deskRules, t *ticket.Ticket, msg *RuleMessage, now time.Time) *ticket.SLAPolicy {
	env := d.ruleEnv(r, t, msg, now)
	return d.Config.SLAPolicyFor(t, func(cond string) (bool, error) {
		q, err := r.conds.Compile(cond)
		if err != nil {
			return false, err
		}
		return q.Match(env)
	})
}

func firstMessage(t *ticket.Ticket) string {
	for _, e := range t.Entries {
		if e.Kind == ticket.KindMessage {
			return e.Body
		}
	}
	return ""
}

// Load tells agents' loads from all tickets, leaving out the ticket with id
// skip (the one being assigned): open is the number of active tickets
// assigned to the agent; lastAssigned is the latest Updated time of any
// ticket assigned to them. A ticket file does not record when it was
// assigned, and its latest change is the closest time every clone reads
// alike; a ticket assigned by a rule is created (and updated) at that very
// moment, so fairness holds for a run of new tickets.
func Load(all []*Loaded, skip string) ticket.LoadFunc {
	type load struct {
		open int
		last time.Time
	}
	m := map[string]*load{}
	for _, l := range all {
		if l == nil || l.Ticket == nil || l.ID == skip || l.Assignee == "" {
			continue
		}
		k := strings.ToLower(l.Assignee)
		x := m[k]
		if x == nil {
			x = &load{}
			m[k] = x
		}
		if l.Status.Active() {
			x.open++
		}
		if l.Updated.After(x.last) {
			x.last = l.Updated
		}
	}
	return func(agent string) (int, time.Time) {
		if x := m[strings.ToLower(agent)]; x != nil {
			return x.open, x.last
		}
		return 0, time.Time{}
	}
}

// DetectLanguage names the language of a subject and text as ISO 639-1, or
// "" when unsure, with the thresholds of mail imports, so a ticket typed on
// the command line is routed like one that came by mail.
func DetectLanguage(subject, text string) string { return importers.DetectLanguage(subject, text) }

// SLA measures t against its policy (the one it records, else the first
// whose if: matches) at now; a clock with at most atRisk left is at risk.
// It returns nil clocks when no policy applies.
func (d *Desk) SLA(t *ticket.Ticket, now time.Time, atRisk time.Duration) (*ticket.SLAPolicy, []ticket.SLAClock, error) {
	r := d.rules()
	pol := d.slaPolicy(r, t, nil, now)
	if pol == nil {
		return nil, nil, nil
	}
	cal, err := r.calendar(pol.Calendar)
	if err != nil {
		return pol, nil, fmt.Errorf("%s: sla %q: %w", d.configPath(), pol.Name, err)
	}
	return pol, ticket.EvalSLA(t, pol, cal, now, atRisk), nil
}

// RulesNeedLoad reports whether any rule picks an agent from a team, the
// only action that needs every ticket (for agents' loads).
func (d *Desk) RulesNeedLoad() bool {
	for _, r := range d.Config.Rules {
		if r.Then.AssignTeam != "" {
			return true
		}
	}
	return false
}
