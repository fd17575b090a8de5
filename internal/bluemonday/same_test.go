package bluemonday

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	upstream "github.com/microcosm-cc/bluemonday"
)

// TestSameAsUpstream sanitises the project's documents and templates and
// a few hostile fragments with this copy and with the bluemonday go.mod
// requires, under the policies the project uses and one that allows
// styles (which reaches the css, cssparser and cssscanner copies), and
// requires the same output.
func TestSameAsUpstream(t *testing.T) {
	inputs := []string{
		`<a href="javascript:alert(1)" onclick="x()">x</a><script>alert(1)</script>`,
		`<p style="color: red; background: url(javascript:x); width: 10px !important; font-family: 'a b'">p</p>`,
		`<img src="data:image/png;base64,AAAA" alt="a" width="10%"><table align="center"><td valign="top" colspan="2">c</td></table>`,
		`<div data-x="1" dir="rtl" class="a b"><time datetime="2026-01-02T03:04:05Z">t</time><ol type="i"><li value="3">x</li></ol></div>`,
		`<span style="color: #fff; margin: -1px 2em; transform: rotate(30deg); z-index: 3">s</span><style>p{}</style>`,
		"<p title=\"a\u0000b\">\\0041</p><!-- c --><![CDATA[x]]>",
	}
	for _, glob := range []string{"../../docs/*.md", "../../templates/*", "../../kb/testdata/*/*"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil && !strings.ContainsRune(string(data), 0) {
				inputs = append(inputs, string(data))
			}
		}
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	ours := []*Policy{UGCPolicy(), StrictPolicy(), UGCPolicy()}
	ours[2].AllowStyles("color", "background", "width", "font-family", "margin", "transform", "z-index").Globally()
	ours[2].AllowAttrs("style").Globally()
	theirs := []*upstream.Policy{upstream.UGCPolicy(), upstream.StrictPolicy(), upstream.UGCPolicy()}
	theirs[2].AllowStyles("color", "background", "width", "font-family", "margin", "transform", "z-index").Globally()
	theirs[2].AllowAttrs("style").Globally()
	for i := range ours {
		for _, in := range inputs {
			if a, b := ours[i].Sanitize(in), theirs[i].Sanitize(in); a != b {
				t.Errorf("policy %d on %.200q:\n%s\nupstream:\n%s", i, in, a, b)
			}
		}
	}
}
