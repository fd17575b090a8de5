package gitstore

import "os"

func portableStat(fi os.FileInfo) statData {
	t := fi.ModTime()
	return statData{
		ctimeSec:  uint32(t.Unix()),
		ctimeNsec: uint32(t.Nanosecond()),
		mtimeSec:  uint32(t.Unix()),
		mtimeNsec: uint32(t.Nanosecond()),
		size:      uint32(fi.Size()),
	}
}
