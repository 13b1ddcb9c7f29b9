package files

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Chmod is chmod: change file modes.
var Chmod = tools.Applet{Name: "chmod", Summary: "change file modes", Run: runChmod}

func runChmod(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chmod", "chmod [-Rv] MODE FILE...   (MODE: 755, u+x, go-w, a=rX, ...)")
	recursive := fset.Bool('R', "recursive")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('f', "silent")
	// A mode such as -w or -x looks like an option: take it out first.
	var mode string
	rest := []string{}
	for _, a := range args[1:] {
		if mode == "" && len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "rwxXst") == "" && strings.ContainsAny(a[1:], "wxXst") {
			mode = a
			continue
		}
		rest = append(rest, a)
	}
	ops, rc := fset.Parse(env, rest)
	if rc >= 0 {
		return rc
	}
	if mode == "" {
		if len(ops) == 0 {
			env.Errorf("chmod", "missing operand")
			return 2
		}
		mode, ops = ops[0], ops[1:]
	}
	if len(ops) == 0 {
		env.Errorf("chmod", "missing operand after '%s'", mode)
		return 2
	}
	if _, err := parseMode(mode, 0, false); err != nil {
		env.Errorf("chmod", "%v", err)
		return 1
	}
	return walkOps(ctx, env, "chmod", ops, *recursive, func(p, shown string) error {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("cannot access '%s': %s", shown, tools.Reason(err))
		}
		m, _ := parseMode(mode, unixMode(fi.Mode()), fi.IsDir())
		if err := os.Chmod(p, goMode(m)); err != nil {
			return fmt.Errorf("changing permissions of '%s': %s", shown, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "mode of '%s' changed to %04o (%s)\n", shown, m, modeString(goMode(m))[1:])
		}
		return nil
	})
}
