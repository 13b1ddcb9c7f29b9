//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// TTY is tty: print the name of the terminal on standard input.
//
//	tty [-s]
var TTY = tools.Applet{Name: "tty", Summary: "print the name of the terminal on standard input", Run: runTTY}

func runTTY(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("tty", "tty [-s]\nPrints the terminal on standard input; exit status 1 when it is none (-s: print nothing).")
	silent := fs.Bool('s', "silent")
	fs.Bool(0, "quiet")
	ops, status := fs.Parse(env, args[1:])
	if status >= 0 {
		return status
	}
	if len(ops) > 0 {
		env.Errorf("tty", "extra operand '%s'", ops[0])
		return 2
	}
	name := ""
	if f, ok := env.Stdin.(*os.File); ok && tools.IsTerminal(f) {
		name, _ = os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	}
	if name == "" {
		if !*silent {
			fmt.Fprintln(env.Stdout, "not a tty")
		}
		return 1
	}
	if !*silent {
		fmt.Fprintln(env.Stdout, name)
	}
	return 0
}
