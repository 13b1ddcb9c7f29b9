package awk

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

func awkRegex(src string) (*regexp.Regexp, error) {
	expr, err := posixre.ERE(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid regexp /%s/: %s", src, posixre.ErrorText(err))
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
	where    string                   // "cmd. line" or the -f file, for errors
	recFS    string                   // FS when $0 was last set: the record splits by it (POSIX)
	pipes    map[string]*bytes.Buffer // print | "cmd": the command's input, run on close
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
	vm.recFS = vm.str(vm.getVar("FS"))
}

func (vm *awkVM) splitRecord() {
	if vm.split {
		return
	}
	vm.split = true
	parts := vm.splitFS(vm.fields[0], vm.recFS)
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
	// A separator that matches the empty string separates nothing there (gawk: -F '-*'
	// splits "foo--bar" in two).
	var parts []string
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		if m[0] == m[1] {
			continue
		}
		parts = append(parts, s[last:m[0]])
		last = m[1]
	}
	return append(parts, s[last:])
}

// run runs cmd with sh -c, as awk's system(), getline and print pipes do, and returns
// its exit status.
func (vm *awkVM) run(cmd string, stdin io.Reader, stdout io.Writer) int {
	env := *vm.env
	env.Stdin, env.Stdout = stdin, stdout
	return tools.RunCommand(vm.ctx, &env, []string{"sh", "-c", cmd})
}

// closePipe runs the command of print | name on what was printed to it and returns its
// status; -1 when name is no such pipe.
func (vm *awkVM) closePipe(name string) int {
	b, ok := vm.pipes[name]
	if !ok {
		return -1
	}
	delete(vm.pipes, name)
	vm.out.Flush()
	return vm.run(name, b, vm.env.Stdout)
}

// closePipes runs the commands still open for print | "cmd", at the end of the program.
func (vm *awkVM) closePipes() {
	for name := range vm.pipes {
		vm.closePipe(name)
	}
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
