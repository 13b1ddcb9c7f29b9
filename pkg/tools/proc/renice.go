//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Renice is renice: set the niceness of running processes, as util-linux's.
//
//	renice [-n] PRIORITY [-p|-g|-u] ID...
var Renice = tools.Applet{Name: "renice", Summary: "set the niceness of running processes", Run: runRenice}

func runRenice(_ context.Context, env *tools.Env, args []string) int {
	const usage = "renice [-n] PRIORITY [-p|-g|-u] ID...\n" +
		"Sets the niceness of processes (-p, the default), process groups (-g) or users' processes (-u)."
	// Hand-parsed, as kill is: -p, -g and -u may come between the ids and change how the
	// ones after them are read, and the priority may be negative (renice -5 123).
	which, kind := unix.PRIO_PROCESS, "process ID"
	type target struct {
		which int
		kind  string
		id    string
	}
	var prio string
	var targets []target
	for i := 1; i < len(args); i++ {
		switch a := args[i]; a {
		case "-h", "--help":
			return tools.Usage(env, usage)
		case "-n", "--priority":
			if i+1 < len(args) {
				prio = args[i+1]
				i++
			}
		case "-p", "--pid":
			which, kind = unix.PRIO_PROCESS, "process ID"
		case "-g", "--pgrp":
			which, kind = unix.PRIO_PGRP, "process group ID"
		case "-u", "--user":
			which, kind = unix.PRIO_USER, "user ID"
		default:
			if _, err := strconv.Atoi(a); err != nil && len(a) > 1 && a[0] == '-' {
				env.Errorf("renice", "invalid option %s (renice --help)", a)
				return 1
			}
			if prio == "" {
				prio = a
				continue
			}
			targets = append(targets, target{which, kind, a})
		}
	}
	n, err := strconv.Atoi(prio)
	if err != nil || len(targets) == 0 {
		env.Errorf("renice", "need a priority and at least one id (renice --help)")
		return 1
	}
	var db *userdb.DB
	status := 0
	for _, t := range targets {
		which, kind, op := t.which, t.kind, t.id
		id, err := strconv.Atoi(op)
		if err != nil && which == unix.PRIO_USER {
			if db == nil {
				db = userdb.Load("/")
			}
			if u, ok := db.LookupUser(op); ok {
				id, err = u.UID, nil
			}
		}
		if err != nil {
			env.Errorf("renice", "unknown %s: %s", kind, op)
			status = 1
			continue
		}
		old, err := niceness(which, id)
		if err == nil {
			err = unix.Setpriority(which, id, n)
		}
		if err != nil {
			env.Errorf("renice", "failed to set priority for %d (%s): %v", id, kind, err)
			status = 1
			continue
		}
		now, _ := niceness(which, id)
		fmt.Fprintf(env.Stdout, "%d (%s) old priority %d, new priority %d\n", id, kind, old, now)
	}
	return status
}
