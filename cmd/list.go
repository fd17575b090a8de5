package cmd

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type listOptions struct {
	Statuses, Tags, Priorities, Channels []string
	Assignee, Customer, Team, Lang       string
	Since, Until, Query, Sort, Ref       string
	SLA                                  string
	Limit                                int
	All                                  bool
	out                                  jsonFlags
}

func newListCmd(app *App) *cobra.Command {
	o := listOptions{}
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List tickets (active ones, newest first, by default)",
		Long: `List tickets. Without filters, list shows active tickets (new, open,
pending, on-hold), newest first. Filters combine with AND; repeating a
--status, --priority or --channel flag means any of them.

WHEN is 7d, 24h, 2w (ago), a date 2026-11-01, or an RFC 3339 time.
--query takes an expression over ticket fields; see docs/query.md.

On a terminal the output is an aligned table with relative times; piped, it is
tab-separated (id, status, priority, assignee, created, title) with RFC 3339
times.`,
		Example: `  ticket list --assignee me
  ticket ls --status resolved --since 7d --json
  ticket list --query 'priority == "urgent" && "billing" in tags'
  ticket list --all --jq '.[] | select(.customer | endswith("@example.com")) | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runList(app, o) },
	}
	f := c.Flags()
	addFilterFlags(f, &o)
	f.StringVar(&o.Sort, "sort", "-created", "sort by `FIELD` (created, updated, priority, status, id, title, assignee, customer; - for descending)")
	f.IntVarP(&o.Limit, "limit", "n", 0, "show at most `N` tickets")
	f.BoolVar(&o.All, "all", false, "include resolved, closed and archived tickets")
	f.StringVar(&o.Ref, "ref", "", "read tickets at git `REF` (branch, tag, commit) instead of the work tree")
	addJSONFlags(c, &o.out)
	return c
}

// addFilterFlags adds the ticket filters that list and search share.
func addFilterFlags(f *pflag.FlagSet, o *listOptions) {
	f.StringArrayVarP(&o.Statuses, "status", "s", nil, "only tickets with `STATUS` (repeat or comma-separate)")
	f.StringArrayVar(&o.Tags, "tag", nil, "only tickets carrying `TAG` (repeat: all of them)")
	f.StringVarP(&o.Assignee, "assignee", "a", "", "only tickets assigned to `AGENT` (me, none)")
	f.StringArrayVarP(&o.Priorities, "priority", "p", nil, "only tickets with `PRIORITY`")
	f.StringArrayVar(&o.Channels, "channel", nil, "only tickets from `CHANNEL`")
	f.StringVar(&o.Customer, "customer", "", "only tickets of `CUSTOMER` (an address, or @domain)")
	f.StringVar(&o.Team, "team", "", "only tickets of `TEAM`")
	f.StringVar(&o.Lang, "lang", "", "only tickets in `LANGUAGE`")
	f.StringVar(&o.Since, "since", "", "only tickets created at or after `WHEN`")
	f.StringVar(&o.Until, "until", "", "only tickets created before `WHEN`")
	f.StringVar(&o.Query, "query", "", "only tickets matching `EXPR` (docs/query.md)")
	f.StringVar(&o.SLA, "sla", "", "only tickets whose SLA `STATE` is breached or at-risk (within 2h of due)")
}

func buildFilter(app *App, d *desk.Desk, o listOptions) (*ticket.Filter, error) {
	now := app.Now()
	f := &ticket.Filter{All: o.All, Tags: splitList(o.Tags), Customer: o.Customer, Team: o.Team, Language: o.Lang}
	for _, s := range splitList(o.Statuses) {
		if s == "all" {
			f.All = true
			continue
		}
		st, err := ticket.ParseStatus(s)
		if err != nil {
			return nil, usageErrorf("--status: %v", err)
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, p := range splitList(o.Priorities) {
		pr, err := ticket.ParsePriority(p)
		if err != nil {
			return nil, usageErrorf("--priority: %v", err)
		}
		f.Priorities = append(f.Priorities, pr)
	}
	for _, ch := range splitList(o.Channels) {
		f.Channels = append(f.Channels, strings.ToLower(ch))
	}
	if o.Assignee != "" {
		f.Assignee = o.Assignee
		if o.Assignee == "me" || o.Assignee == "@me" {
			author, err := app.author()
			if err != nil {
				return nil, err
			}
			f.Assignee = d.Agent(author)
		}
	}
	var err error
	if o.Since != "" {
		if f.Since, err = ticket.ParseWhen(o.Since, now); err != nil {
			return nil, usageErrorf("--since: %v", err)
		}
	}
	if o.Until != "" {
		if f.Until, err = ticket.ParseWhen(o.Until, now); err != nil {
			return nil, usageErrorf("--until: %v", err)
		}
	}
	if o.Query != "" {
		if f.Query, err = ticket.CompileQuery(o.Query); err != nil {
			return nil, usageErrorf("--query: %v", err)
		}
	}
	if o.SLA != "" {
		state := strings.ReplaceAll(strings.ToLower(o.SLA), "-", "_")
		if state != ticket.SLABreached && state != ticket.SLAAtRisk {
			return nil, usageErrorf("--sla %q: want breached or at-risk", o.SLA)
		}
		f.SLAState = state
		f.SLAStateOf = slaStateOf(d, now, defaultAtRiskDuration)
	}
	return f, nil
}

// listMemoryLimit is the heap size at which a listing starts collecting.
const listMemoryLimit = 112 << 20

// collectLate makes the collector wait for listMemoryLimit and returns the
// function that restores the settings. Nearly all a listing allocates
// (about 1.2 KB a ticket) stays live until the rows are written, so
// collecting while it grows only rescans the same heap: a fifth of a
// 100,000-ticket listing. The limit keeps a rewrite of the index after a
// pull well under 250 MB.
func collectLate() func() {
	limit := debug.SetMemoryLimit(listMemoryLimit)
	percent := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// selectTickets loads, filters and sorts tickets for list-like commands.
func selectTickets(app *App, d *desk.Desk, o listOptions) ([]*desk.Loaded, error) {
	f, err := buildFilter(app, d, o)
	if err != nil {
		return nil, err
	}
	r, err := d.Reader(o.Ref)
	if err != nil {
		return nil, err
	}
	warn := func(err error) { app.warnf("%v", err) }
	if f.Query == nil && f.SLAState == "" {
		defer collectLate()()
	}
	// Front matter first: the conversations are read only for the
	// tickets a query or an SLA state still has to look at.
	now := app.Now()
	head := *f
	head.Query, head.SLAState = nil, ""
	all, err := d.LoadHeadsWhere(r, warn, head.MatchStatus)
	if err != nil {
		return nil, err
	}
	var kept []*desk.Loaded
	for _, l := range all {
		if ok, _ := head.Match(l.Ticket, now); ok {
			kept = append(kept, l)
		}
	}
	if f.Query != nil || f.SLAState != "" {
		kept = desk.FullAll(kept, warn)
		n := 0
		for _, l := range kept {
			ok, err := f.Match(l.Ticket, now)
			if err != nil {
				return nil, fmt.Errorf("--query on ticket %s: %w", l.ID, err)
			}
			if ok {
				kept[n] = l
				n++
			}
		}
		kept = kept[:n]
	}
	ts := make([]*ticket.Ticket, len(kept))
	byID := make(map[string]*desk.Loaded, len(kept))
	for i, l := range kept {
		ts[i] = l.Ticket
		byID[l.ID] = l
	}
	if err := ticket.SortTickets(ts, o.Sort); err != nil {
		return nil, usageErrorf("--sort: %v", err)
	}
	if o.Limit > 0 && len(ts) > o.Limit {
		ts = ts[:o.Limit]
	}
	out := make([]*desk.Loaded, len(ts))
	for i, t := range ts {
		out[i] = byID[t.ID]
	}
	return out, nil
}

func runList(app *App, o listOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	ls, err := selectTickets(app, d, o)
	if err != nil {
		return err
	}
	if o.out.JSON && o.out.JQ == "" && o.out.Template == "" {
		return writeListJSON(app.Out, d, ls)
	}
	if o.out.enabled() {
		rows := make([]ticketJSON, len(ls))
		for i, l := range ls {
			rows[i] = toJSON(d, l.Ticket, false)
		}
		return o.out.print(app.Out, rows)
	}
	st := app.style()
	tb := &table{st: st, header: []string{"ID", "STATUS", "PRIORITY", "ASSIGNEE", "CREATED", "TITLE"}}
	for _, l := range ls {
		t := l.Ticket
		tb.add([]string{t.ID, string(t.Status), string(t.Priority), t.Assignee, st.when(t.Created), t.Title},
			[]string{"33", statusColor(t.Status), priorityColor(t.Priority), "", "2", ""})
	}
	if len(ls) == 0 {
		if st.tty {
			fmt.Fprintln(app.Err, "no tickets match")
		}
		return nil
	}
	return app.printTable(tb)
}

func statusColor(s ticket.Status) string {
	switch s {
	case ticket.StatusNew:
		return "1;36"
	case ticket.StatusOpen:
		return "32"
	case ticket.StatusPending, ticket.StatusOnHold:
		return "33"
	}
	return "2"
}

func priorityColor(p ticket.Priority) string {
	switch p {
	case ticket.PriorityUrgent:
		return "1;31"
	case ticket.PriorityHigh:
		return "31"
	case ticket.PriorityLow:
		return "2"
	}
	return ""
}
