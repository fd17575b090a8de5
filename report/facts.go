package report

import (
	"slices"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// span is a stretch of a ticket's life in one status: [from, to).
type span struct {
	from, to time.Time
	status   ticket.Status
}

// facts is what one ticket contributes to a report, worked out once as seen
// at the report's end (events at or after it have not happened yet).
type facts struct {
	t           *ticket.Ticket
	agentOpened bool

	firstResponse time.Time // zero: no response before the end
	frDur         time.Duration

	resolutions []time.Time // changes from an active status to resolved, closed or archived
	closes      []time.Time // changes to closed
	reopens     []time.Time // changes from resolved, closed or archived to an active status
	spans       []span      // the status history up to the end

	resolvedAtEnd bool // inactive at the end
	firstRes      time.Time
	lastRes       time.Time // latest resolution while resolvedAtEnd
	firstResDur   time.Duration
	fullResDur    time.Duration
	requesterWait time.Duration
	agentWait     time.Duration

	fcrEligible, fcr bool

	replies []reply // public agent replies before the end

	sla []slaResult

	rating  string // "good", "bad" or ""
	ratedAt time.Time
}

type reply struct {
	at    time.Time
	agent string
}

type slaResult struct{ target, state string }

// isAgent reports whether an entry was written by an agent: replies and
// notes always are; a message is when its author is a known agent.
func (c *computer) isAgent(e *ticket.Entry) bool {
	switch e.Kind {
	case ticket.KindReply, ticket.KindNote:
		return true
	case ticket.KindMessage:
		return c.o.Agent != nil && c.o.Agent(e.Author) != ""
	}
	return false
}

func (c *computer) agentName(author string) string {
	if c.o.Agent != nil {
		if h := c.o.Agent(author); h != "" {
			return h
		}
	}
	if a := ticket.MailAddress(author); a != "" && strings.Contains(author, "<") {
		if name := strings.TrimSpace(author[:strings.LastIndexByte(author, '<')]); name != "" {
			return strings.Trim(name, `"`)
		}
		return a
	}
	return author
}

// timeline rebuilds the status history from the event entries, as the SLA
// clocks do (docs/sla.md): before its first event a ticket had that event's
// old status; a front-matter status that differs from the last event was
// set at updated. A ticket without events that records a resolved time was
// resolved then (and reopened at updated when it is active again).
func timeline(t *ticket.Ticket, evs []*ticket.Entry) []span {
	type change struct {
		at time.Time
		s  ticket.Status
	}
	var chs []change
	if len(evs) > 0 {
		first := evs[0].From
		if first == "" {
			first = ticket.StatusNew
		}
		chs = append(chs, change{t.Created, first})
		for _, e := range evs {
			at := e.At
			if at.Before(t.Created) {
				at = t.Created
			}
			chs = append(chs, change{at, e.Status})
		}
	} else {
		switch {
		case !t.Resolved.IsZero() && t.Resolved.After(t.Created):
			chs = append(chs, change{t.Created, ticket.StatusNew})
			end := t.Status
			if end.Active() {
				end = ticket.StatusResolved
			}
			chs = append(chs, change{t.Resolved, end})
		case !t.Status.Active() && t.Updated.After(t.Created):
			chs = append(chs, change{t.Created, ticket.StatusNew}, change{t.Updated, t.Status})
		default:
			chs = append(chs, change{t.Created, t.Status})
		}
	}
	if last := chs[len(chs)-1]; last.s != t.Status {
		at := t.Updated
		if at.Before(last.at) {
			at = last.at
		}
		chs = append(chs, change{at, t.Status})
	}
	out := make([]span, 0, len(chs))
	for i, ch := range chs {
		if i > 0 && out[len(out)-1].status == ch.s {
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].to = ch.at
		}
		out = append(out, span{from: ch.at, status: ch.s})
	}
	return out
}

