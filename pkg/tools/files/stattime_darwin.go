package files

import "syscall"

func atim(s *syscall.Stat_t) syscall.Timespec { return s.Atimespec }
func mtim(s *syscall.Stat_t) syscall.Timespec { return s.Mtimespec }
func ctim(s *syscall.Stat_t) syscall.Timespec { return s.Ctimespec }

func fsBlockSize(s *syscall.Statfs_t) uint64 { return uint64(s.Bsize) }
