package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	s, ok := parseStatus("fuzz: elapsed: 3m12s, execs: 191329 (3358/sec), new interesting: 82 (total: 259)")
	if !ok || s.elapsed != 3*time.Minute+12*time.Second || s.execs != 191329 || s.newInputs != 82 || s.total != 259 {
		t.Fatalf("got %+v, %v", s, ok)
	}
	for _, line := range []string{
		"fuzz: elapsed: 0s, gathering baseline coverage: 0/259 completed",
		"--- FAIL: FuzzParse (3.02s)",
		"fuzz: elapsed: soon, execs: 1 (1/sec), new interesting: 0 (total: 1)",
	} {
		if _, ok := parseStatus(line); ok {
			t.Errorf("parsed %q", line)
		}
	}
}

// at is a progress line of a target that runs 1,000 executions a second.
func at(sec, n int) status {
	return status{elapsed: time.Duration(sec) * time.Second, execs: int64(sec) * 1000, newInputs: n}
}

func TestPlateau(t *testing.T) {
	window := 2 * time.Minute
	growing := []status{at(0, 0), at(60, 10), at(120, 20), at(180, 30), at(240, 35)}
	if g, ok := growth(growing, window); !ok || g != 15 {
		t.Fatalf("growth %d %v, want 15 true", g, ok)
	}
	if plateaued(growing, time.Minute, window, 2) {
		t.Error("a target still finding inputs was stopped")
	}
	flat := []status{at(0, 0), at(60, 10), at(120, 12), at(180, 13), at(240, 13)}
	if !plateaued(flat, time.Minute, window, 2) {
		t.Error("a target that found 1 input in 2 minutes was not stopped")
	}
	if plateaued(flat, 5*time.Minute, window, 2) {
		t.Error("a target was stopped before its minimum")
	}
	short := []status{at(0, 0), at(60, 0)}
	if plateaued(short, 0, window, 2) {
		t.Error("a target was stopped before one window had passed")
	}
	// The same counts, but in the last two minutes the fuzzer ran at a
	// third of its speed: other work had the CPU.
	slow := []status{at(0, 0), at(60, 10), at(120, 12), at(180, 13), at(240, 13)}
	slow[3].execs = slow[2].execs + 20000
	slow[4].execs = slow[2].execs + 40000
	if plateaued(slow, time.Minute, window, 2) {
		t.Error("a target kept off the CPU was taken for one at a plateau")
	}
	slow[4].execs = slow[2].execs + 80000
	if !plateaued(slow, time.Minute, window, 2) {
		t.Error("a target running at two thirds of its speed was not stopped")
	}
}

