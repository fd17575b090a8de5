package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

type editOptions struct {
	ID  string
	out jsonFlags
}

func newEditCmd(app *App) *cobra.Command {
	o := editOptions{}
	c := &cobra.Command{
		Use:   "edit ID",
		Short: "Edit a ticket file in $EDITOR; it is validated before the commit",
		Long: `Open the ticket file in $VISUAL or $EDITOR. When the editor closes, the
file is parsed and validated; a broken file is not committed (on a terminal
you may edit again). The file is saved exactly as you wrote it, unless the
ticket changed while the editor was open (a mail arrived, a rule or another
agent saved it): then your edit and that change are merged as a pull merges
them, and a line on standard error says so. When saving fails, your edit is
kept in a temporary file, named in the error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runEdit(app, o)
		},
	}
	addJSONFlags(c, &o.out)
	return c
}

func (a *App) editor() string {
	for _, k := range []string{"TICKET_EDITOR", "VISUAL", "EDITOR"} {
		if v := a.Getenv(k); v != "" {
			return v
		}
	}
	return "vi"
}

// runEditor opens path in the user's editor, attached to the terminal.
func (a *App) runEditor(path string) error {
	c := exec.Command("sh", "-c", a.editor()+` "$1"`, "editor", path)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	if a.In != os.Stdin {
		c.Stdin = a.In
	}
	if err := c.Run(); err != nil {
		return fmt.Errorf("editor %q failed: %w", a.editor(), err)
	}
	return nil
}

// editText lets the user write a text in the editor; lines starting with #
// are comments.
func (a *App) editText(pattern, help string) (string, error) {
	f, err := os.CreateTemp("", "ticket-"+pattern)
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(help); err != nil {
		return "", err
	}
	f.Close()
	if err := a.runEditor(f.Name()); err != nil {
		return "", err
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return "", err
	}
	var kept []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") {
			kept = append(kept, l)
		}
	}
	return strings.TrimSpace(strings.Join(kept, "\n")), nil
}

func runEdit(app *App, o editOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	// Taking the lock finishes a save a killed command left (an earlier
	// edit, say), so the file read next is the one committed.
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	unlock()
	l, err := d.Get(d.Store.Worktree(), o.ID)
	if err != nil {
		return err
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "ticket-"+l.ID+"-*.md")
	if err != nil {
		return err
	}
	keep := false // the edit, when it could not be saved
	defer func() {
		if !keep {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(l.Raw); err != nil {
		return err
	}
	f.Close()
	rel := d.Rel(l.Path)
	for {
		if err := app.runEditor(f.Name()); err != nil {
			return err
		}
		data, err := os.ReadFile(f.Name())
		if err != nil {
			return err
		}
		if bytes.Equal(data, l.Raw) {
			fmt.Fprintf(app.Err, "ticket %s: no changes\n", l.ID)
			return nil
		}
		t, perr := ticket.ParseFile(rel, data)
		if perr == nil && t.ID != l.ID {
			perr = fmt.Errorf("%s: the id must stay %q", rel, l.ID)
		}
		if perr == nil {
			if verr := t.Validate(); verr != nil {
				perr = fmt.Errorf("%s: %w", rel, verr)
			}
		}
		if perr != nil {
			if !app.InTTY {
				return withHint(perr, "nothing was saved")
			}
			fmt.Fprintf(app.Err, "ticket: %v\nEdit again? [Y/n] ", perr)
			ans, _ := bufio.NewReader(app.In).ReadString('\n')
			if a := strings.TrimSpace(strings.ToLower(ans)); a == "n" || a == "no" {
				return withHint(perr, "nothing was saved")
			}
			continue
		}
		clean := []byte(ticket.CleanText(string(data)))
		merged, err := d.CommitEdit(l.Path, l.Raw, clean, desk.SaveOptions{
			Message: fmt.Sprintf("ticket %s: edit", l.ID), Author: author, NoCommit: app.NoCommit,
		})
		if err != nil {
			keep = true
			return withHint(err, "nothing was saved; your edit is kept in "+f.Name())
		}
		if merged {
			fmt.Fprintf(app.Err, "ticket %s: changed while you edited; your edit and that change were merged\n", l.ID)
			if now, err := d.Get(d.Store.Worktree(), l.ID); err == nil {
				t = now.Ticket
			}
		}
		if o.out.enabled() {
			return o.out.print(app.Out, toJSON(d, t, true))
		}
		fmt.Fprintf(app.Out, "%s: edited\n", l.ID)
		return nil
	}
}
