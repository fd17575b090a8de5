package ticket

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Conflict is one value both sides of a merge changed differently. The merge
// resolves it by a fixed rule (see Merge) and reports what it kept, so that a
// person can look again; Kept and Dropped never depend on which side was
// "ours".
type Conflict struct {
	Field   string // "status", "fields.order", "entry 4hx7pq", "preamble", …
	Base    string // the value both sides started from
	Kept    string
	Dropped string
	Note    string // id of the note entry that records it; "" when none
}

// MergeAuthor is the author of the notes a merge writes into a ticket.
const MergeAuthor = "ticket merge"

// Merge combines two versions of a ticket changed independently since base
// (nil when both sides added the ticket). It is symmetric — Merge(b, x, y)
// and Merge(b, y, x) render to the same bytes — it returns a side merged
// with itself unchanged, and it never drops an entry either side holds:
//
//   - entries are a union by entry id, interleaved by time (ties by id)
//     while each side's own order is kept; an entry whose body both sides
//     edited differently keeps both versions, marked;
//   - tags are a three-way set merge: a tag one side removed and the other
//     left alone stays removed;
//   - every other field merges three-way; when both sides changed it
//     differently the side with the later updated time wins (on equal times
//     the greater value), and an internal note records the conflict. Its id
//     is derived from the conflict, so both merge orders write the same note;
//   - derived values follow: updated is the later of the two, first_response
//     the earlier, resolved the later, reopened the larger, created the
//     earlier.
func Merge(base, ours, theirs *Ticket) (*Ticket, []Conflict) {
	if base == nil {
		base = &Ticket{}
	}
	m := &merger{ours: ours, theirs: theirs}
	out := &Ticket{}
	out.ID = m.quiet(base.ID, ours.ID, theirs.ID)
	out.Title = m.str("title", base.Title, ours.Title, theirs.Title)
	out.Status = Status(m.str("status", string(base.Status), string(ours.Status), string(theirs.Status)))
	out.Priority = Priority(m.str("priority", string(base.Priority), string(ours.Priority), string(theirs.Priority)))
	out.Channel = m.str("channel", base.Channel, ours.Channel, theirs.Channel)
	out.Customer = m.str("customer", base.Customer, ours.Customer, theirs.Customer)
	out.Assignee = m.str("assignee", base.Assignee, ours.Assignee, theirs.Assignee)
	out.Team = m.str("team", base.Team, ours.Team, theirs.Team)
	out.Tags = mergeSet(base.Tags, ours.Tags, theirs.Tags)
	out.Language = m.str("language", base.Language, ours.Language, theirs.Language)
	out.Created = mergeTime(base.Created, ours.Created, theirs.Created, earlier)
	out.Updated = later(ours.Updated, theirs.Updated)
	out.FirstResponse = mergeTime(base.FirstResponse, ours.FirstResponse, theirs.FirstResponse, earlier)
	out.Resolved = mergeTime(base.Resolved, ours.Resolved, theirs.Resolved, later)
	out.Reopened = mergeCount(base.Reopened, ours.Reopened, theirs.Reopened)
	out.SLA = m.str("sla", base.SLA, ours.SLA, theirs.SLA)
	out.Fields = m.fields(base.Fields, ours.Fields, theirs.Fields)
	out.Preamble = m.text("preamble", base.Preamble, ours.Preamble, theirs.Preamble)
	out.Entries = m.entries(base.Entries, ours.Entries, theirs.Entries)
	m.notes(out)
	return out, m.conflicts
}

type merger struct {
	ours, theirs *Ticket
	conflicts    []Conflict
	noted        []int // indexes of conflicts that get a note
}

// decide resolves a conflict: the side changed later wins, then the greater
// value, so the outcome never depends on the order of the sides.
func (m *merger) decide(o, t string) (kept, dropped string) {
	switch {
	case m.ours.Updated.After(m.theirs.Updated):
		return o, t
	case m.theirs.Updated.After(m.ours.Updated):
		return t, o
	case o > t:
		return o, t
	}
	return t, o
}

// str merges one scalar field, noting a conflict.
func (m *merger) str(field, b, o, t string) string {
	switch {
	case o == t:
		return o
	case o == b:
		return t
	case t == b:
		return o
	}
	kept, dropped := m.decide(o, t)
	m.noted = append(m.noted, len(m.conflicts))
	m.conflicts = append(m.conflicts, Conflict{Field: field, Base: b, Kept: kept, Dropped: dropped})
	return kept
}

// quiet merges a value no person edits (ids, entry attributes): the greater
// value wins, and a conflict is reported but not noted in the ticket.
func (m *merger) quiet(b, o, t string) string {
	switch {
	case o == t:
		return o
	case o == b:
		return t
	case t == b:
		return o
	}
	return max(o, t)
}

