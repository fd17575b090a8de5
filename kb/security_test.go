package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/ticketdesk/ticket/ticket"
	"golang.org/x/net/html"
)

// hostile is an article written to run code in readers' browsers every way
// we know of.
const hostile = `Hello <script>alert("body")</script>

<img src="x.png" onerror="alert('img')" alt="pic">
<a href="javascript:alert('link')">click</a> <a href=" JaVaScRiPt:alert(2)">again</a>
<a href="data:text/html,<script>alert(3)</script>">data</a>
<div style="background:url(javascript:alert(4)); width: expression(alert(5))">styled</div>
<p onclick="alert(6)" onmouseover="alert(7)">hover</p>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
<svg onload="alert(8)"><script>alert(9)</script></svg>
<style>body { background: url("javascript:alert(10)") }</style>
<form action="javascript:alert(11)"><button formaction="javascript:alert(12)">go</button></form>
<meta http-equiv="refresh" content="0;url=javascript:alert(13)">
<base href="javascript:alert(14)//">
[md link](javascript:alert(15)) and ![md image](javascript:alert(16))
<a href="vbscript:msgbox(17)">vb</a>
<scr<script>ipt>alert(18)</script>
`

func TestHostileArticleIsInert(t *testing.T) {
	a := article("hostile", "en", `Title <script>alert("title")</script>`, hostile, func(a *Article) {
		a.Category = `<img src=x onerror=alert(19)>`
		a.Tags = []string{`"><script>alert(20)</script>`}
		a.Description = `" onmouseover="alert(21)`
	})
	dir, _ := buildSite(t, Options{}, a)
	pages := []string{"en/hostile.html", "en/index.html", "index.html", "en/category/" + groupSlug(a.Category) + ".html", "en/tag/" + groupSlug(a.Tags[0]) + ".html"}
	for _, p := range pages {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		scripts := 0
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script":
					scripts++ // the theme's own scripts are only on the search page
				case "iframe", "object", "embed", "style", "form", "base", "svg", "meta", "button":
					// The theme's own search form is the one form allowed.
					theme := n.Data == "form" && strings.TrimLeft(attr(n, "action"), "./") == "search.html" ||
						n.Data == "button" && n.Parent != nil && n.Parent.Data == "form" && attr(n, "formaction") == "" ||
						n.Data == "meta" && attr(n, "http-equiv") == ""
					if !theme {
						t.Errorf("%s: <%s> survived", p, n.Data)
					}
				}
				for _, at := range n.Attr {
					k, v := strings.ToLower(at.Key), strings.ToLower(strings.TrimSpace(at.Val))
					if strings.HasPrefix(k, "on") {
						t.Errorf("%s: <%s %s=%q> survived", p, n.Data, at.Key, at.Val)
					}
					if k == "style" {
						t.Errorf("%s: style attribute %q survived", p, at.Val)
					}
					if (k == "href" || k == "src" || k == "action" || k == "formaction") &&
						(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")) {
						t.Errorf("%s: %s=%q survived", p, at.Key, at.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if scripts != 0 {
			t.Errorf("%s: %d script elements", p, scripts)
		}
	}
	page := readFile(t, dir, "en/hostile.html")
	if !strings.Contains(page, `&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`) {
		t.Error("the title is not escaped as text")
	}
	if !strings.Contains(page, `alt="pic"`) {
		t.Error("the sanitiser dropped an image's alt text")
	}
	if !strings.Contains(page, "hover") || !strings.Contains(page, "styled") {
		t.Error("the sanitiser dropped harmless text")
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func resolvedTicket() *ticket.Ticket {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return &ticket.Ticket{
		ID: "7kq2m9", Title: "Kettle for Jane Doe leaks, order 5521", Status: ticket.StatusResolved,
		Customer: "jane.doe@example.com", Language: "en", Created: at, Updated: at,
		Fields: map[string]string{"order": "5521", "shop": "Kitchenworld Berlin"},
		Entries: []ticket.Entry{
			{ID: "a1", Kind: ticket.KindMessage, Author: "Jane Doe <jane.doe@example.com>", At: at,
				Body: "Hi, my kettle from Kitchenworld Berlin leaks at the bottom. Order #5521.\nCall me on +49 30 1234 5678 or write to jane.doe@example.com.\n\nJane\n-- \nJane Doe, Main Street 1"},
			{ID: "a2", Kind: ticket.KindNote, Author: "alice", At: at, Body: "VIP customer, refund without asking. Internal code 7781."},
			{ID: "a3", Kind: ticket.KindReply, Author: "Alice Agent <alice@acme.example>", At: at,
				Body: "Hello Jane,\n\ntighten the ring at the base by hand. If it still leaks, we replace it.\n\nAlice\n\n> Hi, my kettle leaks\n"},
		},
	}
}

func TestPublishRemovesPersonalData(t *testing.T) {
	cfg := testConfig()
	cfg.Agents = []ticket.Agent{{Handle: "alice", Name: "Alice Agent", Email: "alice@acme.example"}}
	a, err := FromTicket(cfg, resolvedTicket(), PublishOptions{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	text := string(a.Raw)
	for _, leak := range []string{"jane", "Jane", "Doe", "example.com", "1234", "5678", "5521", "Kitchenworld", "Main Street", "VIP", "7781", "Alice", "alice"} {
		if strings.Contains(text, leak) {
			t.Errorf("the article holds %q:\n%s", leak, text)
		}
	}
	for _, want := range []string{"status: draft", "visibility: public", "## Question", "## Answer", "leaks at the bottom", "tighten the ring", "[phone number]", "[email address]"} {
		if !strings.Contains(text, want) {
			t.Errorf("the article lacks %q:\n%s", want, text)
		}
	}
	if _, err := ParseArticle(a.Path, a.Raw); err != nil {
		t.Errorf("the draft does not parse: %v", err)
	}
	// Published as it stands, it passes the privacy check.
	a.Status = StatusPublished
	a.Raw = Render(a)
	if err := CustomersOf(cfg, []*ticket.Ticket{resolvedTicket()}).Check([]*Article{a}, func(s string) string { return s }); err != nil {
		t.Errorf("privacy check on the redacted article: %v", err)
	}
}

func TestPrivacyCheck(t *testing.T) {
	leaky := article("leaky", "en", "Leaky", "Ask Jane at JANE.DOE@example.com\nor on 030 1234-5678.\n")
	fine := article("fine", "en", "Fine", "Write to support@acme.example or call 0800 000 0000.\n")
	cust := CustomersOf(testConfig(), []*ticket.Ticket{resolvedTicket()})
	_, err := Build(NewSource(testConfig(), []*Article{leaky, fine}), Options{Out: t.TempDir(), Privacy: cust})
	if !IsPrivacy(err) {
		t.Fatalf("build with a customer's address: %v", err)
	}
	for _, want := range []string{
		"kb/leaky.md:9: JANE.DOE@example.com is the email address of a customer (ticket 7kq2m9)",
		"kb/leaky.md:10: 030 1234-5678 is the phone number of a customer (ticket 7kq2m9)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "fine.md") {
		t.Errorf("the desk's own address was flagged: %v", err)
	}
	// The internal build may hold them.
	if _, err := Build(NewSource(testConfig(), []*Article{leaky}), Options{Out: t.TempDir(), Privacy: cust, Internal: true}); err != nil {
		t.Errorf("internal build: %v", err)
	}
}

// A customer's address written around, as people do to dodge harvesters,
// is still the customer's address; other words around "at" and "dot"
// are not flagged.
func TestPrivacyCheckSeesVeiledAddresses(t *testing.T) {
	cust := CustomersOf(testConfig(), []*ticket.Ticket{resolvedTicket()})
	check := func(body string) error {
		return cust.Check([]*Article{article("leaky", "en", "Leaky", body)}, func(s string) string { return s })
	}
	for _, veiled := range []string{
		"jane.doe at example dot com",
		"Jane.Doe AT Example DOT Com",
		"jane.doe[at]example[dot]com",
		"jane.doe [at] example [dot] com",
		"jane.doe (at) example.com",
		"jane.doe{at}example{.}com",
		"jane.doe @ example . com",
		"jane.doe <at> example <dot> com",
		"jane.doe at\nexample dot com",
	} {
		err := check("Write to " + veiled + " for the refund.\n")
		if !IsPrivacy(err) || !strings.Contains(err.Error(), "jane.doe@example.com, ticket 7kq2m9") {
			t.Errorf("%q: %v", veiled, err)
		}
	}
	for _, fine := range []string{
		"Look at example dot com for the manual.",
		"Write to support at acme dot example.",
		"Meet jane at example.org.",
		"The kettle at example dot com costs 30 euros.",
	} {
		if err := check(fine + "\n"); err != nil {
			t.Errorf("%q: flagged: %v", fine, err)
		}
	}
	// Letters whose lower case has another length do not shift the search.
	if err := check(strings.Repeat("İ", 200) + " \u212a at Write to jane.doe at example dot com\n"); !IsPrivacy(err) {
		t.Errorf("after İ and the Kelvin sign: %v", err)
	}
	// A plain address is reported once, as before.
	if err := check("Write to jane.doe@example.com.\n"); err == nil || strings.Count(err.Error(), "jane.doe@example.com") != 1 {
		t.Errorf("plain address: %v", err)
	}
}

// TestArticleAliasBomb: YAML aliases in an article's front matter are
// refused with the file and line, before anything expands.
func TestArticleAliasBomb(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "*a%d", i-1)
		}
		bomb.WriteString("]\n")
	}
	for _, tt := range []struct{ name, fm, want string }{
		{"tags", "title: Hi\nstatus: published\ntags: &t [a, b]\nrelated: *t\n", "kb/hi.md:5: YAML aliases"},
		{"bomb", "title: Hi\nstatus: published\n" + bomb.String() + "tags: *a29\n", "kb/hi.md:5: YAML aliases (*a0)"},
		{"merge", "title: Hi\nstatus: published\nbase: &t {description: x}\n<<: *t\n", "kb/hi.md:5: YAML aliases (*t)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseArticle("kb/hi.md", []byte("---\n"+tt.fm+"---\nbody\n"))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q…", err, tt.want)
			}
		})
	}
}

