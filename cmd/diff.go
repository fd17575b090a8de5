package cmd

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/ticket"
)

type diffOptions struct {
	Range    string
	Markdown bool
	out      jsonFlags
}

func newDiffCmd(app *App) *cobra.Command {
	o := diffOptions{}
	c := &cobra.Command{
		Use:   "diff [A..B | A...B | REV]",
		Short: "Show what changed in ticket terms between two commits",
		Long: `Show what changed between two versions of the desk in ticket terms, one line
per new, changed, moved or deleted ticket:

  #7kq2m9 Refund for order 5521: status open → resolved; +1 reply by bob; tags +refund; assignee alice → bob

A field value or an author with a line break, another control character
or invalid UTF-8 is shown Go-quoted, so each change stays one line.

Without an argument it shows the uncommitted changes of the work tree
against HEAD when there are any, else the last commit (HEAD~1..HEAD).
A..B compares two commits, A...B compares B with where it branched from A
(what a pull request brings), and a single REV compares REV with the work
tree. An empty side of .. means HEAD.

--markdown writes a comment for a pull request: a heading, counts and one
bullet per ticket (see docs/pull-requests.md).`,
		Example: `  ticket diff
  ticket diff HEAD~5..HEAD
  ticket diff origin/main...HEAD --markdown`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Range = args[0]
			}
			if o.Markdown && o.out.enabled() {
				return usageErrorf("--markdown and --json are alternatives; use one")
			}
			return runDiff(app, o)
		},
	}
	c.Flags().BoolVar(&o.Markdown, "markdown", false, "write Markdown for a pull-request comment")
	addJSONFlags(c, &o.out)
	return c
}

type diffJSON struct {
	From    string           `json:"from"`
	To      string           `json:"to"` // a commit, or "worktree"
	Counts  diffCountsJSON   `json:"counts"`
	Tickets []diffTicketJSON `json:"tickets"`
}

type diffCountsJSON struct {
	New     int `json:"new"`
	Changed int `json:"changed"`
	Moved   int `json:"moved"`
	Deleted int `json:"deleted"`
}

type diffTicketJSON struct {
	ID      string           `json:"id"`
	Title   string           `json:"title"`
	State   string           `json:"state"` // new, changed, moved, deleted
	Path    string           `json:"path"`
	OldPath string           `json:"old_path,omitempty"`
	Changes []diffChangeJSON `json:"changes"`
}

