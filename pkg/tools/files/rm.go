package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Rm is rm: remove files or directories.
var Rm = tools.Applet{Name: "rm", Summary: "remove files or directories", Run: runRm}

func runRm(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rm", "rm [-rRfdv] FILE...")
	recursive := fset.Bool('r', "recursive")
	fset.BoolFunc('R', "", func() { *recursive = true })
	force := fset.Bool('f', "force")
	dirs := fset.Bool('d', "dir")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('i', "")
	fset.Bool(0, "one-file-system")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 && !*force {
		env.Errorf("rm", "missing operand\nTry 'rm --help' for more information.")
		return 2
	}
	st := 0
	for _, op := range ops {
		if ctx.Err() != nil {
			return 1
		}
		base := filepath.Base(strings.TrimRight(op, "/"))
		if base == "." || base == ".." {
			env.Errorf("rm", "refusing to remove '.' or '..' directory: skipping '%s'", op)
			st = 1
			continue
		}
		p := env.Abs(op)
		if filepath.Clean(p) == "/" {
			env.Errorf("rm", "it is dangerous to operate recursively on '/'")
			st = 1
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			if !*force {
				env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
				st = 1
			}
			continue
		}
		if fi.IsDir() && !*recursive {
			if *dirs {
				if err := os.Remove(p); err != nil {
					env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
					st = 1
				}
				continue
			}
			env.Errorf("rm", "cannot remove '%s': Is a directory", op)
			st = 1
			continue
		}
		if fi.IsDir() {
			if err := os.RemoveAll(p); err != nil {
				env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
				st = 1
			}
		} else if err := os.Remove(p); err != nil {
			env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "removed '%s'\n", op)
		}
	}
	return st
}
