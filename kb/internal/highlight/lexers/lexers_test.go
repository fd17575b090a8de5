package lexers

import (
	"os"
	"reflect"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromalexers "github.com/alecthomas/chroma/v2/lexers"
)

func TestMain(m *testing.M) {
	if all != nil || building != nil {
		println("the lexer registry was built while the program initialised")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestSameRegistry holds this copy to the chroma version go.mod requires:
// the same lexers, registered in the same order, with the same
// configuration and the same analysers. After a chroma upgrade this fails
// until the copy is taken again from the new version.
func TestSameRegistry(t *testing.T) {
	ours, theirs := Registry().Lexers, chromalexers.GlobalLexerRegistry.Lexers
	if len(ours) != len(theirs) {
		t.Fatalf("%d lexers, chroma has %d", len(ours), len(theirs))
	}
	for i := range ours {
		a, b := ours[i].Config(), theirs[i].Config()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("lexer %d: %+v, chroma has %+v", i, a, b)
		}
		_, ok1 := ours[i].(chroma.Analyser)
		_, ok2 := theirs[i].(chroma.Analyser)
		if ok1 != ok2 {
			t.Errorf("lexer %d (%s): analyser %v, chroma's %v", i, a.Name, ok1, ok2)
		}
	}
	for _, name := range chromalexers.Names(true) {
		a, b := Get(name), chromalexers.Get(name)
		if a.Config().Name != b.Config().Name {
			t.Errorf("Get(%q) = %s, chroma's = %s", name, a.Config().Name, b.Config().Name)
		}
	}
}

// TestTokenise checks that lexers built here tokenise, those written in Go
// (Go, which delegates to the Go template lexer; HTML with the CSS and
// JavaScript lexers it delegates to; PHP) and XML alike, as chroma's do.
func TestTokenise(t *testing.T) {
	samples := map[string]string{
		"go":          "package main\n\nfunc main() { fmt.Println(`{{ .X }}`, 42) }\n",
		"html":        "<style>p { color: red }</style><script>var x = 1;</script><p class=\"a\">x</p>\n",
		"php":         "<p><?php echo $x + 1; ?></p>\n",
		"bash":        "#!/bin/bash\nfor i in 1 2; do echo \"$i\"; done\n",
		"python":      "def f(x):\n    return x ** 2  # square\n",
		"yaml":        "key: [1, two]\n",
		"rst":         ".. code-block:: python\n\n   print(1)\n\n",
		"emacs":       "(defun f (x) (message \"%s\" x))\n",
		"common-lisp": "(defun f (x) (car x))\n",
		"markdown":    "# Title\n\n<b>bold</b> `code`\n",
	}
	for name, src := range samples {
		a, err := chroma.Coalesce(Get(name)).Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		b, err := chroma.Coalesce(chromalexers.Get(name)).Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		if x, y := a.Tokens(), b.Tokens(); !reflect.DeepEqual(x, y) {
			t.Errorf("%s: %v\nchroma: %v", name, x, y)
		}
	}
}
