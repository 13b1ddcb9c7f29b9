package files

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// birthTime is the creation time of the file at p (fi is what was stat'ed: p itself when
// it is a symbolic link, else what p leads to), from statx(2); false when the file system
// does not record it.
func birthTime(p string, fi fs.FileInfo) (syscall.Timespec, bool) {
	flags := unix.AT_STATX_SYNC_AS_STAT
	if fi.Mode()&fs.ModeSymlink != 0 {
		flags |= unix.AT_SYMLINK_NOFOLLOW
	}
	var sx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, p, flags, unix.STATX_BTIME, &sx); err != nil || sx.Mask&unix.STATX_BTIME == 0 {
		return syscall.Timespec{}, false
	}
	return syscall.Timespec{Sec: sx.Btime.Sec, Nsec: int64(sx.Btime.Nsec)}, true
}