// text merges free text; when both sides changed it differently both
// versions are kept, marked, in a fixed order.
func (m *merger) text(field, b, o, t string) string {
	switch {
	case o == t:
		return o
	case o == b:
		return t
	case t == b:
		return o
	}
	first, second := min(o, t), max(o, t)
	kept := bothVersions(first, second)
	m.conflicts = append(m.conflicts, Conflict{Field: field, Base: b, Kept: kept, Dropped: ""})
	return kept
}

// Marks around the two versions of a text both sides edited. They are plain
// Markdown, so the file still reads well and parses; never git's <<<<<<<.
const (
	bothVersionsHead = "**Edited on two clones at once; both versions are kept.**"
	bothVersionsSep  = "**The other version:**"
)

func bothVersions(a, b string) string {
	return bothVersionsHead + "\n\n" + a + "\n\n" + bothVersionsSep + "\n\n" + b
}

func (m *merger) fields(b, o, t map[string]string) map[string]string {
	if mapsEqual(o, t) {
		return cloneMap(o)
	}
	if mapsEqual(o, b) {
		return cloneMap(t)
	}
	if mapsEqual(t, b) {
		return cloneMap(o)
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range o {
		keys[k] = true
	}
	for k := range t {
		keys[k] = true
	}
	var out map[string]string
	for _, k := range sortedSet(keys) {
		if v := m.str("fields."+k, b[k], o[k], t[k]); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// entries merges the conversations: a union by id, each side's order kept,
// interleaved by (time, id) where the sides differ.
func (m *merger) entries(b, o, t []Entry) []Entry {
	if entriesEqual(o, t) {
		return cloneEntries(o)
	}
	baseBy := indexEntries(b)
	oBy, tBy := indexEntries(o), indexEntries(t)
	merged := make(map[string]Entry, len(o)+len(t))
	oIDs, tIDs := entryIDs(o), entryIDs(t)
	for _, id := range slices.Sorted(maps.Keys(oBy)) {
		oe := oBy[id]
		te, both := tBy[id]
		if !both {
			merged[id] = oe.clone()
			continue
		}
		be, inBase := baseBy[id]
		var bp *Entry
		if inBase {
			bp = &be
		}
		merged[id] = m.entry(bp, oe, te)
	}
	for _, id := range tIDs {
		if _, done := merged[id]; !done {
			merged[id] = tBy[id].clone()
		}
	}
	less := func(x, y string) bool {
		ex, ey := merged[x], merged[y]
		if !ex.At.Equal(ey.At) {
			return ex.At.Before(ey.At)
		}
		return x < y
	}
	out := make([]Entry, 0, len(merged))
	done := make(map[string]bool, len(merged))
	i, j := 0, 0
	for i < len(oIDs) || j < len(tIDs) {
		for i < len(oIDs) && done[oIDs[i]] {
			i++
		}
		for j < len(tIDs) && done[tIDs[j]] {
			j++
		}
		var next string
		switch {
		case i < len(oIDs) && j < len(tIDs):
			next = oIDs[i]
			if tIDs[j] != next && less(tIDs[j], next) {
				next = tIDs[j]
			}
		case i < len(oIDs):
			next = oIDs[i]
		case j < len(tIDs):
			next = tIDs[j]
		default:
			continue
		}
		done[next] = true
		out = append(out, merged[next])
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// entry merges one entry both sides hold; b is nil when both added it.
func (m *merger) entry(b *Entry, o, t Entry) Entry {
	if entryEqual(&o, &t) {
		return o.clone()
	}
	if b == nil {
		b = &Entry{}
	}
	e := Entry{ID: o.ID}
	e.Kind = Kind(m.quiet(string(b.Kind), string(o.Kind), string(t.Kind)))
	e.Author = m.quiet(b.Author, o.Author, t.Author)
	e.At = mergeTime(b.At, o.At, t.At, later)
	e.MessageID = m.quiet(b.MessageID, o.MessageID, t.MessageID)
	e.Attachments = mergeSet(b.Attachments, o.Attachments, t.Attachments)
	e.Auto = m.quiet(b.Auto, o.Auto, t.Auto)
	e.Status = Status(m.quiet(string(b.Status), string(o.Status), string(t.Status)))
	e.From = Status(m.quiet(string(b.From), string(o.From), string(t.From)))
	e.Meta = m.meta(b.Meta, o.Meta, t.Meta)
	e.Body = m.text("entry "+o.ID, b.Body, o.Body, t.Body)
	return e
}

func (m *merger) meta(b, o, t map[string]string) map[string]string {
	if mapsEqual(o, t) {
		return cloneMap(o)
	}
	if mapsEqual(o, b) {
		return cloneMap(t)
	}
	if mapsEqual(t, b) {
		return cloneMap(o)
	}
	keys := map[string]bool{}
	for _, mp := range []map[string]string{b, o, t} {
		for k := range mp {
			keys[k] = true
		}
	}
	var out map[string]string
	for _, k := range sortedSet(keys) {
		bv, bok := b[k]
		ov, ook := o[k]
		tv, tok := t[k]
		// Presence matters for meta: an attribute may be set to "".
		var v string
		var keep bool
		switch {
		case ook == tok && ov == tv:
			v, keep = ov, ook
		case ook == bok && ov == bv:
			v, keep = tv, tok
		case tok == bok && tv == bv:
			v, keep = ov, ook
		default:
			v, keep = max(ov, tv), true
		}
		if keep {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// notes appends one internal note per noted conflict, unless a note with
// that id is already there (an earlier merge of the same change).
func (m *merger) notes(out *Ticket) {
	for _, i := range m.noted {
		c := &m.conflicts[i]
		seed := strings.Join([]string{out.ID, c.Field, c.Base, c.Kept, c.Dropped}, "\x00")
		id := noteID(seed, func(id string) bool { return out.Entry(id) != nil })
		c.Note = id
		if out.Entry(id) != nil {
			continue
		}
		out.Entries = append(out.Entries, Entry{
			ID: id, Kind: KindNote, Author: MergeAuthor, At: out.Updated,
			Meta: map[string]string{"merge": "conflict"},
			Body: m.noteText(c),
		})
	}
}

// noteID derives an entry id from the conflict; when that id is taken by an
// entry with other content it grows, deterministically.
func noteID(seed string, taken func(string) bool) string {
	sum := sha256.Sum256([]byte(seed))
	var full strings.Builder
	for _, b := range sum {
		full.WriteByte(IDAlphabet[int(b)%len(IDAlphabet)])
	}
	s := full.String()
	for n := IDLen; n < len(s); n++ {
		if !taken(s[:n]) {
			return s[:n]
		}
	}
	return s[:IDLen]
}

func (m *merger) noteText(c *Conflict) string {
	why := "the later change"
	if m.ours.Updated.Equal(m.theirs.Updated) {
		why = "both changes carry the same time; the greater value wins"
	}
	return fmt.Sprintf("Both clones changed %s at once: %s → %s and %s → %s. Kept %s (%s).",
		c.Field, show(c.Base), show(c.Kept), show(c.Base), show(c.Dropped), show(c.Kept), why)
}

// show prints a field value for a note on one line.
func show(v string) string {
	switch {
	case v == "":
		return "(none)"
	case strings.ContainsAny(v, "\n\r\t`") || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 }):
		return strconv.Quote(v)
	}
	return "`" + v + "`"
}

// mergeSet is a three-way merge of sets: a value is kept when both sides
// hold it or one side added it. The result is sorted when the sides differ.
func mergeSet(b, o, t []string) []string {
	switch {
	case slices.Equal(o, t):
		return cloneStrings(o)
	case slices.Equal(o, b):
		return cloneStrings(t)
	case slices.Equal(t, b):
		return cloneStrings(o)
	}
	in := func(s []string, v string) bool { return slices.Contains(s, v) }
	keep := map[string]bool{}
	for _, v := range o {
		if in(t, v) || !in(b, v) {
			keep[v] = true
		}
	}
	for _, v := range t {
		if in(o, v) || !in(b, v) {
			keep[v] = true
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return sortedSet(keep)
}

func mergeTime(b, o, t time.Time, pick func(x, y time.Time) time.Time) time.Time {
	switch {
	case o.Equal(t):
		return o
	case o.Equal(b):
		return t
	case t.Equal(b):
		return o
	case o.IsZero():
		return t
	case t.IsZero():
		return o
	}
	return pick(o, t)
}

func mergeCount(b, o, t int) int {
	switch {
	case o == t:
		return o
	case o == b:
		return t
	case t == b:
		return o
	}
	return max(o, t)
}

func later(x, y time.Time) time.Time {
	if y.After(x) {
		return y
	}
	return x
}

func earlier(x, y time.Time) time.Time {
	if y.Before(x) {
		return y
	}
	return x
}

func indexEntries(es []Entry) map[string]Entry {
	out := make(map[string]Entry, len(es))
	for _, e := range es {
		if _, dup := out[e.ID]; !dup {
			out[e.ID] = e
		}
	}
	return out
}

// entryIDs lists ids in order, each once.
func entryIDs(es []Entry) []string {
	seen := make(map[string]bool, len(es))
	out := make([]string, 0, len(es))
	for _, e := range es {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e.ID)
		}
	}
	return out
}

func entriesEqual(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !entryEqual(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

func entryEqual(a, b *Entry) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Author == b.Author && a.At.Equal(b.At) &&
		a.MessageID == b.MessageID && slices.Equal(a.Attachments, b.Attachments) && a.Auto == b.Auto &&
		a.Status == b.Status && a.From == b.From && metaEqual(a.Meta, b.Meta) && a.Body == b.Body
}

// metaEqual compares attribute maps, where a present empty value differs
// from an absent one.
func metaEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// mapsEqual compares field maps, where an empty value means absent.
func mapsEqual(a, b map[string]string) bool { return metaEqual(a, b) }

func cloneEntries(es []Entry) []Entry {
	if es == nil {
		return nil
	}
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = e.clone()
	}
	return out
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
