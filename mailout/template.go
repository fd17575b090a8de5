package mailout

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/kb"
	"github.com/ticketdesk/ticket/ticket"
	"gopkg.in/yaml.v3"
)

// TemplatesDir is where a desk keeps its reply templates.
const TemplatesDir = ".ticket/templates"

// The templates automatic responses use.
const (
	AckTemplate        = "acknowledgement"
	OutOfHoursTemplate = "out-of-hours"
)

// Template is a canned reply: Markdown with front matter, its body a Go
// text/template.
type Template struct {
	Name        string
	Path        string // relative to the desk
	Subject     string // optional; used when the desk starts a thread
	Description string
	Body        string // the template source
	bodyLine    int    // the file line the body starts at, for errors
}

// TemplatePath is the desk file of the template name.
func TemplatePath(name string) string { return TemplatesDir + "/" + name + ".md" }

// lazyRegexp compiles an expression the first time it is used rather than
// when the program starts, which every command would pay for.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var templateName = lazyRegexp(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// CheckTemplateName rejects names that are not one lower-case word.
func CheckTemplateName(name string) error {
	if !templateName().MatchString(name) {
		return fmt.Errorf("template name %q: use lower-case letters, digits, - and _, such as refund-policy", name)
	}
	return nil
}

// ParseTemplate reads a template file and checks that its body and subject
// parse as templates.
func ParseTemplate(name, path string, data []byte) (*Template, error) {
	s := strings.ReplaceAll(ticket.CleanText(string(bytes.TrimPrefix(data, []byte("\ufeff")))), "\r\n", "\n")
	t := &Template{Name: name, Path: path, bodyLine: 1}
	if rest, ok := strings.CutPrefix(s, "---\n"); ok {
		fm, body, found := strings.Cut(rest, "\n---\n")
		if after, ok := strings.CutPrefix(rest, "---\n"); ok {
			fm, body, found = "", after, true
		}
		if !found {
			fm, found = strings.CutSuffix(rest, "\n---")
			body = ""
		}
		if !found {
			return nil, fmt.Errorf("%s:1: front matter is not closed by a line \"---\"", path)
		}
		var meta struct {
			Subject     string `yaml:"subject"`
			Description string `yaml:"description"`
		}
		if err := ticket.RefuseYAMLAliases(path, 2, fm); err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(strings.NewReader(fm))
		dec.KnownFields(true)
		if err := dec.Decode(&meta); err != nil && err.Error() != "EOF" {
			return nil, fmt.Errorf("%s: front matter: %s (known keys: subject, description)", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		t.Subject, t.Description = strings.TrimSpace(meta.Subject), strings.TrimSpace(meta.Description)
		t.bodyLine = 3 // after two fences
		if fm != "" {
			t.bodyLine += strings.Count(fm, "\n") + 1
		}
		s = body
	}
	trimmed := strings.TrimLeft(s, " \t\n")
	t.bodyLine += strings.Count(s[:len(s)-len(trimmed)], "\n")
	t.Body = strings.TrimSpace(s) + "\n"
	if _, err := t.compile("body", t.Body, nil); err != nil {
		return nil, fmt.Errorf("%s: %s", path, t.fileLines(err.Error()))
	}
	if _, err := t.compile("subject", t.Subject, nil); err != nil {
		return nil, fmt.Errorf("%s: subject: %w", path, err)
	}
	return t, nil
}

// LoadTemplate reads the desk's template name.
func LoadTemplate(r gitstore.Reader, name string) (*Template, error) {
	if err := CheckTemplateName(name); err != nil {
		return nil, err
	}
	p := TemplatePath(name)
	data, err := r.Read(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NoTemplateError{Name: name}
	}
	if err != nil {
		return nil, err
	}
	return ParseTemplate(name, p, data)
}

// NoTemplateError says a template does not exist in the desk.
type NoTemplateError struct{ Name string }

func (e *NoTemplateError) Error() string {
	return fmt.Sprintf("no template %q: %s does not exist; see `ticket template list`", e.Name, TemplatePath(e.Name))
}

// ListTemplates reads every template of the desk, by name. A file that does
// not parse is reported to warn and skipped.
func ListTemplates(r gitstore.Reader, warn func(error)) ([]*Template, error) {
	files, err := r.List(TemplatesDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Template
	for _, f := range files {
		name, ok := strings.CutSuffix(path.Base(f.Path), ".md")
		if !ok || path.Dir(f.Path) != TemplatesDir || CheckTemplateName(name) != nil {
			continue
		}
		data, err := r.Read(f.Path)
		if err == nil {
			var t *Template
			if t, err = ParseTemplate(name, f.Path, data); err == nil {
				out = append(out, t)
				continue
			}
		}
		if warn != nil {
			warn(err)
		}
	}
	slices.SortFunc(out, func(a, b *Template) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Data is what a template sees. Every value that a template may name but
// that may be unknown for a ticket is a method returning an error, so a
// missing value stops the rendering instead of leaving a hole in a mail.
type Data struct {
	Customer Customer
	Ticket   TicketData
	Agent    AgentData
	Desk     DeskData
}

// Customer is the person the ticket is for.
type Customer struct{ name, email, ticketID string }

// Name is the customer's full name; unknown is an error.
func (c Customer) Name() (string, error) {
	if c.name == "" {
		return "", fmt.Errorf("the customer's name is unknown; use {{.Customer.FirstName}}, which falls back to \"there\"")
	}
	return c.name, nil
}

// FirstName is the first word of the customer's name, or "there" (as in
// "Hello there") when the name is unknown.
func (c Customer) FirstName() string {
	if f := strings.Fields(c.name); len(f) > 0 {
		return strings.Trim(f[0], ",")
	}
	return "there"
}

// Email is the customer's address; unknown is an error.
func (c Customer) Email() (string, error) {
	if c.email == "" {
		return "", fmt.Errorf("ticket %s has no customer email address; set one with `ticket set`", c.ticketID)
	}
	return c.email, nil
}

// TicketData is the ticket as templates see it.
type TicketData struct {
	ID, Title, Status, Priority, Channel, Language string
	// Fields are the custom fields; naming one the ticket lacks is an error.
	Fields map[string]string
}

// AgentData is the agent who replies (for automatic replies: the desk).
type AgentData struct {
	Name, Email string
	// Signature is the agent's configured signature, else their name and
	// the desk's name on two lines.
	Signature string
}

// DeskData is the desk itself.
type DeskData struct{ Name, Email string }

// Agent is who writes a reply.
type Agent struct {
	Handle    string // recorded as the entry's author
	Name      string // shown in From and in templates
	Email     string
	Signature string
}

// DeskAgent is the desk itself, the author of automatic replies.
func DeskAgent(cfg *ticket.Config) Agent {
	return Agent{Handle: cfg.Name, Name: cfg.Name, Email: cfg.Email, Signature: cfg.Name}
}

// NewData collects what templates see for ticket t answered by agent a.
func NewData(cfg *ticket.Config, t *ticket.Ticket, a Agent) Data {
	name, email := CustomerOf(t)
	fields := map[string]string{}
	for k, v := range t.Fields {
		fields[k] = v
	}
	sig := a.Signature
	if sig == "" {
		sig = strings.TrimSpace(a.Name + "\n" + cfg.Name)
	}
	return Data{
		Customer: Customer{name: name, email: email, ticketID: t.ID},
		Ticket: TicketData{ID: t.ID, Title: t.Title, Status: string(t.Status), Priority: string(t.Priority),
			Channel: t.Channel, Language: t.Language, Fields: fields},
		Agent: AgentData{Name: a.Name, Email: a.Email, Signature: sig},
		Desk:  DeskData{Name: cfg.Name, Email: cfg.Email},
	}
}

// CustomerOf returns the customer's name and email address: from the
// ticket's customer, completed by the latest message the customer wrote.
func CustomerOf(t *ticket.Ticket) (name, email string) {
	name, email = splitAddress(t.Customer)
	for i := len(t.Entries) - 1; i >= 0; i-- {
		e := t.Entries[i]
		if e.Kind != ticket.KindMessage || e.Auto != "" {
			continue
		}
		n, a := splitAddress(e.Author)
		if a == "" || (email != "" && !strings.EqualFold(a, email)) {
			continue
		}
		if email == "" {
			email = a
		}
		if name == "" {
			name = n
		}
		break
	}
	return name, email
}

// splitAddress reads "Name <addr>", "addr" or a handle.
func splitAddress(s string) (name, email string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	if a, err := mail.ParseAddress(s); err == nil {
		return strings.TrimSpace(a.Name), a.Address
	}
	if i := strings.LastIndexByte(s, '<'); i >= 0 && strings.HasSuffix(s, ">") {
		addr := strings.TrimSpace(s[i+1 : len(s)-1])
		if looksLikeAddress(addr) {
			return strings.Trim(strings.TrimSpace(s[:i]), `"`), addr
		}
	}
	if looksLikeAddress(s) {
		return "", s
	}
	return "", ""
}

func looksLikeAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t<>,\"")
}

// Rendered is a template applied to a ticket.
type Rendered struct {
	Subject string // empty when the template has none
	Body    string
}

// Render applies the template to data. A value the ticket lacks is an error
// naming the template, line and what to do; the result never has holes.
func (t *Template) Render(cfg *ticket.Config, data Data) (*Rendered, error) {
	funcs := template.FuncMap{
		"kb": func(slug string) (string, error) {
			return articleURL(cfg, slug, data.Ticket.Language)
		},
		// The built-in index gives "" for a missing key; a mail must not.
		"index": func(m map[string]string, k string) (string, error) {
			if v, ok := m[k]; ok {
				return v, nil
			}
			return "", fmt.Errorf("ticket %s has no field %q; set it with `ticket set %s %s=VALUE`", data.Ticket.ID, k, data.Ticket.ID, k)
		},
	}
	var out Rendered
	for _, part := range []struct {
		name, src string
		dst       *string
	}{{"body", t.Body, &out.Body}, {"subject", t.Subject, &out.Subject}} {
		if part.src == "" {
			continue
		}
		tp, err := t.compile(part.name, part.src, funcs)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", t.Path, t.fileLines(err.Error()))
		}
		var b strings.Builder
		if err := tp.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("%s", t.fileLines(t.Path+": "+explainExec(err, data.Ticket.ID)))
		}
		if strings.Contains(b.String(), "<no value>") {
			return nil, fmt.Errorf("%s: %s renders a missing value as <no value>; see docs/replies.md for the variables", t.Path, part.name)
		}
		*part.dst = b.String()
	}
	out.Subject = strings.Join(strings.Fields(out.Subject), " ")
	out.Body = strings.TrimSpace(out.Body)
	if out.Body == "" {
		return nil, fmt.Errorf("%s: the template renders to an empty text", t.Path)
	}
	return &out, nil
}

// compile parses one part; funcs may be nil when only checking syntax.
func (t *Template) compile(part, src string, funcs template.FuncMap) (*template.Template, error) {
	if funcs == nil {
		funcs = template.FuncMap{
			"kb":    func(string) (string, error) { return "", nil },
			"index": func(map[string]string, string) (string, error) { return "", nil },
		}
	}
	tp, err := template.New(part).Option("missingkey=error").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "template: "))
	}
	return tp, nil
}

