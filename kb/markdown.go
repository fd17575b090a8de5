package kb

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rendered is an article's body turned into safe HTML, with what the site
// needs besides: plain text for search and the links it makes.
type rendered struct {
	raw   []byte // the source this was rendered from, to reuse it when unchanged
	lang  string
	HTML  template.HTML
	Text  string
	Links []link
	Notes []note // what was not rendered as written, for the build's warnings
}

// note is something an article's page shows differently from what its
// author wrote, at a line of the article's file.
type note struct {
	Line int
	Msg  string
}

// link is a relative link or image in an article body.
type link struct {
	Dest   string // as written
	Target string // article key ("de/warranty") or asset path below kb/
	Asset  bool
	Line   int
}

var docKey = parser.NewContextKey()

// doc is what the link rewriter needs to know about the article being
// rendered.
type doc struct {
	art    *Article
	byFile func(string) *Article // kb-relative file → article
	links  []link
	notes  []note
	source []byte
}

// newMarkdown is the one Markdown configuration of the site: GFM, heading
// anchors, code highlighted with CSS classes, and raw HTML passed through
// to the sanitiser.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 999), util.Prioritized(codeGuard{}, 1000))),
		goldmark.WithRendererOptions(html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(codeRenderer{}, 200))),
	)
}

// lazyRegexp compiles an expression the first time it is used rather than
// when the program starts: every command links this package, few of them
// build or check the knowledge base.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var (
	classRE = lazyRegexp(`^[a-zA-Z0-9 _-]+$`)
	idRE    = lazyRegexp(`^[\p{L}\p{N}_-]+$`)
)

// newPolicy allows what Markdown produces and nothing that runs: no
// scripts, no event handlers, no style attributes, no javascript: or data:
// links.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(classRE()).OnElements("code", "pre", "span", "div", "table")
	p.AllowAttrs("id").Matching(idRE()).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("type", "checked", "disabled").OnElements("input")
	p.AllowElements("input")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}

// chromaCSS is the style sheet for highlighted code, light and dark.
func chromaCSS() []byte {
	var b bytes.Buffer
	f := codeFormatter()
	f.WriteCSS(&b, codeStyle())
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	f.WriteCSS(&b, styles.Get("monokai"))
	b.WriteString("}\n")
	return b.Bytes()
}

// maxNesting is how deep the elements of an article body may nest.
// Browsers and HTML libraries stop building the tree at 512 open elements
// and read deeper markup differently from what was written, so a body
// stays well inside that with the site's layout around it.
const maxNesting = 256

// tooDeep reports whether sanitised HTML nests elements more than
// maxNesting deep, or is too deep for the HTML parser to read at all.
func tooDeep(frag []byte) bool {
	nodes, err := nethtml.ParseFragment(bytes.NewReader(frag), &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return true
	}
	var depth func(n *nethtml.Node) int
	depth = func(n *nethtml.Node) int {
		most := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			most = max(most, depth(c))
		}
		if n.Type == nethtml.ElementNode {
			most++
		}
		return most
	}
	for _, n := range nodes {
		if depth(n) > maxNesting {
			return true
		}
	}
	return false
}

// render turns an article body into sanitised HTML. A body whose Markdown
// or HTML nests deeper than maxNesting is shown as its source, preformatted,
// and noted.
func (b *Builder) render(a *Article, byFile func(string) *Article) *rendered {
	src := []byte(a.Body)
	d := &doc{art: a, byFile: byFile, source: src}
	ctx := parser.NewContext()
	ctx.Set(docKey, d)
	var out bytes.Buffer
	reader := text.NewReader(src)
	root := b.md.Parser().Parse(reader, parser.WithContext(ctx))
	err := b.md.Renderer().Render(&out, src, root)
	safe := b.policy.SanitizeBytes(out.Bytes())
	if err != nil || tooDeep(safe) {
		why := fmt.Sprintf("the body nests elements more than %d deep, which browsers do not show as written; it is published as its source, preformatted (flatten the quotes, lists or HTML)", maxNesting)
		if err != nil {
			why = fmt.Sprintf("the body could not be rendered (%v); it is published as its source, preformatted", err)
		}
		d.notes = []note{{Line: a.BodyLine, Msg: why}} // the whole body is source now
		out.Reset()
		out.WriteString("<pre>")
		template.HTMLEscape(&out, src)
		out.WriteString("</pre>")
		safe = out.Bytes()
	}
	return &rendered{raw: a.Raw, lang: a.Language, HTML: template.HTML(safe), Text: plainText(root, src), Links: d.links, Notes: d.notes}
}

