//go:build linux

package proc

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Pkill is pkill: signal processes by name.
var Pkill = tools.Applet{Name: "pkill", Summary: "signal processes by name", Run: runPkill}

// Pgrep is pgrep: list pids of processes by name.
var Pgrep = tools.Applet{Name: "pgrep", Summary: "list pids of processes by name", Run: runPkill}

// matchProcesses returns the processes whose comm (or full command line with full) matches
// re, never the caller itself.
func matchProcesses(re *regexp.Regexp, full, exact bool) ([]*process, error) {
	fsys := procfile.Default
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
