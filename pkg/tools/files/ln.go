package files

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Ln is ln: make links between files.
var Ln = tools.Applet{Name: "ln", Summary: "make links between files", Run: runLn}

func runLn(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("ln", "ln [-sfnvT] TARGET... LINK_NAME|DIR | ln -t DIR TARGET...")
	symbolic := fset.Bool('s', "symbolic")
	force := fset.Bool('f', "force")
	noDeref := fset.Bool('n', "no-dereference")
	verbose := fset.Bool('v', "verbose")
	noTarget := fset.Bool('T', "no-target-directory")
	target := fset.String('t', "target-directory", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 1 {
		ops = append(ops, filepath.Base(ops[0]))
	}
	if *noDeref && len(ops) == 2 {
		if fi, err := os.Lstat(env.Abs(ops[1])); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			*noTarget = true
		}
	}
	// ln's targets are kept as written (a symlink's text), so use ops directly.
	i := 0
	return toTarget(env, "ln", ops, *target, *noTarget, func(_, dst, _ string) error {
		target := ops[i]
		i++
		if *force {
			if fi, err := os.Lstat(dst); err == nil && !fi.IsDir() {
				os.Remove(dst)
			}
		}
		var err error
		if *symbolic {
			err = os.Symlink(target, dst)
		} else {
			err = os.Link(env.Abs(target), dst)
		}
		if err != nil {
			kind := "hard link"
			if *symbolic {
				kind = "symbolic link"
			}
			return fmt.Errorf("failed to create %s '%s': %s", kind, dst, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "'%s' -> '%s'\n", dst, target)
		}
		return nil
	})
}
