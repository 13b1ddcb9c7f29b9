//go:build !darwin

package files

import "syscall"

// The access, modification and change times of a stat result: Linux names them
// Atim/Mtim/Ctim, darwin Atimespec/... (stattime_darwin.go), so the plugin builds on macOS.
func atim(s *syscall.Stat_t) syscall.Timespec { return s.Atim }
func mtim(s *syscall.Stat_t) syscall.Timespec { return s.Mtim }
func ctim(s *syscall.Stat_t) syscall.Timespec { return s.Ctim }

// fsBlockSize is the unit of the block counts of a statfs result.
func fsBlockSize(s *syscall.Statfs_t) uint64 {
	if s.Frsize != 0 {
		return uint64(s.Frsize)
	}
	return uint64(s.Bsize)
}
