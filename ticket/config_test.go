package ticket

import (
	"maps"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const exampleConfig = `agents:
  - handle: hans
    name: Hans Berger
    email: hans@example.com
    teams: [marketplace]
    languages: [de, en]
    calendar: office
calendars:
  office:
    timezone: Europe/Berlin
    hours: {mon-fri: "09:00-17:00"}
    holidays: [2026-12-24, 2026-12-25]
rules:
  - name: german to a German speaker
    if: language == "de"
    then: {tag: [de], assign_team: marketplace}
  - name: urgent words
    if: subject matches "(?i)urgent|asap|refund"
    then: {priority: urgent}
    stop: false
sla:
  - name: standard
    if: "true"
    calendar: office
    targets:
      urgent: {first_response: 1h, next_response: 2h, resolution: 8h}
      normal: {first_response: 6h, resolution: 3d}
`

const fullConfig = exampleConfig + `name: Acme Support
email: support@example.com
commit: false
teams:
  - name: billing
    email: billing@example.com
    calendar: office
business_hours: office
fcr_days: 3
reply_status: open
autoreply: {limit: 5, per: 1h30m}
smtp:
  host: smtp.example.com
  port: 587
  tls: starttls
  username: support@example.com
  password_env: TICKET_SMTP_PASSWORD
kb: {base_url: "https://help.example.com/", title: Acme Help}
`

func TestConfigExample(t *testing.T) {
	c, err := ParseConfig(ConfigPath, []byte(exampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Calendars["office"].Holidays; !reflect.DeepEqual(got, []string{"2026-12-24", "2026-12-25"}) {
		t.Errorf("holidays = %q", got)
	}
	if r := c.Rules[0]; r.Then.AssignTeam != "marketplace" || !reflect.DeepEqual(r.Then.Tag, StringList{"de"}) {
		t.Errorf("rules[0] = %+v", r)
	}
	if c.SLA[0].Targets["normal"].Resolution != "3d" {
		t.Errorf("sla = %+v", c.SLA)
	}
	for key, want := range map[string]int{
		"agents[0]": 2, "calendars.office.holidays": 12, "rules[1]": 17, "rules[1].then.priority": 19,
		"rules[1].if": 18, "sla[0].targets.normal.resolution": 27, "sla[0].targets.normal": 27, "nothing": 0,
	} {
		if got := c.Line(key); got != want {
			t.Errorf("Line(%q) = %d, want %d", key, got, want)
		}
	}
	if c.FirstContactDays() != 7 || c.StatusAfterReply() != StatusPending || !c.AutoCommit() {
		t.Error("defaults are wrong")
	}
	if n, per := c.AutoreplyLimit(); n != 10 || per != 3*time.Hour {
		t.Errorf("AutoreplyLimit() = %d, %s", n, per)
	}
	if !c.TeamExists("marketplace") || c.TeamExists("billing") {
		t.Error("TeamExists is wrong")
	}
}

func TestConfigFull(t *testing.T) {
	c, err := ParseConfig(ConfigPath, []byte(fullConfig))
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstContactDays() != 3 || c.StatusAfterReply() != StatusOpen || c.AutoCommit() || c.BusinessHours != "office" {
		t.Errorf("settings are wrong: %+v", c)
	}
	if n, per := c.AutoreplyLimit(); n != 5 || per != 90*time.Minute {
		t.Errorf("AutoreplyLimit() = %d, %s", n, per)
	}
	want := SMTP{Host: "smtp.example.com", Port: 587, TLS: "starttls", Username: "support@example.com", PasswordEnv: "TICKET_SMTP_PASSWORD"}
	if c.SMTP != want || c.KB.Title != "Acme Help" || !c.TeamExists("billing") {
		t.Errorf("smtp = %+v, kb = %+v", c.SMTP, c.KB)
	}
	assertConfigRoundTrip(t, c)
}

func TestConfigEmpty(t *testing.T) {
	for _, src := range []string{"", "  \n", "# nothing yet\n", "~\n"} {
		c, err := ParseConfig(ConfigPath, []byte(src))
		if err != nil || c.Name != "Support" {
			t.Errorf("ParseConfig(%q) = %+v, %v", src, c, err)
		}
	}
}

// configWith is the example config with lines replaced or added.
func configWith(old, new string) string {
	if old == "" {
		return exampleConfig + new
	}
	if !strings.Contains(exampleConfig, old) {
		panic("not in the example: " + old)
	}
	return strings.Replace(exampleConfig, old, new, 1)
}

func TestConfigErrors(t *testing.T) {
	const p = ".ticket/config.yaml:"
	tests := []struct {
		name, src, want string
	}{
		{"unknown priority", configWith("{priority: urgent}", "{priority: urgnet}"),
			p + `19: rules[1] "urgent words": unknown priority "urgnet" (want one of low, normal, high, urgent)`},
		{"unknown key", configWith("    stop: false\n", "    stpo: false\n"),
			p + `20: unknown key "stpo" (known keys: name, if, then, stop, on)`},
		{"unknown top key", configWith("", "colour: blue\n"),
			p + `28: unknown key "colour" (known keys: name, email, commit, agents, teams, calendars, business_hours, rules, sla, fcr_days, reply_status, autoreply, smtp, sendmail, kb, limits)`},
		{"wrong type", configWith("", "fcr_days: often\n"), p + `28: "often" is not a whole number`},
		{"not a mapping", "- a\n- b\n", p + "1: the config must be a mapping of keys to values, such as name: Support"},
		{"syntax", "name: [\n", p + "1: did not find expected node content"},
		{"no handle", configWith("  - handle: hans\n", "  - handle: \"\"\n"),
			p + `2: agents[0]: no handle; give the agent a short handle such as handle: hans`},
		{"duplicate handle", configWith("    calendar: office\ncalendars:", "    calendar: office\n  - handle: Hans\ncalendars:"),
			p + `8: agents[1] "Hans": handle "Hans" is already used by agents[0]; handles are unique`},
		{"handle with space", configWith("handle: hans", "handle: hans b"), p + `2: agents[0] "hans b": a handle is one word without @, commas or quotes`},
		{"agent calendar", configWith("    calendar: office\n", "    calendar: ofice\n"), p + `7: agents[0] "hans": unknown calendar "ofice" (calendars: office)`},
		{"shared address", configWith("    calendar: office\ncalendars:", "    calendar: office\n  - handle: eva\n    emails: [HANS@example.com]\ncalendars:"),
			p + `9: agents[1] "eva": address HANS@example.com also belongs to agent "hans"; an address identifies one agent`},
		{"timezone", configWith("Europe/Berlin", "Europe/Berln"),
			p + `10: calendars.office: unknown timezone "Europe/Berln"; use an IANA name such as Europe/Berlin or America/New_York`},
		{"hours day", configWith("mon-fri", "mon-fry"),
			p + `11: calendars.office: hours "mon-fry": unknown day "fry"; use mon, tue, wed, thu, fri, sat or sun`},
		{"hours range", configWith(`"09:00-17:00"`, `"09:00-7:00pm"`),
			p + `11: calendars.office: hours "mon-fri": "7:00pm" is not a time of day; write HH:MM, from 00:00 to 24:00`},
		{"no hours", configWith(`    hours: {mon-fri: "09:00-17:00"}`+"\n", ""),
			p + `9: calendars.office: no hours; add hours such as mon-fri: "09:00-17:00"`},
		{"holiday", configWith("2026-12-25]", "2026-25-12]"), p + `12: calendars.office: holiday "2026-25-12" is not a date; write YYYY-MM-DD`},
		{"rule without if", configWith("    if: language == \"de\"\n", ""),
			p + `14: rules[0] "german to a German speaker": no if: condition; write if: "true" for a rule that always applies`},
		{"rule without name", configWith("  - name: urgent words\n    if:", "  - if:"), p + `17: rules[1]: no name; name the rule so logs and errors can refer to it`},
		{"unknown team", configWith("assign_team: marketplace", "assign_team: marketing"),
			p + `16: rules[0] "german to a German speaker": assign_team: unknown team "marketing"; list it under teams: or in an agent's teams`},
		{"unknown agent", configWith("{priority: urgent}", "{assign: hanz}"),
			p + `19: rules[1] "urgent words": assign: unknown agent "hanz" (agents: hans)`},
		{"unknown policy", configWith("{priority: urgent}", "{sla: vip}"), p + `19: rules[1] "urgent words": sla: unknown policy "vip" (policies: standard)`},
		{"unknown event", configWith("    stop: false\n", "    on: [create, reply]\n"), p + `20: rules[1] "urgent words": on: unknown event "reply" (want create or message)`},
		{"duplicate policy", configWith("", "  - name: standard\n    targets: {low: {resolution: 1w}}\n"),
			p + `28: sla[1] "standard": the name is already used by sla[0]; policy names are unique`},
		{"policy calendar", configWith("    calendar: office\n    targets", "    calendar: home\n    targets"), p + `24: sla[0] "standard": unknown calendar "home" (calendars: office)`},
		{"target priority", configWith("      normal:", "      medium:"), p + `27: sla[0] "standard": targets: unknown priority "medium" (want low, normal, high or urgent)`},
		{"target duration", configWith("resolution: 3d", "resolution: 3 days"),
			p + `27: sla[0] "standard": targets: normal: resolution: "3 days" is not a duration; write whole numbers with units w, d, h, m, such as 90m, 1h30m, 3d or 2w`},
		{"zero target", configWith("next_response: 2h", "next_response: 0m"), p + `26: sla[0] "standard": targets: urgent: next_response: "0m" is zero; a target must be longer than that`},
		{"empty target", configWith("{first_response: 6h, resolution: 3d}", "{}"),
			p + `27: sla[0] "standard": targets: normal sets no target; give first_response, next_response or resolution`},
		{"password", configWith("", "smtp:\n  host: mail.example.com\n  password: hunter2\n"),
			p + `30: smtp: a password must not be committed; remove it and set password_env (a variable that holds it) or password_command (a command that prints it)`},
		{"tls", configWith("", "smtp: {host: mail.example.com, tls: ssl}\n"), p + `28: smtp: tls: unknown mode "ssl" (want starttls, implicit or none)`},
		{"smtp and sendmail", configWith("", "smtp: {host: mail.example.com}\nsendmail: /usr/sbin/sendmail -t\n"),
			p + `29: sendmail: mail goes out through smtp or sendmail; remove one of them`},
		{"smtp without host", configWith("", "smtp: {port: 25}\n"), p + `28: smtp: no host; name the mail server, such as host: smtp.example.com`},
		{"business hours", configWith("", "business_hours: shop\n"), p + `28: business_hours: unknown calendar "shop" (calendars: office)`},
		{"fcr days", configWith("", "fcr_days: 0\n"), p + `28: fcr_days: want a number of days, 1 or more (leave it out for the default of 7)`},
		{"reply status", configWith("", "reply_status: waiting\n"), p + `28: reply_status: unknown status "waiting" (want one of new, open, pending, on-hold, resolved, closed, archived)`},
		{"reply status new", configWith("", "reply_status: new\n"), p + `28: reply_status: a reply cannot leave a ticket new; use open, pending, on-hold, resolved or closed`},
		{"autoreply", configWith("", "autoreply: {limit: 3, per: 3 hours}\n"), p + `28: autoreply: per: "3 hours" is not a duration; write whole numbers with units w, d, h, m, such as 90m, 1h30m, 3d or 2w`},
		{"long email", configWith("", "email: "+strings.Repeat("s", 243)+"@example.com\n"),
			p + `28: email: the address is 255 bytes long; mail allows at most 254 (RFC 5321)`},
		{"kb url", configWith("", "kb: {base_url: help.example.com}\n"), p + `28: kb: base_url "help.example.com" is not an http or https address`},
		{"alias", configWith("", "x: &a [1]\ny: *a\n"), p + `29: y: YAML aliases (*a) are not allowed in the config; write the value out`},
		{"merge key", configWith("", "kb: {<<: {title: x}}\n"), p + `28: kb: YAML merge keys (<<) are not allowed in the config; write the keys out`},
		{"two documents", exampleConfig + "---\nname: x\n", p + `28: the config holds more than one YAML document; remove the second ---`},
		{"duplicate key", configWith("", "name: a\nname: b\n"), p + `29: mapping key "name" already defined at line 28`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(ConfigPath, []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if got := strings.Split(err.Error(), "\n")[0]; got != tt.want {
				t.Fatalf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestConfigErrorsAll(t *testing.T) {
	src := configWith("{priority: urgent}", "{priority: urgnet, assign: eva}")
	src = strings.Replace(src, "calendar: office\n    targets", "calendar: home\n    targets", 1)
	_, err := ParseConfig(ConfigPath, []byte(src))
	want := `.ticket/config.yaml:19: rules[1] "urgent words": unknown priority "urgnet" (want one of low, normal, high, urgent)
.ticket/config.yaml:19: rules[1] "urgent words": assign: unknown agent "eva" (agents: hans)
.ticket/config.yaml:24: sla[0] "standard": unknown calendar "home" (calendars: office)`
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
}

func TestConfigAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	_, err := ParseConfig(ConfigPath, []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "YAML aliases") {
		t.Fatalf("error = %v", err)
	}
}

func TestConfigValidateInCode(t *testing.T) {
	c := &Config{Agents: []Agent{{Handle: "a"}, {Handle: "A"}}, Rules: []Rule{{Name: "r", If: "true", Then: Actions{Priority: "top"}}}}
	want := `agents[1] "A": handle "A" is already used by agents[0]; handles are unique
rules[0] "r": unknown priority "top" (want one of low, normal, high, urgent)`
	if err := c.Validate(); err == nil || err.Error() != want {
		t.Fatalf("Validate() = %v, want\n%s", err, want)
	}
}

func TestConfigCheckConditions(t *testing.T) {
	c, err := ParseConfig(ConfigPath, []byte(exampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckConditions(func(cond string) error {
		if strings.Contains(cond, "language") {
			return configTestError(`unknown field "language"`)
		}
		return nil
	})
	want := `.ticket/config.yaml:15: rules[0] "german to a German speaker": if: unknown field "language"`
	if err == nil || err.Error() != want {
		t.Fatalf("CheckConditions = %v, want %s", err, want)
	}
}

type configTestError string

func (e configTestError) Error() string { return string(e) }

func TestConfigRenderDefault(t *testing.T) {
	c := DefaultConfig("Acme", "help@example.com")
	assertConfigRoundTrip(t, c)
	want := "# The desk's configuration; see docs/config.md.\nname: Acme\nemail: help@example.com\n"
	if got := string(RenderConfig(c)); got != want {
		t.Fatalf("RenderConfig = %q, want %q", got, want)
	}
}

// assertConfigRoundTrip checks parse(render(c)) == c and that rendering is
// stable.
func assertConfigRoundTrip(t *testing.T, c *Config) {
	t.Helper()
	out := RenderConfig(c)
	back, err := ParseConfig(ConfigPath, out)
	if err != nil {
		t.Fatalf("rendered config does not parse: %v\n%s", err, out)
	}
	a, b := *c, *back
	a.src, b.src = nil, nil
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the config\n got %#v\nwant %#v\n%s", b, a, out)
	}
	if again := RenderConfig(back); string(again) != string(out) {
		t.Fatalf("second render differs\n%s\n%s", out, again)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(exampleConfig)
	f.Add(fullConfig)
	f.Add("name: x\nrules: [{name: a, if: b, then: {tag: x, set: {k: v}}}]\n")
	f.Add("calendars: {c: {timezone: UTC, hours: {sun-thu: '08:00-12:00,13:00-16:00'}}}\nbusiness_hours: c\n")
	f.Add("name: \"\\0\\t\"\ncommit: true\nagents: []\n")
	f.Add("a: &x 1\nb: *x\n")
	for _, b := range seedConfigs(f) { // demo desk, scripts, docs (fuzz_test.go)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseConfig(ConfigPath, []byte(src))
		if err != nil {
			return
		}
		assertConfigRoundTrip(t, c)
	})
}

func TestConfigStringList(t *testing.T) {
	for src, want := range map[string]StringList{
		"tag: de":       {"de"},
		"tag: [de, en]": {"de", "en"},
		"tag: ~":        nil,
		"tag:":          nil,
		"tag: []":       nil,
	} {
		c, err := ParseConfig(ConfigPath, []byte("rules:\n  - name: r\n    if: \"true\"\n    then:\n      "+src+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := c.Rules[0].Then.Tag; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: tags %q, want %q", src, got, want)
		}
	}
}

// TestConfigDocExample keeps the complete example of docs/config.md valid.
func TestConfigDocExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Skip(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## A complete example\n\n```yaml\n")
	if !ok {
		t.Fatal("docs/config.md has no complete example")
	}
	example, _, _ := strings.Cut(rest, "```")
	c, err := ParseConfig("docs/config.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agents) != 2 || len(c.Calendars) != 2 || c.SMTP.Host == "" || c.KB.Title == "" {
		t.Fatalf("example read as %+v", c)
	}
	assertConfigRoundTrip(t, c)
}

// TestConfigRoundTripProperty renders random valid configs, full of text
// that means something to YAML, and reads them back.
func TestConfigRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	hostile := []string{"plain", "with: colon", "# hash", "- dash", "'single'", `"double"`, "a\nb", " lead", "trail ",
		"~", "null", "true", "no", "0x1F", "1e3", "2026-12-24", "&anchor", "*alias", "{x}", "[y]", "ümlaut ✓", "tab\there", "%percent", "@at", "|", ">"}
	text := func() string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return hostile[rng.IntN(len(hostile))]
	}
	list := func() []string {
		var xs []string
		for range rng.IntN(3) {
			if s := text(); s != "" {
				xs = append(xs, s)
			}
		}
		return xs
	}
	for i := range 300 {
		c := &Config{Name: text(), Email: text(), BusinessHours: "", FCRDays: rng.IntN(3), Sendmail: ""}
		if rng.IntN(2) == 0 {
			b := rng.IntN(2) == 0
			c.Commit = &b
		}
		c.Calendars = map[string]Calendar{}
		for k := range rng.IntN(3) {
			name := "cal" + strconv.Itoa(k) + text()
			c.Calendars[name] = Calendar{Timezone: []string{"UTC", "Europe/Berlin", "America/New_York"}[rng.IntN(3)],
				Hours:    map[string]string{"mon-fri": "09:00-17:00", "sat": "10:00-12:00, 13:00-15:00"},
				Holidays: []string{"2026-12-24", "2027-01-01"}[:rng.IntN(3)]}
			c.BusinessHours = name
		}
		cals := slices.Sorted(maps.Keys(c.Calendars))
		cal := func() string {
			if len(cals) == 0 || rng.IntN(2) == 0 {
				return ""
			}
			return cals[rng.IntN(len(cals))]
		}
		for k := range rng.IntN(3) {
			c.Agents = append(c.Agents, Agent{Handle: "agent" + strconv.Itoa(k), Name: text(), Teams: list(),
				Languages: list(), Calendar: cal(), Away: rng.IntN(2) == 0, Signature: text()})
		}
		for k := range rng.IntN(3) {
			c.SLA = append(c.SLA, SLAPolicy{Name: "policy " + strconv.Itoa(k) + text(), If: text(), Calendar: cal(),
				Targets: map[string]SLATargets{"urgent": {FirstResponse: "1h", Resolution: "1d4h"}, "low": {NextResponse: "2w"}}})
		}
		for k := range rng.IntN(4) {
			r := Rule{Name: "rule " + strconv.Itoa(k) + text(), If: "x" + text(), Stop: rng.IntN(2) == 0,
				Then: Actions{Tag: list(), Reply: text()}}
			if rng.IntN(2) == 0 {
				r.On = StringList{"message"}
			}
			if len(c.SLA) > 0 {
				r.Then.SLA = c.SLA[0].Name
			}
			if rng.IntN(2) == 0 {
				r.Then.Set = map[string]string{"k" + text(): text()}
			}
			c.Rules = append(c.Rules, r)
		}
		if rng.IntN(2) == 0 {
			c.SMTP = SMTP{Host: "smtp.example.com", Port: rng.IntN(2) * 465, TLS: "implicit", Username: text(), PasswordEnv: "P"}
		} else if rng.IntN(2) == 0 {
			c.Sendmail = "/usr/sbin/sendmail -t"
		}
		c.Autoreply = Autoreply{Limit: rng.IntN(3), Per: []string{"", "3h", "90m"}[rng.IntN(3)]}
		c.KB = KB{Title: text()}
		c.normalize()
		if err := c.Validate(); err != nil {
			t.Fatalf("case %d: generated config is invalid: %v", i, err)
		}
		assertConfigRoundTrip(t, c)
	}
}

func TestConfigLimits(t *testing.T) {
	c, err := ParseConfig(ConfigPath, []byte("limits:\n  message_size: 2MB\n  attachment_size: 512KB\n  mime_parts: 50\n  mime_depth: 5\n  line_length: 4KB\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := MailLimits{MessageSize: 2 << 20, AttachmentSize: 512 << 10, MIMEParts: 50, MIMEDepth: 5, LineLength: 4 << 10}
	if got := c.MailLimits(); got != want {
		t.Errorf("MailLimits() = %+v, want %+v", got, want)
	}
	assertConfigRoundTrip(t, c)
	if got := DefaultConfig("", "").MailLimits(); got != DefaultMailLimits {
		t.Errorf("default limits = %+v", got)
	}
	// Only what is set changes; the rest keeps its default.
	c, err = ParseConfig(ConfigPath, []byte("limits: {mime_parts: 7}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.MailLimits(); got.MIMEParts != 7 || got.MessageSize != DefaultMailLimits.MessageSize {
		t.Errorf("MailLimits() = %+v", got)
	}
}

func TestConfigLimitsErrors(t *testing.T) {
	const p = ".ticket/config.yaml:"
	for _, tt := range []struct{ src, want string }{
		{"limits:\n  message_size: lots\n", p + `2: limits: message_size: "lots" is not a size; write one such as 10MB, 512KB or 1GB`},
		{"limits:\n  attachment_size: -1MB\n", p + `2: limits: attachment_size: "-1MB" is not a size; write one such as 10MB, 512KB or 1GB`},
		{"limits:\n  message_size: 5GB\n", p + `2: limits: message_size: 5GB is more than 1GB; a message that large is better sent as a link`},
		{"limits:\n  line_length: 10B\n", p + `2: limits: line_length: 10B is shorter than an ordinary line of mail (78 bytes); write at least 1KB`},
		{"limits:\n  mime_parts: -3\n", p + `2: limits: mime_parts: want a number of parts from 1 to 100000`},
		{"limits:\n  mime_depth: 5000\n", p + `2: limits: mime_depth: want a nesting depth from 1 to 1000`},
		{"limits:\n  mime_depth: deep\n", p + `2: "deep" is not a whole number`},
		{"limits:\n  body_size: 1MB\n", p + `2: unknown key "body_size" (known keys: message_size, attachment_size, mime_parts, mime_depth, line_length)`},
	} {
		_, err := ParseConfig(ConfigPath, []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "10MB": 10 << 20, "512kb": 512 << 10, "1GiB": 1 << 30, "1.5K": 1536, "300": 300, "300B": 300} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"x", "0", "-5", "MB", "1PB", "99999999999GB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) took it", in)
		}
	}
}
