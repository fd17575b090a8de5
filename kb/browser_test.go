package kb

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	keys "github.com/chromedp/chromedp/kb"
)

// findChromium locates the headless browser the site is checked in. A
// missing browser fails the test: the site is part of the product and is
// looked at in every run.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is missing: run scripts/test.sh, which installs it (or apt-get install chromium)")
	return ""
}

// browserSite builds a small site in three languages and serves it on
// loopback.
func browserSite(t *testing.T) *httptest.Server {
	t.Helper()
	en := article("descale", "en", "Descale the kettle", "Fill the kettle with white **vinegar**, boil it and rinse twice.\n\n## Crème brûlée stains\n\nUse baking soda.\n\n![A clean kettle](kettle.png)\n",
		func(a *Article) { a.Category, a.Tags, a.Weight = "Kettles", []string{"care"}, 3 })
	ko := article("descale", "ko", "주전자 석회 제거", "주전자를 식초로 세척하세요. 물때가 깨끗이 사라집니다.\n", func(a *Article) { a.Category = "주전자" })
	th := article("descale", "th", "การขจัดคราบตะกรัน", "เทน้ำส้มสายชูลงในกาต้มน้ำแล้วต้มให้เดือด\n", func(a *Article) { a.Category = "กาต้มน้ำ" })
	warranty := article("warranty", "en", "Warranty and returns", "Every kettle has two years of warranty.\n", func(a *Article) { a.Category = "Kettles" })
	src := NewSource(testConfig(), []*Article{en, ko, th, warranty})
	src.Assets["kettle.png"] = tinyPNG(t)
	out := t.TempDir()
	if _, err := Build(src, Options{Out: out, CheckLinks: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	return srv
}

func tinyPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshotDir is KB_SCREENSHOTS when set (to look at the pictures), else a
// temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("KB_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// get runs one action for its value, failing the test on an error.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestBrowserSearchAndLanguages(t *testing.T) {
	srv := browserSite(t)
	ctx := newBrowser(t)

	// The home page renders with its landmarks, in its language.
	do(t, ctx, "open the home page", chromedp.Navigate(srv.URL+"/index.html"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	h1 := get(t, ctx, "read the heading", chromedp.Text(chromedp.CSS("main h1")))
	lang := get(t, ctx, "read the language", chromedp.Evaluate[string](`document.documentElement.lang`))
	landmarks := get(t, ctx, "check landmarks", chromedp.Evaluate[bool](`!!document.querySelector('header') && !!document.querySelector('main#main') &&
		!!document.querySelector('footer') && document.querySelector('label[for=q]') !== null &&
		[...document.images].every(i => i.alt !== '')`))
	if h1 != "How can we help?" || lang != "en" || !landmarks {
		t.Errorf("home page: h1 %q, lang %q, landmarks and labels %v", h1, lang, landmarks)
	}

	// A word typed into the search box finds the article by its body.
	do(t, ctx, "search in English",
		chromedp.SendKeys(chromedp.CSS("#q"), "vinegar"+keys.Enter),
		chromedp.WaitVisible(chromedp.CSS("#results li a")))
	results := get(t, ctx, "read results", chromedp.Text(chromedp.CSS("#results")))
	loc := get(t, ctx, "read location", chromedp.Location())
	if !strings.Contains(results, "Descale the kettle") || strings.Contains(results, "Warranty") || !strings.Contains(loc, "search.html?q=vinegar") {
		t.Errorf("English search at %s found %q", loc, results)
	}

	// Korean and Thai words inside sentences, and words without their
	// accents, typed on the search page.
	for _, tc := range []struct{ query, want string }{
		{"식초", "주전자 석회 제거"},
		{"กาต้มน้ำ", "การขจัดคราบตะกรัน"},
		{"creme brulee", "Descale the kettle"},
	} {
		get(t, ctx, "clear the search box", chromedp.Evaluate[bool](`(document.getElementById('q').value = '', true)`))
		do(t, ctx, "search for "+tc.query, chromedp.SendKeys(chromedp.CSS("#q"), tc.query))
		// The bound only stops a search that never answers; it is wide
		// because the suite runs this beside other test binaries on two
		// cores, where Chromium can take seconds to run the script.
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#results').textContent.includes(`+jsString(tc.want)+`)`,
			chromedp.WithPollingTimeout(30*time.Second)))
		results := get(t, ctx, "read results", chromedp.Text(chromedp.CSS("#results")))
		if err != nil || !strings.Contains(results, tc.want) {
			t.Errorf("search for %q found %q, want %q (%v)", tc.query, results, tc.want, err)
		}
	}

	// A link can carry a query.
	do(t, ctx, "search from a link",
		chromedp.Navigate(srv.URL+"/search.html?q=%EC%8B%9D%EC%B4%88"),
		chromedp.WaitVisible(chromedp.CSS("#results li a")))
	if results := get(t, ctx, "read results", chromedp.Text(chromedp.CSS("#results"))); !strings.Contains(results, "주전자 석회 제거") {
		t.Errorf("search.html?q=식초 found %q", results)
	}

	// The language switch leads to the same article in Korean.
	do(t, ctx, "switch language",
		chromedp.Navigate(srv.URL+"/en/descale.html"),
		chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="ko"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="ko"] main h1`)))
	title := get(t, ctx, "read the title", chromedp.Text(chromedp.CSS("main h1")))
	loc = get(t, ctx, "read location", chromedp.Location())
	if title != "주전자 석회 제거" || !strings.HasSuffix(loc, "/ko/descale.html") {
		t.Errorf("language switch went to %s with title %q", loc, title)
	}
}

func TestBrowserScreenshots(t *testing.T) {
	srv := browserSite(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	for _, tc := range []struct {
		name          string
		path          string
		width, height int64
		mobile, dark  bool
	}{
		{"home-desktop", "/index.html", 1280, 900, false, false},
		{"article-desktop", "/en/descale.html", 1280, 900, false, false},
		{"home-phone", "/index.html", 390, 844, true, false},
		{"article-phone", "/en/descale.html", 390, 844, true, false},
		{"search-phone-dark", "/search.html?q=kettle", 390, 844, true, true},
		{"article-desktop-dark", "/ko/descale.html", 1280, 900, false, true},
	} {
		scheme := "light"
		if tc.dark {
			scheme = "dark"
		}
		do(t, ctx, tc.name,
			chromedp.EmulateViewport(tc.width, tc.height, func(p *emulation.SetDeviceMetricsOverrideParams, s *emulation.SetTouchEmulationEnabledParams) {
				p.Mobile = tc.mobile
				s.Enabled = tc.mobile
			}),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				})
				return err
			}),
			chromedp.Navigate(srv.URL+tc.path),
			chromedp.WaitVisible(chromedp.CSS("main")))
		bg := get(t, ctx, "read the background", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		overflow := get(t, ctx, "measure the width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		shot := get(t, ctx, "take a screenshot", chromedp.CaptureScreenshot())
		file := filepath.Join(dir, tc.name+".png")
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", tc.name, err)
		}
		if b := img.Bounds(); int64(b.Dx()) != tc.width || int64(b.Dy()) != tc.height {
			t.Errorf("%s: screenshot is %dx%d, want %dx%d", tc.name, b.Dx(), b.Dy(), tc.width, tc.height)
		}
		if overflow {
			t.Errorf("%s: the page scrolls sideways at %dpx", tc.name, tc.width)
		}
		if dark := bg == "rgb(15, 20, 25)"; dark != tc.dark {
			t.Errorf("%s: body background %s in the %s scheme", tc.name, bg, scheme)
		}
		if distinctColors(img) < 3 {
			t.Errorf("%s: the screenshot is blank", tc.name)
		}
		t.Logf("screenshot %s", file)
	}
}

// distinctColors counts colours on a sample of pixels, to tell a rendered
// page from a blank one.
func distinctColors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// liveActiveContent lists what in the live page could run code: inline event
// handlers, script-bearing URLs, style attributes, embedded documents and
// any script but the theme's two. It runs after the page's own scripts,
// so it also sees what the search page builds from the index.
const liveActiveContent = `(() => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'srcset', 'poster', 'data', 'background', 'xlink:href'];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      const v = a.value.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(e.tagName + ' ' + a.name);
      if (a.name === 'style') bad.push(e.tagName + ' style');
      if (urlAttrs.includes(a.name) && /^(javascript|vbscript|livescript|data):/.test(v)) bad.push(e.tagName + ' ' + a.name + '=' + a.value);
    }
    if (['iframe', 'frame', 'object', 'embed', 'base', 'svg', 'math', 'style', 'form'].includes(e.localName) && !e.matches('form.search')) bad.push(e.localName);
  }
  for (const s of document.scripts) {
    const path = s.src ? new URL(s.src).pathname : '';
    if (!/\/search(-index)?\.js$/.test(path)) bad.push('script ' + (s.src || s.text.slice(0, 60)));
  }
  return bad;
})()`

// The hostile article of TestHostileArticleIsInert, opened in Chromium:
// on its page, the lists that name it and the search page showing it as a
// result, no script of it runs (no dialog opens while any page loads) and
// nothing that could run is in the live document.
func TestBrowserHostileArticleRunsNothing(t *testing.T) {
	a := article("hostile", "en", `Kettle <script>alert("title")</script>`, hostile, func(a *Article) {
		a.Category = `<img src=x onerror=alert(19)>`
		a.Tags = []string{`"><script>alert(20)</script>`}
		a.Description = `Kettle " onmouseover="alert(21)`
	})
	calm := article("descale", "en", "Descale the kettle", "Use white vinegar.\n")
	out := t.TempDir()
	if _, err := Build(NewSource(testConfig(), []*Article{a, calm}), Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	ctx := newBrowser(t)

	var mu sync.Mutex
	var dialogs []string
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()

	for _, p := range []string{
		"/en/hostile.html", "/en/index.html", "/index.html",
		"/en/category/" + groupSlug(a.Category) + ".html", "/en/tag/" + groupSlug(a.Tags[0]) + ".html",
		"/search.html?q=kettle",
	} {
		do(t, ctx, "open "+p, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
		if strings.HasPrefix(p, "/search") {
			// Both articles are found; the hostile title is shown as text.
			_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#results li').length === 2`,
				chromedp.WithPollingTimeout(30*time.Second)))
			results := get(t, ctx, "read results", chromedp.Text(chromedp.CSS("#results")))
			if err != nil || !strings.Contains(results, `Kettle <script>alert("title")</script>`) {
				t.Errorf("search for kettle found %q (%v); want both articles, the hostile title as text", results, err)
			}
		}
		if bad := get(t, ctx, "look for active content in "+p, chromedp.Evaluate[[]string](liveActiveContent)); len(bad) > 0 {
			t.Errorf("%s: active content in the live page: %q", p, bad)
		}
	}
	// A handler that fires on load (an image's onerror) has had its chance.
	do(t, ctx, "reload the article", chromedp.Navigate(srv.URL+"/en/hostile.html"), chromedp.WaitVisible(chromedp.CSS("main")), chromedp.Sleep(500*time.Millisecond))
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("the hostile article ran code: dialogs %q", dialogs)
	}
}
