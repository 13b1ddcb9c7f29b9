package text

import (
	"bufio"
	"context"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Nl is nl: number lines.
var Nl = tools.Applet{Name: "nl", Summary: "number lines", Run: runNl}

func runNl(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("nl", "nl [-b a|t|n] [-n ln|rn|rz] [-w WIDTH] [-s SEP] [-v START] [-i INCR] [FILE]...")
	style := fset.String('b', "body-numbering", "t")
	format := fset.String('n', "number-format", "rn")
	width := fset.Int('w', "number-width", 6)
	sep := fset.String('s', "number-separator", "\t")
	start := fset.Int('v', "starting-line-number", 1)
	incr := fset.Int('i', "line-increment", 1)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	n := *start
	return eachLine(ctx, env, "nl", ops, func(l []byte, _ bool) {
		number := *style == "a" || *style == "t" && len(l) > 0
		if number {
			s := strconv.Itoa(n)
			switch *format {
			case "ln":
				s = s + strings.Repeat(" ", max(*width-len(s), 0))
			case "rz":
				s = strings.Repeat("0", max(*width-len(s), 0)) + s
			default:
				s = padLeft(s, *width)
			}
			w.WriteString(s + *sep)
			n += *incr
		} else {
			w.WriteString(strings.Repeat(" ", *width+len(*sep)))
		}
		w.Write(l)
		w.WriteByte('\n')
	})
}