// A lexer that never finishes must not hang the build: chroma's Jungle lexer
// emits empty tokens for ever on a lone "*". The block is shown as plain
// code, with a warning naming the file and the line of its fence; other
// blocks are still highlighted.
func TestCodeBlockWhoseLexerLoops(t *testing.T) {
	if tokens, err := tokenise(lexers.Get("jungle"), "*\n", time.Time{}); err != nil || tokens != nil {
		t.Fatal("the Jungle lexer finished on \"*\": pick another input that loops, or this test proves nothing")
	}
	if tokens, err := tokenise(lexers.Get("go"), "package main\n\nfunc main() {}\n", time.Time{}); err != nil || len(tokens) == 0 {
		t.Fatal("the Go lexer was stopped on ordinary code")
	}
	body := "Before.\n\n```jungle\n*\n```\n\n```go\npackage main\n```\n\nAfter.\n"
	a := article("loop", "en", "Loop", body)
	dir, res := buildSite(t, Options{}, a)
	want := fmt.Sprintf("kb/loop.md:%d: the Jungle highlighter does not finish on this code block; it is shown as plain code", a.BodyLine+2)
	if len(res.Warnings) != 1 || res.Warnings[0] != want {
		t.Errorf("warnings %q, want [%q]", res.Warnings, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, "en", "loop.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{"<pre><code>*\n</code></pre>", `class="chroma"`, "After."} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q:\n%s", want, s)
		}
	}
}

