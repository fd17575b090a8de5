package kb

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// site is the set of pages one build makes.
type site struct {
	title, base, email string
	internal           bool

	articles      []*Article // published and visible, sorted by key
	rendered      []*rendered
	renderedCount int
	transient     bool                // rendered articles are this build's alone: let go of each when used
	index         map[string]int      // key → position in articles
	byKey         map[string]*Article // key → article
	bySlug        map[string][]*Article
	langs         []string
	primary       string
	cats, tags    map[string][]*group // by language, sorted by name
	catOf         map[string]*group   // "lang/category" → group
	tagOf         map[string]*group   // "lang/tag" → group
	popular       map[string][]int
	recent        map[string][]int
	words         map[string]map[string]string // interface words by language
	catPos        []int                        // article's position in its category
	summaries     []string
	assets        map[string][]byte
}

// group is a category or a tag in one language.
type group struct {
	Name string
	path string
	arts []int
}

func newSite(src *Source, internal bool, base string) *site {
	s := &site{
		base: base, internal: internal, index: map[string]int{}, byKey: map[string]*Article{},
		bySlug: map[string][]*Article{}, cats: map[string][]*group{}, tags: map[string][]*group{},
		catOf: map[string]*group{}, tagOf: map[string]*group{}, popular: map[string][]int{}, recent: map[string][]int{}, assets: src.Assets,
		words: map[string]map[string]string{},
	}
	if c := src.Config; c != nil {
		s.title, s.email = c.KB.Title, c.Email
		if s.title == "" && c.Name != "" {
			s.title = c.Name + " Help"
		}
	}
	if s.title == "" {
		s.title = "Help Center"
	}
	count := map[string]int{}
	for _, a := range src.Articles {
		if !a.Published() || (a.Visibility == Internal && !internal) {
			continue
		}
		s.index[a.Key()] = len(s.articles)
		s.byKey[a.Key()] = a
		s.articles = append(s.articles, a)
		s.bySlug[a.Slug] = append(s.bySlug[a.Slug], a)
		count[a.Language]++
	}
	s.rendered = make([]*rendered, len(s.articles))
	s.summaries = make([]string, len(s.articles))
	s.catPos = make([]int, len(s.articles))
	for l := range count {
		s.langs = append(s.langs, l)
	}
	slices.Sort(s.langs)
	s.primary = DefaultLanguage
	if count[DefaultLanguage] == 0 {
		for _, l := range s.langs {
			if count[l] > count[s.primary] {
				s.primary = l
			}
		}
	}
	if len(s.langs) == 0 {
		s.langs = []string{s.primary}
	}
	for _, l := range append(s.langs, s.primary) {
		s.words[l] = words(l)
	}
	for i, a := range s.articles {
		if a.Category != "" {
			k := a.Language + "/" + a.Category
			g := s.catOf[k]
			if g == nil {
				g = &group{Name: a.Category, path: a.Language + "/category/" + groupSlug(a.Category) + ".html"}
				s.catOf[k] = g
				s.cats[a.Language] = append(s.cats[a.Language], g)
			}
			g.arts = append(g.arts, i)
		}
		for _, t := range a.Tags {
			k := a.Language + "/" + t
			g := s.tagOf[k]
			if g == nil {
				g = &group{Name: t, path: a.Language + "/tag/" + groupSlug(t) + ".html"}
				s.tagOf[k] = g
				s.tags[a.Language] = append(s.tags[a.Language], g)
			}
			g.arts = append(g.arts, i)
		}
	}
	byName := func(x, y *group) int {
		return cmp.Or(cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.path, y.path))
	}
	for _, l := range s.langs {
		slices.SortFunc(s.cats[l], byName)
		slices.SortFunc(s.tags[l], byName)
		for _, gs := range [][]*group{s.cats[l], s.tags[l]} {
			for _, g := range gs {
				slices.SortStableFunc(g.arts, func(x, y int) int { return s.byRecent(x, y) })
			}
		}
		for _, g := range s.cats[l] {
			for k, i := range g.arts {
				s.catPos[i] = k
			}
		}
	}
	perLang := map[string][]int{}
	for i, a := range s.articles {
		perLang[a.Language] = append(perLang[a.Language], i)
	}
	for l, idx := range perLang {
		rec := slices.Clone(idx)
		slices.SortStableFunc(rec, s.byRecent)
		s.recent[l] = rec[:min(len(rec), 8)]
		var pop []int
		for _, i := range idx {
			if s.articles[i].Weight > 0 {
				pop = append(pop, i)
			}
		}
		slices.SortStableFunc(pop, func(x, y int) int { return cmp.Compare(s.articles[y].Weight, s.articles[x].Weight) })
		s.popular[l] = pop[:min(len(pop), 8)]
	}
	return s
}

