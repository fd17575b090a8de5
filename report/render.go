package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// definition is a metric's name (its JSON key, its heading in
// docs/metrics.md) and what it counts, in one line.
type definition struct{ Name, Text string }

func (r *Report) definitions() []definition {
	fcr := fmt.Sprintf("tickets created in the period and resolved within %d days, at most one public agent reply, no later customer message, no reopen in those days ÷ such tickets resolved within %d days", r.FCRDays, r.FCRDays)
	return []definition{
		{"created", "tickets created in [since, until)"},
		{"resolved", "tickets changed from an active status to resolved, closed or archived in the period"},
		{"closed", "tickets changed to closed in the period"},
		{"reopened", "tickets changed from resolved, closed or archived to an active status in the period"},
		{"backlog", "tickets active (new, open, pending, on-hold) at the end of the period"},
		{"first_response", "creation to the first public agent reply, over tickets created in the period; notes and automatic replies do not count; an agent-opened ticket is answered by the agent's first message to the customer"},
		{"first_resolution", "creation to the first resolution, over tickets resolved at the end whose latest resolution is in the period"},
		{"resolution", "creation to the latest resolution, over the same tickets as first_resolution"},
		{"requester_wait", "time in new, open and on-hold up to the latest resolution, same tickets"},
		{"agent_wait", "time in pending up to the latest resolution, same tickets"},
		{"resolution_rate", "tickets created in the period and resolved at its end ÷ tickets created in the period"},
		{"fcr_rate", fcr},
		{"reopen_rate", "tickets resolved in the period that were ever reopened ÷ tickets resolved in the period"},
		{"sla", "clocks of tickets created in the period, as seen at its end: met, breached, running; compliance = met ÷ (met + breached)"},
		{"csat", "good ÷ (good + bad) over ratings given in the period"},
	}
}

// Duration writes a duration as a person reads it: 45s, 12m, 2h 15m,
// 3d 4h.
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	d = d.Truncate(time.Second)
	days := int64(d / (24 * time.Hour))
	h := int64(d/time.Hour) % 24
	m := int64(d/time.Minute) % 60
	s := int64(d/time.Second) % 60
	switch {
	case days > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && s > 0:
		return fmt.Sprintf("%dm %ds", m, s)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", s)
}

func pct(r Rate) string {
	v, ok := r.Value()
	if !ok {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64)
	return s + "%"
}

func durs(d Durations) (median, mean, p90 string) {
	if d.Count == 0 {
		return "–", "–", "–"
	}
	return Duration(d.Median), Duration(d.Mean), Duration(d.P90)
}

func (r *Report) timeBasis() string {
	if r.Calendar == "" {
		return "calendar time"
	}
	return "business hours (" + r.Calendar + ")"
}

// Title is one line naming the period and how time is counted.
func (r *Report) Title() string {
	days := r.Until.Sub(r.Since).Hours() / 24
	span := strconv.FormatFloat(math.Round(days*10)/10, 'f', -1, 64) + " days"
	if days == 1 {
		span = "1 day"
	}
	return fmt.Sprintf("%s → %s (%s), %s", stamp(r.Since), stamp(r.Until), span, r.timeBasis())
}

