package shell

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// False is false: exit with status 1.
var False = tools.Applet{Name: "false", Summary: "do nothing, unsuccessfully", Run: runFalse}

// runFalse ignores its operands, as the interpreter's builtin does, and starts
// no interpreter to do nothing (an interpreter's start was a fifth of `ddebug-toolbox true`).
func runFalse(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "false\n\nExit with status 1.")
	}
	return 1
}
