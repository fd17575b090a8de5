package kb

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// assetDir is where files from kb/ other than articles land on the site.
const assetDir = "files"

// manifest lists the files the last build wrote, so the next one can remove
// pages that went away without touching anything else in the folder.
const manifest = ".kb-manifest"

// buildJournal lists, one per line, the files a build is about to write,
// each before it is written; a finished build removes it. One left by a
// build that was killed or failed tells the next build which files the
// manifest does not know of may be that build's (its new pages, and the
// temporary twins of changed ones), so they are removed if no longer wanted.
const buildJournal = ".kb-building"

// Options control one build.
type Options struct {
	Out        string // output folder
	Internal   bool   // include internal articles
	BaseURL    string // overrides kb.base_url of the config
	CheckLinks bool   // fail on a relative link to a missing article or file
	// Privacy, when set, is checked against every article of a public build.
	Privacy *Customers
}

// Result says what a build did.
type Result struct {
	Articles int // article pages on the site
	Pages    int // files the site holds
	Written  int // files whose bytes changed
	Removed  int // files of the previous build that went away
	Rendered int // articles whose Markdown was rendered (not reused)
	// Warnings name, as FILE:LINE: message, each place where a page shows
	// an article differently from what was written (a code block left
	// without colours, a body too deeply nested shown as its source).
	Warnings []string
}

// Builder builds sites and remembers rendered articles, so a rebuild
// renders only the articles that changed.
type Builder struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	mu     sync.Mutex
	cache  map[string]*rendered // by article path; nil for a single build
}

// NewBuilder returns a builder with an empty cache.
func NewBuilder() *Builder {
	return &Builder{md: newMarkdown(), policy: newPolicy(), cache: map[string]*rendered{}}
}

// Build writes the site for src into o.Out. It keeps nothing for a next
// build, so an article's HTML is let go as soon as its page is written.
func Build(src *Source, o Options) (*Result, error) {
	return (&Builder{md: newMarkdown(), policy: newPolicy()}).Build(src, o)
}

// Build writes the site for src into o.Out. Broken articles, a failed
// privacy check or (with CheckLinks) a broken link fail it before anything
// is written.
func (b *Builder) Build(src *Source, o Options) (*Result, error) {
	if len(src.Problems) > 0 {
		return nil, errors.Join(src.Problems...)
	}
	if o.Out == "" {
		return nil, errors.New("no output folder; give one with -o DIR")
	}
	base := o.BaseURL
	if base == "" && src.Config != nil {
		base = src.Config.KB.BaseURL
	}
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	s := newSite(src, o.Internal, base)
	if !o.Internal && o.Privacy != nil {
		if err := o.Privacy.Check(s.articles, src.rel); err != nil {
			return nil, err
		}
	}
	theme, err := loadTheme(src.Theme)
	if err != nil {
		return nil, err
	}
	b.renderAll(s, src)
	if o.CheckLinks {
		if err := s.checkLinks(src); err != nil {
			return nil, err
		}
	}
	w := newWriter(o.Out)
	defer w.closeJournal()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	if err := s.write(theme, w); err != nil {
		return nil, err
	}
	removed, err := w.finish()
	if err != nil {
		return nil, err
	}
	res := &Result{Articles: len(s.articles), Pages: len(w.files), Written: int(w.written.Load()), Removed: removed, Rendered: s.renderedCount}
	for i, a := range s.articles {
		for _, n := range s.rendered[i].Notes {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: %s", src.rel(a.Path), n.Line, n.Msg))
		}
	}
	return res, nil
}

// renderAll renders every article of the site, reusing cached output for
// articles whose file did not change.
func (b *Builder) renderAll(s *site, src *Source) {
	byFile := func(f string) *Article { return src.byFile(f) }
	var n atomic.Int32
	s.transient = b.cache == nil
	parallel(len(s.articles), func(i int) {
		a := s.articles[i]
		var r *rendered
		if b.cache != nil {
			b.mu.Lock()
			r = b.cache[a.Path]
			b.mu.Unlock()
		}
		if r == nil || !bytes.Equal(r.raw, a.Raw) {
			r = b.render(a, byFile)
			n.Add(1)
			if b.cache != nil {
				b.mu.Lock()
				b.cache[a.Path] = r
				b.mu.Unlock()
			}
		}
		s.rendered[i] = r
		s.summaries[i] = s.makeSummary(i)
	})
	s.renderedCount = int(n.Load())
	// Forget articles that are gone, so a long serve does not grow.
	if b.cache != nil && len(b.cache) > len(src.Articles) {
		keep := map[string]bool{}
		for _, a := range src.Articles {
			keep[a.Path] = true
		}
		b.mu.Lock()
		for p := range b.cache {
			if !keep[p] {
				delete(b.cache, p)
			}
		}
		b.mu.Unlock()
	}
}

