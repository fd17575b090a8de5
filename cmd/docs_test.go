package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDocsUpToDate fails when docs/cli no longer matches the command tree:
// every user-facing change updates its docs in the same commit.
func TestDocsUpToDate(t *testing.T) {
	tmp := t.TempDir()
	app := &App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	if err := writeDocs(NewRoot(app), tmp, true, app); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "docs", "cli")
	want, _ := filepath.Glob(filepath.Join(tmp, "*.md"))
	have, _ := filepath.Glob(filepath.Join(committed, "*.md"))
	hint := "regenerate with: rm -r docs/cli && go run ./cmd/ticket man --markdown docs/cli"
	if len(want) != len(have) {
		t.Fatalf("docs/cli has %d pages, the command tree %d; %s", len(have), len(want), hint)
	}
	for _, w := range want {
		got, err := os.ReadFile(filepath.Join(committed, filepath.Base(w)))
		if err != nil {
			t.Fatalf("%v; %s", err, hint)
		}
		exp, _ := os.ReadFile(w)
		if !bytes.Equal(got, exp) {
			t.Errorf("docs/cli/%s is out of date; %s", filepath.Base(w), hint)
		}
	}
}