// TestCodeBlockHighlightBudget bounds the time an article's code costs the
// highlighter. chroma's YAML lexer takes time that grows with the square of
// a line's length (a 12,000-byte line of "@" takes seconds, a 100,000-byte
// one minutes); the block that runs past highlightBudget and the blocks
// after it are shown as plain code, with one warning at the block's fence,
// and the blocks before it keep their colours.
func TestCodeBlockHighlightBudget(t *testing.T) {
	old := highlightBudget
	t.Cleanup(func() { highlightBudget = old })
	highlightBudget = time.Second
	slow := strings.Repeat("@", 100000)
	body := "```go\npackage main\n```\n\n```yaml\n" + slow + "\n```\n\n```go\nvar after = 1\n```\n\nAfter.\n"
	a := article("slow", "en", "Slow", body)
	dir, res := buildSite(t, Options{}, a)
	want := fmt.Sprintf("kb/slow.md:%d: highlighting the article's code took more than 1s (the YAML highlighter is slow on this block); from this one on, its code blocks are shown as plain code", a.BodyLine+4)
	if len(res.Warnings) != 1 || res.Warnings[0] != want {
		t.Errorf("warnings %q, want [%q]", res.Warnings, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, "en", "slow.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if n := strings.Count(s, `class="chroma"`); n != 1 {
		t.Errorf("%d highlighted blocks, want 1 (the one before the slow block)", n)
	}
	for _, want := range []string{"<pre><code>" + slow + "\n</code></pre>", "var after = 1", "After."} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %.80q", want)
		}
	}

	// With the budget spent before the first block, no block is highlighted
	// and the warning names the first.
	highlightBudget = -time.Second
	r := NewBuilder().render(&Article{Path: "kb/spent.md", Title: "t", Slug: "spent", Language: "en", Status: StatusPublished, Visibility: Public, Body: body, BodyLine: 5, Raw: []byte(body)}, func(string) *Article { return nil })
	if len(r.Notes) != 1 || r.Notes[0].Line != 5 || strings.Contains(string(r.HTML), `class="chroma"`) {
		t.Errorf("budget spent: notes %v, highlighted %v", r.Notes, strings.Contains(string(r.HTML), `class="chroma"`))
	}
}

