package cmd

import (
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type rateOptions struct {
	ID, Rating, Comment string
	out                 jsonFlags
}

func newRateCmd(app *App) *cobra.Command {
	o := rateOptions{}
	c := &cobra.Command{
		Use:   "rate ID good|bad",
		Short: "Record the customer's satisfaction rating of a ticket",
		Long: `Record how the customer rated the handling of a ticket: good or bad, with an
optional comment in their words. The rating is stored in the ticket's custom
fields rating, rating_comment and rated_at; a new rating replaces the old one.
Reports count it towards CSAT, good ÷ (good + bad) (docs/metrics.md).`,
		Example: "  ticket rate 7kq good --comment \"Fast and friendly, thanks!\"\n  ticket rate 7kq bad",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Rating = args[0], args[1]
			return runRate(app, o)
		},
	}
	c.Flags().StringVarP(&o.Comment, "comment", "m", "", "the customer's comment, `TEXT`")
	addJSONFlags(c, &o.out)
	return c
}

func runRate(app *App, o rateOptions) error {
	rating := strings.ToLower(strings.TrimSpace(o.Rating))
	if rating != "good" && rating != "bad" {
		return usageErrorf("rating %q is neither good nor bad; give good or bad", o.Rating)
	}
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, _ string) (string, error) {
		comment := ticket.CleanText(strings.TrimSpace(o.Comment))
		if t.Field("rating") == rating && t.Field("rating_comment") == comment {
			return "", nil
		}
		now := app.Now()
		t.SetField("rating", rating)
		t.SetField("rating_comment", comment)
		t.SetField("rated_at", now.UTC().Format(time.RFC3339))
		t.Touch(now)
		if comment != "" {
			return "rating " + rating + " with a comment", nil
		}
		return "rating " + rating, nil
	})
}
