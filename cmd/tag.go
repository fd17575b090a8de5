package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type tagOptions struct {
	ID   string
	Tags []string
	out  jsonFlags
}

func newTagCmd(app *App) *cobra.Command {
	o := tagOptions{}
	c := &cobra.Command{
		Use:     "tag ID TAG...",
		Short:   "Add tags to a ticket",
		Example: "  ticket tag 7kq billing refund",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Tags = args[0], splitList(args[1:])
			return runTag(app, o, true)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func newUntagCmd(app *App) *cobra.Command {
	o := tagOptions{}
	c := &cobra.Command{
		Use:     "untag ID TAG...",
		Short:   "Remove tags from a ticket",
		Example: "  ticket untag 7kq refund",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Tags = args[0], splitList(args[1:])
			return runTag(app, o, false)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func runTag(app *App, o tagOptions, add bool) error {
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, _ string) (string, error) {
		var done []string
		for _, tag := range o.Tags {
			norm := ticket.NormalizeTag(tag)
			if add && t.AddTags(norm) {
				done = append(done, "+"+norm)
			}
			if !add && t.RemoveTags(tag) {
				done = append(done, "-"+norm)
			}
		}
		if len(done) == 0 {
			return "", nil
		}
		t.Touch(app.Now())
		return "tags " + strings.Join(done, " "), nil
	})
}