func (s *site) byRecent(x, y int) int {
	return cmp.Or(s.articles[y].Updated.Compare(s.articles[x].Updated), cmp.Compare(s.articles[x].Title, s.articles[y].Title))
}

// groupSlug names a category or tag page; names without Latin letters get
// a short stable hash.
func groupSlug(name string) string {
	if s := slugify(name); s != "" {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("g%08x", h.Sum32())
}

// summary is an article's description or the start of its text, worked
// out once per build.
func (s *site) summary(i int) string { return s.summaries[i] }

func (s *site) makeSummary(i int) string {
	if d := s.articles[i].Description; d != "" {
		return d
	}
	t := s.rendered[i].Text
	if utf8.RuneCountInString(t) <= 180 {
		return t
	}
	n := 0
	for j := range t {
		if n == 180 {
			return strings.TrimSpace(t[:j]) + "…"
		}
		n++
	}
	return t
}

// Page is what every theme template receives.
type Page struct {
	Site        SiteInfo
	Lang, Dir   string
	Root        string // the way back to the site's root: "", "../", …
	Home        string // this language's home page
	Path        string // this page, from the site's root
	Title       string
	Description string
	Canonical   string
	Query       string
	Kind        string // home, article, category, tag, search, thanks, notfound
	Alternates  []Alt
	T           map[string]string // interface words in the page's language
	Article     *ArticleView
	Related     []Item
	Categories  []Item
	Popular     []Item
	Recent      []Item
	Tags        []Item
	Items       []Item
	Crumbs      []Item
}

// SiteInfo describes the whole site.
type SiteInfo struct {
	Title    string
	Email    string
	Internal bool
	BaseURL  string
}

// Alt is one language of the page.
type Alt struct {
	Lang, Name string
	Href       string // relative to the page
	Abs        string // absolute when the base URL is known
	Current    bool
}

// Item is a link in a list.
type Item struct {
	Href, Title, Summary, Lang, Updated string
	Count                               int
}

// ArticleView is the article on its own page.
type ArticleView struct {
	HTML       template.HTML // sanitised
	Updated    string
	UpdatedISO string
	Tags       []Item
	Category   *Item
	Internal   bool
	YesHref    string
	NoHref     string
}

func (s *site) page(rel, lang, kind string) *Page {
	root := up(rel)
	return &Page{
		Site: SiteInfo{Title: s.title, Email: s.email, Internal: s.internal, BaseURL: s.base},
		Lang: lang, Dir: direction(lang), Root: root, Home: root + lang + "/index.html", Path: rel,
		Canonical: s.canonical(rel), Kind: kind, T: s.words[lang],
	}
}

func (s *site) canonical(rel string) string {
	if s.base == "" {
		return ""
	}
	return s.base + rel
}

func (s *site) item(from string, i int) Item {
	a := s.articles[i]
	it := Item{Href: up(from) + s.articlePath(a), Title: a.Title, Summary: s.summary(i), Lang: a.Language}
	if !a.Updated.IsZero() {
		it.Updated = a.Updated.Format("2006-01-02")
	}
	return it
}

func (s *site) items(from string, idx []int) []Item {
	out := make([]Item, len(idx))
	for k, i := range idx {
		out[k] = s.item(from, i)
	}
	return out
}

func (s *site) groupItems(from string, gs []*group) []Item {
	out := make([]Item, len(gs))
	for k, g := range gs {
		out[k] = Item{Href: up(from) + g.path, Title: g.Name, Count: len(g.arts)}
	}
	return out
}

func (s *site) homeAlts(from, lang string) []Alt {
	if len(s.langs) < 2 {
		return nil
	}
	var alts []Alt
	for _, l := range s.langs {
		p := l + "/index.html"
		alts = append(alts, Alt{Lang: l, Name: LanguageName(l), Href: up(from) + p, Abs: s.absOr(from, p), Current: l == lang})
	}
	return alts
}

// absOr is p as an absolute address, or relative to from without a base.
func (s *site) absOr(from, p string) string {
	if s.base != "" {
		return s.base + p
	}
	return up(from) + p
}

func (s *site) homePage(lang, rel string) *Page {
	p := s.page(rel, lang, "home")
	p.Title = p.T["welcome"]
	p.Description = s.title
	p.Alternates = s.homeAlts(rel, lang)
	p.Categories = s.groupItems(rel, s.cats[lang])
	p.Popular = s.items(rel, s.popular[lang])
	p.Recent = s.items(rel, s.recent[lang])
	tags := slices.Clone(s.tags[lang])
	slices.SortStableFunc(tags, func(x, y *group) int { return cmp.Compare(len(y.arts), len(x.arts)) })
	p.Tags = s.groupItems(rel, tags[:min(len(tags), 30)])
	return p
}

func (s *site) listPage(lang string, g *group, tag bool) *Page {
	kind, heading := "category", g.Name
	if tag {
		kind, heading = "tag", "#"+g.Name
	}
	p := s.page(g.path, lang, kind)
	p.Title = heading
	p.Alternates = s.homeAlts(g.path, lang)
	p.Items = s.items(g.path, g.arts)
	p.Crumbs = []Item{{Href: p.Home, Title: p.T["home"]}}
	return p
}

func (s *site) articlePage(i int) *Page {
	a := s.articles[i]
	rel := s.articlePath(a)
	p := s.page(rel, a.Language, "article")
	p.Title = a.Title
	p.Description = s.summary(i)
	if alts := s.bySlug[a.Slug]; len(alts) > 1 {
		for _, o := range alts {
			op := s.articlePath(o)
			p.Alternates = append(p.Alternates, Alt{Lang: o.Language, Name: LanguageName(o.Language), Href: up(rel) + op, Abs: s.absOr(rel, op), Current: o == a})
		}
	}
	v := &ArticleView{
		HTML: s.rendered[i].HTML, Internal: a.Visibility == Internal,
		YesHref: p.Root + "feedback.html?article=" + url.QueryEscape(a.Key()) + "&helpful=yes",
		NoHref:  p.Root + "feedback.html?article=" + url.QueryEscape(a.Key()) + "&helpful=no",
	}
	if !a.Updated.IsZero() {
		v.Updated, v.UpdatedISO = a.Updated.Format("2006-01-02"), a.Updated.Format("2006-01-02T15:04:05Z07:00")
	}
	p.Crumbs = []Item{{Href: p.Home, Title: p.T["home"]}}
	if g := s.catOf[a.Language+"/"+a.Category]; g != nil {
		v.Category = &Item{Href: p.Root + g.path, Title: g.Name}
		p.Crumbs = append(p.Crumbs, *v.Category)
	}
	for _, t := range a.Tags {
		v.Tags = append(v.Tags, Item{Href: p.Root + s.tagOf[a.Language+"/"+t].path, Title: t})
	}
	p.Article = v
	p.Related = s.items(rel, s.related(i))
	return p
}

// related lists the articles named in the front matter, then neighbours in
// the same category sharing the most tags, five at most. Only a window of
// neighbours is scored, so a category of thousands stays cheap.
func (s *site) related(i int) []int {
	const want, window = 5, 40
	a := s.articles[i]
	out := make([]int, 0, want)
	has := func(j int) bool { return j == i || slices.Contains(out, j) }
	for _, slug := range a.Related {
		j, ok := s.index[a.Language+"/"+slug]
		if !ok {
			j, ok = s.index[DefaultLanguage+"/"+slug]
		}
		if ok && !has(j) && len(out) < want {
			out = append(out, j)
		}
	}
	g := s.catOf[a.Language+"/"+a.Category]
	if g == nil || len(out) == want {
		return out
	}
	pos := s.catPos[i]
	lo, hi := max(0, pos-window/2), min(len(g.arts), pos+window/2)
	type cand struct{ i, shared int }
	best := make([]cand, 0, want)
	for _, j := range g.arts[lo:hi] {
		if has(j) {
			continue
		}
		n := 0
		for _, t := range s.articles[j].Tags {
			if slices.Contains(a.Tags, t) {
				n++
			}
		}
		// Keep the best few, earlier (more recent) first among equals.
		k := len(best)
		for k > 0 && best[k-1].shared < n {
			k--
		}
		if k < want-len(out) {
			best = slices.Insert(best, k, cand{j, n})
			if len(best) > want-len(out) {
				best = best[:want-len(out)]
			}
		}
	}
	for _, c := range best {
		out = append(out, c.i)
	}
	return out
}

func (s *site) simplePage(rel, kind string) *Page {
	p := s.page(rel, s.primary, kind)
	p.Title = p.T[kind]
	p.Alternates = nil
	return p
}

// notFoundPage is served for any missing path, so its links are absolute
// when the base URL is known.
func (s *site) notFoundPage() *Page {
	p := s.page("404.html", s.primary, "notfound")
	if s.base != "" {
		if u, err := url.Parse(s.base); err == nil {
			p.Root = u.Path
		}
		p.Home = p.Root + s.primary + "/index.html"
	}
	p.Title = p.T["notfound"]
	p.Canonical = ""
	return p
}

func direction(lang string) string {
	switch strings.SplitN(lang, "-", 2)[0] {
	case "ar", "he", "fa", "ur", "yi":
		return "rtl"
	}
	return "ltr"
}
