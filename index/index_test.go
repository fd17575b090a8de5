package index

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

func sampleTicket(id, title, body string) *ticket.Ticket {
	at := time.Date(2026, 11, 1, 9, 14, 0, 0, time.UTC)
	return &ticket.Ticket{
		ID: id, Title: title, Status: ticket.StatusOpen, Priority: ticket.PriorityHigh,
		Channel: "email", Customer: "jane@example.com", Tags: []string{"billing", "refund"},
		Language: "en", Created: at, Updated: at.Add(time.Hour),
		Fields: map[string]string{"order": "5521"},
		Entries: []ticket.Entry{
			{ID: "4hx7pq", Kind: ticket.KindMessage, Author: "Jane Doe <jane@example.com>", At: at, MessageID: "a@b", Body: body},
			{ID: "9vz2mr", Kind: ticket.KindEvent, Author: "alice", At: at.Add(time.Hour), From: ticket.StatusNew, Status: ticket.StatusOpen, Meta: map[string]string{"x": "y"}},
		},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	for _, tk := range []*ticket.Ticket{
		sampleTicket("7kq2m9", "Refund", "Hello, the kettle arrived broken."),
		{ID: "000000", Title: "", Status: ticket.StatusNew, Created: time.Unix(0, 0).UTC()},
		{ID: "zzzzzz", Title: "x", Status: ticket.StatusNew, Tags: []string{}, Fields: map[string]string{}, Entries: []ticket.Entry{}, Preamble: "free text"},
	} {
		var e encoder
		e.ticket(tk)
		d := decoder{meta: e.meta, body: e.body}
		got := d.ticket()
		if d.err != nil || len(d.meta) != 0 {
			t.Fatalf("decode: %v, %d bytes left", d.err, len(d.meta))
		}
		if !reflect.DeepEqual(got, tk) {
			t.Errorf("round trip changed the ticket:\n got %#v\nwant %#v", got, tk)
		}
	}
}

func TestCodecRejectsGarbage(t *testing.T) {
	var e encoder
	e.ticket(sampleTicket("7kq2m9", "Refund", "body"))
	for n := range len(e.meta) {
		d := decoder{meta: e.meta[:n], body: e.body}
		d.ticket() // must not panic
	}
}

// desk writes ticket files into a temporary desk folder.
type desk struct {
	t    *testing.T
	root string
	ix   *Index
}

func newDesk(t *testing.T) *desk {
	root := t.TempDir()
	return &desk{t: t, root: root, ix: Open(filepath.Join(root, ".git"), root, "")}
}

func (d *desk) write(tk *ticket.Ticket) string {
	p := filepath.Join(d.root, filepath.FromSlash(ticket.Path(tk.ID)))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, ticket.Render(tk), 0o644); err != nil {
		d.t.Fatal(err)
	}
	return p
}

func parse(path string, data []byte) (*ticket.Ticket, error) { return ticket.ParseFile(path, data) }

func (d *desk) load() ([]Result, Stats) {
	d.t.Helper()
	res, st, err := d.ix.Worktree(parse)
	if err != nil {
		d.t.Fatal(err)
	}
	return res, st
}

func titles(res []Result) string {
	var out []string
	for _, r := range res {
		if r.Err != nil {
			out = append(out, "ERR")
			continue
		}
		out = append(out, r.Ticket.ID+"="+r.Ticket.Title)
	}
	return strings.Join(out, " ")
}

// backdate moves a file's times out of the racy window, as if it had been
// written a while ago.
func (d *desk) settle() {
	old := time.Now().Add(-time.Hour)
	filepath.Walk(filepath.Join(d.root, "tickets"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			os.Chtimes(p, old, old)
		}
		return nil
	})
}

func TestWorktreeIsNeverStale(t *testing.T) {
	d := newDesk(t)
	d.write(sampleTicket("7kq2m9", "Kettle", "broken kettle"))
	d.write(sampleTicket("8aaaaa", "Mixer", "loud mixer"))
	d.settle()
	res, st := d.load()
	if got := titles(res); got != "7kq2m9=Kettle 8aaaaa=Mixer" || st.Parsed != 2 {
		t.Fatalf("first load: %s, parsed %d", got, st.Parsed)
	}
	if _, st = d.load(); st.Parsed != 0 || st.Wrote {
		t.Fatalf("second load parsed %d files, wrote %v; want 0, false", st.Parsed, st.Wrote)
	}

	// A same-size edit with the old mtime put back: the inode or ctime
	// still tells.
	p := d.write(sampleTicket("7kq2m9", "Kettlf", "broken kettle"))
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	if res, st = d.load(); titles(res) != "7kq2m9=Kettlf 8aaaaa=Mixer" || st.Parsed != 1 {
		t.Fatalf("after a same-size edit: %s, parsed %d", titles(res), st.Parsed)
	}

	// Deleted file.
	os.Remove(p)
	if res, _ = d.load(); titles(res) != "8aaaaa=Mixer" {
		t.Fatalf("after delete: %s", titles(res))
	}
}

