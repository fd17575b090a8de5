package cmd

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update-scripts", false, "rewrite testscript expectations in place")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ticket": func() { os.Exit(Run(os.Args[1:], Stdio())) },
	})
}

// TestScripts runs the end-to-end stories in testdata/script: the real
// ticket binary in real git repositories.
func TestScripts(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("the end-to-end tests need git on PATH")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *updateScripts,
		RequireExplicitExec: true,
		Setup:               scriptSetup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"setenv-stdout": cmdSetenvStdout,
			"grepcount":     cmdGrepCount,
		},
	})
}

// scriptSetup gives every script its own home with a git identity, a fixed
// clock and no colours, so output is exact.
func scriptSetup(env *testscript.Env) error {
	// Home lives beside the work folder so it never shows in `git status`.
	home := env.WorkDir + ".home"
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	cfg := "[user]\n\tname = Alice Agent\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(gitconfig, []byte(cfg), 0o644); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"HOME": home, "GIT_CONFIG_GLOBAL": gitconfig, "GIT_CONFIG_NOSYSTEM": "1",
		"TICKET_NOW": "2026-11-20T10:00:00Z", "NO_COLOR": "1", "TZ": "UTC",
		"GIT_AUTHOR_DATE": "", "EDITOR": "false", "PAGER": "cat",
	} {
		env.Setenv(k, v)
	}
	return nil
}

// setenv-stdout NAME sets $NAME to the trimmed standard output of the last
// command, so a script can use an id it just created.
func cmdSetenvStdout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: setenv-stdout NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}

// grepcount N REGEXP FILE checks how many lines of FILE match.
func cmdGrepCount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: grepcount N REGEXP FILE")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	n := 0
	for _, l := range strings.Split(ts.ReadFile(args[2]), "\n") {
		if re.MatchString(l) {
			n++
		}
	}
	if got := fmt.Sprint(n); (got == args[0]) == neg {
		ts.Fatalf("%s: %d lines match %q, want %s%s", args[2], n, args[1], map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}
