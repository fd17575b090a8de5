package gitstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// indexExtensions lists the extension signatures of an index file.
func indexExtensions(t *testing.T, repo string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	ri, err := parseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	var sigs []string
	for off := ri.offs[ri.count()]; off+8 <= ri.extEnd; {
		sigs = append(sigs, string(data[off:off+4]))
		off += 8 + int(binary.BigEndian.Uint32(data[off+4:]))
	}
	return sigs
}

func TestApplyKeepsCachedTrees(t *testing.T) {
	repo := newRepo(t)
	for i := 0; i < 5; i++ {
		writeFile(t, filepath.Join(repo, "tickets", fmt.Sprint("d", i), "t.md"), "x\n")
	}
	writeFile(t, filepath.Join(repo, "docs", "a.md"), "a\n")
	commitAll(t, repo, "start")
	gitc(t, repo, "write-tree") // fills the cached trees
	if sigs := indexExtensions(t, repo); len(sigs) == 0 || sigs[0] != "TREE" {
		t.Fatalf("setup: no TREE extension: %v", sigs)
	}

	s := openStore(t, repo)
	if _, err := s.Apply([]Change{
		{Path: "tickets/d1/t.md", Data: []byte("changed\n")},
		{Path: "tickets/new/n.md", Data: []byte("n\n")},
		{Path: "tickets/d3/t.md", Delete: true},
	}, CommitOptions{Message: "apply"}); err != nil {
		t.Fatal(err)
	}
	if sigs := indexExtensions(t, repo); len(sigs) != 1 || sigs[0] != "TREE" {
		t.Errorf("extensions after Apply = %v, want [TREE]", sigs)
	}
	data, _ := os.ReadFile(filepath.Join(repo, ".git", "index"))
	ri, _ := parseIndex(data)
	ct, err := parseCacheTree(data[ri.offs[ri.count()]+8 : ri.extEnd])
	if err != nil {
		t.Fatal(err)
	}
	valid := map[string]bool{}
	var walk func(n *cacheTree, p string)
	walk = func(n *cacheTree, p string) {
		valid[p] = n.count >= 0
		for _, c := range n.subs {
			walk(c, strings.TrimPrefix(p+"/"+c.name, "/"))
		}
	}
	walk(ct, "")
	for p, want := range map[string]bool{"": false, "tickets": false, "tickets/d1": false,
		"tickets/d3": false, "tickets/d0": true, "docs": true} {
		if valid[p] != want {
			t.Errorf("cached tree %q valid = %v, want %v", p, valid[p], want)
		}
	}
	assertClean(t, repo)
	assertIndexTreeMatchesHead(t, repo)

	// A commit by git itself on top builds the right tree from the index.
	writeFile(t, filepath.Join(repo, "docs", "b.md"), "b\n")
	gitc(t, repo, "add", "docs/b.md")
	gitc(t, repo, "commit", "-q", "-m", "by git")
	got := gitc(t, repo, "ls-tree", "-r", "--name-only", "HEAD")
	want := ".ticket/config.yml\ndocs/a.md\ndocs/b.md\ntickets/d0/t.md\ntickets/d1/t.md\n" +
		"tickets/d2/t.md\ntickets/d4/t.md\ntickets/new/n.md\n"
	if got != want {
		t.Errorf("ls-tree after git commit:\n%s\nwant:\n%s", got, want)
	}
	if b := gitc(t, repo, "show", "HEAD:tickets/d1/t.md"); b != "changed\n" {
		t.Errorf("tickets/d1/t.md = %q", b)
	}
	assertClean(t, repo)
	assertFsck(t, repo)
}

