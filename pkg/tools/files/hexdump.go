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

// Hexdump is hexdump: display file contents in hexadecimal.
var Hexdump = tools.Applet{Name: "hexdump", Summary: "display file contents in hexadecimal", Run: runHexdump}

func runHexdump(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("hexdump", "hexdump [-Cv] [-n LEN] [-s SKIP] [FILE]...")
	canonical := fset.Bool('C', "canonical")
	verbose := fset.Bool('v', "no-squeezing")
	length := fset.String('n', "length", "-1")
	skip := fset.String('s', "skip", "0")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	n, err1 := parseSize(*length)
	s, err2 := parseSize(*skip)
	if err1 != nil || err2 != nil {
		env.Errorf("hexdump", "invalid number")
		return 2
	}
	r, closer, st := inputs(env, "hexdump", ops)
	defer closer()
	if s > 0 {
		io.CopyN(io.Discard, r, s)
	}
	if n >= 0 {
		r = io.LimitReader(r, n)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	off := s
	var prev []byte
	squeezed := false
	line := make([]byte, 16)
	for ctx.Err() == nil {
		k, _ := io.ReadFull(br, line)
		if k == 0 {
			break
		}
		b := line[:k]
		if !*verbose && k == 16 && prev != nil && bytes.Equal(b, prev) {
			if !squeezed {
				w.WriteString("*\n")
				squeezed = true
			}
			off += int64(k)
			continue
		}
		squeezed = false
		prev = append(prev[:0], b...)
		if *canonical {
			fmt.Fprintf(w, "%08x ", off)
			for i := 0; i < 16; i++ {
				if i == 8 {
					w.WriteByte(' ')
				}
				if i < k {
					fmt.Fprintf(w, " %02x", b[i])
				} else {
					w.WriteString("   ")
				}
			}
			w.WriteString("  |")
			for _, c := range b {
				if c >= 32 && c < 127 {
					w.WriteByte(c)
				} else {
					w.WriteByte('.')
				}
			}
			w.WriteString("|\n")
		} else {
			fmt.Fprintf(w, "%07x", off)
			for i := 0; i < k; i += 2 {
				v := uint16(b[i])
				if i+1 < k {
					v |= uint16(b[i+1]) << 8
				}
				fmt.Fprintf(w, " %04x", v)
			}
			w.WriteByte('\n')
		}
		off += int64(k)
	}
	if off > s || *canonical {
		if *canonical {
			fmt.Fprintf(w, "%08x\n", off)
		} else {
			fmt.Fprintf(w, "%07x\n", off)
		}
	}
	return st
}
