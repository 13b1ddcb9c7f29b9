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
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	headers := (len(ops) > 1 && !*quiet) || *verbose
	first := true
	// A directory opens and fails when read: "error reading 'd'", after its header, as GNU.
	o := tools.Operands{Name: "head", Lazy: true, OpenError: "cannot open '%s' for reading: %s",
		ReadError: "error reading '%s': %s", Flush: w.Flush}
	return o.Each(ctx, env, ops, func(op string, r io.Reader) error {
		if headers {
			if !first {
				w.WriteByte('\n')
			}
			first = false
			name := op
			if op == "-" {
				name = "standard input"
			}
			fmt.Fprintf(w, "==> %s <==\n", name)
		}
		br := bufio.NewReaderSize(r, 64<<10)
		var err error
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
			return nil
		}
		return err
	})
}
