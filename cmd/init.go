package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
)

type initOptions struct {
	Dir, Name, Email string
}

func newInitCmd(app *App) *cobra.Command {
	o := initOptions{}
	c := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Make a folder a desk (git init if needed) and commit its configuration",
		Long: `Make DIR (default: the current folder, or -C DIR) a desk: create
.ticket/config.yaml and .gitattributes and commit them. When DIR is not inside
a git repository yet, it is initialised first. A desk may live in a subfolder
of a code repository.`,
		Example: `  ticket init --name "Acme Support" --email support@acme.example
  ticket init support        # a desk in the support/ folder of this repository`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = app.Dir
			if len(args) == 1 {
				o.Dir = args[0]
				if app.Dir != "" {
					o.Dir = app.Dir + "/" + args[0]
				}
			}
			if o.Dir == "" {
				o.Dir = "."
			}
			return runInit(app, o)
		},
	}
	c.Flags().StringVar(&o.Name, "name", "", "the desk's `NAME`, shown in outgoing mail")
	c.Flags().StringVar(&o.Email, "email", "", "the support `ADDRESS` customers write to")
	return c
}

func runInit(app *App, o initOptions) error {
	author, err := app.author()
	if err != nil {
		return err
	}
	extra, err := initFiles()
	if err != nil {
		return err
	}
	d, _, err := desk.Init(o.Dir, desk.InitOptions{Name: o.Name, Email: o.Email, Author: author, NoCommit: app.NoCommit, Extra: extra}, app.Now)
	if err != nil {
		return withHint(err, "a desk is a folder with .ticket/config.yaml; edit that file to change settings")
	}
	fmt.Fprintf(app.Out, "Initialised desk %q in %s\n", d.Config.Name, d.Store.Dir())
	return nil
}
