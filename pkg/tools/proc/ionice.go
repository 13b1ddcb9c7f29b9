//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Ionice is ionice: get or set the I/O scheduling class and priority, as util-linux's.
//
//	ionice [-c CLASS] [-n LEVEL] [-t] -p PID... | -P PGID... | -u UID... | COMMAND [ARG]...
var Ionice = tools.Applet{Name: "ionice", Summary: "get or set the I/O scheduling class and priority", Run: runIonice}

// The ioprio_get/ioprio_set "which" values and the layout of a priority
// (linux/ioprio.h): the class in the top bits, its level below.
const (
	ioprioWhoProcess = 1
	ioprioWhoPgrp    = 2
	ioprioWhoUser    = 3
	ioprioClassShift = 13
)

var ioClasses = []string{"none", "realtime", "best-effort", "idle"}

func runIonice(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("ionice", "")
	fs.StopAtOperand = true
	class, classSet := fs.StringSet('c', "class", "")
	level, levelSet := fs.StringSet('n', "classdata", "4")
	ignore := fs.Bool('t', "ignore")
	who := ioprioWhoProcess
	fs.BoolFunc('p', "pid", func() { who = ioprioWhoProcess })
	fs.BoolFunc('P', "pgid", func() { who = ioprioWhoPgrp })
	fs.BoolFunc('u', "uid", func() { who = ioprioWhoUser })
	ids := false
	for _, a := range args[1:] {
		ids = ids || a == "-p" || a == "-P" || a == "-u" || a == "--pid" || a == "--pgid" || a == "--uid"
	}
	if ids {
		fs.StopAtOperand = false
	}
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "ionice [-c CLASS] [-n LEVEL] [-t] -p PID... | -P PGID... | -u UID... | COMMAND [ARG]...\n"+
			"CLASS: 0 none, 1 realtime, 2 best-effort, 3 idle; LEVEL 0 (highest) to 7. Without -c, prints the class and level.")
	}
	if err != nil {
		env.Errorf("ionice", "%v (ionice --help)", err)
		return 1
	}
	c := 0
	if *classSet {
		c = -1
		for i, name := range ioClasses {
			if *class == name || *class == strconv.Itoa(i) {
				c = i
			}
		}
		if c < 0 {
			env.Errorf("ionice", "unknown scheduling class: '%s'", *class)
			return 1
		}
	}
	data, err := strconv.Atoi(*level)
	if err != nil {
		env.Errorf("ionice", "invalid class data argument: '%s'", *level)
		return 1
	}
	if !*classSet && *levelSet {
		c = 2 // a level alone is best-effort's, as util-linux takes it
	}
	if c == 3 || c == 0 {
		data = 0
	}
	prio := c<<ioprioClassShift | data
	if !ids {
		if len(ops) == 0 {
			ops, ids = []string{"0"}, true
		} else if !*classSet && !*levelSet {
			env.Errorf("ionice", "a command needs a class (-c) to run it with")
			return 1
		}
	}
	if !ids {
		cmd, status := commandProcess(env, ops)
		if cmd == nil {
			return status
		}
		err := startOnThread(cmd, func() error {
			if _, _, e := unix.Syscall(unix.SYS_IOPRIO_SET, ioprioWhoProcess, uintptr(unix.Gettid()), uintptr(prio)); e != 0 && !*ignore {
				return fmt.Errorf("ioprio_set failed: %w", e)
			}
			return nil
		})
		if err != nil {
			env.Errorf("ionice", "%v", err)
			return 1
		}
		return waitStatus(ctx, env, cmd)
	}
	status := 0
	for _, op := range ops {
		id, err := strconv.Atoi(op)
		if err != nil {
			env.Errorf("ionice", "invalid ID argument: '%s'", op)
			return 1
		}
		if *classSet {
			if _, _, e := unix.Syscall(unix.SYS_IOPRIO_SET, uintptr(who), uintptr(id), uintptr(prio)); e != 0 && !*ignore {
				env.Errorf("ionice", "ioprio_set failed: %v", e)
				status = 1
			}
			continue
		}
		r, _, e := unix.Syscall(unix.SYS_IOPRIO_GET, uintptr(who), uintptr(id), 0)
		if e != 0 {
			env.Errorf("ionice", "ioprio_get failed: %v", e)
			status = 1
			continue
		}
		fmt.Fprintln(env.Stdout, formatIoprio(int(r)))
	}
	return status
}

func formatIoprio(p int) string {
	c, data := p>>ioprioClassShift, p&(1<<ioprioClassShift-1)
	name := "unknown"
	if c < len(ioClasses) {
		name = ioClasses[c]
	}
	if c == 3 {
		return name
	}
	return strings.Join([]string{name, ": prio ", strconv.Itoa(data)}, "")
}
