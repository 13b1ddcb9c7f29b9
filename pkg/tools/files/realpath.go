package files

import (
	"context"
	"fmt"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Realpath is realpath: print the resolved absolute path.
var Realpath = tools.Applet{Name: "realpath", Summary: "print the resolved absolute path", Run: runRealpath}

func runRealpath(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("realpath", "realpath [-em] FILE...")
	existing := fset.Bool('e', "canonicalize-existing")
	fset.Bool('m', "canonicalize-missing")
	fset.Bool('s', "strip")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		out, err := resolve(env.Abs(op), !*existing)
		if err != nil {
			env.Errorf("realpath", "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		fmt.Fprintln(env.Stdout, out)
	}
	return st
}
