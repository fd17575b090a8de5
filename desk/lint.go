package desk

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

// Finding is one problem `ticket lint` reports: the file (relative to the
// repository root), the line (0: the whole file), the severity
// (ticket.LintError or ticket.LintWarning) and what to do.
type Finding struct {
	File     string
	Line     int
	Severity string
	Message  string
}

func (f Finding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Severity, f.Message)
	}
	return fmt.Sprintf("%s: %s: %s", f.File, f.Severity, f.Message)
}

// OpenForLint opens the desk enclosing dir like Open, but a configuration
// that does not parse is no error: lint reports it with everything else.
func OpenForLint(dir string, now func() time.Time) (*Desk, error) {
	d, err := Open(dir, now)
	if err == nil {
		return d, nil
	}
	st, serr := gitstore.Open(dir)
	if serr != nil {
		return nil, serr
	}
	return &Desk{Store: st, Config: ticket.DefaultConfig("", ""), Now: now}, nil
}

var (
	fileLineRe = regexp.MustCompile(`^([^\s:]+):(\d+): (.*)$`)
	// A path first ("kb/faq.md: …"): a word with a dot or slash.
	filePrefixRe = regexp.MustCompile(`^([^\s:]*[./][^\s:]*): (.*)$`)
	lineWordRe   = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// FindingsOf turns errors that name "file:line: what" (one per line, as
// joined errors print) into findings of severity sev; other text is
// reported against file.
func FindingsOf(err error, file, sev string) []Finding {
	var out []Finding
	for _, e := range unjoin(err) {
		var pe *ticket.ParseError
		if errors.As(e, &pe) && pe.Path != "" {
			out = append(out, Finding{File: pe.Path, Line: pe.Line, Severity: sev, Message: pe.Msg})
			continue
		}
		for _, l := range strings.Split(e.Error(), "\n") {
			if l = strings.TrimSpace(l); l == "" {
				continue
			}
			if m := fileLineRe.FindStringSubmatch(l); m != nil {
				n, _ := strconv.Atoi(m[2])
				out = append(out, Finding{File: m[1], Line: n, Severity: sev, Message: m[3]})
				continue
			}
			if m := filePrefixRe.FindStringSubmatch(l); m != nil {
				f := Finding{File: m[1], Severity: sev, Message: m[2]}
				if lm := lineWordRe.FindStringSubmatch(m[2]); lm != nil {
					f.Line, _ = strconv.Atoi(lm[1])
					f.Message = lm[2]
				}
				out = append(out, f)
				continue
			}
			out = append(out, Finding{File: file, Severity: sev, Message: strings.TrimPrefix(l, file+": ")})
		}
	}
	return out
}

// Lint checks the desk as r reads it: the configuration (it parses, its
// rules and SLA conditions compile), and every file under tickets/: each
// ticket parses and validates, sits in its shard (tickets/XY/ID.md) under
// its own id, names agents and teams the configuration knows, has no time
// in the future, references attachments that exist; ids and Message-IDs are
// unique across tickets; files that are neither tickets nor attachments
// are reported as warnings, and so is anything that looks like a
// credential. Findings are sorted by file and line.
func (d *Desk) Lint(r gitstore.Reader) ([]Finding, error) {
	now := d.Now().UTC()
	var out []Finding
	cfg := d.lintConfig(r, &out)

	files, err := r.List(ticket.TicketsDir)
	if err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(files))
	for _, f := range files {
		present[f.Path] = true
	}
	ids := map[string][]string{}    // id in front matter → files
	attached := map[string]bool{}   // referenced attachment files
	ticketDirs := map[string]bool{} // tickets/XY/ID of every ticket file
	var paths []string
	for _, f := range files {
		if lintTicketID(f.Path) != "" {
			paths = append(paths, f.Path)
			ticketDirs[strings.TrimSuffix(f.Path, ".md")] = true
		}
	}
	results := make([]lintResult, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), 8) {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = d.lintFile(r, paths[i], present, cfg, now)
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	nmids := 0
	for i, res := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, res.findings...)
		nmids += len(res.mids)
		if res.id == "" {
			continue
		}
		ids[res.id] = append(ids[res.id], res.rel)
		for _, a := range res.attached {
			attached[a] = true
		}
	}
	for id, fs := range ids {
		if len(fs) < 2 {
			continue
		}
		for _, f := range fs {
			others := slices.DeleteFunc(slices.Clone(fs), func(s string) bool { return s == f })
			out = append(out, Finding{File: f, Severity: ticket.LintError,
				Message: fmt.Sprintf("id %s is also used by %s (a collision, often from merged branches); give one of them a new id with `ticket new` and move its history over", id, strings.Join(others, ", "))})
		}
	}
	dup, err := d.duplicateMessageIDs(r, paths, results, nmids)
	if err != nil {
		return nil, err
	}
	out = append(out, dup...)
	for _, f := range files {
		p := f.Path
		if lintTicketID(p) != "" || attached[p] {
			continue
		}
		if parts := strings.Split(p, "/"); len(parts) >= 4 && ticketDirs[strings.Join(parts[:3], "/")] {
			continue // stored beside its ticket, even if no entry names it
		}
		if path.Base(p) == ".gitkeep" {
			continue
		}
		out = append(out, Finding{File: d.rel(p), Severity: ticket.LintWarning,
			Message: "not a ticket file nor a ticket's attachment; tickets are tickets/XY/ID.md, attachments tickets/XY/ID/FILE (move or remove it)"})
	}
	SortFindings(out)
	return out, nil
}

