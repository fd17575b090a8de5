package ticket

import (
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// QueryEnv is what an expression sees: the ticket, and for rules that run on
// incoming mail, the message. Every field is a variable of the language under
// the name in its expr tag; docs/query.md describes them all.
type QueryEnv struct {
	ID             string            `expr:"id"`
	Title          string            `expr:"title"`
	Status         string            `expr:"status"`
	Priority       string            `expr:"priority"`
	PriorityRank   int               `expr:"priority_rank"` // low 0 … urgent 3
	Channel        string            `expr:"channel"`
	Customer       string            `expr:"customer"`
	CustomerDomain string            `expr:"customer_domain"` // lower case
	Assignee       string            `expr:"assignee"`
	Team           string            `expr:"team"`
	Tags           []string          `expr:"tags"`
	Language       string            `expr:"language"`
	Created        time.Time         `expr:"created"`
	Updated        time.Time         `expr:"updated"`
	FirstResponse  time.Time         `expr:"first_response"` // zero before the first reply
	Resolved       time.Time         `expr:"resolved"`       // zero when never resolved
	Reopened       int               `expr:"reopened"`
	SLA            string            `expr:"sla"`
	Fields         map[string]string `expr:"fields"` // a missing field reads as ""
	AgeHours       float64           `expr:"age_hours"`
	Entries        int               `expr:"entries"`
	Body           string            `expr:"body"` // every customer message, in order

	// The message part: the incoming message for rules on mail, else the
	// ticket's latest customer message.
	Subject         string    `expr:"subject"`
	From            string    `expr:"from"`        // bare address, lower case
	FromDomain      string    `expr:"from_domain"` // lower case
	To              []string  `expr:"to"`          // recipients incl. Delivered-To, lower case
	Text            string    `expr:"text"`
	Auto            bool      `expr:"auto"` // auto-reply, bounce, list or bulk mail
	InBusinessHours bool      `expr:"in_business_hours"`
	Now             time.Time `expr:"now"`
}

// NewQueryEnv describes ticket t at time now. The message variables describe
// the ticket's latest customer message (subject is the title, to is empty);
// a caller with an incoming message replaces them with SetMessage, and sets
// InBusinessHours from the desk's calendar.
func NewQueryEnv(t *Ticket, now time.Time) *QueryEnv {
	return newQueryEnv(t, now, true)
}

func newQueryEnv(t *Ticket, now time.Time, withBody bool) *QueryEnv {
	e := &QueryEnv{
		ID:            t.ID,
		Title:         t.Title,
		Channel:       t.Channel,
		Customer:      t.Customer,
		Language:      t.Language,
		Created:       t.Created,
		Updated:       t.Updated,
		FirstResponse: t.FirstResponse,
		Resolved:      t.Resolved,
		Reopened:      t.Reopened,
		Entries:       len(t.Entries),
		Subject:       t.Title,
		Now:           now.UTC(),
	}
	e.setState(t)
	if c := MailAddress(t.Customer); c != "" {
		e.CustomerDomain = AddressDomain(c)
	}
	if !t.Created.IsZero() {
		e.AgeHours = now.Sub(t.Created).Hours()
	}
	last := -1
	var body strings.Builder
	for i := range t.Entries {
		if t.Entries[i].Kind != KindMessage {
			continue
		}
		last = i
		if withBody {
			if body.Len() > 0 {
				body.WriteString("\n\n")
			}
			body.WriteString(t.Entries[i].Body)
		}
	}
	e.Body = body.String()
	if last >= 0 {
		m := &t.Entries[last]
		e.From = MailAddress(m.Author)
		e.FromDomain = AddressDomain(e.From)
		e.Text = m.Body
		e.Auto = m.Auto != ""
	}
	return e
}

// setState copies what rules change: status, priority, assignee, team,
// tags, fields and SLA policy.
func (e *QueryEnv) setState(t *Ticket) {
	e.Status = string(t.Status)
	e.Priority = string(t.Priority)
	e.PriorityRank = t.Priority.Rank()
	e.Assignee = t.Assignee
	e.Team = t.Team
	e.Tags = t.Tags
	e.Fields = t.Fields
	e.SLA = t.SLA
}

// SetMessage describes an incoming message: its subject, sender, recipients
// (To, Cc and Delivered-To, so a rule can tell which mailbox the mail came
// to), text and whether it is automatic mail. Addresses may be given in any
// form mail headers use; they are stored bare and in lower case.
func (e *QueryEnv) SetMessage(subject, from string, to []string, text string, auto bool) {
	e.Subject = subject
	e.From = MailAddress(from)
	e.FromDomain = AddressDomain(e.From)
	e.To = nil
	for _, r := range to {
		if a := MailAddress(r); a != "" && !slices.Contains(e.To, a) {
			e.To = append(e.To, a)
		}
	}
	e.Text = text
	e.Auto = auto
}

// MailAddress returns the bare address, in lower case, of "Name <addr>",
// "<addr>" or "addr"; a handle without @ comes back lower-cased.
func MailAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return lowerASCII(strings.TrimSpace(s[i+1 : i+j]))
		}
	}
	if strings.ContainsAny(s, " \t\"(") {
		// an address with a comment, or a quoted local part
		if a, err := mail.ParseAddress(s); err == nil {
			return strings.ToLower(a.Address)
		}
	}
	return lowerASCII(s)
}

