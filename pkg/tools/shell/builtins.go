package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// builtinUmask shows or sets the file mode creation mask. The mask is per process, so it
// also applies to the applets and to every program the shell starts afterwards.
func builtinUmask(_ context.Context, _ *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "umask [-S] [MODE]\n\nShow the file mode creation mask, or set it to the octal MODE.\n  -S  show it symbolically (u=rwx,g=rx,o=rx)")
	}
	symbolic := false
	rest := args[1:]
	if len(rest) > 0 && rest[0] == "-S" {
		symbolic, rest = true, rest[1:]
	}
	if len(rest) == 0 {
		m := syscall.Umask(0)
		syscall.Umask(m)
		if symbolic {
			fmt.Fprintln(env.Stdout, symbolicMask(m))
		} else {
			fmt.Fprintf(env.Stdout, "%04o\n", m)
		}
		return 0
	}
	m, err := strconv.ParseUint(rest[0], 8, 32)
	if err != nil || m > 0o777 {
		env.Errorf("umask", "%s: octal mode expected (symbolic modes are not supported)", rest[0])
		return 1
	}
	syscall.Umask(int(m))
	return 0
}

func symbolicMask(m int) string {
	parts := make([]string, 3)
	for i, who := range []string{"u", "g", "o"} {
		bits := ^m >> (6 - 3*i) & 7
		s := who + "="
		for k, c := range "rwx" {
			if bits&(4>>k) != 0 {
				s += string(c)
			}
		}
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

type rlimit struct {
	flag     byte
	resource int
	name     string
	unit     uint64 // divisor for display
}

var rlimits = []rlimit{
	{'c', syscall.RLIMIT_CORE, "core file size (blocks)", 512},
	{'d', syscall.RLIMIT_DATA, "data seg size (kbytes)", 1024},
	{'f', syscall.RLIMIT_FSIZE, "file size (blocks)", 512},
	{'l', 8 /* RLIMIT_MEMLOCK */, "max locked memory (kbytes)", 1024},
	{'m', 5 /* RLIMIT_RSS */, "max memory size (kbytes)", 1024},
	{'n', syscall.RLIMIT_NOFILE, "open files", 1},
	{'s', syscall.RLIMIT_STACK, "stack size (kbytes)", 1024},
	{'t', syscall.RLIMIT_CPU, "cpu time (seconds)", 1},
	{'u', 6 /* RLIMIT_NPROC */, "max user processes", 1},
	{'v', syscall.RLIMIT_AS, "virtual memory (kbytes)", 1024},
}

// builtinUlimit shows resource limits (read-only: the debugger must not change the limits
// its children inherit by surprise; use prlimit-style tools for that).
func builtinUlimit(_ context.Context, _ *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "ulimit [-SH] [-a | -cdflmnstuv]\n\nShow resource limits of the shell (read-only: setting them is not supported).\n  -a  all limits   -S soft (default)   -H hard\n  -n open files, -u processes, -s stack, -c core, -v virtual memory, -t cpu seconds, ...")
	}
	hard, all := false, false
	var which []rlimit
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
				found := false
				for _, l := range rlimits {
					if l.flag == c {
						which, found = append(which, l), true
					}
				}
				if !found {
					env.Errorf("ulimit", "-%c: unknown or unsupported limit", c)
					return 2
				}
			}
		}
	}
	if all {
		which = rlimits
	} else if len(which) == 0 {
		which = rlimits[2:3] // -f, as POSIX says
	}
	for _, l := range which {
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(l.resource, &rl); err != nil {
			env.Errorf("ulimit", "%s: %v", l.name, err)
			return 1
		}
		v := rl.Cur
		if hard {
			v = rl.Max
		}
		val := "unlimited"
		if v != ^uint64(0) {
			val = strconv.FormatUint(v/l.unit, 10)
		}
		if len(which) > 1 {
			fmt.Fprintf(env.Stdout, "%-28s (-%c) %s\n", l.name, l.flag, val)
		} else {
			fmt.Fprintln(env.Stdout, val)
		}
	}
	return 0
}

func builtinHistory(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "history [-c] [N]\n\nShow the command history of this session (kept in memory only), the last N lines, or -c to clear it.")
	}
	lines := s.hist.all()
	if len(args) > 1 {
		if args[1] == "-c" {
			s.hist.clear()
			return 0
		}
		n, err := strconv.Atoi(args[1])
		if err != nil {
			env.Errorf("history", "%s: numeric argument required", args[1])
			return 2
		}
		if n < len(lines) {
			lines = lines[len(lines)-n:]
		}
	}
	first := s.hist.len() - len(lines) + 1
	for i, l := range lines {
		fmt.Fprintf(env.Stdout, "%5d  %s\n", first+i, l)
	}
	return 0
}

// builtinHelp is the toolbox's help applet (the interpreter has a help builtin of its own
// that knows nothing about applets).
func builtinHelp(ctx context.Context, _ *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if a, ok := tools.Lookup("help"); ok {
		return a.Run(ctx, env, args)
	}
	fmt.Fprintln(env.Stdout, "sh: see 'sh --help'")
	return 0
}

// builtinCommand handles 'command -p NAME ARGS': run the program NAME from PATH (or the
// default PATH), never the applet of that name; and 'command -v/-V NAME', which know applets.
func builtinCommand(ctx context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if args[1] == "-v" || args[1] == "-V" {
		status := 0
		for _, name := range args[2:] {
			kind, what := s.describe(env, name)
			switch {
			case kind == "":
				status = 1
				if args[1] == "-V" {
					env.Errorf("command", "%s: not found", name)
				}
			case args[1] == "-V":
				fmt.Fprintln(env.Stdout, name+" is "+what)
			case kind == "file":
				fmt.Fprintln(env.Stdout, what)
			default:
				fmt.Fprintln(env.Stdout, name)
			}
		}
		return status
	}
	rest := args[2:] // args[1] is -p
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return 0
	}
	return s.runProgram(ctx, env, rest, true)
}

// describe says what name runs as: kind is "function", "builtin", "applet", "file" or "".
func (s *Shell) describe(env *tools.Env, name string) (kind, what string) {
	if _, ok := s.runner.Funcs[name]; ok {
		return "function", "a function"
	}
	if _, ok := builtins[name]; ok || interp.IsBuiltin(name) {
		return "builtin", "a shell builtin"
	}
	if _, ok := tools.Lookup(name); ok && !strings.Contains(name, "/") {
		return "applet", "a toolbox applet (runs in-process)"
	}
	if p, err := tools.LookPath(env, name); err == nil {
		return "file", p
	}
	return "", ""
}

func builtinType(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	status := 0
	for _, name := range args[1:] {
		if strings.HasPrefix(name, "-") {
			continue
		}
		kind, what := s.describe(env, name)
		if kind == "" {
			env.Errorf("type", "%s: not found", name)
			status = 1
			continue
		}
		fmt.Fprintln(env.Stdout, name+" is "+what)
	}
	return status
}
