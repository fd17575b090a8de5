package ticket

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"gopkg.in/yaml.v3"
)

// ConfigPath is where a desk keeps its committed configuration.
const ConfigPath = ".ticket/config.yaml"

// Config is a desk's committed configuration (.ticket/config.yaml), specified
// in docs/config.md.
type Config struct {
	// Name of the desk, used in outgoing mail ("Alice via Acme Support").
	Name string `yaml:"name"`
	// Email is the support address customers write to.
	Email string `yaml:"email,omitempty"`
	// Commit makes every change one commit; false leaves changes staged.
	Commit *bool `yaml:"commit,omitempty"`
	// Agents who work the desk.
	Agents []Agent `yaml:"agents,omitempty"`
	// Teams, optional: a team named by an agent exists without being listed.
	Teams []Team `yaml:"teams,omitempty"`
	// Calendars of business hours, by name.
	Calendars map[string]Calendar `yaml:"calendars,omitempty"`
	// BusinessHours names the desk's own calendar, used for out-of-hours
	// automatic replies; empty means always open.
	BusinessHours string `yaml:"business_hours,omitempty"`
	// Rules run in order on new tickets (and on customer messages where a
	// rule says so).
	Rules []Rule `yaml:"rules,omitempty"`
	// SLA policies; the first whose condition matches a ticket applies.
	SLA []SLAPolicy `yaml:"sla,omitempty"`
	// FCRDays is the first-contact-resolution window of reports in days;
	// 0 means 7 (see FirstContactDays).
	FCRDays int `yaml:"fcr_days,omitempty"`
	// ReplyStatus is the status a ticket moves to after a public reply;
	// empty means pending (see StatusAfterReply).
	ReplyStatus string `yaml:"reply_status,omitempty"`
	// Autoreply limits automatic replies to one customer.
	Autoreply Autoreply `yaml:"autoreply,omitempty"`
	// SMTP is the server outgoing mail goes through; Sendmail is the
	// alternative of a local command. At most one of them is set.
	SMTP     SMTP   `yaml:"smtp,omitempty"`
	Sendmail string `yaml:"sendmail,omitempty"`
	// KB configures the published knowledge base.
	KB KB `yaml:"kb,omitempty"`
	// Limits bound what one incoming message may cost (see MailLimits).
	Limits Limits `yaml:"limits,omitempty"`

	// src remembers where the config was read from, for errors that name a
	// file and line; it is empty for a config built in code.
	src *configSource
}

type configSource struct {
	path  string
	lines map[string]int // key path ("rules[1].then.priority") → 1-based line
}

// Team groups agents.
type Team struct {
	Name     string `yaml:"name"`
	Email    string `yaml:"email,omitempty"` // the team's mailbox, if it has one
	Calendar string `yaml:"calendar,omitempty"`
}

// Calendar is a set of business hours.
type Calendar struct {
	Timezone string `yaml:"timezone"`
	// Hours maps days or day ranges ("mon-fri", "sat") to one or more time
	// ranges ("09:00-12:00, 13:00-17:00").
	Hours    map[string]string `yaml:"hours"`
	Holidays []string          `yaml:"holidays,omitempty"` // YYYY-MM-DD
}

// Rule is one automation rule: when If matches, do Then.
type Rule struct {
	Name string  `yaml:"name"`
	If   string  `yaml:"if"`
	Then Actions `yaml:"then"`
	// Stop ends rule processing after this rule matched.
	Stop bool `yaml:"stop,omitempty"`
	// On lists the events the rule runs on: "create" (the default) and
	// "message" (a customer message appended to an existing ticket).
	On StringList `yaml:"on,omitempty"`
}

// Actions a rule can take.
type Actions struct {
	Tag        StringList        `yaml:"tag,omitempty"`
	Untag      StringList        `yaml:"untag,omitempty"`
	Priority   string            `yaml:"priority,omitempty"`
	Team       string            `yaml:"team,omitempty"`
	Assign     string            `yaml:"assign,omitempty"`
	AssignTeam string            `yaml:"assign_team,omitempty"`
	Set        map[string]string `yaml:"set,omitempty"` // custom fields
	SLA        string            `yaml:"sla,omitempty"`
	Reply      string            `yaml:"reply,omitempty"` // template sent as an automatic reply
}

// SLAPolicy holds service-level targets per priority.
type SLAPolicy struct {
	Name string `yaml:"name"`
	// If chooses the policy for a ticket; empty means the policy applies
	// only when a rule or a person names it.
	If       string                `yaml:"if,omitempty"`
	Calendar string                `yaml:"calendar,omitempty"` // empty: calendar hours
	Targets  map[string]SLATargets `yaml:"targets"`            // by priority
}

// SLATargets are durations such as "1h", "90m", "3d" (in the policy's
// business hours when it names a calendar; see docs/sla.md).
type SLATargets struct {
	FirstResponse string `yaml:"first_response,omitempty"`
	NextResponse  string `yaml:"next_response,omitempty"`
	Resolution    string `yaml:"resolution,omitempty"`
}

