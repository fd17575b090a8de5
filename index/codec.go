package index

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"
	"unsafe"

	"github.com/ticketdesk/ticket/ticket"
)

// The record encoding: every string is a uvarint length and its bytes;
// slices and maps are a uvarint count plus one (0 means nil); times are a
// byte (0 for the zero time, 1 for a set one) and a varint of Unix seconds.
//
// A ticket is split in two. The head (meta) holds the front matter and the
// few figures listings need of the conversation (the number of entries, the
// time of the last one); it lives in the index file, which a listing reads
// whole. The conversation (body: the preamble and every entry, texts
// inline) is a self-contained blob in a segment file, read only when a
// command asks for the entries.

type encoder struct {
	meta []byte
	body []byte
}

func (e *encoder) uint(v uint64) { e.meta = binary.AppendUvarint(e.meta, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.meta = append(e.meta, s...)
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.meta = append(e.meta, 0)
		return
	}
	e.meta = append(e.meta, 1)
	e.meta = binary.AppendVarint(e.meta, t.Unix())
}

func (e *encoder) strs(ss []string) {
	if ss == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) strMap(m map[string]string) {
	if m == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(len(m)) + 1)
	for _, k := range sortedKeys(m) {
		e.str(k)
		e.str(m[k])
	}
}

// ticket encodes the head into e.meta and the conversation into e.body.
func (e *encoder) ticket(t *ticket.Ticket) {
	e.str(t.ID)
	e.str(t.Title)
	e.str(string(t.Status))
	e.str(string(t.Priority))
	e.str(t.Channel)
	e.str(t.Customer)
	e.str(t.Assignee)
	e.str(t.Team)
	e.strs(t.Tags)
	e.str(t.Language)
	e.time(t.Created)
	e.time(t.Updated)
	e.time(t.FirstResponse)
	e.time(t.Resolved)
	e.meta = binary.AppendVarint(e.meta, int64(t.Reopened))
	e.str(t.SLA)
	e.strMap(t.Fields)
	// The figures of the conversation.
	if t.Entries == nil {
		e.uint(0)
	} else {
		e.uint(uint64(len(t.Entries)) + 1)
	}
	var last time.Time
	if n := len(t.Entries); n > 0 {
		last = t.Entries[n-1].At
	}
	e.time(last)

	head := e.meta
	e.meta = e.body
	e.str(t.Preamble)
	for i := range t.Entries {
		en := &t.Entries[i]
		e.str(en.ID)
		e.str(string(en.Kind))
		e.str(en.Author)
		e.time(en.At)
		e.str(en.MessageID)
		e.strs(en.Attachments)
		e.str(en.Auto)
		e.str(string(en.Status))
		e.str(string(en.From))
		e.strMap(en.Meta)
		e.str(en.Body)
	}
	e.body = e.meta
	e.meta = head
}

var errCorrupt = errors.New("index record is corrupt")

// decoder reads records; strings point into the mapped files, which stay
// mapped for the life of the process, so nothing is copied.
type decoder struct {
	meta []byte
	body []byte
	err  error
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.meta)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.meta = d.meta[n:]
	return v
}

func (d *decoder) fail() {
	d.err = errCorrupt
	d.meta = nil
}

func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.meta)) {
		d.fail()
		return ""
	}
	s := view(d.meta[:n])
	d.meta = d.meta[n:]
	return s
}

func (d *decoder) time() time.Time {
	if len(d.meta) == 0 || d.meta[0] > 1 {
		d.fail()
		return time.Time{}
	}
	set := d.meta[0] == 1
	d.meta = d.meta[1:]
	if !set {
		return time.Time{}
	}
	v, n := binary.Varint(d.meta)
	if n <= 0 {
		d.fail()
		return time.Time{}
	}
	d.meta = d.meta[n:]
	return time.Unix(v, 0).UTC()
}

func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.meta))+1 {
		d.fail()
		return -1
	}
	return int(n) - 1
}

func (d *decoder) strs() []string {
	n := d.count()
	if n < 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) strMap() map[string]string {
	n := d.count()
	if n < 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

// head decodes the front matter and the figures of the conversation from
// d.meta; the ticket's Entries stay nil.
func (d *decoder) head() (*ticket.Ticket, ticket.Digest) {
	t := &ticket.Ticket{}
	dg := d.headInto(t)
	if d.err != nil {
		return nil, dg
	}
	return t, dg
}

// headInto decodes the head into t.
func (d *decoder) headInto(t *ticket.Ticket) ticket.Digest {
	t.ID = d.str()
	t.Title = d.str()
	t.Status = ticket.Status(d.str())
	t.Priority = ticket.Priority(d.str())
	t.Channel = d.str()
	t.Customer = d.str()
	t.Assignee = d.str()
	t.Team = d.str()
	t.Tags = d.strs()
	t.Language = d.str()
	t.Created = d.time()
	t.Updated = d.time()
	t.FirstResponse = d.time()
	t.Resolved = d.time()
	r, n := binary.Varint(d.meta)
	if n <= 0 {
		d.fail()
		return ticket.Digest{}
	}
	d.meta = d.meta[n:]
	t.Reopened = int(r)
	t.SLA = d.str()
	t.Fields = d.strMap()
	var dg ticket.Digest
	dg.Entries = int(d.uint()) - 1 // -1: nil entries
	dg.LastAt = d.time()
	if d.err != nil {
		return ticket.Digest{}
	}
	return dg
}

// ticket decodes the whole ticket: the head from d.meta, the conversation
// from d.body.
func (d *decoder) ticket() *ticket.Ticket {
	t, dg := d.head()
	if d.err != nil {
		return nil
	}
	if dg.Entries > len(d.body) {
		d.fail()
		return nil
	}
	head := d.meta
	d.meta = d.body
	if d.entries(t, dg.Entries); d.err != nil {
		return nil
	}
	d.body = d.meta
	d.meta = head
	return t
}

// entries decodes the conversation of t (n entries, -1 for nil) from d.meta.
func (d *decoder) entries(t *ticket.Ticket, n int) {
	t.Preamble = d.str()
	if n >= 0 {
		t.Entries = make([]ticket.Entry, n)
	}
	for i := range t.Entries {
		en := &t.Entries[i]
		en.ID = d.str()
		en.Kind = ticket.Kind(d.str())
		en.Author = d.str()
		en.At = d.time()
		en.MessageID = d.str()
		en.Attachments = d.strs()
		en.Auto = d.str()
		en.Status = ticket.Status(d.str())
		en.From = ticket.Status(d.str())
		en.Meta = d.strMap()
		en.Body = d.str()
		if d.err != nil {
			return
		}
	}
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
