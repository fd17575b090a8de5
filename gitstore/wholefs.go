package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
)

// wholeIndexes is the file system go-git reads and writes the repository
// through. It differs from the one underneath in one way: a pack index
// (objects/pack/*.idx) appears under its name only once it is written
// whole. go-git writes a fetched pack's index straight to pack-SUM.idx and
// renames the pack into place after it. A sync killed while the index was
// being written left a cut index without its pack; the next fetch of the
// same pack found the index there, kept it and renamed the pack beside
// it, so the pack's objects could not be read and git fsck failed. Here
// the index goes to a temporary file beside it, is synced, and is renamed
// over the name when go-git closes it.
type wholeIndexes struct{ billy.Filesystem }

// tmpIndexPrefix begins the name of a pack index being written, by
// wholeIndexes or by the desk's own pack writer, until it is renamed into
// place; a killed sync's recovery removes such files (dropOrphanIndexes).
const tmpIndexPrefix = "tmp_idx_"

func (w wholeIndexes) Create(name string) (billy.File, error) {
	dir, base := filepath.Split(name)
	if filepath.Base(filepath.Clean(dir)) != "pack" || !strings.HasSuffix(base, ".idx") {
		return w.Filesystem.Create(name)
	}
	// git gc removes what tmp_ names in objects/pack once it is old.
	f, err := w.Filesystem.TempFile(dir, tmpIndexPrefix)
	if err != nil {
		return nil, err
	}
	return &wholeFile{File: f, fs: w.Filesystem, name: name}, nil
}

// Chmod and Capabilities pass through: go-git asks the file system for
// them by type assertion.
func (w wholeIndexes) Chmod(name string, mode os.FileMode) error {
	if c, ok := w.Filesystem.(billy.Chmod); ok {
		return c.Chmod(name, mode)
	}
	return errors.New("chmod not supported")
}

func (w wholeIndexes) Capabilities() billy.Capability { return billy.Capabilities(w.Filesystem) }

// wholeFile is a temporary file that is renamed to name when it is closed
// after writes that all succeeded, and removed otherwise.
type wholeFile struct {
	billy.File
	fs     billy.Filesystem
	name   string
	failed bool
}

func (f *wholeFile) Name() string { return f.name }

func (f *wholeFile) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	if err != nil {
		f.failed = true
	}
	return n, err
}

func (f *wholeFile) Close() error {
	tmp := f.File.Name()
	var err error
	if s, ok := f.File.(interface{ Sync() error }); ok && !f.failed {
		err = s.Sync()
	}
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err != nil || f.failed {
		f.fs.Remove(tmp)
		if err == nil {
			err = errors.New(f.name + ": not written whole")
		}
		return err
	}
	if err := f.fs.Rename(tmp, f.name); err != nil {
		f.fs.Remove(tmp)
		return err
	}
	return nil
}
