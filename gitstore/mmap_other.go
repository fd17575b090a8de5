//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package gitstore

import "os"

func readMapped(path string) ([]byte, func(), error) {
	b, err := os.ReadFile(path)
	return b, nil, err
}
