package ticket

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The file format is specified in docs/format.md. In short:
//
//	---
//	front matter (YAML, fixed key order, quoting decided here)
//	---
//	[preamble]
//
//	<!-- entry id=… kind=… at=… author="…" -->
//	### Message from … · 2026-11-01 09:14 UTC
//
//	body
//
// Entry markers are HTML comments (invisible on a git host); the heading
// after each marker is generated from the marker so the conversation reads
// well rendered. A body line that would look like a marker is escaped with one
// more leading backslash.

const (
	fence        = "---"
	markerPrefix = "<!-- entry "
	markerSuffix = " -->"
)

// ParseError is a problem at a line of a ticket file.
type ParseError struct {
	Path string // may be empty
	Line int    // 1-based; 0 when the whole file is at fault
	Msg  string
}

func (e *ParseError) Error() string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	case e.Path != "":
		return e.Path + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ParseFile parses a ticket file; errors name path and line.
func ParseFile(path string, data []byte) (*Ticket, error) {
	t, err := Parse(data)
	if pe, ok := err.(*ParseError); ok {
		pe.Path = path
	}
	return t, err
}

// Parse reads a ticket file.
func Parse(data []byte) (*Ticket, error) {
	s := CleanText(string(bytes.TrimPrefix(data, []byte("\ufeff"))))
	if !strings.HasPrefix(s, fence+"\n") {
		return nil, &ParseError{Line: 1, Msg: "a ticket file starts with a front matter line \"---\""}
	}
	fmStart := len(fence) + 1
	end := -1
	if strings.HasPrefix(s[fmStart:], fence+"\n") || s[fmStart:] == fence {
		end = fmStart
	} else if i := strings.Index(s[fmStart:], "\n"+fence+"\n"); i >= 0 {
		end = fmStart + i + 1
	} else if strings.HasSuffix(s, "\n"+fence) {
		end = len(s) - len(fence)
	}
	if end < 0 {
		return nil, &ParseError{Line: 1, Msg: "front matter is not closed by a line \"---\""}
	}
	t, err := parseFrontMatter(s[fmStart:end])
	if err != nil {
		return nil, err
	}
	rest := ""
	if end+len(fence)+1 <= len(s) {
		rest = s[end+len(fence)+1:]
	}
	bodyLine := 1 + strings.Count(s[:end], "\n") + 1
	if err := parseBody(t, rest, bodyLine); err != nil {
		return nil, err
	}
	return t, nil
}

func parseFrontMatter(src string) (*Ticket, error) {
	if t, ok := parseFrontMatterFast(src); ok {
		return t, nil
	}
	return parseFrontMatterYAML(src)
}

func parseFrontMatterYAML(src string) (*Ticket, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &ParseError{Line: 2, Msg: "front matter is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Line: root.Line + 1, Msg: "front matter must be a mapping of keys to values"}
	}
	t := &Ticket{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := k.Line + 1
		if k.Kind != yaml.ScalarNode {
			return nil, &ParseError{Line: line, Msg: "front matter keys must be plain words"}
		}
		if seen[k.Value] {
			return nil, &ParseError{Line: line, Msg: fmt.Sprintf("key %q appears twice", k.Value)}
		}
		seen[k.Value] = true
		if err := setKey(t, k.Value, v, line); err != nil {
			return nil, err
		}
	}
	for _, k := range []string{"id", "status", "created"} {
		if !seen[k] {
			return nil, &ParseError{Line: 1, Msg: fmt.Sprintf("front matter has no %q", k)}
		}
	}
	if t.Priority == "" {
		t.Priority = PriorityNormal
	}
	if t.Updated.IsZero() {
		t.Updated = t.Created
	}
	return t, nil
}

func yamlError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	// yaml.v3 says "line N: …" counting from the first front-matter line.
	var n int
	if _, e := fmt.Sscanf(msg, "line %d:", &n); e == nil {
		rest := msg[strings.Index(msg, ":")+1:]
		return &ParseError{Line: n + 1, Msg: "front matter: " + strings.TrimSpace(rest)}
	}
	return &ParseError{Line: 2, Msg: "front matter: " + msg}
}

