//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/columns"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"golang.org/x/sys/unix"
)

// Prlimit is prlimit: show the resource limits of a process.
var Prlimit = tools.Applet{Name: "prlimit", Summary: "show the resource limits of a process", Run: runPrlimit}

// Ulimit is ulimit: show the resource limits of this process (read-only).
var Ulimit = tools.Applet{Name: "ulimit", Summary: "show the resource limits of this process (read-only)", Run: runUlimit}

// rlimitInfo describes one resource as prlimit and ulimit name it. Limits are read with
// prlimit(2), not /proc/<pid>/limits: procfs's parser keeps only the soft limits.
type rlimitInfo struct {
	name, desc, units string
	resource          int
	ulimitDesc        string
	ulimitFlag        byte
	ulimitScale       uint64 // divisor for ulimit's unit (1024 for kbytes, 512 for blocks)
}

var rlimits = []rlimitInfo{
	{"AS", "address space limit", "bytes", unix.RLIMIT_AS, "virtual memory              (kbytes, -v)", 'v', 1024},
	{"CORE", "max core file size", "bytes", unix.RLIMIT_CORE, "core file size              (blocks, -c)", 'c', 512},
	{"CPU", "CPU time", "seconds", unix.RLIMIT_CPU, "cpu time                   (seconds, -t)", 't', 1},
	{"DATA", "max data size", "bytes", unix.RLIMIT_DATA, "data seg size               (kbytes, -d)", 'd', 1024},
	{"FSIZE", "max file size", "bytes", unix.RLIMIT_FSIZE, "file size                   (blocks, -f)", 'f', 512},
	{"LOCKS", "max number of file locks held", "locks", unix.RLIMIT_LOCKS, "file locks                          (-x)", 'x', 1},
	{"MEMLOCK", "max locked-in-memory address space", "bytes", unix.RLIMIT_MEMLOCK, "max locked memory           (kbytes, -l)", 'l', 1024},
	{"MSGQUEUE", "max bytes in POSIX mqueues", "bytes", unix.RLIMIT_MSGQUEUE, "POSIX message queues         (bytes, -q)", 'q', 1},
	{"NICE", "max nice prio allowed to raise", "", unix.RLIMIT_NICE, "scheduling priority                 (-e)", 'e', 1},
	{"NOFILE", "max number of open files", "files", unix.RLIMIT_NOFILE, "open files                          (-n)", 'n', 1},
	{"NPROC", "max number of processes", "processes", unix.RLIMIT_NPROC, "max user processes                  (-u)", 'u', 1},
	{"RSS", "max resident set size", "bytes", unix.RLIMIT_RSS, "max memory size             (kbytes, -m)", 'm', 1024},
	{"RTPRIO", "max real-time priority", "", unix.RLIMIT_RTPRIO, "real-time priority                  (-r)", 'r', 1},
	{"RTTIME", "timeout for real-time tasks", "microsecs", unix.RLIMIT_RTTIME, "real-time non-blocking time  (microseconds, -R)", 'R', 1},
	{"SIGPENDING", "max number of pending signals", "signals", unix.RLIMIT_SIGPENDING, "pending signals                     (-i)", 'i', 1},
	{"STACK", "max stack size", "bytes", unix.RLIMIT_STACK, "stack size                  (kbytes, -s)", 's', 1024},
}

func formatRlimit(v, scale uint64) string {
	if v == unix.RLIM_INFINITY {
		return "unlimited"
	}
	return strconv.FormatUint(v/scale, 10)
}

func runPrlimit(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("prlimit", "")
	pidFlag := fs.String('p', "pid", "")
	noHead := fs.Bool(0, "noheadings")
	raw := fs.Bool(0, "raw")
	var only []*bool
	for _, r := range rlimits {
		only = append(only, fs.Bool(0, strings.ToLower(r.name)))
	}
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "prlimit [-p PID] [--nofile|--nproc|--core|...] [--noheadings] [--raw]\nShows limits only; setting them is not supported.")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("prlimit", "bad arguments (%v); setting limits or running a command is not supported", err)
		return 2
	}
	pid := 0
	if *pidFlag != "" {
		if pid, err = strconv.Atoi(*pidFlag); err != nil {
			env.Errorf("prlimit", "invalid PID argument %q", *pidFlag)
			return 2
		}
	}
	var sel []rlimitInfo
	for i, r := range rlimits {
		if *only[i] {
			sel = append(sel, r)
		}
	}
	if len(sel) == 0 {
		sel = rlimits
	}
	t := &columns.Table{Right: []bool{false, false, true, true, false}, HideHeader: *noHead}
	t.Add("RESOURCE", "DESCRIPTION", "SOFT", "HARD", "UNITS")
	for _, r := range sel {
		var lim unix.Rlimit
		if err := unix.Prlimit(pid, r.resource, nil, &lim); err != nil {
			env.Errorf("prlimit", "failed to get the %s resource limit of pid %d: %v", r.name, pid, err)
			return 1
		}
		t.Add(r.name, r.desc, formatRlimit(lim.Cur, 1), formatRlimit(lim.Max, 1), r.units)
	}
	if *raw {
		rows := t.Rows
		if *noHead {
			rows = rows[1:]
		}
		for _, row := range rows {
			fmt.Fprintln(env.Stdout, strings.Join(row, " "))
		}
		return 0
	}
	t.Write(env.Stdout)
	return 0
}

func runUlimit(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "ulimit [-H|-S] [-a | -cdefilmnqrstuvxR]\nShows this process's limits (soft by default); setting them is not supported.")
	}
	hard, all := false, false
	var flags []byte
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			env.Errorf("ulimit", "setting limits is not supported")
			return 2
		}
		for _, c := range []byte(a[1:]) {
			switch c {
			case 'H':
				hard = true
			case 'S':
				hard = false
			case 'a':
				all = true
			default:
				flags = append(flags, c)
			}
		}
	}
	if !all && len(flags) == 0 {
		flags = []byte{'f'}
	}
	pid := os.Getpid()
	show := func(r rlimitInfo, withDesc bool) {
		var lim unix.Rlimit
		if err := unix.Prlimit(pid, r.resource, nil, &lim); err != nil {
			env.Errorf("ulimit", "%s: %v", r.name, err)
			return
		}
		v := lim.Cur
		if hard {
			v = lim.Max
		}
		if withDesc {
			fmt.Fprintf(env.Stdout, "%s %s\n", r.ulimitDesc, formatRlimit(v, r.ulimitScale))
		} else {
			fmt.Fprintln(env.Stdout, formatRlimit(v, r.ulimitScale))
		}
	}
	if all {
		for _, r := range rlimits {
			show(r, true)
		}
		return 0
	}
	for _, f := range flags {
		found := false
		for _, r := range rlimits {
			if r.ulimitFlag == f {
				show(r, len(flags) > 1)
				found = true
			}
		}
		if !found {
			env.Errorf("ulimit", "-%c: invalid option", f)
			return 2
		}
	}
	return 0
}
