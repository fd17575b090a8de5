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
// varint of Unix seconds plus one (0 means the zero time). Entry bodies and
// the preamble go to a separate body section and the record keeps their
// offset and length, so a listing never touches the conversation's text.

type encoder struct {
	meta []byte
	body []byte
	base uint64 // offset of body[0] in the body section
}

func (e *encoder) uint(v uint64) { e.meta = binary.AppendUvarint(e.meta, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.meta = append(e.meta, s...)
}

func (e *encoder) text(s string) {
	e.uint(e.base + uint64(len(e.body)))
	e.uint(uint64(len(s)))
	e.body = append(e.body, s...)
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
	e.text(t.Preamble)
	if t.Entries == nil {
		e.uint(0)
	} else {
		e.uint(uint64(len(t.Entries)) + 1)
	}
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
		e.text(en.Body)
	}
}

var errCorrupt = errors.New("index record is corrupt")

// decoder reads records; strings point into the mapped file, which stays
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

func (d *decoder) text() string {
	off, n := d.uint(), d.uint()
	if off > uint64(len(d.body)) || n > uint64(len(d.body))-off {
		d.fail()
		return ""
	}
	return view(d.body[off : off+n])
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

func (d *decoder) ticket() *ticket.Ticket {
	t := &ticket.Ticket{}
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
		return nil
	}
	d.meta = d.meta[n:]
	t.Reopened = int(r)
	t.SLA = d.str()
	t.Fields = d.strMap()
	t.Preamble = d.text()
	n2 := d.count()
	if n2 >= 0 {
		t.Entries = make([]ticket.Entry, n2)
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
		en.Body = d.text()
		if d.err != nil {
			return nil
		}
	}
	if d.err != nil {
		return nil
	}
	return t
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
