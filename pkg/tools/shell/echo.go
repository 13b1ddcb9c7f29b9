package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Echo is echo [-neE] [ARG]...
var Echo = tools.Applet{Name: "echo", Summary: "print arguments", Run: runEcho}

func runEcho(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "echo [-neE] [ARG]...\n\nPrint the arguments separated by spaces.\n  -n  no trailing newline\n  -e  interpret backslash escapes\n  -E  do not interpret them (default)")
}
