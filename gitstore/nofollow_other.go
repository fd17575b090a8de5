//go:build !unix

package gitstore

import (
	"io/fs"
	"os"
)

// readNoFollow reads a file, refusing a symbolic link with errIsLink.
func readNoFollow(name string) ([]byte, error) {
	if fi, err := os.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errIsLink
	}
	return os.ReadFile(name)
}
