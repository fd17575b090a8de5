//go:build !linux

package gitstore

import "os"

// statData is the part of a file's stat that git keeps in its index to tell
// whether a file changed without reading it.
type statData struct {
	ctimeSec, ctimeNsec uint32
	mtimeSec, mtimeNsec uint32
	dev, ino            uint32
	uid, gid            uint32
	size                uint32
}

// statOf falls back to the portable fields; git then re-reads the file once
// to confirm it is unchanged, which is correct, only slower.
func statOf(fi os.FileInfo) statData { return portableStat(fi) }
