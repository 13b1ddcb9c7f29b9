package files

import (
	"context"
	"fmt"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Mkdir is mkdir: make directories.
var Mkdir = tools.Applet{Name: "mkdir", Summary: "make directories", Run: runMkdir}

func runMkdir(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mkdir", "mkdir [-pv] [-m MODE] DIR...")
	parents := fset.Bool('p', "parents")
	verbose := fset.Bool('v', "verbose")
	modeArg, modeSet := fset.StringSet('m', "mode", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("mkdir", "missing operand\nTry 'mkdir --help' for more information.")
		return 2
	}
	var mode uint32 = 0o777
	if *modeSet {
		m, err := parseMode(*modeArg, 0o777, true)
		if err != nil {
			env.Errorf("mkdir", "%v", err)
			return 1
		}
		mode = m
	}
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		var err error
		if *parents {
			err = os.MkdirAll(p, 0o777)
		} else {
			err = os.Mkdir(p, 0o777)
		}
		if err != nil {
			env.Errorf("mkdir", "cannot create directory '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if *modeSet {
			if err := os.Chmod(p, goMode(mode)); err != nil {
				env.Errorf("mkdir", "cannot set permissions of '%s': %s", op, tools.Reason(err))
				st = 1
			}
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "mkdir: created directory '%s'\n", op)
		}
	}
	return st
}
