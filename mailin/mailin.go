package mailin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/importers"
	"github.com/ticketdesk/ticket/ticket"
)

// QuarantineDir holds, committed, the mail that could not be read at all:
// HASH.eml with the raw bytes and HASH.reason saying why and from where.
const QuarantineDir = ".ticket/quarantine"

// Source says where a message came from, for errors, quarantine reasons and
// the fallback time of a message without a usable Date.
type Source struct {
	Name      string    // "FILE", "mbox FILE message 3 at offset 1200", "standard input"
	Delivered time.Time // delivery time when known (Maildir file name or mtime), else zero
	// Envelope, when set, reads the delivery time lazily (the date of an
	// mbox From_ line); it is asked only for messages without a Date.
	Envelope func() time.Time
	// Err is set when reading already refused the message (an
	// *importers.OversizeError); raw is then the part kept, quarantined
	// without parsing.
	Err error

	noLanguage bool // parsed without language detection (Parallel)
}

// Options shape an import run.
type Options struct {
	Channel string // the channel of new tickets; default "email"
	MaxSize int64  // larger messages are quarantined; 0 selects importers' default
	// Limits bound parsing (parts, depth, lines, attachments); its MaxSize,
	// when 0, is MaxSize above.
	Limits  importers.Options
	KeepRaw bool // store each message's raw bytes beside its ticket
	// Quarantine is the desk folder for unreadable mail; default QuarantineDir.
	Quarantine string
	Now        time.Time
	// IsAgent reports whether an address belongs to one of the desk's agents
	// (or the desk itself); their mail may thread by the subject tag and is
	// recorded as a reply.
	IsAgent func(addr string) bool
	// FileExists reports whether a desk-relative path is already taken on
	// disk, so an attachment never overwrites a file.
	FileExists func(path string) bool
	// OnCreate runs for every new ticket, OnMessage for every customer
	// message appended to an existing ticket (not for automatic mail). An
	// error stops the import.
	OnCreate  func(t *ticket.Ticket, m *importers.Message) error
	OnMessage func(t *ticket.Ticket, m *importers.Message) error
}

// Stats count what a run did.
type Stats struct {
	Messages    int // messages read
	Created     int // tickets created
	Appended    int // entries appended to existing tickets
	Duplicates  int // messages already stored, skipped
	Quarantined int // messages that could not be read, kept in quarantine
	Loops       int // our own mail coming back, dropped
	Released    int // quarantined messages that now imported (retry)
}

// Outcome is what happened to one message.
type Outcome string

// The outcomes of Add.
const (
	Created     Outcome = "created"
	Appended    Outcome = "appended"
	Duplicate   Outcome = "duplicate"
	Quarantined Outcome = "quarantined"
	Loop        Outcome = "loop"
)

// Result is what Add did with one message.
type Result struct {
	Outcome Outcome
	Ticket  string // the ticket the message is in (created, appended, duplicate)
	Related string // for a new ticket: the ticket its subject tag named
	By      string // how it was threaded: "message-id", "our-message-id", "subject-tag", "new"
	Reason  string // for quarantined: why
	Path    string // for quarantined: the raw file
	Message *importers.Message
}

// Importer files messages into tickets. It is not safe for concurrent use.
type Importer struct {
	opt     Options
	tickets map[string]*ticket.Ticket
	byMsgID map[string]string // Message-ID → ticket id
	// stored holds the Message-IDs stored before the run; it never changes,
	// so the parsing goroutines may read it.
	stored  map[string]bool
	changed map[string]bool   // ticket ids to write
	created map[string]bool   // ticket ids made in this run
	order   []string          // changed ticket ids in first-change order
	files   []gitstore.Change // attachments, raw copies, quarantine, deletions
	paths   map[string]bool   // lower-cased paths planned in this run
	stats   Stats
}

