package kb

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzFastFrontMatter checks the fast reader against yaml.v3: whenever it
// accepts front matter, the decoder reads the same values.
func FuzzFastFrontMatter(f *testing.F) {
	for _, s := range []string{
		"title: How do I descale the kettle?\nslug: descale\ncategory: Kettles\ntags: [care, clean]\nlanguage: en\nstatus: published\nvisibility: public\nupdated: 2026-11-10T09:00:00Z\nweight: 3\n",
		"title: 주전자 석회 제거\nrelated: [a, b]\nstatus: draft\nvisibility: internal\n",
		"title: yes\n", "title: 'quoted'\n", "title: a: b\n", "tags: [a, [b]]\n", "weight: 010\n", "title: x #y\n",
	} {
		f.Add(s)
	}
	for _, data := range seedArticles(f) { // demo and script articles (fuzz_test.go)
		if fm, _, ok := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n"); ok {
			f.Add(fm + "\n")
		}
	}
	f.Fuzz(func(t *testing.T, fm string) {
		fast, ok := fastFrontMatter(fm)
		if !ok {
			return
		}
		var slow frontMatter
		dec := yaml.NewDecoder(strings.NewReader(fm))
		dec.KnownFields(true)
		if err := dec.Decode(&slow); err != nil {
			t.Fatalf("fast path accepted what YAML rejects: %v\n%q", err, fm)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v\nyaml %+v\n%q", fast, slow, fm)
		}
	})
}
