package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/desk"
)

// benchArticles is the size of the generated knowledge base:
// KB_BENCH_ARTICLES=10000 go test ./kb -run '^$' -bench Build -benchtime 1x
func benchArticles(b *testing.B) int {
	if v := os.Getenv("KB_BENCH_ARTICLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("KB_BENCH_ARTICLES=%q is not a positive number", v)
		}
		return n
	}
	return 1000
}

var benchWords = []string{"kettle", "descale", "warranty", "refund", "parcel", "broken", "lid", "filter", "boil", "water",
	"vinegar", "rinse", "switch", "light", "cable", "base", "return", "label", "courier", "invoice"}

// benchBody is an article of about 1.5 kB: headings, lists, a table and
// links to two other articles.
func benchBody(i, n int) string {
	w := func(k int) string { return benchWords[(i*7+k*13)%len(benchWords)] }
	return fmt.Sprintf(`Our %s guide answers the question about the %s and the %s in a few steps.

## Before you start

- Unplug the %s and let it cool down.
- Keep the %s and the receipt at hand.
- Read the [related article](bench-%05d.md) and [this one](bench-%05d.md#before-you-start).

## Steps

1. Fill the %s with water and a cup of %s.
2. Boil, wait ten minutes, then rinse twice.
3. Check the %s; if it still looks wrong, write to us.

| Part | What to check |
| --- | --- |
| %s | cracks, stains |
| %s | loose screws |

%s
Crème brûlée, naïve café: accents are folded for search. 주전자를 식초로 세척하세요 (%d).
`, w(0), w(1), w(2), w(3), w(4), (i+1)%n, (i+7)%n, w(5), w(6), w(7), w(8), w(9), code(i), i)
}

// code is a highlighted block in every fifth article; support articles
// seldom show code, and highlighting is the costliest part of rendering.
func code(i int) string {
	if i%5 != 0 {
		return ""
	}
	return "```sh\nticket list --tag kettle --since 7d\n```\n"
}

// TestGenerateBenchDesk writes the benchmark's desk into KB_BENCH_DESK, to
// time the command itself:
//
//	KB_BENCH_DESK=/tmp/kb10k KB_BENCH_ARTICLES=10000 go test ./kb -run GenerateBenchDesk
//	/usr/bin/time -v ticket -C /tmp/kb10k kb build -o /tmp/kb10k-site
func TestGenerateBenchDesk(t *testing.T) {
	dir := os.Getenv("KB_BENCH_DESK")
	if dir == "" {
		return // only on request
	}
	n := 1000
	if v := os.Getenv("KB_BENCH_ARTICLES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if err := writeBenchDesk(dir, n); err != nil {
		t.Fatal(err)
	}
}

// benchDesk writes n articles into a new desk's work tree.
func benchDesk(b *testing.B, n int) *desk.Desk {
	b.Helper()
	dir := b.TempDir()
	if err := writeBenchDesk(dir, n); err != nil {
		b.Fatal(err)
	}
	d, err := desk.Open(dir, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func writeBenchDesk(dir string, n int) error {
	_, _, err := desk.Init(dir, desk.InitOptions{Name: "Bench", NoCommit: true}, func() time.Time { return time.Unix(1763200000, 0) })
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		return err
	}
	langs := []string{"en", "en", "en", "de", "ko"}
	for i := range n {
		a := &Article{
			Title: fmt.Sprintf("How do I %s the %s? (%d)", benchWords[i%20], benchWords[(i/20)%20], i), Slug: fmt.Sprintf("bench-%05d", i),
			Category: "Category " + strconv.Itoa(i%25), Tags: []string{benchWords[i%20], benchWords[(i/3)%20]},
			Language: langs[i%len(langs)], Status: StatusPublished, Visibility: Public,
			Updated: time.Unix(1763200000-int64(i)*3600, 0).UTC(), Weight: i % 10, Body: benchBody(i, n),
		}
		if i%10 == 0 {
			a.Visibility = Internal
		}
		a.Language = "en" // links name SLUG.md, so every article has an English version
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(FileName(a.Slug, a.Language))), Render(a), 0o644); err != nil {
			return err
		}
		if lang := langs[i%len(langs)]; lang != "en" {
			a.Language = lang
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(FileName(a.Slug, a.Language))), Render(a), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkBuild is a cold build: read every article through the desk
// reader, render, and write the site into an empty folder.
func BenchmarkBuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	b.ResetTimer()
	for range b.N {
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(src, Options{Out: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Pages), "files")
	}
}

// BenchmarkRebuild is a build over the previous output with nothing
// changed, in a fresh process (no render cache): every page is rendered
// and compared, nothing is written.
func BenchmarkRebuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	out := b.TempDir()
	src, err := Load(d, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Build(src, Options{Out: out}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(src, Options{Out: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Written != 0 {
			b.Fatalf("rebuild wrote %d files", res.Written)
		}
	}
}

// BenchmarkServeRebuild is what kb serve does after one article changed:
// the builder keeps rendered articles and renders only the changed one.
func BenchmarkServeRebuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	out := b.TempDir()
	bl := NewBuilder()
	src, err := Load(d, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bl.Build(src, Options{Out: out}); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(d.Store.Dir(), filepath.FromSlash(FileName("bench-00001", "en")))
	b.ResetTimer()
	for i := range b.N {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(file, append(data, fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := bl.Build(src, Options{Out: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rendered != 1 {
			b.Fatalf("rendered %d articles after one changed", res.Rendered)
		}
	}
}
