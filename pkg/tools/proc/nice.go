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

// Nice is nice: run a command at another niceness, or print the current one.
//
//	nice [-n ADJUSTMENT | -ADJUSTMENT] [COMMAND [ARG]...]
var Nice = tools.Applet{Name: "nice", Summary: "run a command at another niceness (priority), or print the niceness", Run: runNice}

func runNice(ctx context.Context, env *tools.Env, args []string) int {
	rest := args[1:]
	adj := "10"
	// The old form, nice -5 or nice --5, as GNU still takes it.
	if len(rest) > 0 && len(rest[0]) > 1 && rest[0][0] == '-' {
		if _, err := strconv.Atoi(strings.TrimPrefix(rest[0][1:], "-")); err == nil {
			adj, rest = rest[0][1:], rest[1:]
		}
	}
	fs := gnuflag.New("nice", "")
	fs.StopAtOperand = true
	n, given := fs.StringSet('n', "adjustment", adj)
	ops, err := fs.ParseArgs(rest)
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "nice [-n ADJUSTMENT] [COMMAND [ARG]...]\n"+
			"Runs COMMAND with its niceness raised by ADJUSTMENT (10; negative needs CAP_SYS_NICE); alone, prints the niceness.")
	}
	if err != nil {
		env.Errorf("nice", "%v (nice --help)", err)
		return 125
	}
	cur, err := niceness(unix.PRIO_PROCESS, 0)
	if err != nil {
		env.Errorf("nice", "reading the niceness: %v", err)
		return 125
	}
	if len(ops) == 0 {
		if *given || adj != "10" {
			env.Errorf("nice", "a command must be given with an adjustment")
			return 125
		}
		fmt.Fprintln(env.Stdout, cur)
		return 0
	}
	inc, err := strconv.Atoi(*n)
	if err != nil {
		env.Errorf("nice", "invalid adjustment %q", *n)
		return 125
	}
	cmd, status := commandProcess(env, ops)
	if cmd == nil {
		return status
	}
	target := min(max(cur+inc, -20), 19)
	err = startOnThread(cmd, func() error {
		if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), target); err != nil {
			// As GNU nice: say so, and run the command all the same.
			env.Errorf("nice", "cannot set niceness: %v", err)
		}
		return nil
	})
	if err != nil {
		return startFailed(env, "nice", cmd, err)
	}
	return waitStatus(ctx, env, cmd)
}

// niceness is getpriority(2) as a niceness from -20 to 19 (the system call returns
// 20 - niceness, so that no value is negative).
func niceness(which, who int) (int, error) {
	p, err := unix.Getpriority(which, who)
	return 20 - p, err
}
