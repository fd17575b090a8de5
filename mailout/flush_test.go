package mailout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/templates"
	"github.com/ticketdesk/ticket/ticket"
)

type fakeSender struct {
	sent []string
	fail error
}

func (f *fakeSender) Send(from string, to []string, msg []byte) error {
	if f.fail != nil {
		return f.fail
	}
	f.sent = append(f.sent, string(msg))
	return nil
}

func (f *fakeSender) String() string { return "fake" }

var who = &gitstore.Signature{Name: "Alice Agent", Email: "alice@acme.example"}

// testDesk is a real desk in a temporary git repository with the default
// templates and one ticket from a customer.
func testDesk(t *testing.T, edit func(*ticket.Config)) (*desk.Desk, *ticket.Ticket) {
	t.Helper()
	var extra []gitstore.Change
	for _, name := range []string{AckTemplate, OutOfHoursTemplate} {
		data, err := templates.Replies.ReadFile("replies/" + name + ".md")
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, gitstore.Change{Path: TemplatePath(name), Data: data})
	}
	clock := func() time.Time { return now }
	d, _, err := desk.Init(t.TempDir(), desk.InitOptions{Name: "Acme Support", Email: "support@acme.example", Author: who, Extra: extra}, clock)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(d.Config)
	}
	tk := testTicket()
	if _, err := d.Save([]*ticket.Ticket{tk}, nil, desk.SaveOptions{Message: "new", Author: who}); err != nil {
		t.Fatal(err)
	}
	return d, tk
}

