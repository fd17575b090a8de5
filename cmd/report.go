package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	deskreport "github.com/ticketdesk/ticket/report"
	"github.com/ticketdesk/ticket/ticket"
)

type reportOptions struct {
	Since, Until, Query, Ref string
	By                       []string
	BusinessHours            bool
	CSV, Markdown            bool
	HTML, Chart              string
	out                      jsonFlags
}

func newReportCmd(app *App) *cobra.Command {
	o := reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Show the desk's numbers: volume, response and resolution times, rates, SLA, CSAT",
		Long: `Report the numbers a support lead runs the team by, for a period
[--since, --until) (the last 30 days by default): volume (created, resolved,
closed, reopened, backlog), first response, resolution and wait times (median,
mean, 90th percentile), first-contact resolution, resolution and reopen
rates, SLA compliance per target, CSAT, and a line per agent.

Every figure is computed from the ticket files (entries and the status events
they record), so imported history counts; with TICKET_NOW fixed the output is
exact. Each metric is shown under its name, defined in docs/metrics.md.

--by groups by agent, team, channel, tag, priority, language or customer, and
by day, week or month for trends; repeat it to cross two dimensions.
--business-hours measures times in the business_hours calendar of the config.

Output: aligned tables, or --json (durations in seconds), --csv, --markdown;
--html FILE writes a self-contained page with charts, --chart FILE.svg or
FILE.png the charts alone.`,
		Example: `  ticket report --since 30d
  ticket report --since 2026-10-01 --until 2026-11-01 --by channel --markdown
  ticket report --since 12w --by week --json --jq '.groups[] | [.label, .first_response.median]'
  ticket report --since 90d --business-hours --html report.html --chart report.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(app, o) },
	}
	f := c.Flags()
	f.StringVar(&o.Since, "since", "30d", "start of the period, `WHEN` (7d, 2026-11-01, an RFC 3339 time)")
	f.StringVar(&o.Until, "until", "", "end of the period, not included, `WHEN` (default now)")
	f.StringVar(&o.Query, "query", "", "only tickets matching `EXPR` (docs/query.md)")
	f.StringArrayVar(&o.By, "by", nil, "group by `DIMENSION`: agent, team, channel, tag, priority, language, customer, day, week, month (repeat or comma-separate)")
	f.BoolVar(&o.BusinessHours, "business-hours", false, "measure times in the config's business_hours calendar")
	f.BoolVar(&o.CSV, "csv", false, "print CSV: one row for the period and one per group")
	f.BoolVar(&o.Markdown, "markdown", false, "print Markdown tables")
	f.StringVar(&o.HTML, "html", "", "write a self-contained HTML page with charts to `FILE`")
	f.StringVar(&o.Chart, "chart", "", "write the charts to `FILE`.svg or FILE.png")
	f.StringVar(&o.Ref, "ref", "", "read tickets at git `REF` instead of the work tree")
	addJSONFlags(c, &o.out)
	c.MarkFlagsMutuallyExclusive("json", "csv", "markdown")
	return c
}

func runReport(app *App, o reportOptions) error {
	now := app.Now()
	ro := deskreport.Options{Now: now, By: splitList(o.By)}
	var err error
	if o.Since != "" {
		if ro.Since, err = ticket.ParseWhen(o.Since, now); err != nil {
			return usageErrorf("--since: %v", err)
		}
	}
	if o.Until != "" {
		if ro.Until, err = ticket.ParseWhen(o.Until, now); err != nil {
			return usageErrorf("--until: %v", err)
		}
	}
	var q *ticket.Query
	if o.Query != "" {
		if q, err = ticket.CompileQuery(o.Query); err != nil {
			return usageErrorf("--query: %v", err)
		}
	}
	if o.Chart != "" {
		if ext := chartExt(o.Chart); ext != ".svg" && ext != ".png" {
			return usageErrorf("--chart %s: name the file .svg or .png", o.Chart)
		}
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	cfg := d.Config
	ro.FCRDays = cfg.FirstContactDays()
	if o.BusinessHours {
		if cfg.BusinessHours == "" {
			return withHint(fmt.Errorf("--business-hours: the config names no business_hours calendar"),
				"add business_hours: NAME and a calendar of that name to .ticket/config.yaml (docs/config.md)")
		}
		if ro.Calendar, err = cfg.BusinessCalendar(cfg.BusinessHours); err != nil {
			return err
		}
		ro.CalendarName = cfg.BusinessHours
	}
	ro.Agent = func(author string) string {
		if a := cfg.Agent(ticket.MailAddress(author)); a != nil {
			return a.Handle
		}
		if a := cfg.Agent(author); a != nil {
			return a.Handle
		}
		return ""
	}
	if len(cfg.SLA) > 0 {
		for _, p := range cfg.SLA {
			if _, err := cfg.BusinessCalendar(p.Calendar); err != nil {
				return fmt.Errorf("sla %q: %w", p.Name, err)
			}
		}
		ro.SLA = func(t *ticket.Ticket, at time.Time) []ticket.SLAClock {
			_, clocks, _ := d.SLA(t, at, 0)
			return clocks
		}
	}

	r, err := d.Reader(o.Ref)
	if err != nil {
		return err
	}
	warn := func(err error) { app.warnf("%v", err) }
	all, err := d.LoadHeads(r, warn)
	if err != nil {
		return err
	}
	// Most of a long-lived desk is settled before the period: those
	// tickets count for nothing, and their conversations are never read.
	// The others are read one at a time and let go after they count.
	need := all[:0]
	for _, l := range all {
		if q != nil || !ro.Skips(l.Ticket, l.Digest.LastAt) {
			need = append(need, l)
		}
	}
	var qerr error
	get := func(i int) (*ticket.Ticket, error) {
		l := need[i]
		t, err := l.Whole()
		if err != nil {
			warn(err)
			return nil, nil
		}
		if q != nil {
			ok, err := q.MatchTicket(t, now)
			if err != nil {
				qerr = fmt.Errorf("--query on ticket %s: %w", l.ID, err)
				return nil, qerr
			}
			if !ok {
				return nil, nil
			}
		}
		return t, nil
	}
	rep, err := deskreport.ComputeEach(len(need), get, ro)
	if qerr != nil {
		return qerr
	}
	if err != nil {
		return usageErrorf("%v", err)
	}

	if o.HTML != "" {
		if err := writeFileWith(o.HTML, func(w *bytes.Buffer) error { return rep.WriteHTML(w) }); err != nil {
			return err
		}
	}
	if o.Chart != "" {
		if err := writeFileWith(o.Chart, func(w *bytes.Buffer) error { return rep.WriteChart(w, o.Chart) }); err != nil {
			return err
		}
	}
	wroteFiles := o.HTML != "" || o.Chart != ""
	var b bytes.Buffer
	switch {
	case o.out.enabled():
		return o.out.print(app.Out, rep.JSON())
	case o.CSV:
		err = rep.WriteCSV(&b)
	case o.Markdown:
		err = rep.WriteMarkdown(&b)
	case wroteFiles:
		for _, f := range []string{o.HTML, o.Chart} {
			if f != "" {
				fmt.Fprintf(app.Err, "wrote %s\n", f)
			}
		}
		return nil
	default:
		err = rep.WriteText(&b)
	}
	if err != nil {
		return err
	}
	if o.CSV || o.Markdown {
		_, err = app.Out.Write(b.Bytes())
		return err
	}
	return app.page(b.String())
}

func chartExt(name string) string { return strings.ToLower(filepath.Ext(name)) }

// writeFileWith renders into memory first, so a failure leaves no half file.
func writeFileWith(name string, render func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", name, err)
	}
	return nil
}
