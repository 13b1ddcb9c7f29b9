//go:build linux

package proc

import (
	"context"
	"fmt"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Printenv is printenv: print environment variables.
var Printenv = tools.Applet{Name: "printenv", Summary: "print environment variables", Run: runPrintenv}

func runPrintenv(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "printenv [-0] [NAME]...")
	}
	sep, rest := "\n", args[1:]
	if len(rest) > 0 && (rest[0] == "-0" || rest[0] == "--null") {
		sep, rest = "\x00", rest[1:]
	}
	if len(rest) == 0 {
		for _, kv := range env.Environ {
			fmt.Fprint(env.Stdout, kv+sep)
		}
		return 0
	}
	status := 0
	for _, k := range rest {
		if v, ok := env.LookupEnv(k); ok {
			fmt.Fprint(env.Stdout, v+sep)
		} else {
			status = 1
		}
	}
	return status
}
