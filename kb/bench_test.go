package kb

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/internal/kbgen"
)

// benchArticles is the size of the generated knowledge base:
// KB_BENCH_ARTICLES=10000 go test ./kb -run '^$' -bench Build -benchtime 1x
func benchArticles(b *testing.B) int {
	if v := os.Getenv("KB_BENCH_ARTICLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("KB_BENCH_ARTICLES=%q is not a positive number", v)
		}
		return n
	}
	return 1000
}

// benchDesk writes n generated articles (package kbgen) into a new desk's
// work tree; go run ./internal/kbgen/cmd writes the same desk for timing
// the command itself.
func benchDesk(b *testing.B, n int) *desk.Desk {
	b.Helper()
	dir := b.TempDir()
	if _, err := kbgen.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	d, err := desk.Open(dir, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkBuild is a cold build: read every article through the desk
// reader, render, and write the site into an empty folder.
func BenchmarkBuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	b.ResetTimer()
	for range b.N {
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(src, Options{Out: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Pages), "files")
	}
}

// BenchmarkRebuild is a build over the previous output with nothing
// changed, in a fresh process (no render cache): every page is rendered
// and compared, nothing is written.
func BenchmarkRebuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	out := b.TempDir()
	src, err := Load(d, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Build(src, Options{Out: out}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(src, Options{Out: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Written != 0 {
			b.Fatalf("rebuild wrote %d files", res.Written)
		}
	}
}

// BenchmarkServeRebuild is what kb serve does after one article changed:
// the builder keeps rendered articles and renders only the changed one.
func BenchmarkServeRebuild(b *testing.B) {
	n := benchArticles(b)
	d := benchDesk(b, n)
	out := b.TempDir()
	bl := NewBuilder()
	src, err := Load(d, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bl.Build(src, Options{Out: out}); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(d.Store.Dir(), Dir, kbgen.FileName(1, "en"))
	b.ResetTimer()
	for i := range b.N {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(file, append(data, fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		src, err := Load(d, "")
		if err != nil {
			b.Fatal(err)
		}
		res, err := bl.Build(src, Options{Out: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rendered != 1 {
			b.Fatalf("rendered %d articles after one changed", res.Rendered)
		}
	}
}

// BenchmarkTokenise reads a 1 MB code block of one-character tokens (JSON
// on "@", each an error token), the worst case for merging runs of one
// type; the lexer alone is BenchmarkTokenise/lexer.
func BenchmarkTokenise(b *testing.B) {
	code := strings.Repeat("@", 1<<20)
	lexer := lexers.Get("json")
	b.Run("merged", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		for i := 0; i < b.N; i++ {
			if tokens, err := tokenise(lexer, code, time.Time{}); err != nil || tokens == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lexer", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		for i := 0; i < b.N; i++ {
			it, err := lexer.Tokenise(nil, code)
			if err != nil {
				b.Fatal(err)
			}
			for t := it(); t != chroma.EOF; t = it() {
			}
		}
	})
}
