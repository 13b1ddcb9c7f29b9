package shell

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// The basic applets let `ddebug exec app -- true` work without a shell. Inside the shell,
// echo, printf, test, [, true, false and pwd are the interpreter's own builtins, and these
// applets run the very same code (a one-command interpreter), so both behave alike.

// True is true: exit with status 0.
var True = tools.Applet{Name: "true", Summary: "do nothing, successfully", Run: runTrue}

// False is false: exit with status 1.
var False = tools.Applet{Name: "false", Summary: "do nothing, unsuccessfully", Run: runFalse}

// Echo is echo [-neE] [ARG]...
var Echo = tools.Applet{Name: "echo", Summary: "print arguments", Run: runEcho}

// Printf is printf FORMAT [ARG]...
var Printf = tools.Applet{Name: "printf", Summary: "format and print data", Run: runPrintf}

// Test is test EXPRESSION, and [ EXPRESSION ].
var Test = tools.Applet{Name: "test", Aliases: []string{"["}, Summary: "evaluate a conditional expression", Run: runTest}

// Pwd is pwd: print the working directory.
var Pwd = tools.Applet{Name: "pwd", Summary: "print the working directory", Run: runPwd}

// Yes is yes [STRING]: print a line repeatedly until killed.
var Yes = tools.Applet{Name: "yes", Summary: "print a line repeatedly until killed", Run: runYes}

// Seq is seq [FIRST [INCREMENT]] LAST.
var Seq = tools.Applet{Name: "seq", Summary: "print a sequence of numbers", Run: runSeq}

// Which is which [-a] NAME...: say what a command name runs.
var Which = tools.Applet{Name: "which", Summary: "say what a command name runs: an applet or a file on PATH", Run: runWhich}

func runTrue(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "true\n\nExit with status 0.")
}

func runFalse(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "false\n\nExit with status 1.")
}

func runEcho(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "echo [-neE] [ARG]...\n\nPrint the arguments separated by spaces.\n  -n  no trailing newline\n  -e  interpret backslash escapes\n  -E  do not interpret them (default)")
}

func runPrintf(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "printf FORMAT [ARG]...\n\nPrint ARGs according to FORMAT, as POSIX printf(1) (%s %d %x %o %c %b %q %%, widths, escapes).")
}

func runTest(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "test EXPRESSION\n\nExit 0 if EXPRESSION is true, 1 if false, 2 on error. File tests (-e -f -d -r -w -x -s -L ...),\nstring tests (-z -n = !=), integers (-eq -ne -lt -le -gt -ge), ! -a -o and parentheses.")
}

// interpBuiltinApplet prints usage for --help (echo and printf only when it is their one
// argument: echo --help prints "--help"), and otherwise runs the interpreter's builtin.
func interpBuiltinApplet(ctx context.Context, env *tools.Env, args []string, usage string) int {
	name := args[0]
	if tools.WantsHelp(args) && (name != "echo" && name != "printf" || len(args) == 2) {
		return tools.Usage(env, usage)
	}
	return runInterpBuiltin(ctx, env, args)
}

// runInterpBuiltin runs args[0] (a builtin of the interpreter) with args[1:] through a
// one-command interpreter that has env's streams, directory and environment.
func runInterpBuiltin(ctx context.Context, env *tools.Env, args []string) int {
	name := args[0]
	if name == "[" || name == "test" || name == "echo" || name == "printf" || name == "true" || name == "false" {
		// the name is fixed text, never shell syntax taken from the arguments
	} else {
		return 127
	}
	prog, err := syntax.NewParser().Parse(strings.NewReader(name+` "$@"`), name)
	if err != nil {
		env.Errorf(name, "%v", err)
		return 2
	}
	r, err := interp.New(
		interp.StdIO(env.Stdin, env.Stdout, env.Stderr),
		interp.Env(expand.ListEnviron(env.Environ...)),
		interp.Dir(env.Dir),
		interp.Params(append([]string{"--"}, args[1:]...)...),
	)
	if err != nil {
		env.Errorf(name, "%v", err)
		return 2
	}
	return statusOf(r.Run(ctx, prog))
}

// statusOf turns an error of interp.Runner.Run into an exit status.
func statusOf(err error) int {
	if err == nil {
		return 0
	}
	if st, ok := interp.IsExitStatus(err); ok {
		return int(st)
	}
	if ctxErr(err) {
		return 130
	}
	return 1
}

func runPwd(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "pwd [-LP]\n\nPrint the working directory.\n  -L  as the shell knows it, symlinks kept (default)\n  -P  with every symlink resolved")
	}
	physical := false
	for _, a := range args[1:] {
		switch a {
		case "-P":
			physical = true
		case "-L":
			physical = false
		default:
			env.Errorf("pwd", "unknown option %q", a)
			return 2
		}
	}
	dir := env.Dir
	if physical {
		p, err := filepath.EvalSymlinks(dir)
		if err != nil {
			env.Errorf("pwd", "%v", err)
			return 1
		}
		dir = p
	}
	fmt.Fprintln(env.Stdout, dir)
	return 0
}

