package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Colours that stay apart for readers with the common colour-vision
// deficiencies (Okabe–Ito).
var palette = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0xe6, 0x9f, 0x00, 0xff}, // orange
	{0x00, 0x9e, 0x73, 0xff}, // green
	{0xcc, 0x79, 0xa7, 0xff}, // purple
	{0x56, 0xb4, 0xe9, 0xff}, // sky
	{0xd5, 0x5e, 0x00, 0xff}, // vermilion
	{0xf0, 0xe4, 0x42, 0xff}, // yellow
	{0x99, 0x99, 0x99, 0xff}, // grey: "other"
}

var (
	colMet      = color.RGBA{0x00, 0x9e, 0x73, 0xff}
	colBreached = color.RGBA{0xd5, 0x5e, 0x00, 0xff}
	colRunning  = color.RGBA{0x99, 0x99, 0x99, 0xff}
)

// chart is one titled plot of the report.
type chart struct {
	id, title string
	p         *plot.Plot
}

// newPlot is a plot in a sans-serif face with a light horizontal grid.
func newPlot(title, ylabel string) *plot.Plot {
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		size := f.Size
		*f = sans
		f.Size = size
	}
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = ylabel
	p.Y.Label.TextStyle.Font.Size = vg.Points(10)
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Top = true
	p.Y.Min = 0
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal.Color = color.Gray{0xdd}
	p.Add(g)
	return p
}

// headroom leaves space above the highest bar for the legend, and gives an
// empty plot a 0–1 axis rather than one around zero.
func headroom(p *plot.Plot) {
	p.Y.Min = 0
	if p.Y.Max <= 0 {
		p.Y.Max = 1
		return
	}
	p.Y.Max = math.Ceil(p.Y.Max * 1.3)
}

// shortLabels are the trend's bucket names as a chart's axis shows them.
func shortLabels(unit string, labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		switch unit {
		case "day":
			if t, err := time.Parse("2006-01-02", l); err == nil {
				l = t.Format("Jan 2")
			}
		case "week":
			if j := strings.Index(l, "-W"); j >= 0 {
				l = l[j+1:]
			}
		}
		out[i] = l
	}
	return out
}

// integerTicks puts ticks on whole numbers only: counts have no halves.
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []plot.Tick {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000} {
		step = s
		if (max-min)/s <= 8 {
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprint(v)})
	}
	return ts
}

// sparseLabels keeps every k-th nominal label so long trends stay legible.
type sparseLabels struct{ labels []string }

