//go:build !linux

package index

import "os"

func readFileInto(buf []byte, path string, size int64) ([]byte, error) { return os.ReadFile(path) }
