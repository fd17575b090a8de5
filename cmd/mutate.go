package cmd

import (
	"fmt"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// change is one edit of one ticket: it changes t and returns a short summary
// for the commit message ("status open → resolved"), or "" when there was
// nothing to change.
type change func(d *desk.Desk, t *ticket.Ticket, agent string) (string, error)

// mutate loads the ticket a person named, applies fn, and saves the result as
// one commit "ticket ID: summary", then prints the ticket (JSON) or a line.
func mutate(app *App, typed string, out *jsonFlags, fn change) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	// Held from reading to saving, so a change made by another process in
	// between is never overwritten.
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	l, err := d.Get(d.Store.Worktree(), typed)
	if err != nil {
		return err
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	t := l.Ticket
	summary, err := fn(d, t, d.Agent(author))
	if err != nil {
		return fmt.Errorf("ticket %s: %w", t.ID, err)
	}
	if summary == "" {
		if out.enabled() {
			return out.print(app.Out, toJSON(d, t, true))
		}
		fmt.Fprintf(app.Err, "ticket %s: nothing to change\n", t.ID)
		return nil
	}
	if _, err := d.Save([]*ticket.Ticket{t}, nil, desk.SaveOptions{
		Message: fmt.Sprintf("ticket %s: %s", t.ID, summary), Author: author, NoCommit: app.NoCommit,
	}); err != nil {
		return err
	}
	if out.enabled() {
		return out.print(app.Out, toJSON(d, t, true))
	}
	fmt.Fprintf(app.Out, "%s: %s\n", t.ID, summary)
	return nil
}
