package kb

import (
	"os"
	"syscall"
)

// createFile creates the file name, which must not exist, writes data and
// returns its modification time. It uses the system calls directly: an
// os.File costs several more per file (the poller, flags), which adds up
// over the tens of thousands of pages of a large site.
func createFile(name string, data []byte) (int64, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = syscall.Write(fd, data)
		if err == syscall.EINTR {
			err = nil
			continue
		}
		if n == 0 && err == nil {
			err = syscall.EIO
		}
		data = data[n:]
	}
	var st syscall.Stat_t
	if err == nil {
		err = syscall.Fstat(fd, &st)
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		syscall.Unlink(name)
		return 0, &os.PathError{Op: "write", Path: name, Err: err}
	}
	return int64(st.Mtim.Sec)*1e9 + int64(st.Mtim.Nsec), nil
}
