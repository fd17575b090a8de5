package kb

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// seedArticles are the article files of the demo desk and of the
// end-to-end scripts, with their desk paths.
func seedArticles(tb testing.TB) map[string][]byte {
	out := map[string][]byte{}
	files, _ := filepath.Glob("../examples/demo/kb/*.md")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		out[Dir+"/"+filepath.Base(file)] = b
	}
	archives, _ := filepath.Glob("../cmd/testdata/*/*.txtar")
	for _, file := range archives {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range ar.Files {
			if i := strings.Index(f.Name, Dir+"/"); i >= 0 && strings.HasSuffix(f.Name, ".md") {
				out[f.Name[i:]] = f.Data
			}
		}
	}
	if len(out) == 0 {
		tb.Fatal("no seed articles")
	}
	return out
}

// urlNoise is what browsers ignore inside a URL scheme.
var urlNoise = regexp.MustCompile(`[\x00-\x20\x7f]+`)

// activeContent reports the first thing in an HTML fragment that could
// run: a script (or other active) element, an event handler or style
// attribute, or a javascript:, vbscript: or data: URL.
func activeContent(frag []byte) string {
	if bytes.Contains(bytes.ToLower(frag), []byte("<script")) {
		return "<script"
	}
	nodes, err := html.ParseFragment(bytes.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "unparseable HTML: " + err.Error()
	}
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "form", "base", "svg", "math", "meta", "link", "button", "frame", "frameset":
				found = "<" + n.Data + ">"
				return
			}
			for _, at := range n.Attr {
				k := strings.ToLower(at.Key)
				v := strings.ToLower(urlNoise.ReplaceAllString(html.UnescapeString(at.Val), ""))
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "formaction", k == "srcdoc":
					found = k + "=" + at.Val
				case strings.HasPrefix(v, "javascript:"), strings.HasPrefix(v, "vbscript:"), strings.HasPrefix(v, "data:"):
					found = k + "=" + at.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// FuzzMarkdown renders arbitrary article bodies with the site's Markdown
// and sanitiser: the HTML never holds a script, an event handler, a style
// attribute or a javascript:, vbscript: or data: URL, whatever the input;
// rendering is deterministic and the plain text is valid UTF-8.
func FuzzMarkdown(f *testing.F) {
	for path, data := range seedArticles(f) {
		if a, err := ParseArticle(path, data); err == nil {
			f.Add(a.Body)
		}
	}
	f.Add(hostile)
	f.Add("[x](java&#x09;script:alert(1)) <a href=\"&#106;avascript:alert(2)\">y</a> <img src=x onerror=alert(3)>\n\n```html\n<script>alert(4)</script>\n```\n")
	f.Add("<details open ontoggle=alert(1)><summary>s</summary></details>\n\n| a | b |\n|---|:-:|\n| <svg/onload=alert(1)> | [r](../kb/other.md) |\n")
	// Highlighted code in several languages, one of them a lexer that
	// loops on its input (TestCodeBlockWhoseLexerLoops).
	f.Add("```go\nfunc f() { return `x` }\n```\n\n```python\ndef f(): return 'x'  # c\n```\n\n```sh\necho \"$HOME\" # c\n```\n\n```jungle\n*\n```\n\n```yaml {hl_lines=[1]}\na: [b\n```\n")
	b := NewBuilder()
	byFile := func(string) *Article { return nil }
	f.Fuzz(func(t *testing.T, body string) {
		a := &Article{Path: "kb/fuzz.md", Title: "t", Slug: "fuzz", Language: "en", Status: StatusPublished, Visibility: Public, Body: body, Raw: []byte(body)}
		r := b.render(a, byFile)
		if what := activeContent([]byte(r.HTML)); what != "" {
			t.Fatalf("active content %s in\n%s\nfrom %q", what, r.HTML, body)
		}
		if again := b.render(a, byFile); again.HTML != r.HTML || again.Text != r.Text {
			t.Fatal("rendering is not deterministic")
		}
		if !strings.Contains(body, "\ufffd") && !utf8Valid(r.Text) && utf8Valid(body) {
			t.Fatalf("plain text %q is not UTF-8", r.Text)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// FuzzArticle parses arbitrary article files: an error names the file and a
// line; an article renders to a file that parses back to the same article,
// and renders again to the same bytes.
func FuzzArticle(f *testing.F) {
	for path, data := range seedArticles(f) {
		f.Add(path, data)
	}
	f.Add("kb/x.de.md", []byte("---\ntitle: \"a: b\"\ntags: [A B, a-b, ' ']\nstatus: draft\nvisibility: internal\nweight: -3\n---\n\n\nbody\r\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		a, err := ParseArticle(path, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		one := Render(a)
		back, err := ParseArticle(path, one)
		if err != nil {
			t.Fatalf("rendered article does not parse: %v\n%s", err, one)
		}
		want := *a
		want.Body = strings.TrimLeft(want.Body, "\n")
		if want.Body != "" && !strings.HasSuffix(want.Body, "\n") {
			want.Body += "\n"
		}
		got := *back
		want.Raw, got.Raw, want.BodyLine, got.BodyLine = nil, nil, 0, 0
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed the article\n got %#v\nwant %#v\n%s", got, want, one)
		}
		if two := Render(back); !bytes.Equal(one, two) {
			t.Fatalf("render not stable:\n%s\n%s", one, two)
		}
	})
}

// FuzzTheme overrides one page template of the theme with arbitrary text,
// as a desk may: it either fails naming the override, or builds a site.
func FuzzTheme(f *testing.F) {
	for _, name := range pageTemplates {
		data, err := os.ReadFile(filepath.Join("../templates/kb", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, string(data))
	}
	f.Add("layout.html", "{{template \"content\" .}}{{.Nope}}")
	f.Add("article.html", "{{define \"content\"}}<a href=\"{{.Article.Title}}\" onclick=\"{{.}}\">{{end}}")
	arts := []*Article{article("descale", "en", "Descale <b>it</b>", "Body")}
	f.Fuzz(func(t *testing.T, name, data string) {
		if !isPage(name) && name != "layout.html" {
			return
		}
		src := NewSource(testConfig(), arts)
		src.Theme = map[string][]byte{name: []byte(data)}
		_, err := Build(src, Options{Out: t.TempDir()})
		if err != nil && strings.Contains(err.Error(), "fix the template") && !strings.Contains(err.Error(), ThemeDir+"/"+name) {
			t.Fatalf("error %q does not name the override %s", err, name)
		}
	})
}
