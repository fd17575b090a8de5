// Command ticket is a help desk that lives in git.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	cli "github.com/ticketdesk/ticket/cmd"
)

func main() { os.Exit(run()) }

// run is main with TICKET_CPUPROFILE=FILE: a CPU profile of the whole
// command for `go tool pprof`, as docs/benchmarks.md uses it.
func run() int {
	if p := os.Getenv("TICKET_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ticket: TICKET_CPUPROFILE: %v\n", err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "ticket: TICKET_CPUPROFILE=%s: %v\n", p, err)
			return 1
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	return cli.Run(os.Args[1:], cli.Stdio())
}
