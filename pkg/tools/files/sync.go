package files

import (
	"context"
	"os"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Sync is sync [-df] [FILE]...: write cached data to storage, as GNU sync: everything, or
// each FILE (-d its data only, -f its whole file system).
var Sync = tools.Applet{Name: "sync", Summary: "write cached file data to storage", Run: runSync}

func runSync(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("sync", `sync [OPTION] [FILE]...
  -d, --data          sync only file data, no unneeded metadata
  -f, --file-system   sync the file systems that contain the files`)
	data := fset.Bool('d', "data")
	fsys := fset.Bool('f', "file-system")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *data && *fsys {
		env.Errorf("sync", "cannot specify both --data and --file-system")
		return 1
	}
	if *data && len(ops) == 0 {
		env.Errorf("sync", "--data needs at least one argument")
		return 1
	}
	if len(ops) == 0 {
		syscall.Sync()
		return 0
	}
	st := 0
	for _, op := range ops {
		f, err := os.OpenFile(env.Abs(op), os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			if f, err = os.OpenFile(env.Abs(op), os.O_WRONLY|syscall.O_NONBLOCK, 0); err != nil {
				env.Errorf("sync", "error opening '%s': %s", op, tools.Reason(err))
				st = 1
				continue
			}
		}
		switch {
		case *fsys:
			err = syncFS(f)
		case *data:
			err = syncData(f)
		default:
			err = f.Sync()
		}
		if err != nil {
			env.Errorf("sync", "error syncing '%s': %s", op, tools.Reason(err))
			st = 1
		}
		f.Close()
	}
	return st
}
