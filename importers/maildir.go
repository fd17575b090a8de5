package importers

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ReadMaildir reads the messages of a Maildir: the files of cur/ and new/
// (tmp/ holds deliveries in progress and is ignored). With recursive, the
// Maildir++ subfolders (".Sub", ".Sub.Folder") follow the top folder, in
// name order. Within a folder, files are ordered by the delivery time at the
// start of their name ("1700000000.M1P2.host:2,S"), then by name; names
// without a time come last. Hidden files are skipped. fn gets the path and
// the bytes; an error from fn stops the reading and is returned wrapped
// with the path.
func ReadMaildir(dir string, recursive bool, fn func(path string, raw []byte) error) error {
	return ReadMaildirLimit(dir, recursive, 0, func(p string, raw []byte, _ error) error { return fn(p, raw) })
}

// ReadMaildirLimit is ReadMaildir holding at most KeepLimit(limit) bytes
// of any file (see ReadMessage): a larger message reaches fn cut, with over
// set to an *OversizeError. limit 0 is no limit.
func ReadMaildirLimit(dir string, recursive bool, limit int64, fn func(path string, raw []byte, over error) error) error {
	folders := []string{dir}
	if recursive {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("maildir %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() && strings.HasPrefix(name, ".") && name != "." && name != ".." && isMaildir(filepath.Join(dir, name)) {
				folders = append(folders, filepath.Join(dir, name))
			}
		}
		sort.Strings(folders[1:])
	}
	if !isMaildir(dir) {
		return fmt.Errorf("maildir %s: no cur or new folder", dir)
	}
	for _, f := range folders {
		if err := readMaildirFolder(f, limit, fn); err != nil {
			return err
		}
	}
	return nil
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

type maildirFile struct {
	path string
	name string
	t    int64
}

func readMaildirFolder(dir string, limit int64, fn func(string, []byte, error) error) error {
	var files []maildirFile
	for _, sub := range []string{"cur", "new"} {
		d := filepath.Join(dir, sub)
		entries, err := os.ReadDir(d)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("maildir %s: %w", d, err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
				continue
			}
			files = append(files, maildirFile{path: filepath.Join(d, name), name: name, t: maildirTime(name)})
		}
	}
	sort.SliceStable(files, func(i, j int) bool {
		if files[i].t != files[j].t {
			return files[i].t < files[j].t
		}
		if files[i].name != files[j].name {
			return files[i].name < files[j].name
		}
		return files[i].path < files[j].path
	})
	for _, f := range files {
		raw, over, err := readFileLimit(f.path, limit)
		if err != nil {
			return fmt.Errorf("maildir %s: %w", f.path, err)
		}
		if err := fn(f.path, raw, over); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
	}
	return nil
}

// maildirTime reads the seconds at the start of a Maildir file name; names
// that do not start with digits sort after all others.
func maildirTime(name string) int64 {
	end := 0
	for end < len(name) && name[end] >= '0' && name[end] <= '9' {
		end++
	}
	if end == 0 || end > 18 {
		return 1<<63 - 1
	}
	t, err := strconv.ParseInt(name[:end], 10, 64)
	if err != nil {
		return 1<<63 - 1
	}
	return t
}
