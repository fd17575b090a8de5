package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/mailout"
)

func newOutboxCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "outbox",
		Short: "List and send queued outgoing mail",
		Long: `Every outgoing mail is written to the outbox before it is sent: one file per
message under the git dir (.git/ticket/outbox), never committed. A mail
whose sending failed stays there with the error until "ticket outbox send
--retry" delivers it: nothing is lost, and a mail the server accepted is never
sent again. See docs/replies.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	c.AddCommand(newOutboxListCmd(app), newOutboxSendCmd(app), newOutboxDropCmd(app))
	return c
}

type outboxJSON struct {
	ID        string   `json:"id"`
	Ticket    string   `json:"ticket"`
	Entry     string   `json:"entry"`
	MessageID string   `json:"message_id"`
	To        []string `json:"to"`
	Auto      bool     `json:"auto"`
	State     string   `json:"state"`
	Queued    string   `json:"queued"`
	Attempts  int      `json:"attempts"`
	Error     string   `json:"error"`
}

func newOutboxListCmd(app *App) *cobra.Command {
	var out jsonFlags
	c := &cobra.Command{
		Use:   "list",
		Short: "List the mail waiting in the outbox",
		Long: `List the outbox: one row per message with its state (queued, sending when an
attempt was cut off, sent when only the ticket record is missing), attempts
and the latest error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := app.Desk()
			if err != nil {
				return err
			}
			recs, err := mailout.OpenOutbox(d.Store.GitDir()).List(func(e error) { app.warnf("%v", e) })
			if err != nil {
				return err
			}
			if out.enabled() {
				rows := make([]outboxJSON, len(recs))
				for i, r := range recs {
					rows[i] = outboxJSON{ID: r.ID, Ticket: r.Ticket, Entry: r.Entry, MessageID: r.MessageID, To: r.To,
						Auto: r.Auto, State: r.State, Queued: r.Queued.UTC().Format(time.RFC3339), Attempts: r.Attempts, Error: r.Error}
					if rows[i].To == nil {
						rows[i].To = []string{}
					}
				}
				return out.print(app.Out, rows)
			}
			st := app.style()
			if len(recs) == 0 {
				if st.tty {
					fmt.Fprintln(app.Err, "the outbox is empty")
				}
				return nil
			}
			tb := &table{st: st, header: []string{"ID", "STATE", "TRIES", "QUEUED", "TO", "ERROR"}}
			for _, r := range recs {
				tb.add([]string{r.ID, r.State, strconv.Itoa(r.Attempts), st.when(r.Queued), strings.Join(r.To, ","), r.Error},
					[]string{"33", "", "", "2", "", "31"})
			}
			return app.printTable(tb)
		},
	}
	addJSONFlags(c, &out)
	return c
}

func newOutboxSendCmd(app *App) *cobra.Command {
	var retry bool
	c := &cobra.Command{
		Use:   "send",
		Short: "Send the queued mail",
		Long: `Send the mail waiting in the outbox through the configured mail server and
record each result in its ticket ("ticket ID: mail sent"). Without --retry
only mail never tried is sent (for example after "ticket reply --queue");
--retry also sends mail whose earlier attempt failed or was cut off. The exit
code is 1 when any mail could not be sent; it stays queued.`,
		Example: "  ticket outbox send --retry     # from cron, every few minutes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := app.Desk()
			if err != nil {
				return err
			}
			sender, err := mailout.NewSender(d.Config, app.Getenv)
			if err != nil {
				return err
			}
			author, err := app.author()
			if err != nil {
				return err
			}
			outs, err := mailout.Flush(d, sender, mailout.FlushOptions{
				Retry: retry, Save: mailout.SaveOptions{Author: author, NoCommit: app.NoCommit},
				Warn: func(e error) { app.warnf("%v", e) },
			})
			failed := 0
			for _, o := range outs {
				switch {
				case o.Sent:
					fmt.Fprintf(app.Out, "%s: sent to %s\n", o.Record.ID, strings.Join(o.Record.To, ", "))
				case o.Err != nil:
					failed++
					fmt.Fprintf(app.Out, "%s: not sent: %s\n", o.Record.ID, o.Record.Error)
				default:
					fmt.Fprintf(app.Out, "%s: skipped: %s\n", o.Record.ID, o.Skipped)
				}
			}
			if err != nil {
				return err
			}
			if failed > 0 {
				return withHint(fmt.Errorf("%d of %d mails not sent; they stay in the outbox", failed, len(outs)),
					"fix the cause, then run `ticket outbox send --retry`")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&retry, "retry", false, "also send mail whose earlier attempt failed")
	return c
}

func newOutboxDropCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "drop ID",
		Short: "Remove a mail from the outbox without sending it",
		Long: `Remove one message from the outbox (ID as "ticket outbox list" shows it). The
reply stays in the ticket, marked mail=queued, so the record shows it never
went out.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := app.Desk()
			if err != nil {
				return err
			}
			ob := mailout.OpenOutbox(d.Store.GitDir())
			unlock, err := ob.Lock(10 * time.Second)
			if err != nil {
				return err
			}
			defer unlock()
			if _, err := ob.Get(args[0]); errors.Is(err, fs.ErrNotExist) {
				return withHint(fmt.Errorf("no mail %q in the outbox", args[0]), "see `ticket outbox list`")
			} else if err != nil {
				return err
			}
			if err := ob.Remove(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(app.Out, "%s: dropped\n", args[0])
			return nil
		},
	}
}
