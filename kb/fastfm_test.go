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
	f.Fuzz(func(t *testing.T, fm string) { agreesWithYAML(t, fm) })
}

// agreesWithYAML fails when the fast reader accepts fm and yaml.v3 refuses
// it or reads other values, and reports whether the fast reader accepted.
func agreesWithYAML(t *testing.T, fm string) bool {
	t.Helper()
	fast, ok := fastFrontMatter(fm)
	if !ok {
		return false
	}
	var slow frontMatter
	dec := yaml.NewDecoder(strings.NewReader(fm))
	dec.KnownFields(true)
	if err := dec.Decode(&slow); err != nil {
		t.Errorf("fast path accepted what YAML rejects: %v\n%q", err, fm)
	} else if !reflect.DeepEqual(fast, slow) {
		t.Errorf("fast %+v\nyaml %+v\n%q", fast, slow, fm)
	}
	return true
}

// YAML breaks lines at CR, NEL, LS and PS as well as LF, and its white space
// is only space and tab: the fast reader gives up on the first and trims
// only the second (the first case was found by FuzzFastFrontMatter).
func TestFastFrontMatterLineBreaksAndSpaces(t *testing.T) {
	for _, fm := range []string{
		"tags: [\U000a4928\r\t]\n",
		"title: a\u0085b\n",
		"title: a\u2028b\n",
		"tags: [a\u2029]\n",
		"title: a\rb\n",
		"tags: [\u00a0x]\n",
		"tags: [x\u00a0]\n",
		"tags: [\u3000x, y]\n",
	} {
		agreesWithYAML(t, fm)
	}
	for _, fm := range []string{"tags: [a,\tb]\n", "tags: [ a , b ]\n", "related: [\ta]\n"} {
		if !agreesWithYAML(t, fm) {
			t.Errorf("%q: the fast reader gave up on a list it reads", fm)
		}
	}
}