func scalar(v *yaml.Node, key string, line int) (string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "", nil
		}
		return v.Value, nil
	case yaml.AliasNode:
		return "", &ParseError{Line: line, Msg: key + ": YAML aliases are not allowed in ticket files"}
	}
	return "", &ParseError{Line: line, Msg: key + ": want a single value, not a list or mapping"}
}

func parseTime(s, key string, line int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &ParseError{Line: line, Msg: fmt.Sprintf("%s: %q is not an RFC 3339 time like 2026-11-01T09:14:00Z", key, s)}
	}
	return Time(tm), nil
}

func setKey(t *Ticket, key string, v *yaml.Node, line int) error {
	if key == "tags" || key == "fields" {
		return setCollection(t, key, v, line)
	}
	s, err := scalar(v, key, line)
	if err != nil {
		return err
	}
	return setScalar(t, key, s, line)
}

// setScalar stores one front-matter value; both the fast and the yaml.v3
// reader call it, so they cannot disagree on meaning.
func setScalar(t *Ticket, key, s string, line int) error {
	switch key {
	case "id":
		s = strings.ToLower(s)
		if !ValidID(s) {
			return &ParseError{Line: line, Msg: fmt.Sprintf("id %q is not a ticket id (letters and digits of %s)", s, IDAlphabet)}
		}
		t.ID = s
	case "title":
		t.Title = s
	case "status":
		st, err := ParseStatus(s)
		if err != nil {
			return &ParseError{Line: line, Msg: err.Error()}
		}
		t.Status = st
	case "priority":
		if s == "" {
			return nil
		}
		p, err := ParsePriority(s)
		if err != nil {
			return &ParseError{Line: line, Msg: err.Error()}
		}
		t.Priority = p
	case "channel":
		t.Channel = s
	case "customer":
		t.Customer = s
	case "assignee":
		t.Assignee = s
	case "team":
		t.Team = s
	case "language":
		t.Language = s
	case "sla":
		t.SLA = s
	case "created", "updated", "first_response", "resolved":
		tm, err := parseTime(s, key, line)
		if err != nil {
			return err
		}
		switch key {
		case "created":
			if tm.IsZero() {
				return &ParseError{Line: line, Msg: "created: must be set"}
			}
			t.Created = tm
		case "updated":
			t.Updated = tm
		case "first_response":
			t.FirstResponse = tm
		case "resolved":
			t.Resolved = tm
		}
	case "reopened":
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return &ParseError{Line: line, Msg: fmt.Sprintf("reopened: %q is not a count", s)}
		}
		t.Reopened = n
	default:
		return &ParseError{Line: line, Msg: fmt.Sprintf("unknown key %q (custom values go under fields:)", key)}
	}
	return nil
}

func setCollection(t *Ticket, key string, v *yaml.Node, line int) error {
	switch key {
	case "tags":
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag != "!!null" && v.Value != "" {
				t.Tags = []string{v.Value}
			}
			return nil
		case yaml.SequenceNode:
			for _, it := range v.Content {
				s, err := scalar(it, "tags", it.Line+1)
				if err != nil {
					return err
				}
				t.Tags = append(t.Tags, s)
			}
			return nil
		}
		return &ParseError{Line: line, Msg: "tags: want a list like [billing, refund]"}
	default: // fields
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil
		}
		if v.Kind != yaml.MappingNode {
			return &ParseError{Line: line, Msg: "fields: want a mapping of names to values"}
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			kl := k.Line + 1
			name, err := scalar(k, "fields", kl)
			if err != nil {
				return err
			}
			if name == "" {
				return &ParseError{Line: kl, Msg: "fields: empty field name"}
			}
			s, err := scalar(val, "fields."+name, kl)
			if err != nil {
				return err
			}
			if _, dup := t.Fields[name]; dup {
				return &ParseError{Line: kl, Msg: fmt.Sprintf("fields: %q appears twice", name)}
			}
			if t.Fields == nil {
				t.Fields = map[string]string{}
			}
			t.Fields[name] = s
		}
		return nil
	}
}

