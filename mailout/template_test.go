package mailout

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/templates"
	"github.com/ticketdesk/ticket/ticket"
)

func testConfig() *ticket.Config {
	cfg := ticket.DefaultConfig("Acme Support", "support@acme.example")
	cfg.KB.BaseURL = "https://help.acme.example/"
	cfg.Agents = []ticket.Agent{{Handle: "alice", Name: "Alice Agent", Email: "alice@acme.example", Signature: "Alice\nAcme Support, Berlin"}}
	return cfg
}

func testTicket() *ticket.Ticket {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	t := &ticket.Ticket{ID: "7kq2m9", Title: "Refund for order 5521", Status: ticket.StatusOpen, Priority: ticket.PriorityHigh,
		Channel: "email", Customer: "jane@example.com", Language: "en", Created: at, Updated: at,
		Fields: map[string]string{"order": "5521", "tracking": "JD0123456789", "review_url": "https://shop.example/review/5521"}}
	t.AddMessage(ticket.Entry{Author: "Jane Doe <jane@example.com>", At: at, MessageID: "CAF1@mail.example.com", Body: "The kettle arrived broken."})
	return t
}

var alice = Agent{Handle: "alice", Name: "Alice Agent", Email: "alice@acme.example", Signature: "Alice\nAcme Support, Berlin"}

func render(t *testing.T, src string, cfg *ticket.Config, tk *ticket.Ticket, a Agent) (string, error) {
	t.Helper()
	tpl, err := ParseTemplate("x", ".ticket/templates/x.md", []byte(src))
	if err != nil {
		return "", err
	}
	r, err := tpl.Render(cfg, NewData(cfg, tk, a))
	if err != nil {
		return "", err
	}
	return r.Body, nil
}

