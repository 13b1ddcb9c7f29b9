package awk

import (
	"fmt"
	"math"
	"strings"
)

func (vm *awkVM) subscript(idx []awkExpr) (string, error) {
	if len(idx) == 1 {
		v, err := vm.eval(idx[0])
		return vm.str(v), err
	}
	parts := make([]string, len(idx))
	for i, e := range idx {
		v, err := vm.eval(e)
		if err != nil {
			return "", err
		}
		parts[i] = vm.str(v)
	}
	return strings.Join(parts, vm.str(vm.getVar("SUBSEP"))), nil
}

func (vm *awkVM) assign(lv awkExpr, v awkVal) error {
	switch l := lv.(type) {
	case *exVar:
		if l.local < 0 {
			switch l.name {
			case "NF":
				vm.setNF(int(num(v)))
				return nil
			}
		}
		vm.cell(l).v = v
	case *exIndex:
		k, err := vm.subscript(l.idx)
		if err != nil {
			return err
		}
		vm.arr(l.arr)[k] = v
	case *exField:
		i, err := vm.eval(l.e)
		if err != nil {
			return err
		}
		vm.setField(int(num(i)), vm.str(v))
	case *exGroup:
		return vm.assign(l.e, v)
	}
	return nil
}

func (vm *awkVM) eval(e awkExpr) (awkVal, error) {
	switch x := e.(type) {
	case *exNum:
		return awkNum(x.v), nil
	case *exStr:
		return awkStr(x.v), nil
	case *exRegex:
		return awkNum(b2f(x.re.MatchString(vm.fields[0]))), nil
	case *exGroup:
		if _, ok := x.e.([]awkExpr); ok {
			return awkVal{}, fmt.Errorf("unexpected list")
		}
		return vm.eval(x.e)
	case *exVar:
		if x.local < 0 && x.name == "NF" {
			vm.splitRecord()
		}
		return vm.cell(x).v, nil
	case *exIndex:
		k, err := vm.subscript(x.idx)
		if err != nil {
			return awkVal{}, err
		}
		a := vm.arr(x.arr)
		v, ok := a[k]
		if !ok {
			v = awkVal{k: kStrNum}
			a[k] = v
		}
		return v, nil
	case *exField:
		i, err := vm.eval(x.e)
		if err != nil {
			return awkVal{}, err
		}
		if num(i) < 0 {
			return awkVal{}, &awkError{where: vm.where, line: x.line, msg: "Access to negative field"}
		}
		return vm.field(int(num(i))), nil
	case *exUnary:
		v, err := vm.eval(x.e)
		if err != nil {
			return v, err
		}
		switch x.op {
		case "!":
			return awkNum(b2f(!truthy(v))), nil
		case "-":
			return awkNum(-num(v)), nil
		}
		return awkNum(num(v)), nil
	case *exBinary:
		return vm.binary(x)
	case *exAssign:
		r, err := vm.eval(x.e)
		if err != nil {
			return r, err
		}
		if x.op != "=" {
			l, err := vm.eval(x.lv)
			if err != nil {
				return l, err
			}
			r = awkNum(arith(x.op[:1], num(l), num(r)))
		} else if r.k == kStrNum && r.s == "" {
			r = awkVal{k: kStrNum}
		}
		return r, vm.assign(x.lv, r)
	case *exIncDec:
		v, err := vm.eval(x.lv)
		if err != nil {
			return v, err
		}
		n := num(v)
		nv := n + 1
		if x.op == "--" {
			nv = n - 1
		}
		if err := vm.assign(x.lv, awkNum(nv)); err != nil {
			return v, err
		}
		if x.pre {
			return awkNum(nv), nil
		}
		return awkNum(n), nil
	case *exCond:
		c, err := vm.eval(x.c)
		if err != nil {
			return c, err
		}
		if truthy(c) {
			return vm.eval(x.a)
		}
		return vm.eval(x.b)
	case *exMatch:
		l, err := vm.eval(x.l)
		if err != nil {
			return l, err
		}
		re, err := vm.regexOf(x.r)
		if err != nil {
			return awkVal{}, err
		}
		return awkNum(b2f(re.MatchString(vm.str(l)) != x.neg)), nil
	case *exIn:
		k, err := vm.subscript(x.idx)
		if err != nil {
			return awkVal{}, err
		}
		_, ok := vm.arr(x.arr)[k]
		return awkNum(b2f(ok)), nil
	case *exCall:
		return vm.builtin(x)
	case *exUser:
		return vm.callUser(x)
	case *exGetline:
		return vm.getline(x)
	}
	return awkVal{}, fmt.Errorf("cannot evaluate %T", e)
}