// parseBody splits the text after the front matter into preamble and entries.
func parseBody(t *Ticket, s string, firstLine int) error {
	type chunk struct {
		marker string
		line   int
		text   string
	}
	var chunks []chunk
	pre := ""
	cur := -1 // index into chunks, -1 for preamble
	var b strings.Builder
	flush := func() {
		if cur < 0 {
			pre = b.String()
		} else {
			chunks[cur].text = b.String()
		}
		b.Reset()
	}
	line := firstLine
	for pos := 0; pos < len(s); line++ {
		nl := strings.IndexByte(s[pos:], '\n')
		var ln string
		next := len(s)
		if nl >= 0 {
			ln, next = s[pos:pos+nl], pos+nl+1
		} else {
			ln = s[pos:]
		}
		if isMarker(ln) {
			flush()
			chunks = append(chunks, chunk{marker: ln, line: line})
			cur = len(chunks) - 1
		} else {
			b.WriteString(s[pos:next])
		}
		pos = next
	}
	flush()

	// The renderer puts "\n" before every marker and "\n" after every body,
	// and starts the preamble with "\n"; undo exactly that.
	if pre != "" {
		pre = strings.TrimPrefix(pre, "\n")
		pre = trimNewlines(pre, sep(len(chunks) > 0))
		t.Preamble = unescapeBody(pre)
	}
	for i, c := range chunks {
		e, err := parseMarker(c.marker, c.line)
		if err != nil {
			return err
		}
		text := c.text
		if strings.HasPrefix(text, "### ") {
			if j := strings.IndexByte(text, '\n'); j >= 0 {
				text = text[j+1:]
			} else {
				text = ""
			}
			text = strings.TrimPrefix(text, "\n")
		}
		e.Body = unescapeBody(trimNewlines(text, sep(i < len(chunks)-1)))
		t.Entries = append(t.Entries, e)
	}
	return nil
}

func sep(more bool) int {
	if more {
		return 2
	}
	return 1
}

func trimNewlines(s string, n int) string {
	for ; n > 0 && strings.HasSuffix(s, "\n"); n-- {
		s = s[:len(s)-1]
	}
	return s
}

func isMarker(ln string) bool {
	return len(ln) >= len(markerPrefix)+len(markerSuffix) &&
		strings.HasPrefix(ln, markerPrefix) && strings.HasSuffix(ln, markerSuffix)
}

