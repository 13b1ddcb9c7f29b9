package files

import (
	"os"
	"syscall"
)

// ddMemory is the most one of dd's buffers may take. Go cannot allocate past 2^47 bytes
// at all; below that, a kernel that overcommits always (vm.overcommit_memory=1) grants any
// size, as it does GNU dd's malloc, and any other refuses one larger than memory and swap
// (sysinfo(2)), which Go would not survive.
func ddMemory() int64 {
	const goMax = 1 << 47
	if b, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err == nil && len(b) > 0 && b[0] == '1' {
		return goMax
	}
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return goMax
	}
	unit := max(int64(si.Unit), 1)
	return min((int64(si.Totalram)+int64(si.Totalswap))*unit, goMax)
}
