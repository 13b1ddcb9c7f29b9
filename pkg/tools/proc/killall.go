//go:build linux

package proc

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
)

// Killall is killall: signal processes by name, as psmisc's.
//
//	killall [-s SIGNAL | -SIGNAL] [-q] [-w] [-e] [-I] [-v] NAME...    killall -l
var Killall = tools.Applet{Name: "killall", Summary: "send a signal to processes by name", Run: runKillall}

func runKillall(ctx context.Context, env *tools.Env, args []string) int {
	sig := syscall.SIGTERM
	// -SIGNAL (-9, -KILL) among the options, as kill takes it.
	var rest []string
	for i, a := range args[1:] {
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, args[1+i:]...)
			break
		}
		if s, ok := signals.Parse(a[1:]); ok && a[1] != '-' {
			sig = s
			continue
		}
		rest = append(rest, a)
	}
	fs := gnuflag.New("killall", "")
	sigName, sigSet := fs.StringSet('s', "signal", "")
	quiet := fs.Bool('q', "quiet")
	wait := fs.Bool('w', "wait")
	exact := fs.Bool('e', "exact")
	icase := fs.Bool('I', "ignore-case")
	verbose := fs.Bool('v', "verbose")
	list := fs.Bool('l', "list")
	names, err := fs.ParseArgs(rest)
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "killall [-s SIGNAL | -SIGNAL] [-q] [-w] [-e] [-I] [-v] NAME...\n       killall -l\n"+
			"Signals (TERM) every process called NAME; -w waits for them to end.")
	}
	if err != nil {
		env.Errorf("killall", "%v (killall --help)", err)
		return 1
	}
	if *list {
		fmt.Fprintln(env.Stdout, strings.Join(signalList(), " "))
		return 0
	}
	if *sigSet {
		s, ok := signals.Parse(*sigName)
		if !ok {
			fmt.Fprintf(env.Stderr, "%s: unknown signal; killall -l lists signals.\n", *sigName)
			return 1
		}
		sig = s
	}
	if len(names) == 0 {
		env.Errorf("killall", "need a process name (killall --help)")
		return 1
	}
	procs, err := listProcesses(procfile.Default, need{args: true})
	if err == nil {
		return killByName(ctx, env, procs, names, sig, killallOptions{*quiet, *wait, *exact, *icase, *verbose})
	}
	env.Errorf("killall", "%v", err)
	return 1
}

type killallOptions struct{ quiet, wait, exact, icase, verbose bool }

func killByName(ctx context.Context, env *tools.Env, procs []*process, names []string, sig syscall.Signal, o killallOptions) int {
	self := syscall.Getpid()
	status := 0
	var killed []int
	for _, name := range names {
		found := false
		for _, p := range procs {
			if p.PID == self || !killallMatch(p, name, o.exact, o.icase) {
				continue
			}
			if err := syscall.Kill(p.PID, sig); err != nil {
				if !o.quiet {
					env.Errorf("killall", "%s(%d): %v", p.Comm, p.PID, err)
				}
				continue
			}
			found = true
			killed = append(killed, p.PID)
			if o.verbose {
				fmt.Fprintf(env.Stderr, "Killed %s(%d) with signal %d\n", p.Comm, p.PID, sig)
			}
		}
		if !found {
			status = 1
			if !o.quiet {
				fmt.Fprintf(env.Stderr, "%s: no process found\n", name)
			}
		}
	}
	for o.wait && len(killed) > 0 {
		alive := killed[:0]
		for _, pid := range killed {
			if syscall.Kill(pid, 0) == nil && !isZombie(pid) {
				alive = append(alive, pid)
			}
		}
		killed = alive
		if len(killed) > 0 && !sleepCtx(ctx, 100*time.Millisecond) {
			return 1
		}
	}
	return status
}

// killallMatch compares name with the process's name as psmisc does: its comm (cut to 15
// bytes by the kernel: a longer name matches on those unless -e) or its argv[0]'s base.
func killallMatch(p *process, name string, exact, icase bool) bool {
	eq := func(a, b string) bool { return a == b || icase && strings.EqualFold(a, b) }
	if eq(p.Comm, name) || !exact && len(name) > 15 && len(p.Comm) == 15 && eq(p.Comm, name[:15]) {
		return true
	}
	return len(p.Args) > 0 && eq(filepath.Base(p.Args[0]), name)
}

func isZombie(pid int) bool {
	st, err := procfile.Default.ReadStat(pid)
	return err != nil || st.State == "Z"
}
