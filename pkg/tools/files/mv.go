package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Mv is mv: move or rename files.
var Mv = tools.Applet{Name: "mv", Summary: "move or rename files", Run: runMv}

func runMv(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mv", "mv [-fnvT] SOURCE... DEST | mv -t DIR SOURCE...")
	fset.Bool('f', "force")
	fset.Bool('i', "interactive")
	noClobber := fset.Bool('n', "no-clobber")
	verbose := fset.Bool('v', "verbose")
	noTarget := fset.Bool('T', "no-target-directory")
	target := fset.String('t', "target-directory", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	return toTarget(env, "mv", ops, *target, *noTarget, func(src, dst, name string) error {
		if *noClobber {
			if _, err := os.Lstat(dst); err == nil {
				return nil
			}
		}
		if _, err := os.Lstat(src); err != nil {
			return fmt.Errorf("cannot stat '%s': %s", name, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "renamed '%s' -> '%s'\n", name, dst)
		}
		err := os.Rename(src, dst)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EXDEV) {
			return fmt.Errorf("cannot move '%s' to '%s': %s", name, dst, tools.Reason(err))
		}
		// Across file systems: copy everything, then remove the source.
		c := &copier{env: env, recursive: true, preserve: true, deref: 'P', keepLinks: true, force: true}
		if err := c.copyPath(ctx, src, dst, name, true); err != nil {
			return err
		}
		if err := os.RemoveAll(src); err != nil {
			return fmt.Errorf("cannot remove '%s': %s", name, tools.Reason(err))
		}
		return nil
	})
}