// parallel runs fn(0..n-1) on all processors.
func parallel(n int, fn func(int)) { parallelN(runtime.GOMAXPROCS(0), n, fn) }

// parallelIO runs fn(0..n-1) with more workers than processors, so file
// system latency overlaps with work.
func parallelIO(n int, fn func(int)) { parallelN(max(16, 4*runtime.GOMAXPROCS(0)), n, fn) }

func parallelN(workers, n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

func (s *Source) rel(p string) string {
	if s.relFn != nil {
		return s.relFn(p)
	}
	return p
}

func (s *Source) byFile(kbRel string) *Article {
	s.fileOnce.Do(func() {
		s.files = make(map[string]*Article, len(s.Articles))
		for _, a := range s.Articles {
			s.files[strings.TrimPrefix(a.Path, Dir+"/")] = a
		}
	})
	return s.files[kbRel]
}

// checkLinks fails on relative links to articles or files the site does not
// have, naming every one.
func (s *site) checkLinks(src *Source) error {
	var errs []error
	for i, a := range s.articles {
		for _, l := range s.rendered[i].Links {
			switch {
			case l.Asset && src.Assets[l.Target] == nil:
				errs = append(errs, fmt.Errorf("%s:%d: broken link %q: there is no file kb/%s; add the file or fix the link", src.rel(a.Path), l.Line, l.Dest, l.Target))
			case !l.Asset && s.byKey[l.Target] == nil:
				why := "there is no published article " + l.Target
				if t := src.byKey[l.Target]; t != nil {
					switch {
					case !t.Published():
						why = src.rel(t.Path) + " is a draft"
					case t.Visibility == Internal:
						why = src.rel(t.Path) + " is internal and not on the public site"
					}
				}
				errs = append(errs, fmt.Errorf("%s:%d: broken link %q: %s; fix the link or publish the article", src.rel(a.Path), l.Line, l.Dest, why))
			}
		}
	}
	return errors.Join(errs...)
}

// writer writes files that changed and remembers all it was given.
type writer struct {
	dir      string
	mu       sync.Mutex
	files    map[string]fileStamp // written or confirmed this build
	old      map[string]fileStamp // from the previous build's manifest and journal
	written  atomic.Int32
	dirs     sync.Map
	journal  *os.File // buildJournal, opened on the first write
	leftover bool     // an unfinished build left its journal
}

// fileStamp identifies a file's bytes as the last build left them: when
// size and modification time are still what the manifest says, the hash of
// the bytes stands for the bytes, and the file need not be read again.
type fileStamp struct {
	size, mtime int64
	hash        uint64
}

func newWriter(dir string) *writer {
	w := &writer{dir: dir, files: map[string]fileStamp{}, old: map[string]fileStamp{}}
	data, _ := os.ReadFile(filepath.Join(dir, manifest))
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			continue
		}
		var st fileStamp
		if _, err := fmt.Sscanf(f[1]+" "+f[2]+" "+f[3], "%d %d %x", &st.size, &st.mtime, &st.hash); err == nil {
			w.old[f[0]] = st
		}
	}
	// Files an unfinished build may have written: no stamp, so whether
	// one holds the right bytes is found by comparing them.
	if data, err := os.ReadFile(filepath.Join(dir, buildJournal)); err == nil {
		w.leftover = true
		for _, rel := range strings.Split(string(data), "\n") {
			for _, f := range []string{rel, rel + ".tmp"} {
				if _, ok := w.old[f]; !ok && rel != "" {
					w.old[f] = fileStamp{size: -1}
				}
			}
		}
	}
	return w
}

