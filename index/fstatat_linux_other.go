//go:build linux && !amd64 && !arm64

package index

import "golang.org/x/sys/unix"

// fstatat is unix.Fstatat for a name ending in NUL.
func fstatat(dirFd int, name []byte, st *unix.Stat_t, flags int) error {
	return unix.Fstatat(dirFd, string(name[:len(name)-1]), st, flags)
}