func (s sparseLabels) Ticks(min, max float64) []plot.Tick {
	k := max2(1, int(math.Ceil(float64(len(s.labels))/10)))
	var ts []plot.Tick
	for i, l := range s.labels {
		t := plot.Tick{Value: float64(i)}
		if i%k == 0 {
			t.Label = l
		}
		ts = append(ts, t)
	}
	return ts
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func bars(vals []float64, width vg.Length, c color.Color) *plotter.BarChart {
	if len(vals) == 0 {
		vals = []float64{0}
	}
	b, err := plotter.NewBarChart(plotter.Values(vals), width)
	if err != nil {
		panic(err) // only for NaN or infinite values, which counts never are
	}
	b.Color = c
	b.LineStyle.Width = 0
	return b
}

func floats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// barWidth fits n groups of k bars into a plot of the given width.
func barWidth(n, k int, plotWidth vg.Length) vg.Length {
	w := plotWidth * 0.75 / vg.Length(max2(n, 1)*max2(k, 1))
	return min(max(w, vg.Points(2)), vg.Points(40))
}

// charts builds the report's charts: volume by channel over time, created,
// resolved and backlog over time, the first-response and resolution
// distributions, agents and SLA compliance.
func (r *Report) charts(width vg.Length) []chart {
	var out []chart
	tr := r.Trend
	n := len(tr.Labels)
	labels := shortLabels(tr.Unit, tr.Labels)
	inner := width - vg.Points(70)

	// Volume by channel, stacked; channels past the sixth go into "other".
	p := newPlot(fmt.Sprintf("Tickets created by channel, per %s", tr.Unit), "tickets")
	chans := tr.Channels
	series := map[string][]int{}
	for i, ch := range chans {
		if i < 6 {
			series[ch] = tr.Created[ch]
			continue
		}
		o := series["other"]
		if o == nil {
			o = make([]int, n)
		}
		for j, x := range tr.Created[ch] {
			o[j] += x
		}
		series["other"] = o
	}
	if len(chans) > 6 {
		chans = append(chans[:6:6], "other")
	}
	var below *plotter.BarChart
	w := barWidth(n, 1, inner)
	if len(chans) == 0 {
		p.Add(bars(make([]float64, n), w, palette[0]))
	}
	for i, ch := range chans {
		c := palette[min(i, len(palette)-1)]
		if ch == "other" {
			c = palette[len(palette)-1]
		}
		b := bars(floats(series[ch]), w, c)
		if below != nil {
			b.StackOn(below)
		}
		p.Add(b)
		p.Legend.Add(ch, b)
		below = b
	}
	p.NominalX(labels...)
	p.X.Tick.Marker = sparseLabels{labels}
	p.Y.Tick.Marker = integerTicks{}
	headroom(p)
	out = append(out, chart{"volume", "Volume by channel", p})

	// Created, resolved and backlog.
	p = newPlot(fmt.Sprintf("Created, resolved and backlog, per %s", tr.Unit), "tickets")
	total := make([]int, n)
	for _, xs := range tr.Created {
		for i, x := range xs {
			total[i] += x
		}
	}
	w = barWidth(n, 2, inner)
	bc := bars(floats(total), w, palette[0])
	bc.Offset = -w / 2
	br := bars(floats(tr.Resolved), w, palette[2])
	br.Offset = w / 2
	p.Add(bc, br)
	p.Legend.Add("created", bc)
	p.Legend.Add("resolved", br)
	pts := make(plotter.XYs, n)
	for i, x := range tr.Backlog {
		pts[i] = plotter.XY{X: float64(i), Y: float64(x)}
	}
	if n > 0 {
		l, err := plotter.NewLine(pts)
		if err == nil {
			l.Color = palette[1]
			l.Width = vg.Points(2)
			p.Add(l)
			p.Legend.Add("backlog (end of "+tr.Unit+")", l)
		}
	}
	p.NominalX(labels...)
	p.X.Tick.Marker = sparseLabels{labels}
	p.Y.Tick.Marker = integerTicks{}
	headroom(p)
	out = append(out, chart{"flow", "Created, resolved, backlog", p})

	// Distributions.
	for _, d := range []struct {
		id, title string
		d         Durations
		c         color.Color
	}{
		{"first-response", "first_response: creation to first public agent reply", r.FirstResponse, palette[0]},
		{"resolution", "resolution: creation to latest resolution", r.Resolution, palette[2]},
	} {
		p = newPlot(fmt.Sprintf("%s (%s)", d.title, plural(d.d.Count, "ticket")), "tickets")
		h := d.d.Histogram()
		vals := make([]float64, len(h))
		labels := make([]string, len(h))
		for i, b := range h {
			vals[i], labels[i] = float64(b.Count), b.Label
		}
		p.Add(bars(vals, barWidth(len(h), 1, inner), d.c))
		p.NominalX(labels...)
		p.Y.Tick.Marker = integerTicks{}
		if d.d.Count > 0 {
			p.X.Label.Text = fmt.Sprintf("median %s · mean %s · p90 %s (%s)", Duration(d.d.Median), Duration(d.d.Mean), Duration(d.d.P90), r.timeBasis())
		} else {
			p.X.Label.Text = "nothing measured in the period"
		}
		p.X.Label.TextStyle.Font.Size = vg.Points(9)
		headroom(p)
		out = append(out, chart{d.id, d.title, p})
	}

	// Agents.
	p = newPlot("Per agent: assigned, replied, resolved", "tickets")
	var names []string
	var as, rp, rs []float64
	for _, a := range r.Agents {
		names = append(names, a.Agent)
		as = append(as, float64(a.Assigned))
		rp = append(rp, float64(a.Replied))
		rs = append(rs, float64(a.Resolved))
	}
	if len(names) == 0 {
		names = []string{"no agents"}
		as, rp, rs = []float64{0}, []float64{0}, []float64{0}
	}
	w = barWidth(len(names), 3, inner)
	for i, s := range []struct {
		name string
		v    []float64
	}{{"assigned", as}, {"replied", rp}, {"resolved", rs}} {
		b := bars(s.v, w, palette[[]int{0, 1, 2}[i]])
		b.Offset = vg.Length(i-1) * w
		p.Add(b)
		p.Legend.Add(s.name, b)
	}
	p.NominalX(names...)
	p.Y.Tick.Marker = integerTicks{}
	headroom(p)
	out = append(out, chart{"agents", "Agents", p})

	// SLA compliance.
	p = newPlot("SLA clocks of tickets created in the period", "clocks")
	var targets []string
	var met, breached, running []float64
	for _, s := range r.SLA {
		label := s.Target
		if _, ok := s.Compliance().Value(); ok {
			label = fmt.Sprintf("%s (%s)", s.Target, pct(s.Compliance()))
		}
		targets = append(targets, label)
		met = append(met, float64(s.Met))
		breached = append(breached, float64(s.Breached))
		running = append(running, float64(s.Running))
	}
	if len(targets) == 0 {
		targets = []string{"no SLA policy applies"}
		met, breached, running = []float64{0}, []float64{0}, []float64{0}
	}
	w = barWidth(len(targets), 1, inner)
	bm := bars(met, w, colMet)
	bb := bars(breached, w, colBreached)
	bb.StackOn(bm)
	brn := bars(running, w, colRunning)
	brn.StackOn(bb)
	p.Add(bm, bb, brn)
	p.Legend.Add("met", bm)
	p.Legend.Add("breached", bb)
	p.Legend.Add("running", brn)
	p.NominalX(targets...)
	p.Y.Tick.Marker = integerTicks{}
	headroom(p)
	out = append(out, chart{"sla", "SLA compliance", p})
	return out
}

const (
	chartW = 16 * vg.Centimeter
	chartH = 9 * vg.Centimeter
)

// svgOf renders one plot as an SVG document.
func svgOf(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteChart writes the report's charts as one image, two per row: SVG or
// PNG by the file name's extension.
func (r *Report) WriteChart(w io.Writer, name string) error {
	cs := r.charts(chartW)
	const cols = 2
	rows := (len(cs) + cols - 1) / cols
	width, height := chartW*cols, chartH*vg.Length(rows)
	var canvas vg.CanvasWriterTo
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".svg":
		canvas = vgsvg.New(width, height)
	case ".png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))}
	default:
		return fmt.Errorf("%s: cannot tell the chart format; name the file .svg or .png", name)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(12), PadY: vg.Points(12), PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(6)}
	for i, c := range cs {
		c.p.Draw(tiles.At(dc, i%cols, i/cols))
	}
	_, err := canvas.WriteTo(w)
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