// intend records rel in the build journal before it, or its temporary
// twin, is written.
func (w *writer) intend(rel string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.journal == nil {
		f, err := os.OpenFile(filepath.Join(w.dir, buildJournal), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		w.journal = f
	}
	_, err := w.journal.WriteString(rel + "\n")
	return err
}

func hashBytes(data []byte) uint64 {
	h := fnv.New64a()
	h.Write(data)
	return h.Sum64()
}

// put writes data to rel unless the file already holds exactly these bytes.
// A file the last build did not write is most likely new: it is created in
// place, one system call to open it and none to rename. A file that is
// there already and changed is replaced through a temporary file and a
// rename, so a server never sends half of it.
func (w *writer) put(rel string, data []byte) error {
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	st := fileStamp{size: int64(len(data)), hash: hashBytes(data)}
	w.mu.Lock()
	old, known := w.old[rel]
	w.mu.Unlock()
	if !known {
		if err := w.intend(rel); err != nil {
			return err
		}
		created, err := w.create(full, data, &st)
		if err != nil {
			return err
		}
		if created {
			w.record(rel, st)
			w.written.Add(1)
			return nil
		}
	}
	if info, err := os.Stat(full); err == nil && info.Size() == st.size {
		same := known && old.hash == st.hash && old.size == st.size && old.mtime == info.ModTime().UnixNano()
		if !same {
			// Not (or not as) the last build left it: compare the bytes.
			if cur, err := os.ReadFile(full); err == nil && bytes.Equal(cur, data) {
				same = true
			}
		}
		if same {
			st.mtime = info.ModTime().UnixNano()
			w.record(rel, st)
			return nil
		}
	}
	if err := w.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	if known {
		if err := w.intend(rel); err != nil {
			return err
		}
	}
	tmp := full + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, full); err != nil {
		return err
	}
	if info, err := os.Stat(full); err == nil {
		st.mtime = info.ModTime().UnixNano()
	}
	w.record(rel, st)
	w.written.Add(1)
	return nil
}

// create writes a file that does not exist yet and reports false, writing
// nothing, when it does.
func (w *writer) create(full string, data []byte, st *fileStamp) (bool, error) {
	mtime, err := createFile(full, data)
	if errors.Is(err, fs.ErrNotExist) {
		if err := w.mkdir(filepath.Dir(full)); err != nil {
			return false, err
		}
		mtime, err = createFile(full, data)
	}
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	st.mtime = mtime
	return true, nil
}

// mkdir creates a folder of the site once per build.
func (w *writer) mkdir(dir string) error {
	if _, done := w.dirs.Load(dir); done {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w.dirs.Store(dir, true)
	return nil
}

// closeJournal closes the build journal if this build opened it.
func (w *writer) closeJournal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.journal != nil {
		w.journal.Close()
	}
}

func (w *writer) record(rel string, st fileStamp) {
	w.mu.Lock()
	w.files[rel] = st
	w.mu.Unlock()
}

