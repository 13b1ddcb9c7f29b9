package text

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Awk is awk: pattern scanning and processing (a POSIX awk subset).
var Awk = tools.Applet{Name: "awk", Summary: "pattern scanning and processing (a POSIX awk subset)", Run: runAwk}

const awkUsage = `awk [-F FS] [-v VAR=VALUE]... [-f PROGFILE | 'PROGRAM'] [FILE | VAR=VALUE]...
A POSIX awk subset: patterns, ranges, BEGIN/END, user functions, associative arrays,
if/while/do/for/for-in, next, exit, print/printf (with > >> redirection), getline [var] [< file],
and the built-ins length substr index split sub gsub match sprintf tolower toupper int sqrt exp
log sin cos atan2 rand srand. Not supported: pipes (print | cmd, cmd | getline), system().`

type awkVal struct {
	s string
	n float64
	k uint8 // kNum, kStr, kStrNum
}

const (
	kNum uint8 = iota
	kStr
	kStrNum
)

func awkNum(n float64) awkVal { return awkVal{n: n, k: kNum} }
func awkStr(s string) awkVal  { return awkVal{s: s, k: kStr} }

// awkInput is a string from input (field, getline, -v): numeric-looking ones compare as
// numbers.
func awkInput(s string) awkVal {
	if looksNumeric(s) {
		return awkVal{s: s, n: awkStrToNum(s), k: kStrNum}
	}
	return awkVal{s: s, k: kStr}
}

func looksNumeric(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	_, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return false
	}
	l := strings.ToLower(t)
	return !strings.Contains(l, "inf") && !strings.Contains(l, "nan") && !strings.HasPrefix(strings.TrimLeft(l, "+-"), "0x")
}

// awkStrToNum converts the longest numeric prefix of s, as awk does ("3abc" is 3).
func awkStrToNum(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		if v, err := strconv.ParseInt(s[2:], 16, 64); err == nil {
			return float64(v)
		}
	}
	end := 0
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits = true
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits = true
		}
	}
	if !digits {
		return 0
	}
	end = i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			end = j
		}
	}
	v, _ := strconv.ParseFloat(s[:end], 64)
	return v
}

func awkRegex(src string) (*regexp.Regexp, error) {
	expr, err := ereFix(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid regexp /%s/: %s", src, cleanRegexpErr(err))
	}
	return re, nil
}

type awkCell struct {
	v   awkVal
	arr map[string]awkVal
}

type awkFrame struct {
	locals []*awkCell
}

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

type awkVM struct {
	ctx      context.Context
	env      *tools.Env
	prog     *awkProgram
	globals  map[string]*awkCell
	frames   []*awkFrame
	fields   []string // fields[0] is $0
	nf       int
	split    bool // fields[1:] valid
	out      *bufio.Writer
	files    map[string]*os.File
	readers  map[string]*bufio.Reader
	retVal   awkVal
	exitCode int
	reCache  map[string]*regexp.Regexp
	rnd      *rand.Rand
	seed     float64
	input    *awkInputs
	errs     int
}

func (vm *awkVM) global(name string) *awkCell {
	c, ok := vm.globals[name]
	if !ok {
		c = &awkCell{v: awkVal{k: kStrNum}}
		vm.globals[name] = c
	}
	return c
}

func (vm *awkVM) cell(v *exVar) *awkCell {
	if v.local >= 0 && len(vm.frames) > 0 {
		return vm.frames[len(vm.frames)-1].locals[v.local]
	}
	return vm.global(v.name)
}

func (vm *awkVM) arr(v *exVar) map[string]awkVal {
	c := vm.cell(v)
	if c.arr == nil {
		c.arr = map[string]awkVal{}
	}
	return c.arr
}

func (vm *awkVM) getVar(name string) awkVal { return vm.global(name).v }
func (vm *awkVM) str(v awkVal) string {
	if v.k != kNum {
		return v.s
	}
	return vm.numToStr(v.n, "CONVFMT")
}

func (vm *awkVM) numToStr(n float64, fmtVar string) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e16 {
		return strconv.FormatInt(int64(n), 10)
	}
	if math.IsNaN(n) {
		return "nan"
	}
	if math.IsInf(n, 0) {
		if n > 0 {
			return "inf"
		}
		return "-inf"
	}
	f := vm.str(vm.getVar(fmtVar))
	return awkSprintf(vm, f, []awkVal{awkNum(n)})
}

func num(v awkVal) float64 {
	if v.k == kStr {
		return awkStrToNum(v.s)
	}
	return v.n
}

func truthy(v awkVal) bool {
	switch v.k {
	case kNum:
		return v.n != 0
	case kStrNum:
		if v.s == "" {
			return false
		}
		return v.n != 0
	}
	return v.s != ""
}

