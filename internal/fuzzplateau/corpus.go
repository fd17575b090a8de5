package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The generated corpus lives in the build cache, which a new machine does
// not have. A corpus archive carries it from one machine to the next: a
// gzipped tar of PKG/FuzzX/INPUT files, sorted and without times, so the
// same corpus always gives the same bytes.

// maxInput bounds one input read from an archive; the fuzzer's own inputs
// stay far below it.
const maxInput = 16 << 20

// saveCorpus writes every input under cache to file and returns how many.
func saveCorpus(file, cache string) (int, error) {
	var names []string
	err := filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == cache {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(cache, p)
			if err != nil {
				return err
			}
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reading the fuzz cache: %v", err)
	}
	sort.Strings(names)
	// The archive is a megabyte or two: build it in memory, then put it
	// in place with one rename so a failed run leaves the old one whole.
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(cache, filepath.FromSlash(name)))
		if err != nil {
			return 0, err
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return 0, err
		}
		if _, err := tw.Write(data); err != nil {
			return 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return len(names), nil
}

// restoreCorpus adds the inputs of file that cache lacks and returns how
// many it added. Only PKG/.../FuzzX/INPUT names are taken: nothing in the
// archive can write outside cache.
func restoreCorpus(file, cache string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", file, err)
	}
	tr := tar.NewReader(zr)
	added := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return added, nil
		}
		if err != nil {
			return added, fmt.Errorf("%s: %v", file, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if !corpusName(hdr.Name) {
			return added, fmt.Errorf("%s: %q is not PKG/FuzzTarget/INPUT; rebuild the archive with -save", file, hdr.Name)
		}
		dst := filepath.Join(cache, filepath.FromSlash(hdr.Name))
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		if hdr.Size > maxInput {
			return added, fmt.Errorf("%s: %s is %d bytes, more than a fuzz input can be (%d)", file, hdr.Name, hdr.Size, maxInput)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return added, fmt.Errorf("%s: %s: %v", file, hdr.Name, err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return added, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return added, err
		}
		added++
	}
}

// corpusName reports whether name is a clean relative PKG/FuzzX/INPUT path.
func corpusName(name string) bool {
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
		return false
	}
	parts := strings.Split(name, "/")
	return len(parts) >= 3 && strings.HasPrefix(parts[len(parts)-2], "Fuzz")
}
