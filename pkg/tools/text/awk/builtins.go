package awk

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func (vm *awkVM) builtin(x *exCall) (awkVal, error) {
	switch x.name {
	case "split":
		if len(x.args) < 2 {
			return awkVal{}, fmt.Errorf("split needs 2 or 3 arguments")
		}
		s, err := vm.eval(x.args[0])
		if err != nil {
			return s, err
		}
		av, ok := x.args[1].(*exVar)
		if !ok {
			return s, fmt.Errorf("split: second argument must be an array")
		}
		fs := vm.str(vm.getVar("FS"))
		if len(x.args) > 2 {
			if r, ok := x.args[2].(*exRegex); ok {
				fs = r.re.String()
			} else {
				f, err := vm.eval(x.args[2])
				if err != nil {
					return f, err
				}
				fs = vm.str(f)
			}
		}
		parts := vm.splitFS(vm.str(s), fs)
		a := map[string]awkVal{}
		for i, p := range parts {
			a[strconv.Itoa(i+1)] = awkInput(p)
		}
		vm.cell(av).arr = a
		return awkNum(float64(len(parts))), nil
	case "sub", "gsub":
		if len(x.args) < 2 {
			return awkVal{}, fmt.Errorf("%s needs 2 or 3 arguments", x.name)
		}
		re, err := vm.regexOf(x.args[0])
		if err != nil {
			return awkVal{}, err
		}
		repl, err := vm.eval(x.args[1])
		if err != nil {
			return repl, err
		}
		var target awkExpr = &exField{e: &exNum{0}}
		if len(x.args) > 2 {
			target = x.args[2]
		}
		tv, err := vm.eval(target)
		if err != nil {
			return tv, err
		}
		out, n := awkSub(re, vm.str(tv), vm.str(repl), x.name == "gsub")
		if n > 0 {
			if err := vm.assign(target, awkStr(out)); err != nil {
				return tv, err
			}
		}
		return awkNum(float64(n)), nil
	case "match":
		a, err := vm.args(x.args[:1])
		if err != nil {
			return awkVal{}, err
		}
		re, err := vm.regexOf(x.args[1])
		if err != nil {
			return awkVal{}, err
		}
		s := vm.str(a[0])
		loc := re.FindStringIndex(s)
		if loc == nil {
			vm.global("RSTART").v, vm.global("RLENGTH").v = awkNum(0), awkNum(-1)
			return awkNum(0), nil
		}
		start := float64(len([]rune(s[:loc[0]])) + 1)
		vm.global("RSTART").v = awkNum(start)
		vm.global("RLENGTH").v = awkNum(float64(len([]rune(s[loc[0]:loc[1]]))))
		return awkNum(start), nil
	}
	a, err := vm.args(x.args)
	if err != nil {
		return awkVal{}, err
	}
	arg := func(i int) awkVal {
		if i < len(a) {
			return a[i]
		}
		return awkVal{k: kStrNum}
	}
	switch x.name {
	case "length":
		if len(x.args) == 0 {
			return awkNum(float64(len([]rune(vm.fields[0])))), nil
		}
		if v, ok := x.args[0].(*exVar); ok {
			if c := vm.cell(v); c.arr != nil {
				return awkNum(float64(len(c.arr))), nil
			}
		}
		return awkNum(float64(len([]rune(vm.str(a[0]))))), nil
	case "substr":
		rs := []rune(vm.str(arg(0)))
		m := math.Round(num(arg(1)))
		end := math.Inf(1)
		if len(a) > 2 {
			end = m + math.Round(num(a[2]))
		}
		lo := math.Max(m, 1)
		hi := math.Min(end, float64(len(rs)+1))
		if hi <= lo {
			return awkStr(""), nil
		}
		return awkStr(string(rs[int(lo)-1 : int(hi)-1])), nil
	case "index":
		s, t := vm.str(arg(0)), vm.str(arg(1))
		i := strings.Index(s, t)
		if i < 0 {
			return awkNum(0), nil
		}
		return awkNum(float64(len([]rune(s[:i])) + 1)), nil
	case "sprintf":
		if len(a) == 0 {
			return awkStr(""), nil
		}
		return awkStr(awkSprintf(vm, vm.str(a[0]), a[1:])), nil
	case "tolower":
		return awkStr(strings.ToLower(vm.str(arg(0)))), nil
	case "toupper":
		return awkStr(strings.ToUpper(vm.str(arg(0)))), nil
	case "int":
		return awkNum(math.Trunc(num(arg(0)))), nil
	case "sqrt":
		return awkNum(math.Sqrt(num(arg(0)))), nil
	case "exp":
		return awkNum(math.Exp(num(arg(0)))), nil
	case "log":
		return awkNum(math.Log(num(arg(0)))), nil
	case "sin":
		return awkNum(math.Sin(num(arg(0)))), nil
	case "cos":
		return awkNum(math.Cos(num(arg(0)))), nil
	case "atan2":
		return awkNum(math.Atan2(num(arg(0)), num(arg(1)))), nil
	case "rand":
		return awkNum(vm.rnd.Float64()), nil
	case "srand":
		prev := vm.seed
		vm.seed = num(arg(0))
		vm.rnd = rand.New(rand.NewSource(int64(vm.seed)))
		return awkNum(prev), nil
	case "close":
		name := vm.str(arg(0))
		if st := vm.closePipe(name); st >= 0 {
			return awkNum(float64(st)), nil
		}
		if f, ok := vm.files[name]; ok {
			f.Close()
			delete(vm.files, name)
		}
		delete(vm.readers, name)
		return awkNum(0), nil
	case "fflush":
		vm.out.Flush()
		return awkNum(0), nil
	case "system":
		vm.out.Flush()
		return awkNum(float64(vm.run(vm.str(arg(0)), vm.env.Stdin, vm.env.Stdout))), nil
	case "and", "or", "xor":
		// gawk's bitwise functions, on the integer parts of two or more arguments.
		if len(a) < 2 {
			return awkVal{}, fmt.Errorf("%s needs at least 2 arguments", x.name)
		}
		r := uint64(num(a[0]))
		for _, v := range a[1:] {
			switch n := uint64(num(v)); x.name {
			case "and":
				r &= n
			case "or":
				r |= n
			default:
				r ^= n
			}
		}
		return awkNum(float64(r)), nil
	case "lshift":
		return awkNum(float64(uint64(num(arg(0))) << uint64(num(arg(1))))), nil
	case "rshift":
		return awkNum(float64(uint64(num(arg(0))) >> uint64(num(arg(1))))), nil
	case "compl":
		return awkNum(float64(^uint64(num(arg(0))) & (1<<53 - 1))), nil
	}
	return awkVal{}, fmt.Errorf("unknown function %s", x.name)
}

