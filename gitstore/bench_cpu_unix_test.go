//go:build unix

package gitstore

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU the process has used so far; on a shared machine it
// is steadier than wall time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