// lowerASCII is strings.ToLower without the allocation for text that is
// lower case already, as addresses mostly are.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// AddressDomain returns the lower-case domain of an address, or "".
func AddressDomain(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return lowerASCII(strings.TrimRight(addr[i+1:], ">"))
}

// Query is a compiled expression of the query language, shared by
// `ticket list --query`, rule conditions and SLA policies. Compile once,
// match many times; a Query is safe for concurrent use.
type Query struct {
	src      string
	prog     *vm.Program
	needBody bool
	vms      sync.Pool
}

// CompileQuery compiles a condition. The error of a bad one names the column
// at fault and gives a hint.
func CompileQuery(src string) (*Query, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &QueryError{Expr: src, Msg: "empty expression", Hint: `write a condition such as status == "open", or true to match every ticket`}
	}
	p := &queryPatch{src: src}
	prog, err := expr.Compile(src,
		expr.Env(QueryEnv{}),
		expr.AsBool(),
		expr.Function("ago", agoFunc, new(func(time.Time, string) time.Time)),
		expr.Function("date", dateFunc, new(func(time.Time, string) time.Time)),
		expr.Patch(p),
	)
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, queryError(src, err)
	}
	q := &Query{src: src, prog: prog, needBody: p.uses["body"] || p.uses["$env"]}
	q.vms.New = func() any { return new(vm.VM) }
	return q, nil
}

// MustCompileQuery is CompileQuery for expressions fixed in code; it panics
// on an error.
func MustCompileQuery(src string) *Query {
	q, err := CompileQuery(src)
	if err != nil {
		panic(err)
	}
	return q
}

// QueryCache compiles each distinct expression once, for callers that hold
// conditions as text, such as SLA policies judged ticket after ticket. It is
// safe for concurrent use; the zero value is ready.
type QueryCache struct {
	mu sync.Mutex
	m  map[string]queryResult
}

type queryResult struct {
	q   *Query
	err error
}

// Compile returns the compiled expression, compiling it on first use.
func (c *QueryCache) Compile(src string) (*Query, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.m[src]; ok {
		return r.q, r.err
	}
	q, err := CompileQuery(src)
	if c.m == nil {
		c.m = map[string]queryResult{}
	}
	c.m[src] = queryResult{q, err}
	return q, err
}

// String returns the expression as written.
func (q *Query) String() string { return q.src }

