package mailout

import (
	"strings"
	"testing"
)

// TestTemplateAliasRefused: YAML aliases in a template's front matter are
// refused, naming the file and line; a plain template still reads.
func TestTemplateAliasRefused(t *testing.T) {
	_, err := ParseTemplate("x", ".ticket/templates/x.md", []byte("---\nsubject: &s [a, [b, c]]\ndescription: *s\n---\nHello\n"))
	if want := ".ticket/templates/x.md:3: YAML aliases (*s) are not allowed; write the value out"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if _, err := ParseTemplate("x", ".ticket/templates/x.md", []byte("---\nsubject: a * b & c\n---\nHello *there*\n")); err != nil {
		t.Errorf("a template with * and & but no alias: %v", err)
	}
}

// TestTemplateRendersCustomerSyntaxAsText: template syntax in anything a
// customer controls (name, title, fields) is inserted as text.
func TestTemplateRendersCustomerSyntaxAsText(t *testing.T) {
	tk, cfg := testTicket(), testConfig()
	tk.Customer = `{{.Desk.Email}} <jane@example.com>`
	tk.Entries[0].Author = tk.Customer
	tk.Title = `{{template "x"}} {{define "x"}}boom{{end}}`
	tk.Fields["order"] = `{{range .}}{{end}}`
	got, err := render(t, "{{.Customer.FirstName}}|{{.Ticket.Title}}|{{.Ticket.Fields.order}}", cfg, tk, alice)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{{.Desk.Email}}|{{template "x"}} {{define "x"}}boom{{end}}|{{range .}}{{end}}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if strings.Contains(got, "support@acme.example") || strings.Contains(got, "|boom") {
		t.Errorf("customer text was executed: %q", got)
	}
}