func reload(t *testing.T, d *desk.Desk, id string) *ticket.Ticket {
	t.Helper()
	l, err := d.Get(d.Store.Worktree(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l.Ticket
}

func queueReply(t *testing.T, d *desk.Desk, tk *ticket.Ticket) *Prepared {
	t.Helper()
	p, err := PrepareReply(d.Config, tk, ReplyOptions{Agent: alice, Body: "On its way.", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := Queue(d, tk, p, SaveOptions{Message: "reply", Author: who}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFailedSendStaysQueuedAndRetrySendsOnce(t *testing.T) {
	d, tk := testDesk(t, nil)
	p := queueReply(t, d, tk)
	ob := OpenOutbox(d.Store.GitDir())
	s := &fakeSender{fail: errors.New("451 4.3.0 try again later")}
	opt := FlushOptions{Save: SaveOptions{Author: who}}

	outs, err := Flush(d, s, opt)
	if err != nil || len(outs) != 1 || outs[0].Err == nil {
		t.Fatalf("first attempt: %+v, %v", outs, err)
	}
	r, err := ob.Get(p.Record.ID)
	if err != nil || r.State != StateQueued || r.Attempts != 1 || !strings.Contains(r.Error, "451") {
		t.Fatalf("record after failure: %+v, %v", r, err)
	}
	e := reload(t, d, tk.ID).Entry(p.EntryID)
	if e.Meta[MetaMail] != "queued" || !strings.Contains(e.Meta[MetaError], "451 4.3.0") {
		t.Errorf("ticket after failure: %v", e.Meta)
	}

	s.fail = nil
	outs, _ = Flush(d, s, opt)
	if len(outs) != 1 || outs[0].Skipped == "" || len(s.sent) != 0 {
		t.Fatalf("without --retry a failed mail must wait: %+v", outs)
	}
	opt.Retry = true
	if outs, err = Flush(d, s, opt); err != nil || len(outs) != 1 || !outs[0].Sent || len(s.sent) != 1 {
		t.Fatalf("retry: %+v, %v, %d sent", outs, err, len(s.sent))
	}
	if outs, _ = Flush(d, s, opt); len(outs) != 0 || len(s.sent) != 1 {
		t.Fatalf("a second retry sent again: %+v", outs)
	}
	if _, err := ob.Get(p.Record.ID); err == nil {
		t.Error("a sent and recorded mail is still in the outbox")
	}
	e = reload(t, d, tk.ID).Entry(p.EntryID)
	if e.Meta[MetaMail] != "sent" || e.Meta[MetaSent] != "2026-11-20T10:00:00Z" || e.Meta[MetaError] != "" {
		t.Errorf("ticket after sending: %v", e.Meta)
	}
}

func TestInterruptedSendIsRetried(t *testing.T) {
	d, tk := testDesk(t, nil)
	p := queueReply(t, d, tk)
	ob := OpenOutbox(d.Store.GitDir())
	r, _ := ob.Get(p.Record.ID)
	r.State, r.Attempts = StateSending, 1 // the process died mid-send
	ob.Put(r)
	s := &fakeSender{}
	if outs, _ := Flush(d, s, FlushOptions{}); len(s.sent) != 0 || outs[0].Skipped == "" {
		t.Fatal("an interrupted mail was resent without --retry")
	}
	if Flush(d, s, FlushOptions{Retry: true, Save: SaveOptions{Author: who}}); len(s.sent) != 1 || !strings.Contains(s.sent[0], p.Record.MessageID) {
		t.Fatal("--retry did not resend the interrupted mail with its Message-ID")
	}
}

func TestSentButUnrecordedIsNotResent(t *testing.T) {
	d, tk := testDesk(t, nil)
	p := queueReply(t, d, tk)
	ob := OpenOutbox(d.Store.GitDir())
	r, _ := ob.Get(p.Record.ID)
	r.State, r.Sent = StateSent, now // accepted, then the ticket commit failed
	ob.Put(r)
	s := &fakeSender{}
	outs, err := Flush(d, s, FlushOptions{Retry: true, Save: SaveOptions{Author: who}})
	if err != nil || len(s.sent) != 0 || len(outs) != 1 || !outs[0].Sent {
		t.Fatalf("%+v %v %d", outs, err, len(s.sent))
	}
	if reload(t, d, tk.ID).Entry(p.EntryID).Meta[MetaMail] != "sent" {
		t.Error("the ticket does not record the mail as sent")
	}
}

func TestUnsavedReplyIsNeverSent(t *testing.T) {
	d, tk := testDesk(t, nil)
	p, _ := PrepareReply(d.Config, tk, ReplyOptions{Agent: alice, Body: "never saved", Now: now})
	ob := OpenOutbox(d.Store.GitDir())
	ob.Put(p.Record) // the outbox was written, the commit never happened
	s := &fakeSender{}

	// While another process holds the desk lock, the reply may be on its
	// way into the ticket: the mail waits.
	other, err := desk.Open(d.Store.Dir(), d.Now)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := other.Lock(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := Flush(d, s, FlushOptions{Retry: true})
	unlock()
	if len(s.sent) != 0 || len(outs) != 1 || !strings.Contains(outs[0].Skipped, "never saved") || strings.Contains(outs[0].Skipped, "dropped") {
		t.Fatalf("while locked: %+v", outs)
	}
	if _, err := ob.Get(p.Record.ID); err != nil {
		t.Fatalf("the mail left the outbox while its reply could still be saved: %v", err)
	}

	// With the lock free and still no reply, its process died: the mail is
	// dropped, never sent.
	outs, _ = Flush(d, s, FlushOptions{Retry: true})
	if len(s.sent) != 0 || len(outs) != 1 || !strings.Contains(outs[0].Skipped, "dropped") {
		t.Fatalf("%+v", outs)
	}
	if _, err := ob.Get(p.Record.ID); err == nil {
		t.Fatal("the orphaned mail is still in the outbox")
	}
}

func TestAutoReplyFor(t *testing.T) {
	jane := Incoming{From: "jane@example.com", Name: "Jane Doe", MessageID: "CAF1@mail.example.com"}
	tests := []struct {
		name   string
		in     Incoming
		queued bool
		reason string
	}{
		{"a person", jane, true, "acknowledgement queued to jane@example.com"},
		{"automatic mail", Incoming{From: "jane@example.com", Auto: "auto-reply"}, false, "the mail is automatic (auto-reply)"},
		{"a bounce", Incoming{From: "jane@example.com", Auto: "bounce"}, false, "automatic (bounce)"},
		{"a list", Incoming{From: "jane@example.com", Auto: "list"}, false, "automatic (list)"},
		{"our own mail", Incoming{From: "jane@example.com", Loop: true}, false, "our own mail came back"},
		{"the desk", Incoming{From: "Support@Acme.example"}, false, "one of the desk's own addresses"},
		{"an agent", Incoming{From: "bob@home.example"}, false, "one of the desk's own addresses"},
		{"noreply", Incoming{From: "noreply@shop.example"}, false, "does not take replies"},
		{"no-reply", Incoming{From: "no-reply+x@shop.example"}, false, "does not take replies"},
		{"mailer-daemon", Incoming{From: "MAILER-DAEMON@mx.example"}, false, "does not take replies"},
		{"postmaster", Incoming{From: "postmaster@mx.example"}, false, "does not take replies"},
		{"no sender", Incoming{}, false, "no sender address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, tk := testDesk(t, func(c *ticket.Config) {
				c.Agents = []ticket.Agent{{Handle: "bob", Emails: []string{"bob@home.example"}}}
			})
			n := len(tk.Entries)
			queued, reason, err := AutoReplyFor(d, tk, tc.in, now)
			if err != nil || queued != tc.queued || !strings.Contains(reason, tc.reason) {
				t.Fatalf("got %v %q %v; want %v %q", queued, reason, err, tc.queued, tc.reason)
			}
			recs, _ := OpenOutbox(d.Store.GitDir()).List(nil)
			if !tc.queued {
				if len(tk.Entries) != n || len(recs) != 0 {
					t.Fatal("a suppressed reply changed the ticket or the outbox")
				}
				return
			}
			e := tk.Entries[len(tk.Entries)-1]
			if e.Kind != ticket.KindReply || e.Auto != "auto-reply" || e.Author != "Acme Support" || !strings.Contains(e.Body, "ticket **#7kq2m9**") {
				t.Errorf("entry %+v", e)
			}
			if len(recs) != 1 || !recs[0].Auto || !strings.Contains(recs[0].Message, "Auto-Submitted: auto-replied") {
				t.Errorf("outbox %+v", recs)
			}
		})
	}
}

func TestAutoReplyLimit(t *testing.T) {
	d, _ := testDesk(t, func(c *ticket.Config) { c.Autoreply = ticket.Autoreply{Limit: 2, Per: "1h"} })
	in := Incoming{From: "jane@example.com"}
	for i, want := range []bool{true, true, false} {
		tk := testTicket()
		tk.ID = []string{"aaaaaa", "bbbbbb", "cccccc"}[i]
		queued, reason, err := AutoReplyFor(d, tk, in, now.Add(time.Duration(i)*time.Minute))
		if err != nil || queued != want {
			t.Fatalf("reply %d: %v %q %v", i+1, queued, reason, err)
		}
		if !want && !strings.Contains(reason, "already got 2 within 1h0m0s") {
			t.Errorf("reason %q", reason)
		}
	}
	// After the period the sender gets replies again.
	if queued, reason, _ := AutoReplyFor(d, testTicket(), in, now.Add(61*time.Minute)); !queued {
		t.Errorf("after the period: %q", reason)
	}
}

func TestOutOfHours(t *testing.T) {
	d, tk := testDesk(t, func(c *ticket.Config) {
		c.Calendars = map[string]ticket.Calendar{"office": {Timezone: "Europe/Berlin", Hours: map[string]string{"mon-fri": "09:00-17:00"}, Holidays: []string{"2026-12-24"}}}
		c.BusinessHours = "office"
	})
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), "acknowledgement"}, // Friday 11:00 in Berlin
		{time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC), "out-of-hours"},    // Saturday
		{time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC), "out-of-hours"},   // Friday 17:30 in Berlin
		{time.Date(2026, 12, 24, 10, 0, 0, 0, time.UTC), "out-of-hours"},    // a holiday
	} {
		c := tk.Clone()
		_, reason, err := AutoReplyFor(d, c, Incoming{From: "jane@example.com"}, tc.at)
		if err != nil || !strings.HasPrefix(reason, tc.want+" queued") {
			t.Errorf("%v: %q %v; want %s", tc.at, reason, err, tc.want)
		}
	}
}

func TestListRemovesStaleTemps(t *testing.T) {
	ob := OpenOutbox(t.TempDir())
	if err := ob.Put(&Record{ID: "r1", State: StateQueued}); err != nil {
		t.Fatal(err)
	}
	stale, fresh := filepath.Join(ob.Dir(), ".tmp-111"), filepath.Join(ob.Dir(), ".tmp-222")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte(`{"id":`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	recs, err := ob.List(func(err error) { t.Errorf("List warned: %v", err) })
	if err != nil || len(recs) != 1 || recs[0].ID != "r1" {
		t.Fatalf("List = %v, %v; want the one record", recs, err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the temporary file of a Put killed two hours ago was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the temporary file of a Put that may be running was removed (%v)", err)
	}
}
