package mailout

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// Delivery guarantees, in short (docs/replies.md says more):
//
//   - A record is marked "sending" (written atomically) before the server is
//     contacted, and "sent" as soon as the server accepts the message; a sent
//     record is never sent again, whatever happens to the ticket commit.
//   - A refused or failed attempt leaves the record "queued" with the error;
//     `ticket outbox send --retry` tries it again.
//   - SMTP cannot give exactly-once: if the connection breaks after the
//     message went out but before the server's answer arrived (or the
//     process dies in that moment) we cannot know whether it was accepted.
//     Such a record stays "sending" and is sent again only with --retry:
//     at-least-once, and the copy carries the same Message-ID, by which mail
//     stores and clients recognise the duplicate.

// FlushOptions choose what Flush sends.
type FlushOptions struct {
	// IDs limits the run to these records; empty means every due record.
	IDs []string
	// Retry also sends records whose earlier attempt failed or was cut off.
	// Without it only records never tried are sent.
	Retry bool
	Save  SaveOptions
	// DeskLocked says the caller holds the desk lock, as an import run
	// does. It must have taken it through desk.Lock, which nests, so the
	// outcomes are recorded under it without waiting for it.
	DeskLocked bool
	Now        func() time.Time
	Warn       func(error)
}

// Outcome is what happened to one record.
type Outcome struct {
	Record  *Record
	Sent    bool   // accepted by the server in this run (or an earlier one, not yet recorded)
	Err     error  // the failed attempt
	Skipped string // why it was not tried
}

// Flush sends due outbox records through s and records the outcome of each
// in its ticket: one commit per ticket ("ticket ID: mail sent"). A record
// whose reply is not in the ticket (its commit failed) is never sent. The
// error is for failures of the desk or the outbox itself; failed sends are
// in the outcomes.
func Flush(d *desk.Desk, s Sender, o FlushOptions) ([]Outcome, error) {
	if o.Now == nil {
		o.Now = d.Now
	}
	ob := OpenOutbox(d.Store.GitDir())
	// Taking the desk lock finishes a save a killed process left in its
	// journal, so a reply it was saving is in its ticket before its mail is
	// judged. Only tried: whoever holds the lock finishes it anyway.
	if unlock, err := d.Lock(0); err == nil {
		unlock()
	}
	outs, err := send(d, ob, s, o)
	if err != nil {
		return outs, err
	}
	// The outbox lock is released before the tickets are committed, so the
	// lock order is always desk, then outbox (an import holds the desk lock
	// while it queues acknowledgements). Recording is idempotent.
	return outs, record(d, ob, outs, o)
}

// send makes one attempt at every due record, under the outbox lock.
func send(d *desk.Desk, ob *Outbox, s Sender, o FlushOptions) ([]Outcome, error) {
	unlock, err := ob.Lock(30 * time.Second)
	if err != nil {
		return nil, err
	}
	defer unlock()
	recs, err := ob.List(o.Warn)
	if err != nil {
		return nil, err
	}
	var outs []Outcome
	for _, r := range recs {
		if len(o.IDs) > 0 && !slices.Contains(o.IDs, r.ID) {
			continue
		}
		out := Outcome{Record: r}
		switch {
		case r.State == StateSent:
			out.Sent = true // accepted before; only the ticket record is missing
		case r.Attempts > 0 && !o.Retry && len(o.IDs) == 0:
			out.Skipped = "an earlier attempt failed; use --retry"
		case s == nil:
			out.Skipped = ErrNoTransport.Error()
		default:
			if why := uncommitted(d, r); why != "" {
				if orphaned(d, r) {
					if err := ob.Remove(r.ID); err != nil {
						return outs, err
					}
					why = fmt.Sprintf("dropped: ticket %s has no entry %s: the reply was never saved (its process died)", r.Ticket, r.Entry)
				}
				out.Skipped = why
				break
			}
			r.State, r.Attempts, r.Attempted = StateSending, r.Attempts+1, o.Now().UTC()
			if err := ob.Put(r); err != nil {
				return outs, err
			}
			if err := s.Send(r.From, r.To, []byte(r.Message)); err != nil {
				r.State, r.Error = StateQueued, oneLine(err.Error())
				out.Err = err
			} else {
				r.State, r.Error, r.Sent = StateSent, "", o.Now().UTC()
				out.Sent = true
			}
			if err := ob.Put(r); err != nil {
				return outs, err
			}
		}
		outs = append(outs, out)
	}
	return outs, nil
}

