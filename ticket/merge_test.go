package ticket

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func mergeBase() *Ticket {
	return &Ticket{
		ID: "7kq2m9", Title: "Refund for order 5521", Status: StatusOpen, Priority: PriorityNormal,
		Channel: "email", Customer: "jane@example.com", Assignee: "alice", Tags: []string{"billing", "vip"},
		Created: at("2026-11-01T09:14:00Z"), Updated: at("2026-11-01T09:14:00Z"),
		Fields: map[string]string{"order": "5521"},
		Entries: []Entry{{ID: "4hx7pq", Kind: KindMessage, Author: "jane@example.com", At: at("2026-11-01T09:14:00Z"),
			Body: "Hello, the kettle arrived broken."}},
	}
}

func TestMergeConcurrentEdits(t *testing.T) {
	base := mergeBase()
	a := base.Clone()
	a.AddReply(Entry{ID: "aaaaaa", Author: "alice", At: at("2026-11-01T10:00:00Z"), Body: "Refund started."}, "")
	a.AddTags("refund")
	a.Assign("bob", at("2026-11-01T10:00:00Z"))
	b := base.Clone()
	b.AddNote(Entry{ID: "bbbbbb", Author: "carol", At: at("2026-11-01T09:30:00Z"), Body: "Checking stock."})
	b.RemoveTags("vip")
	b.Assign("carol", at("2026-11-01T11:00:00Z"))

	m, conflicts := Merge(base, a, b)
	if got, want := strings.Join(m.Tags, ","), "billing,refund"; got != want {
		t.Errorf("tags = %s, want %s", got, want)
	}
	if m.Assignee != "carol" {
		t.Errorf("assignee = %q, want carol (the later change)", m.Assignee)
	}
	if m.Status != StatusPending {
		t.Errorf("status = %q, want pending (only one side changed it)", m.Status)
	}
	if !m.FirstResponse.Equal(at("2026-11-01T10:00:00Z")) || !m.Updated.Equal(at("2026-11-01T11:00:00Z")) {
		t.Errorf("first_response %v updated %v", m.FirstResponse, m.Updated)
	}
	var ids []string
	for _, e := range m.Entries {
		ids = append(ids, e.ID)
	}
	if len(conflicts) != 1 || conflicts[0].Field != "assignee" || conflicts[0].Kept != "carol" || conflicts[0].Dropped != "bob" {
		t.Fatalf("conflicts = %+v", conflicts)
	}
	note := conflicts[0].Note
	if want := []string{"4hx7pq", "bbbbbb", "aaaaaa", m.Entries[3].ID, note}; !slices.Equal(ids, want) {
		t.Errorf("entries %v, want %v", ids, want)
	}
	n := m.Entry(note)
	if n.Kind != KindNote || n.Author != MergeAuthor || !strings.Contains(n.Body, "Kept `carol`") {
		t.Errorf("note = %+v", n)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	m2, _ := Merge(base, b, a)
	if !bytes.Equal(Render(m), Render(m2)) {
		t.Errorf("merge is not symmetric:\n%s\n---\n%s", Render(m), Render(m2))
	}
	wantNote := "<!-- entry id=" + note + " kind=note at=2026-11-01T11:00:00Z author=\"ticket merge\" merge=conflict -->\n" +
		"### Internal note by ticket merge · 2026-11-01 11:00 UTC\n\n" +
		"Both clones changed assignee at once: `alice` → `carol` and `alice` → `bob`. Kept `carol` (the later change).\n"
	if !bytes.HasSuffix(Render(m), []byte(wantNote)) {
		t.Errorf("merged file does not end with the note:\n%s", Render(m))
	}
}

func TestMergeBodyEditedTwice(t *testing.T) {
	base := mergeBase()
	a, b := base.Clone(), base.Clone()
	a.Entries[0].Body = "Hello, the kettle arrived cracked."
	b.Entries[0].Body = "Hello, the kettle arrived broken. Photo attached."
	m, conflicts := Merge(base, a, b)
	body := m.Entries[0].Body
	if !strings.Contains(body, a.Entries[0].Body) || !strings.Contains(body, b.Entries[0].Body) || !strings.HasPrefix(body, bothVersionsHead) {
		t.Errorf("body = %q", body)
	}
	if len(conflicts) != 1 || conflicts[0].Field != "entry 4hx7pq" || conflicts[0].Note != "" {
		t.Errorf("conflicts = %+v", conflicts)
	}
	if bytes.Contains(Render(m), []byte("<<<<<<<")) {
		t.Error("conflict markers in the merged file")
	}
}

func TestMergeTagRemovedOneSide(t *testing.T) {
	base := mergeBase()
	a, b := base.Clone(), base.Clone()
	a.RemoveTags("vip")
	b.AddTags("refund")
	m, _ := Merge(base, a, b)
	if got := strings.Join(m.Tags, ","); got != "billing,refund" {
		t.Errorf("tags = %s", got)
	}
}

func TestMergeEqualTimesPickGreater(t *testing.T) {
	base := mergeBase()
	a, b := base.Clone(), base.Clone()
	a.SetPriority(PriorityHigh, at("2026-11-02T00:00:00Z"))
	b.SetPriority(PriorityLow, at("2026-11-02T00:00:00Z"))
	m1, c1 := Merge(base, a, b)
	m2, c2 := Merge(base, b, a)
	if m1.Priority != PriorityLow || m2.Priority != PriorityLow {
		t.Errorf("priority %s / %s, want low (the greater value on equal times)", m1.Priority, m2.Priority)
	}
	if c1[0].Note != c2[0].Note || c1[0].Note == "" {
		t.Errorf("note ids %q and %q differ", c1[0].Note, c2[0].Note)
	}
}

func TestMergeAddAdd(t *testing.T) {
	a := mergeBase()
	b := mergeBase()
	b.Title = "Refund for order 5522"
	b.Updated = at("2026-11-01T09:20:00Z")
	b.Entries = append(b.Entries, Entry{ID: "zzzzzz", Kind: KindNote, Author: "bob", At: at("2026-11-01T09:20:00Z"), Body: "dup"})
	m, conflicts := Merge(nil, a, b)
	if m.Title != b.Title || len(m.Entries) != 3 || len(conflicts) != 1 {
		t.Errorf("title %q, %d entries, conflicts %+v", m.Title, len(m.Entries), conflicts)
	}
}

func TestMergeNoteNotRepeated(t *testing.T) {
	base := mergeBase()
	a, b := base.Clone(), base.Clone()
	a.Assign("bob", at("2026-11-01T10:00:00Z"))
	b.Assign("carol", at("2026-11-01T11:00:00Z"))
	m, _ := Merge(base, a, b)
	// A second clone makes the same merge; merging the two results, or
	// either result with a side again, must not add a second note.
	again, _ := Merge(b, m, m.Clone())
	if !bytes.Equal(Render(again), Render(m)) {
		t.Error("re-merging changed the ticket")
	}
	m3, _ := Merge(a, m, b)
	if n := countKind(m3, KindNote); n != 1 {
		t.Errorf("%d notes after re-merge, want 1\n%s", n, Render(m3))
	}
}

func countKind(t *Ticket, k Kind) int {
	n := 0
	for _, e := range t.Entries {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// edit applies one random change of the kind agents make, at time now.
func edit(r *rand.Rand, t *Ticket, now time.Time) {
	agents := []string{"alice", "bob", "carol", ""}
	tags := []string{"refund", "vip", "billing", "shipping", "de"}
	switch r.IntN(10) {
	case 0:
		t.AddReply(Entry{Author: agents[r.IntN(3)], At: now, Body: randText(r, false)}, "")
	case 1:
		t.AddNote(Entry{Author: agents[r.IntN(3)], At: now, Body: randText(r, false)})
	case 2:
		t.AddMessage(Entry{Author: "jane@example.com", At: now, Body: randText(r, false)})
	case 3:
		t.AddTags(tags[r.IntN(len(tags))])
		t.Touch(now)
	case 4:
		if len(t.Tags) > 0 {
			t.RemoveTags(t.Tags[r.IntN(len(t.Tags))])
			t.Touch(now)
		}
	case 5:
		t.Assign(agents[r.IntN(len(agents))], now)
	case 6:
		t.SetStatus(Statuses[r.IntN(len(Statuses))], agents[r.IntN(3)], now)
	case 7:
		t.SetPriority(Priorities[r.IntN(len(Priorities))], now)
	case 8:
		keys := []string{"order", "sku", "country"}
		vals := []string{"", "5521", "5522", "DE", randText(r, true)}
		if t.SetField(keys[r.IntN(len(keys))], vals[r.IntN(len(vals))]) {
			t.Touch(now)
		}
	case 9:
		if len(t.Entries) > 0 {
			e := &t.Entries[r.IntN(len(t.Entries))]
			e.Body = CleanText(e.Body + "\n\n" + randText(r, false))
			t.Touch(now)
		}
	}
}

// branch applies n random edits to a copy of base, each later than the last.
func branch(r *rand.Rand, base *Ticket, n int) *Ticket {
	t := base.Clone()
	now := base.Updated
	for i := 0; i < n; i++ {
		now = now.Add(time.Duration(1+r.IntN(3600)) * time.Second)
		edit(r, t, now)
	}
	return t
}

func randMergeBase(r *rand.Rand) *Ticket {
	for {
		t := randTicket(r)
		// Generated tickets are hostile in content but keep times in order,
		// as every ticket the tool writes does.
		for i := range t.Entries {
			t.Entries[i].At = t.Created.Add(time.Duration(i) * time.Minute)
		}
		t.Updated = t.Created.Add(time.Hour)
		if t.Validate() == nil {
			return t
		}
	}
}

func TestMergeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	for i := 0; i < 600; i++ {
		base := randMergeBase(r)
		a := branch(r, base, r.IntN(6))
		b := branch(r, base, r.IntN(6))
		checkMerge(t, base, a, b)
	}
}

// checkMerge asserts the merge properties for one triple.
func checkMerge(t *testing.T, base, a, b *Ticket) {
	t.Helper()
	m1, _ := Merge(base, a, b)
	m2, _ := Merge(base, b, a)
	r1, r2 := Render(m1), Render(m2)
	if !bytes.Equal(r1, r2) {
		t.Fatalf("Merge(A, B) and Merge(B, A) differ:\n%s\n-----\n%s", r1, r2)
	}
	for _, side := range []*Ticket{a, b} {
		same, cs := Merge(base, side, side.Clone())
		if !bytes.Equal(Render(same), Render(side)) || len(cs) != 0 {
			t.Fatalf("merging a side with itself changed it:\n%s\n-----\n%s", Render(side), Render(same))
		}
		for _, e := range side.Entries {
			got := m1.Entry(e.ID)
			if got == nil {
				t.Fatalf("entry %s lost:\n%s", e.ID, r1)
			}
			if !strings.Contains(got.Body, e.Body) && !strings.Contains(e.Body, got.Body) {
				other := a
				if side == a {
					other = b
				}
				if oe := other.Entry(e.ID); oe == nil || !strings.Contains(got.Body, oe.Body) {
					t.Fatalf("entry %s lost its text %q: %q", e.ID, e.Body, got.Body)
				}
			}
		}
	}
	// One side unchanged: the merge is the other side.
	if ff, _ := Merge(base, a, base.Clone()); !bytes.Equal(Render(ff), Render(a)) {
		t.Fatalf("merge with an unchanged side is not the changed side:\n%s\n-----\n%s", Render(a), Render(ff))
	}
	if err := m1.Validate(); err != nil {
		t.Fatalf("merged ticket invalid: %v\n%s", err, r1)
	}
	back, err := Parse(r1)
	if err != nil {
		t.Fatalf("merged ticket does not parse: %v\n%s", err, r1)
	}
	if !bytes.Equal(Render(back), r1) {
		t.Fatal("merged ticket does not round trip")
	}
	if bytes.Contains(r1, []byte("<<<<<<<")) && !bytes.Contains(Render(a), []byte("<<<<<<<")) && !bytes.Contains(Render(b), []byte("<<<<<<<")) {
		t.Fatal("merge wrote conflict markers")
	}
	if !m1.Updated.Equal(later(a.Updated, b.Updated)) {
		t.Fatalf("updated %v, want the later of %v and %v", m1.Updated, a.Updated, b.Updated)
	}
	for _, tag := range base.Tags {
		if !a.HasTag(tag) && b.HasTag(tag) && m1.HasTag(tag) {
			t.Fatalf("tag %q removed on one side and kept on the other came back", tag)
		}
	}
}

func FuzzMerge(f *testing.F) {
	base := mergeBase()
	a := base.Clone()
	a.AddReply(Entry{ID: "aaaaaa", Author: "alice", At: at("2026-11-01T10:00:00Z"), Body: "Refund started."}, "")
	b := base.Clone()
	b.Assign("carol", at("2026-11-01T11:00:00Z"))
	b.Entries[0].Body = "edited"
	f.Add(Render(base), Render(a), Render(b))
	f.Add([]byte{}, Render(a), Render(b))
	seeds := seedTickets(f)
	for i, s := range seeds {
		f.Add(s, s, seeds[(i+1)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, bb, ab, tb []byte) {
		a, err := Parse(ab)
		if err != nil || a.Validate() != nil {
			return
		}
		b, err := Parse(tb)
		if err != nil || b.Validate() != nil {
			return
		}
		base, err := Parse(bb)
		if err != nil {
			base = nil
		}
		m1, _ := Merge(base, a, b)
		m2, _ := Merge(base, b, a)
		r1 := Render(m1)
		if !bytes.Equal(r1, Render(m2)) {
			t.Fatalf("not symmetric:\n%s\n-----\n%s", r1, Render(m2))
		}
		if same, _ := Merge(base, a, a.Clone()); !bytes.Equal(Render(same), Render(a)) {
			t.Fatal("merging a side with itself changed it")
		}
		for _, side := range []*Ticket{a, b} {
			for _, e := range side.Entries {
				if m1.Entry(e.ID) == nil {
					t.Fatalf("entry %s lost", e.ID)
				}
			}
		}
		back, err := Parse(r1)
		if err != nil {
			t.Fatalf("merged ticket does not parse: %v\n%s", err, r1)
		}
		if !bytes.Equal(Render(back), r1) {
			t.Fatal("merged ticket does not round trip")
		}
	})
}
