//go:build linux

package proc

import (
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
)

// Timeout is timeout: run a command with a time limit.
//
//	timeout [-s SIG] [-k DURATION] [--preserve-status] [--foreground] [-v] DURATION COMMAND [ARG]...
//
// As GNU's: the command runs in a process group of its own (unless --foreground), which
// gets SIG (TERM) when DURATION passes, and KILL -k later; the status is then 124 (137
// after KILL) unless --preserve-status, 125 when timeout itself fails.
var Timeout = tools.Applet{Name: "timeout", Summary: "run a command with a time limit", Run: runTimeout}

func runTimeout(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("timeout", "")
	fs.StopAtOperand = true
	sigName := fs.String('s', "signal", "TERM")
	killAfter := fs.String('k', "kill-after", "")
	preserve := fs.Bool(0, "preserve-status")
	foreground := fs.Bool(0, "foreground")
	verbose := fs.Bool('v', "verbose")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "timeout [-s SIGNAL] [-k DURATION] [--preserve-status] [--foreground] [-v] DURATION COMMAND [ARG]...\n"+
			"Runs COMMAND and sends it SIGNAL (TERM) after DURATION (NUMBER[smhd]; 0: no limit), KILL after -k.\n"+
			"Exit status 124 when the time ran out (137 after KILL), 125 when timeout failed, else COMMAND's.")
	}
	if err == nil && len(ops) < 2 {
		err = errors.New("need a duration and a command")
	}
	if err != nil {
		env.Errorf("timeout", "%v (timeout --help)", err)
		return 125
	}
	sig, ok := signals.Parse(*sigName)
	if !ok {
		env.Errorf("timeout", "%s: invalid signal", *sigName)
		return 125
	}
	limit, err := parseSleep(ops[0])
	var kill time.Duration
	if err == nil && *killAfter != "" {
		kill, err = parseSleep(*killAfter)
	}
	if err != nil {
		env.Errorf("timeout", "%v", err)
		return 125
	}
	cmd, status := commandProcess(env, ops[1:])
	if cmd == nil {
		return status
	}
	if !*foreground {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		return startFailed(env, "timeout", cmd, err)
	}
	send := func(s syscall.Signal) {
		if *verbose {
			env.Errorf("timeout", "sending signal %s to command '%s'", signals.Name(s), ops[1])
		}
		_ = syscall.Kill(cmd.Process.Pid, s)
		if !*foreground {
			_ = syscall.Kill(-cmd.Process.Pid, s)
		}
		if s != syscall.SIGKILL && s != syscall.SIGCONT {
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGCONT)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timer, killTimer <-chan time.Time
	if limit > 0 {
		timer = time.After(limit)
	}
	timedOut, killed := false, false
	for {
		select {
		case err := <-done:
			status := waitedStatus(err, env, ops[1])
			switch {
			case !timedOut || *preserve:
				return status
			case killed:
				return 128 + int(syscall.SIGKILL)
			}
			return 124
		case <-timer:
			timedOut, timer = true, nil
			send(sig)
			if kill > 0 {
				killTimer = time.After(kill)
			}
		case <-killTimer:
			killed, killTimer = true, nil
			send(syscall.SIGKILL)
		case <-ctx.Done():
			send(syscall.SIGTERM)
			ctx = context.Background()
		}
	}
}

// waitedStatus is the shell status of a command that was started and waited for.
func waitedStatus(err error, env *tools.Env, name string) int {
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		env.Errorf(name, "%v", err)
		return 125
	}
	return tools.ExitStatus(err, env, name)
}
