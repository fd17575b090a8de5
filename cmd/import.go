package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/mailin"
	"github.com/ticketdesk/ticket/mailout"
	"github.com/ticketdesk/ticket/ticket"
)

type importOptions struct {
	DryRun     bool
	Channel    string
	Quarantine string
	MaxSize    string
	KeepRaw    bool
	Recursive  bool
	Retry      bool
	Autoreply  bool
	LockWait   time.Duration
	out        jsonFlags

	maxBytes int64 // --max-size, else limits.message_size

	autoreplySet bool
}

func newImportCmd(app *App) *cobra.Command {
	o := &importOptions{}
	c := &cobra.Command{
		Use:   "import {eml|mbox|maildir} ...",
		Short: "Import email into tickets (mail gateway, mbox archives, Maildir)",
		Long: `Import email: every message ends up in a ticket or, when it cannot be read
at all or is over --max-size, in quarantine (.ticket/quarantine/) with the
reason. A whole run is one commit.

Replies thread onto their ticket by our own Message-IDs in In-Reply-To and
References, then by any stored Message-ID, then by the [#id] tag in the
subject when the sender is the ticket's customer or an agent; anything else
opens a new ticket (linked with the field "related" when it carried a tag).
A message whose Message-ID is already stored is skipped, so importing the
same mail twice adds nothing.

"ticket import eml -" is the mail gateway: a mail server pipes each message
in and gets exit 0 once it is stored or quarantined, and 75 (EX_TEMPFAIL) on
any temporary failure, so it keeps the message and retries. See
docs/email-gateway.md.`,
		Example: `  ticket import eml - < message.eml
  ticket import mbox archive.mbox --json
  ticket import maildir ~/Maildir --recursive --dry-run
  ticket import --retry-quarantine`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.Retry {
				return usageErrorf("say what to import: ticket import eml|mbox|maildir, or --retry-quarantine")
			}
			return runImport(app, o, "retry", nil)
		},
	}
	pf := c.PersistentFlags()
	pf.BoolVar(&o.DryRun, "dry-run", false, "read and thread everything, print what would happen, change nothing")
	pf.StringVar(&o.Channel, "channel", "email", "the `CHANNEL` of new tickets")
	pf.StringVar(&o.Quarantine, "quarantine", mailin.QuarantineDir, "desk `FOLDER` for mail that cannot be read (committed)")
	pf.StringVar(&o.MaxSize, "max-size", "", "quarantine messages larger than `SIZE` (KB, MB, GB; default: limits.message_size of the config, else 10MB)")
	pf.BoolVar(&o.KeepRaw, "keep-raw", false, "keep each raw message beside its ticket (tickets/XY/ID/HASH.eml)")
	pf.BoolVar(&o.Autoreply, "autoreply", false, "acknowledge new tickets by mail (default on for eml and maildir, off for mbox archives)")
	pf.DurationVar(&o.LockWait, "lock-wait", desk.LockWait, "wait at most `DURATION` for another ticket process before giving up (exit 75)")
	pf.BoolVar(&o.out.JSON, "json", false, "print the summary as JSON")
	pf.StringVarP(&o.out.JQ, "jq", "q", "", "filter the JSON output with a jq `EXPRESSION`")
	pf.StringVarP(&o.out.Template, "template", "t", "", "format the JSON output with a Go `TEMPLATE`")
	c.Flags().BoolVar(&o.Retry, "retry-quarantine", false, "import the quarantined messages again; those that now read leave quarantine")

	sub := func(use, short string, args cobra.PositionalArgs, kind string) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				o.autoreplySet = cmd.Flags().Changed("autoreply")
				return runImport(app, o, kind, args)
			},
		}
	}
	eml := sub("eml [FILE... | -]", "Import single RFC 5322 messages (- or nothing: one on standard input)", cobra.ArbitraryArgs, "eml")
	mbox := sub("mbox FILE...", "Import mbox archives (mboxo, mboxrd, mboxcl, mboxcl2; any line ends)", cobra.MinimumNArgs(1), "mbox")
	maildir := sub("maildir DIR...", "Import Maildir folders (cur/ and new/)", cobra.MinimumNArgs(1), "maildir")
	maildir.Flags().BoolVar(&o.Recursive, "recursive", false, "also import Maildir++ subfolders (.Sub.Folder)")
	c.AddCommand(eml, mbox, maildir)
	return c
}

