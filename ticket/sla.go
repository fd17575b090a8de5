package ticket

import (
	"fmt"
	"slices"
	"time"
)

// The targets an SLA policy can set; see docs/sla.md for their definitions.
const (
	TargetFirstResponse = "first_response"
	TargetNextResponse  = "next_response"
	TargetResolution    = "resolution"
)

// The states of an SLA clock.
const (
	SLARunning  = "running"  // counting, more than the warning time left
	SLAAtRisk   = "at_risk"  // counting, within the warning time of its due time
	SLAPaused   = "paused"   // not counting: the ticket is pending or on hold
	SLAMet      = "met"      // stopped at or before its due time
	SLABreached = "breached" // past its due time, stopped or not
)

// SLAClock is one target of an SLA policy measured on one ticket.
type SLAClock struct {
	Target  string // TargetFirstResponse, TargetNextResponse or TargetResolution
	Policy  string
	Started time.Time // when the clock started
	// Due is when the target runs out. While the clock runs it is exact;
	// while it is paused it is when the target would run out if the ticket
	// resumed now; once met it is when the target would have run out.
	Due time.Time
	Met time.Time // when the clock stopped; zero while it still counts
	// Paused is the time not counted because the ticket was pending, on
	// hold, resolved or closed (business time in a business calendar).
	Paused time.Duration
	// Elapsed is the time counted so far, or until Met.
	Elapsed time.Duration
	State   string
	// Left is the target minus Elapsed: what remains, or by how much the
	// target was beaten (met) or missed (breached, negative).
	Left time.Duration
}

// statusChange is the ticket's status from at until the next change.
type statusChange struct {
	at     time.Time
	status Status
}

// statusTimeline reconstructs the ticket's statuses from its event entries.
// Before the first event the ticket had that event's From status; a ticket
// without events has had its current status since it was created. When the
// front matter's status differs from the last event (a hand edit), the
// change is taken to have happened at Updated.
func statusTimeline(t *Ticket) []statusChange {
	var evs []Entry
	for _, e := range t.Entries {
		if e.Kind == KindEvent && e.Status != "" {
			evs = append(evs, e)
		}
	}
	slices.SortStableFunc(evs, func(a, b Entry) int { return a.At.Compare(b.At) })
	first := t.Status
	if len(evs) > 0 {
		first = evs[0].From
		if first == "" {
			first = StatusNew
		}
	}
	tl := []statusChange{{t.Created, first}}
	for _, e := range evs {
		at := e.At
		if at.Before(t.Created) {
			at = t.Created
		}
		tl = append(tl, statusChange{at, e.Status})
	}
	if last := tl[len(tl)-1]; last.status != t.Status {
		at := t.Updated
		if at.Before(last.at) {
			at = last.at
		}
		tl = append(tl, statusChange{at, t.Status})
	}
	return tl
}

// slaCounts reports whether SLA clocks run in status s: only while the ticket
// waits on the desk (new or open).
func slaCounts(s Status) bool { return s == StatusNew || s == StatusOpen }

// EvalSLA measures a ticket against policy p, in the business hours of cal
// (nil: calendar hours) as seen at now. A clock whose time left is at most
// atRisk is at risk. It returns one clock for each target the policy sets
// for the ticket's priority, in the order first response, next response,
// resolution; next response only once a customer wrote after the first
// response. A nil policy, or no targets for the priority, gives no clocks.
func EvalSLA(t *Ticket, p *SLAPolicy, cal *BusinessCalendar, now time.Time, atRisk time.Duration) []SLAClock {
	if t == nil || p == nil || t.Created.IsZero() {
		return nil
	}
	tg, ok := p.Targets[string(t.Priority)]
	if !ok {
		return nil
	}
	ev := slaEval{cal: cal, now: now, atRisk: atRisk, policy: p.Name, tl: statusTimeline(t)}
	entries := slices.Clone(t.Entries)
	slices.SortStableFunc(entries, func(a, b Entry) int { return a.At.Compare(b.At) })

	// One pass finds the first response and the latest next-response cycle.
	var firstMet, cycleStart, cycleMet, waiting time.Time
	for _, e := range entries {
		switch {
		case endsWait(e):
			if firstMet.IsZero() {
				firstMet = e.At
				continue
			}
			if !waiting.IsZero() {
				cycleStart, cycleMet, waiting = waiting, e.At, time.Time{}
			}
		case e.Kind == KindMessage && e.Auto == "":
			if !firstMet.IsZero() && waiting.IsZero() {
				waiting = e.At
			}
		}
	}
	if !waiting.IsZero() {
		cycleStart, cycleMet = waiting, time.Time{}
	}
	if firstMet.IsZero() && !t.FirstResponse.IsZero() {
		firstMet = t.FirstResponse // a hand-written file may record it without the reply
	}

	var out []SLAClock
	if sp, err := parseSpan(tg.FirstResponse); err == nil {
		out = append(out, ev.clock(TargetFirstResponse, t.Created, firstMet, sp))
	}
	if sp, err := parseSpan(tg.NextResponse); err == nil && !cycleStart.IsZero() {
		out = append(out, ev.clock(TargetNextResponse, cycleStart, cycleMet, sp))
	}
	if sp, err := parseSpan(tg.Resolution); err == nil {
		out = append(out, ev.clock(TargetResolution, t.Created, resolvedAt(t, ev.tl), sp))
	}
	return out
}