// Autoreply limits automatic replies: at most Limit to one customer within
// Per, so two automatic responders never mail each other forever.
type Autoreply struct {
	Limit int    `yaml:"limit,omitempty"` // 0 means 10
	Per   string `yaml:"per,omitempty"`   // a duration such as "3h"; empty means 3h
}

// SMTP is the mail server replies are sent through. The password is never
// committed: it comes from an environment variable or a command's output.
type SMTP struct {
	Host            string `yaml:"host,omitempty"`
	Port            int    `yaml:"port,omitempty"` // 0: 587, 465 or 25 by TLS mode
	TLS             string `yaml:"tls,omitempty"`  // starttls (the default), implicit or none
	Username        string `yaml:"username,omitempty"`
	PasswordEnv     string `yaml:"password_env,omitempty"`
	PasswordCommand string `yaml:"password_command,omitempty"`
}

// KB configures the knowledge-base site.
type KB struct {
	BaseURL string `yaml:"base_url,omitempty"`
	Title   string `yaml:"title,omitempty"`
}

// Limits bound the mail the desk reads, so a message from anyone on the
// internet cannot exhaust memory or disk. Sizes are written like 10MB,
// 512KB or 1GB; zero values select the defaults of DefaultMailLimits.
type Limits struct {
	// MessageSize: a larger message is quarantined with the reason.
	MessageSize string `yaml:"message_size,omitempty"`
	// AttachmentSize: a larger attachment is dropped; the entry says so.
	AttachmentSize string `yaml:"attachment_size,omitempty"`
	// MIMEParts: parts past this many are dropped; the entry says so.
	MIMEParts int `yaml:"mime_parts,omitempty"`
	// MIMEDepth: parts nested deeper are dropped; the entry says so.
	MIMEDepth int `yaml:"mime_depth,omitempty"`
	// LineLength: longer body lines are split, longer header fields cut.
	LineLength string `yaml:"line_length,omitempty"`
}

// MailLimits are the limits of Limits in bytes and counts, defaults filled in.
type MailLimits struct {
	MessageSize    int64
	AttachmentSize int64
	MIMEParts      int
	MIMEDepth      int
	LineLength     int
}

// DefaultMailLimits are the limits of a config that sets none.
var DefaultMailLimits = MailLimits{
	MessageSize:    10 << 20,
	AttachmentSize: 10 << 20,
	MIMEParts:      200,
	MIMEDepth:      20,
	LineLength:     1 << 20,
}

// Largest values a limit may be set to: above them a single message could
// take more memory than the machines the desk runs on have to spare.
const (
	maxLimitSize  = 1 << 30
	maxLimitParts = 100000
	maxLimitDepth = 1000
)

// MailLimits returns the configured limits with the defaults filled in; a
// value that does not parse (Validate reports it) keeps its default.
func (c *Config) MailLimits() MailLimits {
	l := DefaultMailLimits
	if n, err := ParseSize(c.Limits.MessageSize); err == nil && n > 0 {
		l.MessageSize = n
	}
	if n, err := ParseSize(c.Limits.AttachmentSize); err == nil && n > 0 {
		l.AttachmentSize = n
	}
	if c.Limits.MIMEParts > 0 {
		l.MIMEParts = c.Limits.MIMEParts
	}
	if c.Limits.MIMEDepth > 0 {
		l.MIMEDepth = c.Limits.MIMEDepth
	}
	if n, err := ParseSize(c.Limits.LineLength); err == nil && n > 0 {
		l.LineLength = int(n)
	}
	return l
}

// ParseSize reads a size such as 10MB, 512KB, 1GB or a number of bytes
// (units are binary: 1KB is 1024 bytes). The empty string is 0.
func ParseSize(s string) (int64, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<50 {
		return 0, fmt.Errorf("%q is not a size; write one such as 10MB, 512KB or 1GB", s)
	}
	return int64(n * float64(mult)), nil
}

// StringList is a list that may be written as a single value.
type StringList []string

// UnmarshalYAML accepts "x" as well as [x, y]; null is the empty list.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "" && n.Tag != "!!null" {
			*l = StringList{n.Value}
		}
		return nil
	}
	var xs []string
	if err := n.Decode(&xs); err != nil {
		return err
	}
	*l = xs
	return nil
}

// Agent is a person who answers tickets.
type Agent struct {
	Handle    string   `yaml:"handle"`
	Name      string   `yaml:"name,omitempty"`
	Email     string   `yaml:"email,omitempty"`
	Emails    []string `yaml:"emails,omitempty"`
	Teams     []string `yaml:"teams,omitempty"`
	Languages []string `yaml:"languages,omitempty"`
	Calendar  string   `yaml:"calendar,omitempty"`
	Away      bool     `yaml:"away,omitempty"`
	Signature string   `yaml:"signature,omitempty"`
}

// AutoCommit reports whether changes are committed (the default).
func (c *Config) AutoCommit() bool { return c.Commit == nil || *c.Commit }

// FirstContactDays is the window, in days after creation, within which a
// ticket resolved with a single public reply counts as resolved at first
// contact.
func (c *Config) FirstContactDays() int {
	if c.FCRDays > 0 {
		return c.FCRDays
	}
	return 7
}

