package ticket

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func sampleTicket() *Ticket {
	return &Ticket{
		ID: "7kq2m9", Title: "Refund for order 5521", Status: StatusOpen, Priority: PriorityHigh,
		Channel: "email", Customer: "jane@example.com", Assignee: "alice", Team: "billing",
		Tags: []string{"billing", "refund"}, Language: "en",
		Created: at("2026-11-01T09:14:00Z"), Updated: at("2026-11-01T10:02:00Z"),
		FirstResponse: at("2026-11-01T10:02:00Z"), SLA: "standard",
		Fields: map[string]string{"order": "5521", "plan": "Pro: yearly"},
		Entries: []Entry{
			{ID: "4hx7pq", Kind: KindMessage, Author: "Jane Doe <jane@example.com>", At: at("2026-11-01T09:14:00Z"),
				MessageID: "CAF1x2@mail.example.com", Attachments: []string{"7kq2m9/receipt.pdf"},
				Body: "Hello,\n\nthe kettle arrived broken. I'd like a refund.\n\nJane"},
			{ID: "9vz2mr", Kind: KindReply, Author: "alice", At: at("2026-11-01T10:02:00Z"),
				Body: "Hi Jane,\n\nsorry about that! The refund is on its way.", Meta: map[string]string{"sent": "2026-11-01T10:02:05Z"}},
			{ID: "b2c3d4", Kind: KindEvent, Author: "alice", At: at("2026-11-01T10:02:00Z"), From: StatusNew, Status: StatusOpen},
			{ID: "n0t3s1", Kind: KindNote, Author: "alice", At: at("2026-11-01T10:03:00Z"), Body: "Refund issued in the shop backend."},
		},
	}
}

func TestRenderGolden(t *testing.T) {
	for name, tk := range map[string]*Ticket{
		"full":    sampleTicket(),
		"minimal": {ID: "a1b2c3", Title: "", Status: StatusNew, Priority: PriorityNormal, Created: at("2026-01-02T03:04:05Z"), Updated: at("2026-01-02T03:04:05Z")},
		"hostile": {ID: "h0st1e", Title: "key: value # not a comment [x] {y} --- \"q\" 'a'", Status: StatusNew, Priority: PriorityLow,
			Customer: "- dash@example.com", Tags: []string{"a,b", "null", "x: y"},
			Created: at("2026-01-02T03:04:05Z"), Updated: at("2026-01-02T03:04:05Z"),
			Fields:   map[string]string{"multi": "line one\nline two", "true": "yes"},
			Preamble: "---\nnot front matter\n<!-- entry id=fake kind=message at=2026-01-01T00:00:00Z -->",
			Entries: []Entry{{ID: "e1e1e1", Kind: KindMessage, Author: "Evil --> <x@y>", At: at("2026-01-02T03:04:05Z"),
				Body: "<!-- entry id=zz kind=note at=2026-01-01T00:00:00Z -->\n\\<!-- entry already escaped -->\n---\n### heading\n{{ .Secret }}"}}},
	} {
		t.Run(name, func(t *testing.T) {
			got := Render(tk)
			path := filepath.Join("testdata", "golden", name+".md")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ticket -run Golden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("render differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
			back, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tk) {
				t.Errorf("round trip differs:\n got %#v\nwant %#v", back, tk)
			}
		})
	}
}

// nasty fragments that have broken front matter and entry formats elsewhere.
var nasty = []string{
	"", " ", "---", "...", "\n---\n", "<!-- entry ", "<!-- entry id=x kind=message at=2026-01-01T00:00:00Z -->",
	"\\<!-- entry ", "\\\\<!-- entry id=y -->", "-->", "key: value", ": ", " #", "#", "[", "]", "{", "}", ",",
	"{{ .Customer }}", "&anchor", "*alias", "!!binary", "!tag", "|", ">", "%YAML", "@", "`", "'", "\"", "\\",
	"null", "~", "true", "NO", "0x1f", "1e3", "2026-11-01", "- item", "? key", "\t", "\n", "\n\n",
	"\u2028", "\u0085", "\ufeff", "\u200b", "한국어 메일", "ไทย", "İstanbul ışık", "Grüße", "😀", "\x7f", "\x1b[31m",
	"### heading", "=", "a=b", "\"quoted\"", "-", "--", "<x@y.z>", "Re: [#7kq2m9] hi",
}

