package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Filter selects tickets for `ticket list` and reports. Empty fields do not
// filter; every set field must match.
type Filter struct {
	// Statuses to show; empty shows the active ones (new, open, pending,
	// on-hold) unless All is set.
	Statuses []Status
	All      bool
	// Tags the ticket must all carry.
	Tags []string
	// Assignee is an agent handle, or "none" for unassigned tickets; the
	// caller resolves "me".
	Assignee   string
	Priorities []Priority
	Channels   []string
	// Customer is an exact address, or "@domain" for everyone at a domain.
	Customer string
	Team     string
	Language string
	// Since and Until bound the creation time: Since <= created < Until.
	Since, Until time.Time
	Query        *Query
	// SLAState keeps tickets whose SLA state, as SLAStateOf tells it, is this.
	SLAState   string
	SLAStateOf func(*Ticket) string
}

// MatchStatus reports whether a ticket with status s can pass the filter:
// the part of Match that needs nothing else of the ticket.
func (f *Filter) MatchStatus(s Status) bool {
	switch {
	case len(f.Statuses) > 0:
		return slices.Contains(f.Statuses, s)
	case !f.All:
		return s.Active()
	}
	return true
}

// Match reports whether ticket t passes the filter at time now.
func (f *Filter) Match(t *Ticket, now time.Time) (bool, error) {
	if !f.MatchStatus(t.Status) {
		return false, nil
	}
	for _, tag := range f.Tags {
		if !t.HasTag(NormalizeTag(tag)) {
			return false, nil
		}
	}
	switch {
	case f.Assignee == "":
	case strings.EqualFold(f.Assignee, "none"):
		if t.Assignee != "" {
			return false, nil
		}
	default:
		if !strings.EqualFold(t.Assignee, f.Assignee) {
			return false, nil
		}
	}
	if len(f.Priorities) > 0 && !slices.Contains(f.Priorities, t.Priority) {
		return false, nil
	}
	if len(f.Channels) > 0 && !slices.ContainsFunc(f.Channels, func(c string) bool { return strings.EqualFold(c, t.Channel) }) {
		return false, nil
	}
	if f.Customer != "" && !customerMatches(f.Customer, t.Customer) {
		return false, nil
	}
	if f.Team != "" && !strings.EqualFold(f.Team, t.Team) {
		return false, nil
	}
	if f.Language != "" && !sameLanguage(f.Language, t.Language) {
		return false, nil
	}
	if !f.Since.IsZero() && t.Created.Before(f.Since) {
		return false, nil
	}
	if !f.Until.IsZero() && !t.Created.Before(f.Until) {
		return false, nil
	}
	if f.SLAState != "" {
		if f.SLAStateOf == nil {
			return false, fmt.Errorf("cannot filter by SLA state %q without the SLA policies of the desk", f.SLAState)
		}
		if !strings.EqualFold(f.SLAStateOf(t), f.SLAState) {
			return false, nil
		}
	}
	if f.Query != nil {
		return f.Query.MatchTicket(t, now)
	}
	return true, nil
}

// customerMatches compares a customer filter ("addr" or "@domain") with a
// ticket's customer, ignoring case and any display name.
func customerMatches(want, customer string) bool {
	addr := MailAddress(customer)
	if d, ok := strings.CutPrefix(strings.TrimSpace(want), "@"); ok {
		return strings.EqualFold(AddressDomain(addr), d)
	}
	return strings.EqualFold(addr, MailAddress(want))
}

// sameLanguage compares language tags by their primary subtag, so "de"
// matches "de-CH" and "DE".
func sameLanguage(a, b string) bool {
	return a != "" && b != "" && strings.EqualFold(primaryLanguage(a), primaryLanguage(b))
}

func primaryLanguage(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return s
}
