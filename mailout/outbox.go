package mailout

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ticketdesk/ticket/gitstore"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// States of an outbox record.
const (
	StateQueued  = "queued"  // waiting to be sent (Error says why, after a failed attempt)
	StateSending = "sending" // an attempt started and did not finish: the process died mid-send
	StateSent    = "sent"    // the server accepted it; waiting to be recorded in the ticket
)

// Record is one message in the outbox.
type Record struct {
	ID        string    `json:"id"` // TICKET.ENTRY, also the file name
	Ticket    string    `json:"ticket"`
	Entry     string    `json:"entry"`
	MessageID string    `json:"message_id"`
	From      string    `json:"from"` // envelope sender
	To        []string  `json:"to"`   // envelope recipients
	Auto      bool      `json:"auto,omitempty"`
	State     string    `json:"state"`
	Queued    time.Time `json:"queued"`
	Attempts  int       `json:"attempts,omitempty"`
	Attempted time.Time `json:"attempted,omitzero"`
	Error     string    `json:"error,omitempty"`
	Sent      time.Time `json:"sent,omitzero"`
	// Message is the complete RFC 5322 message, sent byte for byte as
	// queued, so a retry is the same mail with the same Message-ID.
	Message string `json:"message"`
}

// RecordID names the outbox record of a ticket entry.
func RecordID(ticketID, entryID string) string { return ticketID + "." + entryID }

// Outbox is the queue of outgoing mail: one JSON file per message in
// <gitdir>/ticket/outbox, each written atomically (temporary file, fsync,
// rename). It is local state, never committed: a clone has its own.
type Outbox struct{ dir string }

// OpenOutbox is the outbox of the repository whose git dir is gitDir.
func OpenOutbox(gitDir string) *Outbox {
	return &Outbox{dir: filepath.Join(gitDir, "ticket", "outbox")}
}

// Dir is the folder that holds the records.
func (o *Outbox) Dir() string { return o.dir }

func (o *Outbox) path(id string) string { return filepath.Join(o.dir, id+".json") }

// Lock takes the outbox lock, so that two processes never send the same
// message at once. It is held by an open file and dies with its process.
func (o *Outbox) Lock(wait time.Duration) (func(), error) {
	p := filepath.Join(filepath.Dir(o.dir), "outbox.lock")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	release, err := gitstore.LockFile(p, wait)
	if errors.Is(err, gitstore.ErrLocked) {
		return nil, fmt.Errorf("%s: the outbox is busy (another ticket command is sending); try again in a moment", p)
	}
	return release, err
}

// Put writes a record atomically: readers see the old or the new file,
// never a torn one, even when the machine stops mid-write.
func (o *Outbox) Put(r *Record) error {
	if r.ID == "" || strings.ContainsAny(r.ID, `/\`) {
		return fmt.Errorf("outbox: bad record id %q", r.ID)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(o.path(r.ID), append(data, '\n'))
}

// staleTemp is how old a ".tmp-" file in the outbox must be before List
// takes it for one a process killed inside Put left behind; Put itself
// takes milliseconds, and runs without the outbox lock.
const staleTemp = time.Hour

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename itself durable
		d.Close()
	}
	return nil
}

// Get reads one record; a missing one is an error wrapping fs.ErrNotExist.
func (o *Outbox) Get(id string) (*Record, error) {
	data, err := os.ReadFile(o.path(id))
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %v; move the file away to skip it", o.path(id), err)
	}
	return &r, nil
}

// List reads every record, oldest first. A record that does not read is
// reported to warn and skipped.
func (o *Outbox) List(warn func(error)) ([]*Record, error) {
	ents, err := os.ReadDir(o.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Record
	cutoff := time.Now().Add(-staleTemp)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") && e.Type().IsRegular() {
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
				os.Remove(filepath.Join(o.dir, e.Name())) // left by a killed Put
			}
			continue
		}
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r, err := o.Get(id)
		if err != nil {
			if warn != nil {
				warn(err)
			}
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Record) int {
		if c := a.Queued.Compare(b.Queued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Remove deletes a record; a missing one is not an error.
func (o *Outbox) Remove(id string) error {
	err := os.Remove(o.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
