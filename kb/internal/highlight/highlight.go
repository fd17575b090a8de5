// Package highlight is the goldmark extension that highlights fenced code
// blocks with chroma, ported from goldmark-highlighting (see LICENSE) for
// the one configuration the knowledge base uses: the language named on
// the fence, no guessing, and the chroma HTML formatter options given to
// New (the site writes CSS classes).
//
// It renders what goldmark-highlighting renders, attributes on the fence
// included (hl_lines, linenos, linenostart, nohl), but takes its lexers
// and style from the lexers and styles packages beside it, which are
// built on first use: goldmark-highlighting links chroma's own lexers and
// styles packages, whose initialisation every command of ticket paid for.
package highlight

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/ticketdesk/ticket/kb/internal/highlight/lexers"
	"github.com/ticketdesk/ticket/kb/internal/highlight/styles"
)

// New returns the extension; opts are the chroma HTML formatter options
// of every highlighted block.
func New(opts ...chromahtml.Option) goldmark.Extender {
	return &extender{opts: opts}
}

type extender struct {
	opts []chromahtml.Option
}

// Extend implements goldmark.Extender, at goldmark-highlighting's priority.
func (e *extender) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&codeRenderer{Config: html.NewConfig(), opts: e.opts}, 200),
	))
}

// codeRenderer renders fenced code blocks.
type codeRenderer struct {
	html.Config
	opts []chromahtml.Option
}

// SetOption implements renderer.SetOptioner: the HTML renderer's options
// (the writer of unhighlighted code) apply here too.
func (r *codeRenderer) SetOption(name renderer.OptionName, value any) {
	r.Config.SetOption(name, value)
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCodeBlock)
}

var (
	highlightLinesAttrName = []byte("hl_lines")
	nohlAttrName           = []byte("nohl")
	linenosAttrName        = []byte("linenos")
	linenosTableAttrValue  = []byte("table")
	linenosInlineAttrValue = []byte("inline")
	linenostartAttrName    = []byte("linenostart")
)

// attributes are the attributes of a fence: those goldmark parsed, or
// those written in braces after the language.
func attributes(node *ast.FencedCodeBlock, infostr []byte) ast.Node {
	if node.Attributes() != nil {
		return node
	}
	if infostr != nil {
		attrStartIdx := -1
		for idx, char := range infostr {
			if char == '{' {
				attrStartIdx = idx
				break
			}
		}
		if attrStartIdx > 0 {
			n := ast.NewTextBlock() // dummy node for storing attributes
			attrStr := infostr[attrStartIdx:]
			if attrs, hasAttr := parser.ParseAttributes(text.NewReader(attrStr)); hasAttr {
				for _, attr := range attrs {
					n.SetAttribute(attr.Name, attr.Value)
				}
				return n
			}
		}
	}
	return nil
}

func (r *codeRenderer) renderFencedCodeBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	language := n.Language(source)

	options := make([]chromahtml.Option, len(r.opts))
	copy(options, r.opts)

	nohl := false
	var info []byte
	if n.Info != nil {
		info = n.Info.Segment.Value(source)
	}
	// An hl_style attribute changes nothing here: with CSS classes the
	// formatter's output does not depend on the style.
	if attrs := attributes(n, info); attrs != nil {
		baseLineNumber := 1
		if linenostartAttr, ok := attrs.Attribute(linenostartAttrName); ok {
			if linenostart, ok := linenostartAttr.(float64); ok {
				baseLineNumber = int(linenostart)
				options = append(options, chromahtml.BaseLineNumber(baseLineNumber))
			}
		}
		if linesAttr, hasLinesAttr := attrs.Attribute(highlightLinesAttrName); hasLinesAttr {
			if lines, ok := linesAttr.([]any); ok {
				var hlRanges [][2]int
				for _, l := range lines {
					if ln, ok := l.(float64); ok {
						hlRanges = append(hlRanges, [2]int{int(ln) + baseLineNumber - 1, int(ln) + baseLineNumber - 1})
					}
					if rng, ok := l.([]uint8); ok {
						slices := strings.Split(string(rng), "-")
						lhs, err := strconv.Atoi(slices[0])
						if err != nil {
							continue
						}
						rhs := lhs
						if len(slices) > 1 {
							rhs, err = strconv.Atoi(slices[1])
							if err != nil {
								continue
							}
						}
						hlRanges = append(hlRanges, [2]int{lhs + baseLineNumber - 1, rhs + baseLineNumber - 1})
					}
				}
				options = append(options, chromahtml.HighlightLines(hlRanges))
			}
		}
		if _, hasNohlAttr := attrs.Attribute(nohlAttrName); hasNohlAttr {
			nohl = true
		}
		if linenosAttr, ok := attrs.Attribute(linenosAttrName); ok {
			switch v := linenosAttr.(type) {
			case bool:
				options = append(options, chromahtml.WithLineNumbers(v))
			case []uint8:
				if v != nil {
					options = append(options, chromahtml.WithLineNumbers(true))
				}
				if bytes.Equal(v, linenosTableAttrValue) {
					options = append(options, chromahtml.LineNumbersInTable(true))
				} else if bytes.Equal(v, linenosInlineAttrValue) {
					options = append(options, chromahtml.LineNumbersInTable(false))
				}
			}
		}
	}

	var lexer chroma.Lexer
	if language != nil {
		lexer = lexers.Get(string(language))
	}
	if !nohl && lexer != nil {
		var buffer bytes.Buffer
		l := n.Lines().Len()
		for i := 0; i < l; i++ {
			line := n.Lines().At(i)
			buffer.Write(line.Value(source))
		}
		lexer = chroma.Coalesce(lexer)
		iterator, err := lexer.Tokenise(nil, buffer.String())
		if err == nil {
			formatter := chromahtml.New(options...)
			_ = formatter.Format(w, styles.GitHub(), iterator)
			return ast.WalkContinue, nil
		}
	}

	_, _ = w.WriteString("<pre><code")
	if language != nil {
		_, _ = w.WriteString(" class=\"language-")
		r.Writer.Write(w, language)
		_, _ = w.WriteString("\"")
	}
	_ = w.WriteByte('>')
	l := n.Lines().Len()
	for i := 0; i < l; i++ {
		line := n.Lines().At(i)
		r.Writer.RawWrite(w, line.Value(source))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkContinue, nil
}
