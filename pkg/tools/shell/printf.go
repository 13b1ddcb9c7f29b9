package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Printf is printf FORMAT [ARG]...
var Printf = tools.Applet{Name: "printf", Summary: "format and print data", Run: runPrintf}

func runPrintf(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "printf FORMAT [ARG]...\n\nPrint ARGs according to FORMAT, as POSIX printf(1) (%s %d %x %o %c %b %q %%, widths, escapes).")
}
