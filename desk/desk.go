package desk

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/index"
	"github.com/ticketdesk/ticket/ticket"
)

// Desk is an opened ticket repository.
type Desk struct {
	Store  *gitstore.Store
	Config *ticket.Config
	Now    func() time.Time

	rulesMu  sync.Mutex
	compiled *deskRules // rules, calendars and SLA conditions, built once
	lock     deskLock   // the desk lock while this Desk holds it (lock.go)
}

// Open finds the desk enclosing dir and reads its configuration.
func Open(dir string, now func() time.Time) (*Desk, error) {
	st, err := gitstore.Open(dir)
	if err != nil {
		return nil, err
	}
	d := &Desk{Store: st, Now: now}
	data, err := st.Worktree().Read(ticket.ConfigPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.Config = ticket.DefaultConfig("", "")
	case err != nil:
		return nil, err
	default:
		cfg, err := ticket.ParseConfig(d.rel(ticket.ConfigPath), data)
		if err != nil {
			return nil, err
		}
		d.Config = cfg
	}
	return d, nil
}

// rel names a desk file the way a person at the repository root sees it.
func (d *Desk) rel(p string) string {
	if pre := d.Store.Prefix(); pre != "" {
		return pre + "/" + p
	}
	return p
}

// Rel is the path of a desk file relative to the repository root, for
// messages.
func (d *Desk) Rel(p string) string { return d.rel(p) }

// Reader reads the work tree, or the given ref when ref is not empty.
func (d *Desk) Reader(ref string) (gitstore.Reader, error) {
	if ref == "" {
		return d.Store.Worktree(), nil
	}
	return d.Store.AtRef(ref)
}

// Loaded is a ticket with where it came from.
type Loaded struct {
	*ticket.Ticket
	Path string // relative to the desk
	// Raw is the file as stored. Get fills it; LoadAll, which serves
	// tickets from the index, leaves it nil (ReadRaw reads it).
	Raw []byte
	// Digest sums up the conversation; LoadHeads fills it.
	Digest ticket.Digest
	res    *index.Result // where Full reads the entries from
}

// ReadRaw returns the file a loaded ticket came from, reading it when it
// was loaded through the index.
func (l *Loaded) ReadRaw(r gitstore.Reader) ([]byte, error) {
	if l.Raw != nil {
		return l.Raw, nil
	}
	return r.Read(l.Path)
}

// ticketFiles lists the ticket files below tickets/ (optionally one shard).
func ticketFiles(r gitstore.Reader, shard string) ([]gitstore.FileInfo, error) {
	dir := ticket.TicketsDir
	if shard != "" {
		dir += "/" + shard
	}
	files, err := r.List(dir)
	if err != nil {
		return nil, err
	}
	out := files[:0]
	for _, f := range files {
		if ticket.IDFromPath(f.Path) != "" && strings.Count(f.Path, "/") == 2 {
			out = append(out, f)
		}
	}
	return out, nil
}

// LoadAll parses every ticket. A file that does not parse is reported to
// warn and skipped, so one broken ticket never hides the others. Tickets come
// from the derived index, which re-parses only files changed since it was
// written, in the work tree or at a ref alike.
func (d *Desk) LoadAll(r gitstore.Reader, warn func(error)) ([]*Loaded, error) {
	if !noIndex() {
		res, ok, err := d.loadIndexed(r, false)
		if err != nil {
			return nil, err
		}
		if ok {
			out := make([]*Loaded, 0, len(res))
			for _, x := range res {
				l, err := d.checkLoaded(x)
				if err != nil {
					if warn != nil {
						warn(err)
					}
					continue
				}
				out = append(out, l)
			}
			return out, nil
		}
	}
	files, err := ticketFiles(r, "")
	if err != nil {
		return nil, err
	}
	out := make([]*Loaded, len(files))
	errs := make([]error, len(files))
	workers := min(runtime.GOMAXPROCS(0), 8)
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = d.load(r, files[i].Path)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	kept := out[:0]
	for i, l := range out {
		if errs[i] != nil {
			if warn != nil {
				warn(errs[i])
			}
			continue
		}
		kept = append(kept, l)
	}
	return kept, nil
}

