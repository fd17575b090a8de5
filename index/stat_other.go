//go:build !linux

package index

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ticketdesk/ticket/ticket"
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

// scratch is unused here: the portable listing needs no buffers.
type scratch struct{}

func listShard(base, shard string, _ *scratch) ([]key, error) {
	f, err := os.Open(filepath.Join(base, shard))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	out := make([]key, 0, len(ents))
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		p := ticket.TicketsDir + "/" + shard + "/" + e.Name()
		if ticket.IDFromPath(p) == "" {
			continue
		}
		k := key{path: p}
		ok, err := lstatAt(f, e.Name(), &k)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, k)
		}
	}
	return out, nil
}
