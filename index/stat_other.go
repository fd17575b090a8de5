//go:build !linux

package index

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

func lstatAt(dir *os.File, name string, k *key) (bool, error) {
	fi, err := os.Lstat(filepath.Join(dir.Name(), name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, nil
	}
	k.size = fi.Size()
	k.mtime = fi.ModTime().UnixNano()
	return true, nil
}
