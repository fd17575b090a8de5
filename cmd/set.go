package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type setOptions struct {
	ID    string
	Pairs []string
	out   jsonFlags
}

func newSetCmd(app *App) *cobra.Command {
	o := setOptions{}
	c := &cobra.Command{
		Use:   "set ID KEY=VALUE...",
		Short: "Set custom fields of a ticket (KEY= removes one)",
		Long: `Set free custom fields of a ticket, such as an order number. An empty
value (KEY=) removes the field. Fields are stored under "fields:" in the
front matter and can be queried as fields.KEY.`,
		Example: "  ticket set 7kq order=5521 plan=pro\n  ticket set 7kq plan=",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID, o.Pairs = args[0], args[1:]
			return runSet(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func runSet(app *App, o setOptions) error {
	kv, order, err := parseKV(o.Pairs, "field")
	if err != nil {
		return err
	}
	return mutate(app, o.ID, &o.out, func(_ *desk.Desk, t *ticket.Ticket, _ string) (string, error) {
		var done []string
		for _, k := range order {
			if t.SetField(ticket.CleanLine(k), ticket.CleanText(kv[k])) {
				if kv[k] == "" {
					done = append(done, "-"+k)
				} else {
					done = append(done, fmt.Sprintf("%s=%s", k, kv[k]))
				}
			}
		}
		if len(done) == 0 {
			return "", nil
		}
		t.Touch(app.Now())
		return "fields " + ticket.CleanLine(strings.Join(done, " ")), nil
	})
}
