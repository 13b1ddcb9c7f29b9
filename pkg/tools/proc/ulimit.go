//go:build linux

package proc

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/rlimits"
)

// Ulimit is ulimit [-SH] [-a | -Rcdefilmnpqrstuvx]: the shell builtin's ulimit, for a
// session without a shell (rlimits.Ulimit; showing limits only).
var Ulimit = tools.Applet{Name: "ulimit", Summary: "show the resource limits of this process (read-only)", Run: runUlimit}

func runUlimit(_ context.Context, env *tools.Env, args []string) int {
	return rlimits.Ulimit(env, args)
}
