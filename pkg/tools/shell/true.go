package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// True is true: exit with status 0.
var True = tools.Applet{Name: "true", Summary: "do nothing, successfully", Run: runTrue}

// runTrue ignores its operands, as the interpreter's builtin does, and starts
// no interpreter to do nothing (an interpreter's start was a fifth of `ddebug-toolbox true`).
func runTrue(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "true\n\nExit with status 0.")
	}
	return 0
}
