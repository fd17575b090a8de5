package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/mailout"
	"github.com/ticketdesk/ticket/ticket"
)

type replyOptions struct {
	ID, Message, File, Template, Status string
	Attach, Cc                          []string
	Send, Queue                         bool
	out                                 jsonFlags
}

func newReplyCmd(app *App) *cobra.Command {
	o := replyOptions{}
	c := &cobra.Command{
		Use:   "reply ID",
		Short: "Reply to the customer by mail",
		Long: `Write a public reply: it is added to the ticket's conversation (one commit,
"ticket ID: reply by AGENT") and mailed to the customer as a proper reply to
their latest message, with the ticket id in the subject so answers thread
back.

The text comes from -m TEXT, -F FILE (- for standard input) or a canned
reply, --template NAME (see "ticket template list"). Without any of them on
a terminal, $EDITOR opens with the conversation quoted below a cut line.

The ticket moves to pending (reply_status: in the config; --status
overrides). The mail goes to the outbox first and is sent at once when a
mail server is configured (--send is the default then); --queue only queues
it for "ticket outbox send". A failed send stays queued with its error.
An address longer than mail allows (254 bytes), or with a control
character in it, is refused before anything is saved. See docs/replies.md.`,
		Example: `  ticket reply 7kq -m "Your refund is on its way."
  ticket reply 7kq --template shipping-confirmation --status resolved
  ticket reply 7kq -F answer.md --attach label.pdf --cc warehouse@acme.example`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runReply(app, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.Message, "message", "m", "", "the reply `TEXT` (Markdown)")
	f.StringVarP(&o.File, "file", "F", "", "read the reply from `FILE` (- for standard input)")
	f.StringVar(&o.Template, "template", "", "reply with the canned reply `NAME`")
	f.StringArrayVar(&o.Attach, "attach", nil, "attach `FILE` (repeat); it is also stored beside the ticket")
	f.StringArrayVar(&o.Cc, "cc", nil, "send a copy to `ADDRESS` (repeat)")
	f.StringVar(&o.Status, "status", "", "move the ticket to `STATUS` instead of the configured reply_status")
	f.BoolVar(&o.Send, "send", false, "send now (the default when a mail server is configured)")
	f.BoolVar(&o.Queue, "queue", false, "only queue the mail; send later with ticket outbox send")
	f.BoolVar(&o.out.JSON, "json", false, "print the ticket as JSON")
	c.MarkFlagsMutuallyExclusive("message", "file", "template")
	c.MarkFlagsMutuallyExclusive("send", "queue")
	return c
}

// agentOf is who replies: the configured agent matching the git identity,
// else the git identity itself.
func agentOf(d *desk.Desk, author *gitstore.Signature) (mailout.Agent, error) {
	handle := d.Agent(author)
	a := mailout.Agent{Handle: handle, Name: handle}
	if ag := d.Config.Agent(handle); ag != nil {
		a.Name, a.Email, a.Signature = ag.Name, ag.Email, ag.Signature
		if a.Name == "" {
			a.Name = ag.Handle
		}
	} else if sig, err := d.Author(author); err == nil {
		a.Name, a.Email = sig.Name, sig.Email
	}
	if a.Handle == "" {
		return a, errors.New("cannot tell who is replying: set git config user.name and user.email, or use --author")
	}
	return a, nil
}

func runReply(app *App, o replyOptions) error {
	body, err := readBody(app, o.Message, o.File)
	if err != nil {
		return err
	}
	var next ticket.Status
	if o.Status != "" {
		if next, err = ticket.ParseStatus(o.Status); err != nil {
			return usageErrorf("--status: %v", err)
		}
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	sender, serr := mailout.NewSender(d.Config, app.Getenv)
	if serr != nil && (o.Send || !errors.Is(serr, mailout.ErrNoTransport)) {
		return withHint(serr, "use --queue to queue the mail and send it later with `ticket outbox send`")
	}
	// Held from reading the ticket until the reply is saved (not while
	// sending), so no other change to the ticket is lost.
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	l, err := d.Get(d.Store.Worktree(), o.ID)
	if err != nil {
		return err
	}
	t := l.Ticket
	author, err := app.author()
	if err != nil {
		return err
	}
	agent, err := agentOf(d, author)
	if err != nil {
		return err
	}
	var subject string
	if o.Template != "" {
		tpl, err := mailout.LoadTemplate(d.Store.Worktree(), o.Template)
		if err != nil {
			return err
		}
		r, err := tpl.Render(d.Config, mailout.NewData(d.Config, t, agent))
		if err != nil {
			return withHint(err, "nothing was saved or sent; fix the ticket or the template, and check with `ticket template show "+o.Template+" --ticket "+t.ID+"`")
		}
		body, subject = r.Body, r.Subject
	}
	if strings.TrimSpace(body) == "" {
		if !app.InTTY || !app.OutTTY {
			return usageErrorf("no reply text: give -m TEXT, -F FILE or --template NAME")
		}
		if body, err = app.editReply(t); err != nil {
			return err
		}
		if body == "" {
			return usageErrorf("empty reply; nothing saved or sent")
		}
	}
	var files []mailout.Attachment
	for _, p := range o.Attach {
		data, err := os.ReadFile(p)
		if err != nil {
			return usageErrorf("--attach: %v", err)
		}
		files = append(files, mailout.Attachment{Name: filepath.Base(p), Data: data})
	}
	p, err := mailout.PrepareReply(d.Config, t, mailout.ReplyOptions{
		Agent: agent, Body: body, Status: next, Cc: o.Cc, Attach: files, Subject: subject, Now: app.Now(),
	})
	if err != nil {
		return usageErrorf("%v", err)
	}
	if p.Record == nil && o.Send {
		return withHint(fmt.Errorf("ticket %s: cannot mail the reply: %s", t.ID, p.NotMailed), "nothing was saved; without --send the reply is recorded without mail")
	}
	summary := "reply by " + agent.Handle
	if err := mailout.Queue(d, t, p, mailout.SaveOptions{
		Message: fmt.Sprintf("ticket %s: %s", t.ID, summary), Author: author, NoCommit: app.NoCommit,
	}); err != nil {
		return err
	}
	unlock()
	var sendErr error
	switch {
	case p.Record == nil:
		summary += "; not mailed: " + p.NotMailed
	case o.Queue || sender == nil:
		summary += "; mail queued"
		if sender == nil {
			summary += " (no mail server configured)"
		}
	default:
		outs, err := mailout.Flush(d, sender, mailout.FlushOptions{
			IDs: []string{p.Record.ID}, Save: mailout.SaveOptions{Author: author, NoCommit: app.NoCommit}, Warn: func(e error) { app.warnf("%v", e) },
		})
		if err != nil {
			return err
		}
		for _, out := range outs {
			switch {
			case out.Sent:
				summary += "; mail sent to " + strings.Join(out.Record.To, ", ")
			case out.Err != nil:
				summary += "; mail queued"
				sendErr = withHint(fmt.Errorf("%s: mail not sent: %w", t.ID, out.Err),
					"the reply is saved and its mail stays in the outbox; send it with `ticket outbox send --retry`")
			case out.Skipped != "":
				summary += "; mail queued (" + out.Skipped + ")"
			}
		}
	}
	if o.out.enabled() {
		if l, err := d.Get(d.Store.Worktree(), t.ID); err == nil {
			t = l.Ticket
		}
		if err := o.out.print(app.Out, toJSON(d, t, true)); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(app.Out, "%s: %s\n", t.ID, summary)
	}
	return sendErr
}

// replyCut separates the reply from the quoted conversation in the editor.
const replyCut = "# ------------------------ >8 ------------------------"

// editReply lets the agent write the reply in the editor, with the latest
// messages and replies quoted below a cut line for reference.
func (a *App) editReply(t *ticket.Ticket) (string, error) {
	var b strings.Builder
	b.WriteString("\n\n" + replyCut + "\n")
	fmt.Fprintf(&b, "# Write the reply to #%s above this line (Markdown). Everything below\n# is dropped. An empty reply cancels.\n\n", t.ID)
	var shown []ticket.Entry
	for i := len(t.Entries) - 1; i >= 0 && len(shown) < 5; i-- {
		if e := t.Entries[i]; e.Kind == ticket.KindMessage || e.Kind == ticket.KindReply {
			shown = append(shown, e)
		}
	}
	for _, e := range shown {
		fmt.Fprintf(&b, "On %s, %s wrote:\n", e.At.UTC().Format("2006-01-02 15:04 MST"), e.Author)
		for _, l := range strings.Split(e.Body, "\n") {
			b.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		}
		b.WriteByte('\n')
	}
	f, err := os.CreateTemp("", "ticket-reply-*.md")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(b.String()); err != nil {
		return "", err
	}
	f.Close()
	if err := a.runEditor(f.Name()); err != nil {
		return "", err
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return "", err
	}
	text, _, _ := strings.Cut(string(data), replyCut)
	return strings.TrimSpace(text), nil
}
