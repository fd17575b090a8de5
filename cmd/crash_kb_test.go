package cmd

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/internal/kbgen"
)

// TestCrashKBBuild kills `ticket kb build` at random moments, both into an
// empty folder and over the site of an earlier build whose articles have
// since changed, been added or deleted. The killed build is of a commit
// with one more article, taken back before the next build, as when an
// article published by mistake is withdrawn. The next build must leave
// exactly the site an uninterrupted build makes: the same files with the
// same bytes, and nothing else (no temporary file, no page of a withdrawn
// article a customer could still read).
func TestCrashKBBuild(t *testing.T) {
	h := newHarness(t)
	iters := envCount(t, "TICKET_CRASH_ITER", 4)
	root := t.TempDir()
	base := h.newDesk(root)
	const n = 150
	if _, err := kbgen.WriteArticles(filepath.Join(base, "kb"), n); err != nil {
		t.Fatal(err)
	}
	h.must(base, "git", "add", "kb")
	h.must(base, "git", "commit", "-q", "-m", "kb: articles")
	build := []string{"kb", "build", "--base-url", "https://help.acme.example/", "-o"}

	// The earlier site, then a change of a third of the articles, two
	// deletions and a new one.
	old := filepath.Join(root, "old-site")
	h.must(base, "ticket", append(build, old)...)
	for i := 0; i < n; i += 3 {
		p := filepath.Join(base, "kb", kbgen.FileName(i, "en"))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p, append(data, fmt.Sprintf("\nChanged after the first build (%d).\n", i)...), 0o644)
	}
	for _, i := range []int{4, 7} {
		h.must(base, "git", "rm", "-q", filepath.Join("kb", kbgen.FileName(i, "en")))
	}
	os.WriteFile(filepath.Join(base, "kb", kbgen.FileName(n, "en")), kbgen.Article(n, n+2, "en"), 0o644)
	withdrawn := filepath.Join("kb", kbgen.FileName(n+1, "en"))
	os.WriteFile(filepath.Join(base, withdrawn), kbgen.Article(n+1, n+2, "en"), 0o644)
	h.must(base, "git", "add", "kb")
	h.must(base, "git", "commit", "-q", "-m", "kb: changes")
	killedRef := h.must(base, "git", "rev-parse", "HEAD")
	h.must(base, "git", "rm", "-q", withdrawn)
	h.must(base, "git", "commit", "-q", "-m", "kb: withdraw an article")

	ref := filepath.Join(root, "ref-site")
	full := h.timed(base, "ticket", append(build, ref)...)
	want := siteFiles(t, ref)
	if gone := filepath.Join("en", kbgen.Slug(4)+".html"); !fileIn(siteFiles(t, old), gone) || fileIn(want, gone) {
		t.Fatalf("%s should be in the old site and not in the new one; the test needs it", gone)
	}
	if fileIn(want, filepath.Join("en", kbgen.Slug(n+1)+".html")) {
		t.Fatal("the withdrawn article is in the site of the final commit")
	}

	for i := range iters {
		out := filepath.Join(root, fmt.Sprintf("site%d", i))
		if i%2 == 1 {
			h.must(root, "cp", "-a", old, out)
		}
		wasKilled, delay, _ := h.killed(base, full, append([]string{"kb", "build", "--ref", killedRef}, append(build[2:], out)...)...)
		h.must(base, "ticket", append(build, out)...)
		if diff := diffSites(want, siteFiles(t, out)); diff != "" {
			t.Fatalf("run %d (over the old site: %v, killed=%v after %v): the site differs from an uninterrupted build:\n%s",
				i, i%2 == 1, wasKilled, delay, diff)
		}
		t.Logf("run %d: over the old site %v, killed=%v after %v of %v", i, i%2 == 1, wasKilled, delay.Round(time.Millisecond), full.Round(time.Millisecond))
		os.RemoveAll(out)
	}
}

// siteFiles lists every file under dir with a hash of its bytes; the
// build's manifest is left out, as it records modification times.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == ".kb-manifest" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileIn(files map[string]string, rel string) bool {
	_, ok := files[filepath.ToSlash(rel)]
	return ok
}

// diffSites names the files missing, extra or different in got.
func diffSites(want, got map[string]string) string {
	var lines []string
	for f, h := range want {
		switch g, ok := got[f]; {
		case !ok:
			lines = append(lines, "missing "+f)
		case g != h:
			lines = append(lines, "different "+f)
		}
	}
	for f := range got {
		if _, ok := want[f]; !ok {
			lines = append(lines, "extra "+f)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
