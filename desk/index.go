package desk

import (
	"fmt"
	"os"
	"slices"
	"strings"

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
func (d *Desk) isWorktree(r gitstore.Reader) bool { return d.Store.IsWorktree(r) }

// loadIndexed loads every ticket through the index. ok is false when r is a
// reader the index does not know; the caller then reads the files.
func (d *Desk) loadIndexed(r gitstore.Reader, lazy bool) (res []index.Result, ok bool, err error) {
	ix := d.Index()
	ix.Lazy = lazy
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
	// The work tree is listed in path order already; a ref's files are
	// in git's order, which is the same for these names.
	byPath := func(a, b index.Result) int { return strings.Compare(a.Path, b.Path) }
	if !slices.IsSortedFunc(res, byPath) {
		slices.SortFunc(res, byPath)
	}
	return res, true, nil
}

// Loadable is a ticket file as a search sees it: where it is, a key that
// changes with its content, and the ticket, decoded only when asked for.
type Loadable struct {
	Path string
	Key  string
	d    *Desk
	res  *index.Result
}

// Load decodes the ticket; an error says why the file cannot be used.
func (l Loadable) Load() (*Loaded, error) {
	t, err := l.res.Load()
	if err != nil {
		return nil, err
	}
	return l.d.checkLoaded(index.Result{Path: l.Path, Ticket: t})
}

// LoadKeyed lists every ticket file through the index without decoding
// the tickets (for search). Files that do not parse are reported to warn and
// left out.
func (d *Desk) LoadKeyed(r gitstore.Reader, warn func(error)) ([]Loadable, error) {
	res, ok, err := d.loadIndexed(r, true)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("this reader cannot be searched; search the work tree or a ref")
	}
	out := make([]Loadable, 0, len(res))
	for i := range res {
		if res[i].Err != nil {
			if warn != nil {
				warn(res[i].Err)
			}
			continue
		}
		out = append(out, Loadable{Path: res[i].Path, Key: res[i].Key(), d: d, res: &res[i]})
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
