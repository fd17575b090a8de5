package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type newOptions struct {
	Title, Message, File        string
	Customer, Channel, Priority string
	Tags, Fields                []string
	Assign, Team, Lang          string
	out                         jsonFlags
}

func newNewCmd(app *App) *cobra.Command {
	o := newOptions{}
	c := &cobra.Command{
		Use:   "new TITLE",
		Short: "Create a ticket and print its id",
		Long: `Create a ticket and commit it; print the new id.

The first message comes from -m TEXT or -F FILE (- for standard input). With
--customer it is recorded as the customer's message, otherwise as yours.

The desk's rules run on the new ticket before it is saved (docs/rules.md); on
a terminal, what they did is printed on standard error.`,
		Example: `  ticket new "Refund for order 5521" --customer jane@example.com --tag refund -m "The kettle arrived broken."
  echo "details" | ticket new "Printer on fire" -F - --priority urgent --assign alice`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Title = args[0]
			return runNew(app, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.Message, "message", "m", "", "the first message `TEXT`")
	f.StringVarP(&o.File, "file", "F", "", "read the first message from `FILE` (- for standard input)")
	f.StringVar(&o.Customer, "customer", "", "the customer's email `ADDRESS` or handle")
	f.StringVar(&o.Channel, "channel", "cli", "where the query came from: email, chat, phone, social, web, marketplace, cli")
	f.StringVarP(&o.Priority, "priority", "p", "normal", "low, normal, high or urgent")
	f.StringArrayVar(&o.Tags, "tag", nil, "add a `TAG` (repeat, or separate with commas)")
	f.StringArrayVar(&o.Fields, "field", nil, "set a custom field `KEY=VALUE` (repeat)")
	f.StringVarP(&o.Assign, "assign", "a", "", "assign to `AGENT` (me for yourself)")
	f.StringVar(&o.Team, "team", "", "the `TEAM` that owns the ticket")
	f.StringVar(&o.Lang, "lang", "", "the customer's language (ISO 639-1, e.g. de)")
	addJSONFlags(c, &o.out)
	return c
}

func runNew(app *App, o newOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	agent := d.Agent(author)
	prio, err := ticket.ParsePriority(o.Priority)
	if err != nil {
		return usageErrorf("--priority: %v", err)
	}
	fields, _, err := parseKV(o.Fields, "--field")
	if err != nil {
		return err
	}
	body, err := readBody(app, o.Message, o.File)
	if err != nil {
		return err
	}
	assignee, err := resolveAgent(d, o.Assign, agent)
	if err != nil {
		return err
	}
	bodyAuthor := o.Customer
	if bodyAuthor == "" {
		bodyAuthor = agent
	}
	t, err := ticket.New(ticket.NewOptions{
		Title: o.Title, Body: body, Author: bodyAuthor, Customer: o.Customer,
		Channel: strings.ToLower(o.Channel), Priority: prio, Tags: splitList(o.Tags), Assignee: assignee,
		Team: o.Team, Language: o.Lang, Fields: fields,
	}, app.Now(), d.Exists)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := runNewRules(app, d, t, body); err != nil {
		return err
	}
	if _, err := d.Save([]*ticket.Ticket{t}, nil, desk.SaveOptions{
		Message: fmt.Sprintf("ticket %s: new: %s", t.ID, t.Title), Author: author, NoCommit: app.NoCommit,
	}); err != nil {
		return err
	}
	if o.out.enabled() {
		return o.out.print(app.Out, toJSON(d, t, true))
	}
	fmt.Fprintln(app.Out, t.ID)
	return nil
}

// resolveAgent turns "me" into the current agent and checks a handle against
// the configured agents, when there are any.
func resolveAgent(d *desk.Desk, who, me string) (string, error) {
	switch who {
	case "":
		return "", nil
	case "me", "@me":
		if me == "" {
			return "", usageErrorf("cannot tell who \"me\" is: set git config user.name and user.email")
		}
		return me, nil
	}
	if len(d.Config.Agents) == 0 {
		return who, nil
	}
	if a := d.Config.Agent(who); a != nil {
		return a.Handle, nil
	}
	var handles []string
	for _, a := range d.Config.Agents {
		handles = append(handles, a.Handle)
	}
	return "", withHint(fmt.Errorf("unknown agent %q", who), "known agents: "+strings.Join(handles, ", "), "agents are listed in .ticket/config.yaml")
}
