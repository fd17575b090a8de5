package ticket

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var queryNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// queryTicket is a German billing ticket, two days old, with one reply.
func queryTicket() *Ticket {
	created := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	return &Ticket{
		ID:            "7kq2m9",
		Title:         "Rückerstattung für Bestellung 5521",
		Status:        StatusOpen,
		Priority:      PriorityHigh,
		Channel:       "email",
		Customer:      "Erika.Muster@Shop.Example",
		Assignee:      "hans",
		Team:          "billing",
		Tags:          []string{"billing", "de"},
		Language:      "de",
		Created:       created,
		Updated:       created.Add(26 * time.Hour),
		FirstResponse: created.Add(2 * time.Hour),
		Reopened:      1,
		SLA:           "standard",
		Fields:        map[string]string{"order": "5521"},
		Entries: []Entry{
			{ID: "e1", Kind: KindMessage, Author: "Erika Muster <Erika.Muster@Shop.Example>", At: created, Body: "Ich möchte eine Rückerstattung."},
			{ID: "e2", Kind: KindReply, Author: "hans", At: created.Add(2 * time.Hour), Body: "Wir prüfen das."},
			{ID: "e3", Kind: KindNote, Author: "hans", At: created.Add(3 * time.Hour), Body: "internal: refund approved"},
			{ID: "e4", Kind: KindMessage, Author: "erika.muster@shop.example", At: created.Add(26 * time.Hour), Body: "Danke!", Auto: ""},
		},
	}
}

func TestNewQueryEnv(t *testing.T) {
	tk := queryTicket()
	got := NewQueryEnv(tk, queryNow)
	want := &QueryEnv{
		ID: "7kq2m9", Title: tk.Title, Status: "open", Priority: "high", PriorityRank: 2,
		Channel: "email", Customer: "Erika.Muster@Shop.Example", CustomerDomain: "shop.example",
		Assignee: "hans", Team: "billing", Tags: []string{"billing", "de"}, Language: "de",
		Created: tk.Created, Updated: tk.Updated, FirstResponse: tk.FirstResponse, Reopened: 1,
		SLA: "standard", Fields: map[string]string{"order": "5521"}, AgeHours: 48, Entries: 4,
		Body:    "Ich möchte eine Rückerstattung.\n\nDanke!",
		Subject: tk.Title, From: "erika.muster@shop.example", FromDomain: "shop.example",
		Text: "Danke!", Now: queryNow,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewQueryEnv =\n%+v\nwant\n%+v", got, want)
	}

	got.SetMessage("Re: [#7kq2m9] Refund", `"Erika" <ERIKA@shop.example>`,
		[]string{"Support <Support@Shop.Example>", "market@shop.example", "support@shop.example", ""}, "hello", true)
	if got.Subject != "Re: [#7kq2m9] Refund" || got.From != "erika@shop.example" || got.FromDomain != "shop.example" ||
		!reflect.DeepEqual(got.To, []string{"support@shop.example", "market@shop.example"}) || got.Text != "hello" || !got.Auto {
		t.Errorf("after SetMessage: %+v", got)
	}
}

func TestNewQueryEnvEmptyTicket(t *testing.T) {
	got := NewQueryEnv(&Ticket{ID: "ab", Status: StatusNew, Priority: PriorityNormal}, queryNow)
	want := &QueryEnv{ID: "ab", Status: "new", Priority: "normal", PriorityRank: 1, Now: queryNow}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewQueryEnv =\n%+v\nwant\n%+v", got, want)
	}
}

