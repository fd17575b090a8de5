package highlight

import (
	"bytes"
	"strings"
	"testing"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
)

func render(t *testing.T, src string) string {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(New(chromahtml.WithClasses(true))))
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"```go\npackage main\n```\n",
			`<pre tabindex="0" class="chroma"><code><span class="line"><span class="cl"><span class="kn">package</span> <span class="nx">main</span>` + "\n</span></span></code></pre>"},
		{"```nosuchlanguage\nx < y\n```\n", "<pre><code class=\"language-nosuchlanguage\">x &lt; y\n</code></pre>\n"},
		{"```go {nohl=true}\npackage main\n```\n", "<pre><code class=\"language-go\">package main\n</code></pre>\n"},
		{"```\nplain\n```\n", "<pre><code>plain\n</code></pre>\n"},
		{"```sh {hl_lines=[2]}\necho a\necho b\n```\n", `<span class="line hl"><span class="cl"><span class="nb">echo</span> b`},
		{"```python {linenos=true linenostart=7}\nx = 1\n```\n", `<span class="ln">7</span>`},
	} {
		if got := render(t, c.src); !strings.Contains(got, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}