// importSummary is the --json output of an import run.
type importSummary struct {
	Messages    int               `json:"messages"`
	Created     int               `json:"created"`
	Appended    int               `json:"appended"`
	Duplicates  int               `json:"duplicates"`
	Quarantined int               `json:"quarantined"`
	Loops       int               `json:"loops"`
	Released    int               `json:"released"`
	Autoreplies int               `json:"autoreplies"`
	DryRun      bool              `json:"dry_run"`
	Recovered   bool              `json:"recovered"`
	Commit      string            `json:"commit"`
	Seconds     float64           `json:"seconds"`
	Tickets     []importedTicket  `json:"tickets"`
	Quarantine  []quarantinedMail `json:"quarantine"`
}

type importedTicket struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Customer string `json:"customer"`
	New      bool   `json:"new"`
	Added    int    `json:"added"`
	Related  string `json:"related,omitempty"`
}

type quarantinedMail struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func runImport(app *App, o *importOptions, kind string, args []string) (err error) {
	start := time.Now()
	gateway := kind == "eml"
	defer func() {
		// The mail gateway must never lose a message: whatever kept it from
		// being stored is worth a retry by the mail server.
		if err != nil && gateway && !isUsageErr(err) {
			err = tempFail(err)
		}
		if err != nil && errors.Is(err, gitstore.ErrLocked) {
			err = tempFail(err)
		}
	}()
	if app.Getenv("GOMEMLIMIT") == "" {
		// A large archive holds every changed ticket until the one commit;
		// a soft limit makes the collector work harder instead of letting
		// garbage double the footprint.
		debug.SetMemoryLimit(200 << 20)
	}
	if o.MaxSize != "" {
		if o.maxBytes, err = ticket.ParseSize(o.MaxSize); err != nil {
			return usageErrorf("--max-size: %v", err)
		}
	}
	qdir, err := cleanDeskDir(o.Quarantine)
	if err != nil {
		return usageErrorf("--quarantine %q: %v", o.Quarantine, err)
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	author, err := app.author()
	if err != nil {
		return err
	}
	lim := d.Config.MailLimits()
	if o.maxBytes == 0 {
		o.maxBytes = lim.MessageSize
	}
	save := desk.SaveOptions{Author: author, NoCommit: app.NoCommit}
	sum := importSummary{DryRun: o.DryRun, Tickets: []importedTicket{}, Quarantine: []quarantinedMail{}}

	if !o.DryRun {
		unlock, err := d.Lock(o.LockWait)
		if err != nil {
			return withHint(err, "the mail server keeps the message and retries (exit 75); an import of a large archive holds the lock until it is done")
		}
		defer unlock()
		rec, _, err := mailin.Recover(d, save)
		if err != nil {
			return err
		}
		sum.Recovered = rec
		if rec {
			app.warnf("finished an import that was interrupted")
		}
	}
	loaded, err := d.LoadAll(d.Store.Worktree(), func(e error) { app.warnf("%v", e) })
	if err != nil {
		return err
	}
	all := make([]*ticket.Ticket, len(loaded))
	for i, l := range loaded {
		all[i] = l.Ticket
		l.Raw = nil
	}
	rules := newRuleRunner(d, loaded)
	loaded = nil

	autoreply := kind == "eml" || kind == "maildir" || kind == "retry"
	if o.autoreplySet {
		autoreply = o.Autoreply
	}
	incoming := map[string]mailout.Incoming{}
	added := map[string]int{}
	im := mailin.New(all, mailin.Options{
		Channel: strings.ToLower(o.Channel), MaxSize: o.maxBytes, KeepRaw: o.KeepRaw, Now: app.Now(),
		Limits:     importers.Options{MaxParts: lim.MIMEParts, MaxDepth: lim.MIMEDepth, MaxLineBytes: lim.LineLength, MaxAttachment: lim.AttachmentSize},
		Quarantine: qdir,
		IsAgent: func(addr string) bool {
			return addr != "" && (d.Config.Agent(addr) != nil || mailin.SameAddress(addr, d.Config.Email))
		},
		FileExists: func(p string) bool {
			full := filepath.Join(d.Store.Dir(), filepath.FromSlash(p))
			if _, err := os.Lstat(full); err == nil {
				return true
			}
			// A name that differs only in case is the same file in a
			// checkout on macOS or Windows: never store both.
			entries, err := os.ReadDir(filepath.Dir(full))
			if err != nil {
				return false
			}
			for _, e := range entries {
				if strings.EqualFold(e.Name(), filepath.Base(full)) {
					return true
				}
			}
			return false
		},
		OnCreate: func(t *ticket.Ticket, m *importers.Message) error {
			if autoreply {
				incoming[t.ID] = mailout.IncomingFrom(m)
			}
			return rules.run(t, ticket.RuleOnCreate, m)
		},
		OnMessage: func(t *ticket.Ticket, m *importers.Message) error {
			if autoreply && len(d.Config.Rules) > 0 {
				incoming[t.ID] = mailout.IncomingFrom(m)
			}
			return rules.run(t, ticket.RuleOnMessage, m)
		},
	})
	all = nil

	bar := app.importProgress(kind, args)
	record := func(r mailin.Result) {
		switch r.Outcome {
		case mailin.Created, mailin.Appended:
			added[r.Ticket]++
		case mailin.Quarantined:
			sum.Quarantine = append(sum.Quarantine, quarantinedMail{Path: d.Rel(r.Path), Reason: r.Reason})
		}
		bar.tick(im.Stats().Messages)
	}
	if err := importSources(app, im, kind, args, o, qdir, record, bar); err != nil {
		bar.done()
		return err
	}
	bar.done()

	st := im.Stats()
	sum.Messages, sum.Created, sum.Appended, sum.Duplicates = st.Messages, st.Created, st.Appended, st.Duplicates
	sum.Quarantined, sum.Loops, sum.Released = st.Quarantined, st.Loops, st.Released
	for _, t := range im.Changed() {
		it := importedTicket{ID: t.ID, Title: t.Title, Customer: t.Customer, Added: added[t.ID], Related: t.Field("related"), New: im.Created(t.ID)}
		sum.Tickets = append(sum.Tickets, it)
	}
	if !o.DryRun && autoreply {
		ids := make([]string, 0, len(incoming))
		for id := range incoming {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			tpl, byRule := rules.replies[id]
			if !byRule && !im.Created(id) {
				continue
			}
			var queued bool
			var err error
			if byRule {
				queued, _, err = mailout.AutoReplyWith(d, im.Ticket(id), incoming[id], tpl, app.Now())
			} else {
				queued, _, err = mailout.AutoReplyFor(d, im.Ticket(id), incoming[id], app.Now())
			}
			if err != nil {
				app.warnf("ticket %s: no automatic reply: %v", id, err)
				continue
			}
			if queued {
				sum.Autoreplies++
			}
		}
	}
	if !o.DryRun && im.Pending() {
		save.Message = importMessage(kind, args, st)
		h, err := im.Commit(d, save)
		if err != nil {
			return err
		}
		sum.Commit = h
	}
	sum.Seconds = time.Since(start).Seconds()
	if sum.Autoreplies > 0 {
		flushAutoreplies(app, d, save)
	}
	if o.out.enabled() {
		return o.out.print(app.Out, sum)
	}
	printImportSummary(app, sum)
	return nil
}

// ruleRunner runs the desk's rules on mail in: "create" for every new
// ticket, "message" for customer messages appended to existing tickets.
// Reply actions are collected and sent after the commit (with --autoreply).
type ruleRunner struct {
	d       *desk.Desk
	enabled bool
	all     []*desk.Loaded // every ticket, for fair assignment; nil when no rule needs loads
	replies map[string]string
}

func newRuleRunner(d *desk.Desk, loaded []*desk.Loaded) *ruleRunner {
	r := &ruleRunner{d: d, enabled: len(d.Config.Rules) > 0 || len(d.Config.SLA) > 0, replies: map[string]string{}}
	if r.enabled && d.RulesNeedLoad() {
		r.all = loaded
	}
	return r
}

func (r *ruleRunner) run(t *ticket.Ticket, event ticket.RuleEvent, m *importers.Message) error {
	if !r.enabled {
		return nil
	}
	if event == ticket.RuleOnCreate && r.all != nil {
		r.all = append(r.all, &desk.Loaded{Ticket: t, Path: ticket.Path(t.ID)})
	}
	msg := &desk.RuleMessage{Subject: m.Subject, From: mailin.NormalizeAddress(m.From.Email), Text: m.Text, Auto: m.Auto}
	for _, a := range append(append([]importers.Address(nil), m.To...), m.Cc...) {
		msg.To = append(msg.To, mailin.NormalizeAddress(a.Email))
	}
	for _, a := range m.DeliveredTo {
		msg.To = append(msg.To, mailin.NormalizeAddress(a))
	}
	acts, err := r.d.RunRules(t, event, msg, r.all)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Kind == ticket.ActionReply && m.Auto == "" {
			r.replies[t.ID] = a.Value
		}
	}
	return nil
}

