// Command fuzzplateau runs fuzz targets one after another, each until it
// stops finding new inputs or its time is up, and prints one Markdown row a
// target: how long it ran and why it stopped, executions, new and total
// interesting inputs, and the growth over the last window. With -cover it
// also counts the package's statements that seeds plus the generated corpus
// run, before the target's run and after it ("before → after / total"), in
// a scratch copy of HEAD so nothing lands in testdata/, and the statements
// of other packages (dependencies and the standard library, which the
// fuzzer instruments too) that the corpus first ran after the run: a run
// that adds neither has reached a coverage plateau even while the fuzzer
// still finds inputs that hit known code a new number of times.
// -restore and -save carry the generated corpus, which lives in the build
// cache, to and from an archive, so a round goes on where the last stopped.
// -since fuzzes nothing: it compares what each target's corpus in an
// archive and in the cache runs, so a round's gain shows in one table.
//
//	go run ./internal/fuzzplateau -min 2m -max 10m ./importers:FuzzParse ./ticket:FuzzRules
//	go run ./internal/fuzzplateau -min 1m -max 3m ./kb    # every target of a package
//	go run ./internal/fuzzplateau -restore internal/fuzzplateau/testdata/corpus.tar.gz
//	go run ./internal/fuzzplateau -since internal/fuzzplateau/testdata/corpus.tar.gz ./mailout
//
// docs/hardening.md records its results.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	minRun := flag.Duration("min", 2*time.Minute, "run each target at least this long")
	maxRun := flag.Duration("max", 10*time.Minute, "stop each target after this long")
	window := flag.Duration("window", 2*time.Minute, "plateau: fewer than -least new inputs in this window, after -min")
	least := flag.Int("least", 2, "see -window")
	coverFlag := flag.Bool("cover", false, "count the statements seeds plus corpus run, before and after, in the package and elsewhere (needs git)")
	logs := flag.String("logs", "", "folder to keep each target's output in")
	restore := flag.String("restore", "", "first add the inputs of this corpus archive to the fuzz cache")
	save := flag.String("save", "", "last write the fuzz cache of every target to this corpus archive")
	since := flag.String("since", "", "fuzz nothing: compare what each target's corpus in this archive and in the fuzz cache run (needs git)")
	flag.Parse()
	if flag.NArg() == 0 && *since != "" {
		fmt.Fprintln(os.Stderr, "fuzzplateau: -since FILE compares targets: give PKG or PKG:FuzzTarget arguments")
		os.Exit(2)
	}
	if flag.NArg() == 0 && *restore == "" && *save == "" {
		fmt.Fprintln(os.Stderr, "fuzzplateau: give PKG or PKG:FuzzTarget arguments, or -restore/-save FILE")
		os.Exit(2)
	}
	cache, err := cacheDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "fuzzplateau: %v\n", err)
		os.Exit(1)
	}
	if *restore != "" {
		n, err := restoreCorpus(*restore, cache)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fuzzplateau: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "fuzzplateau: %d new inputs from %s in %s\n", n, *restore, cache)
	}
	if flag.NArg() == 0 {
		saveOrExit(*save, cache)
		return
	}
	var jobs []job
	for _, arg := range flag.Args() {
		pkg, target, ok := strings.Cut(arg, ":")
		if ok {
			jobs = append(jobs, job{pkg, target})
			continue
		}
		targets, err := listTargets(pkg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fuzzplateau: %s: %v\n", pkg, err)
			os.Exit(1)
		}
		for _, t := range targets {
			jobs = append(jobs, job{pkg, t})
		}
	}
	if *since != "" {
		if err := compare(jobs, *since, cache); err != nil {
			fmt.Fprintf(os.Stderr, "fuzzplateau: %v\n", err)
			os.Exit(1)
		}
		return
	}
	fmt.Println("| target | run (why it stopped) | execs | interesting new / total, last window | statements run, before → after / total | statements first run elsewhere |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	failed := false
	for _, j := range jobs {
		var out io.Writer = io.Discard
		var logFile *os.File
		if *logs != "" {
			f, err := os.Create(filepath.Join(*logs, strings.NewReplacer("/", "_").Replace(strings.TrimPrefix(j.pkg, "./"))+"_"+j.target+".log"))
			if err != nil {
				fmt.Fprintf(os.Stderr, "fuzzplateau: %v\n", err)
				os.Exit(1)
			}
			logFile, out = f, f
		}
		var before profile
		if *coverFlag {
			before, _ = coverage(j, cache)
		}
		r := run(j, *minRun, *maxRun, *window, *least, out)
		if logFile != nil {
			logFile.Close()
		}
		cov, elsewhere := "-", "-"
		if *coverFlag && !r.failed {
			if after, ok := coverage(j, cache); ok && before.blocks != nil {
				cov = fmt.Sprintf("%d → %s", before.count(before.pkg).covered, after.count(after.pkg))
				elsewhere = gained(before, after).String()
			}
		}
		fmt.Printf("| %s `%s` | %s (%s) | %d | %d / %d, +%d | %s | %s |\n", j.pkg, j.target, r.elapsed, r.why, r.execs, r.newInputs, r.total, r.growth, cov, elsewhere)
		failed = failed || r.failed
	}
	saveOrExit(*save, cache)
	if failed {
		os.Exit(1)
	}
}

