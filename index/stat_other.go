//go:build !unix

package index

import "os"

func statKey(fi os.FileInfo, k *key) {
	k.size = fi.Size()
	k.mtime = fi.ModTime().UnixNano()
}
