package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type assignOptions struct {
	ID, Agent string
	out       jsonFlags
}

func newAssignCmd(app *App) *cobra.Command {
	o := assignOptions{}
	c := &cobra.Command{
		Use:   "assign ID AGENT",
		Short: "Assign a ticket to an agent (me for yourself)",
		Long: `Assign a ticket to an agent. When .ticket/config.yaml lists agents, AGENT
must be one of their handles or addresses; "me" is the agent whose address
matches your git identity.`,
		Example: "  ticket assign 7kq alice\n  ticket assign 7kq me",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Agent = args[0], args[1]
			return runAssign(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func newUnassignCmd(app *App) *cobra.Command {
	o := assignOptions{}
	c := &cobra.Command{
		Use:   "unassign ID",
		Short: "Remove a ticket's assignee",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runAssign(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func runAssign(app *App, o assignOptions) error {
	return mutate(app, o.ID, &o.out, func(d *desk.Desk, t *ticket.Ticket, me string) (string, error) {
		who, err := resolveAgent(d, o.Agent, me)
		if err != nil {
			return "", err
		}
		old := t.Assignee
		if !t.Assign(who, app.Now()) {
			return "", nil
		}
		return fmt.Sprintf("assignee %s → %s", orNone(old), orNone(who)), nil
	})
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
