package shell

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Pwd is pwd: print the working directory.
var Pwd = tools.Applet{Name: "pwd", Summary: "print the working directory", Run: runPwd}

func runPwd(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "pwd [-LP]\n\nPrint the working directory.\n  -L  as the shell knows it, symlinks kept (default)\n  -P  with every symlink resolved")
	}
	physical := false
	for _, a := range args[1:] {
		switch a {
		case "-P":
			physical = true
		case "-L":
			physical = false
		default:
			env.Errorf("pwd", "unknown option %q", a)
			return 2
		}
	}
	dir := env.Dir
	if physical {
		p, err := filepath.EvalSymlinks(dir)
		if err != nil {
			env.Errorf("pwd", "%v", err)
			return 1
		}
		dir = p
	}
	fmt.Fprintln(env.Stdout, dir)
	return 0
}