// flushAutoreplies sends queued acknowledgements when a mail server is
// configured; otherwise they wait in the outbox for `ticket outbox send`.
// The import is done either way, so failures are warnings.
func flushAutoreplies(app *App, d *desk.Desk, save desk.SaveOptions) {
	sender, err := mailout.NewSender(d.Config, app.Getenv)
	if err != nil || sender == nil {
		return
	}
	outs, err := mailout.Flush(d, sender, mailout.FlushOptions{
		// The import still holds the desk lock: record outcomes under it
		// rather than waiting for it.
		DeskLocked: true,
		Save:       mailout.SaveOptions{Author: save.Author, NoCommit: save.NoCommit},
		Warn:       func(e error) { app.warnf("%v", e) },
	})
	if err != nil {
		app.warnf("automatic replies stay in the outbox: %v", err)
		return
	}
	for _, out := range outs {
		if out.Err != nil {
			app.warnf("automatic reply %s not sent (it stays in the outbox; `ticket outbox send --retry`): %v", out.Record.ID, out.Err)
		}
	}
}

func importMessage(kind string, args []string, st mailin.Stats) string {
	what := "import " + kind
	if kind == "retry" {
		what = "import: retry quarantine"
	}
	if len(args) == 1 && args[0] != "-" {
		what += " " + filepath.Base(args[0])
	}
	return fmt.Sprintf("%s: %d messages, %d new tickets, %d appended, %d quarantined",
		what, st.Messages, st.Created, st.Appended, st.Quarantined)
}