func TestIndexDropsOptionalExtensions(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "a.md"), "a\n")
	commitAll(t, repo, "start")
	gitc(t, repo, "config", "core.untrackedCache", "true")
	gitc(t, repo, "config", "index.recordEndOfIndexEntries", "true")
	gitc(t, repo, "config", "index.recordOffsetTable", "true")
	gitc(t, repo, "update-index", "--untracked-cache")
	gitc(t, repo, "status", "--porcelain")
	s := openStore(t, repo)
	if _, err := s.Apply([]Change{{Path: "b.md", Data: []byte("b\n")}}, CommitOptions{Message: "b"}); err != nil {
		t.Fatal(err)
	}
	for _, sig := range indexExtensions(t, repo) {
		if sig != "TREE" && sig != "REUC" {
			t.Errorf("kept extension %s", sig)
		}
	}
	assertClean(t, repo)
	assertIndexTreeMatchesHead(t, repo)
}

func TestIndexSpliceRandomized(t *testing.T) {
	repo := newRepo(t)
	commitAll(t, repo, "start")
	s := openStore(t, repo)
	rng := rand.New(rand.NewSource(7))
	dirs := []string{"", "a", "a/b", "a/b/c", "a.b", "ab", "z", "z/y"}
	names := []string{"x.md", "y.md", "a", "z", "a-b.md", "0"}
	files := map[string]string{".ticket/config.yml": "version: 1\n"}
	steps := 20
	if testing.Short() {
		steps = 8
	}
	for step := 0; step < steps; step++ {
		var cs []Change
		touched := map[string]bool{}
		for k := rng.Intn(4) + 1; k > 0; k-- {
			p := strings.TrimPrefix(dirs[rng.Intn(len(dirs))]+"/"+names[rng.Intn(len(names))], "/")
			if touched[p] || conflicts(files, touched, p) {
				continue
			}
			touched[p] = true
			if _, ok := files[p]; ok && rng.Intn(3) == 0 {
				cs = append(cs, Change{Path: p, Delete: true})
				delete(files, p)
				continue
			}
			data := fmt.Sprintf("step %d %s\n", step, p)
			cs = append(cs, Change{Path: p, Data: []byte(data)})
			files[p] = data
		}
		if len(cs) == 0 {
			continue
		}
		if _, err := s.Apply(cs, CommitOptions{Message: fmt.Sprint("step ", step)}); err != nil {
			t.Fatalf("step %d %v: %v", step, cs, err)
		}
		var want []string
		for p := range files {
			want = append(want, p)
		}
		sort.Strings(want)
		var got []string
		for _, l := range lines(gitc(t, repo, "ls-files", "-s")) {
			_, p, _ := strings.Cut(l, "\t")
			got = append(got, p)
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("step %d: ls-files\n%v\nwant\n%v", step, got, want)
		}
		assertClean(t, repo)
		if step%5 == 4 {
			// git refills the cached trees; later splices must keep them right.
			assertIndexTreeMatchesHead(t, repo)
		}
	}
	assertFsck(t, repo)
}

// conflicts reports whether p would turn a file into a folder or back.
func conflicts(files map[string]string, touched map[string]bool, p string) bool {
	for d := parentDir(p); d != ""; d = parentDir(d) {
		if _, ok := files[d]; ok || touched[d] {
			return true
		}
	}
	for f := range files {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	for f := range touched {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

func TestCacheTreeRoundTrip(t *testing.T) {
	var b strings.Builder
	b.WriteString("\x003 2\n" + strings.Repeat("a", 20))
	b.WriteString("x\x00-1 1\n")
	b.WriteString("y\x001 0\n" + strings.Repeat("b", 20))
	b.WriteString("z\x001 0\n" + strings.Repeat("c", 20))
	in := b.String()
	ct, err := parseCacheTree([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ct.encode(&buf)
	if buf.String() != in {
		t.Errorf("round trip:\n%q\n%q", buf.String(), in)
	}
	ct.invalidate("x/y/file")
	buf.Reset()
	ct.encode(&buf)
	want := "\x00-1 2\nx\x00-1 1\ny\x00-1 0\nz\x001 0\n" + strings.Repeat("c", 20)
	if buf.String() != want {
		t.Errorf("invalidated:\n%q\nwant\n%q", buf.String(), want)
	}
	if _, err := parseCacheTree([]byte("x\x001 0\n")); err == nil {
		t.Error("truncated TREE accepted")
	}
}
