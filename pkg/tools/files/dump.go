package files

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Hexdump is hexdump: display file contents in hexadecimal.
var Hexdump = tools.Applet{Name: "hexdump", Summary: "display file contents in hexadecimal", Run: runHexdump}

// Xxd is xxd: make a hex dump or reverse it.
var Xxd = tools.Applet{Name: "xxd", Summary: "make a hex dump or reverse it", Run: runXxd}

// Strings is strings: print the printable strings of files.
var Strings = tools.Applet{Name: "strings", Summary: "print the printable strings of files", Run: runStrings}

// inputs returns a reader over all operands (stdin when none), reporting open errors.
func inputs(env *tools.Env, name string, ops []string) (io.Reader, func(), int) {
	if len(ops) == 0 {
		return env.Stdin, func() {}, 0
	}
	var rs []io.Reader
	var closers []func()
	st := 0
	for _, op := range ops {
		r, c, err := openInput(env, op)
		if err != nil {
			env.Errorf(name, "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		rs = append(rs, r)
		closers = append(closers, c)
	}
	return io.MultiReader(rs...), func() {
		for _, c := range closers {
			c()
		}
	}, st
}

func parseSize(s string) (int64, error) {
	base := 10
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s, base = s[2:], 16
	}
	return strconv.ParseInt(s, base, 64)
}

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
	n, err1 := parseSize(*length)
	s, err2 := parseSize(*seek)
	if err1 != nil || err2 != nil {
		env.Errorf("xxd", "invalid number")
		return 2
	}
	if len(ops) > 1 {
		ops = ops[:1] // the second operand of xxd is an output file; not supported
	}
	r, closer, st := inputs(env, "xxd", ops)
	defer closer()
	if st != 0 {
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

func runStrings(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("strings", "strings [-a] [-n MIN] [-t d|o|x] [FILE]...")
	minLen := fset.Int('n', "bytes", 4)
	radix := fset.String('t', "radix", "")
	fset.Bool('a', "all")
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
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	st := 0
	for _, op := range ops {
		r, closer, err := openInput(env, op)
		if err != nil {
			w.Flush()
			env.Errorf("strings", "'%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		br := bufio.NewReaderSize(r, 64<<10)
		var cur []byte
		var off, start int64
		flush := func() {
			if len(cur) >= *minLen {
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
		closer()
	}
	return st
}
