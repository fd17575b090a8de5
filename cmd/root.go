package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/ticketdesk/ticket/cmd.Version=…".
var Version = "dev"

// Run executes the command line and returns the exit code.
func Run(args []string, app *App) int {
	root := NewRoot(app)
	root.SetArgs(args)
	root.SetIn(app.In)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	if err := root.Execute(); err != nil {
		if !isExit(err) && isUsage(err) {
			err = &exitError{code: exitUsage, err: err, hints: []string{"see `ticket help` or `ticket COMMAND --help`"}}
		}
		return report(app, err)
	}
	return exitOK
}

func isExit(err error) bool {
	var ee *exitError
	return errors.As(err, &ee)
}

// isUsage recognises cobra's own argument and flag errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// NewRoot builds the whole command tree.
func NewRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "ticket",
		Short: "A help desk that lives in git",
		Long: `ticket keeps customer queries as Markdown files in a git repository.
Every change is one commit; every command is scriptable (--json, exit codes).

Start with "ticket init", then "ticket new", "ticket list" and "ticket show".
Documentation: docs/ in the source tree, and "ticket help exit-codes".`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           Version,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return app.checkNow()
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err, hints: []string{fmt.Sprintf("see `%s --help`", c.CommandPath())}}
	})
	pf := root.PersistentFlags()
	pf.StringVarP(&app.Dir, "directory", "C", "", "run as if started in `DIR`")
	pf.StringVar(&app.Author, "author", "", "record changes as `\"NAME <EMAIL>\"` instead of the git identity")
	pf.BoolVar(&app.NoCommit, "no-commit", false, "write and stage changes but do not commit")

	root.AddGroup(&cobra.Group{ID: "tickets", Title: "Working on tickets:"},
		&cobra.Group{ID: "desk", Title: "The desk:"})
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("desk", newInitCmd(app), newLogCmd(app), newVersionCmd(app), newManCmd(app))
	add("tickets", newNewCmd(app), newListCmd(app), newShowCmd(app), newEditCmd(app),
		newTagCmd(app), newUntagCmd(app), newAssignCmd(app), newUnassignCmd(app),
		newStatusCmd(app), newPriorityCmd(app), newSetCmd(app), newNoteCmd(app))
	add("tickets", statusShortcuts(app)...)
	add("tickets", newReplyCmd(app), newTemplateCmd(app), newOutboxCmd(app))
	add("desk", newKBCmd(app))
	add("desk", newSetupCmd(app), newSyncCmd(app), newDiffCmd(app), newMergeDriverCmd(app))
	add("desk", newReportCmd(app), newRateCmd(app))
	add("desk", newRulesCmd(app), newSLACmd(app), newLintCmd(app))
	add("tickets", newImportCmd(app), newCustomerCmd(app))
	add("tickets", newSearchCmd(app), newIndexCmd(app))
	// A command without Run is a help topic: "ticket help exit-codes".
	root.AddCommand(&cobra.Command{
		Use:   "exit-codes",
		Short: "What ticket's exit codes mean",
		Long:  exitCodesHelp,
	})
	return root
}

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ticket",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(app.Out, "ticket %s\n", Version)
			return err
		},
	}
}