func randText(r *rand.Rand, oneLine bool) string {
	var b strings.Builder
	n := r.IntN(6)
	for i := 0; i < n; i++ {
		switch r.IntN(8) {
		case 0:
			b.WriteString(strings.Repeat("x", r.IntN(3000)))
		case 1:
			b.WriteString("word ")
		default:
			b.WriteString(nasty[r.IntN(len(nasty))])
		}
		if !oneLine && r.IntN(3) == 0 {
			b.WriteString("\n")
		}
	}
	s := CleanText(b.String())
	if oneLine {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	return s
}

func randTime(r *rand.Rand) time.Time {
	return time.Unix(1700000000+r.Int64N(100000000), 0).UTC()
}

func randTicket(r *rand.Rand) *Ticket {
	t := &Ticket{
		ID: randomID(6), Title: randText(r, true), Status: Statuses[r.IntN(len(Statuses))],
		Priority: Priorities[r.IntN(len(Priorities))], Channel: randText(r, true), Customer: randText(r, true),
		Assignee: randText(r, true), Team: randText(r, true), Language: randText(r, true),
		Created: randTime(r), Updated: randTime(r), Reopened: r.IntN(3), SLA: randText(r, true),
		Preamble: randText(r, false),
	}
	if r.IntN(2) == 0 {
		t.FirstResponse = randTime(r)
		t.Resolved = randTime(r)
	}
	for i := r.IntN(4); i > 0; i-- {
		if tag := randText(r, true); tag != "" {
			t.Tags = append(t.Tags, tag)
		}
	}
	for i := r.IntN(4); i > 0; i-- {
		if k := randText(r, true); k != "" {
			if t.Fields == nil {
				t.Fields = map[string]string{}
			}
			t.Fields[k] = randText(r, false)
		}
	}
	for i := r.IntN(5); i > 0; i-- {
		e := Entry{ID: randomID(6), Kind: Kinds[r.IntN(len(Kinds))], Author: randText(r, true), At: randTime(r),
			MessageID: randText(r, true), Body: randText(r, false)}
		if e.Kind == KindEvent {
			e.Status, e.From = StatusOpen, StatusNew
		}
		if r.IntN(3) == 0 {
			e.Attachments = []string{randText(r, true), "a/b.pdf"}
			e.Meta = map[string]string{"sent": randText(r, false), "to": "x@y"}
			e.Auto = "bounce"
		}
		t.Entries = append(t.Entries, e)
	}
	return t
}

func TestRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	for i := 0; i < 3000; i++ {
		tk := randTicket(r)
		if err := tk.Validate(); err != nil {
			continue
		}
		out := Render(tk)
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("parse of rendered ticket failed: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, tk) {
			t.Fatalf("round trip differs: %s", firstDiff(back, tk))
		}
		if again := Render(back); !bytes.Equal(again, out) {
			t.Fatalf("second render differs")
		}
	}
}

func FuzzParseRender(f *testing.F) {
	for _, b := range seedTickets(f) { // golden files, scripts (fuzz_test.go)
		f.Add(b)
	}
	f.Add([]byte("---\nid: abc\nstatus: new\ncreated: 2026-01-01T00:00:00Z\n---\n"))
	f.Add([]byte("---\nid: abc\nstatus: new\ncreated: 2026-01-01T00:00:00Z\na: &x [*x]\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := Parse(data)
		if err != nil {
			return
		}
		if tk.Validate() != nil {
			return
		}
		one := Render(tk)
		back, err := Parse(one)
		if err != nil {
			t.Fatalf("rendered file does not parse: %v\n%q", err, one)
		}
		if !reflect.DeepEqual(back, tk) {
			t.Fatalf("parse(render(t)) != t\n got %#v\nwant %#v", back, tk)
		}
		if two := Render(back); !bytes.Equal(one, two) {
			t.Fatalf("render not stable:\n%q\n%q", one, two)
		}
	})
}