func TestQueryMatch(t *testing.T) {
	env := NewQueryEnv(queryTicket(), queryNow)
	env.SetMessage("URGENT: refund please", "Erika <erika@shop.example>",
		[]string{"support@shop.example", "Delivered-To-Box <market@shop.example>"}, "Where is my money?", false)
	env.InBusinessHours = true
	tests := []struct {
		src  string
		want bool
	}{
		{`priority == "high"`, true},
		{`priority == "urgent" && "billing" in tags`, false},
		{`priority == "high" && "billing" in tags`, true},
		{`"spam" not in tags`, true},
		{`!("spam" in tags)`, true},
		{`not ("de" in tags)`, false},
		{`subject matches "(?i)refund"`, true},
		{`subject matches "(?i)urgent|asap|refund"`, true},
		{`subject matches "^refund"`, false},
		{`from_domain == "marketplace.example"`, false},
		{`from_domain == "shop.example"`, true},
		{`"support@shop.example" in to`, true},
		{`"market@shop.example" in to`, true},
		{`"sales@shop.example" in to`, false},
		{`fields.order != ""`, true},
		{`fields.order == "5521"`, true},
		{`fields.missing == ""`, true},
		{`fields["missing"] == ""`, true},
		{`language == "de"`, true},
		{`language in ["de", "at"]`, true},
		{`title contains "5521"`, true},
		{`lower(subject) contains "urgent"`, true},
		{`subject contains "urgent"`, false},
		{`customer startsWith "Erika"`, true},
		{`customer endsWith ".Example"`, true},
		{`customer_domain == "shop.example"`, true},
		{`priority_rank >= 2`, true},
		{`priority_rank > 2`, false},
		{`age_hours > 24`, true},
		{`age_hours > 48`, false},
		{`created > ago("7d")`, true},
		{`created > ago("1d")`, false},
		{`created >= ago("48h")`, true},
		{`created > ago("2d1m")`, true},
		{`created > ago("1mo")`, true},
		{`created < date("2026-11-22")`, true},
		{`created < date("2026-11-21")`, false},
		{`created >= date("2026-11-21T12:00:00Z")`, true},
		{`created < date("today")`, true},
		{`created >= date("yesterday")`, false},
		{`updated >= date("yesterday")`, true},
		{`updated > created`, true},
		{`first_response - created <= duration("2h")`, true},
		{`resolved.IsZero()`, true},
		{`first_response.IsZero()`, false},
		{`reopened > 0`, true},
		{`entries == 4`, true},
		{`sla == "standard"`, true},
		{`body contains "Rückerstattung"`, true},
		{`body contains "refund approved"`, false}, // notes are not customer text
		{`text contains "money"`, true},
		{`auto`, false},
		{`!auto && in_business_hours`, true},
		{`now == date("2026-11-23T12:00:00Z")`, true},
		{`status in ["new", "open"]`, true},
		{`status == "open" and assignee == "hans" or false`, true},
		{`team == "billing" || team == "marketplace"`, true},
		{`id startsWith "7k"`, true},
		{`channel != "chat"`, true},
		{`len(tags) == 2`, true},
		{`any(tags, # startsWith "bill")`, true},
		{`"order" in fields`, true},
		{`"due" in fields`, false},
		{`updated - created > duration("2h")`, true},
		{"title matches `\\d{4}`", true},
		{`title matches "\\d{5}"`, false},
		{`text matches "(?i)\\b(asap|money)\\b"`, true},
		{`status not in ["closed", "archived"]`, true},
		{`true`, true},
		{`false`, false},
	}
	for _, tt := range tests {
		q, err := CompileQuery(tt.src)
		if err != nil {
			t.Errorf("CompileQuery(%s): %v", tt.src, err)
			continue
		}
		got, err := q.Match(env)
		if err != nil {
			t.Errorf("Match(%s): %v", tt.src, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// A query is compiled once and matched at many times: ago and date follow
// the env's clock, not the clock at compile time.
func TestQueryFollowsEnvClock(t *testing.T) {
	tk := queryTicket() // created 2026-11-21 12:00
	tests := []struct {
		src  string
		now  time.Time
		want bool
	}{
		{`created > ago("7d")`, queryNow, true},
		{`created > ago("7d")`, queryNow.AddDate(0, 0, 7), false},
		{`created > ago("1mo")`, queryNow.AddDate(0, 1, -3), true},
		{`created > ago("1mo")`, queryNow.AddDate(0, 1, 0), false},
		{`created >= date("yesterday")`, time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC), true},
		{`created >= date("yesterday")`, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), false},
		{`created > date("3d")`, queryNow, true},
		{`created > ago(fields.window)`, queryNow, true}, // window is 3d
		{`created > ago(fields.window)`, queryNow.Add(24 * time.Hour), false},
		{`created < date(fields.due)`, queryNow, true}, // due 2026-12-01
		{`date(fields.missing).IsZero()`, queryNow, true},
	}
	tk.Fields["window"] = "3d"
	tk.Fields["due"] = "2026-12-01"
	for _, tt := range tests {
		q := MustCompileQuery(tt.src)
		for _, m := range []func() (bool, error){
			func() (bool, error) { return q.Match(NewQueryEnv(tk, tt.now)) },
			func() (bool, error) { return q.MatchTicket(tk, tt.now) },
		} {
			got, err := m()
			if err != nil || got != tt.want {
				t.Errorf("%s at %v = %v, %v; want %v", tt.src, tt.now, got, err, tt.want)
			}
		}
	}
}

func TestQueryMatchTicketBody(t *testing.T) {
	tk := queryTicket()
	for _, src := range []string{`body contains "Danke"`, `$env.body contains "Danke"`, `$env["body"] contains "Danke"`} {
		got, err := MustCompileQuery(src).MatchTicket(tk, queryNow)
		if err != nil || !got {
			t.Errorf("MatchTicket(%s) = %v, %v; want true", src, got, err)
		}
	}
}

func TestQueryRuntimeError(t *testing.T) {
	tk := queryTicket()
	tk.Fields["due"] = "soon"
	_, err := MustCompileQuery(`created < date(fields.due)`).MatchTicket(tk, queryNow)
	want := "expression `created < date(fields.due)`, column 11: date: time \"soon\" not understood"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want prefix %q", err, want)
	}
}

func TestCompileQueryErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{``, "expression ``: empty expression\nhint: write a condition such as status == \"open\", or true to match every ticket"},
		{`priority = "urgent"`, "expression `priority = \"urgent\"`, column 10: unexpected \"=\"\nhint: compare with ==, as in status == \"open\""},
		{`prioritty == "urgent"`, "expression `prioritty == \"urgent\"`, column 1: unknown variable prioritty\nhint: did you mean priority?"},
		{`status == open`, "expression `status == open`, column 11: unknown variable open\nhint: to compare with the text open, quote it: \"open\"; the variables are id, title, status,"},
		{`priority == 3`, "expression `priority == 3`, column 10: invalid operation: == (mismatched types string and int)\nhint: put text in quotes and numbers without; priorities compare by priority_rank, as in priority_rank >= 2"},
		{`created > 5`, "expression `created > 5`, column 9: invalid operation: > (mismatched types time.Time and int)\nhint: compare times with times"},
		{`priority`, "expression `priority`: the expression gives a string, not true or false\nhint: write a condition"},
		{`fields.order`, "expression `fields.order`: the expression gives a string, not true or false"},
		{`subject matches "(?i)refund["`, "expression `subject matches \"(?i)refund[\"`, column 9: bad regular expression: missing closing ]: `[`\nhint: matches takes an RE2 regular expression"},
		{`subject matches "*x"`, "column 9: bad regular expression: missing argument to repetition operator: `*`"},
		{`(status == "open"`, "expression `(status == \"open\"`, column 17: unexpected end of expression\nhint: something is missing at the end"},
		{`status == "open" & true`, "column 18: unexpected \"&\"\nhint: write && for and, || for or"},
		{"status == \"open\" &&\n  nope", "expression `status == \"open\" && nope`, line 2, column 3: unknown variable nope"},
		{`created > ago("7x")`, "expression `created > ago(\"7x\")`, column 15: duration \"7x\": unknown unit \"x\""},
		{`created > ago("7d", "x")`, "expression `created > ago(\"7d\", \"x\")`, column 11: ago takes one argument\nhint: write ago(\"7d\")"},
		{`created > date("someday")`, "column 16: time \"someday\" not understood"},
		{`created > date()`, "column 11: date takes one argument\nhint: write date(\"2026-11-01\")"},
		{`created > ago(7)`, "column 15: cannot use int as argument (type string) to call ago\nhint: write ago(\"7d\")"},
		{`date(1) < now`, "column 6: cannot use int as argument (type string) to call date\nhint: write date(\"2026-11-01\")"},
		{`created > now()`, "hint: now is a variable: write now, not now()"},
		{`"x" in tags &&`, "unexpected end of expression"},
	}
	for _, tt := range tests {
		_, err := CompileQuery(tt.src)
		if err == nil {
			t.Errorf("CompileQuery(%q) succeeded, want error %q", tt.src, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CompileQuery(%q) error =\n%s\nwant it to contain\n%s", tt.src, err, tt.want)
		}
		if msg := err.Error(); strings.HasSuffix(msg, ".") || msg != strings.TrimSpace(msg) {
			t.Errorf("CompileQuery(%q) error %q ends in a period or space", tt.src, msg)
		}
	}
}

