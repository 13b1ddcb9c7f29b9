package shell

import (
	"context"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// The basic applets (true.go, false.go, echo.go, printf.go, test.go) let
// `ddebug exec app -- true` work without a shell. Inside the shell, test, [, true and
// false are the interpreter's own builtins, and these applets run the very same code (a
// one-command interpreter), so both behave alike; echo and printf are the shell's
// builtins there, which print what the interpreter's would and report write errors.

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
