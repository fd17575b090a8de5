package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ticketdesk/ticket/desk"
	"github.com/ticketdesk/ticket/ticket"
)

// BenchmarkReport measures a 90-day report over a desk made by
// internal/benchgen (REPORT_BENCH_N tickets, 2,000 by default; or the desk in
// REPORT_BENCH_DESK), beside loading the same tickets, which is what
// `ticket list --all` costs too:
//
//	go test -run '^$' -bench Report ./report
//	REPORT_BENCH_N=10000 go test -run '^$' -bench Report ./report
func BenchmarkReport(b *testing.B) {
	dir := os.Getenv("REPORT_BENCH_DESK")
	if dir == "" {
		n := 2000
		if v, err := strconv.Atoi(os.Getenv("REPORT_BENCH_N")); err == nil && v > 0 {
			n = v
		}
		dir = filepath.Join(b.TempDir(), "desk")
		gen := exec.Command("go", "run", "../internal/benchgen", "-n", strconv.Itoa(n), "-o", dir)
		if out, err := gen.CombinedOutput(); err != nil {
			b.Fatalf("benchgen: %v\n%s", err, out)
		}
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	d, err := desk.Open(dir, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	load := func() []*ticket.Ticket {
		ls, err := d.LoadAll(d.Store.Worktree(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ts := make([]*ticket.Ticket, len(ls))
		for i, l := range ls {
			ts[i] = l.Ticket
		}
		return ts
	}
	ts := load()
	o := Options{Since: now.AddDate(0, 0, -90), Now: now}

	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			load()
		}
	})
	b.Run("compute", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute(ts, o); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ts)), "ns/ticket")
	})
	b.Run("compute-by-week-channel", func(b *testing.B) {
		o := o
		o.By = []string{"channel", "week"}
		for b.Loop() {
			if _, err := Compute(ts, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load+compute", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute(load(), o); err != nil {
				b.Fatal(err)
			}
		}
	})
}
