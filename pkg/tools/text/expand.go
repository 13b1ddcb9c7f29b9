package text

import (
	"bufio"
	"context"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Expand is expand: convert tabs to spaces.
var Expand = tools.Applet{Name: "expand", Summary: "convert tabs to spaces", Run: runExpand}

func runExpand(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("expand", "expand [-t N] [FILE]...")
	tab := fset.Int('t', "tabs", 8)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *tab < 1 {
		*tab = 8
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "expand", ops, func(l []byte, nl bool) {
		col := 0
		for _, c := range string(l) {
			if c == '\t' {
				n := *tab - col%*tab
				w.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			w.WriteRune(c)
			col++
		}
		if nl {
			w.WriteByte('\n')
		}
	})
}
