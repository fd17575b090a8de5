package kb

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// ThemeDir is where a desk overrides theme files one by one.
const ThemeDir = ".ticket/kb-theme"

// Source is everything a site is built from, read at one moment from the
// work tree or a ref.
type Source struct {
	Config   *ticket.Config
	Articles []*Article          // sorted by slug and language
	Assets   map[string][]byte   // other files below kb/, by path below kb/
	Theme    map[string][]byte   // overrides from .ticket/kb-theme/, by file name
	Problems []error             // files that did not parse, in path order
	byKey    map[string]*Article // "lang/slug"

	relFn    func(string) string // desk path → repository path, for messages
	fileOnce sync.Once
	files    map[string]*Article // by path below kb/
}

// Load reads the articles, assets and theme overrides of a desk through its
// reader: the work tree when ref is empty, else the commit ref names.
func Load(d *desk.Desk, ref string) (*Source, error) {
	r, err := d.Reader(ref)
	if err != nil {
		return nil, err
	}
	files, err := r.List(Dir)
	if err != nil {
		return nil, err
	}
	src := &Source{Config: d.Config, Assets: map[string][]byte{}, Theme: map[string][]byte{}, byKey: map[string]*Article{}, relFn: d.Rel}
	var mdPaths []string
	for _, f := range files {
		base := f.Path[strings.LastIndexByte(f.Path, '/')+1:]
		if strings.HasPrefix(base, ".") {
			continue
		}
		if strings.HasSuffix(f.Path, ".md") {
			mdPaths = append(mdPaths, f.Path)
			continue
		}
		data, err := r.Read(f.Path)
		if err != nil {
			return nil, err
		}
		src.Assets[strings.TrimPrefix(f.Path, Dir+"/")] = data
	}
	theme, err := r.List(ThemeDir)
	if err != nil {
		return nil, err
	}
	for _, f := range theme {
		data, err := r.Read(f.Path)
		if err != nil {
			return nil, err
		}
		src.Theme[strings.TrimPrefix(f.Path, ThemeDir+"/")] = data
	}

	arts := make([]*Article, len(mdPaths))
	errs := make([]error, len(mdPaths))
	parallelIO(len(mdPaths), func(i int) {
		data, err := r.Read(mdPaths[i])
		if err != nil {
			errs[i] = err
			return
		}
		arts[i], errs[i] = parseArticle(d.Rel(mdPaths[i]), data, true)
		if arts[i] != nil {
			arts[i].Path = mdPaths[i]
		}
	})
	for i, a := range arts {
		if errs[i] != nil {
			src.Problems = append(src.Problems, errs[i])
			continue
		}
		src.add(a, d.Rel)
	}
	src.sort()
	return src, nil
}

// NewSource builds a source from articles in memory, for tests and tools.
func NewSource(cfg *ticket.Config, arts []*Article) *Source {
	src := &Source{Config: cfg, Assets: map[string][]byte{}, Theme: map[string][]byte{}, byKey: map[string]*Article{}}
	for _, a := range arts {
		src.add(a, func(p string) string { return p })
	}
	src.sort()
	return src
}

func (s *Source) add(a *Article, rel func(string) string) {
	if old := s.byKey[a.Key()]; old != nil {
		s.Problems = append(s.Problems, fmt.Errorf("%s:1: slug %q in language %s is taken by %s; give one of them another slug", rel(a.Path), a.Slug, a.Language, rel(old.Path)))
		return
	}
	s.byKey[a.Key()] = a
	s.Articles = append(s.Articles, a)
}

func (s *Source) sort() {
	// By slug, then language, so the languages of one article stand together.
	sort.Slice(s.Articles, func(i, j int) bool {
		a, b := s.Articles[i], s.Articles[j]
		return a.Slug < b.Slug || a.Slug == b.Slug && a.Language < b.Language
	})
}

// Article returns the article with this slug in this language, or nil.
func (s *Source) Article(slug, lang string) *Article { return s.byKey[lang+"/"+slug] }