// New makes an importer over the desk's current tickets. It indexes every
// stored Message-ID once.
func New(all []*ticket.Ticket, opt Options) *Importer {
	if opt.Channel == "" {
		opt.Channel = "email"
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Quarantine == "" {
		opt.Quarantine = QuarantineDir
	}
	if opt.IsAgent == nil {
		opt.IsAgent = func(string) bool { return false }
	}
	if opt.FileExists == nil {
		opt.FileExists = func(string) bool { return false }
	}
	im := &Importer{
		opt:     opt,
		tickets: make(map[string]*ticket.Ticket, len(all)),
		byMsgID: make(map[string]string, len(all)*2),
		stored:  make(map[string]bool, len(all)*2),
		changed: map[string]bool{},
		created: map[string]bool{},
		paths:   map[string]bool{},
	}
	for _, t := range all {
		im.tickets[t.ID] = t
		for _, e := range t.Entries {
			if e.MessageID != "" {
				im.byMsgID[e.MessageID] = t.ID
				im.stored[e.MessageID] = true
			}
		}
	}
	return im
}

// Stats returns the counts so far.
func (im *Importer) Stats() Stats { return im.stats }

// Ticket returns a ticket by id, loaded or made in this run.
func (im *Importer) Ticket(id string) *ticket.Ticket { return im.tickets[id] }

// Changed lists the tickets this run created or changed, in the order they
// were first touched.
func (im *Importer) Changed() []*ticket.Ticket {
	out := make([]*ticket.Ticket, 0, len(im.order))
	for _, id := range im.order {
		out = append(out, im.tickets[id])
	}
	return out
}

// Created reports whether the run made ticket id.
func (im *Importer) Created(id string) bool { return im.created[id] }

// Pending reports whether the run has anything to write.
func (im *Importer) Pending() bool { return len(im.order) > 0 || len(im.files) > 0 }

func (im *Importer) markChanged(t *ticket.Ticket) {
	if !im.changed[t.ID] {
		im.changed[t.ID] = true
		im.order = append(im.order, t.ID)
	}
}

// Add files one raw message. An error means the run cannot go on (a hook
// failed); a message that cannot be read is not an error but quarantined.
func (im *Importer) Add(raw []byte, src Source) (Result, error) {
	if src.Err != nil {
		return im.addParsed(raw, nil, src.Err, src)
	}
	m, err := importers.Parse(raw, im.parseOptions())
	return im.addParsed(raw, m, err, src)
}

// parseOptions are the limits every message is parsed with.
func (im *Importer) parseOptions() importers.Options {
	o := im.opt.Limits
	if o.MaxSize == 0 {
		o.MaxSize = im.opt.MaxSize
	}
	return o
}

func (im *Importer) addParsed(raw []byte, m *importers.Message, perr error, src Source) (Result, error) {
	im.stats.Messages++
	if perr != nil {
		return im.quarantine(raw, src, perr), nil
	}
	return im.file(m, src)
}

func (im *Importer) file(m *importers.Message, src Source) (Result, error) {
	if m.Loop {
		im.stats.Loops++
		return Result{Outcome: Loop, Message: m}, nil
	}
	if id, ok := im.byMsgID[m.MessageID]; ok {
		im.stats.Duplicates++
		return Result{Outcome: Duplicate, Ticket: id, Message: m}, nil
	}
	at := m.Date
	if at.IsZero() {
		at = src.Delivered
	}
	if at.IsZero() && src.Envelope != nil {
		at = src.Envelope()
	}
	if at.IsZero() {
		at = im.opt.Now
	}
	at = ticket.Time(at)
	from := NormalizeAddress(m.From.Email)
	t, related, by := im.thread(m, from)
	e := ticket.Entry{
		Author:    author(m.From),
		At:        at,
		MessageID: m.MessageID,
		Auto:      m.Auto,
		Body:      body(m),
	}
	if t == nil {
		return im.create(m, e, from, related, src.noLanguage)
	}
	id := t.ID
	e.Attachments, e.Body, e.Meta = im.store(id, m, e.Body)
	if im.opt.IsAgent(from) {
		t.AddReply(e, "")
	} else {
		t.AddMessage(e)
	}
	im.byMsgID[m.MessageID] = id
	im.markChanged(t)
	im.stats.Appended++
	if m.Auto == "" && !im.opt.IsAgent(from) && im.opt.OnMessage != nil {
		if err := im.opt.OnMessage(t, m); err != nil {
			return Result{}, fmt.Errorf("ticket %s: rules for <%s>: %w", id, m.MessageID, err)
		}
	}
	return Result{Outcome: Appended, Ticket: id, By: by, Message: m}, nil
}

func (im *Importer) create(m *importers.Message, e ticket.Entry, from, related string, noLanguage bool) (Result, error) {
	lang := m.Language
	if noLanguage {
		lang = importers.DetectLanguage(m.Subject, m.Text)
		m.Language = lang
	}
	title := importers.CleanSubject(m.Subject)
	if title == "" {
		title = "(no subject)"
	}
	fields := map[string]string{}
	if related != "" {
		fields["related"] = related
	}
	customer := from
	if from != "" && im.opt.IsAgent(from) {
		// An agent forwarding a customer's mail opens the customer's
		// ticket; with no customer to be found the agent stays the
		// requester, marked so that nobody takes them for a customer.
		if orig := originalSender(m, im.opt.IsAgent); orig != "" {
			customer = orig
			fields["forwarded-by"] = from
		} else {
			fields["opened-by"] = from
		}
	}
	if len(fields) == 0 {
		fields = nil
	}
	t, err := ticket.New(ticket.NewOptions{
		Title: title, Body: e.Body, Author: e.Author, Customer: customer, Channel: im.opt.Channel,
		Language: lang, Fields: fields, MessageID: m.MessageID, Auto: m.Auto,
	}, e.At, func(id string) bool { return im.tickets[id] != nil })
	if err != nil {
		// ticket.New refuses only what cleaning cannot fix; keep the mail.
		return Result{}, fmt.Errorf("<%s>: %w", m.MessageID, err)
	}
	first := &t.Entries[0]
	first.Attachments, first.Body, first.Meta = im.store(t.ID, m, first.Body)
	im.tickets[t.ID] = t
	im.created[t.ID] = true
	im.byMsgID[m.MessageID] = t.ID
	im.markChanged(t)
	im.stats.Created++
	if im.opt.OnCreate != nil {
		if err := im.opt.OnCreate(t, m); err != nil {
			return Result{}, fmt.Errorf("ticket %s: rules for <%s>: %w", t.ID, m.MessageID, err)
		}
	}
	return Result{Outcome: Created, Ticket: t.ID, Related: related, By: "new", Message: m}, nil
}

// thread finds the ticket a message belongs to, in this order: our own
// Message-IDs in its references (the bounced id first, then In-Reply-To,
// then References newest first), any stored Message-ID in the same order,
// the subject tag when the sender is the ticket's customer or an agent.
// A tag from anybody else gives no ticket but a related one.
func (im *Importer) thread(m *importers.Message, from string) (t *ticket.Ticket, related, by string) {
	var ids []string
	if m.Bounced != "" {
		ids = append(ids, m.Bounced)
	}
	ids = append(ids, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	for _, id := range ids {
		if tid, ok := ticket.ParseOurMessageID(id); ok {
			if t := im.tickets[tid]; t != nil {
				return t, "", "our-message-id"
			}
		}
	}
	for _, id := range ids {
		if tid, ok := im.byMsgID[id]; ok {
			return im.tickets[tid], "", "message-id"
		}
	}
	if tid, ok := importers.SubjectTag(m.Subject); ok {
		if t := im.tickets[tid]; t != nil {
			if from != "" && (SameAddress(from, t.Customer) || im.opt.IsAgent(from)) {
				return t, "", "subject-tag"
			}
			return nil, t.ID, "new"
		}
	}
	return nil, "", "new"
}

// author is how an entry names its sender: "Name <address>" or the address.
func author(a importers.Address) string {
	email := strings.TrimSpace(a.Email)
	switch {
	case email == "" && a.Raw != "":
		return a.Raw
	case email == "":
		return a.Name
	case a.Name == "":
		return email
	}
	return a.Name + " <" + email + ">"
}

// body is the entry text: the reply, then the quoted history folded away.
func body(m *importers.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	if m.Quoted != "" {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("<details><summary>Quoted text</summary>\n\n")
		b.WriteString(m.Quoted)
		b.WriteString("\n\n</details>")
	}
	if b.Len() == 0 {
		if len(m.Attachments) > 0 {
			b.WriteString("_(no text; see the attachments)_")
		} else {
			b.WriteString("_(no text)_")
		}
	}
	// What a limit left out is said where an agent reads the message.
	for _, d := range m.Dropped {
		b.WriteString("\n\n> **Not stored:** " + escapeNote(d))
	}
	return b.String()
}

// escapeNote keeps a note, which may quote a sender's file name, plain
// text in Markdown: no link, no HTML, no emphasis that runs on.
func escapeNote(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "<", `\<`, "[", `\[`, "`", "\\`").Replace(s)
}

// maxCIDRefs is how many references to one inline image a message's text
// may have rewritten to the stored file; more are left as they are.
const maxCIDRefs = 100

// store plans a message's attachments (and raw copy) beside ticket id and
// returns their paths relative to the ticket file's folder, the body with
// inline images pointing at them, and the entry attributes to add.
func (im *Importer) store(id string, m *importers.Message, text string) ([]string, string, map[string]string) {
	dir := ticket.TicketsDir + "/" + id[:2] + "/"
	var rels []string
	for _, a := range m.Attachments {
		name := im.unique(dir+id+"/", a.Filename)
		im.plan(dir+id+"/"+name, a.Data)
		rel := id + "/" + name
		rels = append(rels, rel)
		if a.ContentID != "" {
			// Bounded: a message of "cid:x" a million times must not grow
			// into a ticket a hundred times its size.
			text = strings.Replace(text, "cid:"+a.ContentID, rel, maxCIDRefs)
		}
	}
	var meta map[string]string
	if im.opt.KeepRaw {
		sum := sha256.Sum256([]byte(m.MessageID))
		name := im.unique(dir+id+"/", hex.EncodeToString(sum[:8])+".eml")
		im.plan(dir+id+"/"+name, m.Raw)
		meta = map[string]string{"raw": id + "/" + name}
	}
	return rels, text, meta
}

// unique returns name, or name-2, name-3 … so that no file planned in this
// run or already on disk is overwritten. Names compare case-insensitively.
func (im *Importer) unique(dir, name string) string {
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	for n := 1; ; n++ {
		cand := name
		if n > 1 {
			cand = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		p := dir + cand
		if !im.paths[strings.ToLower(p)] && !im.opt.FileExists(p) {
			return cand
		}
	}
}

func (im *Importer) plan(p string, data []byte) {
	im.paths[strings.ToLower(p)] = true
	im.files = append(im.files, gitstore.Change{Path: p, Data: data})
}

// quarantine keeps unreadable bytes with the reason, named by their hash,
// so the same bytes delivered twice are kept once.
func (im *Importer) quarantine(raw []byte, src Source, cause error) Result {
	sum := sha256.Sum256(raw)
	name := hex.EncodeToString(sum[:8])
	p := path.Join(im.opt.Quarantine, name+".eml")
	reason := cause.Error()
	if src.Name != "" {
		reason = src.Name + ": " + reason
	}
	if im.paths[p] || im.opt.FileExists(p) {
		im.stats.Duplicates++
		return Result{Outcome: Duplicate, Reason: reason, Path: p}
	}
	im.stats.Quarantined++
	im.plan(p, raw)
	var b strings.Builder
	fmt.Fprintf(&b, "reason: %s\n", ticket.CleanLine(cause.Error()))
	if src.Name != "" {
		fmt.Fprintf(&b, "source: %s\n", ticket.CleanLine(src.Name))
	}
	fmt.Fprintf(&b, "quarantined: %s\n", ticket.Time(im.opt.Now).Format(time.RFC3339))
	if errors.Is(cause, importers.ErrTooLarge) {
		fmt.Fprintf(&b, "limit: raise limits.message_size in %s (or pass --max-size) to let it in\n", ticket.ConfigPath)
	}
	fmt.Fprintf(&b, "retry: ticket import --retry-quarantine\n")
	im.plan(path.Join(im.opt.Quarantine, name+".reason"), []byte(b.String()))
	return Result{Outcome: Quarantined, Reason: reason, Path: p}
}

// Retry imports a quarantined message again (p is its .eml path). When it
// now reads, it is filed like any message and both quarantine files are
// removed in the same commit; otherwise nothing changes.
func (im *Importer) Retry(p string, raw []byte) (Result, error) {
	m, err := importers.Parse(raw, im.parseOptions())
	if err != nil {
		return Result{Outcome: Quarantined, Reason: err.Error(), Path: p}, nil
	}
	im.stats.Messages++
	r, err := im.file(m, Source{Name: p})
	if err != nil {
		return r, err
	}
	im.stats.Released++
	reason := strings.TrimSuffix(p, ".eml") + ".reason"
	im.files = append(im.files, gitstore.Change{Path: p, Delete: true}, gitstore.Change{Path: reason, Delete: true})
	return r, nil
}

// Files lists the extra files of the run (attachments, raw copies,
// quarantine, deletions), in the order they were planned.
func (im *Importer) Files() []gitstore.Change { return im.files }

// errNothing is returned by Commit when the run has nothing to write.
var errNothing = errors.New("nothing to write")

// sortedChanged is the changed ticket ids in path order, for a stable journal.
func (im *Importer) sortedChanged() []string {
	ids := slices.Clone(im.order)
	slices.Sort(ids)
	return ids
}

// FromLineTime reads the date of an mbox From_ line ("From addr Thu Oct  1
// 08:00:00 2026", asctime with an optional zone or year-first variants);
// zero when there is none.
func FromLineTime(line string) time.Time {
	line = strings.TrimSpace(strings.TrimRight(line, "\r\n"))
	rest, ok := strings.CutPrefix(line, "From ")
	if !ok {
		return time.Time{}
	}
	// Skip the envelope sender (which may be quoted and hold spaces).
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		rest = strings.TrimSpace(rest[i+1:])
	} else {
		return time.Time{}
	}
	fields := strings.Fields(rest)
	for _, layout := range []string{time.ANSIC, "Mon Jan _2 15:04:05 MST 2006", "Mon Jan _2 15:04:05 -0700 2006", "Mon Jan _2 15:04 2006"} {
		n := len(strings.Fields(layout))
		if len(fields) < n {
			continue
		}
		if t, err := time.Parse(layout, strings.Join(fields[:n], " ")); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
