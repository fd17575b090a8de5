package ticket

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// RuleEvent is what makes rules run.
type RuleEvent string

// The events rules run on.
const (
	RuleOnCreate  RuleEvent = "create"  // a new ticket
	RuleOnMessage RuleEvent = "message" // a customer message on an existing ticket
)

// The kinds of Action.
const (
	ActionTag      = "tag"      // Value "+name" adds a tag, "-name" removes it
	ActionPriority = "priority" // Value is the priority
	ActionTeam     = "team"     // Value is the team
	ActionAssign   = "assign"   // Value is the agent's handle
	ActionSet      = "set"      // Value is "field=value"
	ActionSLA      = "sla"      // Value is the SLA policy's name
	ActionReply    = "reply"    // Value is the template to send; the caller sends it
)

// Action is one change a rule makes, printable as "tag +de", "assign hans",
// "set order=5521" or "reply acknowledgement".
type Action struct {
	Rule  string // the rule's name, or rules[i] when it has none
	Kind  string
	Value string
}

func (a Action) String() string { return a.Kind + " " + a.Value }

// RuleInput is what rules judge: a ticket, what the query language sees of
// it (with the incoming message, if any), the event and the time.
type RuleInput struct {
	Ticket *Ticket
	Env    *QueryEnv // nil: NewQueryEnv(Ticket, Now)
	Event  RuleEvent // empty: RuleOnCreate
	Now    time.Time // zero: Env.Now
}

// LoadFunc tells an agent's load for fair assignment: how many active
// tickets they hold, and when they were last assigned one (zero if never).
// The caller computes it from all tickets, including those assigned
// earlier in the same batch.
type LoadFunc func(agent string) (open int, lastAssigned time.Time)

// RuleEngine runs the rules of a desk's configuration.
type RuleEngine struct {
	// Working, when set, tells whether an agent works at a time (by their
	// calendar); assign_team then prefers agents at work.
	Working func(agent *Agent, at time.Time) bool

	cfg   *Config
	rules []engineRule
}

type engineRule struct {
	index      int
	name       string
	label      string
	cond       *Query // nil: always
	on         []RuleEvent
	stop       bool
	before     []Action // tag, untag, priority, team, assign
	assignTeam string
	after      []Action // set, sla, reply
}

// RuleError is a rule that cannot run, naming it by position (from 0) and
// name, and the key at fault. NewRuleEngine joins one per fault.
type RuleError struct {
	Index int
	Name  string
	// Key is relative to the rule: "if", "on", "then.assign", …; so
	// fmt.Sprintf("rules[%d].%s", Index, Key) is a key for Config.Line.
	Key string
	Err error
}

