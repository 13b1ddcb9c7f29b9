//go:build linux

package proc

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"
)

// Kill is kill: send a signal to processes.
var Kill = tools.Applet{Name: "kill", Summary: "send a signal to processes", Run: runKill}

// Pkill is pkill: signal processes by name.
var Pkill = tools.Applet{Name: "pkill", Summary: "signal processes by name", Run: runPkill}

// Pgrep is pgrep: list pids of processes by name.
var Pgrep = tools.Applet{Name: "pgrep", Summary: "list pids of processes by name", Run: runPkill}

// Pidof is pidof: print the pids of programs by name.
var Pidof = tools.Applet{Name: "pidof", Summary: "print the pids of programs by name", Run: runPidof}

// parseSignal accepts 9, KILL, SIGKILL, kill.
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

func signalList() []string {
	var out []string
	for i := 1; i < 32; i++ {
		if n := unix.SignalName(syscall.Signal(i)); n != "" {
			out = append(out, strings.TrimPrefix(n, "SIG"))
		}
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
					fmt.Fprintln(env.Stdout, strings.TrimPrefix(unix.SignalName(syscall.Signal(n)), "SIG"))
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

// matchProcesses returns the processes whose comm (or full command line with full) matches
// re, never the caller itself.
func matchProcesses(re *regexp.Regexp, full, exact bool) ([]*process, error) {
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		return nil, err
	}
	procs, err := listProcesses(fsys, need{args: full})
	if err != nil {
		return nil, err
	}
	self := syscall.Getpid()
	var out []*process
	for _, p := range procs {
		if p.PID == self {
			continue
		}
		s := p.Comm
		if full && len(p.Args) > 0 {
			s = strings.Join(p.Args, " ")
		}
		if exact && re.FindString(s) != s {
			continue
		}
		if re.MatchString(s) {
			out = append(out, p)
		}
	}
	return out, nil
}

func runPkill(_ context.Context, env *tools.Env, args []string) int {
	name := args[0]
	fs := gnuflag.New(name, "")
	full, exact, list := fs.Bool('f', "full"), fs.Bool('x', "exact"), fs.Bool('l', "list-name")
	sigName, count := fs.String('s', "signal", "TERM"), fs.Bool('c', "count")
	delim := fs.String('d', "delimiter", "\n")
	// -SIGNAL / -9 before the pattern, as procps accepts.
	rest := args[1:]
	if name == "pkill" && len(rest) > 0 && strings.HasPrefix(rest[0], "-") && len(rest[0]) > 1 {
		if _, err := parseSignal(rest[0][1:]); err == nil && rest[0][1] != 'f' && rest[0][1] != 'x' && rest[0][1] != 'c' && rest[0][1] != 'l' {
			*sigName, rest = rest[0][1:], rest[1:]
		}
	}
	ops, err := fs.ParseArgs(rest)
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, name+" [-f] [-x] [-c] [-l] [-s SIGNAL|-SIGNAL] PATTERN")
	}
	if err != nil || len(ops) != 1 {
		env.Errorf(name, "need exactly one pattern (%v)", err)
		return 2
	}
	re, err := regexp.Compile(ops[0])
	if err != nil {
		env.Errorf(name, "bad pattern: %v", err)
		return 2
	}
	sig, err := parseSignal(*sigName)
	if err != nil {
		env.Errorf(name, "%v", err)
		return 2
	}
	procs, err := matchProcesses(re, *full, *exact)
	if err != nil {
		env.Errorf(name, "%v", err)
		return 3
	}
	if len(procs) == 0 {
		if *count {
			fmt.Fprintln(env.Stdout, 0)
		}
		return 1
	}
	if *count {
		fmt.Fprintln(env.Stdout, len(procs))
	}
	var ids []string
	for _, p := range procs {
		if name == "pkill" {
			if err := syscall.Kill(p.PID, sig); err != nil {
				env.Errorf(name, "killing pid %d failed: %v", p.PID, err)
			}
			continue
		}
		if *count {
			continue
		}
		s := strconv.Itoa(p.PID)
		if *list {
			s += " " + p.Comm
		}
		ids = append(ids, s)
	}
	if len(ids) > 0 {
		fmt.Fprint(env.Stdout, strings.Join(ids, *delim)+"\n")
	}
	return 0
}

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
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		env.Errorf("pidof", "%v", err)
		return 1
	}
	procs, err := listProcesses(fsys, need{args: true})
	if err != nil {
		env.Errorf("pidof", "%v", err)
		return 1
	}
	omitted := map[int]bool{syscall.Getpid(): true}
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
