package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/index"
	"github.com/ticketdesk/ticket/ticket"
)

type searchOptions struct {
	Words []string
	list  listOptions
}

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

The search store is derived data under the git directory; it is brought up to
date with every changed ticket file before each search.`,
		Example: `  ticket search refund kettle
  ticket search '"blue kettle"' --status open
  ticket search 환불 --json --jq '.[] | .id + " " + .snippet'
  ticket search muller --since 30d --ref origin/main`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Words = args
			return runSearch(app, o)
		},
	}
	f := c.Flags()
	l := &o.list
	addFilterFlags(f, l)
	f.IntVarP(&l.Limit, "limit", "n", 0, "show at most `N` tickets")
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
	d, err := app.Desk()
	if err != nil {
		return err
	}
	lo := o.list
	lo.All = len(lo.Statuses) == 0
	f, err := buildFilter(app, d, lo)
	if err != nil {
		return err
	}
	r, err := d.Reader(lo.Ref)
	if err != nil {
		return err
	}
	ls, err := d.LoadKeyed(r, func(err error) { app.warnf("%v", err) })
	if err != nil {
		return err
	}
	ix := d.Index()
	var hits []index.Hit
	for attempt := 0; ; attempt++ {
		hits, err = searchStore(ix, ls, lo.Ref != "", terms)
		if err == nil || attempt == 1 {
			break
		}
		// A damaged store is derived data: throw it away and build it again.
		ix.ResetSearch(lo.Ref != "")
	}
	if err != nil {
		return err
	}
	byPath := make(map[string]desk.Loadable, len(ls))
	for _, l := range ls {
		byPath[l.Path] = l
	}
	now := app.Now()
	st := app.style()
	var rows []searchJSON
	for _, h := range hits {
		lb, found := byPath[h.Path]
		if !found {
			continue
		}
		l, err := lb.Load()
		if err != nil {
			app.warnf("%v", err)
			continue
		}
		ok, err := f.Match(l.Ticket, now)
		if err != nil {
			return fmt.Errorf("--query on ticket %s: %w", l.ID, err)
		}
		if !ok {
			continue
		}
		sn := index.MakeSnippet(l.Ticket, terms, 100)
		open, close := snippetOpen, snippetClose
		if st.color && !lo.out.enabled() {
			open, close = "\x1b[1;33m", "\x1b[0m"
		}
		rows = append(rows, searchJSON{ticketJSON: toJSON(d, l.Ticket, false), Score: -h.Rank,
			Field: sn.Field, Entry: sn.Entry, Snippet: sn.Mark(open, close)})
		if lo.Limit > 0 && len(rows) == lo.Limit {
			break
		}
	}
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

func searchStore(ix *index.Index, ls []desk.Loadable, ref bool, terms []string) ([]index.Hit, error) {
	store, err := openSynced(ix, ls, ref)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	hits, err := store.Search(terms)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}