// re compiles the string of v as a dynamic regular expression, once per distinct string.
func (vm *awkVM) re(v awkVal) (*regexp.Regexp, error) {
	s := vm.str(v)
	if re, ok := vm.reCache[s]; ok {
		return re, nil
	}
	re, err := awkRegex(s)
	if err != nil {
		return nil, err
	}
	vm.reCache[s] = re
	return re, nil
}

// regexOf is the regular expression an operand stands for: a /literal/ as it is, anything
// else evaluated and its value compiled as a dynamic regular expression.
func (vm *awkVM) regexOf(e awkExpr) (*regexp.Regexp, error) {
	if r, ok := e.(*exRegex); ok {
		return r.re, nil
	}
	v, err := vm.eval(e)
	if err != nil {
		return nil, err
	}
	return vm.re(v)
}

// setRecord sets $0 and invalidates the fields.
func (vm *awkVM) setRecord(s string) {
	vm.fields = vm.fields[:0]
	vm.fields = append(vm.fields, s)
	vm.split = false
}

func (vm *awkVM) splitRecord() {
	if vm.split {
		return
	}
	vm.split = true
	parts := vm.splitFS(vm.fields[0], vm.str(vm.getVar("FS")))
	vm.fields = append(vm.fields[:1], parts...)
	vm.nf = len(parts)
	vm.global("NF").v = awkNum(float64(vm.nf))
}

func (vm *awkVM) splitFS(s, fs string) []string {
	switch {
	case fs == " ":
		return strings.Fields(s)
	case s == "":
		return nil
	case len(fs) == 1 && fs != "\\":
		return strings.Split(s, fs)
	case fs == "\t":
		return strings.Split(s, "\t")
	}
	re, err := vm.re(awkStr(fs))
	if err != nil {
		return []string{s}
	}
	return re.Split(s, -1)
}

func (vm *awkVM) field(i int) awkVal {
	if i == 0 {
		return awkInput(vm.fields[0])
	}
	vm.splitRecord()
	if i < 0 || i > vm.nf {
		return awkVal{k: kStrNum}
	}
	return awkInput(vm.fields[i])
}

func (vm *awkVM) setField(i int, s string) {
	if i == 0 {
		vm.setRecord(s)
		return
	}
	vm.splitRecord()
	for vm.nf < i {
		vm.fields = append(vm.fields, "")
		vm.nf++
	}
	vm.fields[i] = s
	vm.rebuild()
}

func (vm *awkVM) rebuild() {
	ofs := vm.str(vm.getVar("OFS"))
	vm.fields[0] = strings.Join(vm.fields[1:vm.nf+1], ofs)
	vm.global("NF").v = awkNum(float64(vm.nf))
}

func (vm *awkVM) setNF(n int) {
	vm.splitRecord()
	if n < 0 {
		n = 0
	}
	for vm.nf < n {
		vm.fields = append(vm.fields, "")
		vm.nf++
	}
	vm.nf = n
	vm.fields = vm.fields[:n+1]
	vm.rebuild()
}

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

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
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
		var target awkExpr = &exField{&exNum{0}}
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
		return awkVal{}, fmt.Errorf("system() is not supported")
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

