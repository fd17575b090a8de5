package gitstore

import (
	"bufio"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Benchmarks run on a generated desk of TICKET_BENCH_FILES tickets (2,000 by
// default, so `go test -bench .` stays quick) with TICKET_BENCH_COMMITS
// commits of history after the import. To reproduce the figures for 100,000
// tickets:
//
//	TICKET_BENCH_FILES=100000 go test ./gitstore -run '^$' -bench . -benchtime 50x

func benchEnv(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("%s=%q: %v", name, v, err)
		}
		return n
	}
	return def
}

// benchTicketPath spreads tickets over monthly folders of about 1,000, the
// layout a desk keeps to stay browsable on a git host.
func benchTicketPath(i, files int) string {
	months := max(1, files/1000)
	m := i % months
	return fmt.Sprintf("tickets/%d/%02d/%06x.md", 2020+m/12, m%12+1, i*7919%0xffffff)
}

func benchTicket(i, rev int) string {
	return fmt.Sprintf("---\nid: %06x\ntitle: Order %d did not arrive\nstatus: open\nrevision: %d\n---\n\n"+
		"## customer\n\nHello, my order %d has not arrived yet. Could you check where it is?\n"+
		"It was due last week and the tracking page has not changed since.\n\nThanks, Customer %d\n",
		i, i, rev, i, i)
}

// newBenchDesk writes a desk of files tickets and commits history with git
// fast-import (packed, as a real clone would be), then checks it out.
func newBenchDesk(b *testing.B, files, commits int) string {
	b.Helper()
	repo := newRepo(b)
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = repo
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(in, 1<<20)
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	data := func(s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }
	commit := func(msg string, files map[string]string) {
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\n", when)
		when += 60
		data(msg)
		for p, c := range files {
			fmt.Fprintf(w, "M 100644 inline %s\n", p)
			data(c)
		}
	}
	fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\n", when)
	data("import")
	fmt.Fprintf(w, "M 100644 inline .ticket/config.yml\n")
	data("version: 1\n")
	for i := 0; i < files; i++ {
		fmt.Fprintf(w, "M 100644 inline %s\n", benchTicketPath(i, files))
		data(benchTicket(i, 0))
	}
	rng := rand.New(rand.NewSource(1))
	for c := 1; c <= commits; c++ {
		i := rng.Intn(files)
		if c%10 == 0 {
			i = 0 // ticket 0 is the one whose history is read
		}
		commit(fmt.Sprint("reply ", c), map[string]string{benchTicketPath(i, files): benchTicket(i, c)})
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		b.Fatalf("git fast-import: %v", err)
	}
	gitc(b, repo, "reset", "-q", "--hard", "main")
	return repo
}

func BenchmarkApplyOneFile(b *testing.B) {
	files := benchEnv(b, "TICKET_BENCH_FILES", 2000)
	repo := newBenchDesk(b, files, 10)
	s := openStore(b, repo)
	author := Signature{Name: "Bench", Email: "bench@example.com", When: time.Now()}
	b.Run(fmt.Sprintf("files=%d/open-store", files), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			p := benchTicketPath(i%files, files)
			_, err := s.Apply([]Change{{Path: p, Data: []byte(benchTicket(i, i+1000))}},
				CommitOptions{Message: "reply", Author: author})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("files=%d/open-each-time", files), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			s, err := Open(repo)
			if err != nil {
				b.Fatal(err)
			}
			p := benchTicketPath((i+7)%files, files)
			_, err = s.Apply([]Change{{Path: p, Data: []byte(benchTicket(i, i+2000))}},
				CommitOptions{Message: "reply", Author: author})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLog(b *testing.B) {
	files := benchEnv(b, "TICKET_BENCH_FILES", 2000)
	commits := benchEnv(b, "TICKET_BENCH_COMMITS", 500)
	repo := newBenchDesk(b, files, commits)
	s := openStore(b, repo)
	p := benchTicketPath(0, files)
	b.Run(fmt.Sprintf("files=%d/commits=%d", files, commits), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			cs, err := s.Log(p, 0)
			if err != nil {
				b.Fatal(err)
			}
			if len(cs) != commits/10+1 {
				b.Fatalf("Log found %d commits, want %d", len(cs), commits/10+1)
			}
		}
	})
}

func BenchmarkAtRefList(b *testing.B) {
	files := benchEnv(b, "TICKET_BENCH_FILES", 2000)
	repo := newBenchDesk(b, files, 0)
	s := openStore(b, repo)
	b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			r, err := s.AtRef("HEAD")
			if err != nil {
				b.Fatal(err)
			}
			l, err := r.List("tickets")
			if err != nil {
				b.Fatal(err)
			}
			if len(l) != files {
				b.Fatalf("List found %d files", len(l))
			}
		}
	})
}

// BenchmarkReadFiles is the physical limit the others are measured against:
// reading every ticket file straight from disk.
func BenchmarkReadFiles(b *testing.B) {
	files := benchEnv(b, "TICKET_BENCH_FILES", 2000)
	repo := newBenchDesk(b, files, 0)
	b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			for k := 0; k < files; k++ {
				if _, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(benchTicketPath(k, files)))); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// reportCPU adds CPU milliseconds per operation to a benchmark's results.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() {
		b.ReportMetric(float64(cpuTime(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkIndexSplice measures the index update alone on a synthetic index
// of TICKET_BENCH_FILES entries: map, splice one entry, hash, write.
func BenchmarkIndexSplice(b *testing.B) {
	files := benchEnv(b, "TICKET_BENCH_FILES", 2000)
	names := make([]string, files)
	for i := range names {
		names[i] = benchTicketPath(i, files)
	}
	sort.Strings(names)
	var data []byte
	data = append(data, "DIRC"...)
	data = binary.BigEndian.AppendUint32(data, 2)
	data = binary.BigEndian.AppendUint32(data, uint32(files))
	for _, n := range names {
		data = append(data, encodeIndexEntry(n, filemode.Regular, plumbing.ZeroHash, statData{})...)
	}
	sum := sha1.Sum(data)
	data = append(data, sum[:]...)
	dir := b.TempDir()
	index := filepath.Join(dir, "index")
	if err := os.WriteFile(index, data, 0o666); err != nil {
		b.Fatal(err)
	}
	up := []indexUpdate{{name: names[files/2], entry: encodeIndexEntry(names[files/2], filemode.Regular, plumbing.ZeroHash, statData{size: 1})}}
	b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			old, unmap, err := readMapped(index)
			if err != nil {
				b.Fatal(err)
			}
			lk, err := lockFile(index)
			if err != nil {
				b.Fatal(err)
			}
			if err := spliceIndex(old, up, lk); err != nil {
				b.Fatal(err)
			}
			if err := lk.commit(); err != nil {
				b.Fatal(err)
			}
			if unmap != nil {
				unmap()
			}
		}
	})
}
