package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/ticket"
)

type logOptions struct {
	ID    string
	Limit int
	out   jsonFlags
}

type commitJSON struct {
	Hash    string `json:"hash"`
	Author  string `json:"author"`
	Email   string `json:"email"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	Message string `json:"message"`
}

func newLogCmd(app *App) *cobra.Command {
	o := logOptions{}
	c := &cobra.Command{
		Use:   "log ID",
		Short: "Show the history of a ticket from git: who changed what, when",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runLog(app, o)
		},
	}
	c.Flags().IntVarP(&o.Limit, "limit", "n", 0, "show at most `N` commits")
	addJSONFlags(c, &o.out)
	return c
}

func runLog(app *App, o logOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	id, err := d.Resolve(d.Store.Worktree(), o.ID)
	if err != nil {
		return err
	}
	commits, err := d.Store.Log(ticket.Path(id), o.Limit)
	if err != nil {
		return err
	}
	if o.out.enabled() {
		rows := make([]commitJSON, len(commits))
		for i, c := range commits {
			subject, _, _ := strings.Cut(c.Message, "\n")
			rows[i] = commitJSON{Hash: c.Hash, Author: c.Author, Email: c.Email, Date: jsonTime(c.When), Subject: subject, Message: c.Message}
		}
		return o.out.print(app.Out, rows)
	}
	st := app.style()
	tb := &table{st: st, header: []string{"COMMIT", "DATE", "AUTHOR", "CHANGE"}}
	for _, c := range commits {
		subject, _, _ := strings.Cut(c.Message, "\n")
		subject = strings.TrimPrefix(subject, fmt.Sprintf("ticket %s: ", id))
		tb.add([]string{c.Hash[:min(10, len(c.Hash))], st.when(c.When), c.Author, subject}, []string{"33", "2", "", ""})
	}
	return app.printTable(tb)
}