func TestRacyEntriesAreCheckedAgain(t *testing.T) {
	d := newDesk(t)
	p := d.write(sampleTicket("7kq2m9", "Kettle", "x"))
	d.load()
	// Make the file and the index carry the same second, and edit the file
	// keeping every stat field the index compares except that it cannot
	// see the change: the entry is racy and must be re-read.
	ixf := d.ix.worktreeFile()
	fi, _ := os.Stat(ixf)
	data := ticket.Render(sampleTicket("7kq2m9", "Kettlf", "x"))
	os.WriteFile(p, data, 0o644)
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	if res, st := d.load(); titles(res) != "7kq2m9=Kettlf" || st.Parsed != 1 {
		t.Fatalf("racy entry: %s, parsed %d", titles(res), st.Parsed)
	}
}

func TestDamagedIndexIsRebuilt(t *testing.T) {
	d := newDesk(t)
	for i := range 20 {
		d.write(sampleTicket(fmt.Sprintf("a%05d", i), fmt.Sprintf("T%d", i), strings.Repeat("body ", i)))
	}
	d.settle()
	want, _ := d.load()
	wantS := titles(want)
	f := d.ix.worktreeFile()
	good, _ := os.ReadFile(f)
	damage := map[string]func([]byte) []byte{
		"empty":     func(b []byte) []byte { return nil },
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"magic":     func(b []byte) []byte { b[0] ^= 1; return b },
		"version":   func(b []byte) []byte { b[8]++; return b },
		"header":    func(b []byte) []byte { b[20] ^= 0x40; return b },
		"body":      func(b []byte) []byte { b[headerSize+5] ^= 0x40; return b },
		"records":   func(b []byte) []byte { b[len(b)-7] ^= 0x40; return b },
		"longer":    func(b []byte) []byte { return append(b, 0) },
	}
	for name, fn := range damage {
		b := fn(append([]byte(nil), good...))
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		res, st := d.load()
		if titles(res) != wantS || st.Parsed != 20 || !st.Wrote {
			t.Errorf("%s: got %s, parsed %d", name, titles(res), st.Parsed)
		}
	}
	os.Remove(f)
	if res, _ := d.load(); titles(res) != wantS {
		t.Errorf("deleted: %s", titles(res))
	}
}

func TestBrokenFilesAreReportedEveryTime(t *testing.T) {
	d := newDesk(t)
	d.write(sampleTicket("7kq2m9", "Kettle", "x"))
	os.MkdirAll(filepath.Join(d.root, "tickets", "8a"), 0o755)
	os.WriteFile(filepath.Join(d.root, "tickets", "8a", "8aaaaa.md"), []byte("---\nid: 8aaaaa\nstauts: open\n---\n"), 0o644)
	d.settle()
	for range 2 {
		res, _ := d.load()
		if titles(res) != "7kq2m9=Kettle ERR" {
			t.Fatalf("got %s", titles(res))
		}
	}
}