// StatusAfterReply is the status a public reply moves a ticket to.
func (c *Config) StatusAfterReply() Status {
	if s, err := ParseStatus(c.ReplyStatus); err == nil && c.ReplyStatus != "" {
		return s
	}
	return StatusPending
}

// AutoreplyLimit is how many automatic replies one customer may get within
// the returned window.
func (c *Config) AutoreplyLimit() (int, time.Duration) {
	n, per := 10, 3*time.Hour
	if c.Autoreply.Limit > 0 {
		n = c.Autoreply.Limit
	}
	if sp, err := parseSpan(c.Autoreply.Per); err == nil {
		per = sp.clock()
	}
	return n, per
}

// Agent finds an agent by handle or by any of their addresses. Addresses
// compare as SameAddress does and handles by ASCII case only, so a
// look-alike ("\u212aate", "alice@ſhop.example") is nobody.
func (c *Config) Agent(who string) *Agent {
	who = strings.TrimSpace(who)
	key := AddressKey(who)
	for i := range c.Agents {
		a := &c.Agents[i]
		if asciiLower(a.Handle) == asciiLower(who) {
			return a
		}
		if !strings.Contains(who, "@") {
			continue
		}
		if a.Email != "" && AddressKey(a.Email) == key {
			return a
		}
		for _, e := range a.Emails {
			if AddressKey(e) == key {
				return a
			}
		}
	}
	return nil
}

// asciiLower lower-cases ASCII letters only: full Unicode folding maps
// look-alikes such as the Kelvin sign or the long s onto plain letters.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// domainLower lower-cases a domain: ASCII letters, and non-ASCII letters
// whose lower case is not ASCII ("Ü" → "ü"); the Kelvin sign and others
// whose lower case is a plain ASCII letter stay as they are.
func domainLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}
		if l := unicode.ToLower(r); l >= utf8.RuneSelf {
			return l
		}
		return r
	}, s)
}

// strictIDNA turns an internationalised domain into its ASCII form without
// any mapping: full-width letters, upper-case non-ASCII letters and other
// look-alikes that UTS 46 would map onto ASCII are refused, not merged.
var strictIDNA = idna.New(idna.ValidateForRegistration(), idna.StrictDomainName(false))

// AddressKey is the form in which two mail addresses are compared: angle
// brackets and surrounding space dropped, the local part with ASCII letters
// lower-cased (as every major provider delivers), the domain lower-cased
// and in its IDNA ASCII form, so "jane@bücher.example" and
// "jane@xn--bcher-kva.example" are one mailbox. Nothing else is folded: a
// Cyrillic "а", a full-width letter or a Kelvin sign stays what it is and
// makes another address.
func AddressKey(addr string) string {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">"))
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return asciiLower(addr)
	}
	local, domain := asciiLower(addr[:i]), domainLower(addr[i+1:])
	if a, err := strictIDNA.ToASCII(domain); err == nil {
		domain = a
	}
	return local + "@" + domain
}

// SameAddress reports whether two addresses name the same mailbox (see
// AddressKey); an empty address matches nothing.
func SameAddress(a, b string) bool {
	ka := AddressKey(a)
	return ka != "" && ka == AddressKey(b)
}

