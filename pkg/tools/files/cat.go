package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Cat is cat: concatenate files to stdout.
var Cat = tools.Applet{Name: "cat", Summary: "concatenate files to stdout", Run: runCat}

func runCat(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("cat", `cat [-nbAEstv] [FILE]...
  -n number all lines  -b number non-blank lines  -A show all (-vET)
  -E show $ at line ends  -T show tabs as ^I  -v show non-printing  -s squeeze blank lines`)
	var number, nonBlank, ends, tabs, nonPrint, squeeze bool
	fs.BoolFunc('n', "number", func() { number = true })
	fs.BoolFunc('b', "number-nonblank", func() { nonBlank = true })
	fs.BoolFunc('E', "show-ends", func() { ends = true })
	fs.BoolFunc('T', "show-tabs", func() { tabs = true })
	fs.BoolFunc('v', "show-nonprinting", func() { nonPrint = true })
	fs.BoolFunc('A', "show-all", func() { nonPrint, ends, tabs = true, true, true })
	fs.BoolFunc('e', "", func() { nonPrint, ends = true, true })
	fs.BoolFunc('t', "", func() { nonPrint, tabs = true, true })
	fs.BoolFunc('s', "squeeze-blank", func() { squeeze = true })
	fs.Bool('u', "")
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	plain := !number && !nonBlank && !ends && !tabs && !nonPrint && !squeeze
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	line := 0
	prevBlank := false
	st := tools.Operands{Name: "cat", Flush: w.Flush}.Each(ctx, env, ops, func(_ string, r io.Reader) error {
		if plain {
			// Flush per read so a pipe's output shows up as it comes.
			_, err := tools.CopyContext(ctx, flushWriter{w}, r)
			return err
		}
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l, rerr := br.ReadSlice('\n')
			if rerr == bufio.ErrBufferFull {
				// very long line: handle the remainder as part of the same line
				more, rerr2 := br.ReadBytes('\n')
				l = append(append([]byte{}, l...), more...)
				rerr = rerr2
			}
			if len(l) > 0 {
				body := bytes.TrimSuffix(l, []byte("\n"))
				blank := len(body) == 0 && len(l) == 1
				if !(squeeze && blank && prevBlank) {
					if number && !nonBlank || nonBlank && !blank {
						line++
						fmt.Fprintf(w, "%6d\t", line)
					}
					writeVisible(w, body, nonPrint, tabs)
					if len(l) > len(body) {
						if ends {
							w.WriteByte('$')
						}
						w.WriteByte('\n')
					}
				}
				prevBlank = blank
			}
			if rerr == io.EOF {
				return nil
			}
			if rerr != nil {
				return rerr
			}
		}
	})
	if ctx.Err() != nil {
		return 130
	}
	return st
}

type flushWriter struct{ w *bufio.Writer }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = f.w.Flush()
	}
	return n, err
}

// writeVisible writes b, showing control and high bytes in ^X / M-X notation when asked.
func writeVisible(w *bufio.Writer, b []byte, nonPrint, tabs bool) {
	if !nonPrint && !tabs {
		w.Write(b)
		return
	}
	for _, c := range b {
		switch {
		case c == '\t':
			if tabs {
				w.WriteString("^I")
			} else {
				w.WriteByte(c)
			}
		case !nonPrint:
			w.WriteByte(c)
		case c >= 128:
			w.WriteString("M-")
			c -= 128
			fallthrough
		default:
			switch {
			case c < 32:
				w.WriteByte('^')
				w.WriteByte(c + 64)
			case c == 127:
				w.WriteString("^?")
			default:
				w.WriteByte(c)
			}
		}
	}
}
