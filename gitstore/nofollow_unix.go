//go:build unix

package gitstore

import (
	"bytes"
	"errors"
	"os"
	"syscall"
)

// readNoFollow reads a file, refusing a symbolic link with errIsLink: the
// open itself does not follow one, so there is no window between a check
// and the read.
func readNoFollow(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, errIsLink
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Size() < 1<<30 {
		b.Grow(int(fi.Size()) + 512)
	}
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}
