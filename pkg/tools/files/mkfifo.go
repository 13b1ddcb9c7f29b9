package files

import (
	"context"
	"os"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Mkfifo is mkfifo [-m MODE] NAME...: make named pipes, as GNU mkfifo (MODE as chmod's,
// from a=rw; without -m the umask applies).
var Mkfifo = tools.Applet{Name: "mkfifo", Summary: "make named pipes (FIFOs)", Run: runMkfifo}

func runMkfifo(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mkfifo", `mkfifo [-m MODE] NAME...
  -m, --mode=MODE   set file permission bits to MODE, not a=rw - umask`)
	modeArg, modeSet := fset.StringSet('m', "mode", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	mode, ok := specialMode(env, "mkfifo", *modeArg, *modeSet)
	if !ok {
		return 1
	}
	if len(ops) == 0 {
		env.Errorf("mkfifo", "missing operand\nTry 'mkfifo --help' for more information.")
		return 1
	}
	st := 0
	for _, op := range ops {
		if err := syscall.Mkfifo(env.Abs(op), mode); err != nil {
			env.Errorf("mkfifo", "cannot create fifo '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if *modeSet {
			if err := os.Chmod(env.Abs(op), goMode(mode)); err != nil {
				env.Errorf("mkfifo", "cannot set permissions of '%s': %s", op, tools.Reason(err))
				st = 1
			}
		}
	}
	return st
}

// specialMode is the mode of mkfifo's and mknod's -m: chmod's syntax applied to a=rw.
func specialMode(env *tools.Env, name, spec string, set bool) (uint32, bool) {
	if !set {
		return 0o666, true
	}
	m, err := parseMode(spec, 0o666, false)
	if err != nil {
		env.Errorf(name, "invalid mode")
		return 0, false
	}
	if m&^0o777 != 0 {
		env.Errorf(name, "mode must specify only file permission bits")
		return 0, false
	}
	return m, true
}
