package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/gitstore"
	"github.com/ticketdesk/ticket/kb"
	"github.com/ticketdesk/ticket/ticket"
)

func newKBCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "kb",
		Short: "Write knowledge-base articles and build the static help site",
		Long: `The knowledge base is Markdown articles under kb/ in the desk (kb/SLUG.md,
kb/SLUG.LANG.md for other languages), built into a static site any web
server can host. Drafts and internal articles never reach the public site.

See docs/knowledge-base.md.`,
	}
	c.AddCommand(newKBNewCmd(app), newKBPublishCmd(app), newKBListCmd(app), newKBBuildCmd(app), newKBServeCmd(app))
	return c
}

type kbNewOptions struct {
	Title, Category, Lang, Slug string
	Tags                        []string
	Internal                    bool
}

func newKBNewCmd(app *App) *cobra.Command {
	o := kbNewOptions{}
	c := &cobra.Command{
		Use:   "new TITLE",
		Short: "Start a draft article in kb/ and print its file",
		Example: `  ticket kb new "How do I descale the kettle?" --category kettles
  ticket kb new "Wie entkalke ich den Wasserkocher?" --slug descale-kettle --lang de`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Title = args[0]
			return runKBNew(app, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Category, "category", "", "the article's `CATEGORY`")
	f.StringVar(&o.Lang, "lang", kb.DefaultLanguage, "the article's `LANGUAGE` (ISO 639-1)")
	f.StringVar(&o.Slug, "slug", "", "the `SLUG` in the file name and address (default: from the title)")
	f.StringArrayVar(&o.Tags, "tag", nil, "add a `TAG` (repeat, or separate with commas)")
	f.BoolVar(&o.Internal, "internal", false, "only for the internal site")
	return c
}

func runKBNew(app *App, o kbNewOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	slug := o.Slug
	if slug == "" {
		slug = kb.Slugify(o.Title)
	}
	if slug == "" {
		return usageErrorf("cannot make a slug from the title %q; give one with --slug", o.Title)
	}
	a := &kb.Article{
		Title: strings.TrimSpace(o.Title), Slug: slug, Category: o.Category, Tags: splitList(o.Tags),
		Language: o.Lang, Status: kb.StatusDraft, Visibility: kb.Public, Updated: app.Now(),
		Body: "Write the answer here: what the reader sees, what to do, step by step.\n",
	}
	if o.Internal {
		a.Visibility = kb.Internal
	}
	a.Path = kb.FileName(a.Slug, a.Language)
	if _, err := kb.ParseArticle(d.Rel(a.Path), kb.Render(a)); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return saveArticle(app, d, a, "kb: new article "+a.Key())
}

// saveArticle commits a new article file, refusing to overwrite one.
func saveArticle(app *App, d *desk.Desk, a *kb.Article, msg string) error {
	author, err := app.author()
	if err != nil {
		return err
	}
	if _, err := d.CommitNew([]gitstore.Change{{Path: a.Path, Data: kb.Render(a)}}, desk.SaveOptions{
		Message: msg, Author: author, NoCommit: app.NoCommit,
	}); err != nil {
		if e := (*desk.ExistsError)(nil); errors.As(err, &e) {
			return withHint(e, "choose another slug with --slug, or edit the existing article")
		}
		return err
	}
	fmt.Fprintln(app.Out, d.Rel(a.Path))
	return nil
}

type kbPublishOptions struct {
	ID, Title, Slug, Category string
}

func newKBPublishCmd(app *App) *cobra.Command {
	o := kbPublishOptions{}
	c := &cobra.Command{
		Use:   "publish ID",
		Short: "Draft an article from a resolved ticket's question and answer",
		Long: `Draft an article from a resolved ticket: the customer's messages become the
question, the agents' public replies the answer. Internal notes are left out;
names, email addresses, phone numbers, order numbers and custom-field values
are replaced by placeholders. The article is a draft: read it, edit it, set
status: published and commit.`,
		Example: `  ticket kb publish 7kq2m9 --title "Refunds for damaged parcels"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ID = args[0]
			return runKBPublish(app, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Title, "title", "", "the article's `TITLE` (default: the ticket's subject, redacted)")
	f.StringVar(&o.Slug, "slug", "", "the article's `SLUG` (default: from the title)")
	f.StringVar(&o.Category, "category", "", "the article's `CATEGORY`")
	return c
}

func runKBPublish(app *App, o kbPublishOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	l, err := d.Get(d.Store.Worktree(), o.ID)
	if err != nil {
		return err
	}
	switch l.Status {
	case ticket.StatusResolved, ticket.StatusClosed, ticket.StatusArchived:
	default:
		return withHint(fmt.Errorf("ticket %s is %s; only a resolved ticket's answer becomes an article", l.ID, l.Status),
			fmt.Sprintf("resolve it first: ticket resolve %s", l.ID))
	}
	a, err := kb.FromTicket(d.Config, l.Ticket, kb.PublishOptions{Title: o.Title, Slug: o.Slug, Category: o.Category, Now: app.Now()})
	if err != nil {
		return withHint(err, "an article needs the customer's question and a public reply")
	}
	return saveArticle(app, d, a, fmt.Sprintf("kb: draft article %s from ticket %s", a.Key(), l.ID))
}

type kbListOptions struct {
	Ref string
	out jsonFlags
}

// kbArticleJSON is the stable JSON form of an article in `kb list`.
type kbArticleJSON struct {
	Slug       string   `json:"slug"`
	Language   string   `json:"language"`
	Title      string   `json:"title"`
	Status     string   `json:"status"`
	Visibility string   `json:"visibility"`
	Category   string   `json:"category"`
	Tags       []string `json:"tags"`
	Updated    string   `json:"updated,omitempty"`
	Path       string   `json:"path"`
}

func newKBListCmd(app *App) *cobra.Command {
	o := kbListOptions{}
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the articles of the knowledge base",
		Long: `List every article: slug, language, status, visibility, category and title.
Piped, the columns are tab-separated. A file that does not parse is reported
as a warning and the others are listed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runKBList(app, o) },
	}
	c.Flags().StringVar(&o.Ref, "ref", "", "read articles at git `REF` instead of the work tree")
	addJSONFlags(c, &o.out)
	return c
}