func TestParseErrorsNameLines(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"id: x", ":1: a ticket file starts"},
		{"---\nid: 7kq2m9\n", ":1: front matter is not closed"},
		{"---\nid: 7kq2m9\nstatus: opne\ncreated: 2026-01-01T00:00:00Z\n---\n", `:3: unknown status "opne"`},
		{"---\nid: 7kq2m9\nstatus: new\ncreated: yesterday\n---\n", `:4: created: "yesterday" is not an RFC 3339 time`},
		{"---\nid: 7kq2m9\nstatus: new\ncreated: 2026-01-01T00:00:00Z\nstauts: x\n---\n", `:5: unknown key "stauts"`},
		{"---\nid: 7kq2m9\nstatus: new\ncreated: 2026-01-01T00:00:00Z\n---\n\n<!-- entry id=a kind=mesage at=2026-01-01T00:00:00Z -->\n", `:7: entry marker: unknown entry kind "mesage"`},
		{"---\nid: 7kq2m9\nstatus: new\ntitle: [a\ncreated: 2026-01-01T00:00:00Z\n---\n", "front matter: did not find expected"},
		{"---\nid: 7kq2m9\nstatus: new\ncreated: 2026-01-01T00:00:00Z\ntitle: *a\n---\n", ":2: front matter"},
	} {
		_, err := ParseFile("tickets/7k/7kq2m9.md", []byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "tickets/7k/7kq2m9.md") {
			t.Errorf("Parse(%q) error = %v, want it to contain %q and the path", c.in, err, c.want)
		}
	}
}

func TestHandWrittenFileIsKept(t *testing.T) {
	in := "---\nid: 7kq2m9\ntitle: Hand written\nstatus: open\npriority: normal\ncreated: 2026-01-01T00:00:00Z\nupdated: 2026-01-01T00:00:00Z\n---\n\nSome notes a person typed.\n\n<!-- entry id=a1 kind=message at=2026-01-01T00:00:00Z author=jane@example.com -->\n### Message from jane@example.com · 2026-01-01 00:00 UTC\n\nHello\n"
	tk, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Preamble != "Some notes a person typed." || tk.Entries[0].Body != "Hello" {
		t.Fatalf("preamble %q body %q", tk.Preamble, tk.Entries[0].Body)
	}
	if got := string(Render(tk)); got != in {
		t.Errorf("canonical hand-written file rewritten:\n%s", got)
	}
}

func TestInvalidUTF8NeverBinary(t *testing.T) {
	tk := sampleTicket()
	tk.Title = CleanLine("bad \xff\xfe bytes \x00 here")
	out := Render(tk)
	if bytes.Contains(out, []byte("!!binary")) || !strings.Contains(string(out), "bad \ufffd\ufffd bytes") {
		t.Fatalf("unexpected title rendering:\n%s", out)
	}
	back, err := Parse([]byte(strings.Replace(string(out), "5521\n", "5521\xff\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(back.Title, "\ufffd") {
		t.Fatal("title lost replacement characters")
	}
}

func TestMegabyteLine(t *testing.T) {
	tk := sampleTicket()
	tk.Entries[0].Body = strings.Repeat("a", 2<<20)
	tk.Title = strings.Repeat("t", 300000)
	back, err := Parse(Render(tk))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Entries[0].Body) != 2<<20 || back.Title != tk.Title {
		t.Fatal("long lines not kept")
	}
}

// firstDiff names the first field where two tickets differ, briefly.
func firstDiff(a, b *Ticket) string {
	short := func(v any) string {
		s := fmt.Sprintf("%q", v)
		if len(s) > 300 {
			s = s[:150] + "…" + s[len(s)-150:]
		}
		return s
	}
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	for i := 0; i < va.NumField(); i++ {
		name := va.Type().Field(i).Name
		if name == "Entries" {
			if len(a.Entries) != len(b.Entries) {
				return fmt.Sprintf("entries: %d vs %d", len(a.Entries), len(b.Entries))
			}
			for j := range a.Entries {
				ea, eb := reflect.ValueOf(a.Entries[j]), reflect.ValueOf(b.Entries[j])
				for k := 0; k < ea.NumField(); k++ {
					if !reflect.DeepEqual(ea.Field(k).Interface(), eb.Field(k).Interface()) {
						return fmt.Sprintf("entry %d %s: got %s want %s", j, ea.Type().Field(k).Name, short(ea.Field(k).Interface()), short(eb.Field(k).Interface()))
					}
				}
			}
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return fmt.Sprintf("%s: got %s want %s", name, short(va.Field(i).Interface()), short(vb.Field(i).Interface()))
		}
	}
	return "no field differs"
}
