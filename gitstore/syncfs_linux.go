//go:build linux

package gitstore

import (
	"os"

	"golang.org/x/sys/unix"
)

// haveSyncFS says whether syncFS works here; without it a bulk commit syncs
// each file.
const haveSyncFS = true

// syncFS flushes every written file of the file system holding dir, in one
// call instead of one fsync per file.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
