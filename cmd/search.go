package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/index"
	"github.com/ticketdesk/ticket/ticket"
)

type searchOptions struct {
	Words []string
	All   bool // every match, not only the first --limit
	Count bool // only the number of matches
	list  listOptions
}

// defaultSearchLimit is how many of the best matches search shows unless
// told otherwise.
const defaultSearchLimit = 20

func newSearchCmd(app *App) *cobra.Command {
	o := searchOptions{}
	c := &cobra.Command{
		Use:   "search TEXT...",
		Short: "Find tickets by the words in them, best match first",
		Long: `Search titles, the conversation (every entry's body), customers and tags
of all tickets, resolved ones included, and print the best matches first with
the matching words highlighted.

Every word must occur (in any field); "quoted words" must occur together.
Matching ignores case and accents ("muller" finds "Müller", "istanbul" finds
"İstanbul") and finds a word anywhere, also inside a Korean or Thai sentence
written without spaces. The filters of "ticket list" narrow the result.

The 20 best matches are shown; --limit N shows N, --all (or --limit 0) every
one, and --count only how many there are. When more match than are shown,
a line on stderr says how many.

The search store is derived data under the git directory; it is brought up to
date with every changed ticket file before each search.`,
		Example: `  ticket search refund kettle
  ticket search '"blue kettle"' --status open
  ticket search 환불 --json --jq '.[] | .id + " " + .snippet'
  ticket search muller --since 30d --ref origin/main
  ticket search damage --status open --count`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Words = args
			return runSearch(app, o)
		},
	}
	f := c.Flags()
	l := &o.list
	addFilterFlags(f, l)
	f.IntVarP(&l.Limit, "limit", "n", defaultSearchLimit, "show the `N` best matches (0: all)")
	f.BoolVar(&o.All, "all", false, "show every match (same as --limit 0)")
	f.BoolVar(&o.Count, "count", false, "print only the number of matching tickets")
	f.StringVar(&l.Ref, "ref", "", "search tickets at git `REF` (branch, tag, commit) instead of the work tree")
	addJSONFlags(c, &l.out)
	return c
}

// searchJSON is one search result: the ticket's list fields, how well it
// matched and where.
type searchJSON struct {
	ticketJSON
	Score   float64 `json:"score"`
	Field   string  `json:"field"`
	Entry   string  `json:"entry,omitempty"`
	Snippet string  `json:"snippet"`
}

// snippetMarks wrap matched words in snippets that are not coloured.
const snippetOpen, snippetClose = "**", "**"

