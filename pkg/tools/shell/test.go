package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Test is test EXPRESSION, and [ EXPRESSION ].
var Test = tools.Applet{Name: "test", Aliases: []string{"["}, Summary: "evaluate a conditional expression", Run: runTest}

func runTest(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "test EXPRESSION\n\nExit 0 if EXPRESSION is true, 1 if false, 2 on error. File tests (-e -f -d -r -w -x -s -L ...),\nstring tests (-z -n = !=), integers (-eq -ne -lt -le -gt -ge), ! -a -o and parentheses.")
}
