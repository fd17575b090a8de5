package desk

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
)

// The save journal makes a save all-or-nothing across a crash.
// gitstore.Apply writes the work-tree files, then the objects, then moves
// the branch, then the git index; a process killed in between leaves files
// that are written but not committed, or committed but not in the index,
// and a later command would build on them as if they were its own. So
// Commit first writes every change to one file in the git dir (synced,
// then renamed into place: the save's point of no return), applies it and
// removes it. Whoever takes the desk lock next finds a journal left behind
// and applies it first. Applying is idempotent: Apply writes the same bytes
// again and makes no commit when the tree already matches HEAD.

const journalName = "save-journal.tar"

func (d *Desk) journalPath() string {
	return filepath.Join(d.Store.GitDir(), "ticket", journalName)
}

// journalMeta is the commit a journal is for.
type journalMeta struct {
	Message  string    `json:"message"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	When     time.Time `json:"when"`
	NoCommit bool      `json:"no_commit"`
}

const metaEntry = ".meta.json" // no change path starts with a dot and ends so

// applyJournaled writes changes to the journal, applies them and removes
// the journal. The caller holds the desk lock.
func (d *Desk) applyJournaled(changes []gitstore.Change, opt gitstore.CommitOptions) (string, error) {
	p := d.journalPath()
	if err := writeJournal(p, changes, opt); err != nil {
		return "", err
	}
	h, err := d.Store.Apply(changes, opt)
	// On a failure that is reported the person sees the error and the
	// journal must not replay a change they were told did not happen.
	os.Remove(p)
	return h, err
}

// recoverJournal finishes a save a crash interrupted, if any. The caller
// holds the desk lock.
func (d *Desk) recoverJournal() error {
	p := d.journalPath()
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		os.Remove(p + ".tmp") // a save killed before its point of no return
		return nil
	}
	if err != nil {
		return err
	}
	changes, opt, err := readJournal(p)
	if err != nil {
		return fmt.Errorf("%s: %w; the save it holds was interrupted: move the file away to drop it", p, err)
	}
	// The interrupted process may have left git's own lock files; they are
	// its, as no other ticket process can be inside a commit now.
	d.Store.ClearStaleLocks(fi.ModTime())
	if len(changes) > 0 {
		if _, err := d.Store.Apply(changes, opt); err != nil {
			return fmt.Errorf("finishing an interrupted save (%s): %w", p, err)
		}
	}
	// Apply writes each file through a temporary one beside it
	// (".NAME.tmp*"); those the killed process never renamed are litter.
	for _, c := range changes {
		full := filepath.Join(d.Store.Dir(), filepath.FromSlash(c.Path))
		for _, l := range gitstore.LeftoverTemps(full) {
			os.Remove(l)
		}
	}
	if err := os.Remove(p); err != nil {
		return err
	}
	syncDir(filepath.Dir(p))
	return nil
}

func writeJournal(p string, changes []gitstore.Change, opt gitstore.CommitOptions) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return fmt.Errorf("save journal: %w", err)
	}
	f, err := os.Create(p + ".tmp")
	if err != nil {
		return fmt.Errorf("save journal: %w", err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(p + ".tmp")
		return fmt.Errorf("save journal %s: %w", p, err)
	}
	bw := bufio.NewWriter(f)
	tw := tar.NewWriter(bw)
	meta, err := json.Marshal(journalMeta{Message: opt.Message, Name: opt.Author.Name, Email: opt.Author.Email,
		When: opt.Author.When, NoCommit: opt.NoCommit})
	if err != nil {
		return fail(err)
	}
	add := func(name string, data []byte, del bool) error {
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if del {
			h.PAXRecords = map[string]string{"TICKET.delete": "1"}
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add(metaEntry, meta, false); err != nil {
		return fail(err)
	}
	for _, c := range changes {
		data := c.Data
		if c.Delete {
			data = nil
		}
		if err := add(c.Path, data, c.Delete); err != nil {
			return fail(fmt.Errorf("%s: %w", c.Path, err))
		}
	}
	if err := tw.Close(); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		os.Remove(p + ".tmp")
		return fmt.Errorf("save journal %s: %w", p, err)
	}
	syncDir(filepath.Dir(p))
	return nil
}

func readJournal(p string) ([]gitstore.Change, gitstore.CommitOptions, error) {
	var opt gitstore.CommitOptions
	f, err := os.Open(p)
	if err != nil {
		return nil, opt, err
	}
	defer f.Close()
	tr := tar.NewReader(bufio.NewReader(f))
	var changes []gitstore.Change
	seenMeta := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, opt, err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, opt, err
		}
		if h.Name == metaEntry && !seenMeta {
			var m journalMeta
			if err := json.Unmarshal(data, &m); err != nil {
				return nil, opt, err
			}
			opt = gitstore.CommitOptions{Message: m.Message, NoCommit: m.NoCommit,
				Author: gitstore.Signature{Name: m.Name, Email: m.Email, When: m.When}}
			seenMeta = true
			continue
		}
		if h.PAXRecords["TICKET.delete"] == "1" {
			changes = append(changes, gitstore.Change{Path: h.Name, Delete: true})
			continue
		}
		changes = append(changes, gitstore.Change{Path: h.Name, Data: data})
	}
	if !seenMeta {
		return nil, opt, errors.New("no commit description in the journal")
	}
	return changes, opt, nil
}

// syncDir makes renames in dir durable; it is best effort, as not every
// system can sync a folder.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
