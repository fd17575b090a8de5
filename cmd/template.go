package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/mailout"
)

func newTemplateCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "template",
		Short: "List, check and write canned replies",
		Long: `Canned replies live in the desk as .ticket/templates/NAME.md: Markdown with
front matter (subject:, description:) whose text is a Go template with the
variables listed in docs/replies.md, such as {{.Customer.FirstName}} and
{{.Ticket.Fields.order}}. Use one with "ticket reply ID --template NAME".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	c.AddCommand(newTemplateListCmd(app), newTemplateShowCmd(app), newTemplateNewCmd(app))
	return c
}

type templateJSON struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Body        string `json:"body,omitempty"`
}

func newTemplateListCmd(app *App) *cobra.Command {
	var out jsonFlags
	c := &cobra.Command{
		Use:   "list",
		Short: "List the desk's canned replies",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := app.Desk()
			if err != nil {
				return err
			}
			r, err := d.Reader(app.Ref)
			if err != nil {
				return err
			}
			ts, err := mailout.ListTemplates(r, func(e error) { app.warnf("%v", e) })
			if err != nil {
				return err
			}
			if out.enabled() {
				rows := make([]templateJSON, len(ts))
				for i, t := range ts {
					rows[i] = templateJSON{Name: t.Name, Path: d.Rel(t.Path), Subject: t.Subject, Description: t.Description}
				}
				return out.print(app.Out, rows)
			}
			st := app.style()
			if len(ts) == 0 {
				if st.tty {
					fmt.Fprintf(app.Err, "no templates in %s\n", d.Rel(mailout.TemplatesDir))
				}
				return nil
			}
			tb := &table{st: st, header: []string{"NAME", "DESCRIPTION"}}
			for _, t := range ts {
				tb.add([]string{t.Name, t.Description}, []string{"33", ""})
			}
			return app.printTable(tb)
		},
	}
	addJSONFlags(c, &out)
	return c
}

func newTemplateShowCmd(app *App) *cobra.Command {
	var ticketID string
	var asJSON bool
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a canned reply, or render it for a ticket with --ticket",
		Long: `Print the template file. With --ticket ID, render it for that ticket exactly
as "ticket reply ID --template NAME" would send it: a variable the ticket
lacks (a custom field, the customer's name, the knowledge-base address) is an
error naming the line, never an empty gap in a mail.`,
		Example: "  ticket template show shipping-confirmation --ticket 7kq",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := app.Desk()
			if err != nil {
				return err
			}
			tpl, err := mailout.LoadTemplate(d.Store.Worktree(), args[0])
			if err != nil {
				return err
			}
			j := templateJSON{Name: tpl.Name, Path: d.Rel(tpl.Path), Subject: tpl.Subject, Description: tpl.Description, Body: tpl.Body}
			if ticketID == "" {
				if asJSON {
					return (&jsonFlags{JSON: true}).print(app.Out, j)
				}
				raw, err := d.Store.Worktree().Read(tpl.Path)
				if err != nil {
					return err
				}
				_, err = app.Out.Write(raw)
				return err
			}
			l, err := d.Get(d.Store.Worktree(), ticketID)
			if err != nil {
				return err
			}
			author, err := app.author()
			if err != nil {
				return err
			}
			agent, err := agentOf(d, author)
			if err != nil {
				return err
			}
			r, err := tpl.Render(d.Config, mailout.NewData(d.Config, l.Ticket, agent))
			if err != nil {
				return err
			}
			j.Subject, j.Body = r.Subject, r.Body
			if asJSON {
				return (&jsonFlags{JSON: true}).print(app.Out, j)
			}
			if r.Subject != "" {
				fmt.Fprintf(app.Out, "Subject: %s\n\n", r.Subject)
			}
			fmt.Fprintln(app.Out, r.Body)
			return nil
		},
	}
	c.Flags().StringVar(&ticketID, "ticket", "", "render the template for ticket `ID`")
	c.Flags().BoolVar(&asJSON, "json", false, "print name, subject, description and body as JSON")
	return c
}

func newTemplateNewCmd(app *App) *cobra.Command {
	var msg, file, subject, description string
	c := &cobra.Command{
		Use:   "new NAME",
		Short: "Write a new canned reply and commit it",
		Long: `Create .ticket/templates/NAME.md and commit it ("templates: new NAME"). The
text comes from -m or -F, else $EDITOR opens on a terminal. The template is
checked against a sample ticket first, so a misspelt variable is caught now.`,
		Example: `  ticket template new warranty --description "Explain the warranty" -m 'Hello {{.Customer.FirstName}}, …'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTemplateNew(app, args[0], msg, file, subject, description)
		},
	}
	f := c.Flags()
	f.StringVarP(&msg, "message", "m", "", "the template `TEXT`")
	f.StringVarP(&file, "file", "F", "", "read the template text from `FILE` (- for standard input)")
	f.StringVar(&subject, "subject", "", "the `SUBJECT` used when the desk starts a thread")
	f.StringVar(&description, "description", "", "a one-line `DESCRIPTION` shown by template list")
	return c
}

func runTemplateNew(app *App, name, msg, file, subject, description string) error {
	if err := mailout.CheckTemplateName(name); err != nil {
		return usageErrorf("%v", err)
	}
	body, err := readBody(app, msg, file)
	if err != nil {
		return err
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	p := mailout.TemplatePath(name)
	if err := d.CheckNew(p); err != nil {
		return templateExists(err)
	}
	if strings.TrimSpace(body) == "" {
		if !app.InTTY || !app.OutTTY {
			return usageErrorf("no template text: give -m TEXT or -F FILE")
		}
		help := "Hello {{.Customer.FirstName}},\n\n\n\nKind regards,\n{{.Agent.Signature}}\n" +
			"# Write the template above (Markdown with {{variables}}; see docs/replies.md).\n# Lines starting with # are dropped.\n"
		if body, err = app.editText("template-*.md", help); err != nil {
			return err
		}
		if body == "" {
			return usageErrorf("empty template; nothing saved")
		}
	}
	var b strings.Builder
	b.WriteString("---\n")
	if subject != "" {
		fmt.Fprintf(&b, "subject: %s\n", yamlScalar(subject))
	}
	fmt.Fprintf(&b, "description: %s\n", yamlScalar(description))
	b.WriteString("---\n" + strings.TrimSpace(body) + "\n")
	tpl, err := mailout.ParseTemplate(name, d.Rel(p), []byte(b.String()))
	if err != nil {
		return withHint(err, "nothing was saved")
	}
	if err := tpl.Check(d.Config); err != nil {
		return withHint(err, "nothing was saved")
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	if _, err := d.CommitNew([]gitstore.Change{{Path: p, Data: []byte(b.String())}}, desk.SaveOptions{
		Message: "templates: new " + name, Author: author, NoCommit: app.NoCommit,
	}); err != nil {
		return templateExists(err)
	}
	fmt.Fprintf(app.Out, "%s\n", d.Rel(p))
	return nil
}

// templateExists gives CheckNew's refusal its hint.
func templateExists(err error) error {
	if e := (*desk.ExistsError)(nil); errors.As(err, &e) {
		return withHint(e, "edit the file and commit it, or choose another name")
	}
	return err
}

// yamlScalar quotes a one-line value when YAML would read it otherwise.
func yamlScalar(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return `""`
	}
	if strings.ContainsAny(s[:1], "!&*?|>'\"%@`{}[]#,-:") || strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