// TeamExists reports whether a team is listed under teams or named by an
// agent.
func (c *Config) TeamExists(name string) bool {
	for _, t := range c.Teams {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	for _, a := range c.Agents {
		for _, t := range a.Teams {
			if strings.EqualFold(t, name) {
				return true
			}
		}
	}
	return false
}

// SLAPolicy returns the policy with the given name, or nil.
func (c *Config) SLAPolicy(name string) *SLAPolicy {
	for i := range c.SLA {
		if c.SLA[i].Name == name {
			return &c.SLA[i]
		}
	}
	return nil
}

// DefaultConfig is what `ticket init` writes.
func DefaultConfig(name, email string) *Config {
	if name == "" {
		name = "Support"
	}
	return &Config{Name: name, Email: email}
}

// Line returns the line of a key of the file the config was parsed from,
// or of the nearest enclosing key that has one: "rules[1]" (the rule's
// first line), "rules[1].if", "sla[0].targets.urgent.resolution",
// "calendars.office.hours". Indexes count from 0. It returns 0 for a config
// built in code.
//
// Callers that check parts of the config themselves (the rules engine
// compiling conditions) use it, or CheckConditions, to name the line at
// fault.
func (c *Config) Line(key string) int {
	if c.src == nil {
		return 0
	}
	for key != "" {
		if n, ok := c.src.lines[key]; ok {
			return n
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// Path is the file the config was parsed from; empty for a config built in
// code.
func (c *Config) Path() string {
	if c.src == nil {
		return ""
	}
	return c.src.path
}

// CheckConditions hands every rule's and SLA policy's if: expression to
// compile and returns all failures, each naming file, line and rule, as in
// `.ticket/config.yaml:12: rules[0] "german": if: unknown field "lang"`.
func (c *Config) CheckConditions(compile func(cond string) error) error {
	var errs []error
	for i, r := range c.Rules {
		if r.If == "" {
			continue
		}
		if err := compile(r.If); err != nil {
			errs = append(errs, c.errorAt(fmt.Sprintf("rules[%d].if", i), "%s: if: %v", itemLabel("rules", i, r.Name), err))
		}
	}
	for i, p := range c.SLA {
		if p.If == "" {
			continue
		}
		if err := compile(p.If); err != nil {
			errs = append(errs, c.errorAt(fmt.Sprintf("sla[%d].if", i), "%s: if: %v", itemLabel("sla", i, p.Name), err))
		}
	}
	return errors.Join(errs...)
}

func itemLabel(list string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] %q", list, i, name)
}

func (c *Config) errorAt(key, format string, a ...any) *ParseError {
	return &ParseError{Path: c.Path(), Line: c.Line(key), Msg: fmt.Sprintf(format, a...)}
}

// ParseConfig reads a config file strictly: an unknown key, a name that
// refers to nothing, a bad duration or time zone is an error naming path and
// line, so a typo never silently disables a setting. All errors are reported
// at once, in line order.
func ParseConfig(path string, data []byte) (*Config, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return DefaultConfig("", ""), nil
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return DefaultConfig("", ""), nil
		}
		return nil, configError(path, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		line := more.Line
		if err != nil {
			line = 0
		}
		return nil, &ParseError{Path: path, Line: line, Msg: "the config holds more than one YAML document; remove the second ---"}
	}
	if len(doc.Content) == 0 {
		return DefaultConfig("", ""), nil
	}
	root := doc.Content[0]
	src := &configSource{path: path, lines: map[string]int{}}
	if err := scanConfig(src, root); err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			return DefaultConfig("", ""), nil
		}
		return nil, &ParseError{Path: path, Line: root.Line, Msg: "the config must be a mapping of keys to values, such as name: Support"}
	}
	// Decode the text again (not the node) so that unknown keys are errors.
	c := &Config{}
	sdec := yaml.NewDecoder(bytes.NewReader(data))
	sdec.KnownFields(true)
	if err := sdec.Decode(c); err != nil {
		return nil, configError(path, err)
	}
	c.normalize()
	c.src = src
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// scanConfig records the line of every key and rejects what decoding would
// accept but the config must not hold: aliases (an alias bomb expands a few
// bytes into gigabytes) and a committed SMTP password.
func scanConfig(src *configSource, root *yaml.Node) error {
	var errs []error
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		switch n.Kind {
		case yaml.AliasNode:
			errs = append(errs, &ParseError{Path: src.path, Line: n.Line,
				Msg: fmt.Sprintf("%s: YAML aliases (*%s) are not allowed in the config; write the value out", orTop(key), n.Value)})
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Kind == yaml.AliasNode {
					walk(k, key)
					continue
				}
				if k.Value == "<<" && k.Tag == "!!merge" {
					errs = append(errs, &ParseError{Path: src.path, Line: k.Line,
						Msg: fmt.Sprintf("%s: YAML merge keys (<<) are not allowed in the config; write the keys out", orTop(key))})
					continue
				}
				sub := k.Value
				if key != "" {
					sub = key + "." + k.Value
				}
				if _, ok := src.lines[sub]; !ok {
					src.lines[sub] = k.Line
				}
				if sub == "smtp.password" {
					errs = append(errs, &ParseError{Path: src.path, Line: k.Line,
						Msg: "smtp: a password must not be committed; remove it and set password_env (a variable that holds it) or password_command (a command that prints it)"})
				}
				walk(v, sub)
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				sub := fmt.Sprintf("%s[%d]", key, i)
				src.lines[sub] = item.Line
				walk(item, sub)
			}
		}
	}
	walk(root, "")
	return errors.Join(errs...)
}

// RefuseYAMLAliases reports the first YAML alias in src, a front matter
// that starts on line first of file path, as an error naming file and line:
// a few bytes of aliases can expand into gigabytes (billion laughs), and
// no file of a desk needs them. The document is parsed into nodes only,
// which never expands an alias. A document that does not parse is left to
// the caller's decoder to report.
func RefuseYAMLAliases(path string, first int, src string) error {
	if !strings.Contains(src, "*") {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil
	}
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if found != nil {
			return
		}
		if n.Kind == yaml.AliasNode {
			found = n
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	if found == nil {
		return nil
	}
	return &ParseError{Path: path, Line: first + found.Line - 1,
		Msg: fmt.Sprintf("YAML aliases (*%s) are not allowed; write the value out", found.Value)}
}

func orTop(key string) string {
	if key == "" {
		return "config"
	}
	return key
}

var (
	unknownField = lazyRegexp(`^field (.*) not found in type ticket\.(\w+)$`)
	badValue     = lazyRegexp("^cannot unmarshal !!(\\w+) `(.*)` into (.*)$")
)

// configType is the config section type yaml.v3 names in an error.
func configType(name string) reflect.Type {
	for _, v := range []any{Config{}, Agent{}, Team{}, Calendar{}, Rule{}, Actions{}, SLAPolicy{}, SLATargets{}, Autoreply{}, SMTP{}, KB{}, Limits{}} {
		if t := reflect.TypeOf(v); t.Name() == name {
			return t
		}
	}
	return nil
}

// configError turns a yaml.v3 decoding error into lines of path:line: msg
// in the words of the config file rather than of Go types.
func configError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var errs []error
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		pe := &ParseError{Path: path, Msg: l}
		var n int
		if _, e := fmt.Sscanf(l, "line %d:", &n); e == nil {
			pe.Line, pe.Msg = n, strings.TrimSpace(l[strings.Index(l, ":")+1:])
		}
		if m := unknownField().FindStringSubmatch(pe.Msg); m != nil {
			pe.Msg = fmt.Sprintf("unknown key %q", m[1])
			if t := configType(m[2]); t != nil {
				pe.Msg += " (known keys: " + strings.Join(yamlKeys(t), ", ") + ")"
			}
		} else if m := badValue().FindStringSubmatch(pe.Msg); m != nil {
			pe.Msg = fmt.Sprintf("%q is not %s", m[2], wantKind(m[3]))
		}
		errs = append(errs, pe)
	}
	return errors.Join(errs...)
}