func runKBList(app *App, o kbListOptions) error {
	d, err := app.Desk()
	if err != nil {
		return err
	}
	src, err := kb.Load(d, o.Ref)
	if err != nil {
		return err
	}
	for _, p := range src.Problems {
		app.warnf("%v", p)
	}
	if o.out.enabled() {
		rows := make([]kbArticleJSON, len(src.Articles))
		for i, a := range src.Articles {
			rows[i] = kbArticleJSON{
				Slug: a.Slug, Language: a.Language, Title: a.Title, Status: a.Status, Visibility: a.Visibility,
				Category: a.Category, Tags: a.Tags, Path: d.Rel(a.Path),
			}
			if rows[i].Tags == nil {
				rows[i].Tags = []string{}
			}
			if !a.Updated.IsZero() {
				rows[i].Updated = a.Updated.Format("2006-01-02T15:04:05Z07:00")
			}
		}
		return o.out.print(app.Out, rows)
	}
	st := app.style()
	tb := &table{st: st, header: []string{"SLUG", "LANG", "STATUS", "VISIBILITY", "CATEGORY", "TITLE"}}
	for _, a := range src.Articles {
		color := "2"
		if a.Published() {
			color = "32"
		}
		tb.add([]string{a.Slug, a.Language, a.Status, a.Visibility, a.Category, a.Title}, []string{"33", "", color, "", "", ""})
	}
	if len(src.Articles) == 0 {
		if st.tty {
			fmt.Fprintln(app.Err, "no articles yet: start one with ticket kb new TITLE")
		}
		return nil
	}
	return app.printTable(tb)
}