func runSearch(app *App, o searchOptions) error {
	terms := index.Terms(strings.Join(o.Words, " "))
	if len(terms) == 0 {
		return usageErrorf("give the words to search for")
	}
	lo := o.list
	if lo.Limit < 0 {
		return usageErrorf("--limit %d: give a number of tickets, or 0 for all", lo.Limit)
	}
	d, err := app.Desk()
	if err != nil {
		return err
	}
	lo.All = len(lo.Statuses) == 0
	f, err := buildFilter(app, d, lo)
	if err != nil {
		return err
	}
	r, err := d.Reader(lo.Ref)
	if err != nil {
		return err
	}
	// The freshness check holds every ticket's record until the search
	// is answered, as a listing does.
	defer collectLate()()
	ls, err := d.LoadKeyed(r, func(err error) { app.warnf("%v", err) })
	if err != nil {
		return err
	}
	now := app.Now()
	limit := lo.Limit
	if o.All {
		limit = 0
	}
	// The store applies every filter but --query and --sla, which need the
	// whole ticket: with those, every hit is read, best first.
	whole := f.Query != nil || f.SLAState != ""
	q := index.SearchQuery{Terms: terms, Filter: f, Now: now, Limit: limit}
	switch {
	case whole:
		q.Limit = 0
	case o.Count:
		q.CountOnly = true
	}
	ix := d.Index()
	var hits []index.Hit
	var total int
	for attempt := 0; ; attempt++ {
		hits, total, err = searchStore(ix, ls, lo.Ref != "", q)
		if err == nil || attempt == 1 {
			break
		}
		// A damaged store is derived data: throw it away and build it again.
		ix.ResetSearch(lo.Ref != "")
	}
	if err != nil {
		return err
	}
	st := app.style()
	var rows []searchJSON
	if whole {
		total = 0
	}
	for _, h := range hits {
		// ls is sorted by path (LoadKeyed); the store holds exactly its
		// paths, as it was brought up to date with them.
		i, found := slices.BinarySearchFunc(ls, h.Path, func(l desk.Loadable, p string) int { return strings.Compare(l.Path, p) })
		if !found {
			continue
		}
		var l *desk.Loaded
		if whole {
			l, err = ls[i].Peek()
			if err == nil {
				var ok bool
				if ok, err = f.Match(l.Ticket, now); err != nil {
					return fmt.Errorf("--query on ticket %s: %w", l.ID, err)
				}
				if !ok {
					continue
				}
				total++
				if o.Count || (limit > 0 && len(rows) == limit) {
					continue
				}
			}
		} else {
			l, err = ls[i].Load()
		}
		if err != nil {
			app.warnf("%v", err)
			continue
		}
		if o.Count {
			break
		}
		sn := index.MakeSnippet(l.Ticket, terms, 100)
		open, close := snippetOpen, snippetClose
		if st.color && !lo.out.enabled() {
			open, close = "\x1b[1;33m", "\x1b[0m"
		}
		rows = append(rows, searchJSON{ticketJSON: toJSON(d, l.Ticket, false), Score: -h.Rank,
			Field: sn.Field, Entry: sn.Entry, Snippet: sn.Mark(open, close)})
		if limit > 0 && len(rows) == limit && !whole {
			break
		}
	}
	if o.Count {
		fmt.Fprintln(app.Out, total)
		return nil
	}
	// After the results, so a terminal shows it below them.
	defer func() {
		if total > len(rows) {
			fmt.Fprintf(app.Err, "%d of %d matching tickets shown; --limit N or --all shows more\n", len(rows), total)
		}
	}()
	if lo.out.enabled() {
		if rows == nil {
			rows = []searchJSON{}
		}
		return lo.out.print(app.Out, rows)
	}
	if len(rows) == 0 {
		if st.tty {
			fmt.Fprintln(app.Err, "no tickets match")
		}
		return nil
	}
	var b strings.Builder
	for _, row := range rows {
		if st.tty {
			fmt.Fprintf(&b, "%s  %s  %s\n", st.paint("33", row.ID), st.paint(statusColor(ticket.Status(row.Status)), row.Status), st.paint("1", safe(row.Title)))
			if row.Snippet != "" {
				fmt.Fprintf(&b, "        %s\n", row.Snippet)
			}
			continue
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", row.ID, row.Status, safe(row.Title), row.Snippet)
	}
	return app.page(b.String())
}

// openSynced opens the search store and brings it up to date with the
// loaded tickets.
func openSynced(ix *index.Index, ls []desk.Loadable, ref bool) (*index.SearchStore, error) {
	store, err := ix.OpenSearch(ref)
	if err != nil {
		return nil, fmt.Errorf("open the search store: %w", err)
	}
	docs := make([]index.SearchDoc, len(ls))
	for i, l := range ls {
		docs[i] = index.SearchDoc{Path: l.Path, Key: l.Key, Load: func() (*ticket.Ticket, error) {
			x, err := l.Load()
			if err != nil {
				return nil, err
			}
			return x.Ticket, nil
		}}
	}
	if _, err := store.Sync(docs); err != nil {
		store.Close()
		return nil, fmt.Errorf("update the search store: %w", err)
	}
	return store, nil
}

func syncSearch(ix *index.Index, ls []desk.Loadable, ref bool) error {
	s, err := openSynced(ix, ls, ref)
	if err != nil {
		return err
	}
	return s.Close()
}

func searchStore(ix *index.Index, ls []desk.Loadable, ref bool, q index.SearchQuery) ([]index.Hit, int, error) {
	store, err := openSynced(ix, ls, ref)
	if err != nil {
		return nil, 0, err
	}
	defer store.Close()
	hits, total, err := store.Search(q)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return hits, total, nil
}
