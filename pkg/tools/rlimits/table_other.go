//go:build !linux

package rlimits

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Table is the resource limits every Unix has, in prlimit's order (by name).
var Table = []Resource{
	{"AS", "address space limit", "bytes", unix.RLIMIT_AS, 'v', "virtual memory              (kbytes, -v)", 1024},
	{"CORE", "max core file size", "bytes", unix.RLIMIT_CORE, 'c', "core file size              (blocks, -c)", 512},
	{"CPU", "CPU time", "seconds", unix.RLIMIT_CPU, 't', "cpu time                   (seconds, -t)", 1},
	{"DATA", "max data size", "bytes", unix.RLIMIT_DATA, 'd', "data seg size               (kbytes, -d)", 1024},
	{"FSIZE", "max file size", "bytes", unix.RLIMIT_FSIZE, 'f', "file size                   (blocks, -f)", 512},
	{"NOFILE", "max number of open files", "files", unix.RLIMIT_NOFILE, 'n', "open files                          (-n)", 1},
	{"STACK", "max stack size", "bytes", unix.RLIMIT_STACK, 's', "stack size                  (kbytes, -s)", 1024},
}

const allFlags = "cdfnpstv"

// Get returns the soft and hard limit r of this process (pid 0; others only on Linux).
func Get(pid int, r Resource) (cur, max uint64, err error) {
	if pid != 0 {
		return 0, 0, errors.New("reading another process's limits is supported on Linux only")
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(r.Resource, &lim); err != nil {
		return 0, 0, err
	}
	return lim.Cur, lim.Max, nil
}
