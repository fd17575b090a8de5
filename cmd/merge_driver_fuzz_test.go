package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/ticketdesk/ticket/ticket"
)

// FuzzMergeDriver runs the merge driver as git does, on three arbitrary
// files (base, ours, theirs). When all three are tickets (an empty base is
// a ticket added on both sides) the driver must merge them itself: it
// succeeds, writes a valid ticket without git's conflict markers, loses no
// entry of either side, and writes the same bytes whichever side is ours.
// Files that are not tickets fall back to git's text merge, which is git's
// business and not fuzzed here.
func FuzzMergeDriver(f *testing.F) {
	var seeds [][]byte
	files, _ := filepath.Glob("../ticket/testdata/golden/*.md")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	archives, _ := filepath.Glob("testdata/*/*.txtar")
	for _, file := range archives {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if strings.HasSuffix(af.Name, ".md") && strings.Contains(af.Name, ticket.TicketsDir+"/") {
				seeds = append(seeds, af.Data)
			}
		}
	}
	for i, s := range seeds {
		next := seeds[(i+1)%len(seeds)]
		f.Add(s, s, next)
		f.Add([]byte{}, s, next)
		if tk, err := ticket.Parse(s); err == nil {
			// Both sides edit the same ticket: a reply on one, a field on the other.
			a, b := tk.Clone(), tk.Clone()
			a.AddReply(ticket.Entry{ID: "zz1zz1", Author: "alice", At: tk.Created.Add(3600e9), Body: "Done."}, "")
			b.Title += " (edited)"
			f.Add(s, ticket.Render(a), ticket.Render(b))
		}
	}
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		parse := func(b []byte) *ticket.Ticket {
			tk, err := ticket.Parse(b)
			if err != nil || tk.Validate() != nil {
				return nil
			}
			return tk
		}
		o, th := parse(ours), parse(theirs)
		if o == nil || th == nil || len(bytes.TrimSpace(base)) > 0 && parse(base) == nil {
			return
		}
		dir := t.TempDir()
		run := func(ours, theirs []byte) []byte {
			paths := map[string][]byte{"base": base, "ours": ours, "theirs": theirs}
			for name, data := range paths {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var errOut bytes.Buffer
			app := &App{Out: &bytes.Buffer{}, Err: &errOut, Getenv: func(string) string { return "" }}
			opt := mergeDriverOptions{Base: filepath.Join(dir, "base"), Ours: filepath.Join(dir, "ours"), Theirs: filepath.Join(dir, "theirs"), Path: "tickets/7k/7kq2m9.md"}
			if err := runMergeDriver(app, opt); err != nil {
				t.Fatalf("the driver gave up on three tickets: %v\n%s", err, errOut.Bytes())
			}
			out, err := os.ReadFile(opt.Ours)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		out := run(ours, theirs)
		for _, marker := range []string{"<<<<<<<", ">>>>>>>", "|||||||"} {
			if bytes.Contains(out, []byte("\n"+marker)) && !bytes.Contains(ours, []byte(marker)) && !bytes.Contains(theirs, []byte(marker)) {
				t.Fatalf("conflict marker %s in the merged file:\n%s", marker, out)
			}
		}
		merged, err := ticket.Parse(out)
		if err != nil {
			t.Fatalf("merged file does not parse: %v\n%s", err, out)
		}
		if err := merged.Validate(); err != nil {
			t.Fatalf("merged ticket is not valid: %v\n%s", err, out)
		}
		for _, side := range []*ticket.Ticket{o, th} {
			for _, e := range side.Entries {
				if merged.Entry(e.ID) == nil {
					t.Fatalf("entry %s lost:\n%s", e.ID, out)
				}
			}
		}
		if swapped := run(theirs, ours); !bytes.Equal(swapped, out) {
			t.Fatalf("not symmetric:\n%s\n-----\n%s", out, swapped)
		}
	})
}