// Match evaluates the expression over env.
func (q *Query) Match(env *QueryEnv) (bool, error) {
	v := q.vms.Get().(*vm.VM)
	out, err := v.Run(q.prog, env)
	q.vms.Put(v)
	if err != nil {
		return false, queryError(q.src, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// MatchTicket evaluates the expression over ticket t at time now, with the
// message variables describing the latest customer message. It skips the
// cost of collecting the body when the expression does not use it.
func (q *Query) MatchTicket(t *Ticket, now time.Time) (bool, error) {
	return q.Match(newQueryEnv(t, now, q.needBody))
}

// agoFunc is ago(now, s): now minus a duration or calendar span. The query
// patch passes now, so an expression writes ago("7d").
func agoFunc(params ...any) (any, error) {
	now, s := params[0].(time.Time), params[1].(string)
	if n, unit, ok := whenSpan(strings.ToLower(strings.TrimSpace(s))); ok {
		if unit == "y" {
			return now.AddDate(-n, 0, 0), nil
		}
		return now.AddDate(0, -n, 0), nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("ago: %v", err)
	}
	return now.Add(-d), nil
}

// dateFunc is date(now, s): ParseWhen, with "" as the zero time so that a
// missing date field compares as long ago rather than failing the query.
func dateFunc(params ...any) (any, error) {
	now, s := params[0].(time.Time), params[1].(string)
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := ParseWhen(s, now)
	if err != nil {
		return nil, fmt.Errorf("date: %v", err)
	}
	return t, nil
}

// queryPatch gives ago and date their hidden first argument, now, and
// computes them once at compile time where their argument is a literal, so
// a bad literal is a compile error and matching does not parse it again.
// It also records the variables an expression uses.
type queryPatch struct {
	src  string
	err  *QueryError
	uses map[string]bool
}

func (p *queryPatch) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		if p.uses == nil {
			p.uses = map[string]bool{}
		}
		p.uses[id.Value] = true
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	fn, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || fn.Value != "ago" && fn.Value != "date" {
		return
	}
	example := map[string]string{"ago": `ago("7d")`, "date": `date("2026-11-01")`}[fn.Value]
	if len(call.Arguments) != 1 {
		p.fail(call, fmt.Sprintf("%s takes one argument", fn.Value), "write "+example)
		return
	}
	arg := call.Arguments[0]
	now := &ast.IdentifierNode{Value: "now"}
	now.SetLocation(call.Location())
	if lit, ok := arg.(*ast.StringNode); ok {
		v := strings.ToLower(strings.TrimSpace(lit.Value))
		switch fn.Value {
		case "ago":
			if _, _, ok := whenSpan(v); ok {
				break
			}
			d, err := ParseDuration(v)
			if err != nil {
				p.fail(arg, err.Error(), "write "+example+`; units are w, d, h, m, s, and mo and y for calendar months and years`)
				return
			}
			ast.Patch(node, &ast.BinaryNode{Operator: "-", Left: now, Right: &ast.ConstantNode{Value: d}})
			return
		case "date":
			if t, ok := whenAbsolute(v); ok {
				ast.Patch(node, &ast.ConstantNode{Value: t})
				return
			}
			if _, err := ParseWhen(v, time.Time{}); err != nil {
				p.fail(arg, err.Error(), "write "+example+`, an RFC 3339 time, today, yesterday or a duration back from now such as 7d`)
				return
			}
		}
	}
	call.Arguments = []ast.Node{now, arg}
}

func (p *queryPatch) fail(n ast.Node, msg, hint string) {
	if p.err != nil {
		return
	}
	line, col := queryPosition(p.src, n.Location().From)
	p.err = &QueryError{Expr: p.src, Line: line, Column: col, Msg: msg, Hint: hint}
}

// queryPosition turns a rune offset into a 1-based line and column.
func queryPosition(src string, from int) (line, col int) {
	line, col = 1, 1
	n := 0
	for _, r := range src {
		if n == from {
			break
		}
		n++
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// QueryError is a bad expression: what is wrong, where, and what to do.
type QueryError struct {
	Expr   string
	Line   int // 1-based; 0 when the fault has no one position
	Column int // 1-based
	Msg    string
	Hint   string
}

func (e *QueryError) Error() string {
	var b strings.Builder
	b.WriteString("expression `")
	b.WriteString(strings.Join(strings.Fields(e.Expr), " "))
	b.WriteString("`")
	switch {
	case e.Line > 1:
		fmt.Fprintf(&b, ", line %d, column %d", e.Line, e.Column)
	case e.Line == 1:
		fmt.Fprintf(&b, ", column %d", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\nhint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

var (
	unexpectedToken = lazyRegexp(`^unexpected token \w+\((.*)\)$`)
	unknownName     = lazyRegexp(`^unknown name (\S+)$`)
	expectedBool    = lazyRegexp(`^expected bool, but got (\S+)$`)
)

// queryError turns an error of the expression library into a QueryError
// with a hint for the mistakes people make.
func queryError(src string, err error) error {
	qe := &QueryError{Expr: src, Msg: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		qe.Msg = strings.TrimSpace(fe.Message)
		qe.Line, qe.Column = queryPosition(src, fe.From)
		if fe.Prev != nil && fe.Message == "" {
			qe.Msg = fe.Prev.Error()
		}
	}
	msg := qe.Msg
	switch m := unexpectedToken().FindStringSubmatch(msg); {
	case msg == "unexpected token EOF":
		qe.Msg = "unexpected end of expression"
		qe.Hint = "something is missing at the end: a closing bracket or quote, or the right side of an operator"
	case m != nil:
		qe.Msg = "unexpected " + m[1]
		switch m[1] {
		case `"="`:
			qe.Hint = `compare with ==, as in status == "open"`
		case `"&"`, `"|"`:
			qe.Hint = "write && for and, || for or"
		default:
			qe.Hint = "check the operator or bracket here; see docs/query.md for the syntax"
		}
	}
	if m := unknownName().FindStringSubmatch(msg); m != nil {
		qe.Msg = "unknown variable " + m[1]
		if near := nearestVar(m[1]); near != "" {
			qe.Hint = "did you mean " + near + "?"
		} else {
			qe.Hint = fmt.Sprintf("to compare with the text %s, quote it: %q; the variables are %s", m[1], m[1], strings.Join(QueryVariables(), ", "))
		}
	}
	if m := expectedBool().FindStringSubmatch(msg); m != nil {
		qe.Msg = "the expression gives a " + m[1] + ", not true or false"
		qe.Hint = `write a condition, as in status == "open" or fields.order != ""`
	}
	switch {
	case strings.Contains(msg, "mismatched types") && strings.Contains(msg, "time.Time"):
		qe.Hint = `compare times with times, as in created > ago("7d") or created < date("2026-11-01"); age_hours is a number`
	case strings.Contains(msg, "mismatched types"):
		qe.Hint = `put text in quotes and numbers without; priorities compare by priority_rank, as in priority_rank >= 2`
	case strings.HasPrefix(msg, "error parsing regexp"):
		qe.Msg = "bad regular expression: " + strings.TrimPrefix(msg, "error parsing regexp: ")
		qe.Hint = `matches takes an RE2 regular expression, as in subject matches "(?i)refund"; to match a special character itself, escape it: "\\["`
	case msg == "time.Time is not callable" && strings.Contains(src, "now("):
		qe.Hint = "now is a variable: write now, not now()"
	case strings.HasSuffix(msg, "to call ago"):
		qe.Hint = `write ago("7d")`
	case strings.HasSuffix(msg, "to call date"):
		qe.Hint = `write date("2026-11-01")`
	}
	if qe.Hint == "" && qe.Line > 0 {
		qe.Hint = "see docs/query.md for the variables, operators and functions"
	}
	return qe
}

// QueryVariables lists the variables of the query language.
func QueryVariables() []string {
	t := reflect.TypeFor[QueryEnv]()
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		out = append(out, t.Field(i).Tag.Get("expr"))
	}
	return out
}

// nearestVar returns the variable within two edits of name, if any.
func nearestVar(name string) string {
	best, bestD := "", 3
	for _, v := range QueryVariables() {
		if d := queryEditDistance(strings.ToLower(name), v); d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

func queryEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