var bodyPos = lazyRegexp(`(body:|line )(\d+)`)

// fileLines turns body line numbers in msg into lines of the file.
func (t *Template) fileLines(msg string) string {
	return bodyPos().ReplaceAllStringFunc(msg, func(m string) string {
		sub := bodyPos().FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		return fmt.Sprintf("line %d", n+t.bodyLine-1)
	})
}

var (
	execPos     = lazyRegexp(`^template: (\w+):(\d+):(\d+): executing "\w+" at <([^>]*)>: (.*)$`)
	noMapEntry  = lazyRegexp(`^map has no entry for key "(.*)"$`)
	noField     = lazyRegexp(`^can't evaluate field (\w+) in type (.*)$`)
	errCallPref = lazyRegexp(`^error calling (\w+): (.*)$`)
)

// explainExec turns a text/template execution error into words: which line
// names what, and what to do about it.
func explainExec(err error, ticketID string) string {
	m := execPos().FindStringSubmatch(err.Error())
	if m == nil {
		return strings.TrimPrefix(err.Error(), "template: ")
	}
	part, line, at, msg := m[1], m[2], m[4], m[5]
	where := "line " + line
	if part == "subject" {
		where = "subject"
	}
	switch {
	case noMapEntry().MatchString(msg) && strings.HasPrefix(at, ".Ticket.Fields."):
		k := noMapEntry().FindStringSubmatch(msg)[1]
		msg = fmt.Sprintf("ticket %s has no field %q; set it with `ticket set %s %s=VALUE`", ticketID, k, ticketID, k)
	case noField().MatchString(msg):
		f := noField().FindStringSubmatch(msg)
		msg = fmt.Sprintf("%s: there is no variable %s here; see docs/replies.md for the variables", at, f[1])
	case errCallPref().MatchString(msg):
		msg = errCallPref().FindStringSubmatch(msg)[2]
	default:
		msg = at + ": " + msg
	}
	return where + ": " + msg
}

