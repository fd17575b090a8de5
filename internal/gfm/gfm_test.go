package gfm

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

// TestSameAsGoldmark renders goldmark's own cases for these extensions,
// and the project's documentation, with this copy and with goldmark's
// extension package, in the configurations the project uses: the
// knowledge base's (GFM, heading ids, raw HTML) and replies' (Linkify,
// Strikethrough, Table, hard wraps).
func TestSameAsGoldmark(t *testing.T) {
	var inputs []string
	files, _ := filepath.Glob("testdata/*.txt")
	docs, _ := filepath.Glob("../../docs/*.md")
	if len(files) != 4 || len(docs) == 0 {
		t.Fatalf("%d cases files, %d documents", len(files), len(docs))
	}
	for _, f := range append(files, docs...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(data))
		// Each case of goldmark's files on its own, too.
		for _, c := range strings.Split(string(data), "//= = = = = = = = = = = = = = = = = = = = = = = =//") {
			if parts := strings.Split(c, "//- - - - - - - - -//\n"); len(parts) == 3 {
				inputs = append(inputs, parts[1])
			}
		}
	}
	configs := []struct {
		name      string
		ours, ref func() goldmark.Markdown
	}{
		{"knowledge base",
			func() goldmark.Markdown {
				return goldmark.New(goldmark.WithExtensions(GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()), goldmark.WithRendererOptions(html.WithUnsafe()))
			},
			func() goldmark.Markdown {
				return goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()), goldmark.WithRendererOptions(html.WithUnsafe()))
			}},
		{"reply",
			func() goldmark.Markdown {
				return goldmark.New(goldmark.WithExtensions(Linkify, Strikethrough, Table), goldmark.WithRendererOptions(html.WithHardWraps()))
			},
			func() goldmark.Markdown {
				return goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table), goldmark.WithRendererOptions(html.WithHardWraps()))
			}},
	}
	n := 0
	for _, c := range configs {
		ours, ref := c.ours(), c.ref()
		for _, in := range inputs {
			var a, b bytes.Buffer
			if err := ours.Convert([]byte(in), &a); err != nil {
				t.Fatal(err)
			}
			if err := ref.Convert([]byte(in), &b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("%s: %q\nrenders\n%s\ngoldmark's extensions render\n%s", c.name, in, a.Bytes(), b.Bytes())
			}
			n++
		}
	}
	t.Logf("%d renderings", n)
}
