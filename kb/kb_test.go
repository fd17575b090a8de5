package kb

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/ticket"
)

// article makes a published public article for tests.
func article(slug, lang, title, body string, mod ...func(*Article)) *Article {
	a := &Article{
		Title: title, Slug: slug, Language: lang, Status: StatusPublished, Visibility: Public,
		Updated: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Body: body, BodyLine: 10,
	}
	a.Path = FileName(slug, lang)
	for _, m := range mod {
		m(a)
	}
	a.Raw = Render(a)
	parsed, err := ParseArticle(a.Path, a.Raw)
	if err != nil {
		panic(err)
	}
	a.BodyLine = parsed.BodyLine
	return a
}

func testConfig() *ticket.Config {
	cfg := ticket.DefaultConfig("Acme", "support@acme.example")
	cfg.KB.Title = "Acme Help"
	return cfg
}

func buildSite(t *testing.T, o Options, arts ...*Article) (string, *Result) {
	t.Helper()
	if o.Out == "" {
		o.Out = t.TempDir()
	}
	res, err := Build(NewSource(testConfig(), arts), o)
	if err != nil {
		t.Fatal(err)
	}
	return o.Out, res
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestParseArticle(t *testing.T) {
	good := "---\ntitle: Descale the kettle\ncategory: Kettles\ntags: [Care, care, Deep Clean]\nstatus: published\nvisibility: internal\nupdated: 2026-11-01T09:00:00Z\n---\nBody **text**.\n"
	a, err := ParseArticle("kb/descale.de.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "descale" || a.Language != "de" || a.Visibility != Internal || a.BodyLine != 9 || a.Body != "Body **text**.\n" {
		t.Errorf("parsed %+v", a)
	}
	if strings.Join(a.Tags, ",") != "care,deep-clean" {
		t.Errorf("tags = %v", a.Tags)
	}
	again, err := ParseArticle(a.Path, Render(a))
	if err != nil || again.Title != a.Title || !again.Updated.Equal(a.Updated) || again.Body != a.Body {
		t.Errorf("round trip: %+v, %v", again, err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"no front matter", "hello", "kb/x.md:1: an article starts with front matter"},
		{"not closed", "---\ntitle: x\n", "kb/x.md:1: the front matter is not closed"},
		{"no title", "---\nstatus: draft\nvisibility: public\n---\n", "kb/x.md:1: the article has no title"},
		{"bad status", "---\ntitle: x\nstatus: live\nvisibility: public\n---\n", `kb/x.md:3: status "live": want draft or published`},
		{"bad visibility", "---\ntitle: x\nstatus: draft\nvisibility: secret\n---\n", `kb/x.md:4: visibility "secret"`},
		{"unknown key", "---\ntitle: x\nstatus: draft\nvisibility: public\nauthr: me\n---\n", "kb/x.md:5: field authr not found"},
		{"bad yaml", "---\ntitle: [x\n---\n", "kb/x.md:"},
		{"bad slug", "---\ntitle: x\nslug: Not OK\nstatus: draft\nvisibility: public\n---\n", `kb/x.md:3: slug "Not OK"`},
	} {
		_, err := ParseArticle("kb/x.md", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestSlugifyAndFold(t *testing.T) {
	for in, want := range map[string]string{
		"How do I descale the kettle?": "how-do-i-descale-the-kettle",
		"Größe & Gewicht":              "grosse-gewicht",
		"Crème brûlée!":                "creme-brulee",
		"주전자":                          "",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Fold("Crème BRÛLÉE 주전자를 ไทย"); got != "creme brulee 주전자를 ไทย" {
		t.Errorf("Fold = %q", got)
	}
}

// TestFoldInPieces checks that folding ASCII runs apart from the rest gives
// what folding the whole string at once gives, for strings mixing ASCII
// with accents, combining marks (some outside U+0300–U+036F), Hangul,
// letters NFC leaves decomposed and invalid UTF-8.
func TestFoldInPieces(t *testing.T) {
	pieces := []string{"a", "E", " ", "Z", "e\u0301", "\u0301", "\u0328", "\u093c", "\u0958", "é", "Å", "ß", "İ",
		"Σ", "ǅ", "주", "\u1100", "\u1161", "\u11a8", "ไ", "\u0e31", "\xff", "\xe2\x82", "\u212b", "ﬁ", "o\u0308\u0304", "\u0344"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if s := b.String(); Fold(s) != foldAll(s) {
			t.Fatalf("Fold(%q) = %q, folding it whole gives %q", s, Fold(s), foldAll(s))
		}
	}
}

func TestArticleURL(t *testing.T) {
	cfg := testConfig()
	if _, err := ArticleURL(cfg, "x", "en"); err == nil || !strings.Contains(err.Error(), "base_url is not set") {
		t.Errorf("no base url: %v", err)
	}
	cfg.KB.BaseURL = "https://help.acme.example/kb"
	for _, tc := range [][3]string{
		{"descale", "", "https://help.acme.example/kb/en/descale.html"},
		{"descale", "de", "https://help.acme.example/kb/de/descale.html"},
	} {
		got, err := ArticleURL(cfg, tc[0], tc[1])
		if err != nil || got != tc[2] {
			t.Errorf("ArticleURL(%q, %q) = %q, %v; want %q", tc[0], tc[1], got, err, tc[2])
		}
	}
	if _, err := ArticleURL(cfg, "../etc", "en"); err == nil {
		t.Error("a bad slug made a URL")
	}
}

func TestBuildSite(t *testing.T) {
	kettle := article("descale", "en", "Descale the kettle", "Fill it with vinegar. See [the warranty](warranty.md#terms).\n\n## Steps\n\nBoil.\n",
		func(a *Article) { a.Category, a.Tags, a.Weight = "Kettles", []string{"care"}, 5 })
	kettleKo := article("descale", "ko", "주전자 석회 제거", "주전자를 식초로 세척하세요.\n", func(a *Article) { a.Category = "주전자" })
	warranty := article("warranty", "en", "Warranty", "Two years. Back to [descaling](descale.md).\n", func(a *Article) { a.Category = "Kettles" })
	secret := article("escalation", "en", "Escalation runbook", "Call the on-call engineer.\n", func(a *Article) { a.Visibility = Internal })
	draft := article("unfinished", "en", "Unfinished", "TODO\n", func(a *Article) { a.Status = StatusDraft })

	dir, res := buildSite(t, Options{CheckLinks: true, BaseURL: "https://help.acme.example/"}, kettle, kettleKo, warranty, secret, draft)
	if res.Articles != 3 {
		t.Errorf("public build has %d articles, want 3", res.Articles)
	}
	for _, p := range []string{"index.html", "en/index.html", "ko/index.html", "en/descale.html", "ko/descale.html", "en/warranty.html",
		"en/category/kettles.html", "en/tag/care.html", "search.html", "search-index.js", "search.js", "style.css", "chroma.css",
		"sitemap.xml", "feed.xml", "404.html", "feedback.html"} {
		readFile(t, dir, p)
	}
	for _, p := range []string{"en/escalation.html", "en/unfinished.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("public build wrote %s", p)
		}
	}
	var all strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			all.Write(data)
		}
		return nil
	})
	if s := all.String(); strings.Contains(s, "on-call") || strings.Contains(s, "Escalation") || strings.Contains(s, "Unfinished") {
		t.Error("internal or draft text reached the public site")
	}

	page := readFile(t, dir, "en/descale.html")
	for _, want := range []string{
		`<html lang="en" dir="ltr">`, `<link rel="alternate" hreflang="ko" href="https://help.acme.example/ko/descale.html">`,
		`<a href="../ko/descale.html" hreflang="ko" lang="ko">한국어</a>`, `<a href="warranty.html#terms">the warranty</a>`,
		`<h2 id="steps">Steps</h2>`, `href="../feedback.html?article=en%2Fdescale&amp;helpful=yes"`, `<main id="main"`,
		`<label for="q"`, `href="../en/category/kettles.html"`, `<link rel="canonical" href="https://help.acme.example/en/descale.html">`,
		`<a href="../en/warranty.html">Warranty</a>`, // related, same category
	} {
		if !strings.Contains(page, want) {
			t.Errorf("en/descale.html lacks %s", want)
		}
	}
	home := readFile(t, dir, "en/index.html")
	for _, want := range []string{"Popular articles", "Recently updated", `href="../en/category/kettles.html"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if idx := readFile(t, dir, "search-index.js"); !strings.Contains(idx, "주전자를 식초로 세척하세요") || !strings.Contains(idx, `"u":"ko/descale.html"`) {
		t.Errorf("search index: %.300s", idx)
	}
	if nf := readFile(t, dir, "404.html"); !strings.Contains(nf, `href="/style.css"`) {
		t.Error("404 page links are not from the site root")
	}
	if sm := readFile(t, dir, "sitemap.xml"); !strings.Contains(sm, "<loc>https://help.acme.example/en/descale.html</loc>") {
		t.Errorf("sitemap: %s", sm)
	}
	if feed := readFile(t, dir, "feed.xml"); !strings.Contains(feed, "<title>Descale the kettle</title>") {
		t.Errorf("feed: %s", feed)
	}

	// The internal build adds the internal article, never the draft.
	idir, ires := buildSite(t, Options{Internal: true}, kettle, kettleKo, warranty, secret, draft)
	if ires.Articles != 4 || !strings.Contains(readFile(t, idir, "en/escalation.html"), "on-call") {
		t.Errorf("internal build: %+v", ires)
	}
}

func TestBuildIsIncremental(t *testing.T) {
	a := article("a", "en", "Alpha", "First.\n")
	b := article("b", "en", "Beta", "Second.\n")
	out := t.TempDir()
	bl := NewBuilder()
	build := func(arts ...*Article) *Result {
		res, err := bl.Build(NewSource(testConfig(), arts), Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := build(a, b)
	if first.Written != first.Pages || first.Rendered != 2 {
		t.Errorf("first build: %+v", first)
	}
	if again := build(a, b); again.Written != 0 || again.Rendered != 0 {
		t.Errorf("unchanged rebuild: %+v", again)
	}
	b2 := article("b", "en", "Beta", "Second, changed.\n")
	if res := build(a, b2); res.Rendered != 1 || res.Written == 0 || res.Written > 4 {
		t.Errorf("one changed article: %+v", res)
	}
	res := build(a)
	if res.Removed != 1 {
		t.Errorf("removed article: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "en/b.html")); err == nil {
		t.Error("the page of a removed article is still there")
	}
}

func TestCheckLinks(t *testing.T) {
	a := article("a", "en", "Alpha", "See [missing](nope.md),\n[secret](secret.md) and ![pic](img/x.png).\n")
	secret := article("secret", "en", "Secret", "x\n", func(a *Article) { a.Visibility = Internal })
	_, err := Build(NewSource(testConfig(), []*Article{a, secret}), Options{Out: t.TempDir(), CheckLinks: true})
	if err == nil {
		t.Fatal("broken links built")
	}
	for _, want := range []string{
		`kb/a.md:9: broken link "nope.md": there is no published article en/nope`,
		`kb/a.md:10: broken link "secret.md": kb/secret.md is internal`,
		`kb/a.md:10: broken link "img/x.png": there is no file kb/img/x.png`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// Without the check the site builds.
	if _, err := Build(NewSource(testConfig(), []*Article{a}), Options{Out: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
}

func TestThemeOverride(t *testing.T) {
	src := NewSource(testConfig(), []*Article{article("a", "en", "Alpha", "x\n")})
	src.Theme["style.css"] = []byte("body{color:red}")
	src.Theme["404.html"] = []byte(`{{define "content"}}<p>Lost, {{.Site.Title}}</p>{{end}}`)
	out := t.TempDir()
	if _, err := Build(src, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out, "style.css"); got != "body{color:red}" {
		t.Errorf("style.css = %q", got)
	}
	if got := readFile(t, out, "404.html"); !strings.Contains(got, "<p>Lost, Acme Help</p>") {
		t.Errorf("404.html = %q", got)
	}
	src.Theme["home.html"] = []byte(`{{define "content"}}{{.Nope}}{{end}}`)
	if _, err := Build(src, Options{Out: out}); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("broken override: %v", err)
	}
}

func TestBuildAfterAnUnfinishedBuild(t *testing.T) {
	a := article("a", "en", "Alpha", "First.\n")
	out := t.TempDir()
	build := func(arts ...*Article) *Result {
		t.Helper()
		res, err := Build(NewSource(testConfig(), arts), Options{Out: out})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	build(a)
	if _, err := os.Stat(filepath.Join(out, buildJournal)); err == nil {
		t.Fatal("a finished build left its journal")
	}
	page := readFile(t, out, "en/a.html")

	// What a build of a and a withdrawn article c, killed before its
	// manifest, leaves: c's page made in place, half of a's next version
	// in its temporary twin, and the journal naming both. CNAME is the
	// site owner's, and no build ever named it.
	files := map[string]string{
		"en/c.html":     "<h1>Withdrawn</h1>",
		"en/a.html.tmp": "<!doctype html><h1>Al",
		buildJournal:    "en/c.html\nen/a.html\n",
		"CNAME":         "help.acme.example\n",
	}
	for rel, data := range files {
		if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(rel)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := build(a)
	for _, rel := range []string{"en/c.html", "en/a.html.tmp", buildJournal} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err == nil {
			t.Errorf("%s is still in the site after the next build", rel)
		}
	}
	if got := readFile(t, out, "CNAME"); got != files["CNAME"] {
		t.Errorf("CNAME, no build's file, became %q", got)
	}
	if got := readFile(t, out, "en/a.html"); got != page {
		t.Error("a's page changed")
	}
	if res.Written != 0 || res.Removed != 2 {
		t.Errorf("the build after: %+v; want nothing written and the two leftovers removed", res)
	}
}

// CRLF and a lone CR end a line in an article file, as in Markdown and in
// ticket files. A body ending in a lone CR used to render with CRLF and
// read back as an empty line (found by FuzzArticle).
func TestArticleLineEnds(t *testing.T) {
	for _, c := range []struct{ src, body string }{
		{"---\ntitle: 00\nstatus: draft\n---\n\r", "\n"},
		{"---\r\ntitle: A\r\nstatus: draft\r\n---\r\nOne\r\ntwo\rthree\n", "One\ntwo\nthree\n"},
		{"---\rtitle: A\rstatus: draft\r---\rOne\r", "One\n"},
		{"---\ntitle: A\nstatus: draft\n---\nCaf\xe9\x00\n", "Caf\uFFFD\uFFFD\n"},
	} {
		a, err := ParseArticle("kb/a.md", []byte(c.src))
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if a.Body != c.body || a.Title == "" || a.Status != StatusDraft {
			t.Fatalf("%q read as title %q, status %q, body %q", c.src, a.Title, a.Status, a.Body)
		}
		back, err := ParseArticle("kb/a.md", Render(a))
		if err != nil || back.Body != strings.TrimLeft(a.Body, "\n") && back.Body != a.Body {
			t.Fatalf("%q: rendered body read back as %q (%v)", c.src, back.Body, err)
		}
	}
}