// articleURL is the address of a knowledge-base article, as the site
// builder publishes it.
func articleURL(cfg *ticket.Config, slug, lang string) (string, error) {
	u, err := kb.ArticleURL(cfg, slug, lang)
	if err != nil {
		return "", fmt.Errorf("{{kb %q}}: %w", slug, err)
	}
	return u, nil
}

var fieldRef = lazyRegexp(`\.Ticket\.Fields\.([A-Za-z0-9_]+)`)

// Check renders the template against a sample ticket that has every field
// the template names, so a misspelt variable or function is found before
// the template is committed.
func (t *Template) Check(cfg *ticket.Config) error {
	sample := &ticket.Ticket{ID: "7kq2m9", Title: "Sample ticket", Status: ticket.StatusOpen, Priority: ticket.PriorityNormal,
		Channel: "email", Customer: "Jane Doe <jane@example.com>", Fields: map[string]string{}}
	for _, m := range fieldRef().FindAllStringSubmatch(t.Body+"\n"+t.Subject, -1) {
		sample.Fields[m[1]] = "sample"
	}
	c := *cfg
	if c.KB.BaseURL == "" {
		c.KB.BaseURL = "https://help.example.com"
	}
	if c.Name == "" {
		c.Name = "Support"
	}
	_, err := t.Render(&c, NewData(&c, sample, Agent{Handle: "alice", Name: "Alice Agent", Email: "alice@example.com"}))
	return err
}
