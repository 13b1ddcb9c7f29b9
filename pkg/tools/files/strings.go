package files

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Strings is strings: print the printable strings of files.
var Strings = tools.Applet{Name: "strings", Summary: "print the printable strings of files", Run: runStrings}

func runStrings(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("strings", "strings [-af] [-n MIN] [-t d|o|x] [FILE]...\n  -f  print the file's name before each string")
	minLen := fset.Int('n', "bytes", 4)
	radix := fset.String('t', "radix", "")
	fset.Bool('a', "all")
	names := fset.Bool('f', "print-file-name")
	a := args[1:]
	for i, s := range a { // strings -8 means -n 8
		if len(s) > 1 && s[0] == '-' && s[1] >= '0' && s[1] <= '9' {
			a[i] = "-n" + s[1:]
		}
	}
	ops, rc := fset.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	o := tools.Operands{Name: "strings", OpenError: "'%s': %s", Flush: w.Flush}
	return o.Each(ctx, env, ops, func(op string, r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		var cur []byte
		var off, start int64
		flush := func() {
			if len(cur) >= *minLen {
				if *names {
					name := op
					if op == "-" {
						name = "{standard input}"
					}
					fmt.Fprintf(w, "%s: ", name)
				}
				switch *radix {
				case "d":
					fmt.Fprintf(w, "%7d ", start)
				case "o":
					fmt.Fprintf(w, "%7o ", start)
				case "x":
					fmt.Fprintf(w, "%7x ", start)
				}
				w.Write(cur)
				w.WriteByte('\n')
			}
			cur = cur[:0]
		}
		for {
			c, err := br.ReadByte()
			if err != nil {
				break
			}
			if off&0xffff == 0 && ctx.Err() != nil {
				break
			}
			if c >= 32 && c < 127 || c == '\t' {
				if len(cur) == 0 {
					start = off
				}
				cur = append(cur, c)
			} else {
				flush()
			}
			off++
		}
		flush()
		return nil
	})
}
