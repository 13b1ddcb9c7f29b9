package rlimits

import "golang.org/x/sys/unix"

// Table is every resource limit of Linux, in prlimit's order (by name).
var Table = []Resource{
	{"AS", "address space limit", "bytes", unix.RLIMIT_AS, 'v', "virtual memory              (kbytes, -v)", 1024},
	{"CORE", "max core file size", "bytes", unix.RLIMIT_CORE, 'c', "core file size              (blocks, -c)", 512},
	{"CPU", "CPU time", "seconds", unix.RLIMIT_CPU, 't', "cpu time                   (seconds, -t)", 1},
	{"DATA", "max data size", "bytes", unix.RLIMIT_DATA, 'd', "data seg size               (kbytes, -d)", 1024},
	{"FSIZE", "max file size", "bytes", unix.RLIMIT_FSIZE, 'f', "file size                   (blocks, -f)", 512},
	{"LOCKS", "max number of file locks held", "locks", unix.RLIMIT_LOCKS, 'x', "file locks                          (-x)", 1},
	{"MEMLOCK", "max locked-in-memory address space", "bytes", unix.RLIMIT_MEMLOCK, 'l', "max locked memory           (kbytes, -l)", 1024},
	{"MSGQUEUE", "max bytes in POSIX mqueues", "bytes", unix.RLIMIT_MSGQUEUE, 'q', "POSIX message queues         (bytes, -q)", 1},
	{"NICE", "max nice prio allowed to raise", "", unix.RLIMIT_NICE, 'e', "scheduling priority                 (-e)", 1},
	{"NOFILE", "max number of open files", "files", unix.RLIMIT_NOFILE, 'n', "open files                          (-n)", 1},
	{"NPROC", "max number of processes", "processes", unix.RLIMIT_NPROC, 'u', "max user processes                  (-u)", 1},
	{"RSS", "max resident set size", "bytes", unix.RLIMIT_RSS, 'm', "max memory size             (kbytes, -m)", 1024},
	{"RTPRIO", "max real-time priority", "", unix.RLIMIT_RTPRIO, 'r', "real-time priority                  (-r)", 1},
	{"RTTIME", "timeout for real-time tasks", "microsecs", unix.RLIMIT_RTTIME, 'R', "real-time non-blocking time  (microseconds, -R)", 1},
	{"SIGPENDING", "max number of pending signals", "signals", unix.RLIMIT_SIGPENDING, 'i', "pending signals                     (-i)", 1},
	{"STACK", "max stack size", "bytes", unix.RLIMIT_STACK, 's', "stack size                  (kbytes, -s)", 1024},
}

// allFlags is ulimit -a's lines in bash's order.
const allFlags = "Rcdefilmnpqrstuvx"

// Get returns the soft and hard limit r of process pid (0: this process), with prlimit(2):
// /proc/<pid>/limits would do, but procfs's parser keeps only the soft limits.
func Get(pid int, r Resource) (cur, max uint64, err error) {
	var lim unix.Rlimit
	if err := unix.Prlimit(pid, r.Resource, nil, &lim); err != nil {
		return 0, 0, err
	}
	return lim.Cur, lim.Max, nil
}