func (vm *awkVM) callUser(x *exUser) (awkVal, error) {
	f, ok := vm.prog.funcs[x.name]
	if !ok {
		return awkVal{}, fmt.Errorf("function %s never defined", x.name)
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

// ctrlErr carries next/exit out of a function call through expression evaluation.
type ctrlErr struct{ c awkCtrl }

func (e ctrlErr) Error() string { return "control" }

func (vm *awkVM) getline(x *exGetline) (awkVal, error) {
	var line string
	var ok bool
	if x.file != nil {
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
	if x.redir == "|" {
		return fmt.Errorf("output to a pipe is not supported")
	}
	d, err := vm.eval(x.dest)
	if err != nil {
		return err
	}
	name := vm.str(d)
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

func isAwkName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func unescapeAwk(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	toks, err := awkLex(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`)
	if err != nil || len(toks) == 0 {
		return s
	}
	return toks[0].s
}

func runAwk(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("awk", awkUsage)
	fset.StopAtOperand = true
	fs, fsSet := fset.StringSet('F', "field-separator", " ")
	assigns := fset.List('v', "assign")
	progFiles := fset.List('f', "file")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	var src string
	if len(*progFiles) > 0 {
		for _, pf := range *progFiles {
			b, err := os.ReadFile(env.Abs(pf))
			if err != nil {
				env.Errorf("awk", "can't open file %s: %s", pf, tools.Reason(err))
				return 2
			}
			src += string(b) + "\n"
		}
	} else {
		if len(ops) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: %s\n", strings.SplitN(awkUsage, "\n", 2)[0])
			return 2
		}
		src, ops = ops[0], ops[1:]
	}
	prog, err := parseAwk(src)
	if err != nil {
		env.Errorf("awk", "%v", err)
		return 2
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	vm := &awkVM{ctx: ctx, env: env, prog: prog, globals: map[string]*awkCell{}, out: w,
		files: map[string]*os.File{}, readers: map[string]*bufio.Reader{}, reCache: map[string]*regexp.Regexp{},
		rnd: rand.New(rand.NewSource(0))}
	defer func() {
		for _, f := range vm.files {
			f.Close()
		}
	}()
	for k, v := range map[string]awkVal{"FS": awkStr(" "), "OFS": awkStr(" "), "ORS": awkStr("\n"), "RS": awkStr("\n"),
		"NR": awkNum(0), "FNR": awkNum(0), "NF": awkNum(0), "SUBSEP": awkStr("\x1c"), "CONVFMT": awkStr("%.6g"),
		"OFMT": awkStr("%.6g"), "FILENAME": awkStr(""), "RSTART": awkNum(0), "RLENGTH": awkNum(-1)} {
		vm.global(k).v = v
	}
	if *fsSet {
		f := *fs
		if f == "t" {
			f = "\t"
		}
		vm.global("FS").v = awkStr(unescapeAwk(f))
	}
	envArr := map[string]awkVal{}
	for _, kv := range env.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			envArr[k] = awkInput(v)
		}
	}
	vm.global("ENVIRON").arr = envArr
	argv := map[string]awkVal{"0": awkStr("awk")}
	for i, op := range ops {
		argv[strconv.Itoa(i+1)] = awkInput(op)
	}
	vm.global("ARGV").arr = argv
	vm.global("ARGC").v = awkNum(float64(len(ops) + 1))
	for _, a := range *assigns {
		k, v, ok := strings.Cut(a, "=")
		if !ok || !isAwkName(k) {
			env.Errorf("awk", "invalid -v argument: %s", a)
			return 2
		}
		vm.global(k).v = awkInput(unescapeAwk(v))
	}
	vm.fields = []string{""}
	vm.input = &awkInputs{ops: ops}
	fail := func(err error) int {
		w.Flush()
		env.Errorf("awk", "%v", err)
		return 2
	}
	exiting := false
	runItems := func(begin, end bool) (awkCtrl, error) {
		for _, it := range prog.items {
			if it.begin != begin || it.end != end {
				continue
			}
			c, err := vm.execBlock(it.body)
			if err != nil || c == cExit {
				return c, err
			}
		}
		return cNone, nil
	}
	hasMain := false
	for _, it := range prog.items {
		if !it.begin && !it.end {
			hasMain = true
		}
	}
	hasEnd := false
	for _, it := range prog.items {
		if it.end {
			hasEnd = true
		}
	}
	c, err := runItems(true, false)
	if err != nil {
		return fail(err)
	}
	exiting = c == cExit
	if !exiting && (hasMain || hasEnd) {
	records:
		for {
			line, ok := vm.input.next(vm)
			if !ok {
				break
			}
			if ctx.Err() != nil {
				return 130
			}
			vm.global("NR").v = awkNum(num(vm.getVar("NR")) + 1)
			vm.global("FNR").v = awkNum(num(vm.getVar("FNR")) + 1)
			vm.setRecord(line)
			for _, it := range prog.items {
				if it.begin || it.end {
					continue
				}
				sel, err := vm.selected(it)
				if err != nil {
					return fail(err)
				}
				if !sel {
					continue
				}
				if it.body == nil {
					w.WriteString(vm.fields[0])
					w.WriteString(vm.str(vm.getVar("ORS")))
					continue
				}
				c, err := vm.execBlock(it.body)
				if err != nil {
					return fail(err)
				}
				switch c {
				case cNext:
					continue records
				case cNextFile:
					if vm.input.r != nil {
						vm.input.closer()
						vm.input.r = nil
					}
					continue records
				case cExit:
					exiting = true
					break records
				}
			}
		}
	}
	_ = exiting
	if _, err := runItems(false, true); err != nil {
		return fail(err)
	}
	if vm.errs > 0 && vm.exitCode == 0 {
		return 2
	}
	return vm.exitCode
}

func (vm *awkVM) selected(it *awkItem) (bool, error) {
	if it.pat == nil {
		return true, nil
	}
	if it.pat2 == nil {
		v, err := vm.eval(it.pat)
		return truthy(v), err
	}
	if it.inRange {
		v, err := vm.eval(it.pat2)
		if err != nil {
			return false, err
		}
		if truthy(v) {
			it.inRange = false
		}
		return true, nil
	}
	v, err := vm.eval(it.pat)
	if err != nil || !truthy(v) {
		return false, err
	}
	e, err := vm.eval(it.pat2)
	if err != nil {
		return false, err
	}
	it.inRange = !truthy(e)
	return true, nil
}