func arith(op string, a, b float64) float64 {
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	case "%":
		return math.Mod(a, b)
	case "^":
		return math.Pow(a, b)
	}
	return 0
}

func (vm *awkVM) binary(x *exBinary) (awkVal, error) {
	l, err := vm.eval(x.l)
	if err != nil {
		return l, err
	}
	switch x.op {
	case "&&":
		if !truthy(l) {
			return awkNum(0), nil
		}
		r, err := vm.eval(x.r)
		return awkNum(b2f(truthy(r))), err
	case "||":
		if truthy(l) {
			return awkNum(1), nil
		}
		r, err := vm.eval(x.r)
		return awkNum(b2f(truthy(r))), err
	}
	r, err := vm.eval(x.r)
	if err != nil {
		return r, err
	}
	switch x.op {
	case "concat":
		return awkStr(vm.str(l) + vm.str(r)), nil
	case "+", "-", "*", "/", "%", "^":
		if (x.op == "/" || x.op == "%") && num(r) == 0 {
			return awkVal{}, fmt.Errorf("division by zero")
		}
		return awkNum(arith(x.op, num(l), num(r))), nil
	}
	// comparison: numeric when both are numbers or numeric strings
	var c int
	lnum := l.k == kNum || l.k == kStrNum && (l.s == "" || looksNumeric(l.s))
	rnum := r.k == kNum || r.k == kStrNum && (r.s == "" || looksNumeric(r.s))
	if lnum && rnum {
		c = cmpFloat(num(l), num(r))
	} else {
		c = strings.Compare(vm.str(l), vm.str(r))
	}
	var ok bool
	switch x.op {
	case "<":
		ok = c < 0
	case "<=":
		ok = c <= 0
	case ">":
		ok = c > 0
	case ">=":
		ok = c >= 0
	case "==":
		ok = c == 0
	case "!=":
		ok = c != 0
	}
	return awkNum(b2f(ok)), nil
}

func (vm *awkVM) args(es []awkExpr) ([]awkVal, error) {
	out := make([]awkVal, len(es))
	for i, e := range es {
		v, err := vm.eval(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (vm *awkVM) callUser(x *exUser) (awkVal, error) {
	f, ok := vm.prog.funcs[x.name]
	if !ok {
		return awkVal{}, &awkError{where: vm.where, line: x.line, msg: "Call to undefined function"}
	}
	if len(vm.frames) > 1000 {
		return awkVal{}, fmt.Errorf("function call nesting too deep")
	}
	fr := &awkFrame{locals: make([]*awkCell, len(f.params))}
	for i := range f.params {
		if i < len(x.args) {
			// arrays are passed by reference, scalars by value
			if v, ok := x.args[i].(*exVar); ok {
				// Arrays are passed by reference. An untouched variable may become an array
				// inside the function: share a fresh map, but keep scalar writes local.
				var c *awkCell
				if v.local >= 0 && len(vm.frames) > 0 {
					c = vm.frames[len(vm.frames)-1].locals[v.local]
				} else if g, exists := vm.globals[v.name]; exists {
					c = g
				} else {
					c = vm.global(v.name)
				}
				if c.arr == nil && c.v.k == kStrNum && c.v.s == "" && c.v.n == 0 {
					c.arr = map[string]awkVal{}
					fr.locals[i] = &awkCell{v: c.v, arr: c.arr}
					continue
				}
				if c.arr != nil {
					fr.locals[i] = c
					continue
				}
			}
			val, err := vm.eval(x.args[i])
			if err != nil {
				return val, err
			}
			fr.locals[i] = &awkCell{v: val}
			continue
		}
		fr.locals[i] = &awkCell{v: awkVal{k: kStrNum}}
	}
	// Arguments beyond the parameters are still evaluated, for their effects (BusyBox;
	// gawk and mawk refuse such a call).
	for _, e := range x.args[min(len(x.args), len(f.params)):] {
		if _, err := vm.eval(e); err != nil {
			return awkVal{}, err
		}
	}
	vm.frames = append(vm.frames, fr)
	vm.retVal = awkVal{k: kStrNum}
	ctrl, err := vm.execBlock(f.body)
	vm.frames = vm.frames[:len(vm.frames)-1]
	if err != nil {
		return awkVal{}, err
	}
	if ctrl == cNext || ctrl == cExit || ctrl == cNextFile {
		return awkVal{}, ctrlErr{ctrl}
	}
	r := vm.retVal
	vm.retVal = awkVal{k: kStrNum}
	return r, nil
}

// cmpFloat orders two numbers; a NaN is equal to anything, as in the awks compared with.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
