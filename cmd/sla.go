package cmd

import (
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type slaOptions struct {
	AtRisk       string
	FailOnBreach bool
	Query        string
	out          jsonFlags
}

type slaRowJSON struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Priority    string `json:"priority"`
	Assignee    string `json:"assignee"`
	Team        string `json:"team"`
	Policy      string `json:"policy"`
	Target      string `json:"target"`
	Started     string `json:"started"`
	Due         string `json:"due"`
	LeftSeconds int64  `json:"left_seconds"`
	State       string `json:"state"`
}

// defaultAtRisk is how close to its due time a clock counts as at risk.
const defaultAtRisk = "2h"

func newSLACmd(app *App) *cobra.Command {
	o := slaOptions{}
	c := &cobra.Command{
		Use:   "sla",
		Short: "List active tickets whose SLA is breached or at risk",
		Long: `List the SLA clocks of active tickets that are breached or at risk: ticket,
state, policy, target, due time and time left (negative: overdue), soonest
due first. Only clocks still counting are listed; a target met late is
history, which "ticket show" and reports keep. Policies, targets and business
hours come from .ticket/config.yaml (docs/sla.md).

On a terminal the output is a table; piped, it is tab-separated (id, state,
policy, target, due, seconds left, assignee, title). With --fail-on-breach
the exit code is 1 when any clock is breached (after printing), so a
scheduled CI job can raise an alert (docs/ci.md).`,
		Example: `  ticket sla
  ticket sla --at-risk 4h --json
  ticket sla --fail-on-breach`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSLA(app, o) },
	}
	f := c.Flags()
	f.StringVar(&o.AtRisk, "at-risk", defaultAtRisk, "a clock with at most `DURATION` left is at risk")
	f.BoolVar(&o.FailOnBreach, "fail-on-breach", false, "exit 1 when any SLA target is breached")
	f.StringVar(&o.Query, "query", "", "only tickets matching `EXPR` (docs/query.md)")
	addJSONFlags(c, &o.out)
	return c
}

func parseAtRisk(s string) (time.Duration, error) {
	d, err := ticket.ParseDuration(s)
	if err != nil {
		return 0, usageErrorf("--at-risk %q: %v", s, err)
	}
	return d, nil
}

// liveClocks are the clocks of t that still count and are breached or at
// risk.
func liveClocks(d *desk.Desk, t *ticket.Ticket, now time.Time, atRisk time.Duration) ([]ticket.SLAClock, error) {
	if !t.Status.Active() {
		return nil, nil
	}
	_, clocks, err := d.SLA(t, now, atRisk)
	if err != nil {
		return nil, err
	}
	var out []ticket.SLAClock
	for _, c := range clocks {
		if c.Met.IsZero() && (c.State == ticket.SLABreached || c.State == ticket.SLAAtRisk) {
			out = append(out, c)
		}
	}
	return out, nil
}

// slaStateOf is the worst state of a ticket's live clocks: breached, then
// at_risk, else "".
func slaStateOf(d *desk.Desk, now time.Time, atRisk time.Duration) func(*ticket.Ticket) string {
	return func(t *ticket.Ticket) string {
		clocks, err := liveClocks(d, t, now, atRisk)
		if err != nil {
			return ""
		}
		state := ""
		for _, c := range clocks {
			if c.State == ticket.SLABreached {
				return ticket.SLABreached
			}
			state = c.State
		}
		return state
	}
}

func runSLA(app *App, o slaOptions) error {
	atRisk, err := parseAtRisk(o.AtRisk)
	if err != nil {
		return err
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	f := &ticket.Filter{}
	if o.Query != "" {
		if f.Query, err = ticket.CompileQuery(o.Query); err != nil {
			return usageErrorf("--query: %v", err)
		}
	}
	all, err := d.LoadAll(d.Store.Worktree(), func(err error) { app.warnf("%v", err) })
	if err != nil {
		return err
	}
	now := app.Now()
	rows := []slaRowJSON{}
	breached := 0
	for _, l := range all {
		ok, err := f.Match(l.Ticket, now)
		if err != nil {
			return fmt.Errorf("--query on ticket %s: %w", l.ID, err)
		}
		if !ok {
			continue
		}
		clocks, err := liveClocks(d, l.Ticket, now, atRisk)
		if err != nil {
			return err
		}
		t := l.Ticket
		for _, c := range clocks {
			if c.State == ticket.SLABreached {
				breached++
			}
			rows = append(rows, slaRowJSON{
				ID: t.ID, Title: t.Title, Status: string(t.Status), Priority: string(t.Priority),
				Assignee: t.Assignee, Team: t.Team, Policy: c.Policy, Target: c.Target,
				Started: jsonTime(c.Started), Due: jsonTime(c.Due), LeftSeconds: int64(c.Left / time.Second), State: c.State,
			})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].LeftSeconds != rows[j].LeftSeconds {
			return rows[i].LeftSeconds < rows[j].LeftSeconds
		}
		if rows[i].ID != rows[j].ID {
			return rows[i].ID < rows[j].ID
		}
		return rows[i].Target < rows[j].Target
	})
	if o.out.enabled() {
		if err := o.out.print(app.Out, rows); err != nil {
			return err
		}
	} else if err := writeSLATable(app, d, rows); err != nil {
		return err
	}
	if o.FailOnBreach && breached > 0 {
		noun := "targets are"
		if breached == 1 {
			noun = "target is"
		}
		return withHint(fmt.Errorf("%d SLA %s breached", breached, noun), "answer or resolve the tickets listed above")
	}
	return nil
}

