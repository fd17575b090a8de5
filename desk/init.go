package desk

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// Gitattributes routes ticket files to the semantic merge driver, so two
// agents editing one ticket on different clones never meet a conflict.
const Gitattributes = `# Ticket files merge by meaning, not by lines: see docs/pull-requests.md.
tickets/**/*.md merge=ticket
`

// InitOptions describe a new desk.
type InitOptions struct {
	Name, Email string
	Author      *gitstore.Signature
	NoCommit    bool
	// Extra files to add in the same commit (templates, for example).
	Extra []gitstore.Change
}

// ErrExists is returned when the folder already is a desk.
var ErrExists = errors.New("already a desk")

// Init makes dir a desk (running git init when it is not in a repository
// yet) and commits the configuration and .gitattributes.
func Init(dir string, o InitOptions, now func() time.Time) (*Desk, string, error) {
	st, err := gitstore.Init(dir)
	if err != nil {
		return nil, "", err
	}
	if _, err := st.Worktree().Read(ticket.ConfigPath); err == nil {
		return nil, "", fmt.Errorf("%s: %w (%s exists)", st.Dir(), ErrExists, ticket.ConfigPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	cfg := ticket.DefaultConfig(o.Name, o.Email)
	d := &Desk{Store: st, Config: cfg, Now: now}
	changes := []gitstore.Change{
		{Path: ticket.ConfigPath, Data: ticket.RenderConfig(cfg)},
		{Path: ".gitattributes", Data: []byte(Gitattributes)},
	}
	changes = append(changes, o.Extra...)
	hash, err := d.Commit(changes, SaveOptions{Message: "ticket: init desk " + cfg.Name, Author: o.Author, NoCommit: o.NoCommit})
	if err != nil {
		return nil, "", err
	}
	// git config is not committed or cloned; this clone needs the driver now.
	if err := st.RegisterMergeDriver(); err != nil {
		return nil, "", err
	}
	return d, hash, nil
}