func (e *RuleError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("rules[%d]: %s: %v", e.Index, e.Key, e.Err)
	}
	return fmt.Sprintf("rules[%d] %q: %s: %v", e.Index, e.Name, e.Key, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// NewRuleEngine compiles the rules of cfg and checks that they can run:
// conditions compile (regular expressions included), priorities exist, and
// every agent, team and SLA policy they name is in the configuration. The
// error joins one RuleError per fault.
func NewRuleEngine(cfg *Config) (*RuleEngine, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	e := &RuleEngine{cfg: cfg}
	var errs []error
	for i, r := range cfg.Rules {
		er, rerrs := e.compileRule(i, r)
		errs = append(errs, rerrs...)
		e.rules = append(e.rules, er)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

func (e *RuleEngine) compileRule(i int, r Rule) (engineRule, []error) {
	er := engineRule{index: i, name: r.Name, label: r.Name, stop: r.Stop}
	if er.label == "" {
		er.label = fmt.Sprintf("rules[%d]", i)
	}
	var errs []error
	fail := func(key string, format string, a ...any) {
		errs = append(errs, &RuleError{Index: i, Name: r.Name, Key: key, Err: fmt.Errorf(format, a...)})
	}
	act := func(to *[]Action, kind, value string) {
		*to = append(*to, Action{Rule: er.label, Kind: kind, Value: value})
	}

	for _, ev := range r.On {
		switch RuleEvent(strings.ToLower(strings.TrimSpace(ev))) {
		case RuleOnCreate:
			er.on = append(er.on, RuleOnCreate)
		case RuleOnMessage:
			er.on = append(er.on, RuleOnMessage)
		default:
			fail("on", "unknown event %q (use create, message or both: on: [create, message])", ev)
		}
	}
	if len(r.On) == 0 {
		er.on = []RuleEvent{RuleOnCreate}
	}
	if strings.TrimSpace(r.If) != "" {
		q, err := CompileQuery(r.If)
		if err != nil {
			errs = append(errs, &RuleError{Index: i, Name: r.Name, Key: "if", Err: err})
		}
		er.cond = q
	}

	th := r.Then
	for _, tag := range th.Tag {
		if n := NormalizeTag(tag); n != "" {
			act(&er.before, ActionTag, "+"+n)
		} else {
			fail("then.tag", "empty tag")
		}
	}
	for _, tag := range th.Untag {
		if n := NormalizeTag(tag); n != "" {
			act(&er.before, ActionTag, "-"+n)
		} else {
			fail("then.untag", "empty tag")
		}
	}
	if th.Priority != "" {
		if p, err := ParsePriority(th.Priority); err != nil {
			fail("then.priority", "%v", err)
		} else {
			act(&er.before, ActionPriority, string(p))
		}
	}
	team := ""
	if th.Team != "" {
		if team = e.team(th.Team); team == "" {
			fail("then.team", "unknown team %q (%s)", th.Team, e.knownTeams())
		} else {
			act(&er.before, ActionTeam, team)
		}
	}
	if th.Assign != "" && th.AssignTeam != "" {
		fail("then.assign_team", "a rule either assigns an agent or picks one from a team (remove assign or assign_team)")
	}
	if th.Assign != "" {
		if a := e.cfg.Agent(th.Assign); a == nil {
			fail("then.assign", "unknown agent %q (%s)", th.Assign, e.knownAgents())
		} else {
			act(&er.before, ActionAssign, a.Handle)
		}
	}
	if th.AssignTeam != "" {
		switch t := e.team(th.AssignTeam); {
		case t == "":
			fail("then.assign_team", "unknown team %q (%s)", th.AssignTeam, e.knownTeams())
		case team != "" && team != t:
			fail("then.assign_team", "team %q differs from team %q of the same rule (assign_team sets the team; remove team)", t, team)
		case len(e.members(t)) == 0:
			fail("then.assign_team", "team %q has no agents (list it in an agent's teams)", t)
		default:
			er.assignTeam = t
		}
	}
	keys := make([]string, 0, len(th.Set))
	for k := range th.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := CleanLine(k)
		if key == "" || strings.ContainsAny(key, "= ") {
			fail("then.set", "bad field name %q (use letters, digits, - and _)", k)
			continue
		}
		act(&er.after, ActionSet, key+"="+CleanLine(th.Set[k]))
	}
	if th.SLA != "" {
		if name := e.policy(th.SLA); name == "" {
			fail("then.sla", "unknown SLA policy %q (%s)", th.SLA, e.knownPolicies())
		} else {
			act(&er.after, ActionSLA, name)
		}
	}
	if reply := CleanLine(th.Reply); reply != "" {
		act(&er.after, ActionReply, reply)
	}
	return er, errs
}

// team returns the configured spelling of a team, or "" if there is none:
// a team exists when it is listed in teams or named by an agent.
func (e *RuleEngine) team(name string) string {
	name = strings.TrimSpace(name)
	for _, t := range e.cfg.Teams {
		if strings.EqualFold(t.Name, name) {
			return t.Name
		}
	}
	for _, a := range e.cfg.Agents {
		for _, t := range a.Teams {
			if strings.EqualFold(t, name) {
				return t
			}
		}
	}
	return ""
}

func (e *RuleEngine) knownTeams() string {
	var names []string
	for _, t := range e.cfg.Teams {
		names = append(names, t.Name)
	}
	for _, a := range e.cfg.Agents {
		names = append(names, a.Teams...)
	}
	return ruleKnown("teams", names, "add it to teams or to an agent's teams")
}

func (e *RuleEngine) knownAgents() string {
	var names []string
	for _, a := range e.cfg.Agents {
		names = append(names, a.Handle)
	}
	return ruleKnown("agents", names, "add the agent to agents")
}

func (e *RuleEngine) policy(name string) string {
	for _, p := range e.cfg.SLA {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p.Name
		}
	}
	return ""
}

func (e *RuleEngine) knownPolicies() string {
	var names []string
	for _, p := range e.cfg.SLA {
		names = append(names, p.Name)
	}
	return ruleKnown("policies", names, "add the policy to sla")
}

func ruleKnown(what string, names []string, fix string) string {
	slices.SortStableFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	names = slices.CompactFunc(names, strings.EqualFold)
	if len(names) == 0 {
		return "no " + what + " are configured: " + fix
	}
	return what + ": " + strings.Join(names, ", ")
}

func (e *RuleEngine) members(team string) []*Agent {
	var out []*Agent
	for i := range e.cfg.Agents {
		a := &e.cfg.Agents[i]
		if slices.ContainsFunc(a.Teams, func(t string) bool { return strings.EqualFold(t, team) }) {
			out = append(out, a)
		}
	}
	return out
}

// Pick chooses an agent of team for a ticket in language lang at time at,
// or nil when every member is away. Eligible are the members who are not
// away; of those, the ones who speak lang if any does; of those, the ones
// working at that time if any is (and Working is set). The pick is the one
// with the fewest active tickets, then the one assigned longest ago, then by
// handle, so that every clone picks alike from the same tickets.
func (e *RuleEngine) Pick(team, lang string, at time.Time, load LoadFunc) *Agent {
	var cands []*Agent
	for _, a := range e.members(team) {
		if !a.Away {
			cands = append(cands, a)
		}
	}
	keep := func(ok func(*Agent) bool) {
		var sub []*Agent
		for _, a := range cands {
			if ok(a) {
				sub = append(sub, a)
			}
		}
		if len(sub) > 0 {
			cands = sub
		}
	}
	if lang != "" {
		keep(func(a *Agent) bool {
			return slices.ContainsFunc(a.Languages, func(l string) bool { return sameLanguage(l, lang) })
		})
	}
	if e.Working != nil {
		keep(func(a *Agent) bool { return e.Working(a, at) })
	}
	var best *Agent
	var bestOpen int
	var bestLast time.Time
	for _, a := range cands {
		var open int
		var last time.Time
		if load != nil {
			open, last = load(a.Handle)
		}
		better := best == nil || open < bestOpen ||
			open == bestOpen && last.Before(bestLast) ||
			open == bestOpen && last.Equal(bestLast) && strings.ToLower(a.Handle) < strings.ToLower(best.Handle)
		if better {
			best, bestOpen, bestLast = a, open, last
		}
	}
	return best
}

// Plan returns what the rules would do to in.Ticket, and the names of the
// rules that matched, without changing it. Rules run in order, each seeing
// the changes of the rules before it; a matching rule with stop ends the
// run; a rule runs only on the events in its on (create when empty). A rule
// without if always matches. Replies are left out for automatic mail, so
// the desk never answers an auto-reply.
func (e *RuleEngine) Plan(in RuleInput, load LoadFunc) ([]Action, []string, error) {
	actions, matched, _, err := e.plan(in, load)
	return actions, matched, err
}

func (e *RuleEngine) plan(in RuleInput, load LoadFunc) ([]Action, []string, time.Time, error) {
	if in.Ticket == nil {
		return nil, nil, time.Time{}, fmt.Errorf("rules need a ticket")
	}
	event := in.Event
	if event == "" {
		event = RuleOnCreate
	}
	if event != RuleOnCreate && event != RuleOnMessage {
		return nil, nil, time.Time{}, fmt.Errorf("unknown rule event %q (want create or message)", event)
	}
	now := in.Now
	if now.IsZero() && in.Env != nil {
		now = in.Env.Now
	}
	t := in.Ticket.Clone()
	var env QueryEnv
	if in.Env != nil {
		env = *in.Env
	} else {
		env = *NewQueryEnv(t, now)
	}
	env.setState(t)

	var actions []Action
	var matched []string
	for i := range e.rules {
		r := &e.rules[i]
		if !slices.Contains(r.on, event) {
			continue
		}
		if r.cond != nil {
			ok, err := r.cond.Match(&env)
			if err != nil {
				return nil, nil, now, &RuleError{Index: r.index, Name: r.name, Key: "if", Err: err}
			}
			if !ok {
				continue
			}
		}
		matched = append(matched, r.label)
		acts := slices.Clone(r.before)
		if r.assignTeam != "" {
			acts = append(acts, Action{Rule: r.label, Kind: ActionTeam, Value: r.assignTeam})
			if a := e.Pick(r.assignTeam, t.Language, now, load); a != nil {
				acts = append(acts, Action{Rule: r.label, Kind: ActionAssign, Value: a.Handle})
			}
		}
		acts = append(acts, r.after...)
		for _, a := range acts {
			if a.Kind == ActionReply && env.Auto {
				continue
			}
			applyRuleAction(t, a, now)
			actions = append(actions, a)
		}
		env.setState(t)
		if r.stop {
			break
		}
	}
	return actions, matched, now, nil
}

// Apply plans and then makes the changes to in.Ticket: tags, priority,
// team, assignee, custom fields and SLA policy. Assigning a new ticket opens
// it, as creating one with an assignee does. Reply actions are returned for
// the caller to send; nothing else is sent or written.
func (e *RuleEngine) Apply(in RuleInput, load LoadFunc) ([]Action, error) {
	actions, _, now, err := e.plan(in, load)
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		applyRuleAction(in.Ticket, a, now)
	}
	return actions, nil
}

func applyRuleAction(t *Ticket, a Action, now time.Time) {
	changed := false
	switch a.Kind {
	case ActionTag:
		if tag, ok := strings.CutPrefix(a.Value, "-"); ok {
			changed = t.RemoveTags(tag)
		} else {
			changed = t.AddTags(strings.TrimPrefix(a.Value, "+"))
		}
	case ActionPriority:
		changed = t.SetPriority(Priority(a.Value), now)
	case ActionTeam:
		changed = t.Team != a.Value
		t.Team = a.Value
	case ActionAssign:
		changed = t.Assign(a.Value, now)
		if t.Status == StatusNew {
			t.Status = StatusOpen
			changed = true
		}
	case ActionSet:
		k, v, _ := strings.Cut(a.Value, "=")
		changed = t.SetField(k, v)
	case ActionSLA:
		changed = t.SLA != a.Value
		t.SLA = a.Value
	}
	if changed {
		t.Touch(now)
	}
}
