//go:build linux

package index

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ticketdesk/ticket/ticket"
)

// scratch is a worker's buffers, reused from folder to folder.
type scratch struct{ dents, names []byte }

// listShard lists one folder tickets/XY with the stat data of each ticket
// file, sorted by name. It reads the directory with getdents itself and
// stats relative to the open folder: os.File.ReadDir allocates an entry
// per file and a path walk per stat costs as much again, and at 100,000
// tickets this pass is most of a warm listing. The paths of a folder
// share one string.
func listShard(base, shard string, sc *scratch) ([]key, error) {
	dir := filepath.Join(base, shard)
	fd, err := openDir(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	if sc.dents == nil {
		sc.dents = make([]byte, 32<<10)
	}
	// names holds "tickets/XY/NAME.md\x00" for each ticket file.
	prefix := ticket.TicketsDir + "/" + shard + "/"
	names := sc.names[:0]
	type span struct{ from, to int } // the path, without the NUL
	var spans []span
	for {
		n, err := unix.Getdents(fd, sc.dents)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n <= 0 {
			break
		}
		for off := 0; off+19 <= n; {
			// struct linux_dirent64: ino u64, off s64, reclen u16,
			// type u8, name NUL-terminated.
			d := sc.dents
			reclen := int(d[off+16]) | int(d[off+17])<<8
			if reclen == 0 || off+reclen > n {
				break
			}
			typ := d[off+18]
			name := d[off+19 : off+reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			off += reclen
			if (typ != unix.DT_REG && typ != unix.DT_UNKNOWN) || !bytes.HasSuffix(name, []byte(".md")) {
				continue
			}
			from := len(names)
			names = append(names, prefix...)
			names = append(names, name...)
			spans = append(spans, span{from, len(names)})
			names = append(names, 0)
		}
	}
	sc.names = names
	all := string(names)
	out := make([]key, 0, len(spans))
	for _, s := range spans {
		p := all[s.from:s.to]
		if ticket.IDFromPath(p) == "" {
			continue
		}
		out = append(out, key{path: p})
	}
	slices.SortFunc(out, func(a, b key) int { return strings.Compare(a.path, b.path) })
	kept := out[:0]
	for _, k := range out {
		// The name with the NUL that follows it in all; strings are
		// never written, so the kernel may read it in place.
		name := k.path[len(prefix):]
		ok, err := lstatFd(fd, dir, unsafe.Slice(unsafe.StringData(name), len(name)+1), &k)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, k)
		}
	}
	return kept, nil
}

func openDir(dir string) (int, error) {
	for {
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
