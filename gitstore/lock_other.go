//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package gitstore

import (
	"errors"
	"os"
)

// Without flock, a second lock file created exclusively stands in; it can
// outlive a crashed process and then has to be removed by hand.
func tryLock(f *os.File) (bool, error) {
	g, err := os.OpenFile(f.Name()+".held", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, g.Close()
}

func unlock(f *os.File) { os.Remove(f.Name() + ".held") }