func (d *Desk) load(r gitstore.Reader, path string) (*Loaded, error) {
	raw, err := r.Read(path)
	if err != nil {
		return nil, err
	}
	t, err := ticket.ParseFile(d.rel(path), raw)
	if err != nil {
		return nil, err
	}
	if want := ticket.IDFromPath(path); t.ID != want {
		return nil, fmt.Errorf("%s: id %q does not match the file name (want %q)", d.rel(path), t.ID, want)
	}
	return &Loaded{Ticket: t, Path: path, Raw: raw}, nil
}

// NotFoundError is returned when no ticket matches an id prefix.
type NotFoundError struct{ Prefix string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no ticket matches %q", e.Prefix) }

// AmbiguousError is returned when several tickets match an id prefix.
type AmbiguousError struct {
	Prefix  string
	Matches []string
}

func (e *AmbiguousError) Error() string {
	shown := e.Matches
	if len(shown) > 10 {
		shown = shown[:10]
	}
	return fmt.Sprintf("%q matches %d tickets: %s; type more of the id", e.Prefix, len(e.Matches), strings.Join(shown, ", "))
}

// Resolve turns what a person typed into a full ticket id. Any unique prefix
// works, like git's abbreviated hashes; "#" and Crockford look-alikes are
// accepted.
func (d *Desk) Resolve(r gitstore.Reader, typed string) (string, error) {
	p := ticket.NormalizeIDPrefix(typed)
	if p == "" || !ticket.ValidID(p+strings.Repeat("0", max(0, 2-len(p)))) {
		return "", fmt.Errorf("%q is not a ticket id", typed)
	}
	var files []gitstore.FileInfo
	var err error
	if len(p) >= 2 {
		files, err = ticketFiles(r, p[:2])
	} else {
		files, err = ticketFiles(r, "")
	}
	if err != nil {
		return "", err
	}
	var matches []string
	for _, f := range files {
		id := ticket.IDFromPath(f.Path)
		if id == p {
			return id, nil
		}
		if strings.HasPrefix(id, p) {
			matches = append(matches, id)
		}
	}
	switch len(matches) {
	case 0:
		return "", &NotFoundError{Prefix: typed}
	case 1:
		return matches[0], nil
	}
	sort.Strings(matches)
	return "", &AmbiguousError{Prefix: typed, Matches: matches}
}

// Get resolves a prefix and loads that ticket.
func (d *Desk) Get(r gitstore.Reader, typed string) (*Loaded, error) {
	id, err := d.Resolve(r, typed)
	if err != nil {
		return nil, err
	}
	return d.load(r, ticket.Path(id))
}

// Exists reports whether a ticket id is taken in the work tree.
func (d *Desk) Exists(id string) bool {
	_, err := d.Store.Worktree().Read(ticket.Path(id))
	return err == nil
}

// SaveOptions control how changes are recorded.
type SaveOptions struct {
	Message  string
	Author   *gitstore.Signature // nil: the git identity
	NoCommit bool                // stage only, whatever the config says
}

// Save validates and writes tickets (and any extra files) as one commit.
func (d *Desk) Save(tickets []*ticket.Ticket, extra []gitstore.Change, o SaveOptions) (string, error) {
	// Extra files (attachments) first: files are written in this order, and
	// a ticket must never refer to a file not yet written.
	changes := append([]gitstore.Change(nil), extra...)
	for _, t := range tickets {
		if err := t.Validate(); err != nil {
			return "", fmt.Errorf("ticket %s: %w", t.ID, err)
		}
		changes = append(changes, gitstore.Change{Path: ticket.Path(t.ID), Data: ticket.Render(t)})
	}
	return d.Commit(changes, o)
}

// Commit writes raw changes as one commit under the desk lock, taking it
// unless this Desk already holds it (Lock).
func (d *Desk) Commit(changes []gitstore.Change, o SaveOptions) (string, error) {
	author, err := d.Author(o.Author)
	if err != nil {
		return "", err
	}
	unlock, err := d.Lock(LockWait)
	if err != nil {
		return "", err
	}
	defer unlock()
	return d.applyJournaled(changes, gitstore.CommitOptions{
		Message:  o.Message,
		Author:   author,
		NoCommit: o.NoCommit || !d.Config.AutoCommit(),
	})
}

// ExistsError is CheckNew's refusal: Path (as the person would type it) is
// in the work tree. It is fs.ErrExist to errors.Is.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string        { return e.Path + " exists" }
func (e *ExistsError) Is(target error) bool { return target == fs.ErrExist }

// CheckNew returns an *ExistsError if any of the paths is in the work tree. It takes the desk lock for the look,
// which first finishes a save a killed command left: a file that save
// wrote is then committed, not litter. A command checks before asking for
// text, and CommitNew checks again when it saves.
func (d *Desk) CheckNew(paths ...string) error {
	unlock, err := d.Lock(LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	for _, p := range paths {
		if _, err := d.Store.Worktree().Read(p); err == nil {
			return &ExistsError{Path: d.rel(p)}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// CommitNew commits files that must not exist yet, as Commit does, but
// refuses (CheckNew's error) when one does. The check and the save are
// under one hold of the lock, so of two commands making the same file one
// saves and the other is told it exists.
func (d *Desk) CommitNew(changes []gitstore.Change, o SaveOptions) (string, error) {
	unlock, err := d.Lock(LockWait)
	if err != nil {
		return "", err
	}
	defer unlock()
	paths := make([]string, len(changes))
	for i, c := range changes {
		paths[i] = c.Path
	}
	if err := d.CheckNew(paths...); err != nil {
		return "", err
	}
	return d.Commit(changes, o)
}

// Author is who a change is recorded as: the given signature, or the git
// identity, stamped with the desk's clock.
func (d *Desk) Author(a *gitstore.Signature) (gitstore.Signature, error) {
	var sig gitstore.Signature
	if a != nil {
		sig = *a
	} else {
		id, err := d.Store.Identity()
		if err != nil {
			return sig, err
		}
		sig = id
	}
	sig.When = d.Now()
	return sig, nil
}

// Agent is the handle recorded as the author of entries: the configured
// agent whose address or handle matches the git identity, else the git
// user name.
func (d *Desk) Agent(a *gitstore.Signature) string {
	sig, err := d.Author(a)
	if err != nil {
		return ""
	}
	if ag := d.Config.Agent(sig.Email); ag != nil {
		return ag.Handle
	}
	if ag := d.Config.Agent(sig.Name); ag != nil {
		return ag.Handle
	}
	if sig.Name != "" {
		return sig.Name
	}
	return sig.Email
}

// CommitEdit saves the file an agent edited by hand: edited is what they
// wrote over before, the bytes of the ticket file at path when they began.
// The editor may be open for minutes without the desk lock, so under the
// lock the file is read again. Unchanged, edited is saved as written.
// Changed meanwhile (a mail imported, a rule applied, another agent's
// note), the edit and that change are merged as a pull merges them
// (ticket.Merge), so neither is lost; merged reports that case.
func (d *Desk) CommitEdit(path string, before, edited []byte, o SaveOptions) (merged bool, err error) {
	unlock, err := d.Lock(LockWait)
	if err != nil {
		return false, err
	}
	defer unlock()
	now, err := d.Store.Worktree().Read(path)
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	data := edited
	if !bytes.Equal(now, before) {
		var sides [3]*ticket.Ticket
		for i, b := range [][]byte{before, edited, now} {
			if sides[i], err = ticket.ParseFile(path, b); err != nil {
				return false, fmt.Errorf("%s changed while it was being edited, and cannot be merged with the edit: %w", path, err)
			}
		}
		m, _ := ticket.Merge(sides[0], sides[1], sides[2])
		if err := m.Validate(); err != nil {
			return false, fmt.Errorf("%s changed while it was being edited, and the merge with the edit is not valid: %w", path, err)
		}
		data, merged = ticket.Render(m), true
	}
	_, err = d.Commit([]gitstore.Change{{Path: path, Data: data}}, o)
	return merged, err
}