func saveOrExit(file, cache string) {
	if file == "" {
		return
	}
	n, err := saveCorpus(file, cache)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fuzzplateau: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "fuzzplateau: %d inputs written to %s\n", n, file)
}

// cacheDir is where `go test -fuzz` keeps the generated corpus of this
// module's targets: $GOCACHE/fuzz/MODULE, one PKG/FuzzX folder a target.
func cacheDir() (string, error) {
	cache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOCACHE: %v", err)
	}
	mod, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(cache)), "fuzz", strings.TrimSpace(string(mod))), nil
}

type job struct{ pkg, target string }

func listTargets(pkg string) ([]string, error) {
	out, err := exec.Command("go", "test", "-list", "^Fuzz", pkg).Output()
	if err != nil {
		return nil, err
	}
	var ts []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Fuzz") {
			ts = append(ts, strings.TrimSpace(l))
		}
	}
	return ts, nil
}

// status is one progress line of `go test -fuzz`.
type status struct {
	elapsed          time.Duration
	execs            int64
	newInputs, total int
}

var statusRE = regexp.MustCompile(`elapsed: (\w+), execs: (\d+) .*new interesting: (\d+) \(total: (\d+)\)`)

// parseStatus reads a progress line such as
// "fuzz: elapsed: 3m0s, execs: 1234 (411/sec), new interesting: 12 (total: 40)".
func parseStatus(line string) (status, bool) {
	m := statusRE.FindStringSubmatch(line)
	if m == nil {
		return status{}, false
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		return status{}, false
	}
	execs, _ := strconv.ParseInt(m[2], 10, 64)
	n, _ := strconv.Atoi(m[3])
	total, _ := strconv.Atoi(m[4])
	return status{d, execs, n, total}, true
}

// windowStart is the index of the last progress line at least one window
// before the newest; ok is false while the history is shorter than that.
func windowStart(history []status, window time.Duration) (int, bool) {
	if len(history) == 0 {
		return 0, false
	}
	last := history[len(history)-1]
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].elapsed <= last.elapsed-window {
			return i, true
		}
	}
	return 0, false
}

// growth is how many new inputs the last window of history added; ok is
// false while the history is shorter than the window.
func growth(history []status, window time.Duration) (int, bool) {
	if len(history) == 0 {
		return 0, false
	}
	last := history[len(history)-1]
	i, ok := windowStart(history, window)
	if !ok {
		return last.newInputs, false
	}
	return last.newInputs - history[i].newInputs, true
}

// starved reports whether the last window ran fewer than half the
// executions a second that the run averaged before it: a fuzzer that other
// work kept off the CPU finds few inputs because it ran few, which is not
// a plateau.
func starved(history []status, window time.Duration) bool {
	i, ok := windowStart(history, window)
	if !ok {
		return true
	}
	last, first := history[len(history)-1], history[i]
	span := last.elapsed - first.elapsed
	if first.elapsed <= 0 || span <= 0 {
		return true
	}
	rate := float64(first.execs) / first.elapsed.Seconds()
	windowRate := float64(last.execs-first.execs) / span.Seconds()
	return windowRate < rate/2
}

// plateaued reports whether a target that has run at least min has found
// fewer than least new inputs in the last window, and ran at no less than
// half its average speed in that window.
func plateaued(history []status, min, window time.Duration, least int) bool {
	if len(history) == 0 || history[len(history)-1].elapsed < min {
		return false
	}
	g, ok := growth(history, window)
	return ok && g < least && !starved(history, window)
}

type result struct {
	elapsed          time.Duration
	why              string
	execs            int64
	newInputs, total int
	growth           int
	failed           bool
}