// TestTokeniseMergesAsCoalesce checks that tokenise, which merges tokens
// itself so that it can stop a lexer that loops, gives exactly the tokens
// chroma.Coalesce gives for lexers that finish: runs of one type merged,
// empty tokens dropped, a run going on in a new token past maxMergedToken
// bytes.
func TestTokeniseMergesAsCoalesce(t *testing.T) {
	codes := []string{
		"",
		"package main\n\nfunc main() { fmt.Println(\"hi\") }\n",
		strings.Repeat("@", 3*maxMergedToken+5), // one-character error tokens, past the cap
		strings.Repeat("@ x 1\n", 4000),
		"a: 1\nb: [x, \"y\"] # c\n\n\n",
	}
	for _, lang := range []string{"go", "json", "bash", "html", "text"} {
		lexer := lexers.Get(lang)
		for i, code := range codes {
			got, err := tokenise(lexer, code, time.Time{})
			if err != nil || got == nil {
				t.Fatalf("%s, code %d: tokens %v, err %v", lang, i, got, err)
			}
			it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
			if err != nil {
				t.Fatal(err)
			}
			want := it.Tokens()
			if len(got) != len(want) {
				t.Fatalf("%s, code %d: %d tokens, chroma.Coalesce gives %d", lang, i, len(got), len(want))
			}
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("%s, code %d, token %d: %v, chroma.Coalesce gives %v", lang, i, j, got[j], want[j])
				}
			}
		}
	}
}

