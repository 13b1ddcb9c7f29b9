package text

import (
	"bufio"
	"bytes"
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Comm is comm: compare two sorted files line by line.
var Comm = tools.Applet{Name: "comm", Summary: "compare two sorted files line by line", Run: runComm}

func runComm(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("comm", "comm [-123] FILE1 FILE2")
	s1 := fset.Bool('1', "")
	s2 := fset.Bool('2', "")
	s3 := fset.Bool('3', "")
	outDelim := fset.String(0, "output-delimiter", "\t")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) != 2 {
		env.Errorf("comm", "missing operand\nTry 'comm --help' for more information.")
		return 2
	}
	o := tools.Operands{Name: "comm"}
	a, st1 := readAllLines(ctx, env, o, ops[:1], false)
	b, st2 := readAllLines(ctx, env, o, ops[1:], false)
	if st1 != 0 || st2 != 0 {
		return 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	col := func(n int, l []byte) {
		pre := ""
		if n >= 2 && !*s1 {
			pre += *outDelim
		}
		if n == 3 && !*s2 {
			pre += *outDelim
		}
		w.WriteString(pre)
		w.Write(l)
		w.WriteByte('\n')
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || i < len(a) && bytes.Compare(a[i], b[j]) < 0:
			if !*s1 {
				col(1, a[i])
			}
			i++
		case i >= len(a) || bytes.Compare(a[i], b[j]) > 0:
			if !*s2 {
				col(2, b[j])
			}
			j++
		default:
			if !*s3 {
				col(3, a[i])
			}
			i++
			j++
		}
	}
	return 0
}