func run(j job, min, max, window time.Duration, least int, log io.Writer) result {
	cmd := exec.Command("go", "test", "-run", "^$", "-fuzz", "^"+j.target+"$", "-fuzztime", max.String(),
		"-fuzzminimizetime", "5s", "-parallel=1", j.pkg)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return result{why: err.Error(), failed: true}
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return result{why: err.Error(), failed: true}
	}
	var history []status
	why := "time"
	var tail []string
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if tail = append(tail, line); len(tail) > 40 {
			tail = tail[1:]
		}
		s, ok := parseStatus(line)
		if !ok {
			continue
		}
		history = append(history, s)
		if why == "time" && plateaued(history, min, window, least) {
			why = "plateau"
			// The whole process group: go test and its fuzz workers.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		}
	}
	err = cmd.Wait()
	r := result{why: why}
	if len(history) > 0 {
		last := history[len(history)-1]
		r.elapsed, r.execs, r.newInputs, r.total = last.elapsed, last.execs, last.newInputs, last.total
		r.growth, _ = growth(history, window)
	}
	if err != nil && why != "plateau" && !deadlineRace(tail) {
		r.why, r.failed = "FAILED", true
		fmt.Fprintf(os.Stderr, "fuzzplateau: %s %s failed:\n%s\n", j.pkg, j.target, strings.Join(tail, "\n"))
	}
	return r
}

// deadlineRace reports whether a fuzz run that exited non-zero only lost
// Go's race at the end of -fuzztime (golang/go#75804, fixed in Go 1.27):
// the coordinator reports "context deadline exceeded" as a failure although
// no input failed. A real failure always writes its input.
func deadlineRace(tail []string) bool {
	deadline := false
	for _, l := range tail {
		if strings.Contains(l, "Failing input written") || strings.Contains(l, "panic:") {
			return false
		}
		if strings.TrimSpace(l) == "context deadline exceeded" {
			deadline = true
		}
	}
	return deadline
}

// compare prints, for each target, what its corpus in an archive and in
// the fuzz cache run: how much a round that began from the archive added.
func compare(jobs []job, archive, cache string) error {
	old, err := os.MkdirTemp("", "fuzzplateau-since-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	if _, err := restoreCorpus(archive, old); err != nil {
		return err
	}
	fmt.Println("| target | inputs, archive → cache | statements run, archive → cache / total | statements first run elsewhere |")
	fmt.Println("| --- | --- | --- | --- |")
	for _, j := range jobs {
		row := "- | -"
		before, ok1 := coverage(j, old)
		after, ok2 := coverage(j, cache)
		if ok1 && ok2 {
			row = fmt.Sprintf("%d → %s | %s", before.count(before.pkg).covered, after.count(after.pkg), gained(before, after))
		}
		fmt.Printf("| %s `%s` | %d → %d | %s |\n", j.pkg, j.target, inputs(old, j), inputs(cache, j), row)
	}
	return nil
}

// inputs counts a target's inputs in a corpus folder laid out as the cache.
func inputs(root string, j job) int {
	entries, _ := os.ReadDir(filepath.Join(root, strings.TrimPrefix(j.pkg, "./"), j.target))
	return len(entries)
}

// coverage copies the target's corpus under root (the fuzz cache, or a
// folder laid out as it is) into a scratch checkout of
// HEAD and runs the target's seeds and corpus with a cover profile of every
// package the test links (-coverpkg=all), so it shows what the corpus runs
// in the package under test and in everything the fuzzer instruments.
func coverage(j job, root string) (prof profile, ok bool) {
	rel := strings.TrimPrefix(j.pkg, "./")
	corpus := filepath.Join(root, rel, j.target)
	tmp, err := os.MkdirTemp("", "fuzzplateau-")
	if err != nil {
		return prof, false
	}
	defer os.RemoveAll(tmp)
	archive := exec.Command("sh", "-c", "git archive HEAD | tar -x -C "+tmp)
	if err := archive.Run(); err != nil {
		return prof, false
	}
	dst := filepath.Join(tmp, rel, "testdata", "fuzz", j.target)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return prof, false
	}
	entries, _ := os.ReadDir(corpus)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(corpus, e.Name()))
		if err == nil {
			_ = os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644)
		}
	}
	list := exec.Command("go", "list", "./"+rel)
	list.Dir = tmp
	importPath, err := list.Output()
	if err != nil {
		return prof, false
	}
	file := filepath.Join(tmp, "cover.out")
	test := exec.Command("go", "test", "-run", "^"+j.target+"$", "-coverpkg=all", "-coverprofile", file, "./"+rel)
	test.Dir = tmp
	if err := test.Run(); err != nil {
		return prof, false
	}
	f, err := os.Open(file)
	if err != nil {
		return prof, false
	}
	defer f.Close()
	prof, ok = readProfile(f)
	prof.pkg = strings.TrimSpace(string(importPath))
	return prof, ok
}