// TestCodeBlockLanguageLookups bounds what a code block's language name
// costs. chroma looks a name it does not know by heart up in every lexer's
// file-name patterns, a few milliseconds a name and more the longer it is:
// fuzz input FuzzMarkdown/971b12f676a55495, a 3,000-byte name, took a
// second, and an article of many blocks would take minutes. Each name is
// looked up once, none longer than maxLanguageName, no more than
// maxLanguages different ones an article (with one warning), and the
// renderer uses what was found rather than looking again.
func TestCodeBlockLanguageLookups(t *testing.T) {
	var asked []string
	chromaLexer = func(name string) chroma.Lexer {
		asked = append(asked, name)
		return lexers.Get(name)
	}
	t.Cleanup(func() { chromaLexer = lexers.Get })
	b := NewBuilder()
	render := func(body string) *rendered {
		a := &Article{Path: "kb/langs.md", Title: "t", Slug: "langs", Language: "en", Status: StatusPublished, Visibility: Public, Body: body, BodyLine: 5, Raw: []byte(body)}
		return b.render(a, func(string) *Article { return nil })
	}

	long := "~~~ " + strings.Repeat("~", 3000) + "\ncode\n~~~\n"
	if r := render(long); len(asked) != 0 || len(r.Notes) != 0 || !strings.Contains(string(r.HTML), "<pre><code") {
		t.Errorf("a 3,000-byte name: looked up %d times, notes %v, page %.80s", len(asked), r.Notes, r.HTML)
	}

	var body strings.Builder
	for i := 0; i < 500; i++ {
		body.WriteString("```TestCodeBlockLanguageLookups.yml\na: 1\n```\n\n")
	}
	render(body.String())
	if len(asked) != 1 {
		t.Errorf("500 blocks naming one language: %d lookups, want 1", len(asked))
	}

	asked = nil
	body.Reset()
	for i := 0; i < 3*maxLanguages; i++ {
		fmt.Fprintf(&body, "```lookups%03d\nx\n```\n\n", i)
	}
	body.WriteString("```go\npackage main\n```\n")
	r := render(body.String())
	if len(asked) != maxLanguages {
		t.Errorf("%d different names: %d lookups, want %d", 3*maxLanguages, len(asked), maxLanguages)
	}
	want := fmt.Sprintf("the article's code blocks name more than %d languages; from this one on, blocks naming another are shown as plain code", maxLanguages)
	if len(r.Notes) != 1 || r.Notes[0].Msg != want || r.Notes[0].Line != 5+4*maxLanguages {
		t.Errorf("notes %v, want one at line %d: %q", r.Notes, 5+4*maxLanguages, want)
	}
	if strings.Contains(string(r.HTML), `class="chroma"`) {
		t.Error("a block past the limit was highlighted")
	}

	// Names it knows, by name, alias or file extension, are highlighted
	// as before, with the attributes after the name.
	r = render("```Go\nvar x = 1\n```\n\n```yml {hl_lines=[2] linenos=true}\na: 1\nb: 2\n```\n")
	page := string(r.HTML)
	if n := strings.Count(page, `<pre class="chroma">`); n != 2 || !strings.Contains(page, `<span class="line hl">`) || !strings.Contains(page, `class="ln"`) {
		t.Errorf("known names not highlighted as written (%d blocks):\n%s", n, page)
	}
}

// TestDeepNestingShownAsSource renders bodies that nest deeper than
// browsers build a tree for (fuzz input FuzzMarkdown/836fb4d5f87eaf55 nests
// 600 quotes): the page shows the source as preformatted text rather than
// markup that every reader would take apart differently, and notes it at
// the body's first line for the build's warnings. Nesting a page really
// uses is rendered as written, with no note.
func TestDeepNestingShownAsSource(t *testing.T) {
	b := NewBuilder()
	var notes []note
	render := func(body string) string {
		a := &Article{Path: "kb/deep.md", Title: "t", Slug: "deep", Language: "en", Status: StatusPublished, Visibility: Public, Body: body, BodyLine: 7, Raw: []byte(body)}
		r := b.render(a, func(string) *Article { return nil })
		notes = r.Notes
		return string(r.HTML)
	}
	for name, body := range map[string]string{
		"quotes":   strings.Repeat(">", 600) + " deep <b>\n",
		"lists":    strings.Repeat("- ", 300) + "deep <b>\n",
		"raw HTML": strings.Repeat("<div>", 300) + "deep <b>" + strings.Repeat("</div>", 300) + "\n",
		// A looping code block in such a body is not noted apart: it
		// is shown as source with the rest.
		"quotes and a loop": strings.Repeat(">", 600) + " deep <b>\n\n```jungle\n*\n```\n",
	} {
		got := render(body)
		if !strings.HasPrefix(got, "<pre>") || !strings.Contains(got, "deep &lt;b&gt;") || strings.Contains(got, "<blockquote>") || strings.Contains(got, "<div>") || strings.Contains(got, "<li>") || strings.Contains(got, "<b>") {
			t.Errorf("%s: %d-byte body rendered as %.200q, want its source in <pre>", name, len(body), got)
		}
		if len(notes) != 1 || notes[0].Line != 7 || !strings.Contains(notes[0].Msg, "more than 256 deep") {
			t.Errorf("%s: notes %+v, want one at line 7 saying the body nests more than 256 deep", name, notes)
		}
	}
	body := strings.Repeat(">", 40) + " quoted\n\n- a\n  - b\n    - c\n"
	got := render(body)
	if strings.Count(got, "<blockquote>") != 40 || strings.Count(got, "<ul>") != 3 || strings.HasPrefix(got, "<pre>") {
		t.Errorf("40 quotes and 3 lists rendered as %.300q", got)
	}
	if len(notes) != 0 {
		t.Errorf("40 quotes and 3 lists noted %+v", notes)
	}
}
