package awk

import (
	"bufio"
	"os"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// awkInputs walks the operands: files, and VAR=value assignments done when reached.
type awkInputs struct {
	ops    []string
	i      int
	r      *bufio.Reader
	closer func()
	done   bool
}

func (in *awkInputs) next(vm *awkVM) (string, bool) {
	for {
		if in.r == nil {
			if in.done {
				return "", false
			}
			if !in.open(vm) {
				in.done = true
				return "", false
			}
		}
		rs := vm.str(vm.getVar("RS"))
		var s string
		var err error
		if rs == "\n" || rs == "" && false {
			s, err = in.r.ReadString('\n')
			if s != "" {
				s = strings.TrimSuffix(s, "\n")
				return s, true
			}
		} else if rs == "" {
			// paragraph mode: records separated by blank lines
			var b strings.Builder
			for {
				l, e := in.r.ReadString('\n')
				l2 := strings.TrimSuffix(l, "\n")
				if l2 == "" && b.Len() == 0 && e == nil {
					continue
				}
				if l2 == "" {
					err = e
					break
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(l2)
				if e != nil {
					err = e
					break
				}
			}
			if b.Len() > 0 {
				return b.String(), true
			}
		} else {
			s, err = in.r.ReadString(rs[0])
			if s != "" {
				return strings.TrimSuffix(s, rs[:1]), true
			}
		}
		_ = err
		in.closer()
		in.r = nil
	}
}

func (in *awkInputs) open(vm *awkVM) bool {
	for in.i < len(in.ops) {
		op := in.ops[in.i]
		in.i++
		if k, v, ok := strings.Cut(op, "="); ok && isAwkName(k) {
			vm.global(k).v = awkInput(unescapeAwk(v))
			if in.i == len(in.ops) && !in.anyFile() {
				break
			}
			continue
		}
		vm.global("FILENAME").v = awkStr(op)
		vm.global("FNR").v = awkNum(0)
		if op == "-" {
			in.r, in.closer = bufio.NewReaderSize(vm.env.Stdin, 64<<10), func() {}
			return true
		}
		f, err := os.Open(vm.env.Abs(op))
		if err != nil {
			vm.env.Errorf("awk", "cannot open \"%s\" (%s)", op, tools.Reason(err))
			vm.errs++
			continue
		}
		in.r, in.closer = bufio.NewReaderSize(f, 64<<10), func() { f.Close() }
		return true
	}
	if !in.anyFile() && !in.done {
		in.done = true
		in.r, in.closer = bufio.NewReaderSize(vm.env.Stdin, 64<<10), func() {}
		return true
	}
	return false
}

func (in *awkInputs) anyFile() bool {
	for _, op := range in.ops {
		if k, _, ok := strings.Cut(op, "="); !ok || !isAwkName(k) {
			return true
		}
	}
	return false
}
