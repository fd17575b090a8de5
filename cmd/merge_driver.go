package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/ticket"
)

type mergeDriverOptions struct {
	Base, Ours, Theirs, Path string
}

func newMergeDriverCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "merge-driver BASE OURS THEIRS [PATH]",
		Short: "Merge three versions of a ticket file (git runs this)",
		Long: `git runs this for files .gitattributes routes with merge=ticket, once
"ticket init" or "ticket setup" registered it:

  merge.ticket.driver = ticket merge-driver %O %A %B %P

It merges the parsed tickets (see docs/pull-requests.md) and writes the
result over OURS. When a version does not parse as a ticket it falls back to
git's own text merge and exits 1, so git reports a conflict to resolve by
hand.`,
		Hidden: true,
		Args:   cobra.RangeArgs(3, 4),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := mergeDriverOptions{Base: args[0], Ours: args[1], Theirs: args[2], Path: args[1]}
			if len(args) == 4 {
				o.Path = args[3]
				if !isTicketPath(o.Path) {
					return textMerge(app, o, nil)
				}
			}
			return runMergeDriver(app, o)
		},
	}
}

func runMergeDriver(app *App, o mergeDriverOptions) error {
	read := func(p string) ([]byte, error) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Path, err)
		}
		return b, nil
	}
	baseData, err := read(o.Base)
	if err != nil {
		return err
	}
	oursData, err := read(o.Ours)
	if err != nil {
		return err
	}
	theirsData, err := read(o.Theirs)
	if err != nil {
		return err
	}
	var base *ticket.Ticket
	if len(bytes.TrimSpace(baseData)) > 0 {
		if base, err = ticket.ParseFile(o.Path+" (base)", baseData); err != nil {
			return textMerge(app, o, err)
		}
	}
	ours, err := ticket.ParseFile(o.Path+" (ours)", oursData)
	if err != nil {
		return textMerge(app, o, err)
	}
	theirs, err := ticket.ParseFile(o.Path+" (theirs)", theirsData)
	if err != nil {
		return textMerge(app, o, err)
	}
	merged, conflicts := ticket.Merge(base, ours, theirs)
	if err := merged.Validate(); err != nil {
		return textMerge(app, o, fmt.Errorf("%s: merged ticket is not valid: %w", o.Path, err))
	}
	out := ticket.Render(merged)
	if bytes.Equal(out, oursData) {
		return nil
	}
	if err := os.WriteFile(o.Ours, out, 0o644); err != nil {
		return fmt.Errorf("%s: %w", o.Path, err)
	}
	for _, c := range conflicts {
		if c.Note != "" {
			fmt.Fprintf(app.Err, "ticket merge-driver: %s: both sides changed %s; kept %q, noted in entry %s\n", o.Path, c.Field, c.Kept, c.Note)
		} else {
			fmt.Fprintf(app.Err, "ticket merge-driver: %s: both sides changed %s; kept both versions, marked\n", o.Path, c.Field)
		}
	}
	return nil
}

// textMerge is the fallback for files that are not tickets or do not parse:
// git's own line merge. A ticket file that does not parse always reports a
// conflict, so nobody commits the result unseen; another file routed here
// by a broad .gitattributes pattern merges exactly as git would merge it.
func textMerge(app *App, o mergeDriverOptions, cause error) error {
	cmd := exec.Command("git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", o.Ours, o.Base, o.Theirs)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	clean := err == nil
	if err != nil && !errors.As(err, &ee) {
		return fmt.Errorf("%s: git merge-file: %w", o.Path, err)
	}
	if !isTicketPath(o.Path) {
		if clean {
			return nil
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("%s: conflicting changes; resolve the file by hand", o.Path)}
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("%v; merged as text instead", cause),
		hints: []string{fmt.Sprintf("fix %s by hand (ticket edit checks it), then git add it and commit", o.Path)}}
}

// isTicketPath reports whether a repository path names a ticket file:
// …/tickets/XY/XYZ….md.
func isTicketPath(p string) bool {
	parts := strings.Split(p, "/")
	if len(parts) < 3 || parts[len(parts)-3] != ticket.TicketsDir {
		return false
	}
	id := ticket.IDFromPath(p)
	return id != "" && strings.HasPrefix(id, parts[len(parts)-2])
}