func TestDeadlineRace(t *testing.T) {
	race := []string{"fuzz: elapsed: 6m0s, execs: 3438593 (9000/sec), new interesting: 103 (total: 217)",
		"--- FAIL: FuzzLint (360.89s)", "    context deadline exceeded", "FAIL", "exit status 1"}
	if !deadlineRace(race) {
		t.Error("the end-of-fuzztime race was counted as a failure")
	}
	crash := []string{"--- FAIL: FuzzBodyText (245.55s)", "    --- FAIL: FuzzBodyText (0.00s)",
		"        fuzz_parts_test.go:420: lost lines", "    Failing input written to testdata/fuzz/FuzzBodyText/141c4f53d3a467cc", "FAIL"}
	if deadlineRace(crash) {
		t.Error("a failing input was taken for the deadline race")
	}
	if deadlineRace(append(crash, "    context deadline exceeded")) {
		t.Error("a failing input next to a deadline message was taken for the race")
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	cache := t.TempDir()
	inputs := map[string]string{
		"importers/FuzzParse/0a1b":  "go test fuzz v1\n[]byte(\"From: a\")\n",
		"importers/FuzzParse/ffee":  "go test fuzz v1\n[]byte(\"\")\n",
		"ticket/FuzzRules/1234":     "go test fuzz v1\nstring(\"x\")\n",
		"internal/x/FuzzDeep/abcd0": "go test fuzz v1\nint(3)\n",
	}
	for name, data := range inputs {
		p := filepath.Join(cache, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	archive := filepath.Join(t.TempDir(), "corpus.tar.gz")
	if n, err := saveCorpus(archive, cache); err != nil || n != len(inputs) {
		t.Fatalf("save: %d, %v", n, err)
	}
	first, _ := os.ReadFile(archive)
	if _, err := saveCorpus(archive, cache); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(archive); !bytes.Equal(first, again) {
		t.Error("the same corpus gave different archives")
	}

	fresh := t.TempDir()
	// An input the new cache already has is kept as it is.
	kept := filepath.Join(fresh, "ticket", "FuzzRules", "1234")
	os.MkdirAll(filepath.Dir(kept), 0o755)
	os.WriteFile(kept, []byte("mine"), 0o644)
	if n, err := restoreCorpus(archive, fresh); err != nil || n != len(inputs)-1 {
		t.Fatalf("restore: %d, %v", n, err)
	}
	for name, data := range inputs {
		got, err := os.ReadFile(filepath.Join(fresh, filepath.FromSlash(name)))
		if name == "ticket/FuzzRules/1234" {
			data = "mine"
		}
		if err != nil || string(got) != data {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

func TestCorpusNames(t *testing.T) {
	for name, want := range map[string]bool{
		"importers/FuzzParse/0a1b": true,
		"a/b/FuzzX/y":              true,
		"../FuzzX/y":               false,
		"/etc/FuzzX/passwd":        false,
		"importers/../FuzzX/y":     false,
		"FuzzX/y":                  false,
		"importers/notfuzz/y":      false,
	} {
		if corpusName(name) != want {
			t.Errorf("corpusName(%q) = %v", name, !want)
		}
	}
}

func TestReadProfile(t *testing.T) {
	const prof = `mode: set
m/p/a.go:1.1,2.2 3 1
m/p/a.go:3.1,4.2 2 0
m/p/b.go:1.1,1.9 4 0
m/p/b.go:1.1,1.9 4 1
m/p/c.go:5.1,6.2 1 0
m/q/d.go:1.1,2.2 5 1
`
	p, ok := readProfile(strings.NewReader(prof))
	if !ok {
		t.Fatal("the profile was refused")
	}
	c := p.count("m/p")
	if c.covered != 7 || c.total != 10 {
		t.Fatalf("count(m/p) = %+v; want 7 of 10 (a block listed twice counts once, run if either ran)", c)
	}
	if got := c.String(); got != "7 / 10 (70.0%)" {
		t.Errorf("String = %q", got)
	}
	if c := p.count("m/q"); c.covered != 5 || c.total != 5 {
		t.Errorf("count(m/q) = %+v; want 5 of 5", c)
	}
	if _, ok := readProfile(strings.NewReader("mode: set\na.go:1.1,2.2 x 1\n")); ok {
		t.Error("a broken line was accepted")
	}
	if _, ok := readProfile(strings.NewReader("mode: set\n")); ok {
		t.Error("an empty profile was accepted")
	}
}

func TestGained(t *testing.T) {
	read := func(s string) profile {
		p, ok := readProfile(strings.NewReader("mode: set\n" + s))
		if !ok {
			t.Fatalf("profile refused: %q", s)
		}
		p.pkg = "m/p"
		return p
	}
	before := read(`m/p/a.go:1.1,2.2 3 0
gopkg.in/yaml.v3/scan.go:1.1,2.2 4 1
gopkg.in/yaml.v3/scan.go:3.1,4.2 6 0
gopkg.in/yaml.v3/parse.go:1.1,2.2 2 0
fmt/scan.go:1.1,2.2 1 0
text/template/parse/lex.go:1.1,2.2 6 0
runtime/mgc.go:1.1,2.2 9 0
internal/runtime/maps/map.go:1.1,2.2 2 0
internal/strconv/ftoa.go:1.1,2.2 3 0
unique/handle.go:1.1,2.2 7 0
internal/godebug/godebug.go:1.1,2.2 2 0
`)
	after := read(`m/p/a.go:1.1,2.2 3 1
gopkg.in/yaml.v3/scan.go:1.1,2.2 4 1
gopkg.in/yaml.v3/scan.go:3.1,4.2 6 1
gopkg.in/yaml.v3/parse.go:1.1,2.2 2 1
fmt/scan.go:1.1,2.2 1 1
text/template/parse/lex.go:1.1,2.2 6 1
runtime/mgc.go:1.1,2.2 9 1
internal/runtime/maps/map.go:1.1,2.2 2 1
internal/strconv/ftoa.go:1.1,2.2 3 1
unique/handle.go:1.1,2.2 7 1
internal/godebug/godebug.go:1.1,2.2 2 1
net/mail/message.go:1.1,2.2 3 1
`)
	g := gained(before, after)
	// The package under test and the runtime's packages do not count; a
	// block missing before (net/mail) counts as not run before.
	want := "+18 (gopkg.in/yaml.v3 +8, text/template/parse +6, net/mail +3, …)"
	if g.total != 18 || g.String() != want {
		t.Errorf("gained = %d, %q; want 18, %q", g.total, g, want)
	}
	if got := gained(after, after).String(); got != "+0" {
		t.Errorf("nothing new gives %q", got)
	}
}
