//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package mailout

import "os"

// Without flock the outbox relies on one sender at a time.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) {}
