//go:build !linux

package kb

import "os"

// createFile creates the file name, which must not exist, writes data and
// returns its modification time.
func createFile(name string, data []byte) (int64, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	_, err = f.Write(data)
	var mtime int64
	if err == nil {
		var info os.FileInfo
		if info, err = f.Stat(); err == nil {
			mtime = info.ModTime().UnixNano()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return 0, err
	}
	return mtime, nil
}
