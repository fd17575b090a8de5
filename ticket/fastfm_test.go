package ticket

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The fast reader must agree with yaml.v3 on everything it accepts, and it
// must accept what Render writes (or it is no faster).
func TestFastFrontMatterAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	for i := 0; i < 2000; i++ {
		tk := randTicket(r)
		if tk.Validate() != nil {
			continue
		}
		out := string(Render(tk))
		fm := out[4 : strings.Index(out[4:], "\n---\n")+5]
		fast, ok := parseFrontMatterFast(fm)
		slow, err := parseFrontMatterYAML(fm)
		if err != nil {
			t.Fatalf("yaml reader rejects rendered front matter: %v\n%s", err, fm)
		}
		if ok {
			accepted++
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast and yaml readers differ: %s\n%s", firstDiff(fast, slow), fm)
			}
		}
	}
	if accepted < 500 {
		t.Fatalf("fast reader accepted only %d of the rendered front matters", accepted)
	}
	fm := string(Render(sampleTicket()))
	if _, ok := parseFrontMatterFast(fm[4 : strings.Index(fm[4:], "\n---\n")+5]); !ok {
		t.Fatal("fast reader gives up on an ordinary ticket")
	}
}

func FuzzFastFrontMatter(f *testing.F) {
	for _, name := range []string{"full", "minimal", "hostile"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".md")); err == nil {
			s := string(b)
			if i := strings.Index(s[4:], "\n---\n"); i >= 0 {
				f.Add(s[4 : i+5])
			}
		}
	}
	f.Add("id: abc\nstatus: new\ncreated: 2026-01-01T00:00:00Z\ntags: [a, \"b\\x41\"]\nfields:\n  \"k\": \"v\\u00e9\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		if !strings.HasSuffix(src, "\n") {
			src += "\n"
		}
		fast, ok := parseFrontMatterFast(src)
		if !ok {
			return
		}
		slow, err := parseFrontMatterYAML(src)
		if err != nil {
			t.Fatalf("fast reader accepted what yaml rejects (%v):\n%q", err, src)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("readers differ: %s\n%q", firstDiff(fast, slow), src)
		}
	})
}

// Front matter YAML refuses, found by FuzzFastFrontMatter: the fast reader
// must give up on it so the YAML reader reports the file.
func TestFastFrontMatterGivesUpWhereYAMLRefuses(t *testing.T) {
	head := "id: ab12cd\nstatus: new\ncreated: 2026-01-02T03:04:05Z\n"
	for name, fm := range map[string]string{
		"JSON's \\/ escape":         head + "title: \"a\\/b\"\n",
		"? inside a flow item":      head + "tags: [a?b]\n",
		"field name of 1,100 bytes": head + "fields:\n  " + strings.Repeat("k", 1100) + ": v\n",
	} {
		if _, err := parseFrontMatterYAML(fm); err == nil {
			t.Errorf("%s: yaml.v3 reads it; the case is moot", name)
		}
		if _, ok := parseFrontMatterFast(fm); ok {
			t.Errorf("%s: the fast reader accepted what YAML refuses", name)
		}
	}
}
