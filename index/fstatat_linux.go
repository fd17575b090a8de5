//go:build linux && (amd64 || arm64)

package index

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// fstatat is unix.Fstatat for a name already ending in NUL (name[len-1]
// == 0), which saves copying every name of a listing into a new C string.
func fstatat(dirFd int, name []byte, st *unix.Stat_t, flags int) error {
	_, _, e := unix.Syscall6(sysFstatat, uintptr(dirFd), uintptr(unsafe.Pointer(&name[0])), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
