package files

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Xxd is xxd: make a hex dump or reverse it.
var Xxd = tools.Applet{Name: "xxd", Summary: "make a hex dump or reverse it", Run: runXxd}

func runXxd(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("xxd", `xxd [-p] [-r] [-u] [-c COLS] [-g BYTES] [-l LEN] [-s SEEK] [FILE]
  -p plain hex  -r reverse (hex dump to binary)  -u upper case`)
	plain := fset.Bool('p', "ps")
	reverse := fset.Bool('r', "revert")
	upper := fset.Bool('u', "")
	cols := fset.Int('c', "cols", 0)
	group := fset.Int('g', "groupsize", 2)
	length := fset.String('l', "len", "-1")
	seek := fset.String('s', "seek", "0")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	n, err1 := humanize.ParseSize(*length, hexSize)
	s, err2 := humanize.ParseSize(*seek, hexSize)
	if err1 != nil || err2 != nil {
		env.Errorf("xxd", "invalid number")
		return 2
	}
	if len(ops) > 1 {
		ops = ops[:1] // the second operand of xxd is an output file; not supported
	}
	r, opened, done := tools.Operands{Name: "xxd"}.Concat(env, ops)
	defer done()
	if opened == 0 {
		return 2
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	if *reverse {
		data, err := io.ReadAll(r)
		if err != nil {
			env.Errorf("xxd", "%v", err)
			return 1
		}
		var hexText []byte
		for _, line := range bytes.Split(data, []byte("\n")) {
			if !*plain {
				// "00000010: 6865 6c6c  hello": drop offset and the text column.
				if i := bytes.IndexByte(line, ':'); i >= 0 {
					line = line[i+1:]
				}
				if i := bytes.Index(line, []byte("  ")); i >= 0 {
					line = line[:i]
				}
			}
			for _, c := range line {
				if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
					hexText = append(hexText, c)
				}
			}
		}
		out := make([]byte, len(hexText)/2)
		hex.Decode(out, hexText[:len(out)*2])
		w.Write(out)
		return 0
	}
	if s > 0 {
		io.CopyN(io.Discard, r, s)
	}
	if n >= 0 {
		r = io.LimitReader(r, n)
	}
	c := *cols
	if c <= 0 {
		c = 16
		if *plain {
			c = 30
		}
	}
	g := *group
	if g <= 0 {
		g = c
	}
	digits := "0123456789abcdef"
	if *upper {
		digits = "0123456789ABCDEF"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	line := make([]byte, c)
	off := s
	hexWidth := c*2 + (c+g-1)/g
	for ctx.Err() == nil {
		k, _ := io.ReadFull(br, line)
		if k == 0 {
			break
		}
		b := line[:k]
		if *plain {
			for _, x := range b {
				w.WriteByte(digits[x>>4])
				w.WriteByte(digits[x&15])
			}
			w.WriteByte('\n')
			off += int64(k)
			continue
		}
		fmt.Fprintf(w, "%08x: ", off)
		written := 0
		for i, x := range b {
			w.WriteByte(digits[x>>4])
			w.WriteByte(digits[x&15])
			written += 2
			if (i+1)%g == 0 {
				w.WriteByte(' ')
				written++
			}
		}
		w.WriteString(strings.Repeat(" ", hexWidth-written+1))
		for _, x := range b {
			if x >= 32 && x < 127 {
				w.WriteByte(x)
			} else {
				w.WriteByte('.')
			}
		}
		w.WriteByte('\n')
		off += int64(k)
	}
	return 0
}

// hexSize is the count of xxd -l/-s and hexdump -n/-s: decimal, or hexadecimal after 0x.
var hexSize = humanize.SizeSyntax{Sign: true, Hex: true}