// uncommitted says why a record must not be sent yet: its reply is not in
// the ticket.
func uncommitted(d *desk.Desk, r *Record) string {
	l, err := d.Get(d.Store.Worktree(), r.Ticket)
	if err != nil {
		return fmt.Sprintf("ticket %s cannot be read (%v)", r.Ticket, err)
	}
	if l.Entry(r.Entry) == nil {
		return fmt.Sprintf("ticket %s has no entry %s (the reply was never saved); remove it with `ticket outbox drop %s`", r.Ticket, r.Entry, r.ID)
	}
	return ""
}

// orphaned reports whether a record whose reply is not in its ticket never
// will be: records are put and their replies saved under the desk lock
// (Queue, and imports for acknowledgements), so if the reply is still
// missing once we hold that lock, the process that queued it died before
// saving, and the mail must never go out. The lock is only tried, never
// waited for: the outbox lock is held, and the order is desk, then outbox.
func orphaned(d *desk.Desk, r *Record) bool {
	unlock, err := d.Lock(0)
	if err != nil {
		return false
	}
	defer unlock()
	// Taking the lock may have finished an interrupted save holding the reply.
	return uncommitted(d, r) != ""
}

// record writes each outcome into its ticket's entry and removes records
// whose sending is recorded. It holds the desk lock from reading each
// ticket to saving it, so no change made meanwhile is overwritten.
func record(d *desk.Desk, ob *Outbox, outs []Outcome, o FlushOptions) error {
	byTicket := map[string][]Outcome{}
	var order []string
	for _, out := range outs {
		if !out.Sent && out.Err == nil {
			continue
		}
		id := out.Record.Ticket
		if _, ok := byTicket[id]; !ok {
			order = append(order, id)
		}
		byTicket[id] = append(byTicket[id], out)
	}
	if len(order) == 0 {
		return nil
	}
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	var errs []error
	for _, id := range order {
		l, err := d.Get(d.Store.Worktree(), id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t := l.Ticket
		changed, sent := false, false
		for _, out := range byTicket[id] {
			e := t.Entry(out.Record.Entry)
			if e == nil {
				continue
			}
			if e.Meta == nil {
				e.Meta = map[string]string{}
			}
			old := metaString(e.Meta)
			if out.Sent {
				e.Meta[MetaMail] = StateSent
				e.Meta[MetaSent] = ticket.Time(out.Record.Sent).Format(time.RFC3339)
				delete(e.Meta, MetaError)
				sent = true
			} else {
				e.Meta[MetaMail] = StateQueued
				e.Meta[MetaError] = out.Record.Error
			}
			if metaString(e.Meta) != old {
				changed = true
			}
		}
		if changed {
			msg := fmt.Sprintf("ticket %s: mail sent", id)
			if !sent {
				msg = fmt.Sprintf("ticket %s: mail not sent", id)
			}
			t.Touch(o.Now())
			if err := save(d, t, msg, o); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		for _, out := range byTicket[id] {
			if out.Sent {
				if err := ob.Remove(out.Record.ID); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// save commits t; record holds the desk lock, so Save takes it again
// (it nests).
func save(d *desk.Desk, t *ticket.Ticket, msg string, o FlushOptions) error {
	_, err := d.Save([]*ticket.Ticket{t}, nil, desk.SaveOptions{Message: msg, Author: o.Save.Author, NoCommit: o.Save.NoCommit})
	return err
}

func metaString(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "=" + m[k] + "\n")
	}
	return b.String()
}

func oneLine(s string) string {
	return shorten(strings.Join(strings.Fields(ticket.CleanText(s)), " "), 300)
}
