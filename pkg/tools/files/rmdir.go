package files

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Rmdir is rmdir: remove empty directories.
var Rmdir = tools.Applet{Name: "rmdir", Summary: "remove empty directories", Run: runRmdir}

func runRmdir(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rmdir", "rmdir [-p] DIR...")
	parents := fset.Bool('p', "parents")
	fset.Bool(0, "ignore-fail-on-non-empty")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		d := strings.TrimRight(op, "/")
		for {
			if err := os.Remove(env.Abs(d)); err != nil {
				env.Errorf("rmdir", "failed to remove '%s': %s", d, tools.Reason(err))
				st = 1
				break
			}
			if !*parents {
				break
			}
			d = filepath.Dir(d)
			if d == "." || d == "/" {
				break
			}
		}
	}
	return st
}