func runYes(ctx context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "yes [STRING]...\n\nPrint STRING (default y) on a line, again and again, until interrupted or the output closes.")
	}
	line := "y"
	if len(args) > 1 {
		line = strings.Join(args[1:], " ")
	}
	// Write in blocks: a pipe into head must not cost a syscall per line.
	block := strings.Repeat(line+"\n", max(1, 8192/(len(line)+1)))
	w := bufio.NewWriterSize(env.Stdout, len(block))
	for ctx.Err() == nil {
		if _, err := w.WriteString(block); err != nil {
			return 1
		}
		if err := w.Flush(); err != nil {
			return 1 // reader went away (EPIPE): that is how yes ends
		}
	}
	return 130
}

func runSeq(_ context.Context, env *tools.Env, args []string) int {
	const usage = "seq [-w] [-s SEP] [-f FORMAT] [FIRST [INCREMENT]] LAST\n\nPrint numbers from FIRST (default 1) to LAST, by INCREMENT (default 1).\n  -w      pad with leading zeros to equal width\n  -s SEP  separator (default newline)\n  -f FMT  printf-style floating-point format, e.g. %.2f"
	if tools.WantsHelp(args) {
		return tools.Usage(env, usage)
	}
	sep, format, equal := "\n", "", false
	rest := args[1:]
	for len(rest) > 0 && len(rest[0]) > 1 && rest[0][0] == '-' && !isNumber(rest[0]) {
		switch o := rest[0]; {
		case o == "-w":
			equal = true
		case o == "-s" || o == "-f":
			if len(rest) < 2 {
				env.Errorf("seq", "option %s needs an argument", o)
				return 2
			}
			if o == "-s" {
				sep = rest[1]
			} else {
				format = rest[1]
			}
			rest = rest[1:]
		case strings.HasPrefix(o, "-s"):
			sep = o[2:]
		case strings.HasPrefix(o, "-f"):
			format = o[2:]
		case o == "--":
			rest = rest[1:]
			goto operands
		default:
			env.Errorf("seq", "unknown option %q", o)
			return 2
		}
		rest = rest[1:]
	}
operands:
	if len(rest) < 1 || len(rest) > 3 {
		fmt.Fprintln(env.Stderr, "Usage: "+strings.SplitN(usage, "\n", 2)[0])
		return 2
	}
	nums := make([]float64, len(rest))
	decimals := 0
	for i, s := range rest {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) {
			env.Errorf("seq", "invalid number %q", s)
			return 1
		}
		nums[i] = f
		if d := strings.IndexByte(s, '.'); d >= 0 && i < len(rest)-1 {
			decimals = max(decimals, len(s)-d-1)
		}
	}
	first, incr, last := 1.0, 1.0, nums[len(nums)-1]
	if len(nums) >= 2 {
		first = nums[0]
	}
	if len(nums) == 3 {
		incr = nums[1]
	}
	if incr == 0 {
		env.Errorf("seq", "increment must not be 0")
		return 1
	}
	if format == "" {
		format = "%." + strconv.Itoa(decimals) + "f"
		if equal {
			w := max(len(strconv.FormatFloat(first, 'f', decimals, 64)), len(strconv.FormatFloat(last, 'f', decimals, 64)))
			format = "%0" + strconv.Itoa(w) + "." + strconv.Itoa(decimals) + "f"
		}
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for i := 0; ; i++ {
		v := first + float64(i)*incr
		if incr > 0 && v > last+1e-9 || incr < 0 && v < last-1e-9 {
			break
		}
		if i > 0 {
			w.WriteString(sep)
		}
		fmt.Fprintf(w, format, v)
	}
	if first <= last && incr > 0 || first >= last && incr < 0 {
		w.WriteString("\n")
	}
	return 0
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func runWhich(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "which [-a] NAME...\n\nSay what each NAME runs as a command: \"NAME: applet\" for a toolbox applet (it runs\nin-process and wins over a file of the same name on PATH), else the file's path on PATH.\n  -a  also list every matching file on PATH (even behind an applet)\nExit 1 if a NAME is found nowhere.")
	}
	all := false
	names := args[1:]
	if len(names) > 0 && names[0] == "-a" {
		all, names = true, names[1:]
	}
	status := 0
	for _, name := range names {
		found := false
		if _, ok := tools.Lookup(name); ok && !strings.Contains(name, "/") {
			fmt.Fprintf(env.Stdout, "%s: applet\n", name)
			found = true
			if !all {
				continue
			}
		}
		for _, p := range lookPathAll(env, name, all) {
			fmt.Fprintln(env.Stdout, p)
			found = true
		}
		if !found {
			status = 1
		}
	}
	return status
}

// lookPathAll returns the first (or, with all, every) executable called name on env's PATH.
func lookPathAll(env *tools.Env, name string, all bool) []string {
	if !all || strings.Contains(name, "/") {
		if p, err := tools.LookPath(env, name); err == nil {
			return []string{p}
		}
		return nil
	}
	path, ok := env.LookupEnv("PATH")
	if !ok {
		path = tools.DefaultPath
	}
	var out []string
	for _, dir := range filepath.SplitList(path) {
		sub := &tools.Env{Dir: env.Dir, Environ: []string{"PATH=" + dir}}
		if p, err := tools.LookPath(sub, name); err == nil {
			out = append(out, p)
		}
	}
	return out
}
