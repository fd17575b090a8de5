package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is where a ticket stands in its life.
type Status string

// The statuses, in life order.
const (
	StatusNew      Status = "new"
	StatusOpen     Status = "open"
	StatusPending  Status = "pending"  // waiting on the customer
	StatusOnHold   Status = "on-hold"  // paused, waiting on a third party
	StatusResolved Status = "resolved" // answered; a customer message reopens it
	StatusClosed   Status = "closed"   // finished; a customer message starts a follow-up
	StatusArchived Status = "archived"
)

// Statuses lists every status in life order.
var Statuses = []Status{StatusNew, StatusOpen, StatusPending, StatusOnHold, StatusResolved, StatusClosed, StatusArchived}

// ParseStatus accepts a status name, case-insensitively, with "hold" and
// "onhold" as spellings of on-hold.
func ParseStatus(s string) (Status, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "hold", "onhold", "on_hold", "paused":
		v = string(StatusOnHold)
	}
	for _, st := range Statuses {
		if string(st) == v {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (want one of %s)", s, joinStatuses())
}

func joinStatuses() string {
	out := make([]string, len(Statuses))
	for i, s := range Statuses {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// Active reports whether the status still needs work from somebody: new, open,
// pending or on-hold.
func (s Status) Active() bool {
	switch s {
	case StatusNew, StatusOpen, StatusPending, StatusOnHold:
		return true
	}
	return false
}

// Paused reports whether SLA clocks stop in this status.
func (s Status) Paused() bool { return s == StatusPending || s == StatusOnHold }

// Priority orders work.
type Priority string

// The priorities, lowest first.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, lowest first.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// ParsePriority accepts a priority name case-insensitively.
func ParsePriority(s string) (Priority, error) {
	v := Priority(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Priorities, v) {
		return v, nil
	}
	return "", fmt.Errorf("unknown priority %q (want one of low, normal, high, urgent)", s)
}

// Rank is the priority's position, low = 0 … urgent = 3; unknown is -1.
func (p Priority) Rank() int { return slices.Index(Priorities, p) }

// Channels a ticket can come from. Other values are allowed (a desk may add
// its own) but these are the ones reports know by name.
var Channels = []string{"email", "chat", "phone", "social", "web", "marketplace", "cli"}

// Kind is what an entry of the conversation is.
type Kind string

// The entry kinds.
const (
	KindMessage Kind = "message" // from the customer
	KindReply   Kind = "reply"   // public answer from an agent
	KindNote    Kind = "note"    // internal, never sent
	KindEvent   Kind = "event"   // a recorded change of status, written by the tool
)

// Kinds lists every entry kind.
var Kinds = []Kind{KindMessage, KindReply, KindNote, KindEvent}

// ParseKind accepts an entry kind name.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if slices.Contains(Kinds, k) {
		return k, nil
	}
	return "", fmt.Errorf("unknown entry kind %q (want message, reply, note or event)", s)
}

// Ticket is one customer query with its whole conversation.
type Ticket struct {
	ID       string
	Title    string
	Status   Status
	Priority Priority
	Channel  string
	Customer string // email address or handle
	Assignee string // agent handle
	Team     string
	Tags     []string
	Language string // ISO 639-1
	Created  time.Time
	Updated  time.Time

	FirstResponse time.Time // first public agent reply; zero until then
	Resolved      time.Time // latest resolution; zero when never resolved
	Reopened      int       // times a resolved or closed ticket was reopened
	SLA           string    // name of the SLA policy chosen for the ticket

	Fields map[string]string // free custom fields

	// Preamble is free text between the front matter and the first entry,
	// kept so a hand-written description survives a round trip.
	Preamble string
	Entries  []Entry
}

// Entry is one touchpoint of the conversation.
type Entry struct {
	ID          string
	Kind        Kind
	Author      string // "Name <address>", an address or an agent handle
	At          time.Time
	MessageID   string   // without angle brackets
	Attachments []string // paths relative to the ticket file's folder
	// Auto marks automatic mail: "auto-reply", "bounce", "list" or "bulk".
	Auto string
	// Status is the new status, for event entries; From is the old one.
	Status Status
	From   Status
	// Meta holds further attributes (for example the sent state of a reply);
	// rendered in key order.
	Meta map[string]string
	Body string
}

// HasTag reports whether the ticket carries tag t.
func (t *Ticket) HasTag(tag string) bool { return slices.Contains(t.Tags, tag) }

// AddTags adds tags that are not there yet, keeping the list sorted, and
// reports whether anything changed.
func (t *Ticket) AddTags(tags ...string) bool {
	changed := false
	for _, tag := range tags {
		tag = NormalizeTag(tag)
		if tag == "" || t.HasTag(tag) {
			continue
		}
		t.Tags = append(t.Tags, tag)
		changed = true
	}
	if changed {
		slices.Sort(t.Tags)
	}
	return changed
}

// RemoveTags removes tags and reports whether anything changed.
func (t *Ticket) RemoveTags(tags ...string) bool {
	n := len(t.Tags)
	t.Tags = slices.DeleteFunc(t.Tags, func(x string) bool {
		return slices.Contains(tags, x) || slices.Contains(tags, NormalizeTag(x))
	})
	if len(t.Tags) == 0 {
		t.Tags = nil
	}
	return len(t.Tags) != n
}

// NormalizeTag lower-cases a tag and turns inner white space into dashes.
func NormalizeTag(s string) string {
	s = strings.ToLower(strings.TrimSpace(CleanLine(s)))
	return strings.Join(strings.Fields(s), "-")
}

// Entry returns the entry with the given id, or nil.
func (t *Ticket) Entry(id string) *Entry {
	for i := range t.Entries {
		if t.Entries[i].ID == id {
			return &t.Entries[i]
		}
	}
	return nil
}

// HasMessageID reports whether any entry stores the Message-ID.
func (t *Ticket) HasMessageID(id string) bool {
	for _, e := range t.Entries {
		if e.MessageID != "" && e.MessageID == id {
			return true
		}
	}
	return false
}

// Field returns a custom field's value.
func (t *Ticket) Field(k string) string { return t.Fields[k] }

// SetField sets a custom field; an empty value removes it. It reports whether
// anything changed.
func (t *Ticket) SetField(k, v string) bool {
	old, had := t.Fields[k]
	if v == "" {
		if !had {
			return false
		}
		delete(t.Fields, k)
		if len(t.Fields) == 0 {
			t.Fields = nil
		}
		return true
	}
	if had && old == v {
		return false
	}
	if t.Fields == nil {
		t.Fields = map[string]string{}
	}
	t.Fields[k] = v
	return true
}
