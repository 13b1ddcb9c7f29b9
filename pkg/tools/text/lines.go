package text

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// eachLine calls fn for every line (without its newline) of the operands. A directory
// opens, and fails as a read: "cut: d: Is a directory", as GNU.
func eachLine(ctx context.Context, env *tools.Env, name string, ops []string, fn func(line []byte, hadNL bool)) int {
	return tools.Operands{Name: name, Lazy: true}.Each(ctx, env, ops, func(_ string, r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		for ctx.Err() == nil {
			l, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				more, err2 := br.ReadBytes('\n')
				l = append(append([]byte(nil), l...), more...)
				err = err2
			}
			if len(l) > 0 {
				nl := l[len(l)-1] == '\n'
				if nl {
					l = l[:len(l)-1]
				}
				fn(l, nl)
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// readAllLines reads the lines of the operands (ending in NUL with zero), reporting
// them as o words it; a directory opens, and fails as a read.
func readAllLines(ctx context.Context, env *tools.Env, o tools.Operands, ops []string, zero bool) ([][]byte, int) {
	var lines [][]byte
	o.Lazy = true
	st := o.Each(ctx, env, ops, func(_ string, r io.Reader) error {
		var err error
		lines, err = appendLines(lines, r, zero)
		return err
	})
	return lines, st
}

// appendLines appends the lines of r (ending in NUL with zero) to lines.
func appendLines(lines [][]byte, r io.Reader, zero bool) ([][]byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return lines, err
	}
	delim := byte('\n')
	if zero {
		delim = 0
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, delim)
		if i < 0 {
			return append(lines, data), nil
		}
		lines = append(lines, data[:i])
		data = data[i+1:]
	}
	return lines, nil
}

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}
