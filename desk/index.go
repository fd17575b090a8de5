package desk

import (
	"fmt"
	"os"
	"sort"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/index"
	"github.com/ticketdesk/ticket/ticket"
)

// Index is the desk's derived index (never committed, kept under the git
// directory). LoadAll keeps it up to date; commands use it directly only to
// search or to show its state.
func (d *Desk) Index() *index.Index {
	return index.Open(d.Store.GitDir(), d.Store.Dir(), d.Store.Prefix())
}

// noIndex turns the index off (TICKET_NO_INDEX=1), to compare against it.
func noIndex() bool { return os.Getenv("TICKET_NO_INDEX") == "1" }

func (d *Desk) parser() index.Parser {
	return func(path string, data []byte) (*ticket.Ticket, error) {
		return ticket.ParseFile(d.rel(path), data)
	}
}

// isWorktree reports whether r reads this desk's work tree.
func (d *Desk) isWorktree(r gitstore.Reader) bool {
	w := d.Store.Worktree()
	defer func() { recover() }() // a Reader of an incomparable type is not the work tree
	return r == w
}

// loadIndexed loads every ticket through the index. ok is false when r is a
// reader the index does not know; the caller then reads the files.
func (d *Desk) loadIndexed(r gitstore.Reader) (res []index.Result, ok bool, err error) {
	ix := d.Index()
	switch {
	case d.isWorktree(r):
		res, _, err = ix.Worktree(d.parser())
	default:
		files, err := ticketFiles(r, "")
		if err != nil {
			return nil, true, err
		}
		fs := make([]index.File, len(files))
		for i, f := range files {
			if f.Hash == "" {
				return nil, false, nil
			}
			fs[i] = index.File{Path: f.Path, Hash: f.Hash}
		}
		res, _, err = ix.AtRef(fs, r.Read, d.parser())
	}
	if err != nil {
		return nil, true, err
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Path < res[j].Path })
	return res, true, nil
}

// Loadable is a ticket as a search sees it: the ticket and the key of the
// file content it came from.
type Loadable struct {
	*Loaded
	Key string
}

// LoadKeyed is LoadAll that also returns, for each ticket, a key that
// changes whenever its file does (for the search store).
func (d *Desk) LoadKeyed(r gitstore.Reader, warn func(error)) ([]Loadable, error) {
	res, ok, err := d.loadIndexed(r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("this reader cannot be searched; search the work tree or a ref")
	}
	var out []Loadable
	for _, x := range res {
		l, err := d.checkLoaded(x)
		if err != nil {
			if warn != nil {
				warn(err)
			}
			continue
		}
		out = append(out, Loadable{Loaded: l, Key: x.Key})
	}
	return out, nil
}

func (d *Desk) checkLoaded(x index.Result) (*Loaded, error) {
	if x.Err != nil {
		return nil, x.Err
	}
	if want := ticket.IDFromPath(x.Path); x.Ticket.ID != want {
		return nil, fmt.Errorf("%s: id %q does not match the file name (want %q)", d.rel(x.Path), x.Ticket.ID, want)
	}
	return &Loaded{Ticket: x.Ticket, Path: x.Path}, nil
}
