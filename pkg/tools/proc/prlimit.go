//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/columns"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/rlimits"
)

// Prlimit is prlimit: show the resource limits of a process.
var Prlimit = tools.Applet{Name: "prlimit", Summary: "show the resource limits of a process", Run: runPrlimit}

func runPrlimit(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("prlimit", "")
	pidFlag := fs.String('p', "pid", "")
	noHead := fs.Bool(0, "noheadings")
	raw := fs.Bool(0, "raw")
	var only []*bool
	for _, r := range rlimits.Table {
		only = append(only, fs.Bool(0, strings.ToLower(r.Name)))
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
	var sel []rlimits.Resource
	for i, r := range rlimits.Table {
		if *only[i] {
			sel = append(sel, r)
		}
	}
	if len(sel) == 0 {
		sel = rlimits.Table
	}
	t := &columns.Table{Right: []bool{false, false, true, true, false}, HideHeader: *noHead}
	t.Add("RESOURCE", "DESCRIPTION", "SOFT", "HARD", "UNITS")
	for _, r := range sel {
		cur, max, err := rlimits.Get(pid, r)
		if err != nil {
			env.Errorf("prlimit", "failed to get the %s resource limit of pid %d: %v", r.Name, pid, err)
			return 1
		}
		t.Add(r.Name, r.Desc, rlimits.Format(cur, 1), rlimits.Format(max, 1), r.Units)
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