// Every variable is documented, and the list of them is the QueryEnv tags.
func TestQueryVariablesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/query.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range QueryVariables() {
		if !strings.Contains(string(doc), "| `"+v+"` |") {
			t.Errorf("docs/query.md does not describe variable %s in its table", v)
		}
	}
	if n := len(QueryVariables()); n != 30 {
		t.Errorf("%d variables, want 30", n)
	}
}

// Every example of docs/query.md compiles.
func TestQueryDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/query.md")
	if err != nil {
		t.Fatal(err)
	}
	_, examples, _ := strings.Cut(string(doc), "## Examples\n\n```text\n")
	examples, _, _ = strings.Cut(examples, "```")
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(examples), "\n") {
		src := line
		if i := strings.Index(line, "   "); i > 0 {
			src = line[:i]
		}
		if _, err := CompileQuery(src); err != nil {
			t.Errorf("example %s: %v", src, err)
		}
		n++
	}
	if n < 15 {
		t.Errorf("found %d examples, want at least 15", n)
	}
}

func FuzzCompileQuery(f *testing.F) {
	for _, s := range []string{
		`priority == "urgent" && "billing" in tags`,
		`subject matches "(?i)refund"`,
		`created > ago("7d") || updated < date("2026-11-01")`,
		`fields.order != "" and not auto`,
		`"support@shop.example" in to`,
		`age_hours > 24 && priority_rank >= 2`,
		`ago(fields.x) < date(fields.y)`,
		`created > ago("1mo")`,
		`(((`, `ago(`, `date("`, `"\xff" in tags`, "status ==\n", `$env.body != ""`,
	} {
		f.Add(s)
	}
	tk := queryTicket()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := CompileQuery(src)
		if err != nil {
			if q != nil {
				t.Fatalf("CompileQuery(%q) returned a query and an error", src)
			}
			if err.Error() == "" {
				t.Fatalf("CompileQuery(%q) returned an empty error", src)
			}
			return
		}
		q.Match(NewQueryEnv(tk, queryNow))
		q.MatchTicket(&Ticket{}, time.Time{})
	})
}

