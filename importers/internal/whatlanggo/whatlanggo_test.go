package whatlanggo

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"

	upstream "github.com/abadojack/whatlanggo"
)

// TestSameAsUpstream holds this copy to the whatlanggo go.mod requires, on
// upstream's examples (a sentence in each language) and parts of them.
func TestSameAsUpstream(t *testing.T) {
	data, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples map[string]string
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) < 80 {
		t.Fatalf("%d examples", len(examples))
	}
	for code, text := range examples {
		for _, s := range []string{text, strings.Join(strings.Fields(text)[:len(strings.Fields(text))/2+1], " ")} {
			got, want := Detect(s), upstream.Detect(s)
			if int(got.Lang) != int(want.Lang) || !sameScript(got.Script, want.Script) || got.Confidence != want.Confidence {
				t.Errorf("%s %q: %v %v %v, upstream %v %v %v", code, s, got.Lang, got.Script, got.Confidence, want.Lang, want.Script, want.Confidence)
			}
			if got.Lang.Iso6391() != want.Lang.Iso6391() || got.Lang.String() != want.Lang.String() || got.IsReliable() != want.IsReliable() {
				t.Errorf("%s: %s %s %v, upstream %s %s %v", code, got.Lang.Iso6391(), got.Lang, got.IsReliable(), want.Lang.Iso6391(), want.Lang, want.IsReliable())
			}
		}
	}
}

// sameScript compares scripts by content: the Hiragana and Katakana table
// is a variable of each copy of the package.
func sameScript(a, b *unicode.RangeTable) bool {
	return a == b || reflect.DeepEqual(a, b)
}