func writeSLATable(app *App, d *desk.Desk, rows []slaRowJSON) error {
	st := app.style()
	if len(rows) == 0 {
		switch {
		case !st.tty:
		case len(d.Config.SLA) == 0:
			fmt.Fprintf(app.Err, "no SLA policies in %s (see docs/sla.md)\n", d.Rel(ticket.ConfigPath))
		default:
			fmt.Fprintln(app.Err, "no SLA is breached or at risk")
		}
		return nil
	}
	tb := &table{st: st, header: []string{"ID", "STATE", "POLICY", "TARGET", "DUE", "LEFT", "ASSIGNEE", "TITLE"}}
	for _, r := range rows {
		due, left := r.Due, fmt.Sprint(r.LeftSeconds)
		if st.tty {
			due = st.when(mustTime(r.Due))
			left = humanLeft(time.Duration(r.LeftSeconds) * time.Second)
		}
		color := "33"
		if r.State == ticket.SLABreached {
			color = "1;31"
		}
		tb.add([]string{r.ID, r.State, r.Policy, r.Target, due, left, r.Assignee, r.Title},
			[]string{"33", color, "", "", "", color, "", ""})
	}
	return app.printTable(tb)
}

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// humanLeft prints time left as "3h20m", or overdue time as "-1d2h".
func humanLeft(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	switch {
	case days > 0:
		return fmt.Sprintf("%s%dd%dh", sign, days, h)
	case h > 0:
		return fmt.Sprintf("%s%dh%02dm", sign, h, m)
	}
	return fmt.Sprintf("%s%dm", sign, m)
}

// slaClocksJSON is the "sla_clocks" field of show --json.
type slaClockJSON struct {
	Policy      string `json:"policy"`
	Target      string `json:"target"`
	Started     string `json:"started"`
	Due         string `json:"due"`
	Met         string `json:"met"`
	State       string `json:"state"`
	LeftSeconds int64  `json:"left_seconds"`
}

func clocksJSON(clocks []ticket.SLAClock) []slaClockJSON {
	out := make([]slaClockJSON, len(clocks))
	for i, c := range clocks {
		out[i] = slaClockJSON{Policy: c.Policy, Target: c.Target, Started: jsonTime(c.Started), Due: jsonTime(c.Due),
			Met: jsonTime(c.Met), State: c.State, LeftSeconds: int64(c.Left / time.Second)}
	}
	return out
}

// defaultAtRiskDuration is defaultAtRisk for commands without --at-risk.
const defaultAtRiskDuration = 2 * time.Hour

// slaClockLine describes one clock for ticket show.
func slaClockLine(st style, c ticket.SLAClock) string {
	color := ""
	switch c.State {
	case ticket.SLABreached:
		color = "1;31"
	case ticket.SLAAtRisk:
		color = "33"
	case ticket.SLAMet:
		color = "32"
	}
	state := c.State
	if color != "" {
		state = st.paint(color, c.State)
	}
	due := c.Due.UTC().Format(time.RFC3339)
	if st.tty {
		due = st.when(c.Due)
	}
	left := humanLeft(c.Left)
	if c.State == ticket.SLAMet {
		return fmt.Sprintf("%s (%s), met %s with %s to spare", state, c.Policy, st.when(c.Met), left)
	}
	if c.Left < 0 {
		return fmt.Sprintf("%s (%s), due %s, %s overdue", state, c.Policy, due, humanLeft(-c.Left))
	}
	return fmt.Sprintf("%s (%s), due %s, %s left", state, c.Policy, due, left)
}