// escapedMarker matches a body line that a reader could take for a marker:
// any number of backslashes, then the marker prefix.
func escapedMarker(ln string) bool {
	return strings.HasPrefix(strings.TrimLeft(ln, `\`), markerPrefix)
}

func escapeBody(s string) string {
	if !strings.Contains(s, markerPrefix) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		if escapedMarker(ln) {
			lines[i] = `\` + ln
		}
	}
	return strings.Join(lines, "\n")
}

func unescapeBody(s string) string {
	if !strings.Contains(s, `\`+markerPrefix) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		if strings.HasPrefix(ln, `\`) && escapedMarker(ln) {
			lines[i] = ln[1:]
		}
	}
	return strings.Join(lines, "\n")
}

func parseMarker(ln string, line int) (Entry, error) {
	attrs := ln[len(markerPrefix) : len(ln)-len(markerSuffix)]
	var e Entry
	bad := func(format string, a ...any) (Entry, error) {
		return Entry{}, &ParseError{Line: line, Msg: "entry marker: " + fmt.Sprintf(format, a...)}
	}
	seen := map[string]bool{}
	for pos := 0; pos < len(attrs); {
		if attrs[pos] == ' ' {
			pos++
			continue
		}
		eq := strings.IndexByte(attrs[pos:], '=')
		if eq <= 0 {
			return bad("want key=value at %q", attrs[pos:])
		}
		key := attrs[pos : pos+eq]
		if !validMetaKey(key) {
			return bad("bad attribute name %q", key)
		}
		pos += eq + 1
		var val string
		if pos < len(attrs) && attrs[pos] == '"' {
			end := closingQuote(attrs, pos)
			if end < 0 {
				return bad("unterminated quoted value of %s", key)
			}
			v, err := strconv.Unquote(attrs[pos : end+1])
			if err != nil {
				return bad("bad quoted value of %s: %v", key, err)
			}
			val, pos = v, end+1
		} else {
			sp := strings.IndexByte(attrs[pos:], ' ')
			if sp < 0 {
				sp = len(attrs) - pos
			}
			val, pos = attrs[pos:pos+sp], pos+sp
		}
		if key != "attach" && seen[key] {
			return bad("attribute %q appears twice", key)
		}
		seen[key] = true
		switch key {
		case "id":
			e.ID = val
		case "kind":
			k, err := ParseKind(val)
			if err != nil {
				return bad("%v", err)
			}
			e.Kind = k
		case "at":
			tm, err := time.Parse(time.RFC3339Nano, val)
			if err != nil {
				return bad("at: %q is not an RFC 3339 time", val)
			}
			e.At = Time(tm)
		case "author":
			e.Author = val
		case "message-id":
			e.MessageID = val
		case "auto":
			e.Auto = val
		case "status", "from":
			st, err := ParseStatus(val)
			if err != nil {
				return bad("%s: %v", key, err)
			}
			if key == "status" {
				e.Status = st
			} else {
				e.From = st
			}
		case "attach":
			e.Attachments = append(e.Attachments, val)
		default:
			if e.Meta == nil {
				e.Meta = map[string]string{}
			}
			e.Meta[key] = val
		}
	}
	switch {
	case e.ID == "":
		return bad("no id")
	case e.Kind == "":
		return bad("no kind")
	case e.At.IsZero():
		return bad("no time (at=)")
	}
	return e, nil
}

func closingQuote(s string, open int) int {
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func validMetaKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Render writes a ticket file. The same ticket always renders to the same
// bytes, and Parse(Render(t)) equals t.
func Render(t *Ticket) []byte {
	var b strings.Builder
	b.Grow(512 + len(t.Preamble) + 256*len(t.Entries))
	b.WriteString(fence + "\n")
	line := func(k, v string) {
		if v == "" {
			return
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	str := func(k, v string) {
		if v != "" {
			line(k, yamlString(v, false))
		}
	}
	tm := func(k string, v time.Time) {
		if !v.IsZero() {
			line(k, v.UTC().Format(time.RFC3339))
		}
	}
	str("id", t.ID)
	line("title", yamlString(t.Title, false))
	str("status", string(t.Status))
	str("priority", string(t.Priority))
	str("channel", t.Channel)
	str("customer", t.Customer)
	str("assignee", t.Assignee)
	str("team", t.Team)
	if len(t.Tags) > 0 {
		parts := make([]string, len(t.Tags))
		for i, tag := range t.Tags {
			parts[i] = yamlString(tag, true)
		}
		line("tags", "["+strings.Join(parts, ", ")+"]")
	}
	str("language", t.Language)
	tm("created", t.Created)
	tm("updated", t.Updated)
	tm("first_response", t.FirstResponse)
	tm("resolved", t.Resolved)
	if t.Reopened > 0 {
		line("reopened", strconv.Itoa(t.Reopened))
	}
	str("sla", t.SLA)
	if len(t.Fields) > 0 {
		b.WriteString("fields:\n")
		for _, k := range sortedKeys(t.Fields) {
			key := yamlString(k, false)
			if len(key) > 1000 {
				// YAML caps implicit keys at 1024 characters; longer ones
				// need the explicit form.
				b.WriteString("  ? " + key + "\n  : ")
			} else {
				b.WriteString("  " + key + ": ")
			}
			b.WriteString(yamlString(t.Fields[k], false))
			b.WriteByte('\n')
		}
	}
	b.WriteString(fence + "\n")
	if t.Preamble != "" {
		b.WriteString("\n")
		b.WriteString(escapeBody(t.Preamble))
		b.WriteString("\n")
	}
	for i := range t.Entries {
		renderEntry(&b, &t.Entries[i])
	}
	return []byte(b.String())
}

func renderEntry(b *strings.Builder, e *Entry) {
	b.WriteString("\n" + markerPrefix)
	attr := func(k, v string) {
		if v == "" && k != "attach" && e.Meta[k] == "" {
			if _, meta := e.Meta[k]; !meta {
				return
			}
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(attrValue(v))
		b.WriteByte(' ')
	}
	attr("id", e.ID)
	attr("kind", string(e.Kind))
	if !e.At.IsZero() {
		attr("at", e.At.UTC().Format(time.RFC3339))
	}
	attr("author", e.Author)
	attr("message-id", e.MessageID)
	attr("auto", e.Auto)
	attr("from", string(e.From))
	attr("status", string(e.Status))
	for _, a := range e.Attachments {
		attr("attach", a)
	}
	for _, k := range sortedKeys(e.Meta) {
		attr(k, e.Meta[k])
	}
	b.WriteString("-->\n")
	b.WriteString(Heading(e))
	b.WriteString("\n")
	if e.Body != "" {
		b.WriteString("\n")
		b.WriteString(escapeBody(e.Body))
		b.WriteString("\n")
	}
}

// Heading is the visible Markdown heading rendered under an entry's marker.
func Heading(e *Entry) string {
	when := ""
	if !e.At.IsZero() {
		when = " · " + e.At.UTC().Format("2006-01-02 15:04 UTC")
	}
	who := e.Author
	if who == "" {
		who = "unknown"
	}
	var what string
	switch e.Kind {
	case KindMessage:
		what = "Message from " + who
	case KindReply:
		what = "Reply by " + who
	case KindNote:
		what = "Internal note by " + who
	case KindEvent:
		if e.From != "" {
			what = fmt.Sprintf("Status %s → %s by %s", e.From, e.Status, who)
		} else {
			what = fmt.Sprintf("Status %s by %s", e.Status, who)
		}
	default:
		what = string(e.Kind) + " by " + who
	}
	if e.Auto != "" {
		what += " (" + e.Auto + ")"
	}
	return "### " + CleanLine(what) + when
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// attrValue writes a marker attribute bare when that is unambiguous, else as
// a Go-quoted string in which "-->" cannot appear (it would end the comment).
func attrValue(v string) string {
	bare := v != ""
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:@+/-", c) >= 0) {
			bare = false
			break
		}
	}
	if bare && !strings.Contains(v, "-->") && !strings.HasPrefix(v, "\"") {
		return v
	}
	q := strconv.Quote(v)
	return strings.ReplaceAll(q, "-->", `--\u003e`)
}

// yamlString encodes a string as a YAML scalar: plain when that reads back as
// the same text, otherwise double-quoted with escapes. flow is set inside a
// flow sequence, where commas and brackets are special too.
func yamlString(s string, flow bool) string {
	if plainSafe(s, flow) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func plainSafe(s string, flow bool) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	switch strings.ToLower(s) {
	case "null", "~":
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !(unicode.IsLetter(first) || unicode.IsDigit(first) || first == '_') {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if last == ' ' || last == ':' {
		return false
	}
	prev := rune(0)
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case r == ' ':
			if prev == ' ' || prev == ':' {
				return false
			}
		case strings.ContainsRune("_.@/+-", r):
		case strings.ContainsRune("()'?!&%$=<>;*", r):
			if flow {
				return false
			}
		case r == ':':
			if flow {
				return false
			}
		case r == ',' || r == '[' || r == ']' || r == '{' || r == '}':
			if flow {
				return false
			}
			if r != ',' {
				return false
			}
		default:
			return false
		}
		if r == ' ' && prev == ':' {
			return false
		}
		prev = r
	}
	return true
}
