package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCrashEditAndTemplate kills `ticket edit` (its editor a script that
// sets the title) and `ticket template new` at random moments. After each
// kill the repository is sound; running the command again completes the
// work, and the change is in exactly one commit.
func TestCrashEditAndTemplate(t *testing.T) {
	h := newHarness(t)
	iters := envCount(t, "TICKET_CRASH_ITER", 4)
	root := t.TempDir()
	base := h.newDesk(root)
	h.must(base, "ticket", "new", "Kettle leaks", "--customer", "jane@example.com", "-m", "Hello.")
	id := h.must(base, "ticket", "list", "--jq", ".[0].id")
	editor := filepath.Join(root, "editor.sh")
	os.WriteFile(editor, []byte("#!/bin/sh\nsed -i 's/^title: .*/title: Kettle leaks (edited)/' \"$1\"\n"), 0o755)
	he := *h
	he.env = append(slices.Clone(h.env), "EDITOR="+editor, "VISUAL="+editor)
	edit := []string{"edit", id}
	tmpl := []string{"template", "new", "warranty", "--description", "Explain the warranty", "-m", "Hello {{.Customer.FirstName}}, two years."}

	for _, c := range []struct {
		name string
		args []string
		subj string // the commit subject of the change
		done func(dir string) error
	}{
		{"edit", edit, "ticket " + id + ": edit", func(dir string) error {
			if got := he.must(dir, "ticket", "show", id, "--json", "--jq", ".title"); got != "Kettle leaks (edited)" {
				return fmt.Errorf("title %q", got)
			}
			return nil
		}},
		{"template new", tmpl, "templates: new warranty", func(dir string) error {
			if out := he.must(dir, "ticket", "template", "show", "warranty", "--ticket", id); !strings.Contains(out, "Hello there, two years.") {
				return fmt.Errorf("template renders %q", out)
			}
			return nil
		}},
	} {
		ref := filepath.Join(root, "ref")
		he.must(root, "cp", "-a", base, ref)
		full := he.timed(ref, "ticket", c.args...)
		os.RemoveAll(ref)
		for i := range iters {
			dir := filepath.Join(root, fmt.Sprintf("run%d", i))
			he.must(root, "cp", "-a", base, dir)
			wasKilled, delay, _ := he.killed(dir, full, c.args...)
			he.sound(dir)
			he.settled(dir)
			// Again: it completes the work, or finds it done ("… exists").
			if out, code := he.try(dir, nil, "ticket", c.args...); code != 0 && !strings.Contains(out, "exists") {
				t.Fatalf("%s, run %d (killed=%v after %v): again: exit %d\n%s", c.name, i, wasKilled, delay, code, out)
			}
			he.clean(dir)
			if err := c.done(dir); err != nil {
				t.Fatalf("%s, run %d (killed=%v after %v): %v", c.name, i, wasKilled, delay, err)
			}
			if n := countPrefix(he.linear(dir), c.subj); n != 1 {
				t.Fatalf("%s, run %d (killed=%v after %v): %d commits %q, want 1", c.name, i, wasKilled, delay, n, c.subj)
			}
			t.Logf("%s, run %d: killed=%v after %v of %v", c.name, i, wasKilled, delay.Round(time.Millisecond), full.Round(time.Millisecond))
			os.RemoveAll(dir)
		}
	}
}
