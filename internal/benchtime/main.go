// Command benchtime runs a shell command several times and prints its median
// wall time and peak memory, for scripts/bench.sh. These machines are noisy:
// medians of several runs, and ratios measured in the same run, are what the
// benchmark report uses.
//
//	go run ./internal/benchtime -runs 7 -prepare 'CMD' -- 'ticket list --json >/dev/null'
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "how many timed runs")
	warm := flag.Int("warmup", 1, "untimed runs first")
	prepare := flag.String("prepare", "", "shell command run before every run, untimed")
	label := flag.String("label", "", "name printed with the result")
	flag.Parse()
	cmd := strings.Join(flag.Args(), " ")
	if cmd == "" {
		fmt.Fprintln(os.Stderr, "benchtime: no command")
		os.Exit(2)
	}
	var times []time.Duration
	var peak int64
	for i := 0; i < *warm+*runs; i++ {
		if *prepare != "" {
			if err := sh(*prepare).Run(); err != nil {
				fmt.Fprintf(os.Stderr, "benchtime: prepare failed: %v\n", err)
				os.Exit(1)
			}
		}
		c := sh(cmd)
		start := time.Now()
		if err := c.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "benchtime: %s: %v\n", cmd, err)
			os.Exit(1)
		}
		d := time.Since(start)
		if i < *warm {
			continue
		}
		times = append(times, d)
		if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	med := times[len(times)/2]
	name := *label
	if name == "" {
		name = cmd
	}
	// Machine-readable: label, median seconds, min, max, peak RSS in MB.
	fmt.Printf("%s\t%.4f\t%.4f\t%.4f\t%.0f\n", name, med.Seconds(), times[0].Seconds(), times[len(times)-1].Seconds(), float64(peak)/1024)
}

func sh(cmd string) *exec.Cmd {
	c := exec.Command("sh", "-c", cmd)
	c.Stdout, c.Stderr = nil, os.Stderr
	return c
}
