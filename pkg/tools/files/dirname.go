package files

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Dirname is dirname: strip the last component from a name.
var Dirname = tools.Applet{Name: "dirname", Summary: "strip the last component from a name", Run: runDirname}

func runDirname(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("dirname", "dirname NAME...")
	zero := fset.Bool('z', "zero")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("dirname", "missing operand")
		return 2
	}
	end := "\n"
	if *zero {
		end = "\x00"
	}
	for _, op := range ops {
		d := strings.TrimRight(op, "/")
		switch {
		case d == "" && op != "":
			d = "/"
		case !strings.Contains(d, "/"):
			d = "."
		default:
			d = strings.TrimRight(d[:strings.LastIndexByte(d, '/')], "/")
			if d == "" {
				d = "/"
			}
		}
		fmt.Fprint(env.Stdout, d+end)
	}
	return 0
}
