package text

import (
	"bufio"
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Rev is rev: reverse the characters of lines.
var Rev = tools.Applet{Name: "rev", Summary: "reverse the characters of lines", Run: runRev}

func runRev(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rev", "rev [FILE]...")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "rev", ops, func(l []byte, nl bool) {
		rs := []rune(string(l))
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		w.WriteString(string(rs))
		if nl {
			w.WriteByte('\n')
		}
	})
}
