package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// True is true: exit with status 0.
var True = tools.Applet{Name: "true", Summary: "do nothing, successfully", Run: runTrue}

func runTrue(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "true\n\nExit with status 0.")
}
