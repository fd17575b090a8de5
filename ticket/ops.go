package ticket

import (
	"fmt"
	"time"
)

// NewOptions describe a ticket to create.
type NewOptions struct {
	Title    string
	Body     string // the first message; empty for none
	Author   string // who wrote the first message; defaults to Customer
	Customer string
	Channel  string
	Priority Priority
	Tags     []string
	Assignee string
	Team     string
	Language string
	Fields   map[string]string
	// Kind of the first entry: a message from the customer, or a note when an
	// agent opens a ticket with no customer words yet.
	Kind      Kind
	MessageID string
	Auto      string
}

// New makes a ticket created at now. taken reports ids already in use, so a
// local collision grows the id.
func New(o NewOptions, now time.Time, taken func(string) bool) (*Ticket, error) {
	now = Time(now)
	t := &Ticket{
		ID:       NewID(taken),
		Title:    CleanLine(o.Title),
		Status:   StatusNew,
		Priority: o.Priority,
		Channel:  CleanLine(o.Channel),
		Customer: CleanLine(o.Customer),
		Assignee: CleanLine(o.Assignee),
		Team:     CleanLine(o.Team),
		Language: CleanLine(o.Language),
		Created:  now,
		Updated:  now,
	}
	if t.Title == "" {
		return nil, fmt.Errorf("a ticket needs a title")
	}
	if t.Priority == "" {
		t.Priority = PriorityNormal
	}
	if t.Channel == "" {
		t.Channel = "cli"
	}
	if t.Assignee != "" {
		t.Status = StatusOpen
	}
	t.AddTags(o.Tags...)
	for k, v := range o.Fields {
		t.SetField(CleanLine(k), CleanText(v))
	}
	if o.Body != "" {
		kind := o.Kind
		if kind == "" {
			kind = KindMessage
		}
		author := o.Author
		if author == "" {
			author = t.Customer
		}
		t.Entries = append(t.Entries, Entry{
			ID: t.newEntryID(), Kind: kind, Author: CleanLine(author), At: now,
			MessageID: CleanLine(o.MessageID), Auto: o.Auto, Body: CleanText(o.Body),
		})
	}
	return t, t.Validate()
}

func (t *Ticket) newEntryID() string {
	return NewID(func(id string) bool { return t.Entry(id) != nil })
}

func (t *Ticket) touch(at time.Time) {
	at = Time(at)
	if at.After(t.Updated) {
		t.Updated = at
	}
}

// Append adds an entry at the end of the conversation, giving it an id and
// cleaning its text, and applies what the entry means for the ticket's state
// (see AddMessage, AddReply). It returns the stored entry.
func (t *Ticket) Append(e Entry) *Entry {
	if e.ID == "" {
		e.ID = t.newEntryID()
	}
	e.At = Time(e.At)
	e.Author = CleanLine(e.Author)
	e.MessageID = CleanLine(e.MessageID)
	e.Body = CleanText(e.Body)
	t.Entries = append(t.Entries, e)
	t.touch(e.At)
	return &t.Entries[len(t.Entries)-1]
}

// AddMessage appends a customer message. A message from a person (not
// automatic mail) answers a pending ticket (→ open) and reopens a resolved,
// closed or archived one, counting the reopen.
func (t *Ticket) AddMessage(e Entry) *Entry {
	e.Kind = KindMessage
	stored := t.Append(e)
	if e.Auto != "" {
		return stored
	}
	switch t.Status {
	case StatusPending:
		t.setStatus(StatusOpen, stored.Author, stored.At)
	case StatusResolved, StatusClosed, StatusArchived:
		t.setStatus(StatusOpen, stored.Author, stored.At)
	}
	return t.Entry(stored.ID)
}

// AddReply appends a public agent reply, records the first response, and
// moves the ticket to status next (pending when empty: waiting on the
// customer). Automatic replies do not count as a response.
func (t *Ticket) AddReply(e Entry, next Status) *Entry {
	e.Kind = KindReply
	stored := t.Append(e)
	id := stored.ID
	if e.Auto == "" && t.FirstResponse.IsZero() {
		t.FirstResponse = stored.At
	}
	if e.Auto == "" {
		if next == "" {
			next = StatusPending
		}
		t.SetStatus(next, stored.Author, stored.At)
	}
	return t.Entry(id)
}

// AddNote appends an internal note; notes never change the status.
func (t *Ticket) AddNote(e Entry) *Entry {
	e.Kind = KindNote
	return t.Append(e)
}

// SetStatus moves the ticket to s, recording an event entry, and reports
// whether anything changed. Resolving records the resolution time; leaving
// resolved, closed or archived for an active status counts a reopen.
func (t *Ticket) SetStatus(s Status, author string, at time.Time) bool {
	if s == t.Status {
		return false
	}
	t.setStatus(s, author, at)
	return true
}

func (t *Ticket) setStatus(s Status, author string, at time.Time) {
	from := t.Status
	at = Time(at)
	if s.Active() && !from.Active() {
		t.Reopened++
	}
	if s == StatusResolved || (s == StatusClosed && from.Active()) {
		t.Resolved = at
	}
	t.Status = s
	t.Append(Entry{Kind: KindEvent, Author: author, At: at, From: from, Status: s})
}

// SetPriority changes the priority and reports whether anything changed.
func (t *Ticket) SetPriority(p Priority, at time.Time) bool {
	if p == t.Priority {
		return false
	}
	t.Priority = p
	t.touch(at)
	return true
}

// Assign sets the assignee ("" unassigns) and reports whether anything
// changed.
func (t *Ticket) Assign(agent string, at time.Time) bool {
	agent = CleanLine(agent)
	if agent == t.Assignee {
		return false
	}
	t.Assignee = agent
	t.touch(at)
	return true
}

// Touch records a change made at time at.
func (t *Ticket) Touch(at time.Time) { t.touch(at) }

// Clone returns a deep copy.
func (t *Ticket) Clone() *Ticket {
	c := *t
	c.Tags = append([]string(nil), t.Tags...)
	if t.Tags == nil {
		c.Tags = nil
	}
	if t.Fields != nil {
		c.Fields = make(map[string]string, len(t.Fields))
		for k, v := range t.Fields {
			c.Fields[k] = v
		}
	}
	c.Entries = make([]Entry, len(t.Entries))
	for i, e := range t.Entries {
		c.Entries[i] = e.clone()
	}
	if t.Entries == nil {
		c.Entries = nil
	}
	return &c
}

func (e Entry) clone() Entry {
	if e.Attachments != nil {
		e.Attachments = append([]string(nil), e.Attachments...)
	}
	if e.Meta != nil {
		m := make(map[string]string, len(e.Meta))
		for k, v := range e.Meta {
			m[k] = v
		}
		e.Meta = m
	}
	return e
}
