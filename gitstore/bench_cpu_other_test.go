//go:build !unix

package gitstore

import (
	"testing"
	"time"
)

func cpuTime(b *testing.B) time.Duration { return 0 }
