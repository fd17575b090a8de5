package ticket

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
)

// The fuzz targets of this file take their seeds from the project's own
// files — the golden tickets, the end-to-end scripts, the demo desk and the
// documented configuration — so the seeds follow the formats as they change.

// seedFiles returns the contents of the files matching the patterns, and of
// the txtar sections (in cmd/testdata) whose names end with one of suffixes.
func seedFiles(tb testing.TB, patterns []string, suffixes ...string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			tb.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(suffixes) > 0 {
		archives, _ := filepath.Glob("../cmd/testdata/*/*.txtar")
		for _, file := range archives {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			for _, f := range ar.Files {
				for _, s := range suffixes {
					if strings.HasSuffix(f.Name, s) {
						out = append(out, f.Data)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no seed files match %q %q", patterns, suffixes)
	}
	return out
}

// seedTickets are the ticket files of the golden tests and the scripts.
func seedTickets(tb testing.TB) [][]byte {
	var out [][]byte
	for _, b := range seedFiles(tb, []string{"testdata/golden/*.md"}, ".md") {
		if _, err := Parse(b); err == nil {
			out = append(out, b)
		}
	}
	return append(out, Render(sampleTicket()))
}

// seedConfigs are the configuration files of the demo desk, the scripts and
// the complete example of docs/config.md.
func seedConfigs(tb testing.TB) [][]byte {
	out := seedFiles(tb, []string{"../examples/demo/config.yaml"}, "config.yaml")
	if doc, err := os.ReadFile("../docs/config.md"); err == nil {
		if _, rest, ok := strings.Cut(string(doc), "## A complete example\n\n```yaml\n"); ok {
			src, _, _ := strings.Cut(rest, "```")
			out = append(out, []byte(src))
		}
	}
	return append(out, []byte(exampleConfig), []byte(fullConfig))
}

// FuzzRules compiles one arbitrary rule into a desk's configuration and runs
// it on a ticket for both events. A rule that does not compile fails with
// RuleErrors about itself; one that does plans deterministically, Apply
// makes exactly the planned changes, and the changed ticket still validates
// and renders to a file that parses back to it.
func FuzzRules(f *testing.F) {
	for _, src := range seedConfigs(f) {
		c, err := ParseConfig(ConfigPath, src)
		if err != nil {
			continue
		}
		for _, r := range c.Rules {
			set := ""
			for k, v := range r.Then.Set {
				set = k + "=" + v
			}
			f.Add(r.If, strings.Join(r.Then.Tag, ","), strings.Join(r.Then.Untag, ","), r.Then.Priority, r.Then.Team,
				r.Then.Assign, r.Then.AssignTeam, set, r.Then.SLA, r.Then.Reply, strings.Join(r.On, ","), r.Stop,
				"Urgent: refund for order 5521", "Hallo, bitte um Rückerstattung.")
		}
	}
	f.Add(`subject matches "(?i)[" || body contains "x"`, "", "", "", "", "", "", "", "", "", "message,create", true, "", "")
	f.Add("", "", "", "", "", "", "marketplace", "", "", "", "create,message", false, "Hallo", "Guten Tag") // fair assignment
	f.Add(`len(tags) > 1 and "billing" in tags`, "-vip", "billing", "urgent", "billing", "hans", "", "order=", "standard", "ack", "", false, "Re: x", "")
	base, err := ParseConfig(ConfigPath, []byte(fullConfig))
	if err != nil {
		f.Fatal(err)
	}
	now := at("2026-11-02T08:00:00Z")
	split := func(s string) StringList {
		if s == "" {
			return nil
		}
		return StringList(strings.Split(s, ","))
	}
	f.Fuzz(func(t *testing.T, cond, tag, untag, priority, team, assign, assignTeam, set, sla, reply, on string, stop bool, subject, text string) {
		r := Rule{Name: "fuzzed", If: cond, Stop: stop, On: split(on), Then: Actions{
			Tag: split(tag), Untag: split(untag), Priority: priority, Team: team, Assign: assign,
			AssignTeam: assignTeam, SLA: sla, Reply: reply}}
		if k, v, ok := strings.Cut(set, "="); ok {
			r.Then.Set = map[string]string{k: v}
		}
		cfg := *base
		cfg.Rules = append(slices.Clone(base.Rules), r)
		e, err := NewRuleEngine(&cfg)
		if err != nil {
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("error %v does not join RuleErrors", err)
			}
			for _, one := range joined.Unwrap() {
				var re *RuleError
				if !errors.As(one, &re) || re.Index != len(base.Rules) || re.Name != r.Name || re.Key == "" {
					t.Fatalf("error %q is not about the fuzzed rule", one)
				}
			}
			return
		}
		for _, ev := range []RuleEvent{RuleOnCreate, RuleOnMessage} {
			tk := sampleTicket()
			env := NewQueryEnv(tk, now)
			env.SetMessage(subject, "jane@example.com", []string{"support@example.com"}, text, false)
			in := RuleInput{Ticket: tk, Env: env, Event: ev, Now: now}
			plan, matched, err := e.Plan(in, nil)
			if err != nil {
				continue // a condition may fail at run time (a type error); it is reported
			}
			again, matched2, _ := e.Plan(in, nil)
			if !reflect.DeepEqual(plan, again) || !reflect.DeepEqual(matched, matched2) {
				t.Fatalf("Plan is not deterministic: %v / %v", plan, again)
			}
			if !reflect.DeepEqual(tk, sampleTicket()) {
				t.Fatal("Plan changed the ticket")
			}
			done, err := e.Apply(in, nil)
			if err != nil {
				t.Fatalf("Apply failed after Plan succeeded: %v", err)
			}
			if !reflect.DeepEqual(done, plan) {
				t.Fatalf("Apply did %v, Plan said %v", done, plan)
			}
			for _, a := range done {
				if a.Rule == "" || a.Kind == "" {
					t.Fatalf("action %+v names no rule or kind", a)
				}
			}
			if err := tk.Validate(); err != nil {
				t.Fatalf("rules %v made an invalid ticket: %v", done, err)
			}
			back, err := Parse(Render(tk))
			if err != nil {
				t.Fatalf("ticket after rules %v does not parse back: %v", done, err)
			}
			if !reflect.DeepEqual(back, tk) {
				t.Fatalf("ticket after rules %v does not round-trip:\n got %#v\nwant %#v", done, back, tk)
			}
		}
	})
}

// canonDuration writes d in the units ParseDuration reads: whole seconds
// and a decimal fraction of a second.
func canonDuration(d time.Duration) string {
	s := fmt.Sprintf("%ds", d/time.Second)
	if ns := d % time.Second; ns != 0 {
		s += fmt.Sprintf("0.%09ds", ns)
	}
	return s
}

// FuzzParseDuration checks ParseDuration and ParseWhen on arbitrary text:
// a duration is never negative, reads back from its canonical form, is the
// sum of its parts when two durations are written one after the other, and
// does not depend on case; ParseWhen returns UTC times, and a duration
// means that long before now.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90m", "1h30m", "3d", "2w", "1.5h", "45s", "3mo", "1y", "2026-11-01",
		"2026-11-01T09:30:00Z", "2026-11-01T10:30:00+01:00", "today", "yesterday", "now", ".5h", "1..5h",
		"9223372036854775807s", "15250w", "1H30M", " 7d "} {
		f.Add(s, "1h")
	}
	for _, src := range seedConfigs(f) {
		c, err := ParseConfig(ConfigPath, src)
		if err != nil {
			continue
		}
		for _, p := range c.SLA {
			for _, tg := range p.Targets {
				f.Add(tg.FirstResponse, tg.Resolution)
			}
		}
	}
	now := at("2026-11-20T10:00:00Z")
	f.Fuzz(func(t *testing.T, a, b string) {
		da, errA := ParseDuration(a)
		if errA == nil {
			if da < 0 {
				t.Fatalf("ParseDuration(%q) = %v, negative", a, da)
			}
			if back, err := ParseDuration(canonDuration(da)); err != nil || back != da {
				t.Fatalf("ParseDuration(%q) = %v; its canonical form %q reads %v, %v", a, da, canonDuration(da), back, err)
			}
		}
		if isASCII(a) {
			du, err := ParseDuration(strings.ToUpper(a))
			if du != da || (err == nil) != (errA == nil) {
				t.Fatalf("ParseDuration depends on case: %q → %v, %v; %q → %v, %v", a, da, errA, strings.ToUpper(a), du, err)
			}
		}
		db, errB := ParseDuration(b)
		trimmed := strings.TrimSpace(a) == a && strings.TrimSpace(b) == b
		if errA == nil && errB == nil && trimmed {
			sum, err := ParseDuration(a + b)
			switch {
			case err == nil && sum != da+db:
				t.Fatalf("ParseDuration(%q) = %v, want %v + %v", a+b, sum, da, db)
			case err != nil && da <= math.MaxInt64-db:
				t.Fatalf("ParseDuration(%q): %v, but %q and %q read", a+b, err, a, b)
			}
		}
		w, err := ParseWhen(a, now)
		if err != nil {
			if !utf8.ValidString(err.Error()) && utf8.ValidString(a) {
				t.Fatalf("error %q is not text", err)
			}
			return
		}
		if w.Location() != time.UTC {
			t.Fatalf("ParseWhen(%q) = %v, not UTC", a, w)
		}
		if in := strings.ToLower(strings.TrimSpace(a)); errA == nil && in[0] <= '9' {
			if _, abs := whenAbsolute(in); !abs && !w.Equal(now.Add(-da)) {
				t.Fatalf("ParseWhen(%q) = %v, want now - %v", a, w, da)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FuzzID checks ids, prefixes and ticket paths: a valid id survives its
// path, IDFromPath only returns valid ids, and normalising a prefix
// leaves valid ids alone and undoes upper case, "#" and spaces around.
func FuzzID(f *testing.F) {
	for _, b := range seedTickets(f) {
		if tk, err := Parse(b); err == nil {
			f.Add(tk.ID)
			f.Add(Path(tk.ID))
			for _, e := range tk.Entries {
				f.Add(e.ID)
			}
		}
	}
	for _, s := range []string{"#7KQ2", " 7kq ", "oil", "tickets/7k/7kq2m9.md", "a/b.md", ".md", "", "#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidID(s) {
			if got := IDFromPath(Path(s)); got != s {
				t.Fatalf("IDFromPath(Path(%q)) = %q", s, got)
			}
			if got := NormalizeIDPrefix(s); got != s {
				t.Fatalf("NormalizeIDPrefix(%q) = %q, changed a valid id", s, got)
			}
			if !strings.HasPrefix(Path(s), TicketsDir+"/"+s[:2]+"/") {
				t.Fatalf("Path(%q) = %q", s, Path(s))
			}
		}
		if id := IDFromPath(s); id != "" {
			if !ValidID(id) || !strings.HasSuffix(s, "/"+id+".md") && s != id+".md" {
				t.Fatalf("IDFromPath(%q) = %q", s, id)
			}
		}
		if ValidID(s) {
			if got := NormalizeIDPrefix(" #" + strings.ToUpper(s) + " "); got != s {
				t.Fatalf("NormalizeIDPrefix of %q as typed = %q", s, got)
			}
		}
		n := NormalizeIDPrefix(s)
		if strings.ContainsAny(n, "oilOIL") {
			t.Fatalf("NormalizeIDPrefix(%q) = %q keeps a look-alike", s, n)
		}
	})
}

// FuzzDiff diffs two arbitrary ticket files: a ticket has no changes from
// itself or from a file that renders the same, a new ticket starts with
// "new", every added entry is listed as added and every removed one as
// removed, and each change is one line of text.
func FuzzDiff(f *testing.F) {
	seeds := seedTickets(f)
	for i, a := range seeds {
		f.Add(a, seeds[(i+1)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, ab, bb []byte) {
		a, err := Parse(ab)
		if err != nil || a.Validate() != nil {
			return
		}
		b, err := Parse(bb)
		if err != nil || b.Validate() != nil {
			return
		}
		if d := Diff(a, a.Clone()); len(d) != 0 {
			t.Fatalf("Diff(a, a) = %v", d)
		}
		if d := Diff(a, nil); len(d) != 1 || d[0].Field != "deleted" {
			t.Fatalf("Diff(a, nil) = %v", d)
		}
		if d := Diff(nil, a); len(d) == 0 || d[0].Field != "new" {
			t.Fatalf("Diff(nil, a) = %v", d)
		}
		d := Diff(a, b)
		if bytes.Equal(Render(a), Render(b)) && len(d) != 0 {
			t.Fatalf("same file, changes %v", d)
		}
		var added, removed []string
		for _, c := range d {
			if c.Text == "" || strings.ContainsAny(c.Text, "\n\r") || !utf8.ValidString(c.Text) {
				t.Fatalf("change %+v is not one line of text", c)
			}
			if c.Field == "entries" {
				added = append(added, c.Added...)
				removed = append(removed, c.Removed...)
			}
		}
		for _, e := range b.Entries {
			if e.Kind == KindEvent {
				continue // status events follow from the status change shown
			}
			if (a.Entry(e.ID) == nil) != slices.Contains(added, e.ID) {
				t.Fatalf("entry %s: added %v, diff lists %v", e.ID, a.Entry(e.ID) == nil, added)
			}
		}
		for _, e := range a.Entries {
			if (b.Entry(e.ID) == nil) != slices.Contains(removed, e.ID) {
				t.Fatalf("entry %s: removed %v, diff lists %v", e.ID, b.Entry(e.ID) == nil, removed)
			}
		}
	})
}

// FuzzLint lints arbitrary files that parse, against the demo desk's
// configuration: it never panics, and every problem has a severity, a
// message and a line inside the file.
func FuzzLint(f *testing.F) {
	for _, b := range seedTickets(f) {
		f.Add(b)
	}
	cfgSrc, err := os.ReadFile("../examples/demo/config.yaml")
	if err != nil {
		f.Fatal(err)
	}
	cfg, err := ParseConfig(ConfigPath, cfgSrc)
	if err != nil {
		f.Fatal(err)
	}
	now := at("2026-11-20T10:00:00Z")
	f.Fuzz(func(t *testing.T, raw []byte) {
		lines := bytes.Count(raw, []byte("\n")) + 1
		for _, key := range []string{"id", "status", "tags", "fields", "assignee"} {
			if n := FrontMatterLine(raw, key); n < 0 || n > lines {
				t.Fatalf("FrontMatterLine(%q) = %d of %d lines", key, n, lines)
			}
		}
		for _, n := range EntryLines(raw) {
			if n < 1 || n > lines {
				t.Fatalf("EntryLines: %d of %d lines", n, lines)
			}
		}
		tk, err := Parse(raw)
		if err != nil {
			return
		}
		for _, c := range []*Config{nil, cfg} {
			for _, p := range LintTicket(tk, raw, c, now) {
				if p.Severity != LintError && p.Severity != LintWarning || p.Message == "" || p.Line < 0 || p.Line > lines {
					t.Fatalf("problem %+v (file of %d lines)", p, lines)
				}
			}
		}
		if tk.Validate() == nil {
			for _, p := range LintTicket(tk, Render(tk), nil, tk.Updated.Add(time.Hour)) {
				if p.Severity == LintError && !strings.Contains(p.Message, "future") {
					t.Fatalf("valid ticket, lint error %+v", p)
				}
			}
		}
	})
}

// TestDiffFieldValueOnOneLine: a custom field may hold several lines, but a
// change is one line of a pull-request comment, so the value is quoted.
// TestDiffAuthorOnOneLine: an entry marker may name an author with any
// bytes (author="\r"); the change text quotes such a name.
func TestDiffAuthorOnOneLine(t *testing.T) {
	for _, tt := range []struct{ author, want string }{
		{"\r", `+1 reply by "\r"`},
		{"Bob\x1b[31m", `+1 reply by "Bob\x1b[31m"`},
		{"\xff", `+1 reply by "\xff"`},
		{"Zoë Smith <zoe@example.com>", "+1 reply by Zoë Smith"},
	} {
		a := sampleTicket()
		b := a.Clone()
		b.Entries = append(b.Entries, Entry{ID: "zz9", Kind: KindReply, At: b.Created.Add(time.Hour), Author: tt.author, Body: "hi"})
		d := Diff(a, b)
		if len(d) != 1 || d[0].Text != tt.want || d[0].Authors[0] != shortAuthor(tt.author) {
			t.Errorf("author %q: Diff = %+v, want %s", tt.author, d, tt.want)
		}
	}
}

func TestDiffFieldValueOnOneLine(t *testing.T) {
	a := sampleTicket()
	b := a.Clone()
	b.Fields["multi"] = "line one\nline two"
	d := Diff(a, b)
	if len(d) != 1 || d[0].Text != `fields multi="line one\nline two"` || d[0].Added[0] != "multi=line one\nline two" {
		t.Fatalf("Diff = %+v", d)
	}
}
