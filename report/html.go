package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"sync"
)

// htmlChart is one inline chart of the page.
type htmlChart struct {
	ID, Title string
	SVG       template.HTML
}

type htmlRow struct {
	Name, Value, Detail string
}

type htmlTimes struct {
	Name, Median, Mean, P90, Note string
	Count                         int
}

type htmlPage struct {
	Title, Period string
	Cards         []htmlRow
	Volume        []htmlRow
	Times         []htmlTimes
	Basis         string
	Rates         []htmlRow
	SLA           []SLATarget
	Agents        []AgentRow
	By            string
	Groups        []Group
	Charts        []htmlChart
	Defs          []definition
}

// The prolog expression and the page template are built on first use:
// every command links this package, only reports need them.
var svgProlog = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?s)^<\?xml[^>]*>\s*(<!--.*?-->\s*)?`)
})

// WriteHTML writes a self-contained page: the tables of the text report and
// the charts as inline SVG, with no external assets.
func (r *Report) WriteHTML(w io.Writer) error {
	m := &r.Metrics
	pg := htmlPage{Title: "Support report", Period: r.Title(), Basis: r.timeBasis(), SLA: m.SLA, Agents: r.Agents,
		Groups: r.Groups, By: strings.Join(r.By, " · "), Defs: r.definitions()}
	fr, _, _ := durs(m.FirstResponse)
	res, _, _ := durs(m.Resolution)
	pg.Cards = []htmlRow{
		{"created", itoa(m.Created), "tickets created"},
		{"resolved", itoa(m.Resolved), "tickets resolved"},
		{"backlog", itoa(m.Backlog), "active at the end"},
		{"first_response", fr, "median"},
		{"resolution", res, "median"},
		{"fcr_rate", pct(m.FCR), "first-contact resolution"},
		{"csat", pct(m.CSAT), fmt.Sprintf("%d ratings", m.CSAT.Of)},
	}
	pg.Volume = []htmlRow{
		{"created", itoa(m.Created), ""}, {"resolved", itoa(m.Resolved), ""}, {"closed", itoa(m.Closed), ""},
		{"reopened", itoa(m.Reopened), ""}, {"backlog", itoa(m.Backlog), ""},
	}
	for i := range pg.Volume {
		pg.Volume[i].Detail = pg.Defs[i].Text
	}
	for _, x := range []struct {
		name string
		d    Durations
		note string
	}{
		{"first_response", m.FirstResponse, fmt.Sprintf("%d awaiting a first response", m.Awaiting)},
		{"first_resolution", m.FirstResolution, ""}, {"resolution", m.Resolution, ""},
		{"requester_wait", m.RequesterWait, "new, open, on-hold"}, {"agent_wait", m.AgentWait, "pending"},
	} {
		a, b, c := durs(x.d)
		pg.Times = append(pg.Times, htmlTimes{x.name, a, b, c, x.note, x.d.Count})
	}
	pg.Rates = []htmlRow{
		{"resolution_rate", pct(m.ResolutionRate), fmt.Sprintf("%d of %d", m.ResolutionRate.N, m.ResolutionRate.Of)},
		{"fcr_rate", pct(m.FCR), fmt.Sprintf("%d of %d", m.FCR.N, m.FCR.Of)},
		{"reopen_rate", pct(m.ReopenRate), fmt.Sprintf("%d of %d", m.ReopenRate.N, m.ReopenRate.Of)},
		{"csat", pct(m.CSAT), fmt.Sprintf("%d good of %d", m.CSAT.N, m.CSAT.Of)},
	}
	for _, c := range r.charts(chartW) {
		svg, err := svgOf(c.p, chartW, chartH)
		if err != nil {
			return err
		}
		svg = svgProlog().ReplaceAll(svg, nil)
		label := template.HTMLEscapeString(c.p.Title.Text)
		svg = bytes.Replace(svg, []byte("<svg "), []byte(`<svg role="img" aria-label="`+label+`" `), 1)
		// The SVG is generated here and its text escaped by the renderer.
		pg.Charts = append(pg.Charts, htmlChart{ID: c.id, Title: c.title, SVG: template.HTML(svg)})
	}
	var b bytes.Buffer
	if err := pageTemplate().Execute(&b, pg); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

var pageTemplate = sync.OnceValue(parsePageTemplate)

func parsePageTemplate() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"dur":        func(d Durations) string { m, _, _ := durs(d); return m },
		"pct":        pct,
		"compliance": func(s SLATarget) string { return pct(s.Compliance()) },
	}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Period}}</title>
<style>
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; }
.period { color: #57606a; margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; }
.card .v { font-size: 24px; font-weight: 600; }
.card .n { font-family: ui-monospace, "Liberation Mono", monospace; font-size: 12px; color: #57606a; }
.card .d { font-size: 12px; color: #57606a; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #57606a; padding: 4px 6px; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d0d7de; margin: 0 0 8px; }
th, td { padding: 5px 12px; border-bottom: 1px solid #eaeef2; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.t { text-align: left; }
td.t { color: #57606a; max-width: 640px; }
th { background: #f6f8fa; font-weight: 600; }
code { font-family: ui-monospace, "Liberation Mono", monospace; font-size: 13px; }
.cols { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 14px; }
dt code { font-weight: 600; }
dd { margin: 0; color: #57606a; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="period">{{.Period}}. Metric names are those of <code>--json</code> and docs/metrics.md.</p>
<div class="cards">
{{- range .Cards}}
<div class="card"><div class="n">{{.Name}}</div><div class="v">{{.Value}}</div><div class="d">{{.Detail}}</div></div>
{{- end}}
</div>

<h2>Charts</h2>
<div class="charts">
{{- range .Charts}}
<figure id="chart-{{.ID}}">{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>
{{- end}}
</div>

<div class="cols">
<section>
<h2>Volume</h2>
<table><tr><th>metric</th><th>tickets</th></tr>
{{- range .Volume}}<tr><td><code>{{.Name}}</code></td><td>{{.Value}}</td></tr>{{end}}
</table>
</section>
<section>
<h2>Times ({{.Basis}})</h2>
<table><tr><th>metric</th><th>median</th><th>mean</th><th>p90</th><th>tickets</th><th></th></tr>
{{- range .Times}}<tr><td><code>{{.Name}}</code></td><td>{{.Median}}</td><td>{{.Mean}}</td><td>{{.P90}}</td><td>{{.Count}}</td><td class="t">{{.Note}}</td></tr>{{end}}
</table>
</section>
<section>
<h2>Rates</h2>
<table><tr><th>metric</th><th>value</th><th>of</th></tr>
{{- range .Rates}}<tr><td><code>{{.Name}}</code></td><td>{{.Value}}</td><td>{{.Detail}}</td></tr>{{end}}
</table>
</section>
<section>
<h2>SLA</h2>
{{- if .SLA}}
<table><tr><th>target</th><th>met</th><th>breached</th><th>running</th><th>compliance</th></tr>
{{- range .SLA}}<tr><td><code>{{.Target}}</code></td><td>{{.Met}}</td><td>{{.Breached}}</td><td>{{.Running}}</td><td>{{compliance .}}</td></tr>{{end}}
</table>
{{- else}}
<p>No SLA clocks: no SLA policy applies to the tickets of the period.</p>
{{- end}}
</section>
</div>

{{- if .Agents}}
<h2>Agents</h2>
<table><tr><th>agent</th><th>assigned</th><th>replied</th><th>resolved</th><th>first_response median</th><th>fcr_rate</th></tr>
{{- range .Agents}}<tr><td>{{.Agent}}</td><td>{{.Assigned}}</td><td>{{.Replied}}</td><td>{{.Resolved}}</td><td>{{dur .FirstResponse}}</td><td>{{pct .FCR}}</td></tr>{{end}}
</table>
{{- end}}

{{- if .By}}
<h2>By {{.By}}</h2>
<table><tr><th>{{.By}}</th><th>created</th><th>resolved</th><th>reopened</th><th>backlog</th><th>first_response median</th><th>resolution median</th><th>fcr_rate</th><th>csat</th></tr>
{{- range .Groups}}<tr><td>{{.Label}}</td><td>{{.Created}}</td><td>{{.Resolved}}</td><td>{{.Reopened}}</td><td>{{.Backlog}}</td><td>{{dur .FirstResponse}}</td><td>{{dur .Resolution}}</td><td>{{pct .FCR}}</td><td>{{pct .CSAT}}</td></tr>{{end}}
</table>
{{- end}}

<h2>Definitions</h2>
<dl>
{{- range .Defs}}<dt><code>{{.Name}}</code></dt><dd>{{.Text}}</dd>{{end}}
</dl>
</main>
</body>
</html>
`))
}
