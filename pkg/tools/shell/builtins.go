package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/rlimits"
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

// builtinUlimit shows resource limits (read-only: the debugger must not change the limits
// its children inherit by surprise); the ulimit applet runs the same code.
func builtinUlimit(_ context.Context, _ *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	return rlimits.Ulimit(env, args)
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

// commandOptions reports whether a command line of 'command' has options (-p, -v, -V),
// which builtinCommand handles; plain 'command NAME' is the interpreter's.
func commandOptions(args []string) bool {
	return len(args) > 1 && len(args[1]) > 1 && args[1][0] == '-' && strings.Trim(args[1][1:], "pvV") == ""
}

// builtinCommand handles 'command -p NAME ARGS': run the program NAME from PATH (or the
// default PATH), never the applet of that name; and 'command -v/-V NAME', which know applets.
func builtinCommand(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	rest := args[1:]
	var describe byte // 'v' or 'V'
	defaultPath := false
	for len(rest) > 0 && len(rest[0]) > 1 && rest[0][0] == '-' && strings.Trim(rest[0][1:], "pvV") == "" {
		for _, c := range rest[0][1:] {
			if c == 'p' {
				defaultPath = true
			} else {
				describe = byte(c)
			}
		}
		rest = rest[1:]
	}
	if describe != 0 && defaultPath {
		// -p: files are looked for on the default PATH
		e := *env
		e.Environ = append(append([]string{}, env.Environ...), "PATH="+tools.DefaultPath)
		env = &e
	}
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if describe != 0 {
		status := 0
		for _, name := range rest {
			kind, what := s.describe(env, name)
			switch {
			case kind == "":
				status = 1
				if describe == 'V' {
					fmt.Fprintf(env.Stderr, "%s: not found\n", name)
				}
			case describe == 'V':
				fmt.Fprintln(env.Stdout, name+" is "+what)
			case kind == "file":
				fmt.Fprintln(env.Stdout, what)
			default:
				fmt.Fprintln(env.Stdout, name)
			}
		}
		return status
	}
	if len(rest) == 0 {
		return 0
	}
	return s.runProgram(ctx, env, rest, true, s.where(hc, ""), s.fdFiles(hc.Env))
}

// describe says what name runs as: kind is "function", "builtin", "applet", "file" or "".
func (s *Shell) describe(env *tools.Env, name string) (kind, what string) {
	if _, ok := s.runner.Funcs[name]; ok {
		return "function", "a function"
	}
	if builtin(name) != nil || interp.IsBuiltin(name) {
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

// builtinShift is ash's shift: shifting more than $# shifts nothing and fails; a count
// that is no number is an error that ends a non-interactive shell, as in ash.
func builtinShift(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	n := 1
	if len(args) > 1 {
		v, err := strconv.Atoi(args[1])
		if err != nil || v < 0 {
			fmt.Fprintf(env.Stderr, "%sIllegal number: %s\n", s.where(hc, "shift"), args[1])
			if s.opts.Interactive {
				return exitError(2)
			}
			return hc.Builtin(ctx, []string{"exit", "2"})
		}
		n = v
	}
	if n > len(positional(ctx, hc)) {
		return exitError(1)
	}
	return hc.Builtin(ctx, []string{"shift", strconv.Itoa(n)})
}
