package text

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// eachLine calls fn for every line (without its newline) of the operands.
func eachLine(ctx context.Context, env *tools.Env, name string, ops []string, fn func(line []byte, hadNL bool)) int {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	st := 0
	for _, op := range ops {
		// A directory opens, and fails as a read: "cut: d: Is a directory", as GNU.
		r, closeIt, err := tools.OpenOperand(env, op)
		if err != nil {
			env.Errorf(name, "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		defer closeIt()
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
			if err != nil {
				if err != io.EOF {
					env.Errorf(name, "%s: %s", op, tools.Reason(err))
					st = 1
				}
				break
			}
		}
	}
	return st
}

func readAllLines(env *tools.Env, name string, ops []string, zero bool) ([][]byte, int) {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	var lines [][]byte
	st := 0
	delim := byte('\n')
	if zero {
		delim = 0
	}
	for _, op := range ops {
		// A directory opens, and fails as a read ("read failed: d: Is a directory").
		r, closeIt, err := tools.OpenOperand(env, op)
		if err != nil {
			env.Errorf(name, "cannot read: %s: %s", op, tools.Reason(err))
			st = 2
			continue
		}
		defer closeIt()
		data, err := io.ReadAll(r)
		if err != nil {
			env.Errorf(name, "read failed: %s: %s", op, tools.Reason(err))
			st = 2
			continue
		}
		for len(data) > 0 {
			i := bytes.IndexByte(data, delim)
			if i < 0 {
				lines = append(lines, data)
				break
			}
			lines = append(lines, data[:i])
			data = data[i+1:]
		}
	}
	return lines, st
}

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}
