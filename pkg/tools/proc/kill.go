//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
)

// Kill is kill: send a signal to processes.
var Kill = tools.Applet{Name: "kill", Summary: "send a signal to processes", Run: runKill}

// parseSignal accepts 9, KILL, SIGKILL, kill.
func parseSignal(s string) (syscall.Signal, error) {
	if sig, ok := signals.Parse(s); ok {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

func signalList() []string {
	var out []string
	for _, s := range signals.List() {
		out = append(out, s.Name)
	}
	return out
}

func runKill(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "kill [-s SIGNAL | -SIGNAL | -NUM] PID...\n       kill -l [SIGNAL]")
	}
	sig := syscall.SIGTERM
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		a := rest[0]
		switch {
		case a == "--":
			rest = rest[1:]
			goto pids
		case a == "-l" || a == "-L" || a == "--list":
			if len(rest) > 1 {
				if n, err := strconv.Atoi(rest[1]); err == nil {
					if n > 128 {
						n -= 128
					}
					fmt.Fprintln(env.Stdout, signals.Name(syscall.Signal(n)))
					return 0
				}
				s, err := parseSignal(rest[1])
				if err != nil {
					env.Errorf("kill", "%v", err)
					return 1
				}
				fmt.Fprintln(env.Stdout, int(s))
				return 0
			}
			fmt.Fprintln(env.Stdout, strings.Join(signalList(), " "))
			return 0
		case a == "-s" || a == "-n" || a == "--signal":
			if len(rest) < 2 {
				env.Errorf("kill", "option %s needs a signal", a)
				return 2
			}
			s, err := parseSignal(rest[1])
			if err != nil {
				env.Errorf("kill", "%v", err)
				return 2
			}
			sig, rest = s, rest[2:]
			continue
		default:
			s, err := parseSignal(a[1:])
			if err != nil {
				if _, numErr := strconv.Atoi(a); numErr == nil {
					goto pids // a negative pid (process group)
				}
				env.Errorf("kill", "%v", err)
				return 2
			}
			sig = s
		}
		rest = rest[1:]
	}
pids:
	if len(rest) == 0 {
		env.Errorf("kill", "no process id given (kill --help)")
		return 2
	}
	status := 0
	for _, a := range rest {
		pid, err := strconv.Atoi(a)
		if err != nil {
			env.Errorf("kill", "%s: arguments must be process ids", a)
			status = 1
			continue
		}
		if err := syscall.Kill(pid, sig); err != nil {
			env.Errorf("kill", "(%d) - %v", pid, err)
			status = 1
		}
	}
	return status
}
