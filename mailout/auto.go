package mailout

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

// Incoming is what an automatic response needs to know about the mail that
// opened a ticket.
type Incoming struct {
	From      string // the sender's address
	Name      string // the sender's display name
	Auto      string // the importer's classification: "", auto-reply, bounce, list, bulk
	Loop      bool   // the mail carries our loop header: our own mail came back
	MessageID string
}

// IncomingFrom describes a parsed message.
func IncomingFrom(m *importers.Message) Incoming {
	return Incoming{From: m.From.Email, Name: m.From.Name, Auto: m.Auto, Loop: m.Loop, MessageID: m.MessageID}
}

// AutoReplyFor decides whether the new ticket t, opened by mail in, gets an
// automatic acknowledgement, and if so appends it to t (an automatic reply
// entry: no status change, no first response) and queues its mail. Outside
// the desk's business hours the out-of-hours template is used instead.
//
// The caller then saves t (the acknowledgement belongs in the same commit
// as the new ticket) and sends with Flush; a queued mail whose ticket was
// never saved is never sent.
//
// No reply goes to automatic mail, to our own mail coming back, to the
// desk's or an agent's address, to no-reply, mailer-daemon or postmaster
// senders, or to a sender who already got the configured number of
// automatic replies within the period (autoreply: limit/per, default 10 per
// 3h). reason says what was decided, for logs; err is set only when the
// desk's template or outbox failed, and then t is unchanged.
func AutoReplyFor(d *desk.Desk, t *ticket.Ticket, in Incoming, now time.Time) (queued bool, reason string, err error) {
	name := AckTemplate
	if !openAt(d.Config, now) {
		if _, err := LoadTemplate(d.Store.Worktree(), OutOfHoursTemplate); err == nil {
			name = OutOfHoursTemplate
		}
	}
	return AutoReplyWith(d, t, in, name, now)
}

// AutoReplyWith is AutoReplyFor with a chosen template, for rules that send
// an automatic reply.
func AutoReplyWith(d *desk.Desk, t *ticket.Ticket, in Incoming, name string, now time.Time) (bool, string, error) {
	if why := suppress(d.Config, in); why != "" {
		return false, why, nil
	}
	tpl, err := LoadTemplate(d.Store.Worktree(), name)
	var nt *NoTemplateError
	if errors.As(err, &nt) {
		return false, "no automatic reply: " + err.Error(), nil
	}
	if err != nil {
		return false, "", err
	}
	addr := strings.ToLower(in.From)
	trial := t.Clone()
	a := DeskAgent(d.Config)
	rendered, err := tpl.Render(d.Config, NewData(d.Config, trial, a))
	if err != nil {
		return false, "", fmt.Errorf("automatic reply to ticket %s: %w", t.ID, err)
	}
	to := in.From
	if in.Name != "" {
		to = fmt.Sprintf("%q <%s>", in.Name, in.From)
	}
	p, err := PrepareReply(d.Config, trial, ReplyOptions{Agent: a, Body: rendered.Body, Subject: rendered.Subject, Auto: true, To: to, Now: now})
	if err != nil {
		return false, "", fmt.Errorf("automatic reply to ticket %s: %w", t.ID, err)
	}
	if p.Record == nil {
		return false, "no automatic reply: " + p.NotMailed, nil
	}
	ob := OpenOutbox(d.Store.GitDir())
	unlock, err := ob.Lock(30 * time.Second)
	if err != nil {
		return false, "", err
	}
	defer unlock()
	limit, per := d.Config.AutoreplyLimit()
	lim := openLimits(d.Store.GitDir())
	if n := lim.count(addr, now, per); n >= limit {
		return false, fmt.Sprintf("no automatic reply: %s already got %d within %s (autoreply: limit)", addr, n, per), nil
	}
	if err := ob.Put(p.Record); err != nil {
		return false, "", err
	}
	lim.add(addr, now, per)
	if err := lim.save(); err != nil {
		ob.Remove(p.Record.ID)
		return false, "", err
	}
	*t = *trial
	return true, fmt.Sprintf("%s queued to %s", name, addr), nil
}

// openAt reports whether the desk's business hours (business_hours: names
// a calendar) include now; a desk without them is always open.
func openAt(cfg *ticket.Config, now time.Time) bool {
	if cfg.BusinessHours == "" {
		return true
	}
	cal, ok := cfg.Calendars[cfg.BusinessHours]
	if !ok {
		return true
	}
	bc, err := ticket.NewBusinessCalendar(cal)
	if err != nil {
		return true
	}
	return bc.Open(now)
}

// suppress says why mail in must get no automatic reply, or "".
func suppress(cfg *ticket.Config, in Incoming) string {
	addr := strings.ToLower(strings.TrimSpace(in.From))
	local, _, _ := strings.Cut(addr, "@")
	local, _, _ = strings.Cut(local, "+")
	switch {
	case in.Loop:
		return "no automatic reply: our own mail came back (" + importers.LoopHeader + ")"
	case in.Auto != "":
		return "no automatic reply: the mail is automatic (" + in.Auto + ")"
	case !looksLikeAddress(addr):
		return "no automatic reply: no sender address"
	case ownAddress(cfg, addr):
		return "no automatic reply: " + addr + " is one of the desk's own addresses"
	case local == "mailer-daemon" || local == "postmaster" || local == "bounce" || local == "bounces",
		strings.HasPrefix(local, "noreply"), strings.HasPrefix(local, "no-reply"), strings.HasPrefix(local, "no_reply"),
		strings.HasPrefix(local, "donotreply"), strings.HasPrefix(local, "do-not-reply"), strings.HasPrefix(local, "do_not_reply"):
		return "no automatic reply: " + addr + " does not take replies"
	}
	return ""
}

func ownAddress(cfg *ticket.Config, addr string) bool {
	if strings.EqualFold(addr, cfg.Email) {
		return true
	}
	for _, a := range cfg.Agents {
		if strings.EqualFold(addr, a.Email) {
			return true
		}
		for _, e := range a.Emails {
			if strings.EqualFold(addr, e) {
				return true
			}
		}
	}
	for _, t := range cfg.Teams {
		if strings.EqualFold(addr, t.Email) {
			return true
		}
	}
	return false
}

// limits remembers when each address got automatic replies, in
// <gitdir>/ticket/autoreply.json (local state, like the outbox). It is read
// and written under the outbox lock.
type limits struct {
	path string
	sent map[string][]time.Time
}

func openLimits(gitDir string) *limits {
	l := &limits{path: filepath.Join(gitDir, "ticket", "autoreply.json"), sent: map[string][]time.Time{}}
	if data, err := os.ReadFile(l.path); err == nil {
		json.Unmarshal(data, &l.sent) // a damaged file only forgets old replies
	}
	return l
}

func (l *limits) count(addr string, now time.Time, per time.Duration) int {
	n := 0
	for _, t := range l.sent[addr] {
		if now.Sub(t) < per && !t.After(now) {
			n++
		}
	}
	return n
}

func (l *limits) add(addr string, now time.Time, per time.Duration) {
	l.sent[addr] = append(l.sent[addr], now.UTC())
	for a, ts := range l.sent {
		kept := ts[:0]
		for _, t := range ts {
			if now.Sub(t) < per {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			delete(l.sent, a)
		} else {
			l.sent[a] = kept
		}
	}
}

func (l *limits) save() error {
	data, err := json.MarshalIndent(l.sent, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(l.path, append(data, '\n'))
}