// plainText collects the words of a document for the search index, with
// every run of white space made one space (as strings.Fields and Join would).
func plainText(root ast.Node, src []byte) string {
	var b spaceCollapser
	b.buf = make([]byte, 0, len(src))
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.space = true
			}
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.space = true
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.FencedCodeBlock, *ast.CodeBlock, *highlightedCode:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for c := t.FirstChild(); c != nil; c = c.NextSibling() {
				if tx, ok := c.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return string(b.buf)
}

// spaceCollapser appends text with each run of white space (as
// unicode.IsSpace sees it) written as one space, none at either end.
type spaceCollapser struct {
	buf   []byte
	space bool // white space seen since the last word
}

func (c *spaceCollapser) Write(p []byte) {
	for i := 0; i < len(p); {
		r, size := rune(p[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(p[i:])
		}
		if unicode.IsSpace(r) {
			c.space = true
		} else {
			if c.space && len(c.buf) > 0 {
				c.buf = append(c.buf, ' ')
			}
			c.space = false
			c.buf = append(c.buf, p[i:i+size]...)
		}
		i += size
	}
}

// codeGuard chooses how each fenced code block is shown. A block whose
// language chroma knows is replaced by a highlightedCode node carrying its
// tokens, read here once; any other block stays as goldmark shows it, plain.
//
// It guards two costs that an article, typed by an agent or published from
// a customer's mail, could otherwise make without bound. Some of chroma's
// lexers loop on certain input, emitting empty tokens for ever (Jungle on a
// lone "*"), so tokens are read with a bound and a block that exceeds it is
// shown plain and noted for the build's warnings. And a name chroma does not
// know by heart costs a scan of every lexer's file-name patterns, a few
// milliseconds and more the longer the name (a 3,000-byte one took a
// second), so names are looked up once each (lexerNamed), none longer than
// maxLanguageName, and no more than maxLanguages different ones in an
// article. And some lexers take time that grows with the square of a line's
// length (YAML: 7 s for one 12,000-byte line of "@"), so an article's blocks
// share highlightBudget of time, past which they are shown plain, with a
// warning.
type codeGuard struct{}

// highlightBudget is how long the highlighter may spend on one article's
// code blocks. A megabyte of ordinary Go takes about 1.3 s.
var highlightBudget = 5 * time.Second

// errHighlightTime is tokenise's answer when the article's highlightBudget
// runs out.
var errHighlightTime = errors.New("out of time for highlighting")

const (
	// maxLanguageName is the longest info word looked up as a language;
	// chroma's names, aliases and file names are all shorter.
	maxLanguageName = 40
	// maxLanguages is how many different languages an article's code
	// blocks may name; blocks naming more are shown plain, with a warning.
	maxLanguages = 64
)

func (codeGuard) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	d, _ := pc.Get(docKey).(*doc)
	named := map[string]bool{}
	warned := false
	stop, outOfTime := time.Now().Add(highlightBudget), false
	var found []*highlightedCode
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		block, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if block.Info == nil {
			return ast.WalkSkipChildren, nil
		}
		// Not block.Language: it keeps its answer, and goldmark must see
		// no language when Info is dropped below.
		lang, _, _ := strings.Cut(string(block.Info.Segment.Value(src)), " ")
		lang, _, _ = strings.Cut(lang, "{")
		if lang == "" || len(lang) > maxLanguageName {
			return ast.WalkSkipChildren, nil
		}
		if !named[lang] && len(named) == maxLanguages {
			if !warned && d != nil {
				d.notes = append(d.notes, note{Line: d.lineAt(block.Info.Segment.Start),
					Msg: fmt.Sprintf("the article's code blocks name more than %d languages; from this one on, blocks naming another are shown as plain code", maxLanguages)})
			}
			warned = true
			return ast.WalkSkipChildren, nil
		}
		named[lang] = true
		lexer := lexerNamed(lang)
		if lexer == nil || outOfTime {
			return ast.WalkSkipChildren, nil
		}
		var code strings.Builder
		lines := block.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			code.Write(seg.Value(src))
		}
		tokens, err := tokenise(lexer, code.String(), stop)
		if errors.Is(err, errHighlightTime) {
			if d != nil {
				d.notes = append(d.notes, note{Line: d.lineAt(block.Info.Segment.Start),
					Msg: fmt.Sprintf("highlighting the article's code took more than %s (the %s highlighter is slow on this block); from this one on, its code blocks are shown as plain code", highlightBudget, lexer.Config().Name)})
			}
			outOfTime = true
			block.Info = nil
			return ast.WalkSkipChildren, nil
		}
		if err != nil {
			return ast.WalkSkipChildren, nil // shown plain, as chroma cannot read it
		}
		if tokens == nil {
			if d != nil {
				d.notes = append(d.notes, note{Line: d.lineAt(block.Info.Segment.Start),
					Msg: fmt.Sprintf("the %s highlighter does not finish on this code block; it is shown as plain code", lexer.Config().Name)})
			}
			block.Info = nil
			return ast.WalkSkipChildren, nil
		}
		h := &highlightedCode{block: block, tokens: tokens, options: codeOptions(block.Info.Segment.Value(src))}
		h.SetLines(lines)
		found = append(found, h)
		return ast.WalkSkipChildren, nil
	})
	for _, h := range found {
		parent := h.block.Parent()
		parent.ReplaceChild(parent, h.block, h)
	}
}