// Every variable of docs/replies.md, with its value and with the error it
// gives when the ticket lacks it.
func TestTemplateVariables(t *testing.T) {
	noName := func(tk *ticket.Ticket) { tk.Entries[0].Author = "jane@example.com" }
	noCustomer := func(tk *ticket.Ticket) { tk.Customer = ""; tk.Entries = nil }
	tests := []struct {
		src     string
		change  func(*ticket.Ticket)
		cfg     func(*ticket.Config)
		agent   *Agent
		want    string
		wantErr string
	}{
		{src: "{{.Customer.Name}}", want: "Jane Doe"},
		{src: "{{.Customer.Name}}", change: noName, wantErr: `x.md: line 1: the customer's name is unknown; use {{.Customer.FirstName}}`},
		{src: "{{.Customer.FirstName}}", want: "Jane"},
		{src: "{{.Customer.FirstName}}", change: noName, want: "there"},
		{src: "{{.Customer.Email}}", want: "jane@example.com"},
		{src: "{{.Customer.Email}}", change: noCustomer, wantErr: "ticket 7kq2m9 has no customer email address"},
		{src: "{{.Ticket.ID}}", want: "7kq2m9"},
		{src: "{{.Ticket.Title}}", want: "Refund for order 5521"},
		{src: "{{.Ticket.Priority}}", want: "high"},
		{src: "{{.Ticket.Status}}", want: "open"},
		{src: "{{.Ticket.Channel}}", want: "email"},
		{src: "{{.Ticket.Language}}", want: "en"},
		{src: "{{.Ticket.Fields.order}}", want: "5521"},
		{src: "Order\n{{.Ticket.Fields.invoice}}", wantErr: "x.md: line 2: ticket 7kq2m9 has no field \"invoice\"; set it with `ticket set 7kq2m9 invoice=VALUE`"},
		{src: `{{index .Ticket.Fields "invoice"}}`, wantErr: `line 1: ticket 7kq2m9 has no field "invoice"`},
		{src: `{{index .Ticket.Fields "order"}}`, want: "5521"},
		{src: "{{.Agent.Name}}", want: "Alice Agent"},
		{src: "{{.Agent.Email}}", want: "alice@acme.example"},
		{src: "{{.Agent.Signature}}", want: "Alice\nAcme Support, Berlin"},
		{src: "{{.Agent.Signature}}", agent: &Agent{Handle: "bob", Name: "Bob"}, want: "Bob\nAcme Support"},
		{src: "{{.Desk.Name}}", want: "Acme Support"},
		{src: "{{.Desk.Email}}", want: "support@acme.example"},
		{src: `{{kb "returns-policy"}}`, want: "https://help.acme.example/en/returns-policy.html"},
		{src: `{{kb "returns-policy"}}`, cfg: func(c *ticket.Config) { c.KB.BaseURL = "" }, wantErr: `line 1: {{kb "returns-policy"}}: kb: base_url is not set; add it to .ticket/config.yaml`},
		{src: `{{kb "../etc"}}`, wantErr: `{{kb "../etc"}}: "../etc" is not an article slug`},
		{src: "{{.Customer.Phone}}", wantErr: "there is no variable Phone"},
		{src: "{{.Nope}}", wantErr: "there is no variable Nope"},
		{src: "{{.Ticket.ID", wantErr: "x.md: line 2: unclosed action started at line 1"},
		// Customer text is data: template syntax in a title stays text.
		{src: "{{.Ticket.Title}}", change: func(tk *ticket.Ticket) { tk.Title = "{{.Agent.Email}} {{kb \"x\"}}" }, want: `{{.Agent.Email}} {{kb "x"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			tk, cfg, a := testTicket(), testConfig(), alice
			if tc.change != nil {
				tc.change(tk)
			}
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			if tc.agent != nil {
				a = *tc.agent
			}
			got, err := render(t, tc.src, cfg, tk, a)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q (output %q)", err, tc.wantErr, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestTemplateSubjectAndFrontMatter(t *testing.T) {
	src := "---\nsubject: Your order {{.Ticket.Fields.order}}\ndescription: Confirm it\n---\nHello {{.Customer.FirstName}}\n"
	tpl, err := ParseTemplate("c", ".ticket/templates/c.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Description != "Confirm it" {
		t.Errorf("description %q", tpl.Description)
	}
	r, err := tpl.Render(testConfig(), NewData(testConfig(), testTicket(), alice))
	if err != nil || r.Subject != "Your order 5521" || r.Body != "Hello Jane" {
		t.Fatalf("got %+v, %v", r, err)
	}
	tk := testTicket()
	tk.Fields = nil
	if _, err := tpl.Render(testConfig(), NewData(testConfig(), tk, alice)); err == nil || !strings.Contains(err.Error(), "subject: ticket 7kq2m9 has no field \"order\"") {
		t.Fatalf("error = %v", err)
	}
	// Errors name the line of the file, front matter included.
	src = "---\ndescription: d\n---\n\nHello\n\n{{.Ticket.Fields.gift}}\n"
	tpl, _ = ParseTemplate("g", ".ticket/templates/g.md", []byte(src))
	if _, err := tpl.Render(testConfig(), NewData(testConfig(), testTicket(), alice)); err == nil || !strings.HasPrefix(err.Error(), ".ticket/templates/g.md: line 7: ticket 7kq2m9 has no field \"gift\"") {
		t.Errorf("error = %v", err)
	}
	for _, bad := range []string{"---\nsubject: x\n", "---\ncolour: red\n---\nx\n"} {
		if _, err := ParseTemplate("b", "b.md", []byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// The templates `ticket init` installs: each parses, checks, renders for a
// ticket that has what it needs without a hole, and names what is missing
// for one that does not.
func TestDefaultTemplates(t *testing.T) {
	files, err := fs.Glob(templates.Replies, "replies/*.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"acknowledgement", "order-confirmation", "out-of-hours", "refund-policy", "review-request", "shipping-confirmation", "terms"}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(path.Base(f), ".md"))
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("default templates %v, want %v", names, want)
	}
	needs := map[string]string{
		"order-confirmation":    `no field "order"`,
		"shipping-confirmation": `no field "order"`,
		"review-request":        `no field "review_url"`,
		"refund-policy":         "base_url is not set",
		"terms":                 "base_url is not set",
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			data, _ := fs.ReadFile(templates.Replies, f)
			tpl, err := ParseTemplate(name, TemplatePath(name), data)
			if err != nil {
				t.Fatal(err)
			}
			if tpl.Description == "" {
				t.Error("no description")
			}
			if err := tpl.Check(ticket.DefaultConfig("", "")); err != nil {
				t.Fatal(err)
			}
			r, err := tpl.Render(testConfig(), NewData(testConfig(), testTicket(), alice))
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"{{", "}}", "<no value>", "map[", "%!"} {
				if strings.Contains(r.Body+r.Subject, bad) {
					t.Errorf("rendered text holds %q:\n%s", bad, r.Body)
				}
			}
			if !strings.HasPrefix(r.Body, "Hello Jane,") || !strings.Contains(r.Body, "Alice\nAcme Support, Berlin") && !strings.Contains(r.Body, "Acme Support") {
				t.Errorf("greeting or signature missing:\n%s", r.Body)
			}
			bare := testTicket()
			bare.Fields = nil
			cfg := testConfig()
			cfg.KB.BaseURL = ""
			_, err = tpl.Render(cfg, NewData(cfg, bare, alice))
			if w, ok := needs[name]; ok {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("on a bare ticket: error = %v, want %q", err, w)
				}
			} else if err != nil {
				t.Errorf("on a bare ticket: %v", err)
			}
		})
	}
}

func TestCustomerOf(t *testing.T) {
	tests := []struct{ customer, author, name, email string }{
		{"jane@example.com", "Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"},
		{"Jane Doe <jane@example.com>", "", "Jane Doe", "jane@example.com"},
		{"", `"Müller, Jürgen" <j@example.de>`, "Müller, Jürgen", "j@example.de"},
		{"jane@example.com", "Other <other@example.com>", "", "jane@example.com"},
		{"janedoe", "", "", ""},
	}
	for _, tc := range tests {
		tk := &ticket.Ticket{ID: "7kq2m9", Customer: tc.customer}
		if tc.author != "" {
			tk.Entries = []ticket.Entry{{ID: "a", Kind: ticket.KindMessage, Author: tc.author}}
		}
		if n, e := CustomerOf(tk); n != tc.name || e != tc.email {
			t.Errorf("CustomerOf(%q, %q) = %q, %q; want %q, %q", tc.customer, tc.author, n, e, tc.name, tc.email)
		}
	}
}

// FuzzTemplate: any file either fails to parse with an error naming it, or
// parses and renders (or fails to render) without panicking; a rendered text
// never holds "<no value>".
func FuzzTemplate(f *testing.F) {
	f.Add("---\nsubject: s {{.Ticket.ID}}\ndescription: d\n---\nHello {{.Customer.FirstName}}\n")
	f.Add("{{.Ticket.Fields.order}} {{kb \"terms\"}} {{index .Ticket.Fields \"x\"}}")
	f.Add("---\n---\n{{range .Ticket.Fields}}{{.}}{{end}}")
	f.Add("{{template \"x\"}}{{define \"x\"}}{{.Nope}}{{end}}")
	for _, b := range seedBodies(f) { // shipped templates (fuzz_test.go)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := ParseTemplate("f", "f.md", []byte(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.md") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		r, err := tpl.Render(testConfig(), NewData(testConfig(), testTicket(), alice))
		if err == nil && strings.Contains(r.Body+r.Subject, "<no value>") {
			t.Fatalf("rendered a hole: %q", r.Body)
		}
	})
}