// gather works out a ticket's facts as seen at c.end.
func (c *computer) gather(t *ticket.Ticket, f *facts) {
	*f = facts{t: t, replies: f.replies[:0], resolutions: f.resolutions[:0], closes: f.closes[:0], reopens: f.reopens[:0]}
	end := c.end
	// Entries in time order; files keep them in order already, so sorting
	// is skipped unless needed.
	entries := c.entries[:0]
	defer func() { c.entries = entries[:0] }()
	sorted := true
	for i := range t.Entries {
		e := &t.Entries[i]
		if n := len(entries); n > 0 && e.At.Before(entries[n-1].At) {
			sorted = false
		}
		entries = append(entries, e)
	}
	if !sorted {
		slices.SortStableFunc(entries, func(a, b *ticket.Entry) int { return a.At.Compare(b.At) })
	}

	evs := c.events[:0]
	defer func() { c.events = evs[:0] }()
	var opener *ticket.Entry
	for _, e := range entries {
		if e.Kind == ticket.KindEvent {
			if e.Status != "" {
				evs = append(evs, e)
			}
			continue
		}
		if opener == nil {
			opener = e
		}
	}
	f.agentOpened = (opener != nil && c.isAgent(opener)) ||
		(strings.EqualFold(t.Channel, "cli") && t.Customer == "")

	// First response, public agent messages and the first-contact window.
	fcrEnd := t.Created.AddDate(0, 0, c.fcrDays)
	if end.Before(fcrEnd) {
		fcrEnd = end
	}
	publicInWindow, laterCustomer := 0, false
	for _, e := range entries {
		if !e.At.Before(end) {
			break
		}
		public := false
		switch e.Kind {
		case ticket.KindReply:
			public = e.Auto == ""
		case ticket.KindMessage:
			if e.Auto != "" {
				break
			}
			if f.agentOpened && (e == opener || c.isAgent(e)) {
				public = true
			} else if !f.firstResponse.IsZero() && e.At.Before(fcrEnd) {
				laterCustomer = true
			}
		}
		if !public {
			continue
		}
		if f.firstResponse.IsZero() {
			f.firstResponse = e.At
		}
		if e.At.Before(fcrEnd) {
			publicInWindow++
		}
		if e.Kind == ticket.KindReply {
			f.replies = append(f.replies, reply{e.At, c.agentName(e.Author)})
		}
	}
	if f.firstResponse.IsZero() && !t.FirstResponse.IsZero() && t.FirstResponse.Before(end) {
		f.firstResponse = t.FirstResponse // a file that records it without the reply
	}
	if !f.firstResponse.IsZero() {
		fr := f.firstResponse
		if fr.Before(t.Created) {
			fr = t.Created
		}
		f.frDur = c.between(t.Created, fr)
	}

	// Status history up to the end.
	all := timeline(t, evs)
	f.spans = all[:0:0]
	for _, s := range all {
		if !s.from.Before(end) {
			break
		}
		if s.to.IsZero() || s.to.After(end) {
			s.to = time.Time{}
		}
		f.spans = append(f.spans, s)
	}
	if len(f.spans) == 0 {
		f.spans = append(f.spans, span{from: t.Created, status: all[0].status})
	}
	for i := 1; i < len(f.spans); i++ {
		prev, cur := f.spans[i-1].status, f.spans[i].status
		at := f.spans[i].from
		switch {
		case prev.Active() && !cur.Active():
			f.resolutions = append(f.resolutions, at)
		case !prev.Active() && cur.Active():
			f.reopens = append(f.reopens, at)
		}
		if cur == ticket.StatusClosed {
			f.closes = append(f.closes, at)
		}
	}
	last := f.spans[len(f.spans)-1]
	f.resolvedAtEnd = !last.status.Active()
	if len(f.resolutions) > 0 {
		f.firstRes = f.resolutions[0]
		f.firstResDur = c.between(t.Created, f.firstRes)
	}
	if f.resolvedAtEnd && len(f.resolutions) > 0 {
		f.lastRes = f.resolutions[len(f.resolutions)-1]
		for _, s := range f.spans {
			to := s.to
			if to.IsZero() || to.After(f.lastRes) {
				to = f.lastRes
			}
			if !to.After(s.from) {
				continue
			}
			n := c.between(s.from, to)
			switch s.status {
			case ticket.StatusNew, ticket.StatusOpen, ticket.StatusOnHold:
				f.requesterWait += n
			case ticket.StatusPending:
				f.agentWait += n
			}
		}
		f.fullResDur = c.between(t.Created, f.lastRes)
	}

	// First-contact resolution: resolved within the window with at most one
	// public agent message, no customer message after the first response
	// and no reopen in the window.
	if !f.firstRes.IsZero() && f.firstRes.Before(fcrEnd) {
		f.fcrEligible = true
		reopened := len(f.reopens) > 0 && f.reopens[0].Before(fcrEnd)
		f.fcr = publicInWindow <= 1 && !laterCustomer && !reopened
	}

	// Satisfaction.
	switch strings.ToLower(strings.TrimSpace(t.Field("rating"))) {
	case "good":
		f.rating = "good"
	case "bad":
		f.rating = "bad"
	}
	if f.rating != "" {
		f.ratedAt = ratedAt(t, f)
		if !f.ratedAt.Before(end) {
			f.rating = ""
		}
	}
}

// ratedAt is when a rating was given: the rated_at field, else the latest
// resolution, else the ticket's last change.
func ratedAt(t *ticket.Ticket, f *facts) time.Time {
	if v := t.Field("rated_at"); v != "" {
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			return at.UTC()
		}
	}
	if n := len(f.resolutions); n > 0 {
		return f.resolutions[n-1]
	}
	if !t.Resolved.IsZero() {
		return t.Resolved
	}
	return t.Updated
}

// activeBefore reports whether the ticket was active just before instant at:
// created before it, with an active status then.
func (f *facts) activeBefore(at time.Time) bool {
	if !f.t.Created.Before(at) {
		return false
	}
	st := f.spans[0].status
	for _, s := range f.spans {
		if !s.from.Before(at) {
			break
		}
		st = s.status
	}
	return st.Active()
}

func (c *computer) between(a, b time.Time) time.Duration {
	if c.o.Calendar == nil {
		if b.After(a) {
			return b.Sub(a)
		}
		return 0
	}
	return c.o.Calendar.Between(a, b)
}
