package files

import (
	"context"
	"fmt"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Readlink is readlink: print the target of a symbolic link.
var Readlink = tools.Applet{Name: "readlink", Summary: "print the target of a symbolic link", Run: runReadlink}

func runReadlink(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("readlink", "readlink [-fenq] FILE...")
	canon := fset.Bool('f', "canonicalize")
	existing := fset.Bool('e', "canonicalize-existing")
	fset.BoolFunc('m', "canonicalize-missing", func() { *canon = true })
	noNewline := fset.Bool('n', "no-newline")
	fset.Bool('q', "quiet")
	fset.Bool('s', "silent")
	verbose := fset.Bool('v', "verbose")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		var out string
		var err error
		if *canon || *existing {
			out, err = resolve(env.Abs(op), !*existing)
		} else {
			out, err = os.Readlink(env.Abs(op))
		}
		if err != nil {
			if *verbose {
				env.Errorf("readlink", "%s: %s", op, tools.Reason(err))
			}
			st = 1
			continue
		}
		fmt.Fprint(env.Stdout, out)
		if !*noNewline || len(ops) > 1 {
			fmt.Fprintln(env.Stdout)
		}
	}
	return st
}
