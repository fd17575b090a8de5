package ticket

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigPath is where a desk keeps its committed configuration.
const ConfigPath = ".ticket/config.yaml"

// Config is a desk's committed configuration (.ticket/config.yaml).
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
	// Rules run in order on new tickets (and on customer messages where a
	// rule says so).
	Rules []Rule `yaml:"rules,omitempty"`
	// SLA policies; the first whose condition matches a ticket applies.
	SLA []SLAPolicy `yaml:"sla,omitempty"`
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
	Name     string                `yaml:"name"`
	If       string                `yaml:"if,omitempty"`
	Calendar string                `yaml:"calendar,omitempty"` // empty: calendar hours
	Targets  map[string]SLATargets `yaml:"targets"`            // by priority
}

// SLATargets are durations such as "1h", "90m", "3d" (in the policy's
// business hours when it names a calendar).
type SLATargets struct {
	FirstResponse string `yaml:"first_response,omitempty"`
	NextResponse  string `yaml:"next_response,omitempty"`
	Resolution    string `yaml:"resolution,omitempty"`
}

// StringList is a list that may be written as a single value.
type StringList []string

// UnmarshalYAML accepts "x" as well as [x, y].
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "" {
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

// Agent finds an agent by handle or by any of their addresses.
func (c *Config) Agent(who string) *Agent {
	who = strings.ToLower(strings.TrimSpace(who))
	for i := range c.Agents {
		a := &c.Agents[i]
		if strings.ToLower(a.Handle) == who || strings.EqualFold(a.Email, who) {
			return a
		}
		for _, e := range a.Emails {
			if strings.EqualFold(e, who) {
				return a
			}
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

// ParseConfig reads a config file strictly: an unknown key is an error
// naming path and line, so a typo never silently disables a setting.
func ParseConfig(path string, data []byte) (*Config, error) {
	c := &Config{}
	if len(bytes.TrimSpace(data)) == 0 {
		return DefaultConfig("", ""), nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, configError(path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func configError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		var n int
		if _, e := fmt.Sscanf(l, "line %d:", &n); e == nil {
			l = fmt.Sprintf("%s:%d:%s", path, n, l[strings.Index(l, ":")+1:])
		} else {
			l = path + ": " + l
		}
		lines = append(lines, l)
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}

// Validate checks the config for contradictions.
func (c *Config) Validate() error {
	seen := map[string]bool{}
	for i, a := range c.Agents {
		if a.Handle == "" {
			return fmt.Errorf("agents[%d] has no handle", i)
		}
		if seen[strings.ToLower(a.Handle)] {
			return fmt.Errorf("agent %q is listed twice", a.Handle)
		}
		seen[strings.ToLower(a.Handle)] = true
	}
	return nil
}

// RenderConfig writes a config file.
func RenderConfig(c *Config) []byte {
	var b bytes.Buffer
	b.WriteString("# The desk's configuration; see docs/config.md.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		panic(err) // Config holds only strings, bools and lists
	}
	return b.Bytes()
}
