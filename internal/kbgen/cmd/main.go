// Command kbgen writes a generated knowledge base for benchmarks into a new
// desk (see package kbgen), or, with -articles-only, only the article files
// into a folder.
//
//	go run ./internal/kbgen/cmd -n 10000 -o /tmp/kb10k
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ticketdesk/ticket/internal/kbgen"
)

func main() {
	n := flag.Int("n", 1000, "number of articles")
	out := flag.String("o", "", "desk folder to create")
	only := flag.Bool("articles-only", false, "write only the article files into -o, no desk")
	flag.Parse()
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "kbgen: give -o DIR and -n N (N ≥ 1)")
		os.Exit(2)
	}
	write := kbgen.Write
	if *only {
		write = kbgen.WriteArticles
	}
	st, err := write(*out, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d articles, %d files (%d public, %d internal), %d with a second language, %d with code\n",
		st.Articles, st.Files, st.PublicFiles, st.Internal, st.Translated, st.CodeBlocks)
}