// finish removes the files of the previous build that this one did not
// write and records the new list.
func (w *writer) finish() (int, error) {
	removed := 0
	for rel := range w.old {
		if _, ok := w.files[rel]; ok || !filepath.IsLocal(rel) {
			continue
		}
		full := filepath.Join(w.dir, filepath.FromSlash(rel))
		if err := os.Remove(full); err == nil {
			removed++
			// Drop folders the removal emptied, up to the output folder.
			for d := filepath.Dir(full); d != filepath.Clean(w.dir); d = filepath.Dir(d) {
				if os.Remove(d) != nil {
					break
				}
			}
		}
	}
	names := make([]string, 0, len(w.files))
	for f := range w.files {
		names = append(names, f)
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, n := range names {
		st := w.files[n]
		fmt.Fprintf(&b, "%s\t%d\t%d\t%016x\n", n, st.size, st.mtime, st.hash)
	}
	path := filepath.Join(w.dir, manifest)
	old, _ := os.ReadFile(path)
	if !bytes.Equal(old, b.Bytes()) {
		// Through a temporary file: a manifest cut short would forget
		// pages, and they would never be removed.
		if err := os.WriteFile(path+".tmp", b.Bytes(), 0o644); err != nil {
			return removed, err
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			return removed, err
		}
	} else if w.leftover {
		os.Remove(path + ".tmp") // of a build killed between the two
	}
	w.closeJournal()
	if w.journal != nil || w.leftover {
		if err := os.Remove(filepath.Join(w.dir, buildJournal)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	return removed, nil
}

// bufPool holds page buffers, so rendering thousands of pages does not
// grow a new buffer for each.
var bufPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}

// write renders every page of the site in parallel and writes each as soon
// as it is rendered, so no more than a page per worker is held at once.
func (s *site) write(th *theme, w *writer) error {
	type job struct {
		rel  string
		data []byte                    // a file as it is, or
		gen  func(*bytes.Buffer) error // a page rendered into the buffer
	}
	var jobs []job
	add := func(rel string, gen func(*bytes.Buffer) error) { jobs = append(jobs, job{rel: rel, gen: gen}) }
	page := func(rel, tmpl string, p func() *Page) {
		add(rel, func(b *bytes.Buffer) error { return th.exec(b, tmpl, p()) })
	}
	static := func(rel string, data []byte) { jobs = append(jobs, job{rel: rel, data: data}) }
	// The search index is the largest file and the longest job: first.
	add("search-index.js", s.searchIndex)
	for i := range s.articles {
		add(s.articlePath(s.articles[i]), func(b *bytes.Buffer) error {
			err := th.exec(b, "article.html", s.articlePage(i))
			if s.transient {
				s.rendered[i].HTML = "" // written; nothing else needs it
			}
			return err
		})
	}
	for _, l := range s.langs {
		page(l+"/index.html", "home.html", func() *Page { return s.homePage(l, l+"/index.html") })
		for _, c := range s.cats[l] {
			page(c.path, "list.html", func() *Page { return s.listPage(l, c, false) })
		}
		for _, t := range s.tags[l] {
			page(t.path, "list.html", func() *Page { return s.listPage(l, t, true) })
		}
	}
	page("index.html", "home.html", func() *Page { return s.homePage(s.primary, "index.html") })
	page("search.html", "search.html", func() *Page { return s.simplePage("search.html", "search") })
	page("feedback.html", "feedback.html", func() *Page { return s.simplePage("feedback.html", "thanks") })
	page("404.html", "404.html", s.notFoundPage)
	add("sitemap.xml", s.sitemap)
	add("feed.xml", s.feed)
	static("chroma.css", chromaCSS())
	for name, data := range th.static {
		static(name, data)
	}
	for p, data := range s.assets {
		static(assetDir+"/"+p, data)
	}
	errs := make([]error, len(jobs))
	parallelIO(len(jobs), func(i int) {
		j := jobs[i]
		var err error
		if j.gen == nil {
			err = w.put(j.rel, j.data)
		} else {
			b := bufPool.Get().(*bytes.Buffer)
			b.Reset()
			if err = j.gen(b); err == nil {
				err = w.put(j.rel, b.Bytes())
			}
			if b.Cap() <= 1<<20 {
				bufPool.Put(b)
			}
		}
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", j.rel, err)
		}
	})
	return errors.Join(errs...)
}

// searchDoc is one article in the search index. Field names are short
// because the index of a large knowledge base is megabytes.
type searchDoc struct {
	URL      string `json:"u"`
	Title    string `json:"t"`
	Lang     string `json:"l"`
	Category string `json:"c,omitempty"`
	Summary  string `json:"s"`
	Keys     string `json:"k"` // folded title, tags and category
	Body     string `json:"b"` // folded body text
}

// maxIndexedText caps the body text indexed per article.
const maxIndexedText = 20000

// searchIndex is a script that defines the index, so the search page works
// from a file:// folder too, where fetch is not allowed. It is encoded a
// block of articles at a time, in parallel, so the documents of the whole
// site are never held at once.
func (s *site) searchIndex(b *bytes.Buffer) error {
	size := 0
	for i, a := range s.articles {
		size += len(s.rendered[i].Text) + len(s.summaries[i]) + 3*len(a.Title) + 2*len(a.Category) + 100
	}
	b.Grow(size)
	b.WriteString("window.KB_INDEX=[")
	const block = 256
	blocks := make([][]byte, runtime.GOMAXPROCS(0))
	for start := 0; start < len(s.articles); start += block * len(blocks) {
		var err error
		var mu sync.Mutex
		parallel(len(blocks), func(k int) {
			var out []byte
			for i := start + k*block; i < min(start+(k+1)*block, len(s.articles)); i++ {
				data, e := json.Marshal(s.searchDoc(i))
				if s.transient {
					s.rendered[i].Text = "" // indexed; nothing else needs it
				}
				if e != nil {
					mu.Lock()
					err = e
					mu.Unlock()
					return
				}
				if i > 0 {
					out = append(out, ',')
				}
				out = append(out, data...)
			}
			blocks[k] = out
		})
		if err != nil {
			return err
		}
		for k, out := range blocks {
			b.Write(out)
			blocks[k] = nil
		}
	}
	b.WriteString("];\n")
	return nil
}

func (s *site) searchDoc(i int) searchDoc {
	a, r := s.articles[i], s.rendered[i]
	body := r.Text
	if len(body) > maxIndexedText {
		body = body[:maxIndexedText]
	}
	return searchDoc{
		URL: s.articlePath(a), Title: a.Title, Lang: a.Language, Category: a.Category,
		Summary: s.summary(i), Keys: Fold(a.Title + " " + strings.Join(a.Tags, " ") + " " + a.Category),
		Body: Fold(body),
	}
}

func (s *site) sitemap(b *bytes.Buffer) error {
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	loc := func(p string, mod time.Time, alts []*Article) {
		b.WriteString("  <url><loc>")
		xmlEscape(b, s.abs(p))
		b.WriteString("</loc>")
		if !mod.IsZero() {
			b.WriteString("<lastmod>" + mod.UTC().Format("2006-01-02") + "</lastmod>")
		}
		for _, a := range alts {
			b.WriteString(`<xhtml:link rel="alternate" hreflang="` + a.Language + `" href="`)
			xmlEscape(b, s.abs(s.articlePath(a)))
			b.WriteString(`"/>`)
		}
		b.WriteString("</url>\n")
	}
	loc("index.html", time.Time{}, nil)
	for _, l := range s.langs {
		loc(l+"/index.html", time.Time{}, nil)
	}
	for _, a := range s.articles {
		alts := s.bySlug[a.Slug]
		if len(alts) < 2 {
			alts = nil
		}
		loc(s.articlePath(a), a.Updated, alts)
	}
	b.WriteString("</urlset>\n")
	return nil
}

// feed is an Atom feed of the most recently updated articles.
func (s *site) feed(b *bytes.Buffer) error {
	recent := slices.Clone(s.articles)
	slices.SortStableFunc(recent, func(x, y *Article) int {
		return cmp.Or(y.Updated.Compare(x.Updated), cmp.Compare(x.Key(), y.Key()))
	})
	if len(recent) > 50 {
		recent = recent[:50]
	}
	var updated time.Time
	if len(recent) > 0 {
		updated = recent[0].Updated
	}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n  <title>")
	xmlEscape(b, s.title)
	b.WriteString("</title>\n  <id>")
	xmlEscape(b, s.abs(""))
	b.WriteString("</id>\n  <link href=\"")
	xmlEscape(b, s.abs(""))
	b.WriteString("\"/>\n  <link rel=\"self\" href=\"")
	xmlEscape(b, s.abs("feed.xml"))
	b.WriteString("\"/>\n  <updated>" + updated.UTC().Format(time.RFC3339) + "</updated>\n")
	for _, a := range recent {
		i := s.index[a.Key()]
		b.WriteString("  <entry xml:lang=\"" + a.Language + "\">\n    <title>")
		xmlEscape(b, a.Title)
		b.WriteString("</title>\n    <id>")
		xmlEscape(b, s.abs(s.articlePath(a)))
		b.WriteString("</id>\n    <link href=\"")
		xmlEscape(b, s.abs(s.articlePath(a)))
		b.WriteString("\"/>\n    <updated>" + a.Updated.UTC().Format(time.RFC3339) + "</updated>\n    <summary>")
		xmlEscape(b, s.summary(i))
		b.WriteString("</summary>\n  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return nil
}

func xmlEscape(b *bytes.Buffer, s string) {
	template.HTMLEscape(b, []byte(s))
}

// ArticlePath is where an article's page lives inside the site.
func ArticlePath(slug, lang string) string {
	if lang == "" {
		lang = DefaultLanguage
	}
	return lang + "/" + slug + ".html"
}

func (s *site) articlePath(a *Article) string { return ArticlePath(a.Slug, a.Language) }

// abs is a site path as an absolute address when the base URL is known, or
// as a path from the site's root otherwise.
func (s *site) abs(p string) string { return s.base + p }

// up is the way from a page back to the site's root.
func up(rel string) string { return strings.Repeat("../", strings.Count(rel, "/")) }

// relTo is the relative link from page from to site path to.
func relTo(from, to string) string {
	r := up(from) + to
	// Shorten "../de/x.html" seen from "de/y.html" to "x.html".
	if d := path.Dir(from); d != "." && strings.HasPrefix(to, d+"/") && strings.Count(from, "/") == 1 {
		return strings.TrimPrefix(to, d+"/")
	}
	return r
}
