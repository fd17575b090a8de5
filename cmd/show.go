package cmd

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/ticket"
)

type showOptions struct {
	ID, Ref string
	Raw     bool
	out     jsonFlags
}

func newShowCmd(app *App) *cobra.Command {
	o := showOptions{}
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Show a ticket and its conversation",
		Long: `Show a ticket: its fields, then every entry of the conversation in order
(customer messages, replies, internal notes and status changes).
Any unique prefix of the id works.`,
		Example: `  ticket show 7kq
  ticket show 7kq2m9 --json --jq '.entries[] | select(.kind == "reply") | .body'
  ticket show 7kq2m9 --ref origin/main`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runShow(app, o)
		},
	}
	c.Flags().StringVar(&o.Ref, "ref", "", "read the ticket at git `REF` instead of the work tree")
	c.Flags().BoolVar(&o.Raw, "raw", false, "print the ticket file as stored")
	addJSONFlags(c, &o.out)
	return c
}

func runShow(app *App, o showOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	r, err := d.Reader(o.Ref)
	if err != nil {
		return err
	}
	l, err := d.Get(r, o.ID)
	if err != nil {
		return err
	}
	if o.Raw && !o.out.enabled() {
		_, err := app.Out.Write(l.Raw)
		return err
	}
	_, clocks, err := d.SLA(l.Ticket, app.Now(), defaultAtRiskDuration)
	if err != nil {
		app.warnf("%v", err)
	}
	if o.out.enabled() {
		j := toJSON(d, l.Ticket, true)
		cj := clocksJSON(clocks)
		j.SLAClocks = &cj
		return o.out.print(app.Out, j)
	}
	return app.page(renderShow(app.style(), l.Ticket, clocks))
}

func renderShow(st style, t *ticket.Ticket, clocks []ticket.SLAClock) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", st.paint("33", "#"+t.ID), st.paint("1", safe(t.Title)))
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-15s %s\n", st.paint("2", k), safe(v))
		}
	}
	row("status", st.paint(statusColor(t.Status), string(t.Status)))
	row("priority", st.paint(priorityColor(t.Priority), string(t.Priority)))
	row("channel", t.Channel)
	row("customer", t.Customer)
	row("assignee", t.Assignee)
	row("team", t.Team)
	row("tags", strings.Join(t.Tags, ", "))
	row("language", t.Language)
	row("created", st.when(t.Created))
	row("updated", st.when(t.Updated))
	row("first response", st.when(t.FirstResponse))
	row("resolved", st.when(t.Resolved))
	if t.Reopened > 0 {
		row("reopened", fmt.Sprint(t.Reopened))
	}
	row("sla", t.SLA)
	for _, c := range clocks {
		row("sla "+strings.ReplaceAll(c.Target, "_", " "), slaClockLine(st, c))
	}
	keys := make([]string, 0, len(t.Fields))
	for k := range t.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row(k, t.Fields[k])
	}
	if t.Preamble != "" {
		fmt.Fprintf(&b, "\n%s\n", safeBody(t.Preamble))
	}
	for _, e := range t.Entries {
		head := strings.TrimPrefix(ticket.Heading(&e), "### ")
		if st.tty && !e.At.IsZero() {
			if i := strings.LastIndex(head, " · "); i >= 0 {
				head = head[:i] + " · " + st.when(e.At)
			}
		}
		color := "1;34"
		switch e.Kind {
		case ticket.KindNote:
			color = "1;35"
		case ticket.KindEvent:
			color = "2"
		case ticket.KindReply:
			color = "1;32"
		}
		fmt.Fprintf(&b, "\n%s\n", st.paint(color, "── "+safe(head)))
		if e.Body != "" {
			fmt.Fprintf(&b, "%s\n", safeBody(e.Body))
		}
		for _, a := range e.Attachments {
			fmt.Fprintf(&b, "%s %s\n", st.paint("2", "attachment:"), safe(a))
		}
	}
	return b.String()
}

// safeBody keeps line breaks but drops other control characters.
func safeBody(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = safe(l)
	}
	return strings.Join(lines, "\n")
}
