package archive

import "golang.org/x/sys/unix"

func mknodat(dirfd int, name string, mode uint32, major, minor int64) error {
	return unix.Mknodat(dirfd, name, mode, int(unix.Mkdev(uint32(major), uint32(minor))))
}
