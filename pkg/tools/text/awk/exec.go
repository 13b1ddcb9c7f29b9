package awk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

type awkCtrl int

const (
	cNone awkCtrl = iota
	cNext
	cNextFile
	cExit
	cBreak
	cContinue
	cReturn
)

var errAwkExit = errors.New("exit")

// ctrlErr carries next/exit out of a function call through expression evaluation.
type ctrlErr struct{ c awkCtrl }

func (e ctrlErr) Error() string { return "control" }

func (vm *awkVM) execBlock(b stBlock) (awkCtrl, error) {
	for _, s := range b {
		c, err := vm.exec(s)
		if err != nil || c != cNone {
			return c, err
		}
	}
	return cNone, nil
}

func (vm *awkVM) exec(s awkStmt) (awkCtrl, error) {
	if err := vm.ctx.Err(); err != nil {
		return cExit, err
	}
	switch x := s.(type) {
	case stBlock:
		return vm.execBlock(x)
	case *stExpr:
		_, err := vm.eval(x.e)
		if ce, ok := err.(ctrlErr); ok {
			return ce.c, nil
		}
		return cNone, err
	case *stPrint:
		return cNone, vm.print(x)
	case *stIf:
		c, err := vm.eval(x.c)
		if err != nil {
			return cNone, err
		}
		if truthy(c) {
			return vm.exec(x.a)
		}
		if x.b != nil {
			return vm.exec(x.b)
		}
	case *stWhile:
		first := true
		for {
			if !(x.do && first) {
				c, err := vm.eval(x.c)
				if err != nil {
					return cNone, err
				}
				if !truthy(c) {
					return cNone, nil
				}
			}
			first = false
			ctrl, err := vm.exec(x.body)
			if err != nil {
				return ctrl, err
			}
			switch ctrl {
			case cBreak:
				return cNone, nil
			case cNext, cExit, cReturn, cNextFile:
				return ctrl, nil
			}
		}
	case *stFor:
		if x.init != nil {
			if _, err := vm.exec(x.init); err != nil {
				return cNone, err
			}
		}
		for {
			if x.c != nil {
				c, err := vm.eval(x.c)
				if err != nil {
					return cNone, err
				}
				if !truthy(c) {
					return cNone, nil
				}
			}
			ctrl, err := vm.exec(x.body)
			if err != nil {
				return ctrl, err
			}
			switch ctrl {
			case cBreak:
				return cNone, nil
			case cNext, cExit, cReturn, cNextFile:
				return ctrl, nil
			}
			if x.post != nil {
				if _, err := vm.exec(x.post); err != nil {
					return cNone, err
				}
			}
		}
	case *stForIn:
		a := vm.arr(x.arr)
		keys := make([]string, 0, len(a))
		for k := range a {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			ni, ei := strconv.Atoi(keys[i])
			nj, ej := strconv.Atoi(keys[j])
			if ei == nil && ej == nil {
				return ni < nj
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			if _, still := a[k]; !still {
				continue
			}
			vm.cell(x.v).v = awkInput(k)
			ctrl, err := vm.exec(x.body)
			if err != nil {
				return ctrl, err
			}
			switch ctrl {
			case cBreak:
				return cNone, nil
			case cNext, cExit, cReturn, cNextFile:
				return ctrl, nil
			}
		}
	case stNext:
		return cNext, nil
	case stNextFile:
		return cNextFile, nil
	case stBreak:
		return cBreak, nil
	case stContinue:
		return cContinue, nil
	case *stExit:
		if x.e != nil {
			v, err := vm.eval(x.e)
			if err != nil {
				return cNone, err
			}
			vm.exitCode = int(num(v))
		}
		return cExit, nil
	case *stReturn:
		if x.e != nil {
			v, err := vm.eval(x.e)
			if err != nil {
				return cNone, err
			}
			vm.retVal = v
		}
		return cReturn, nil
	case *stDelete:
		if x.idx == nil {
			vm.cell(x.arr).arr = map[string]awkVal{}
			return cNone, nil
		}
		k, err := vm.subscript(x.idx)
		if err != nil {
			return cNone, err
		}
		delete(vm.arr(x.arr), k)
	}
	return cNone, nil
}

func (vm *awkVM) print(x *stPrint) error {
	var s string
	if x.printf {
		if len(x.args) == 0 {
			return fmt.Errorf("printf: no format")
		}
		a, err := vm.args(x.args)
		if err != nil {
			return err
		}
		s = awkSprintf(vm, vm.str(a[0]), a[1:])
	} else if len(x.args) == 0 {
		s = vm.fields[0] + vm.str(vm.getVar("ORS"))
	} else {
		parts := make([]string, len(x.args))
		for i, e := range x.args {
			v, err := vm.eval(e)
			if err != nil {
				return err
			}
			if v.k == kNum {
				parts[i] = vm.numToStr(v.n, "OFMT")
			} else {
				parts[i] = v.s
			}
		}
		s = strings.Join(parts, vm.str(vm.getVar("OFS"))) + vm.str(vm.getVar("ORS"))
	}
	if x.redir == "" {
		vm.out.WriteString(s)
		return nil
	}
	d, err := vm.eval(x.dest)
	if err != nil {
		return err
	}
	name := vm.str(d)
	if x.redir == "|" {
		if vm.pipes == nil {
			vm.pipes = map[string]*bytes.Buffer{}
		}
		if vm.pipes[name] == nil {
			vm.pipes[name] = &bytes.Buffer{}
		}
		vm.pipes[name].WriteString(s)
		return nil
	}
	switch name {
	case "/dev/stdout", "-":
		vm.out.WriteString(s)
		return nil
	case "/dev/stderr":
		vm.out.Flush()
		io.WriteString(vm.env.Stderr, s)
		return nil
	}
	f, ok := vm.files[name]
	if !ok {
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if x.redir == ">>" {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err = os.OpenFile(vm.env.Abs(name), flag, 0o666)
		if err != nil {
			return fmt.Errorf("can't redirect to %s: %s", name, tools.Reason(err))
		}
		vm.files[name] = f
	}
	_, err = io.WriteString(f, s)
	return err
}