// lexersBy holds every language name looked up so far, with chroma's answer
// (nil for none), so each name costs chroma's lookup once per process. It
// stops growing at maxKnownNames; later names are looked up each time.
var (
	lexersMu sync.Mutex
	lexersBy = map[string]chroma.Lexer{}
)

const maxKnownNames = 4096

// chromaLexer is chroma's lookup; tests count its calls.
var chromaLexer = lexers.Get

// lexerNamed is chroma's lexer for a code block's language name, or nil.
func lexerNamed(name string) chroma.Lexer {
	lexersMu.Lock()
	l, ok := lexersBy[name]
	lexersMu.Unlock()
	if ok {
		return l
	}
	l = chromaLexer(name)
	lexersMu.Lock()
	if len(lexersBy) < maxKnownNames {
		lexersBy[name] = l
	}
	lexersMu.Unlock()
	return l
}

// tokenise reads code's tokens with lexer, merging runs of one type into
// tokens of up to maxMergedToken bytes, as the highlighter shows them. It
// returns nil tokens if the lexer does not finish in a bounded number of
// tokens: a lexer that makes progress emits at most one token a byte and a
// few empty ones; a lexer stuck in a loop emits empty tokens without end.
// It returns errHighlightTime once the clock passes stop (unless stop is
// zero); one token costs chroma at most one regular-expression match,
// which it stops at 250 ms.
// The merging is chroma.Coalesce's, done here because Coalesce skips empty
// tokens inside one call, which never returns on such a lexer; a run is
// gathered in one buffer, where Coalesce appends to a string and copies it
// for every token (a second a megabyte of one-character tokens).
func tokenise(lexer chroma.Lexer, code string, stop time.Time) ([]chroma.Token, error) {
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	tokens := []chroma.Token{}
	var run []byte
	var runType chroma.TokenType
	limit := 2*len(code) + 1024
	for n := 0; n <= limit; n++ {
		if n%16 == 0 && !stop.IsZero() && time.Now().After(stop) {
			return nil, errHighlightTime
		}
		t := it()
		if t == chroma.EOF {
			if len(run) > 0 {
				tokens = append(tokens, chroma.Token{Type: runType, Value: string(run)})
			}
			return tokens, nil
		}
		if t.Value == "" {
			continue
		}
		if len(run) > 0 && (t.Type != runType || len(run) >= maxMergedToken) {
			tokens = append(tokens, chroma.Token{Type: runType, Value: string(run)})
			run = run[:0]
		}
		runType = t.Type
		run = append(run, t.Value...)
	}
	return nil, nil
}

// maxMergedToken is the length past which a run of one type goes on in a
// new token, as in chroma.Coalesce.
const maxMergedToken = 8192

// highlightedCode is a fenced code block in a language chroma knows, with
// its tokens; codeRenderer writes it as highlighted HTML with CSS classes.
type highlightedCode struct {
	ast.BaseBlock
	block   *ast.FencedCodeBlock
	tokens  []chroma.Token
	options []chromahtml.Option
}

var kindHighlightedCode = ast.NewNodeKind("HighlightedCode")

func (n *highlightedCode) Kind() ast.NodeKind { return kindHighlightedCode }
func (n *highlightedCode) IsRaw() bool        { return true }
func (n *highlightedCode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, nil, nil)
}

type codeRenderer struct{}

func (codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindHighlightedCode, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			h := n.(*highlightedCode)
			f := codeFormatter()
			if h.options != nil {
				f = newCodeFormatter(h.options...)
			}
			err := f.Format(w, codeStyle(), chroma.Literator(h.tokens...))
			return ast.WalkSkipChildren, err
		}
		return ast.WalkContinue, nil
	})
}

// maxMarkedLines is how many entries of hl_lines a block's attributes may
// give; the highlighter checks each line against every one.
const maxMarkedLines = 100

