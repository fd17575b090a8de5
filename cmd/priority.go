package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type priorityOptions struct {
	ID, Priority string
	out          jsonFlags
}

func newPriorityCmd(app *App) *cobra.Command {
	o := priorityOptions{}
	c := &cobra.Command{
		Use:     "priority ID PRIORITY",
		Short:   "Set a ticket's priority (low, normal, high, urgent)",
		Example: "  ticket priority 7kq urgent",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Priority = args[0], args[1]
			return runPriority(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func runPriority(app *App, o priorityOptions) error {
	p, err := ticket.ParsePriority(o.Priority)
	if err != nil {
		return usageErrorf("%v", err)
	}
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, _ string) (string, error) {
		old := t.Priority
		if !t.SetPriority(p, app.Now()) {
			return "", nil
		}
		return fmt.Sprintf("priority %s → %s", old, p), nil
	})
}