// lintResult is what lint learns from one ticket file.
type lintResult struct {
	rel      string
	id       string // from the front matter; "" when the file does not parse
	findings []Finding
	mids     []lintMID
	attached []string // desk paths of the attachments it references
}

// lintMID is a Message-ID and the entry (from 0) that carries it; the line
// is looked up only when the Message-ID turns out to be a duplicate.
type lintMID struct {
	id    string
	entry int
}

// duplicateMessageIDs reports every entry whose Message-ID is also in
// another ticket file: one map lookup per Message-ID, and the file read
// again for its entry lines only when it holds a duplicate.
func (d *Desk) duplicateMessageIDs(r gitstore.Reader, paths []string, results []lintResult, n int) ([]Finding, error) {
	type at struct{ file, entry int }
	first := make(map[string]at, n)
	var dups map[string][]at
	for i, res := range results {
		for _, m := range res.mids {
			f, ok := first[m.id]
			if !ok {
				first[m.id] = at{i, m.entry}
				continue
			}
			if dups == nil {
				dups = map[string][]at{}
			}
			if dups[m.id] == nil {
				dups[m.id] = []at{f}
			}
			dups[m.id] = append(dups[m.id], at{i, m.entry})
		}
	}
	lines := map[int][]int{}
	var out []Finding
	for mid, all := range dups {
		files := map[int]bool{}
		for _, a := range all {
			files[a.file] = true
		}
		if len(files) < 2 {
			continue // repeated inside one ticket: not lint's concern
		}
		for _, a := range all {
			if _, ok := lines[a.file]; !ok {
				raw, err := r.Read(paths[a.file])
				if err != nil {
					return nil, err
				}
				lines[a.file] = ticket.EntryLines(raw)
			}
			line := 0
			if ls := lines[a.file]; a.entry < len(ls) {
				line = ls[a.entry]
			}
			var others []string
			for f := range files {
				if f != a.file {
					others = append(others, results[f].rel)
				}
			}
			slices.Sort(others)
			out = append(out, Finding{File: results[a.file].rel, Line: line, Severity: ticket.LintError,
				Message: fmt.Sprintf("Message-ID <%s> is also in %s; one mail belongs to one ticket (remove the duplicate entry)", mid, strings.Join(others, ", "))})
		}
	}
	return out, nil
}