func printImportSummary(app *App, s importSummary) {
	verb := "imported"
	if s.DryRun {
		verb = "would import (dry run)"
	}
	fmt.Fprintf(app.Out, "%s %d %s: %d %s created, %d %s appended, %d %s skipped, %d quarantined",
		verb, s.Messages, plural(s.Messages, "message", "messages"),
		s.Created, plural(s.Created, "ticket", "tickets"),
		s.Appended, plural(s.Appended, "entry", "entries"),
		s.Duplicates, plural(s.Duplicates, "duplicate", "duplicates"), s.Quarantined)
	if s.Loops > 0 {
		fmt.Fprintf(app.Out, ", %d %s dropped", s.Loops, plural(s.Loops, "loop", "loops"))
	}
	if s.Released > 0 {
		fmt.Fprintf(app.Out, ", %d released from quarantine", s.Released)
	}
	if s.Autoreplies > 0 {
		fmt.Fprintf(app.Out, ", %d automatic %s queued", s.Autoreplies, plural(s.Autoreplies, "reply", "replies"))
	}
	fmt.Fprintln(app.Out)
	if len(s.Tickets) <= 50 {
		for _, t := range s.Tickets {
			mark := "+"
			if t.New {
				mark = "new"
			}
			line := fmt.Sprintf("  %-3s %s  %s", mark, t.ID, safe(t.Title))
			if t.Related != "" {
				line += "  (related to " + t.Related + ")"
			}
			fmt.Fprintln(app.Out, line)
		}
	}
	for _, q := range s.Quarantine {
		fmt.Fprintf(app.Out, "  quarantined %s: %s\n", q.Path, safe(q.Reason))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importSources feeds every message of the arguments to the importer.
func importSources(app *App, im *mailin.Importer, kind string, args []string, o *importOptions, qdir string, record func(mailin.Result), bar *importBar) error {
	if kind == "retry" {
		return retryQuarantine(app, im, qdir, record)
	}
	par := im.Parallel(runtime.GOMAXPROCS(0), record)
	add := func(raw []byte, src mailin.Source) error {
		par.Add(raw, src)
		return nil
	}
	// mbox files stay open until every message is filed: a message without
	// a Date reads its From_ line's date then.
	var open []io.Closer
	err := readSources(app, kind, args, o, add, bar, func(c io.Closer) { open = append(open, c) })
	if perr := par.Close(); err == nil {
		err = perr
	}
	for _, c := range open {
		c.Close()
	}
	return err
}

func readSources(app *App, kind string, args []string, o *importOptions, add func([]byte, mailin.Source) error, bar *importBar, keep func(io.Closer)) error {
	switch kind {
	case "eml":
		if len(args) == 0 {
			if app.InTTY {
				return usageErrorf("ticket import eml reads a message on standard input; pipe one in or name FILEs")
			}
			args = []string{"-"}
		}
		for _, a := range args {
			// Reading keeps at most twice the size limit of a message in
			// memory, however much is piped in.
			var raw []byte
			var over, err error
			name := a
			if a == "-" {
				name = "standard input"
				raw, err = importers.ReadMessage(app.In, o.maxBytes)
				if _, ok := err.(*importers.OversizeError); ok {
					over, err = err, nil
				}
			} else {
				raw, over, err = importers.ReadFileLimit(a, o.maxBytes)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := add(raw, mailin.Source{Name: name, Err: over}); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	case "mbox":
		var base int64
		for _, a := range args {
			f, err := os.Open(a)
			if err != nil {
				return withHint(fmt.Errorf("mbox %w", err), "nothing was imported")
			}
			err = importers.ReadMboxLimit(f, o.maxBytes, func(raw []byte, n int, off int64, over error) error {
				bar.at(base + off)
				return add(raw, mailin.Source{Name: fmt.Sprintf("%s: message %d at offset %d", a, n, off), Envelope: fromLine(f, off), Err: over})
			})
			keep(f)
			if fi, serr := f.Stat(); serr == nil {
				base += fi.Size()
			}
			if err != nil {
				return withHint(fmt.Errorf("%s: %w", a, err), "nothing was imported; fix the file and run the import again")
			}
		}
	case "maildir":
		for _, a := range args {
			err := importers.ReadMaildirLimit(a, o.Recursive, o.maxBytes, func(p string, raw []byte, over error) error {
				return add(raw, mailin.Source{Name: p, Delivered: maildirDelivered(p), Err: over})
			})
			if err != nil {
				return withHint(err, "nothing was imported; fix the folder and run the import again")
			}
		}
	}
	return nil
}

// retryQuarantine imports the quarantined messages again.
func retryQuarantine(app *App, im *mailin.Importer, qdir string, record func(mailin.Result)) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	dir := filepath.Join(d.Store.Dir(), filepath.FromSlash(qdir))
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		rel := path.Join(qdir, e.Name())
		if reason, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(e.Name(), ".eml")+".reason")); err == nil && strings.Contains(string(reason), " bytes were kept") {
			// Only the head of a huge message was kept: importing it
			// would file a message cut short as if it were whole.
			app.warnf("%s holds only the start of a message too large to keep; import the whole message from its source, then remove the quarantined files", d.Rel(rel))
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		r, err := im.Retry(rel, raw)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Rel(rel), err)
		}
		if r.Outcome == mailin.Quarantined {
			app.warnf("%s still cannot be read: %s", d.Rel(rel), r.Reason)
			continue
		}
		record(r)
	}
	return nil
}