// cover is a statement count: how many of a package's statements ran.
type cover struct{ covered, total int }

func (c cover) String() string {
	if c.total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d / %d (%.1f%%)", c.covered, c.total, 100*float64(c.covered)/float64(c.total))
}

// profile is a cover profile: each block ("FILE:L.C,L.C") with its
// statements and whether it ran, and the import path of the package under
// test.
type profile struct {
	pkg    string
	blocks map[string]block
}

type block struct {
	stmts int
	ran   bool
}

// blockPackage is the import path of the package a block's file is in.
func blockPackage(name string) string {
	file, _, _ := strings.Cut(name, ":")
	if i := strings.LastIndex(file, "/"); i >= 0 {
		return file[:i]
	}
	return ""
}

// count counts the statements of one package and those that ran.
func (p profile) count(pkg string) cover {
	var c cover
	for name, b := range p.blocks {
		if blockPackage(name) != pkg {
			continue
		}
		c.total += b.stmts
		if b.ran {
			c.covered += b.stmts
		}
	}
	return c
}

// readProfile reads a cover profile ("FILE:L.C,L.C STATEMENTS COUNT" lines
// after the mode line). A block listed twice counts once, run if either
// ran.
func readProfile(r io.Reader) (profile, bool) {
	p := profile{blocks: map[string]block{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || strings.HasPrefix(f[0], "mode:") {
			continue
		}
		n, err1 := strconv.Atoi(f[1])
		c, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return profile{}, false
		}
		b := p.blocks[f[0]]
		b.stmts, b.ran = n, b.ran || c > 0
		p.blocks[f[0]] = b
	}
	if sc.Err() != nil || len(p.blocks) == 0 {
		return profile{}, false
	}
	return p, true
}

// unsteady reports whether a package's coverage is left out of the
// elsewhere count: go test -fuzz does not instrument it (runtime, sync,
// time, testing, reflect, syscall, context, internal/fuzz,
// internal/godebug, internal/sync, internal/runtime/maps), or its coverage
// depends on more than the inputs: the scheduler and internal/poll, what
// the garbage collector has cleared (unique, weak), and internal/strconv,
// which formats the durations the testing package prints. The same corpus
// measured twice differed in internal/strconv by 3–4 statements and in
// unique and weak by 40.
func unsteady(pkg string) bool {
	for _, p := range []string{"runtime", "internal/runtime", "internal/sync", "internal/fuzz", "internal/godebug", "internal/poll", "internal/strconv", "unique", "weak", "sync", "reflect", "time", "testing", "syscall", "context"} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// spread lists the statements that ran after but not before, by package.
type spread struct {
	total int
	pkgs  []pkgGrowth
}

type pkgGrowth struct {
	pkg   string
	stmts int
}

// gained counts the statements outside the package under test that the
// corpus ran after the run and not before, leaving out unsteady packages.
func gained(before, after profile) spread {
	by := map[string]int{}
	for name, b := range after.blocks {
		pkg := blockPackage(name)
		if !b.ran || before.blocks[name].ran || pkg == after.pkg || unsteady(pkg) {
			continue
		}
		by[pkg] += b.stmts
	}
	var g spread
	for pkg, n := range by {
		g.total += n
		g.pkgs = append(g.pkgs, pkgGrowth{pkg, n})
	}
	slices.SortFunc(g.pkgs, func(a, b pkgGrowth) int {
		if a.stmts != b.stmts {
			return b.stmts - a.stmts
		}
		return strings.Compare(a.pkg, b.pkg)
	})
	return g
}

// String gives the total and the three packages that gained most:
// "+377 (gopkg.in/yaml.v3 +219, fmt +144, …)".
func (g spread) String() string {
	if g.total == 0 {
		return "+0"
	}
	var parts []string
	for i, p := range g.pkgs {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s +%d", p.pkg, p.stmts))
	}
	return fmt.Sprintf("+%d (%s)", g.total, strings.Join(parts, ", "))
}
