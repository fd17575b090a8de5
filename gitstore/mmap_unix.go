//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package gitstore

import (
	"io"
	"os"
	"syscall"
)

// readMapped maps a file read-only. Git replaces files like the index by
// renaming a new one into place, never by writing in place, so the mapping
// stays valid while it is used.
func readMapped(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size <= 0 || int64(int(size)) != size {
		b, err := io.ReadAll(f)
		return b, nil, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		b, err := io.ReadAll(f)
		return b, nil, err
	}
	return b, func() { syscall.Munmap(b) }, nil
}
