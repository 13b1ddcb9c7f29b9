package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// False is false: exit with status 1.
var False = tools.Applet{Name: "false", Summary: "do nothing, unsuccessfully", Run: runFalse}

func runFalse(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "false\n\nExit with status 1.")
}
