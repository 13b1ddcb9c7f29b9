//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Pidof is pidof: print the pids of programs by name.
var Pidof = tools.Applet{Name: "pidof", Summary: "print the pids of programs by name", Run: runPidof}

func runPidof(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("pidof", "")
	single := fs.Bool('s', "single-shot")
	omit := fs.List('o', "omit-pid")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "pidof [-s] [-o PID] PROGRAM...")
	}
	if err != nil || len(ops) == 0 {
		env.Errorf("pidof", "need a program name (%v)", err)
		return 2
	}
	fsys := procfile.Default
	procs, err := listProcesses(fsys, need{args: true})
	if err != nil {
		env.Errorf("pidof", "%v", err)
		return 1
	}
	// pidof itself is not omitted: sysvinit's "pidof pidof" lists its own pid.
	omitted := map[int]bool{}
	for _, o := range *omit {
		for _, f := range strings.Split(o, ",") {
			if f == "%PPID" {
				omitted[syscall.Getppid()] = true
			} else if n, err := strconv.Atoi(f); err == nil {
				omitted[n] = true
			}
		}
	}
	var found []string
	for _, name := range ops {
		// newest first, as sysvinit pidof prints
		for i := len(procs) - 1; i >= 0; i-- {
			p := procs[i]
			if omitted[p.PID] || !pidofMatch(p, name) {
				continue
			}
			found = append(found, strconv.Itoa(p.PID))
			if *single {
				break
			}
		}
	}
	if len(found) == 0 {
		return 1
	}
	fmt.Fprintln(env.Stdout, strings.Join(found, " "))
	return 0
}

// pidofMatch matches name against the base name of argv[0], or comm for kernel threads and
// processes whose argv[0] was rewritten.
func pidofMatch(p *process, name string) bool {
	if len(p.Args) > 0 {
		a0 := p.Args[0]
		if i := strings.LastIndexByte(a0, '/'); i >= 0 && !strings.Contains(name, "/") {
			a0 = a0[i+1:]
		}
		if a0 == name {
			return true
		}
	}
	return p.Comm == name
}
