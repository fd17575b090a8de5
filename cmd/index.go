package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

type indexOptions struct {
	Rebuild, Stats bool
	out            jsonFlags
}

func newIndexCmd(app *App) *cobra.Command {
	o := indexOptions{}
	c := &cobra.Command{
		Use:   "index",
		Short: "Bring the derived ticket index up to date, or show it",
		Long: `Every command reads tickets through a derived index kept under the git
directory (never committed). It is brought up to date by itself whenever
ticket files change — by ticket, in an editor, by checkout, pull or merge —
so this command is never needed; it exists to look at the index.

Without flags, index updates the index of the work tree and the search
store. --rebuild throws both away first; --stats shows their files.`,
		Example: `  ticket index --stats
  ticket index --rebuild`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runIndex(app, o) },
	}
	c.Flags().BoolVar(&o.Rebuild, "rebuild", false, "delete the index and build it again from the files")
	c.Flags().BoolVar(&o.Stats, "stats", false, "show the index files, their entries and sizes")
	addJSONFlags(c, &o.out)
	return c
}

type indexFileJSON struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
	OK      bool   `json:"ok"`
}

type indexJSON struct {
	Tickets int             `json:"tickets"`
	Seconds float64         `json:"seconds"`
	Files   []indexFileJSON `json:"files"`
}

func runIndex(app *App, o indexOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	ix := d.Index()
	res := indexJSON{Files: []indexFileJSON{}}
	if !o.Stats || o.Rebuild {
		start := time.Now()
		if o.Rebuild {
			if err := ix.Remove(); err != nil {
				return fmt.Errorf("remove the index: %w", err)
			}
		}
		ls, err := d.LoadKeyed(d.Store.Worktree(), func(err error) { app.warnf("%v", err) })
		if err != nil {
			return err
		}
		if err := syncSearch(d.Index(), ls, false); err != nil {
			return err
		}
		res.Tickets = len(ls)
		res.Seconds = time.Since(start).Seconds()
	}
	for _, f := range ix.Files() {
		res.Files = append(res.Files, indexFileJSON{Name: f.Name, Path: f.Path, Entries: f.Entries, Bytes: f.Bytes, OK: f.OK})
	}
	if o.out.enabled() {
		return o.out.print(app.Out, res)
	}
	var b strings.Builder
	if !o.Stats || o.Rebuild {
		fmt.Fprintf(&b, "indexed %d tickets in %.2f s\n", res.Tickets, res.Seconds)
	}
	if o.Stats {
		for _, f := range res.Files {
			state := "ok"
			switch {
			case f.Bytes == 0 && !f.OK:
				state = "absent (built on first use)"
			case !f.OK:
				state = "damaged (rebuilt on next use)"
			}
			fmt.Fprintf(&b, "%-14s %7d entries %10s  %s  %s\n", f.Name, f.Entries, humanBytes(f.Bytes), state, f.Path)
		}
	}
	_, err = fmt.Fprint(app.Out, b.String())
	return err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
