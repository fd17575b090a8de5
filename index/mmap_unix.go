//go:build unix

package index

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only. The mapping is never released: the
// decoded tickets point into it, and the file is only ever replaced by a
// rename, never changed in place.
func mapFile(f *os.File, size int64) ([]byte, error) {
	if size == 0 {
		return nil, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
}
