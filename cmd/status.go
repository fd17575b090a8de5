package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type statusOptions struct {
	ID, Status string
	Reopen     bool
	out        jsonFlags
}

func newStatusCmd(app *App) *cobra.Command {
	o := statusOptions{}
	c := &cobra.Command{
		Use:   "status ID STATUS",
		Short: "Change a ticket's status",
		Long: `Change a ticket's status to new, open, pending (waiting on the customer),
on-hold (waiting on a third party), resolved, closed or archived. The change
is recorded as an event in the conversation. Leaving resolved, closed or
archived for an active status counts a reopen.

Shortcuts: open, pend, hold, resolve, close, reopen, archive.`,
		Example: "  ticket status 7kq resolved\n  ticket resolve 7kq",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Status = args[0], args[1]
			return runStatus(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

// statusShortcuts are one-word commands for the common status changes.
func statusShortcuts(app *App) []*cobra.Command {
	var cmds []*cobra.Command
	for _, s := range []struct {
		name, status, short string
		reopen              bool
	}{
		{"open", "open", "Mark a ticket open (being worked on)", false},
		{"pend", "pending", "Mark a ticket pending (waiting on the customer)", false},
		{"hold", "on-hold", "Put a ticket on hold (waiting on a third party)", false},
		{"resolve", "resolved", "Mark a ticket resolved", false},
		{"close", "closed", "Close a ticket", false},
		{"reopen", "open", "Reopen a resolved, closed or archived ticket", true},
		{"archive", "archived", "Archive a ticket", false},
	} {
		o := statusOptions{Status: s.status, Reopen: s.reopen}
		c := &cobra.Command{
			Use:   s.name + " ID",
			Short: s.short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				o.ID = args[0]
				return runStatus(app, o)
			},
		}
		addJSONFlags(c, &o.out)
		cmds = append(cmds, c)
	}
	return cmds
}

func runStatus(app *App, o statusOptions) error {
	st, err := ticket.ParseStatus(o.Status)
	if err != nil {
		return usageErrorf("%v", err)
	}
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, agent string) (string, error) {
		if o.Reopen && t.Status.Active() {
			return "", fmt.Errorf("is %s, not resolved, closed or archived; nothing to reopen", t.Status)
		}
		old := t.Status
		if !t.SetStatus(st, agent, app.Now()) {
			return "", nil
		}
		return fmt.Sprintf("status %s → %s", old, st), nil
	})
}
