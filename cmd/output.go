package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/itchyny/gojq"
	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"
)

// jsonFlags are the output flags shared by every command that shows or
// changes tickets: --json, --jq and --template.
type jsonFlags struct {
	JSON     bool
	JQ       string
	Template string
}

func addJSONFlags(c *cobra.Command, f *jsonFlags) {
	c.Flags().BoolVar(&f.JSON, "json", false, "print JSON (stable field names, see docs/json.md)")
	c.Flags().StringVarP(&f.JQ, "jq", "q", "", "filter the JSON output with a jq `EXPRESSION`")
	c.Flags().StringVarP(&f.Template, "template", "t", "", "format the JSON output with a Go `TEMPLATE`")
}

func (f *jsonFlags) enabled() bool { return f.JSON || f.JQ != "" || f.Template != "" }

// print writes v as JSON, through --jq or --template when given.
func (f *jsonFlags) print(w io.Writer, v any) error {
	// Round trip through JSON so jq and templates see exactly the documented
	// field names and types.
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	switch {
	case f.JQ != "":
		var data any
		if err := json.Unmarshal(raw, &data); err != nil {
			return err
		}
		q, err := gojq.Parse(f.JQ)
		if err != nil {
			return usageErrorf("--jq %q: %v", f.JQ, err)
		}
		code, err := gojq.Compile(q)
		if err != nil {
			return usageErrorf("--jq %q: %v", f.JQ, err)
		}
		it := code.Run(data)
		for {
			out, ok := it.Next()
			if !ok {
				return nil
			}
			if e, isErr := out.(error); isErr {
				if h, halt := e.(*gojq.HaltError); halt && h.Value() == nil {
					return nil
				}
				return fmt.Errorf("--jq: %v", e)
			}
			if s, isStr := out.(string); isStr {
				fmt.Fprintln(w, s)
				continue
			}
			b, err := gojq.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(w, string(b))
		}
	case f.Template != "":
		var data any
		if err := json.Unmarshal(raw, &data); err != nil {
			return err
		}
		tpl, err := template.New("output").Funcs(templateFuncs).Parse(f.Template)
		if err != nil {
			return usageErrorf("--template: %v", err)
		}
		if err := tpl.Execute(w, data); err != nil {
			return fmt.Errorf("--template: %v", err)
		}
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

var templateFuncs = template.FuncMap{
	"join": func(sep string, xs []any) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, sep)
	},
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"truncate": func(n int, s string) string {
		if runewidth.StringWidth(s) <= n {
			return s
		}
		return runewidth.Truncate(s, n, "…")
	},
	"timeago": func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return relTime(t, time.Now())
	},
}

// style decides colour and layout for terminal output.
type style struct {
	tty   bool
	color bool
	now   time.Time
}

func (a *App) style() style {
	color := a.OutTTY && a.Getenv("NO_COLOR") == "" && a.Getenv("TERM") != "dumb"
	return style{tty: a.OutTTY, color: color, now: a.Now()}
}

func (s style) paint(code, text string) string {
	if !s.color || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// when prints a time: relative on a terminal, RFC 3339 when piped.
func (s style) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if !s.tty {
		return t.UTC().Format(time.RFC3339)
	}
	return relTime(t, s.now)
}

func relTime(t, now time.Time) string {
	d := now.Sub(t)
	suffix := "ago"
	if d < 0 {
		d, suffix = -d, "from now"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm %s", int(d.Minutes()), suffix)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %s", int(d.Hours()), suffix)
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dd %s", int(d.Hours()/24), suffix)
	}
	return t.UTC().Format("2006-01-02")
}

// safe removes terminal control characters from text that came from a
// customer, so a subject cannot move the cursor or recolour the screen.
func safe(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			if r == '\t' || r == '\n' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
}

// table prints rows: aligned columns on a terminal, tab-separated when piped.
type table struct {
	st     style
	header []string
	rows   [][]string
	colors [][]string // per cell ANSI code, optional
}

func (t *table) add(cells []string, colors []string) {
	for i := range cells {
		cells[i] = safe(cells[i])
	}
	t.rows = append(t.rows, cells)
	t.colors = append(t.colors, colors)
}

func (t *table) write(w io.Writer, maxWidth int) error {
	var b strings.Builder
	if !t.st.tty {
		for _, r := range t.rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	widths := make([]int, len(t.header))
	all := append([][]string{t.header}, t.rows...)
	for _, r := range all {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], runewidth.StringWidth(c))
			}
		}
	}
	// Shrink the widest column (the title) to fit the terminal.
	if maxWidth > 0 {
		total := len(widths) * 2
		for _, w := range widths {
			total += w
		}
		if over := total - maxWidth; over > 0 {
			widest := 0
			for i, w := range widths {
				if w > widths[widest] {
					widest = i
				}
			}
			widths[widest] = max(10, widths[widest]-over)
		}
	}
	line := func(cells []string, colors []string, head bool) {
		for i, c := range cells {
			if i >= len(widths) {
				break
			}
			last := i == len(cells)-1
			if runewidth.StringWidth(c) > widths[i] {
				c = runewidth.Truncate(c, widths[i], "…")
			}
			pad := ""
			if !last {
				pad = strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2)
			}
			switch {
			case head:
				c = t.st.paint("1", c)
			case i < len(colors) && colors[i] != "":
				c = t.st.paint(colors[i], c)
			}
			b.WriteString(c + pad)
		}
		b.WriteByte('\n')
	}
	line(t.header, nil, true)
	for i, r := range t.rows {
		var colors []string
		if i < len(t.colors) {
			colors = t.colors[i]
		}
		line(r, colors, false)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printTable writes a table to standard output, through the pager when it
// is long.
func (a *App) printTable(tb *table) error {
	var b strings.Builder
	if err := tb.write(&b, a.termWidth()); err != nil {
		return err
	}
	return a.page(b.String())
}

// page sends long terminal output through TICKET_PAGER or PAGER (less by
// default); piped output and short output go straight out.
func (a *App) page(text string) error {
	if !a.OutTTY || strings.Count(text, "\n") < a.termHeight()-1 {
		_, err := io.WriteString(a.Out, text)
		return err
	}
	pager := a.Getenv("TICKET_PAGER")
	if pager == "" {
		pager = a.Getenv("PAGER")
	}
	if pager == "" {
		pager = "less"
	}
	if pager == "cat" || pager == "" {
		_, err := io.WriteString(a.Out, text)
		return err
	}
	c := exec.Command("sh", "-c", pager)
	c.Stdin = strings.NewReader(text)
	c.Stdout, c.Stderr = a.Out, a.Err
	c.Env = append(os.Environ(), "LESS=FRX")
	if err := c.Run(); err != nil {
		_, err = io.WriteString(a.Out, text)
		return err
	}
	return nil
}
