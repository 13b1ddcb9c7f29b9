package files

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Head is head: print the first lines of files.
var Head = tools.Applet{Name: "head", Summary: "print the first lines of files", Run: runHead}

func runHead(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("head", `head [-n [-]N] [-c [-]N] [-qv] [FILE]...
  -n N  first N lines (-N: all but the last N)   -c N  first N bytes
  -q  never print headers   -v  always print headers`)
	lines := fs.String('n', "lines", "10")
	bytesArg, byBytes := fs.StringSet('c', "bytes", "")
	quiet := fs.Bool('q', "quiet")
	verbose := fs.Bool('v', "verbose")
	ops, rc := fs.Parse(env, legacyCount(args[1:]))
	if rc >= 0 {
		return rc
	}
	v := *lines
	if *byBytes {
		v = *bytesArg
	}
	n, _, minus, err := countArg(v)
	if err != nil {
		env.Errorf("head", "%v", err)
		return 2
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	st := 0
	for i, op := range ops {
		r, closer, err := tools.OpenInput(env, op)
		if err != nil {
			w.Flush()
			env.Errorf("head", "cannot open '%s' for reading: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if (len(ops) > 1 && !*quiet) || *verbose {
			if i > 0 {
				w.WriteByte('\n')
			}
			name := op
			if op == "-" {
				name = "standard input"
			}
			fmt.Fprintf(w, "==> %s <==\n", name)
		}
		br := bufio.NewReaderSize(r, 64<<10)
		switch {
		case *byBytes && !minus:
			_, err = io.CopyN(w, br, n)
		case *byBytes:
			var b []byte
			b, err = io.ReadAll(br)
			if int64(len(b)) > n {
				w.Write(b[:int64(len(b))-n])
			}
		case !minus:
			for k := int64(0); k < n && ctx.Err() == nil; k++ {
				var l []byte
				l, err = br.ReadBytes('\n')
				w.Write(l)
				if err != nil {
					break
				}
			}
		default:
			var all []byte
			all, err = io.ReadAll(br)
			ls := splitLines(all)
			if int64(len(ls)) > n {
				for _, l := range ls[:int64(len(ls))-n] {
					w.Write(l)
				}
			}
		}
		if err == io.EOF {
			err = nil
		}
		closer()
		if err != nil {
			w.Flush()
			env.Errorf("head", "error reading '%s': %s", op, tools.Reason(err))
			st = 1
		}
	}
	return st
}