// endsWait reports whether an entry ends a wait for the desk: a public reply
// by a person, or the ticket being resolved or closed.
func endsWait(e Entry) bool {
	return (e.Kind == KindReply && e.Auto == "") || (e.Kind == KindEvent && e.Status != "" && !e.Status.Active())
}

// resolvedAt is when the ticket was last resolved, or zero while it is
// active.
func resolvedAt(t *Ticket, tl []statusChange) time.Time {
	if t.Status.Active() {
		return time.Time{}
	}
	if !t.Resolved.IsZero() && !t.Resolved.Before(t.Created) {
		return t.Resolved
	}
	at := t.Created
	for i := len(tl) - 1; i > 0; i-- {
		if !tl[i].status.Active() && tl[i-1].status.Active() {
			return tl[i].at
		}
	}
	return at
}

// slaEval holds what every clock of one ticket shares.
type slaEval struct {
	cal    *BusinessCalendar
	now    time.Time
	atRisk time.Duration
	policy string
	tl     []statusChange
}

func (ev *slaEval) clock(target string, start, met time.Time, sp slaSpan) SLAClock {
	cal := ev.cal
	goal := cal.business(start, sp)
	end := met
	if end.IsZero() {
		end = ev.now
	}
	if end.Before(start) {
		end = start
	}
	c := SLAClock{Target: target, Policy: ev.policy, Started: start, Met: met}
	current := ev.tl[0].status
	for i, ch := range ev.tl {
		if !ch.at.After(end) {
			current = ch.status
		}
		a, b := ch.at, end
		if i+1 < len(ev.tl) && ev.tl[i+1].at.Before(b) {
			b = ev.tl[i+1].at
		}
		if a.Before(start) {
			a = start
		}
		if !b.After(a) {
			continue
		}
		n := cal.Between(a, b)
		if !slaCounts(ch.status) {
			c.Paused += n
			continue
		}
		if c.Due.IsZero() && c.Elapsed+n >= goal {
			c.Due = cal.Add(a, goal-c.Elapsed)
		}
		c.Elapsed += n
	}
	if c.Due.IsZero() {
		c.Due = cal.Add(end, goal-c.Elapsed)
	}
	c.Left = goal - c.Elapsed
	switch {
	case !met.IsZero() && c.Elapsed <= goal:
		c.State = SLAMet
	case !met.IsZero() || c.Elapsed >= goal:
		c.State = SLABreached
	case !slaCounts(current):
		c.State = SLAPaused
	case c.Left <= ev.atRisk:
		c.State = SLAAtRisk
	default:
		c.State = SLARunning
	}
	return c
}

// SLAPolicyFor chooses the policy for a ticket: the one the ticket records
// by name (Ticket.SLA) when it still exists, else the first policy whose
// if: condition matches. match evaluates a condition against the ticket (the
// caller owns the expression language); a condition that fails to evaluate
// does not match. It returns nil when no policy applies.
func (c *Config) SLAPolicyFor(t *Ticket, match func(cond string) (bool, error)) *SLAPolicy {
	if t.SLA != "" {
		if p := c.SLAPolicy(t.SLA); p != nil {
			return p
		}
	}
	if match == nil {
		return nil
	}
	for i := range c.SLA {
		p := &c.SLA[i]
		if p.If == "" {
			continue
		}
		if ok, err := match(p.If); err == nil && ok {
			return p
		}
	}
	return nil
}

// BusinessCalendar builds the named calendar; the empty name gives nil, which
// means calendar hours. Build it once per run: it loads a time zone.
func (c *Config) BusinessCalendar(name string) (*BusinessCalendar, error) {
	if name == "" {
		return nil, nil
	}
	cal, ok := c.Calendars[name]
	if !ok {
		return nil, fmt.Errorf("unknown calendar %q%s", name, c.calendarHint())
	}
	bc, err := NewBusinessCalendar(cal)
	if err != nil {
		return nil, fmt.Errorf("calendars.%s: %w", name, err)
	}
	return bc, nil
}

// Working reports whether an agent works at the given instant: not away, and
// inside the business hours of their calendar (always, without one).
func (c *Config) Working(a *Agent, at time.Time) bool {
	if a == nil || a.Away {
		return false
	}
	if a.Calendar == "" {
		return true
	}
	cal, err := c.BusinessCalendar(a.Calendar)
	if err != nil {
		return true // a config that validated cannot get here
	}
	return cal.Open(at)
}

// business is the business time a span stands for when it starts at start:
// hours and minutes are business hours; days and weeks are business days
// (a week being as many days as the calendar has open weekdays).
func (c *BusinessCalendar) business(start time.Time, sp slaSpan) time.Duration {
	if c == nil {
		return sp.clock()
	}
	s := c.NextOpen(start)
	days := sp.weeks*c.openDays + sp.days
	return c.Between(s, c.AddDays(s, days)) + sp.dur
}