func TestAtRefByBlob(t *testing.T) {
	d := newDesk(t)
	files := map[string][]byte{}
	var list []File
	for i, title := range []string{"One", "Two"} {
		tk := sampleTicket(fmt.Sprintf("b%05d", i), title, "x")
		p := ticket.Path(tk.ID)
		files[p] = ticket.Render(tk)
		list = append(list, File{Path: p, Hash: fmt.Sprintf("%040d", i)})
	}
	reads := 0
	read := func(p string) ([]byte, error) { reads++; return files[p], nil }
	for round := range 2 {
		res, _, err := d.ix.AtRef(list, read, parse)
		if err != nil {
			t.Fatal(err)
		}
		if titles(res) != "b00000=One b00001=Two" {
			t.Fatalf("round %d: %s", round, titles(res))
		}
	}
	if reads != 2 {
		t.Errorf("read %d blobs, want 2 (the second load comes from the index)", reads)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Müller":   "muller",
		"İstanbul": "istanbul",
		"ISTANBUL": "istanbul",
		"ıspanak":  "ispanak",
		"Straße":   "strasse",
		"Çağrı":    "cagri",
		"환불 요청":    "환불 요청",
		"ไม่ได้รับสินค้า": "ไม่ได้รับสินค้า",
		"Ελληνικά": "ελληνικα",
	} {
		if got := fold(in, nil); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// After any rewrite the work-tree index is in path order, whatever order
// the workers finished in, so the next load matches it without a map; and
// the listing skips what is not a ticket file.
func TestWorktreeRecordsInPathOrder(t *testing.T) {
	d := newDesk(t)
	var want []string
	for i := range 300 {
		id := fmt.Sprintf("%c%c%04d", "abcdefgh"[i%8], "jkmnpqrs"[i/8%8], i)
		d.write(sampleTicket(id, "T"+id, "body"))
		want = append(want, id+"=T"+id)
	}
	// Not tickets: a file with another suffix, a folder named like a
	// ticket, a hidden editor file, a name that is no ticket id.
	os.WriteFile(filepath.Join(d.root, "tickets", "aj", "aj0000.md~"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(d.root, "tickets", "aj", "ajzzzz.md"), 0o755)
	os.WriteFile(filepath.Join(d.root, "tickets", "aj", ".aj0000.md.swp"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(d.root, "tickets", "aj", "README.md"), []byte("x"), 0o644)
	d.settle()
	sorted := func() {
		t.Helper()
		f, err := readIndex(d.ix.worktreeFile(), kindWorktree)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(f.records); i++ {
			if f.records[i-1].path >= f.records[i].path {
				t.Fatalf("records %d and %d out of order: %s, %s", i-1, i, f.records[i-1].path, f.records[i].path)
			}
		}
		if len(f.records) != len(want) {
			t.Fatalf("%d records, want %d", len(f.records), len(want))
		}
	}
	sortedWant := func() string {
		w := append([]string(nil), want...)
		slices.Sort(w)
		return strings.Join(w, " ")
	}
	res, st := d.load()
	if got := titles(res); got != sortedWant() || st.Parsed != 300 {
		t.Fatalf("first load parsed %d:\n got %s\nwant %s", st.Parsed, got, sortedWant())
	}
	sorted()
	// Change every seventh ticket and add one: the rewrite mixes parsed
	// and kept records.
	// Only the changed files are moved out of the racy window: a chtime
	// of the others would change their ctime too.
	old := time.Now().Add(-time.Hour)
	for i := 0; i < len(want); i += 7 {
		id := strings.SplitN(want[i], "=", 2)[0]
		os.Chtimes(d.write(sampleTicket(id, "New"+id, "changed body")), old, old)
		want[i] = id + "=New" + id
	}
	os.Chtimes(d.write(sampleTicket("aa0000", "Added", "x")), old, old)
	want = append(want, "aa0000=Added")
	res, st = d.load()
	if got := titles(res); got != sortedWant() || st.Parsed != 44 {
		t.Fatalf("after changes parsed %d:\n got %s\nwant %s", st.Parsed, got, sortedWant())
	}
	sorted()
	if res, st = d.load(); titles(res) != sortedWant() || st.Parsed != 0 || st.Wrote {
		t.Fatalf("warm load parsed %d, wrote %v", st.Parsed, st.Wrote)
	}
}

func TestWriterRemovesStaleTemps(t *testing.T) {
	d := newDesk(t)
	d.write(sampleTicket("7kq2m9", "Kettle", "broken kettle"))
	d.settle()
	d.load()
	files, _ := filepath.Glob(filepath.Join(d.root, ".git", "ticket", "index", "*"))
	if len(files) == 0 {
		t.Fatal("the first load wrote no index under .git/ticket/index")
	}
	dir := filepath.Dir(files[0])
	// What a process killed mid-write leaves: an index file and a segment,
	// an hour and a half ago; and one being written right now.
	stale := []string{filepath.Join(dir, ".tmp-worktree-123"), filepath.Join(dir, ".tmp-segment-456")}
	fresh := filepath.Join(dir, ".tmp-segment-789")
	old := time.Now().Add(-90 * time.Minute)
	for _, p := range append(stale, fresh) {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range stale {
		os.Chtimes(p, old, old)
	}
	d.write(sampleTicket("8aaaaa", "Mixer", "loud mixer"))
	if _, st := d.load(); !st.Wrote {
		t.Fatal("a new ticket did not make the load write the index")
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s: a killed writer's temporary file was left", filepath.Base(p))
		}
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("%s: a temporary file another writer may still be writing was removed (%v)", filepath.Base(fresh), err)
	}
}

func TestLinkedTicketsFolderIsRefused(t *testing.T) {
	d := newDesk(t)
	outside := t.TempDir()
	tk := sampleTicket("7kq2m9", "Kettle", "broken kettle")
	os.MkdirAll(filepath.Join(outside, "7k"), 0o755)
	os.WriteFile(filepath.Join(outside, "7k", "7kq2m9.md"), ticket.Render(tk), 0o644)
	if err := os.Symlink(outside, filepath.Join(d.root, "tickets")); err != nil {
		t.Fatal(err)
	}
	res, _, err := d.ix.Worktree(parse)
	if err == nil || !strings.Contains(err.Error(), "tickets: is a symbolic link") {
		t.Fatalf("Worktree over a linked tickets folder = %d results, %v; want a refusal", len(res), err)
	}
}