func wantKind(goType string) string {
	switch {
	case goType == "int" || goType == "uint":
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "a single value"
	case strings.HasPrefix(goType, "[]") || goType == "ticket.StringList":
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping of keys to values"
	}
	return "a mapping of keys to values"
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// normalize makes empty lists and maps nil, so a config reads the same
// whether a list was written empty or left out.
func (c *Config) normalize() {
	c.Agents = nilIfEmpty(c.Agents)
	c.Teams = nilIfEmpty(c.Teams)
	c.Rules = nilIfEmpty(c.Rules)
	c.SLA = nilIfEmpty(c.SLA)
	if len(c.Calendars) == 0 {
		c.Calendars = nil
	}
	for i := range c.Agents {
		a := &c.Agents[i]
		a.Emails, a.Teams, a.Languages = nilIfEmpty(a.Emails), nilIfEmpty(a.Teams), nilIfEmpty(a.Languages)
	}
	for name, cal := range c.Calendars {
		if len(cal.Hours) == 0 {
			cal.Hours = nil
		}
		cal.Holidays = nilIfEmpty(cal.Holidays)
		c.Calendars[name] = cal
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		r.On = nilIfEmpty(r.On)
		r.Then.Tag, r.Then.Untag = nilIfEmpty(r.Then.Tag), nilIfEmpty(r.Then.Untag)
		if len(r.Then.Set) == 0 {
			r.Then.Set = nil
		}
	}
	for i := range c.SLA {
		if len(c.SLA[i].Targets) == 0 {
			c.SLA[i].Targets = nil
		}
	}
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// MaxAddress is the longest mail address that can be sent: RFC 5321
// allows a path of 256 octets, the address and its angle brackets.
const MaxAddress = 254

// Validate checks the config for contradictions and names that refer to
// nothing. Every problem is reported, each naming the line at fault when the
// config was parsed from a file.
func (c *Config) Validate() error {
	v := &configCheck{c: c}
	v.agents()
	v.teams()
	v.calendars()
	v.rules()
	v.policies()
	v.settings()
	errs := v.errs
	slices.SortStableFunc(errs, func(a, b *ParseError) int { return cmp.Compare(a.Line, b.Line) })
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// configCheck collects the problems Validate finds.
type configCheck struct {
	c    *Config
	errs []*ParseError
}

func (v *configCheck) add(key, format string, a ...any) {
	v.errs = append(v.errs, v.c.errorAt(key, format, a...))
}

// agents checks the agents: handles unique and well formed, addresses owned
// once, calendars known.
func (v *configCheck) agents() {
	c, add := v.c, v.add
	handles := map[string]int{}
	addrs := map[string]string{}
	for i, a := range c.Agents {
		key := fmt.Sprintf("agents[%d]", i)
		lbl := itemLabel("agents", i, a.Handle)
		switch {
		case strings.TrimSpace(a.Handle) == "":
			add(key, "%s: no handle; give the agent a short handle such as handle: hans", lbl)
		case strings.ContainsAny(a.Handle, " \t\r\n@,\"") || CleanLine(a.Handle) != a.Handle:
			add(key+".handle", "%s: a handle is one word without @, commas or quotes", lbl)
		}
		if j, ok := handles[strings.ToLower(a.Handle)]; ok && a.Handle != "" {
			add(key+".handle", "%s: handle %q is already used by agents[%d]; handles are unique", lbl, a.Handle, j)
		} else {
			handles[strings.ToLower(a.Handle)] = i
		}
		for k, addr := range append([]string{a.Email}, a.Emails...) {
			if addr == "" {
				continue
			}
			akey := key + ".email"
			if k > 0 {
				akey = fmt.Sprintf("%s.emails[%d]", key, k-1)
			}
			if other, ok := addrs[strings.ToLower(addr)]; ok && other != a.Handle {
				add(akey, "%s: address %s also belongs to agent %q; an address identifies one agent", lbl, addr, other)
			}
			addrs[strings.ToLower(addr)] = a.Handle
		}
		for k, t := range a.Teams {
			if strings.TrimSpace(t) == "" {
				add(fmt.Sprintf("%s.teams[%d]", key, k), "%s: empty team name", lbl)
			}
		}
		if a.Calendar != "" && !c.hasCalendar(a.Calendar) {
			add(key+".calendar", "%s: unknown calendar %q%s", lbl, a.Calendar, c.calendarHint())
		}
	}
}

// teams checks listed teams: named once, calendars known.
func (v *configCheck) teams() {
	c, add := v.c, v.add
	teams := map[string]int{}
	for i, t := range c.Teams {
		key := fmt.Sprintf("teams[%d]", i)
		lbl := itemLabel("teams", i, t.Name)
		if strings.TrimSpace(t.Name) == "" {
			add(key, "%s: no name", lbl)
		} else if j, ok := teams[strings.ToLower(t.Name)]; ok {
			add(key+".name", "%s: team %q is already listed as teams[%d]", lbl, t.Name, j)
		} else {
			teams[strings.ToLower(t.Name)] = i
		}
		if t.Calendar != "" && !c.hasCalendar(t.Calendar) {
			add(key+".calendar", "%s: unknown calendar %q%s", lbl, t.Calendar, c.calendarHint())
		}
	}
}

// calendars checks calendars: zones load, hours and holidays parse,
// business_hours names one.
func (v *configCheck) calendars() {
	c, add := v.c, v.add
	for _, name := range slices.Sorted(maps.Keys(c.Calendars)) {
		cal := c.Calendars[name]
		key := "calendars." + name
		lbl := fmt.Sprintf("calendars.%s", name)
		if _, err := loadZone(cal.Timezone); err != nil {
			add(key+".timezone", "%s: %v", lbl, err)
		}
		if len(cal.Hours) == 0 {
			add(key, `%s: no hours; add hours such as mon-fri: "09:00-17:00"`, lbl)
		}
		seen := map[time.Weekday]string{}
		for _, days := range slices.Sorted(maps.Keys(cal.Hours)) {
			hkey := key + ".hours." + days
			wds, err := parseDaySet(days)
			if err != nil {
				add(hkey, "%s: hours %q: %v", lbl, days, err)
				continue
			}
			if _, err := parseClockRanges(cal.Hours[days]); err != nil {
				add(hkey, "%s: hours %q: %v", lbl, days, err)
			}
			for _, wd := range wds {
				if other, ok := seen[wd]; ok {
					add(hkey, "%s: hours %q: %s is already given by %q; list each day once", lbl, days, dayNames[wd], other)
					break
				}
				seen[wd] = days
			}
		}
		for i, h := range cal.Holidays {
			if _, err := parseHoliday(h); err != nil {
				add(fmt.Sprintf("%s.holidays[%d]", key, i), "%s: %v", lbl, err)
			}
		}
	}
	if c.BusinessHours != "" && !c.hasCalendar(c.BusinessHours) {
		add("business_hours", "business_hours: unknown calendar %q%s", c.BusinessHours, c.calendarHint())
	}
}

// rules checks rules: named, conditioned, and naming only agents, teams,
// priorities and policies that exist.
func (v *configCheck) rules() {
	c, add := v.c, v.add
	ruleNames := map[string]int{}
	for i, r := range c.Rules {
		key := fmt.Sprintf("rules[%d]", i)
		lbl := itemLabel("rules", i, r.Name)
		if strings.TrimSpace(r.Name) == "" {
			add(key, "%s: no name; name the rule so logs and errors can refer to it", lbl)
		} else if j, ok := ruleNames[r.Name]; ok {
			add(key+".name", "%s: the name is already used by rules[%d]", lbl, j)
		} else {
			ruleNames[r.Name] = i
		}
		if strings.TrimSpace(r.If) == "" {
			add(key, `%s: no if: condition; write if: "true" for a rule that always applies`, lbl)
		}
		for k, on := range r.On {
			if on != "create" && on != "message" {
				add(fmt.Sprintf("%s.on[%d]", key, k), "%s: on: unknown event %q (want create or message)", lbl, on)
			}
		}
		a := r.Then
		if a.Priority != "" {
			if _, err := ParsePriority(a.Priority); err != nil {
				add(key+".then.priority", "%s: %v", lbl, err)
			}
		}
		if a.Assign != "" && c.agentByHandle(a.Assign) == nil {
			add(key+".then.assign", "%s: assign: unknown agent %q%s", lbl, a.Assign, c.agentHint())
		}
		for _, f := range []struct{ name, v string }{{"team", a.Team}, {"assign_team", a.AssignTeam}} {
			if f.v != "" && !c.TeamExists(f.v) {
				add(key+".then."+f.name, "%s: %s: unknown team %q; list it under teams: or in an agent's teams", lbl, f.name, f.v)
			}
		}
		if a.SLA != "" && c.SLAPolicy(a.SLA) == nil {
			add(key+".then.sla", "%s: sla: unknown policy %q%s", lbl, a.SLA, c.policyHint())
		}
		for _, tag := range append(slices.Clone(a.Tag), a.Untag...) {
			if NormalizeTag(tag) == "" {
				add(key+".then", "%s: empty tag", lbl)
			}
		}
		for k := range a.Set {
			if strings.TrimSpace(k) == "" {
				add(key+".then.set", "%s: set: a custom field has no name", lbl)
			}
		}
	}
}

// policies checks SLA policies: named once, calendars known, targets by known
// priority and parseable.
func (v *configCheck) policies() {
	c, add := v.c, v.add
	policies := map[string]int{}
	for i, p := range c.SLA {
		key := fmt.Sprintf("sla[%d]", i)
		lbl := itemLabel("sla", i, p.Name)
		if strings.TrimSpace(p.Name) == "" {
			add(key, "%s: no name", lbl)
		} else if j, ok := policies[p.Name]; ok {
			add(key+".name", "%s: the name is already used by sla[%d]; policy names are unique", lbl, j)
		} else {
			policies[p.Name] = i
		}
		if p.Calendar != "" && !c.hasCalendar(p.Calendar) {
			add(key+".calendar", "%s: unknown calendar %q%s", lbl, p.Calendar, c.calendarHint())
		}
		if len(p.Targets) == 0 {
			add(key, "%s: no targets; add targets such as normal: {first_response: 6h}", lbl)
		}
		for _, prio := range slices.Sorted(maps.Keys(p.Targets)) {
			tkey := key + ".targets." + prio
			if _, err := ParsePriority(prio); err != nil || strings.ToLower(prio) != prio {
				add(tkey, "%s: targets: unknown priority %q (want low, normal, high or urgent)", lbl, prio)
				continue
			}
			tg := p.Targets[prio]
			if tg == (SLATargets{}) {
				add(tkey, "%s: targets: %s sets no target; give first_response, next_response or resolution", lbl, prio)
			}
			for _, f := range []struct{ name, v string }{
				{"first_response", tg.FirstResponse}, {"next_response", tg.NextResponse}, {"resolution", tg.Resolution},
			} {
				if f.v == "" {
					continue
				}
				if _, err := parseSpan(f.v); err != nil {
					add(tkey+"."+f.name, "%s: targets: %s: %s: %v", lbl, prio, f.name, err)
				}
			}
		}
	}
}

// settings checks the desk's settings for reports, replies and mail.
func (v *configCheck) settings() {
	c, add := v.c, v.add
	if c.FCRDays < 0 {
		add("fcr_days", "fcr_days: want a number of days, 1 or more")
	} else if c.FCRDays == 0 && c.src != nil {
		if _, written := c.src.lines["fcr_days"]; written {
			add("fcr_days", "fcr_days: want a number of days, 1 or more (leave it out for the default of 7)")
		}
	}
	if c.ReplyStatus != "" {
		s, err := ParseStatus(c.ReplyStatus)
		switch {
		case err != nil:
			add("reply_status", "reply_status: %v", err)
		case s == StatusNew || s == StatusArchived:
			add("reply_status", "reply_status: a reply cannot leave a ticket %s; use open, pending, on-hold, resolved or closed", s)
		}
	}
	if c.Autoreply.Limit < 0 {
		add("autoreply.limit", "autoreply: limit: want a number of replies, 1 or more")
	}
	if c.Autoreply.Per != "" {
		if _, err := parseSpan(c.Autoreply.Per); err != nil {
			add("autoreply.per", "autoreply: per: %v", err)
		}
	}
	if len(c.Email) > MaxAddress {
		add("email", "email: the address is %d bytes long; mail allows at most %d (RFC 5321)", len(c.Email), MaxAddress)
	}
	s := c.SMTP
	if s != (SMTP{}) && strings.TrimSpace(s.Host) == "" {
		add("smtp", "smtp: no host; name the mail server, such as host: smtp.example.com")
	}
	if s.Port < 0 || s.Port > 65535 {
		add("smtp.port", "smtp: port %d is not a TCP port", s.Port)
	}
	switch s.TLS {
	case "", "starttls", "implicit", "none":
	default:
		add("smtp.tls", "smtp: tls: unknown mode %q (want starttls, implicit or none)", s.TLS)
	}
	if s.PasswordEnv != "" && s.PasswordCommand != "" {
		add("smtp.password_command", "smtp: set password_env or password_command, not both")
	}
	if s.Host != "" && strings.TrimSpace(c.Sendmail) != "" {
		add("sendmail", "sendmail: mail goes out through smtp or sendmail; remove one of them")
	} else if c.Sendmail != "" && strings.TrimSpace(c.Sendmail) == "" {
		add("sendmail", "sendmail: empty command; write the command, such as /usr/sbin/sendmail -t")
	}
	v.limits()
	if c.KB.BaseURL != "" {
		u, err := url.Parse(c.KB.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("kb.base_url", "kb: base_url %q is not an http or https address", c.KB.BaseURL)
		}
	}
}

// limits checks the limits: sizes that parse, counts and sizes within
// what one machine can afford.
func (v *configCheck) limits() {
	l, add := v.c.Limits, v.add
	for _, f := range []struct{ key, val string }{
		{"message_size", l.MessageSize}, {"attachment_size", l.AttachmentSize}, {"line_length", l.LineLength},
	} {
		n, err := ParseSize(f.val)
		switch {
		case err != nil:
			add("limits."+f.key, "limits: %s: %v", f.key, err)
		case n > maxLimitSize:
			add("limits."+f.key, "limits: %s: %s is more than 1GB; a message that large is better sent as a link", f.key, f.val)
		case f.key == "line_length" && n > 0 && n < 78:
			add("limits."+f.key, "limits: line_length: %s is shorter than an ordinary line of mail (78 bytes); write at least 1KB", f.val)
		}
	}
	if l.MIMEParts < 0 || l.MIMEParts > maxLimitParts {
		add("limits.mime_parts", "limits: mime_parts: want a number of parts from 1 to %d", maxLimitParts)
	}
	if l.MIMEDepth < 0 || l.MIMEDepth > maxLimitDepth {
		add("limits.mime_depth", "limits: mime_depth: want a nesting depth from 1 to %d", maxLimitDepth)
	}
}

func (c *Config) hasCalendar(name string) bool {
	_, ok := c.Calendars[name]
	return ok
}

func (c *Config) agentByHandle(h string) *Agent {
	for i := range c.Agents {
		if strings.EqualFold(c.Agents[i].Handle, h) {
			return &c.Agents[i]
		}
	}
	return nil
}

func (c *Config) calendarHint() string {
	if len(c.Calendars) == 0 {
		return "; define it under calendars:"
	}
	return " (calendars: " + strings.Join(slices.Sorted(maps.Keys(c.Calendars)), ", ") + ")"
}

func (c *Config) agentHint() string {
	var hs []string
	for _, a := range c.Agents {
		hs = append(hs, a.Handle)
	}
	if len(hs) == 0 {
		return "; list the agent under agents:"
	}
	return " (agents: " + strings.Join(hs, ", ") + ")"
}

func (c *Config) policyHint() string {
	var ns []string
	for _, p := range c.SLA {
		ns = append(ns, p.Name)
	}
	if len(ns) == 0 {
		return "; define it under sla:"
	}
	return " (policies: " + strings.Join(ns, ", ") + ")"
}

// RenderConfig writes a config file.
func RenderConfig(c *Config) []byte {
	var b bytes.Buffer
	b.WriteString("# The desk's configuration; see docs/config.md.\n")
	n := configNode(reflect.ValueOf(c).Elem())
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		panic(err) // Config holds only strings, numbers, bools, lists and maps
	}
	return b.Bytes()
}

// configNode builds the YAML of a config value by its yaml tags. yaml.v3's
// own encoder writes strings that start with a line break, or hold lines
// starting with a tab, as block scalars it does not read back the same
// ("\n" became ""), so such strings are double-quoted here.
func configNode(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		return configNode(v.Elem())
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			if !f.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			if (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 && strings.Contains(opts, "omitempty") {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, configNode(fv))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for i := 0; i < v.Len(); i++ {
			n.Content = append(n.Content, configNode(v.Index(i)))
		}
		return n
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			n.Content = append(n.Content, stringNode(k.String()), configNode(v.MapIndex(k)))
		}
		return n
	case reflect.String:
		return stringNode(v.String())
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	}
	panic(fmt.Sprintf("config: cannot write a %s", v.Kind()))
}

func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.ContainsAny(s, "\n\r\t") || strings.TrimSpace(s) != s {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// slaSpan is an SLA or rate-limit duration as written: "90m", "1h30m", "3d",
// "2w". Days and weeks are kept apart from hours because in business hours
// they mean business days (see BusinessCalendar.AddDays).
type slaSpan struct {
	weeks, days int
	dur         time.Duration // hours and minutes
}

// maxSpan bounds targets so arithmetic stays fast and cannot overflow.
const maxSpan = 366 * 24 * time.Hour

func parseSpan(s string) (slaSpan, error) {
	var sp slaSpan
	src := s
	s = strings.TrimSpace(s)
	if s == "" {
		return sp, errors.New("empty duration; write one such as 90m, 1h30m, 3d or 2w")
	}
	seen := ""
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 6 {
			return sp, fmt.Errorf("%q is not a duration; write whole numbers with units w, d, h, m, such as 90m, 1h30m, 3d or 2w", src)
		}
		n, _ := strconv.Atoi(s[:i])
		unit := s[i]
		if strings.IndexByte(seen, unit) >= 0 {
			return sp, fmt.Errorf("%q gives unit %c twice", src, unit)
		}
		seen += string(unit)
		switch unit {
		case 'w':
			sp.weeks = n
		case 'd':
			sp.days = n
		case 'h':
			sp.dur += time.Duration(n) * time.Hour
		case 'm':
			sp.dur += time.Duration(n) * time.Minute
		default:
			return sp, fmt.Errorf("%q is not a duration; write whole numbers with units w, d, h, m, such as 90m, 1h30m, 3d or 2w", src)
		}
		s = s[i+1:]
	}
	switch c := sp.clock(); {
	case c <= 0:
		return sp, fmt.Errorf("%q is zero; a target must be longer than that", src)
	case c > maxSpan:
		return sp, fmt.Errorf("%q is longer than a year", src)
	}
	return sp, nil
}

// clock is the span in calendar hours: a day is 24 hours, a week 7 days.
func (sp slaSpan) clock() time.Duration {
	return time.Duration(sp.weeks*7+sp.days)*24*time.Hour + sp.dur
}
