package cmd

import (
	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type noteOptions struct {
	ID, Message, File string
	out               jsonFlags
}

func newNoteCmd(app *App) *cobra.Command {
	o := noteOptions{}
	c := &cobra.Command{
		Use:   "note ID",
		Short: "Add an internal note (never sent to the customer)",
		Long: `Add an internal note to a ticket's conversation. Notes are for agents:
they are never mailed and never published. Without -m or -F on a terminal,
$EDITOR opens.`,
		Example: "  ticket note 7kq -m \"Refund issued in the shop backend.\"\n  git log -1 | ticket note 7kq -F -",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runNote(app, o)
		},
	}
	c.Flags().StringVarP(&o.Message, "message", "m", "", "the note `TEXT`")
	c.Flags().StringVarP(&o.File, "file", "F", "", "read the note from `FILE` (- for standard input)")
	addJSONFlags(c, &o.out)
	return c
}

func runNote(app *App, o noteOptions) error {
	body, err := readBody(app, o.Message, o.File)
	if err != nil {
		return err
	}
	if body == "" {
		if !app.InTTY || !app.OutTTY {
			return usageErrorf("no note text: give -m TEXT or -F FILE")
		}
		if body, err = app.editText("note-*.md", "\n# Write the internal note above. Lines starting with # are dropped.\n"); err != nil {
			return err
		}
		if body == "" {
			return usageErrorf("empty note; nothing saved")
		}
	}
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, agent string) (string, error) {
		t.AddNote(ticket.Entry{Author: agent, At: app.Now(), Body: body})
		return "note by " + agent, nil
	})
}
