package mailin

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// The journal makes an import run all-or-nothing across a crash.
// gitstore.Apply writes the work-tree files, then the objects, then moves
// the branch; a run killed in between would leave some files written and
// uncommitted, and a rerun that reads the work tree would take those
// messages as already imported and never commit them. So every change of
// a run is first written to one tar file in the git dir (synced, then
// renamed into place: the run's point of no return), then applied, then the
// journal is removed. A run that finds a journal applies it first. Applying
// is idempotent: Apply writes the same bytes again and makes no commit when
// the tree already matches HEAD.

// bulkFiles is the number of files from which a run is committed in bulk
// (gitstore.CommitOptions.Bulk): below it, loose objects and a sync per file
// cost less than a pack and a sync of the whole file system.
const bulkFiles = 200

func journalPath(gitDir string) string {
	return filepath.Join(gitDir, "ticket", "import-journal.tar")
}

// Commit writes the run's changes as one commit: tickets rendered one at a
// time into the journal, then applied. The caller holds the desk lock
// (Store.Lock) for the whole run. The importer must not be used afterwards.
func (im *Importer) Commit(d *desk.Desk, o desk.SaveOptions) (string, error) {
	if !im.Pending() {
		return "", errNothing
	}
	err := writeJournal(d.Store.GitDir(), o.Message, func(add func(gitstore.Change) error) error {
		for _, c := range im.files {
			if err := add(c); err != nil {
				return err
			}
		}
		for _, id := range im.sortedChanged() {
			t := im.tickets[id]
			if err := t.Validate(); err != nil {
				return fmt.Errorf("ticket %s: %w", id, err)
			}
			if err := add(gitstore.Change{Path: ticket.Path(id), Data: ticket.Render(t)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	// Everything is in the journal now; let the collector have the tickets.
	im.tickets, im.byMsgID, im.files = nil, nil, nil
	return applyJournal(d, o, false)
}

// Recover finishes the run a crash interrupted, if any: it applies the
// journal left behind and reports whether there was one. The caller holds
// the desk lock.
func Recover(d *desk.Desk, o desk.SaveOptions) (bool, string, error) {
	p := journalPath(d.Store.GitDir())
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		os.Remove(p + ".tmp") // a run killed before its point of no return
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	clearStaleLocks(d.Store.GitDir(), fi)
	h, err := applyJournal(d, o, true)
	return true, h, err
}

// clearStaleLocks removes git lock files that the interrupted run left:
// index.lock and the branch's ref lock, and a half-written pack, when they
// are younger than the journal (so made by that run, after its point of no
// return). The desk lock is held, so no other ticket process is inside a
// commit.
func clearStaleLocks(gitDir string, journal fs.FileInfo) {
	cands := []string{filepath.Join(gitDir, "index.lock"), filepath.Join(gitDir, "HEAD.lock")}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	if b, err := os.ReadFile(filepath.Join(gitDir, "HEAD")); err == nil {
		if ref, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "ref:"); ok {
			cands = append(cands, filepath.Join(common, filepath.FromSlash(strings.TrimSpace(ref)))+".lock")
		}
	}
	// A bulk commit writes its pack under a temporary name first.
	temps, _ := filepath.Glob(filepath.Join(common, "objects", "pack", "tmp_*"))
	for _, c := range append(cands, temps...) {
		if fi, err := os.Stat(c); err == nil && !fi.ModTime().Before(journal.ModTime()) {
			os.Remove(c)
		}
	}
}

func writeJournal(gitDir, message string, fill func(add func(gitstore.Change) error) error) error {
	p := journalPath(gitDir)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	f, err := os.Create(p + ".tmp")
	if err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(p + ".tmp")
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(bw)
	add := func(c gitstore.Change) error {
		h := &tar.Header{Name: c.Path, Mode: 0o644, Size: int64(len(c.Data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if c.Delete {
			h.Size = 0
			h.PAXRecords = map[string]string{"TICKET.delete": "1"}
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("import journal: %s: %w", c.Path, err)
		}
		if !c.Delete {
			if _, err := tw.Write(c.Data); err != nil {
				return fmt.Errorf("import journal: %s: %w", c.Path, err)
			}
		}
		return nil
	}
	_, base, _ := head(gitDir)
	if err := tw.WriteHeader(&tar.Header{Name: "base", Typeflag: tar.TypeReg, Mode: 0o644, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"TICKET.base": base, "TICKET.message": message}}); err != nil {
		return fail(fmt.Errorf("import journal: %w", err))
	}
	if err := fill(add); err != nil {
		return fail(err)
	}
	if err := tw.Close(); err != nil {
		return fail(fmt.Errorf("import journal: %w", err))
	}
	if err := bw.Flush(); err != nil {
		return fail(fmt.Errorf("import journal: %w", err))
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("import journal: %w", err))
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("import journal: %w", err))
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		os.Remove(p + ".tmp")
		return fmt.Errorf("import journal: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(p)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}

// head is the commit the desk's branch points at, read the way git does
// for the common case (a loose ref); "" when it cannot tell.
func head(gitDir string) (string, string, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", "", err
	}
	line := strings.TrimSpace(string(b))
	ref, ok := strings.CutPrefix(line, "ref:")
	if !ok {
		return "", line, nil
	}
	ref = strings.TrimSpace(ref)
	common := gitDir
	if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		cs := strings.TrimSpace(string(c))
		if !filepath.IsAbs(cs) {
			cs = filepath.Join(gitDir, cs)
		}
		common = cs
	}
	if h, err := os.ReadFile(filepath.Join(common, filepath.FromSlash(ref))); err == nil {
		return ref, strings.TrimSpace(string(h)), nil
	}
	return ref, "", nil
}

func readJournal(p string) (changes []gitstore.Change, base, message string, err error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", "", err
	}
	defer f.Close()
	tr := tar.NewReader(bufio.NewReaderSize(f, 1<<20))
	var out []gitstore.Change
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, base, message, nil
		}
		if err != nil {
			return nil, "", "", fmt.Errorf("%s: %w; if no import is running, move the file away and import again", p, err)
		}
		if b, ok := h.PAXRecords["TICKET.base"]; ok {
			base, message = b, h.PAXRecords["TICKET.message"]
			continue
		}
		if h.PAXRecords["TICKET.delete"] == "1" {
			out = append(out, gitstore.Change{Path: h.Name, Delete: true})
			continue
		}
		data := make([]byte, h.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, "", "", fmt.Errorf("%s: %s: %w", p, h.Name, err)
		}
		out = append(out, gitstore.Change{Path: h.Name, Data: data})
	}
}

// applyJournal commits the journal's changes and removes it.
func applyJournal(d *desk.Desk, o desk.SaveOptions, recovering bool) (string, error) {
	p := journalPath(d.Store.GitDir())
	changes, base, jmsg, err := readJournal(p)
	if err != nil {
		return "", err
	}
	if _, now, _ := head(d.Store.GitDir()); base != "" && now != base {
		changes = keepNewer(d, changes)
	}
	author, err := d.Author(o.Author)
	if err != nil {
		return "", err
	}
	msg := o.Message
	if msg == "" {
		msg = jmsg
	}
	if msg == "" {
		msg = "import: finish an interrupted import"
	}
	h := ""
	if len(changes) > 0 {
		h, err = d.Store.Apply(changes, gitstore.CommitOptions{
			Message: msg, Author: author, NoCommit: o.NoCommit || !d.Config.AutoCommit(),
			// The journal redoes the run after a crash, so a large run may
			// sync its files once and pack its objects.
			Bulk: len(changes) >= bulkFiles,
		})
		if err != nil {
			return "", fmt.Errorf("%w (the import is kept in %s and is finished by the next import)", err, p)
		}
	}
	if recovering {
		removeTemps(d.Store.Dir(), changes)
	}
	if err := os.Remove(p); err != nil {
		return h, fmt.Errorf("import journal: %w", err)
	}
	return h, nil
}

// removeTemps deletes the temporary files a killed write left beside the
// journal's paths (gitstore writes ".NAME.tmpNNN" and renames it).
func removeTemps(dir string, changes []gitstore.Change) {
	seen := map[string]bool{}
	for _, c := range changes {
		folder := filepath.Join(dir, filepath.FromSlash(path.Dir(c.Path)))
		if seen[folder] {
			continue
		}
		seen[folder] = true
		entries, err := os.ReadDir(folder)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp") && !e.IsDir() {
				os.Remove(filepath.Join(folder, n))
			}
		}
	}
}

// keepNewer guards a journal replayed after other commits: a ticket file
// that somebody changed since (it parses and still holds every entry the
// journal's version has) is newer than the journal and is kept.
func keepNewer(d *desk.Desk, changes []gitstore.Change) []gitstore.Change {
	out := changes[:0]
	for _, c := range changes {
		if c.Delete || ticket.IDFromPath(c.Path) == "" {
			out = append(out, c)
			continue
		}
		cur, err := d.Store.Worktree().Read(c.Path)
		if err != nil || string(cur) == string(c.Data) {
			out = append(out, c)
			continue
		}
		now, err1 := ticket.Parse(cur)
		was, err2 := ticket.Parse(c.Data)
		if err1 != nil || err2 != nil || !holdsAll(now, was) {
			out = append(out, c)
			continue
		}
		out = append(out, gitstore.Change{Path: c.Path, Data: cur})
	}
	return out
}

func holdsAll(now, was *ticket.Ticket) bool {
	for _, e := range was.Entries {
		if now.Entry(e.ID) == nil {
			return false
		}
	}
	return true
}
