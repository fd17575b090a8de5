// Package kbgen writes a generated knowledge base for benchmarks: a desk
// whose kb/ holds n articles of about 1.5 kB of Markdown each, with
// headings, lists, a table and links to other articles; every fifth has a
// fenced code block, 30 % have a second language and 10 % are internal.
// The same seed of numbers always gives the same files, so the kb
// benchmarks of the package and of scripts/bench.sh (which also builds the
// files with Hugo) measure the same thing.
package kbgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ticketdesk/ticket/desk"
)

// Words are the vocabulary of titles, tags and bodies.
var Words = []string{"kettle", "descale", "warranty", "refund", "parcel", "broken", "lid", "filter", "boil", "water",
	"vinegar", "rinse", "switch", "light", "cable", "base", "return", "label", "courier", "invoice"}

// Stats counts what Write wrote.
type Stats struct {
	Articles    int // articles (slugs)
	Files       int // article files, one per language
	Internal    int // internal articles (all their languages)
	Translated  int // articles with a second language
	CodeBlocks  int // articles with a code block
	PublicFiles int // files of public articles
}

// Slug names article i.
func Slug(i int) string { return fmt.Sprintf("bench-%05d", i) }

// SecondLanguage is the other language of article i, or "" when it has
// only English: 30 % of the articles, in German, Korean or French.
func SecondLanguage(i int) string {
	switch i % 10 {
	case 3:
		return "de"
	case 6:
		return "ko"
	case 9:
		return "fr"
	}
	return ""
}

// Internal reports whether article i is internal (10 %).
func Internal(i int) bool { return i%10 == 0 }

// HasCode reports whether article i has a code block (every fifth).
func HasCode(i int) bool { return i%5 == 2 }

// Body is the Markdown of article i of n: about 1.5 kB.
func Body(i, n int) string {
	w := func(k int) string { return Words[(i*7+k*13)%len(Words)] }
	code := ""
	if HasCode(i) {
		code = "```sh\nticket list --tag kettle --since 7d\nticket show 7kq2m9 | grep -i refund\n```\n"
	}
	return fmt.Sprintf(`Our %s guide answers the question about the %s and the %s in a few steps.
Most customers find the answer here within a minute; if not, write to us.

## Before you start

- Unplug the %s and let it cool down for at least **twenty minutes**.
- Keep the %s and the receipt at hand, with the order number.
- Read the [related article](%s.md) and [this one](%s.md#before-you-start).

## Steps

1. Fill the %s with water and a cup of %s, up to the maximum mark.
2. Boil, wait ten minutes, then pour it away and rinse twice with clean water.
3. Check the %s; if it still looks wrong, write to us with a photo.

| Part | What to check | How often |
| --- | --- | --- |
| %s | cracks, stains | monthly |
| %s | loose screws | yearly |

%s
## Good to know

The %s is covered by the warranty for two years from the day of delivery. Keep
the ~~old~~ original packaging: a return is quicker with it, and the courier
takes it without a label of its own. See <https://example.com/returns> too.

## When to contact us

If the *%s* still does not work, open a ticket and we answer within a day.
Crème brûlée, naïve café: accents are folded for search. 주전자를 식초로 세척하세요 (%d).
`, w(0), w(1), w(2), w(3), w(4), Slug((i+1)%n), Slug((i+7)%n), w(5), w(6), w(7), w(8), w(9), code, w(11), w(10), i)
}

// Article is the file of article i of n in language lang, front matter
// and body.
func Article(i, n int, lang string) []byte {
	vis := "public"
	if Internal(i) {
		vis = "internal"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: How do I %s the %s? (%d)\nslug: %s\ncategory: Category %d\ntags: [%s, %s]\nlanguage: %s\n",
		Words[i%20], Words[(i/20)%20], i, Slug(i), i%25, Words[i%20], Words[(i/3)%20], lang)
	fmt.Fprintf(&b, "status: published\nvisibility: %s\nupdated: %s\n", vis, time.Unix(1763200000-int64(i)*3600, 0).UTC().Format(time.RFC3339))
	if w := i % 10; w > 0 {
		fmt.Fprintf(&b, "weight: %d\n", w)
	}
	b.WriteString("---\n")
	b.WriteString(Body(i, n))
	return []byte(b.String())
}

// FileName is the file of article i in lang below kb/.
func FileName(i int, lang string) string {
	if lang == "en" {
		return Slug(i) + ".md"
	}
	return Slug(i) + "." + lang + ".md"
}

// Write creates a desk in dir (no commit) and writes n articles into its
// kb/ folder.
func Write(dir string, n int) (Stats, error) {
	var st Stats
	if _, _, err := desk.Init(dir, desk.InitOptions{Name: "Bench", NoCommit: true}, func() time.Time { return time.Unix(1763200000, 0) }); err != nil {
		return st, err
	}
	return WriteArticles(filepath.Join(dir, "kb"), n)
}

// WriteArticles writes n articles into the folder dir.
func WriteArticles(dir string, n int) (Stats, error) {
	st := Stats{Articles: n}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	for i := range n {
		langs := []string{"en"}
		if l := SecondLanguage(i); l != "" {
			langs = append(langs, l)
			st.Translated++
		}
		if HasCode(i) {
			st.CodeBlocks++
		}
		for _, l := range langs {
			if err := os.WriteFile(filepath.Join(dir, FileName(i, l)), Article(i, n, l), 0o644); err != nil {
				return st, err
			}
			st.Files++
			if Internal(i) {
				st.Internal++
			} else {
				st.PublicFiles++
			}
		}
	}
	return st, nil
}
