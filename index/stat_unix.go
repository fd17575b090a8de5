//go:build linux

package index

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// lstatAt fills the parts of a key that tell a changed file from an
// unchanged one without reading it, as git's index does. ok is false when
// the file is gone or not a regular file. Statting relative to the open
// folder saves a path walk per file.
func lstatAt(dir *os.File, name string, k *key) (bool, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, &fs.PathError{Op: "lstat", Path: dir.Name() + "/" + name, Err: err}
		}
		break
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false, nil
	}
	k.size = st.Size
	k.mtime = st.Mtim.Sec*1e9 + st.Mtim.Nsec
	k.ctime = st.Ctim.Sec*1e9 + st.Ctim.Nsec
	k.ino = uint64(st.Ino)
	return true, nil
}
