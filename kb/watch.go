package kb

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"path/filepath"
)

// Fingerprint sums the names, sizes and modification times of the files a
// site is built from in the work tree of the desk at dir (kb/ and the theme
// overrides), so a server can poll cheaply for changes.
func Fingerprint(dir string) uint64 {
	h := fnv.New64a()
	for _, sub := range []string{Dir, ThemeDir, ".ticket/config.yaml"} {
		filepath.WalkDir(filepath.Join(dir, filepath.FromSlash(sub)), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if info, err := d.Info(); err == nil && !d.IsDir() {
				fmt.Fprintf(h, "%s\x00%d\x00%d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return h.Sum64()
}