// fromLine reads, when asked, the date of the From_ line at off.
func fromLine(f *os.File, off int64) func() time.Time {
	return func() time.Time {
		buf := make([]byte, 256)
		n, _ := f.ReadAt(buf, off)
		line := string(buf[:n])
		if i := strings.IndexAny(line, "\r\n"); i >= 0 {
			line = line[:i]
		}
		return mailin.FromLineTime(line)
	}
}

// maildirDelivered is a Maildir file's delivery time: the seconds at the
// start of its name, else its modification time.
func maildirDelivered(p string) time.Time {
	name := filepath.Base(p)
	end := 0
	for end < len(name) && name[end] >= '0' && name[end] <= '9' {
		end++
	}
	if end > 0 && end <= 12 {
		if s, err := strconv.ParseInt(name[:end], 10, 64); err == nil {
			return time.Unix(s, 0).UTC()
		}
	}
	if fi, err := os.Stat(p); err == nil {
		return fi.ModTime().UTC()
	}
	return time.Time{}
}

// cleanDeskDir checks a desk-relative folder.
func cleanDeskDir(p string) (string, error) {
	p = path.Clean(filepath.ToSlash(p))
	if p == "." || strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("want a folder inside the desk, such as %s", mailin.QuarantineDir)
	}
	return p, nil
}

func isUsageErr(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.code == exitUsage
}

// importBar shows progress on standard error when it is a terminal.
type importBar struct {
	bar   *progressbar.ProgressBar
	total int64
	last  time.Time
}

func (a *App) importProgress(kind string, args []string) *importBar {
	b := &importBar{}
	if !a.ErrTTY {
		return b
	}
	if kind == "mbox" {
		for _, p := range args {
			if fi, err := os.Stat(p); err == nil {
				b.total += fi.Size()
			}
		}
		b.bar = progressbar.NewOptions64(b.total, progressbar.OptionSetWriter(a.Err),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowDescriptionAtLineEnd(), progressbar.OptionClearOnFinish())
		return b
	}
	b.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(a.Err),
		progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("msg"), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return b
}

func (b *importBar) at(off int64) {
	if b.bar != nil && b.total > 0 {
		b.bar.Set64(off)
	}
}

func (b *importBar) tick(n int) {
	if b.bar == nil {
		return
	}
	if b.total > 0 {
		if now := time.Now(); now.Sub(b.last) > 100*time.Millisecond {
			b.last = now
			b.bar.Describe(fmt.Sprintf("%d messages", n))
		}
		return
	}
	b.bar.Add(1)
}

func (b *importBar) done() {
	if b.bar != nil {
		b.bar.Finish()
	}
}
