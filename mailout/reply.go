package mailout

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// Entry attributes (Entry.Meta) that record a reply's mail.
const (
	MetaMail  = "mail"       // queued or sent
	MetaSent  = "sent"       // when the server accepted it (RFC 3339)
	MetaError = "mail-error" // why the latest attempt failed, while queued
	MetaTo    = "to"
	MetaCc    = "cc"
)

// ReplyOptions describe a public reply.
type ReplyOptions struct {
	Agent Agent
	Body  string
	// Status the ticket moves to; empty means the config's reply_status.
	Status ticket.Status
	Cc     []string
	Attach []Attachment
	// Subject is a template's subject, used when the desk starts the thread.
	Subject string
	// Auto makes an automatic response: no status change, no first
	// response, RFC 3834 headers.
	Auto bool
	// To overrides the recipient (default: the ticket's customer).
	To  string
	Now time.Time
}

// Prepared is a reply appended to a ticket, ready to be saved.
type Prepared struct {
	EntryID string
	// Files are the attachments, stored beside the ticket; save them in the
	// same commit as the ticket.
	Files []gitstore.Change
	// Record is the outgoing mail; nil when the reply is not mailed, and
	// then NotMailed says why.
	Record    *Record
	NotMailed string
}

// PrepareReply appends a reply to t and builds its mail. Nothing is written:
// put Record in the outbox, then save t with Files (see Queue).
func PrepareReply(cfg *ticket.Config, t *ticket.Ticket, o ReplyOptions) (*Prepared, error) {
	body := strings.TrimSpace(ticket.CleanText(o.Body))
	if body == "" {
		return nil, errors.New("the reply is empty")
	}
	name, email := CustomerOf(t)
	if o.To != "" {
		name, email = splitAddress(o.To)
	}
	cc, err := ParseAddresses(o.Cc)
	if err != nil {
		return nil, err
	}
	p := &Prepared{}
	switch {
	case cfg.Email == "":
		p.NotMailed = "the desk has no email address; set email: in " + ticket.ConfigPath
	case email == "":
		p.NotMailed = fmt.Sprintf("ticket %s has no customer email address", t.ID)
	}
	if p.NotMailed != "" && len(cc) > 0 {
		return nil, fmt.Errorf("cannot send to --cc: %s", p.NotMailed)
	}
	if p.NotMailed == "" {
		if err := sendable(cfg, t, email, cc); err != nil {
			return nil, err
		}
	}

	var paths []string
	taken := map[string]bool{}
	for _, e := range t.Entries {
		for _, a := range e.Attachments {
			taken[a] = true
		}
	}
	for i, a := range o.Attach {
		n := safeFileName(a.Name)
		rel := uniquePath(t.ID+"/"+n, taken)
		taken[rel] = true
		o.Attach[i].Name = path.Base(rel)
		paths = append(paths, rel)
		p.Files = append(p.Files, gitstore.Change{Path: path.Dir(ticket.Path(t.ID)) + "/" + rel, Data: a.Data})
	}

	now := ticket.Time(o.Now)
	e := ticket.Entry{Author: o.Agent.Handle, At: now, Body: body, Attachments: paths}
	if o.Auto {
		e.Auto = "auto-reply"
	}
	status := o.Status
	if status == "" {
		status = cfg.StatusAfterReply()
	}
	p.EntryID = t.AddReply(e, status).ID
	if p.NotMailed != "" {
		return p, nil
	}

	stored := t.Entry(p.EntryID)
	domain := ticket.MailDomain(cfg.Email)
	stored.MessageID = ticket.OutgoingMessageID(t.ID, p.EntryID, "", domain)
	agentName := o.Agent.Name
	if o.Auto {
		agentName = ""
	}
	m := &Mail{
		From:        FromAddress(cfg, agentName),
		To:          []*mail.Address{{Name: name, Address: email}},
		Cc:          cc,
		MessageID:   stored.MessageID,
		Date:        now,
		Auto:        o.Auto,
		Loop:        cfg.Email,
		Text:        body,
		Attachments: o.Attach,
	}
	m.ThreadFor(t, domain, o.Subject)
	raw, err := m.Bytes()
	if err != nil {
		return nil, fmt.Errorf("ticket %s: %w", t.ID, err)
	}
	from, to := m.Envelope()
	stored.Meta = map[string]string{MetaMail: StateQueued, MetaTo: email}
	if len(cc) > 0 {
		var cs []string
		for _, a := range cc {
			cs = append(cs, a.Address)
		}
		stored.Meta[MetaCc] = strings.Join(cs, ",")
	}
	p.Record = &Record{
		ID: RecordID(t.ID, p.EntryID), Ticket: t.ID, Entry: p.EntryID, MessageID: stored.MessageID,
		From: from, To: to, Auto: o.Auto, State: StateQueued, Queued: now, Message: string(raw),
	}
	return p, nil
}

// sendable refuses a reply whose addresses mail cannot carry, before the
// ticket is changed, and says where each one comes from.
func sendable(cfg *ticket.Config, t *ticket.Ticket, to string, cc []*mail.Address) error {
	if fault := addressFault(cfg.Email); fault != "" {
		return fmt.Errorf("the desk's address %s: correct email: in %s", fault, ticket.ConfigPath)
	}
	if fault := addressFault(to); fault != "" {
		return fmt.Errorf("ticket %s: the customer's address %s: correct it in %s", t.ID, fault, ticket.Path(t.ID))
	}
	for _, a := range cc {
		if fault := addressFault(a.Address); fault != "" {
			return fmt.Errorf("--cc address %s", fault)
		}
	}
	return nil
}

func safeFileName(n string) string {
	n = path.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, n)
	n = strings.TrimLeft(strings.TrimSpace(n), ".")
	if n == "" {
		n = "attachment"
	}
	return n
}

func uniquePath(p string, taken map[string]bool) string {
	if !taken[p] {
		return p
	}
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	for i := 2; ; i++ {
		if q := fmt.Sprintf("%s-%d%s", stem, i, ext); !taken[q] {
			return q
		}
	}
}

// SaveOptions say how Queue and Flush record their changes.
type SaveOptions struct {
	Message  string // commit message of Queue
	Author   *gitstore.Signature
	NoCommit bool
}

// Queue puts a prepared reply's mail in the outbox and then saves the
// ticket, as one commit with its attachments. The outbox comes first so a
// committed reply always has its mail; if the commit fails the mail is taken
// out again, and a mail whose reply never reached the ticket is never sent
// (Flush checks). Both happen under the desk lock (taken here unless the
// caller holds it), which is how Flush tells a record whose process died
// before saving from one whose reply is about to be saved.
func Queue(d *desk.Desk, t *ticket.Ticket, p *Prepared, o SaveOptions) error {
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	ob := OpenOutbox(d.Store.GitDir())
	if p.Record != nil {
		if err := ob.Put(p.Record); err != nil {
			return err
		}
	}
	if _, err := d.Save([]*ticket.Ticket{t}, p.Files, desk.SaveOptions{Message: o.Message, Author: o.Author, NoCommit: o.NoCommit}); err != nil {
		if p.Record != nil {
			ob.Remove(p.Record.ID)
		}
		return err
	}
	return nil
}