func BenchmarkQueryMatchTicket(b *testing.B) {
	q := MustCompileQuery(`status in ["new", "open"] && priority_rank >= 2 && "billing" in tags && created > ago("7d") && fields.order != ""`)
	tk := queryTicket()
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := q.MatchTicket(tk, queryNow); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func TestQueryCache(t *testing.T) {
	var c QueryCache
	q1, err1 := c.Compile(`priority == "high"`)
	q2, err2 := c.Compile(`priority == "high"`)
	if err1 != nil || err2 != nil || q1 != q2 {
		t.Errorf("Compile twice = %p, %v and %p, %v; want one query", q1, err1, q2, err2)
	}
	_, err1 = c.Compile(`priority = "high"`)
	_, err2 = c.Compile(`priority = "high"`)
	if err1 == nil || err1 != err2 {
		t.Errorf("bad expression twice: %v, %v; want the same error", err1, err2)
	}
	if ok, err := q1.MatchTicket(queryTicket(), queryNow); !ok || err != nil {
		t.Errorf("MatchTicket = %v, %v", ok, err)
	}
}

// One compiled query serves many goroutines, as when tickets are filtered
// in parallel.
func TestQueryConcurrent(t *testing.T) {
	q := MustCompileQuery(`"billing" in tags && created > ago("7d") && body contains "Danke"`)
	tk := queryTicket()
	done := make(chan error)
	for range 8 {
		go func() {
			for range 200 {
				if ok, err := q.MatchTicket(tk, queryNow); err != nil || !ok {
					done <- fmt.Errorf("MatchTicket = %v, %v", ok, err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
