package index

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

func segmentFiles(t *testing.T, d *desk) []string {
	t.Helper()
	m, _ := filepath.Glob(d.ix.worktreeFile() + ".*.seg")
	return m
}

func loadLazy(t *testing.T, d *desk) []Result {
	t.Helper()
	d.ix.Lazy = true
	defer func() { d.ix.Lazy = false }()
	res, _, err := d.ix.Worktree(parse)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A listing reads heads only; the entries come from the segment, or from
// the file when the segment is gone or damaged.
func TestHeadsAndConversations(t *testing.T) {
	d := newDesk(t)
	d.write(sampleTicket("7kq2m9", "Kettle", "broken kettle"))
	d.settle()
	d.load()
	for _, damage := range []string{"none", "deleted", "flipped"} {
		segs := segmentFiles(t, d)
		if len(segs) != 1 {
			t.Fatalf("%s: %d segments, want 1", damage, len(segs))
		}
		switch damage {
		case "deleted":
			os.Remove(segs[0])
		case "flipped":
			b, _ := os.ReadFile(segs[0])
			b[len(b)-3] ^= 0x20
			os.WriteFile(segs[0], b, 0o644)
		}
		res := loadLazy(t, d)
		h, dg, err := res[0].Head()
		if err != nil || h.Title != "Kettle" || h.Entries != nil || dg.Entries != 2 || !dg.LastAt.Equal(sampleTicket("x", "", "").Entries[1].At) {
			t.Fatalf("%s: head %+v, digest %+v, %v", damage, h, dg, err)
		}
		full, err := res[0].Load()
		if err != nil || len(full.Entries) != 2 || full.Entries[0].Body != "broken kettle" {
			t.Fatalf("%s: full ticket %+v, %v", damage, full, err)
		}
		// A deleted segment is noticed by the next load, which parses
		// the file again and writes a new one.
		d.load()
	}
}

// After a pull of a few changed tickets only those are parsed; their
// conversations go to a new segment, and once most of the old ones are
// dead the live conversations are copied together.
func TestRewriteParsesOnlyChanges(t *testing.T) {
	d := newDesk(t)
	for i := range 30 {
		d.write(sampleTicket(fmt.Sprintf("a%05d", i), fmt.Sprintf("T%d", i), strings.Repeat("body ", 100)))
	}
	d.settle()
	if _, st := d.load(); st.Parsed != 30 {
		t.Fatalf("first load parsed %d", st.Parsed)
	}
	for round := range 12 {
		tk := sampleTicket(fmt.Sprintf("a%05d", round), fmt.Sprintf("T%d changed", round), strings.Repeat("new ", 100))
		p := d.write(tk)
		os.Chtimes(p, ticketTime(round), ticketTime(round))
		res, st := d.load()
		if st.Parsed != 1 || !st.Wrote {
			t.Fatalf("round %d: parsed %d, wrote %v", round, st.Parsed, st.Wrote)
		}
		if got := res[round].Ticket; got.Title != tk.Title || got.Entries[0].Body != tk.Entries[0].Body {
			t.Fatalf("round %d: %q %q", round, got.Title, got.Entries[0].Body)
		}
		if other := res[29].Ticket; other.Title != "T29" || len(other.Entries) != 2 {
			t.Fatalf("round %d: unchanged ticket read as %+v", round, other)
		}
		if n := len(segmentFiles(t, d)); n > 9 {
			t.Fatalf("round %d: %d segments kept", round, n)
		}
	}
}

func ticketTime(i int) time.Time { return time.Now().Add(-time.Duration(i+2) * time.Hour) }

// A file edited in the same second the index was written, keeping its
// size, must not be served from the index (git's racy-clean entries).
func TestRacySameSecondEditOfHead(t *testing.T) {
	d := newDesk(t)
	p := d.write(sampleTicket("7kq2m9", "Kettle", "x"))
	d.load()
	fi, _ := os.Stat(d.ix.worktreeFile())
	os.WriteFile(p, ticket.Render(sampleTicket("7kq2m9", "Kettlf", "x")), 0o644)
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	res := loadLazy(t, d)
	if h, _, err := res[0].Head(); err != nil || h.Title != "Kettlf" {
		t.Fatalf("racy head: %+v %v", h, err)
	}
}
