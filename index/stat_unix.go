//go:build linux

package index

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// lstatFd fills the parts of a key that tell a changed file from an
// unchanged one without reading it, as git's index does. ok is false when
// the file is gone or not a regular file. Statting relative to the open
// folder dirFd (named dir in errors) saves a path walk per file. name ends
// in a NUL byte.
func lstatFd(dirFd int, dir string, name []byte, k *key) (bool, error) {
	var st unix.Stat_t
	for {
		err := fstatat(dirFd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, &fs.PathError{Op: "lstat", Path: dir + "/" + string(name[:len(name)-1]), Err: err}
		}
		break
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false, nil
	}
	k.size = int64(st.Size)
	k.mtime = int64(st.Mtim.Sec)*1e9 + int64(st.Mtim.Nsec)
	k.ctime = int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec)
	k.ino = uint64(st.Ino)
	return true, nil
}