func stamp(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// grid prints aligned columns; columns after the first are right-aligned
// unless they hold text.
type grid struct {
	rows  [][]string
	left  map[int]bool
	ruled bool // Markdown
}

func (g *grid) add(cells ...string) { g.rows = append(g.rows, cells) }

func (g *grid) write(w io.Writer, indent string) {
	widths := map[int]int{}
	for _, r := range g.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range g.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			last := i == len(r)-1
			switch {
			case i == 0 || g.left[i]:
				b.WriteString(c)
				if !last {
					b.WriteString(pad)
				}
			default:
				b.WriteString(pad + c)
			}
			if !last {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// WriteText writes the report as aligned plain-text tables.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Report %s\n", r.Title())
	fmt.Fprintln(w, "Metric names are those of --json and docs/metrics.md.")
	r.textSections(w, &r.Metrics)
	if len(r.Agents) > 0 {
		fmt.Fprintln(w, "\nAGENTS (by assignee; replied by reply author)")
		g := &grid{}
		g.add("agent", "assigned", "replied", "resolved", "first_response median", "fcr_rate")
		for _, a := range r.Agents {
			med, _, _ := durs(a.FirstResponse)
			g.add(a.Agent, itoa(a.Assigned), itoa(a.Replied), itoa(a.Resolved), med, pct(a.FCR))
		}
		g.write(w, "  ")
	}
	if len(r.By) > 0 {
		fmt.Fprintf(w, "\nBY %s\n", strings.ToUpper(strings.Join(r.By, " × ")))
		if len(r.Groups) == 0 {
			fmt.Fprintln(w, "  no tickets")
		} else {
			g := &grid{left: map[int]bool{0: true}}
			g.add(strings.Join(r.By, " · "), "created", "resolved", "reopened", "backlog", "first_response median", "resolution median", "fcr_rate", "csat")
			for _, gr := range r.Groups {
				fr, _, _ := durs(gr.FirstResponse)
				res, _, _ := durs(gr.Resolution)
				g.add(gr.Label(), itoa(gr.Created), itoa(gr.Resolved), itoa(gr.Reopened), itoa(gr.Backlog), fr, res, pct(gr.FCR), pct(gr.CSAT))
			}
			g.write(w, "  ")
		}
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func (r *Report) textSections(w io.Writer, m *Metrics) {
	defs := map[string]string{}
	for _, d := range r.definitions() {
		defs[d.Name] = d.Text
	}
	fmt.Fprintln(w, "\nVOLUME")
	g := &grid{left: map[int]bool{2: true}}
	g.add("created", itoa(m.Created), "created in the period")
	g.add("resolved", itoa(m.Resolved), "resolved in the period")
	g.add("closed", itoa(m.Closed), "closed in the period")
	g.add("reopened", itoa(m.Reopened), "reopened in the period")
	g.add("backlog", itoa(m.Backlog), "active at the end of the period")
	g.write(w, "  ")

	fmt.Fprintf(w, "\nTIMES (%s)\n", r.timeBasis())
	g = &grid{left: map[int]bool{5: true}}
	g.add("", "median", "mean", "p90", "tickets", "")
	row := func(name string, d Durations, note string) {
		a, b, c := durs(d)
		g.add(name, a, b, c, itoa(d.Count), note)
	}
	note := ""
	if m.Awaiting > 0 {
		note = fmt.Sprintf("%d created still without a first response", m.Awaiting)
	}
	if m.AgentOpened > 0 {
		note = strings.TrimPrefix(note+fmt.Sprintf("; %d opened by an agent", m.AgentOpened), "; ")
	}
	row("first_response", m.FirstResponse, note)
	row("first_resolution", m.FirstResolution, "creation to first resolution")
	row("resolution", m.Resolution, "creation to latest resolution")
	row("requester_wait", m.RequesterWait, "new, open, on-hold")
	row("agent_wait", m.AgentWait, "pending")
	g.write(w, "  ")

	fmt.Fprintln(w, "\nRATES")
	g = &grid{left: map[int]bool{2: true}}
	g.add("resolution_rate", pct(m.ResolutionRate), fmt.Sprintf("%d of %d created tickets resolved at the end", m.ResolutionRate.N, m.ResolutionRate.Of))
	g.add("fcr_rate", pct(m.FCR), fmt.Sprintf("%d of %d resolved within %d days, at first contact", m.FCR.N, m.FCR.Of, r.FCRDays))
	g.add("reopen_rate", pct(m.ReopenRate), fmt.Sprintf("%d of %d resolved tickets were reopened", m.ReopenRate.N, m.ReopenRate.Of))
	g.add("csat", pct(m.CSAT), fmt.Sprintf("%d good of %d ratings", m.CSAT.N, m.CSAT.Of))
	g.write(w, "  ")

	fmt.Fprintln(w, "\nSLA (tickets created in the period, as seen at its end)")
	if len(m.SLA) == 0 {
		fmt.Fprintln(w, "  no SLA clocks")
		return
	}
	g = &grid{}
	g.add("target", "met", "breached", "running", "compliance")
	for _, s := range m.SLA {
		g.add(s.Target, itoa(s.Met), itoa(s.Breached), itoa(s.Running), pct(s.Compliance()))
	}
	g.write(w, "  ")
}

// WriteMarkdown writes the report as Markdown tables, for a pull request
// comment or a wiki page.
func (r *Report) WriteMarkdown(w io.Writer) error {
	m := &r.Metrics
	fmt.Fprintf(w, "# Support report\n\n%s. Metric names are defined in docs/metrics.md.\n\n", mdEscape(r.Title()))
	fmt.Fprintln(w, "## Volume\n\n| metric | value | definition |\n| --- | ---: | --- |")
	defs := r.definitions()
	vals := map[string]string{"created": itoa(m.Created), "resolved": itoa(m.Resolved), "closed": itoa(m.Closed),
		"reopened": itoa(m.Reopened), "backlog": itoa(m.Backlog)}
	for _, d := range defs[:5] {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", d.Name, vals[d.Name], mdEscape(d.Text))
	}
	fmt.Fprintf(w, "\n## Times (%s)\n\n| metric | median | mean | p90 | tickets |\n| --- | ---: | ---: | ---: | ---: |\n", r.timeBasis())
	for _, x := range []struct {
		name string
		d    Durations
	}{{"first_response", m.FirstResponse}, {"first_resolution", m.FirstResolution}, {"resolution", m.Resolution},
		{"requester_wait", m.RequesterWait}, {"agent_wait", m.AgentWait}} {
		a, b, c := durs(x.d)
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %d |\n", x.name, a, b, c, x.d.Count)
	}
	if m.Awaiting > 0 {
		fmt.Fprintf(w, "\nStill without a first response: %d of the tickets created in the period.\n", m.Awaiting)
	}
	fmt.Fprintln(w, "\n## Rates\n\n| metric | value | of | formula |\n| --- | ---: | --- | --- |")
	for _, x := range []struct {
		name string
		r    Rate
	}{{"resolution_rate", m.ResolutionRate}, {"fcr_rate", m.FCR}, {"reopen_rate", m.ReopenRate}, {"csat", m.CSAT}} {
		text := ""
		for _, d := range defs {
			if d.Name == x.name {
				text = d.Text
			}
		}
		fmt.Fprintf(w, "| `%s` | %s | %d of %d | %s |\n", x.name, pct(x.r), x.r.N, x.r.Of, mdEscape(text))
	}
	fmt.Fprint(w, "\n## SLA\n\n")
	if len(m.SLA) == 0 {
		fmt.Fprintln(w, "No SLA clocks.")
	} else {
		fmt.Fprintln(w, "| target | met | breached | running | compliance |\n| --- | ---: | ---: | ---: | ---: |")
		for _, s := range m.SLA {
			fmt.Fprintf(w, "| `%s` | %d | %d | %d | %s |\n", s.Target, s.Met, s.Breached, s.Running, pct(s.Compliance()))
		}
	}
	if len(r.Agents) > 0 {
		fmt.Fprintln(w, "\n## Agents\n\n| agent | assigned | replied | resolved | first_response median | fcr_rate |\n| --- | ---: | ---: | ---: | ---: | ---: |")
		for _, a := range r.Agents {
			med, _, _ := durs(a.FirstResponse)
			fmt.Fprintf(w, "| %s | %d | %d | %d | %s | %s |\n", mdEscape(a.Agent), a.Assigned, a.Replied, a.Resolved, med, pct(a.FCR))
		}
	}
	if len(r.By) > 0 {
		fmt.Fprintf(w, "\n## By %s\n\n", strings.Join(r.By, " × "))
		fmt.Fprintf(w, "| %s | created | resolved | reopened | backlog | first_response median | resolution median | fcr_rate | csat |\n", strings.Join(r.By, " · "))
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, g := range r.Groups {
			fr, _, _ := durs(g.FirstResponse)
			res, _, _ := durs(g.Resolution)
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %s | %s | %s | %s |\n", mdEscape(g.Label()), g.Created, g.Resolved, g.Reopened, g.Backlog, fr, res, pct(g.FCR), pct(g.CSAT))
		}
	}
	return nil
}

func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`)
	return r.Replace(s)
}

// WriteCSV writes one row for the whole period and one per group, with
// durations in seconds and rates as fractions, for spreadsheets.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"group"}
	head = append(head, r.By...)
	head = append(head, "since", "until", "created", "resolved", "closed", "reopened", "backlog", "awaiting_first_response")
	for _, d := range []string{"first_response", "first_resolution", "resolution", "requester_wait", "agent_wait"} {
		head = append(head, d+"_median_s", d+"_mean_s", d+"_p90_s", d+"_count")
	}
	head = append(head, "resolution_rate", "fcr_rate", "fcr", "fcr_of", "reopen_rate", "csat", "csat_good", "csat_ratings")
	for _, t := range slaTargetOrder {
		head = append(head, "sla_"+t+"_met", "sla_"+t+"_breached", "sla_"+t+"_running")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	row := func(label string, key []string, since, until time.Time, m *Metrics) []string {
		out := []string{label}
		out = append(out, key...)
		out = append(out, rfc(since), rfc(until), itoa(m.Created), itoa(m.Resolved), itoa(m.Closed), itoa(m.Reopened), itoa(m.Backlog), itoa(m.Awaiting))
		for _, d := range []Durations{m.FirstResponse, m.FirstResolution, m.Resolution, m.RequesterWait, m.AgentWait} {
			if d.Count == 0 {
				out = append(out, "", "", "", "0")
				continue
			}
			out = append(out, secs(d.Median), secs(d.Mean), secs(d.P90), itoa(d.Count))
		}
		out = append(out, frac(m.ResolutionRate), frac(m.FCR), itoa(m.FCR.N), itoa(m.FCR.Of), frac(m.ReopenRate), frac(m.CSAT), itoa(m.CSAT.N), itoa(m.CSAT.Of))
		for _, t := range slaTargetOrder {
			s := SLATarget{}
			for _, x := range m.SLA {
				if x.Target == t {
					s = x
				}
			}
			out = append(out, itoa(s.Met), itoa(s.Breached), itoa(s.Running))
		}
		return out
	}
	all := make([]string, len(r.By))
	for i := range all {
		all[i] = "(all)"
	}
	if err := cw.Write(row("all", all, r.Since, r.Until, &r.Metrics)); err != nil {
		return err
	}
	for _, g := range r.Groups {
		if err := cw.Write(row(g.Label(), g.Key, g.Since, g.Until, &g.Metrics)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func secs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func frac(r Rate) string {
	v, ok := r.Value()
	if !ok {
		return ""
	}
	return strconv.FormatFloat(round4(v), 'f', -1, 64)
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
