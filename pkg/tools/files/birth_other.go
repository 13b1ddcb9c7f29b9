//go:build !linux

package files

import (
	"io/fs"
	"syscall"
)

// birthTime is unknown where statx(2) is not available.
func birthTime(string, fs.FileInfo) (syscall.Timespec, bool) { return syscall.Timespec{}, false }
