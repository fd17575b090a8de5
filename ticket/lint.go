package ticket

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
)

// The severities of a LintProblem.
const (
	LintError   = "error"   // the desk is broken or inconsistent: lint fails
	LintWarning = "warning" // worth a look; lint still passes
)

// LintProblem is one finding of `ticket lint` about one ticket: its line in
// the file (0: the whole file), severity and a message that says what to do.
type LintProblem struct {
	Line     int
	Severity string
	Message  string
}

// FutureSlack is how far a time may lie ahead of now before lint reports
// it: clocks of clones differ a little.
const FutureSlack = 5 * time.Minute

// LintTicket checks a parsed ticket against the desk's configuration and
// the time now, reading lines from raw, its file: validation, agents and
// teams the configuration knows (when it lists any), times not in the
// future, and a resolved ticket with a resolution time.
func LintTicket(t *Ticket, raw []byte, cfg *Config, now time.Time) []LintProblem {
	var out []LintProblem
	add := func(line int, sev, format string, a ...any) {
		out = append(out, LintProblem{Line: line, Severity: sev, Message: fmt.Sprintf(format, a...)})
	}
	if err := t.Validate(); err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			add(validateLine(raw, e), LintError, "%s", e)
		}
	}
	if cfg != nil && len(cfg.Agents) > 0 && t.Assignee != "" && cfg.Agent(t.Assignee) == nil {
		add(FrontMatterLine(raw, "assignee"), LintError, "assignee %q is not an agent of the desk; add the agent to agents in %s or assign a known one", t.Assignee, ConfigPath)
	}
	if cfg != nil && t.Team != "" && hasTeams(cfg) && !cfg.TeamExists(t.Team) {
		add(FrontMatterLine(raw, "team"), LintError, "team %q is not a team of the desk; add it to teams in %s or name a known one", t.Team, ConfigPath)
	}
	limit := now.Add(FutureSlack)
	for _, f := range []struct {
		key string
		at  time.Time
	}{{"created", t.Created}, {"updated", t.Updated}, {"first_response", t.FirstResponse}, {"resolved", t.Resolved}} {
		if f.key == "updated" && f.at.Equal(t.Created) {
			continue // not written: it defaults to created
		}
		if f.at.After(limit) {
			add(FrontMatterLine(raw, f.key), LintError, "%s %s is in the future (now is %s); fix the time", f.key, f.at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	for i, e := range t.Entries {
		if e.At.After(limit) {
			add(EntryLine(raw, i), LintError, "entry %s at %s is in the future (now is %s); fix the time", e.ID, e.At.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	if !t.Created.IsZero() && !t.Updated.IsZero() && t.Updated.Before(t.Created) {
		add(FrontMatterLine(raw, "updated"), LintWarning, "updated is before created; set it to the time of the latest change")
	}
	if (t.Status == StatusResolved || t.Status == StatusClosed) && t.Resolved.IsZero() {
		add(FrontMatterLine(raw, "status"), LintWarning, "status %s without a resolved time; add resolved: with the time it was resolved", t.Status)
	}
	return out
}

func hasTeams(cfg *Config) bool {
	if len(cfg.Teams) > 0 {
		return true
	}
	for _, a := range cfg.Agents {
		if len(a.Teams) > 0 {
			return true
		}
	}
	return false
}

// lazyRegexp compiles an expression the first time it is used rather than
// when the program starts, which every command would pay for.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var entryErrRe = lazyRegexp(`^entry (\d+):`)

// validateLine finds the line a Validate message is about.
func validateLine(raw []byte, msg string) int {
	if m := entryErrRe().FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return EntryLine(raw, n-1)
	}
	for _, k := range []string{"id", "status", "priority", "created", "reopened", "tag", "custom field"} {
		if strings.Contains(msg, k) {
			key := k
			switch k {
			case "tag":
				key = "tags"
			case "custom field":
				key = "fields"
			}
			if n := FrontMatterLine(raw, key); n > 0 {
				return n
			}
		}
	}
	return 0
}

// FrontMatterLine is the 1-based line of a top-level front-matter key in a
// ticket file, or 0 when the key is not there.
func FrontMatterLine(raw []byte, key string) int {
	lines := strings.Split(string(raw), "\n")
	if len(lines) == 0 || strings.TrimSpace(strings.TrimPrefix(lines[0], "\ufeff")) != fence {
		return 0
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if l == fence {
			return 0
		}
		if strings.HasPrefix(l, key+":") || strings.HasPrefix(l, `"`+key+`":`) {
			return i + 1
		}
	}
	return 0
}

// EntryLine is the 1-based line of the marker of entry n (from 0) in a
// ticket file, or 0 when there is no such entry.
func EntryLine(raw []byte, n int) int {
	if lines := EntryLines(raw); n >= 0 && n < len(lines) {
		return lines[n]
	}
	return 0
}

// EntryLines are the 1-based lines of the entry markers of a ticket file,
// in order.
func EntryLines(raw []byte) []int {
	var out []int
	inBody, fences := false, 0
	for i, l := range strings.Split(string(raw), "\n") {
		l = strings.TrimRight(l, "\r")
		if !inBody {
			if l == fence {
				fences++
				inBody = fences == 2
			}
			continue
		}
		if isMarker(l) {
			out = append(out, i+1)
		}
	}
	return out
}

// A credential pattern, what to call what it found, and the text one of
// which a line must hold before the expression is tried (lower case when
// fold is set), so that most lines cost a substring search, not a regexp.
// value, when set, must accept the expression's last group: it tells a
// secret from an ordinary word.
type credentialPattern struct {
	re      *regexp.Regexp
	what    string
	needles []string
	fold    bool
	value   func(string) bool
}

var credentialPatterns = sync.OnceValue(func() []credentialPattern {
	return []credentialPattern{
		{regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`), "a private key", []string{"PRIVATE KEY-----"}, false, nil},
		{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "an AWS access key id", []string{"AKIA", "ASIA"}, false, nil},
		{regexp.MustCompile(`\bxox[bpoasr]-[0-9A-Za-z-]{10,}`), "a Slack token", []string{"xox"}, false, nil},
		{regexp.MustCompile(`https://hooks\.slack\.com/services/T[0-9A-Za-z]+/B[0-9A-Za-z]+/[0-9A-Za-z]{16,}`), "a Slack webhook", []string{"hooks.slack.com"}, false, nil},
		{regexp.MustCompile(`\bgh[pousr]_[0-9A-Za-z]{36,}\b`), "a GitHub token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, false, nil},
		{regexp.MustCompile(`\bgithub_pat_[0-9A-Za-z_]{40,}`), "a GitHub token", []string{"github_pat_"}, false, nil},
		{regexp.MustCompile(`\b[rs]k_live_[0-9A-Za-z]{20,}`), "a Stripe secret key", []string{"k_live_"}, false, nil},
		{regexp.MustCompile(`(?i)\b(password|passwd|passphrase|pwd)\b["']?\s*[:=]\s*["']?([^\s"']{4,})`), "a password", []string{"passw", "passphrase", "pwd"}, true, secretValue},
		{regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s/:@"'<>]+:([^\s/@"'<>]+)@[a-z0-9.\[-]`), "a URL with a password in it", []string{"://"}, false, secretValue},
		{regexp.MustCompile(`(?i)(token|secret|api[_-]?key|access[_-]?key)["']?\s*[:=]\s*["']?([0-9a-f]{32,}|[A-Za-z0-9+/_-]{24,}={0,2})`), "a secret token or API key",
			[]string{"token", "secret", "api_key", "api-key", "apikey", "access_key", "access-key", "accesskey"}, true, nil},
	}
})

// secretValue tells a password from a word in a sentence ("Password:
// please reset it") and from a mask ("********", "<password>", "xxx"): a
// secret has a digit or a symbol in it and is not one character repeated.
func secretValue(v string) bool {
	v = strings.TrimRight(v, ".,;:!?)")
	if len(v) < 4 || strings.Trim(v, v[:1]) == "" {
		return false
	}
	if strings.HasPrefix(v, "<") || strings.HasPrefix(v, "$") || strings.HasPrefix(v, "{{") || strings.HasPrefix(v, "%") {
		return false // a placeholder or a variable, not the secret
	}
	for _, r := range v {
		if !unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// matches reports whether a line holds the credential: a match whose
// last group, when the pattern checks values, looks like a secret.
func (p credentialPattern) matches(l string) bool {
	if p.value == nil {
		return p.re.MatchString(l)
	}
	for _, m := range p.re.FindAllStringSubmatch(l, -1) {
		if p.value(m[len(m)-1]) {
			return true
		}
	}
	return false
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// Credentials reports the lines of text that look like a credential: a
// private key, an AWS access key, a Slack, GitHub or Stripe token, a Slack
// webhook, a password (password: or passwd= with a value that has a digit
// or a symbol), a URL with a password (https://user:pass@host), or a long
// hex or base64 secret after token, secret or api_key. The findings never
// repeat the secret.
func Credentials(text string) []LintProblem {
	lower := strings.ToLower(text)
	var active []credentialPattern
	for _, p := range credentialPatterns() {
		in := text
		if p.fold {
			in = lower
		}
		if containsAny(in, p.needles) {
			active = append(active, p)
		}
	}
	if len(active) == 0 {
		return nil
	}
	var out []LintProblem
	lowerLines := strings.Split(lower, "\n")
	for i, l := range strings.Split(text, "\n") {
		for _, p := range active {
			in := l
			if p.fold && i < len(lowerLines) {
				in = lowerLines[i]
			}
			if containsAny(in, p.needles) && p.matches(l) {
				out = append(out, LintProblem{Line: i + 1, Severity: LintWarning,
					Message: fmt.Sprintf("this line looks like %s; remove it from the file (and its git history) and replace the credential", p.what)})
				break
			}
		}
	}
	return out
}
