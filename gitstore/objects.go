package gitstore

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// objectWriter writes loose objects the way git does, with one reused zlib
// stream at git's loose-object level (core.looseCompression defaults to
// best speed). go-git's writer allocates a fresh compressor per object and
// resolves every path through a chroot, which made it the bulk of a commit.
type objectWriter struct {
	dir string // the objects folder of the common git dir
	zw  *zlib.Writer
	buf bytes.Buffer
	hdr []byte
	// The fan-out folders new objects were renamed into, true where this
	// writer created the folder: syncDirs makes those entries durable.
	dirs map[string]bool
}

func (s *Store) newObjectWriter() *objectWriter {
	return &objectWriter{dir: filepath.Join(s.commonDir, "objects")}
}

func (w *objectWriter) write(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	w.hdr = append(append(append(w.hdr[:0], t.String()...), ' '), strconv.Itoa(len(data))...)
	w.hdr = append(w.hdr, 0)
	hs := sha1.New()
	hs.Write(w.hdr)
	hs.Write(data)
	var h plumbing.Hash
	copy(h[:], hs.Sum(nil))
	hex := h.String()
	dir := filepath.Join(w.dir, hex[:2])
	final := filepath.Join(dir, hex[2:])
	if _, err := os.Lstat(final); err == nil {
		return h, nil // already stored; objects are immutable
	}

	w.buf.Reset()
	if w.zw == nil {
		zw, err := zlib.NewWriterLevel(&w.buf, zlib.BestSpeed)
		if err != nil {
			return h, err
		}
		w.zw = zw
	} else {
		w.zw.Reset(&w.buf)
	}
	w.zw.Write(w.hdr)
	w.zw.Write(data)
	if err := w.zw.Close(); err != nil {
		return h, fmt.Errorf("object %s: %w", hex, err)
	}

	created := false
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o777); err == nil {
			created = true
			f, err = os.CreateTemp(dir, "tmp_obj_")
		}
	}
	if err != nil {
		return h, fmt.Errorf("object %s: %w", hex, err)
	}
	_, err = f.Write(w.buf.Bytes())
	if err == nil {
		err = f.Chmod(0o444)
	}
	if err == nil {
		// Synced before it gets its name: a branch may point at it before
		// the next flush of the disk, and an existing object is never
		// rewritten. A command writes a handful; bulk imports write a pack.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), final)
	}
	if err != nil {
		os.Remove(f.Name())
		return h, fmt.Errorf("object %s: %w", hex, err)
	}
	if w.dirs == nil {
		w.dirs = map[string]bool{}
	}
	w.dirs[dir] = w.dirs[dir] || created
	return h, nil
}

// syncDirs makes the names of the objects written so far durable before a
// branch names them: each object is synced before its rename, but a power
// cut could still lose the rename on a file system that does not order
// its journal. Each fan-out folder is synced once, and the objects folder
// when a fan-out folder was made. A writer used again syncs only what is
// new since.
func (w *objectWriter) syncDirs() {
	top := false
	for d, created := range w.dirs {
		syncFolder(d)
		top = top || created
	}
	if top {
		syncFolder(w.dir)
	}
	clear(w.dirs)
}

// encodeTree lays out tree entries, already in git order, as git stores them.
func encodeTree(es []object.TreeEntry) []byte {
	n := 0
	for _, e := range es {
		n += len(e.Name) + 28
	}
	b := make([]byte, 0, n)
	for _, e := range es {
		b = strconv.AppendUint(b, uint64(e.Mode), 8)
		b = append(b, ' ')
		b = append(b, e.Name...)
		b = append(b, 0)
		b = append(b, e.Hash[:]...)
	}
	return b
}
