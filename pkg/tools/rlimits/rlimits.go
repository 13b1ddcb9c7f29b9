package rlimits

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Resource is one resource limit as prlimit(1) and ulimit name it.
type Resource struct {
	// Name, Desc and Units are prlimit's columns: NOFILE, "max number of open files", files.
	Name, Desc, Units string
	// Resource is the RLIMIT_ constant.
	Resource int
	// Flag is ulimit's option letter, Label its line in ulimit -a, Scale the divisor of
	// its unit (1024 for kbytes, 512 for blocks).
	Flag  byte
	Label string
	Scale uint64
}

// pipeSize is bash's -p line: not a limit but PIPE_BUF in 512-byte blocks.
const pipeSize = "pipe size                (512 bytes, -p) 8"

// Format writes a limit in units of scale, or "unlimited".
func Format(v, scale uint64) string {
	if v == unix.RLIM_INFINITY {
		return "unlimited"
	}
	return strconv.FormatUint(v/scale, 10)
}

// ByFlag returns the resource of ulimit's option letter f.
func ByFlag(f byte) (Resource, bool) {
	for _, r := range Table {
		if r.Flag == f {
			return r, true
		}
	}
	return Resource{}, false
}

// Ulimit is ulimit [-SH] [-a | -Rcdefilmnpqrstuvx...] for the shell's builtin and the
// applet alike: it shows the limits of this process, soft by default, as bash does. It
// returns 2 for an unknown option, 1 when asked to set a limit.
func Ulimit(env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "ulimit [-SH] [-a | -"+allFlags+"]\n\n"+
			"Show the resource limits of this process, soft (-S, the default) or hard (-H), as bash does;\n"+
			"-a shows all of them. Setting a limit is not supported: a debugging session leaves the\n"+
			"limits of what it runs alone (prlimit -p PID shows another process's).")
	}
	hard, all := false, false
	var flags []byte
	for _, a := range args[1:] {
		if len(a) < 2 || a[0] != '-' {
			env.Errorf("ulimit", "setting limits is not supported (read-only view)")
			return 1
		}
		for _, c := range []byte(a[1:]) {
			switch c {
			case 'H':
				hard = true
			case 'S':
				hard = false
			case 'a':
				all = true
			default:
				if _, ok := ByFlag(c); !ok && c != 'p' {
					env.Errorf("ulimit", "-%c: invalid option", c)
					fmt.Fprintln(env.Stderr, "ulimit: usage: ulimit [-SHa"+allFlags+"]")
					return 2
				}
				flags = append(flags, c)
			}
		}
	}
	if all {
		flags = []byte(allFlags)
	} else if len(flags) == 0 {
		flags = []byte{'f'} // as POSIX says
	}
	var b strings.Builder
	for _, f := range flags {
		if f == 'p' {
			if len(flags) > 1 {
				b.WriteString(pipeSize + "\n")
			} else {
				b.WriteString("8\n")
			}
			continue
		}
		r, _ := ByFlag(f)
		cur, max, err := Get(0, r)
		if err != nil {
			fmt.Fprint(env.Stdout, b.String())
			env.Errorf("ulimit", "%s: cannot get limit: %s", strings.TrimSpace(r.Label[:strings.IndexByte(r.Label, '(')]), tools.Reason(err))
			return 1
		}
		v := cur
		if hard {
			v = max
		}
		if len(flags) > 1 {
			b.WriteString(r.Label + " " + Format(v, r.Scale) + "\n")
		} else {
			b.WriteString(Format(v, r.Scale) + "\n")
		}
	}
	fmt.Fprint(env.Stdout, b.String())
	return 0
}
