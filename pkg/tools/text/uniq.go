package text

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Uniq is uniq: report or omit repeated lines.
var Uniq = tools.Applet{Name: "uniq", Summary: "report or omit repeated lines", Run: runUniq}

func runUniq(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("uniq", "uniq [-cdiuz] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]")
	count := fset.Bool('c', "count")
	dups := fset.Bool('d', "repeated")
	allDups := fset.Bool('D', "all-repeated")
	uniques := fset.Bool('u', "unique")
	fold := fset.Bool('i', "ignore-case")
	skipF := fset.Int('f', "skip-fields", 0)
	skipC := fset.Int('s', "skip-chars", 0)
	width := fset.Int('w', "check-chars", -1)
	zero := fset.Bool('z', "zero-terminated")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	out := env.Stdout
	if len(ops) == 2 && ops[1] == "-" {
		ops = ops[:1] // an OUTPUT of - is standard output, as in GNU uniq
	}
	if len(ops) == 2 {
		f, err := os.Create(env.Abs(ops[1]))
		if err != nil {
			env.Errorf("uniq", "%s: %s", ops[1], tools.Reason(err))
			return 1
		}
		defer f.Close()
		out = f
		ops = ops[:1]
	}
	var r io.Reader = env.Stdin
	name := "-"
	if len(ops) == 1 {
		name = ops[0]
		in, closeIt, err := tools.OpenOperand(env, ops[0])
		if err != nil {
			env.Errorf("uniq", "%s: %s", ops[0], tools.Reason(err))
			return 1
		}
		defer closeIt()
		r = in
	}
	key := func(l []byte) []byte {
		for i := 0; i < *skipF; i++ {
			l = skipBlanks(l)
			j := 0
			for j < len(l) && l[j] != ' ' && l[j] != '\t' {
				j++
			}
			l = l[j:]
		}
		l = l[min(*skipC, len(l)):]
		if *width >= 0 {
			l = l[:min(*width, len(l))]
		}
		return l
	}
	same := func(a, b []byte) bool {
		if *fold {
			return bytes.EqualFold(key(a), key(b))
		}
		return bytes.Equal(key(a), key(b))
	}
	delim := byte('\n')
	if *zero {
		delim = 0
	}
	br := bufio.NewReaderSize(r, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	var prev []byte
	n := 0
	var group [][]byte
	emit := func() {
		if n == 0 {
			return
		}
		if *allDups {
			if n > 1 {
				for _, l := range group {
					w.Write(l)
					w.WriteByte(delim)
				}
			}
			return
		}
		if *dups && n < 2 || *uniques && n > 1 {
			return
		}
		if *count {
			w.WriteString(padLeft(strconv.Itoa(n), 7) + " ")
		}
		w.Write(prev)
		w.WriteByte(delim)
	}
	for ctx.Err() == nil {
		l, err := br.ReadBytes(delim)
		if len(l) > 0 {
			l = bytes.TrimSuffix(l, []byte{delim})
			if n > 0 && same(prev, l) {
				n++
				if *allDups {
					group = append(group, l)
				}
			} else {
				emit()
				prev, n = l, 1
				group = append(group[:0], l)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			// A directory opens, and fails here: GNU stops with what it wrote so far.
			w.Flush()
			env.Errorf("uniq", "error reading '%s': %s", name, tools.Reason(err))
			return 1
		}
	}
	emit()
	return 0
}