// lintFile checks one ticket file on its own.
func (d *Desk) lintFile(r gitstore.Reader, p string, present map[string]bool, cfg *ticket.Config, now time.Time) (lintResult, error) {
	rel := d.rel(p)
	res := lintResult{rel: rel}
	add := func(line int, sev, format string, a ...any) {
		res.findings = append(res.findings, Finding{File: rel, Line: line, Severity: sev, Message: fmt.Sprintf(format, a...)})
	}
	raw, err := r.Read(p)
	if err != nil {
		return res, err
	}
	id := lintTicketID(p)
	if want := ticket.Path(id); p != want {
		add(0, ticket.LintError, "ticket file in the wrong place; move it to %s", d.rel(want))
	}
	for _, c := range ticket.Credentials(string(raw)) {
		add(c.Line, c.Severity, "%s", c.Message)
	}
	t, err := ticket.ParseFile(rel, raw)
	if err != nil {
		res.findings = append(res.findings, FindingsOf(err, rel, ticket.LintError)...)
		return res, nil
	}
	// Clones: what outlives the file must not keep its text in memory.
	res.id = strings.Clone(t.ID)
	if t.ID != id {
		add(ticket.FrontMatterLine(raw, "id"), ticket.LintError,
			"id %q does not match the file name %s; an id is the file's name (rename the file or fix the id)", t.ID, path.Base(p))
	}
	for _, pr := range ticket.LintTicket(t, raw, cfg, now) {
		add(pr.Line, pr.Severity, "%s", pr.Message)
	}
	var lines []int // entry lines, found only for a finding
	lineOf := func(i int) int {
		if lines == nil {
			lines = append(ticket.EntryLines(raw), 0)
		}
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	dir := path.Dir(p)
	for i, e := range t.Entries {
		if e.MessageID != "" {
			res.mids = append(res.mids, lintMID{strings.Clone(e.MessageID), i})
		}
		for _, a := range e.Attachments {
			ap := path.Join(dir, a)
			res.attached = append(res.attached, ap)
			if !strings.HasPrefix(ap, ticket.TicketsDir+"/") || !present[ap] {
				add(lineOf(i), ticket.LintError, "entry %s references attachment %s, which does not exist; add the file or remove the reference", e.ID, a)
			}
		}
	}
	return res, nil
}

// lintTicketID is the id of a file that is meant to be a ticket: an id
// named .md file in tickets/ or one folder below it. Deeper files are
// attachments.
func lintTicketID(p string) string {
	if strings.Count(p, "/") > 2 {
		return ""
	}
	return ticket.IDFromPath(p)
}

// lintConfig reports the configuration's problems and returns the
// configuration to check tickets against (nil when it does not parse).
func (d *Desk) lintConfig(r gitstore.Reader, out *[]Finding) *ticket.Config {
	rel := d.rel(ticket.ConfigPath)
	data, err := r.Read(ticket.ConfigPath)
	if errors.Is(err, fs.ErrNotExist) {
		return ticket.DefaultConfig("", "")
	}
	if err != nil {
		*out = append(*out, Finding{File: rel, Severity: ticket.LintError, Message: err.Error()})
		return nil
	}
	for _, c := range ticket.Credentials(string(data)) {
		*out = append(*out, Finding{File: rel, Line: c.Line, Severity: c.Severity, Message: c.Message})
	}
	cfg, err := ticket.ParseConfig(rel, data)
	if err != nil {
		*out = append(*out, FindingsOf(err, rel, ticket.LintError)...)
		return nil
	}
	if _, err := ticket.NewRuleEngine(cfg); err != nil {
		probe := &Desk{Store: d.Store, Config: cfg}
		*out = append(*out, FindingsOf(probe.ruleErrors(err), rel, ticket.LintError)...)
	}
	// Rule conditions are checked by the engine above; SLA conditions here.
	for i, p := range cfg.SLA {
		if p.If == "" {
			continue
		}
		if _, err := ticket.CompileQuery(p.If); err != nil {
			*out = append(*out, Finding{File: rel, Line: cfg.Line(fmt.Sprintf("sla[%d].if", i)), Severity: ticket.LintError,
				Message: fmt.Sprintf("sla[%d] %q: if: %v", i, p.Name, err)})
		}
	}
	return cfg
}

// SortFindings orders findings by file, line, severity and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if c := strings.Compare(a.Severity, b.Severity); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}

// LinkFindings reports, as errors, the symbolic links that r's listings
// met in the desk (under tickets/, kb/, .ticket/ and whatever else was
// listed through r): ticket neither reads nor writes through a link, so a
// pull that brings one in is stopped here, in review. Both the work tree's
// reader and a commit's name the links their listings passed over.
func (d *Desk) LinkFindings(r gitstore.Reader) []Finding {
	lr, ok := r.(interface{ Links() []string })
	if !ok {
		return nil
	}
	r.List(".ticket") // the configuration and templates, if not listed yet
	var out []Finding
	for _, l := range lr.Links() {
		out = append(out, Finding{File: d.rel(l), Severity: ticket.LintError,
			Message: "a symbolic link; ticket neither reads nor writes through links in the desk (a pull can bring in one that points anywhere): replace it with the real file or folder"})
	}
	return out
}
