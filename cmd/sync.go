package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

type syncOptions struct {
	Remote, Branch, Engine string
	out                    jsonFlags
}

func newSyncCmd(app *App) *cobra.Command {
	o := syncOptions{}
	c := &cobra.Command{
		Use:   "sync",
		Short: "Fetch, merge and push the desk in one step",
		Long: `Fetch the upstream branch, merge it into the current branch and push the
result; when the push is rejected because someone pushed meanwhile, fetch and
merge again (up to 5 attempts). Ticket files changed on both sides merge by
meaning (see docs/sync.md): replies, notes, tags and field changes from both
sides are kept, and nothing needs resolving by hand.

With git installed, sync fetches and pushes with the git CLI, so your SSH
keys, credential helpers and remotes work as they do for git, and merges
ticket files in-process with the same merge as the driver "ticket setup"
registers for git merge; other files changed on both sides go to git merge.
Without git it uses a built-in engine (--engine go-git) that fetches and
pushes with go-git.

The upstream is the branch's configured upstream, else origin and the same
branch name. Sync refuses to run while the desk has uncommitted changes to
tracked files: commit or stash them first.`,
		Example: `  ticket sync
  ticket sync --json --jq '.in.tickets'
  ticket sync --remote backup --branch main`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSync(app, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Remote, "remote", "", "sync with `REMOTE` (default: the upstream's, else origin)")
	f.StringVar(&o.Branch, "branch", "", "remote `BRANCH` (default: the upstream's, else the current branch's name)")
	f.StringVar(&o.Engine, "engine", "", "`ENGINE` to use: git or go-git (default: git when installed)")
	addJSONFlags(c, &o.out)
	return c
}

// syncJSON is the --json form of a sync.
type syncJSON struct {
	Remote      string       `json:"remote"`
	Branch      string       `json:"branch"`
	Engine      string       `json:"engine"`
	Before      string       `json:"before"`
	After       string       `json:"after"`
	Upstream    string       `json:"upstream"`
	Merged      bool         `json:"merged"`
	FastForward bool         `json:"fast_forward"`
	Pushed      bool         `json:"pushed"`
	Attempts    int          `json:"attempts"`
	In          syncSideJSON `json:"in"`
	Out         syncSideJSON `json:"out"`
}

type syncSideJSON struct {
	Commits int      `json:"commits"`
	Tickets []string `json:"tickets"`
	Files   []string `json:"files"`
}

func runSync(app *App, o syncOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	sig, err := d.Author(author)
	if err != nil {
		return err
	}
	unlock, err := d.Lock(desk.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	// A sync killed midway is undone up to its last commit when the lock
	// is taken; the mark says this one is running.
	done, _, err := d.Store.GuardSync()
	if err != nil {
		return err
	}
	defer done()
	res, err := d.Store.Sync(gitstore.SyncOptions{
		Remote: o.Remote, Branch: o.Branch, Engine: o.Engine,
		Merge:  mergeTicketFile,
		Author: sig,
	})
	if err != nil {
		return syncHint(err, res)
	}
	out := syncJSON{
		Remote: res.Remote, Branch: res.Branch, Engine: res.Engine, Before: res.Before, After: res.After,
		Upstream: res.Upstream, Merged: res.Merged, FastForward: res.FastForward, Pushed: res.Pushed,
		Attempts: res.Attempts,
		In:       syncSide(res.CommitsIn, res.In),
		Out:      syncSide(res.CommitsOut, res.Out),
	}
	if o.out.enabled() {
		return o.out.print(app.Out, out)
	}
	where := res.Remote + "/" + res.Branch
	if out.In.Commits == 0 && out.Out.Commits == 0 {
		fmt.Fprintf(app.Out, "Already in sync with %s.\n", where)
		return nil
	}
	fmt.Fprintf(app.Out, "in:  %s, %s from %s\n", countOf(len(out.In.Tickets), "ticket"), countOf(out.In.Commits, "commit"), where)
	fmt.Fprintf(app.Out, "out: %s, %s to %s\n", countOf(len(out.Out.Tickets), "ticket"), countOf(out.Out.Commits, "commit"), where)
	if res.Merged {
		fmt.Fprintf(app.Out, "Merged %s into %s (%s).\n", where, shortHash(res.Before), shortHash(res.After))
	}
	return nil
}

func syncSide(commits int, files []string) syncSideJSON {
	s := syncSideJSON{Commits: commits, Tickets: []string{}, Files: []string{}}
	for _, f := range files {
		s.Files = append(s.Files, f)
		if isTicketPath(f) {
			s.Tickets = append(s.Tickets, ticket.IDFromPath(f))
		}
	}
	return s
}

// countOf says "1 ticket", "3 tickets".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

func syncHint(err error, res *gitstore.SyncResult) error {
	where := "the remote branch"
	if res != nil {
		where = res.Remote + "/" + res.Branch
	}
	switch {
	case errors.Is(err, gitstore.ErrDirty):
		return withHint(err, "commit your changes (or git stash them), then run ticket sync again")
	case errors.Is(err, gitstore.ErrConflict):
		return withHint(err, fmt.Sprintf("nothing was changed; merge by hand with git merge %s, commit, then run ticket sync again", where))
	case errors.Is(err, gitstore.ErrNoRemote):
		return withHint(err, "add one with: git remote add origin URL")
	case errors.Is(err, gitstore.ErrLocked):
		return withHint(err, "another ticket command is running; try again in a moment")
	}
	return err
}

// mergeTicketFile is the go-git engine's merge of a desk file both sides
// changed: ticket files merge with ticket.Merge, anything else is left to
// git. A ticket deleted on one side and changed on the other is kept, so no
// entry is ever lost.
func mergeTicketFile(path string, base, ours, theirs []byte) ([]byte, error) {
	if !isTicketPath(path) {
		return nil, gitstore.ErrCannotMerge
	}
	switch {
	case ours == nil:
		return theirs, nil
	case theirs == nil:
		return ours, nil
	}
	var b *ticket.Ticket
	if len(strings.TrimSpace(string(base))) > 0 {
		var err error
		if b, err = ticket.ParseFile(path, base); err != nil {
			b = nil
		}
	}
	o, err := ticket.ParseFile(path, ours)
	if err != nil {
		return nil, gitstore.ErrCannotMerge
	}
	t, err := ticket.ParseFile(path, theirs)
	if err != nil {
		return nil, gitstore.ErrCannotMerge
	}
	m, _ := ticket.Merge(b, o, t)
	if m.Validate() != nil {
		return nil, gitstore.ErrCannotMerge
	}
	return ticket.Render(m), nil
}
