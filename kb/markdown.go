package kb

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
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
		goldmark.WithExtensions(extension.GFM,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithGuessLanguage(false),
			)),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 999), util.Prioritized(codeGuard{}, 1000))),
		goldmark.WithRendererOptions(html.WithUnsafe()),
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
	f := chromahtml.New(chromahtml.WithClasses(true))
	f.WriteCSS(&b, styles.Get("github"))
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
		case *ast.FencedCodeBlock, *ast.CodeBlock:
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

// codeGuard shows a fenced code block as plain code when its language's
// lexer does not finish on it. Some of chroma's lexers loop on certain
// input, emitting empty tokens for ever (Jungle on a lone "*"), and the
// highlighter merges tokens until the stream ends, so one such block in an
// article, typed by an agent or published from a customer's mail, would hang
// `ticket kb build`. Each block with a language is tokenised once first,
// with a bound on the number of tokens, and a block that exceeds it is
// noted for the build's warnings.
type codeGuard struct{}

func (codeGuard) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		block, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if block.Info == nil {
			return ast.WalkSkipChildren, nil
		}
		// Not block.Language: it keeps its answer, and the highlighter
		// must see no language when Info is dropped below.
		lang, _, _ := strings.Cut(string(block.Info.Segment.Value(src)), " ")
		lang, _, _ = strings.Cut(lang, "{")
		lexer := lexers.Get(lang)
		if lexer == nil {
			return ast.WalkSkipChildren, nil
		}
		var code strings.Builder
		lines := block.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			code.Write(seg.Value(src))
		}
		if !lexerFinishes(lexer, code.String()) {
			if d, _ := pc.Get(docKey).(*doc); d != nil {
				d.notes = append(d.notes, note{Line: d.lineAt(block.Info.Segment.Start),
					Msg: fmt.Sprintf("the %s highlighter does not finish on this code block; it is shown as plain code", lexer.Config().Name)})
			}
			block.Info = nil
		}
		return ast.WalkSkipChildren, nil
	})
}

// lexerFinishes reports whether lexer tokenises code in a bounded number of
// tokens. A lexer that makes progress emits at most one token a byte and a
// few empty ones; a lexer stuck in a loop emits empty tokens without end.
func lexerFinishes(lexer chroma.Lexer, code string) bool {
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return true // the highlighter shows the block as plain code itself
	}
	limit := 2*len(code) + 1024
	for n := 0; n <= limit; n++ {
		if it() == chroma.EOF {
			return true
		}
	}
	return false
}

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