// codeOptions reads the attributes in braces after a code block's language,
// as in "```go {hl_lines=[2, \"4-5\"] linenos=true linenostart=10}": lines to
// mark (counted from linenostart), line numbers, and where they start.
func codeOptions(info []byte) []chromahtml.Option {
	i := bytes.IndexByte(info, '{')
	if i < 0 {
		return nil
	}
	attrs, ok := parser.ParseAttributes(text.NewReader(info[i:]))
	if !ok {
		return nil
	}
	var opts []chromahtml.Option
	base := 1
	if v, ok := attrs.Find([]byte("linenostart")); ok {
		if f, ok := v.(float64); ok && f >= 0 && f <= 1e9 {
			base = int(f)
			opts = append(opts, chromahtml.BaseLineNumber(base))
		}
	}
	if v, ok := attrs.Find([]byte("linenos")); ok {
		switch v := v.(type) {
		case bool:
			opts = append(opts, chromahtml.WithLineNumbers(v))
		case []byte:
			opts = append(opts, chromahtml.WithLineNumbers(true), chromahtml.LineNumbersInTable(string(v) == "table"))
		}
	}
	if v, ok := attrs.Find([]byte("hl_lines")); ok {
		list, _ := v.([]any)
		var marked [][2]int
		for _, e := range list {
			if len(marked) == maxMarkedLines {
				break
			}
			switch e := e.(type) {
			case float64:
				if e >= 1 && e <= 1e9 {
					marked = append(marked, [2]int{int(e) + base - 1, int(e) + base - 1})
				}
			case []byte:
				from, to, _ := strings.Cut(string(e), "-")
				lo, err1 := strconv.Atoi(from)
				hi, err2 := strconv.Atoi(to)
				if to == "" {
					hi, err2 = lo, nil
				}
				if err1 == nil && err2 == nil && lo >= 1 && hi >= lo && hi <= 1e9 {
					marked = append(marked, [2]int{lo + base - 1, hi + base - 1})
				}
			}
		}
		if marked != nil {
			opts = append(opts, chromahtml.HighlightLines(marked))
		}
	}
	return opts
}

// newCodeFormatter is the site's HTML formatter for code: CSS classes, the
// ones chroma.css styles, and a block's own options.
func newCodeFormatter(opts ...chromahtml.Option) *chromahtml.Formatter {
	return chromahtml.New(append([]chromahtml.Option{chromahtml.WithClasses(true)}, opts...)...)
}

var (
	codeFormatter = sync.OnceValue(func() *chromahtml.Formatter { return newCodeFormatter() })
	codeStyle     = sync.OnceValue(func() *chroma.Style { return styles.Get("github") }) // chroma.css's light style
)

// linkRewriter points relative links at the built site: SLUG.md and
// SLUG.LANG.md become the article pages, other files below kb/ become
// assets. It records every relative link so a build can check them.
type linkRewriter struct{}

func (linkRewriter) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	d, _ := pc.Get(docKey).(*doc)
	if d == nil {
		return
	}
	ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Link:
			t.Destination = d.rewrite(t.Destination, n)
		case *ast.Image:
			t.Destination = d.rewrite(t.Destination, n)
		}
		return ast.WalkContinue, nil
	})
}

// rewrite maps one destination; the page lives at LANG/SLUG.html.
func (d *doc) rewrite(dest []byte, n ast.Node) []byte {
	s := string(dest)
	if s == "" || s[0] == '#' || s[0] == '/' || strings.HasPrefix(s, "//") {
		return dest
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return dest
	}
	frag := ""
	if u.Fragment != "" {
		frag = "#" + u.EscapedFragment()
	}
	dir := path.Dir(strings.TrimPrefix(d.art.Path, Dir+"/"))
	target := path.Clean(path.Join(dir, u.Path))
	l := link{Dest: s, Line: d.line(n, s)}
	if strings.HasPrefix(target, "../") || target == ".." {
		l.Target, l.Asset = target, true
		d.links = append(d.links, l)
		return dest
	}
	if strings.HasSuffix(target, ".md") {
		slug, lang := splitName(target)
		if a := d.byFile(target); a != nil {
			slug, lang = a.Slug, a.Language
		} else if lang == "" {
			lang = DefaultLanguage
		}
		l.Target = lang + "/" + slug
		d.links = append(d.links, l)
		href := slug + ".html"
		if lang != d.art.Language {
			href = "../" + lang + "/" + href
		}
		return []byte(href + frag)
	}
	l.Target, l.Asset = target, true
	d.links = append(d.links, l)
	return []byte("../" + assetDir + "/" + target + frag)
}

// line finds the file line of a link: the line of its block where the
// destination is written.
func (d *doc) line(n ast.Node, dest string) int {
	for p := n; p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			off := p.Lines().At(0).Start
			if i := bytes.Index(d.source[off:], []byte(dest)); i >= 0 {
				off += i
			}
			return d.lineAt(off)
		}
	}
	return d.art.BodyLine
}

// lineAt is the file line of byte off of the body.
func (d *doc) lineAt(off int) int {
	return d.art.BodyLine + bytes.Count(d.source[:off], []byte("\n"))
}
