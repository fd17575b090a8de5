package cmd

import (
	"fmt"
	"os/exec"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
)

func newSetupCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "setup",
		Short: "Prepare a clone: register the ticket merge driver in its git config",
		Long: `Register the ticket merge driver in this clone's .git/config:

  merge.ticket.name   = ticket: merge ticket files by meaning
  merge.ticket.driver = ` + gitstore.MergeDriverCommand + `

.gitattributes (committed by "ticket init") routes ticket files to the
driver, but git never clones config, so run this once in every fresh clone
and on CI runners that merge. "ticket init" does it for the clone it
creates. Running it again changes nothing.`,
		Example: `  git clone git@example.com:acme/support.git && cd support && ticket setup`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSetup(app)
		},
	}
}

func runSetup(app *App) error {
	dir := app.Dir
	if dir == "" {
		dir = "."
	}
	// Not app.Desk(): that would warn about the very thing we are fixing.
	d, err := desk.Open(dir, app.Now)
	if err != nil {
		return withHint(err, "run ticket setup inside a clone of a desk, or use -C DIR")
	}
	if d.Store.MergeDriverRegistered() {
		fmt.Fprintln(app.Out, "The ticket merge driver is already registered.")
	} else {
		if err := d.Store.RegisterMergeDriver(); err != nil {
			return err
		}
		fmt.Fprintln(app.Out, "Registered the ticket merge driver in this clone's git config.")
	}
	if _, err := exec.LookPath("ticket"); err != nil {
		app.warnf("ticket is not on PATH; git runs the merge driver as `ticket merge-driver`, so put the binary on PATH")
	}
	return nil
}
