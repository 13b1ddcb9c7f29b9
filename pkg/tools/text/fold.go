package text

import (
	"bufio"
	"bytes"
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Fold is fold: wrap lines to a width.
var Fold = tools.Applet{Name: "fold", Summary: "wrap lines to a width", Run: runFold}

func runFold(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("fold", "fold [-bs] [-w WIDTH] [FILE]...")
	width := fset.Int('w', "width", 80)
	spaces := fset.Bool('s', "spaces")
	fset.Bool('b', "bytes")
	a := args[1:]
	for i, s := range a {
		if len(s) > 1 && s[0] == '-' && s[1] >= '0' && s[1] <= '9' {
			a[i] = "-w" + s[1:]
		}
	}
	ops, rc := fset.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	if *width < 1 {
		env.Errorf("fold", "invalid number of columns")
		return 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "fold", ops, func(l []byte, nl bool) {
		for len(l) > *width {
			cut := *width
			if *spaces {
				if i := bytes.LastIndexAny(l[:*width], " \t"); i >= 0 {
					cut = i + 1
				}
			}
			w.Write(l[:cut])
			w.WriteByte('\n')
			l = l[cut:]
		}
		w.Write(l)
		if nl {
			w.WriteByte('\n')
		}
	})
}
