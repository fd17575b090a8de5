package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCmd(app *App) *cobra.Command {
	var markdown bool
	c := &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages (or Markdown with --markdown) for every command into DIR",
		Example: `  ticket man /usr/local/share/man/man1
  ticket man --markdown docs/cli`,
		Args:   cobra.ExactArgs(1),
		Hidden: false,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeDocs(cmd.Root(), args[0], markdown, app)
		},
	}
	c.Flags().BoolVar(&markdown, "markdown", false, "write Markdown instead of man pages")
	return c
}

// writeDocs renders the command tree; the docs test compares the committed
// docs/cli with this output.
func writeDocs(root *cobra.Command, dir string, markdown bool, app *App) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.DisableAutoGenTag = true
	// The completion command is added at execution; add it here too so the
	// docs are the same however writeDocs is reached.
	root.InitDefaultCompletionCmd()
	if markdown {
		if err := doc.GenMarkdownTree(root, dir); err != nil {
			return err
		}
	} else {
		hdr := &doc.GenManHeader{Title: "TICKET", Section: "1", Source: "ticket " + Version, Manual: "ticket manual"}
		if err := doc.GenManTree(root, hdr, dir); err != nil {
			return err
		}
	}
	fmt.Fprintf(app.Err, "wrote %s docs to %s\n", map[bool]string{true: "Markdown", false: "man"}[markdown], dir)
	return nil
}