// awkSub replaces the first (or every) match of re in s; "&" in repl is the match, "\&"
// a literal ampersand.
func awkSub(re *regexp.Regexp, s, repl string, global bool) (string, int) {
	var b strings.Builder
	n := 0
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		if !global && n == 1 {
			break
		}
		b.WriteString(s[last:m[0]])
		for i := 0; i < len(repl); i++ {
			c := repl[i]
			if c == '\\' && i+1 < len(repl) && (repl[i+1] == '&' || repl[i+1] == '\\') {
				b.WriteByte(repl[i+1])
				i++
				continue
			}
			if c == '&' {
				b.WriteString(s[m[0]:m[1]])
				continue
			}
			b.WriteByte(c)
		}
		last = m[1]
		n++
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// awkSprintf implements printf formats: %c %d %i %o %x %X %u %e %E %f %F %g %G %s %%.
func awkSprintf(vm *awkVM, format string, args []awkVal) string {
	var b strings.Builder
	ai := 0
	next := func() awkVal {
		if ai < len(args) {
			ai++
			return args[ai-1]
		}
		return awkVal{k: kStrNum}
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0", format[j]) >= 0 {
			j++
		}
		spec := format[i+1 : j]
		for j < len(format) && (format[j] >= '0' && format[j] <= '9' || format[j] == '.' || format[j] == '*') {
			if format[j] == '*' {
				spec += strconv.Itoa(int(num(next())))
			} else {
				spec += string(format[j])
			}
			j++
		}
		for j < len(format) && (format[j] == 'l' || format[j] == 'h') {
			j++
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		verb := format[j]
		i = j
		switch verb {
		case '%':
			b.WriteByte('%')
		case 'd', 'i':
			fmt.Fprintf(&b, "%"+spec+"d", int64(num(next())))
		case 'o', 'x', 'X':
			fmt.Fprintf(&b, "%"+spec+string(verb), uint64(int64(num(next()))))
		case 'u':
			fmt.Fprintf(&b, "%"+spec+"d", uint64(int64(num(next()))))
		case 'e', 'E', 'f', 'F', 'g', 'G':
			v := verb
			if v == 'F' {
				v = 'f'
			}
			s := fmt.Sprintf("%"+spec+string(v), num(next()))
			if verb == 'g' || verb == 'G' || verb == 'e' || verb == 'E' {
				s = fixExponent(s)
			}
			b.WriteString(s)
		case 'c':
			v := next()
			if v.k == kNum {
				fmt.Fprintf(&b, "%"+spec+"c", rune(int(v.n)))
			} else {
				s := vm.str(v)
				r := ""
				if s != "" {
					r = string([]rune(s)[0])
				}
				fmt.Fprintf(&b, "%"+spec+"s", r)
			}
		case 's':
			fmt.Fprintf(&b, "%"+spec+"s", vm.str(next()))
		default:
			b.WriteString(format[i-len(spec)-1 : j+1])
		}
	}
	return b.String()
}

// fixExponent turns Go's "1e+06" into C's "1e+06" (already same) and "1e+6" forms into
// two-digit exponents as C prints them.
func fixExponent(s string) string {
	i := strings.IndexAny(s, "eE")
	if i < 0 || i+2 >= len(s) {
		return s
	}
	exp := s[i+2:]
	digits := strings.TrimRight(exp, " ")
	if len(digits) == 1 {
		return s[:i+2] + "0" + exp
	}
	return s
}

func (vm *awkVM) getline(x *exGetline) (awkVal, error) {
	var line string
	var ok bool
	if x.cmd != nil {
		cv, err := vm.eval(x.cmd)
		if err != nil {
			return cv, err
		}
		name := vm.str(cv)
		r, exists := vm.readers[name]
		if !exists {
			// The command runs to its end here and its output is read from memory.
			vm.out.Flush()
			var b bytes.Buffer
			vm.run(name, vm.env.Stdin, &b)
			r = bufio.NewReader(&b)
			vm.readers[name] = r
		}
		s, err := r.ReadString('\n')
		if s == "" && err != nil {
			return awkNum(0), nil
		}
		line, ok = strings.TrimSuffix(s, "\n"), true
		vm.global("NR").v = awkNum(num(vm.getVar("NR")) + 1)
	} else if x.file != nil {
		fv, err := vm.eval(x.file)
		if err != nil {
			return fv, err
		}
		name := vm.str(fv)
		r, exists := vm.readers[name]
		if !exists {
			var f io.Reader
			if name == "-" || name == "/dev/stdin" {
				f = vm.env.Stdin
			} else {
				fh, err := os.Open(vm.env.Abs(name))
				if err != nil {
					vm.global("ERRNO").v = awkStr(tools.Reason(err)) // gawk's ERRNO
					return awkNum(-1), nil
				}
				vm.files[name] = fh
				f = fh
			}
			r = bufio.NewReader(f)
			vm.readers[name] = r
		}
		s, err := r.ReadString('\n')
		if s == "" && err != nil {
			return awkNum(0), nil
		}
		line, ok = strings.TrimSuffix(s, "\n"), true
	} else {
		line, ok = vm.input.next(vm)
		if !ok {
			return awkNum(0), nil
		}
		vm.global("NR").v = awkNum(num(vm.getVar("NR")) + 1)
		vm.global("FNR").v = awkNum(num(vm.getVar("FNR")) + 1)
	}
	if x.lv == nil {
		vm.setRecord(line)
	} else if err := vm.assign(x.lv, awkInput(line)); err != nil {
		return awkVal{}, err
	}
	return awkNum(1), nil
}