type diffChangeJSON struct {
	Field   string   `json:"field"`
	Text    string   `json:"text"`
	Old     string   `json:"old,omitempty"`
	New     string   `json:"new,omitempty"`
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

var diffStates = []string{"new", "changed", "moved", "deleted"}

func runDiff(app *App, o diffOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	from, to, paths, err := diffRange(d, o.Range)
	if err != nil {
		return err
	}
	res := diffJSON{From: from, To: to, Tickets: []diffTicketJSON{}}
	if to == "" {
		res.To = "worktree"
	}
	oldR, err := diffReader(d, from)
	if err != nil {
		return err
	}
	newR, err := diffReader(d, to)
	if err != nil {
		return err
	}
	type sides struct{ oldPath, newPath string }
	byID := map[string]*sides{}
	var ids []string
	for _, p := range paths {
		if !isTicketPath(p) {
			continue
		}
		id := ticket.IDFromPath(p)
		s := byID[id]
		if s == nil {
			s = &sides{}
			byID[id] = s
			ids = append(ids, id)
		}
		if oldR != nil && fileExists(oldR, p) {
			s.oldPath = p
		}
		if fileExists(newR, p) {
			s.newPath = p
		}
	}
	for _, id := range ids {
		s := byID[id]
		var old, cur *ticket.Ticket
		if s.oldPath != "" {
			if old, err = loadTicket(d, oldR, s.oldPath); err != nil {
				app.warnf("%v", err)
				continue
			}
		}
		if s.newPath != "" {
			if cur, err = loadTicket(d, newR, s.newPath); err != nil {
				app.warnf("%v", err)
				continue
			}
		}
		item := diffTicketJSON{ID: id, Path: s.newPath, Changes: []diffChangeJSON{}}
		changes := ticket.Diff(old, cur)
		switch {
		case old == nil && cur == nil:
			continue
		case old == nil:
			item.State, item.Title = "new", cur.Title
			changes = changes[1:] // "new" is the state
		case cur == nil:
			item.State, item.Title, item.Path = "deleted", old.Title, s.oldPath
			changes = nil
		case s.oldPath != s.newPath:
			item.State, item.Title, item.OldPath = "moved", cur.Title, s.oldPath
		default:
			item.State, item.Title = "changed", cur.Title
			if len(changes) == 0 {
				changes = []ticket.Change{{Field: "file", Text: "file rewritten, same content"}}
			}
		}
		for _, c := range changes {
			item.Changes = append(item.Changes, diffChangeJSON{Field: c.Field, Text: c.Text, Old: c.Old, New: c.New, Added: c.Added, Removed: c.Removed})
		}
		res.Tickets = append(res.Tickets, item)
	}
	sort.SliceStable(res.Tickets, func(i, j int) bool {
		a, b := res.Tickets[i], res.Tickets[j]
		if a.State != b.State {
			return stateRank(a.State) < stateRank(b.State)
		}
		return a.ID < b.ID
	})
	for _, t := range res.Tickets {
		switch t.State {
		case "new":
			res.Counts.New++
		case "changed":
			res.Counts.Changed++
		case "moved":
			res.Counts.Moved++
		case "deleted":
			res.Counts.Deleted++
		}
	}
	switch {
	case o.out.enabled():
		return o.out.print(app.Out, res)
	case o.Markdown:
		_, err := fmt.Fprint(app.Out, diffMarkdown(res))
		return err
	}
	var b strings.Builder
	for _, t := range res.Tickets {
		b.WriteString(safe(diffLine(t)) + "\n")
	}
	return app.page(b.String())
}

func stateRank(s string) int {
	for i, x := range diffStates {
		if x == s {
			return i
		}
	}
	return len(diffStates)
}

// diffSummary is what a ticket's line says after its title.
func diffSummary(t diffTicketJSON) string {
	var parts []string
	switch t.State {
	case "new", "deleted":
		parts = append(parts, t.State)
	case "moved":
		parts = append(parts, "moved from "+t.OldPath)
	}
	for _, c := range t.Changes {
		parts = append(parts, c.Text)
	}
	return strings.Join(parts, "; ")
}

func diffLine(t diffTicketJSON) string {
	return "#" + t.ID + " " + t.Title + ": " + diffSummary(t)
}

// diffMarkdown is a pull-request comment: a heading, the counts, a bullet
// per ticket. Text from tickets is escaped so a title cannot add links,
// mentions or HTML to the comment.
func diffMarkdown(res diffJSON) string {
	var b strings.Builder
	b.WriteString("### Ticket changes\n\n")
	n := len(res.Tickets)
	if n == 0 {
		b.WriteString("No ticket changed.\n")
		return b.String()
	}
	var counts []string
	for _, c := range []struct {
		n    int
		what string
	}{{res.Counts.New, "new"}, {res.Counts.Changed, "changed"}, {res.Counts.Moved, "moved"}, {res.Counts.Deleted, "deleted"}} {
		if c.n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	fmt.Fprintf(&b, "**%s**: %s\n\n", countOf(n, "ticket"), strings.Join(counts, ", "))
	for _, t := range res.Tickets {
		fmt.Fprintf(&b, "- **#%s** %s — %s\n", t.ID, mdEscape(t.Title), mdEscape(diffSummary(t)))
	}
	from, to := shortHash(res.From), shortHash(res.To)
	if from == "" {
		from = "(empty)"
	}
	if res.To == "worktree" {
		to = "work tree"
	}
	fmt.Fprintf(&b, "\n<sub>%s..%s · ticket diff</sub>\n", from, to)
	return b.String()
}

func mdEscape(s string) string {
	s = safe(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case strings.ContainsRune("\\`*_[]<>#|~!&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@' && (i == 0 || !isWordByte(s[i-1])):
			b.WriteString("@\u200b") // no @mentions from ticket text
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// diffRange resolves what to compare and lists the desk files that differ.
// to is "" for the work tree.
func diffRange(d *desk.Desk, rng string) (from, to string, paths []string, err error) {
	st := d.Store
	rev := func(s string) (string, error) {
		if s == "" {
			s = "HEAD"
		}
		return st.ResolveRevision(s)
	}
	switch {
	case rng == "":
		if _, head, err := st.Head(); err != nil {
			return "", "", nil, err
		} else if head == "" {
			return "", "", nil, errors.New("the branch has no commits yet; commit something, then diff")
		}
		if paths, err = worktreeChanges(d, "HEAD"); err != nil {
			return "", "", nil, err
		}
		if len(paths) > 0 {
			from, err = rev("HEAD")
			return from, "", paths, err
		}
		if to, err = rev("HEAD"); err != nil {
			return "", "", nil, err
		}
		parents, err := st.Parents(to)
		if err != nil {
			return "", "", nil, err
		}
		if len(parents) > 0 {
			from = parents[0]
		}
	case strings.Contains(rng, "..."):
		a, b, _ := strings.Cut(rng, "...")
		if to, err = rev(b); err != nil {
			return "", "", nil, err
		}
		ah, err := rev(a)
		if err != nil {
			return "", "", nil, err
		}
		if from, err = st.MergeBase(ah, to); err != nil {
			return "", "", nil, err
		}
	case strings.Contains(rng, ".."):
		a, b, _ := strings.Cut(rng, "..")
		if from, err = rev(a); err != nil {
			return "", "", nil, err
		}
		if to, err = rev(b); err != nil {
			return "", "", nil, err
		}
	default:
		if from, err = rev(rng); err != nil {
			return "", "", nil, err
		}
		paths, err = worktreeChanges(d, from)
		return from, "", paths, err
	}
	paths, err = st.ChangedFiles(from, to)
	return from, to, paths, err
}

// worktreeChanges lists ticket files whose work-tree content differs from
// rev, comparing git blob ids so that unchanged files are only hashed.
func worktreeChanges(d *desk.Desk, rev string) ([]string, error) {
	atRev, err := d.Store.AtRef(rev)
	if err != nil {
		return nil, err
	}
	committed, err := atRev.List(ticket.TicketsDir)
	if err != nil {
		return nil, err
	}
	wt := d.Store.Worktree()
	onDisk, err := wt.List(ticket.TicketsDir)
	if err != nil {
		return nil, err
	}
	want := make(map[string]gitstore.FileInfo, len(committed))
	for _, f := range committed {
		want[f.Path] = f
	}
	var out []string
	for _, f := range onDisk {
		c, ok := want[f.Path]
		delete(want, f.Path)
		if ok && c.Size != f.Size {
			out = append(out, f.Path)
			continue
		}
		data, err := wt.Read(f.Path)
		if err != nil {
			return nil, err
		}
		if !ok || blobID(data) != c.Hash {
			out = append(out, f.Path)
		}
	}
	for p := range want {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func blobID(data []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func diffReader(d *desk.Desk, rev string) (gitstore.Reader, error) {
	if rev == "" {
		return d.Store.Worktree(), nil
	}
	return d.Store.AtRef(rev)
}

func fileExists(r gitstore.Reader, p string) bool {
	_, err := r.Read(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

func loadTicket(d *desk.Desk, r gitstore.Reader, p string) (*ticket.Ticket, error) {
	data, err := r.Read(p)
	if err != nil {
		return nil, err
	}
	return ticket.ParseFile(d.Rel(p), data)
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' || c >= 0x80
}
