package awk

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"regexp"
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
log sin cos atan2 rand srand system close fflush, print | "cmd", "cmd" | getline, and
gawk's -e TEXT, func, and or xor lshift rshift compl.`

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
	// -f FILE ("-": standard input) and gawk's -e TEXT, in the order given, make the program.
	var srcs, where []string
	readErr := 0
	fset.Func('f', "file", func(pf string) error {
		var b []byte
		var err error
		if pf == "-" || pf == "/dev/stdin" {
			b, err = io.ReadAll(env.Stdin)
		} else {
			b, err = os.ReadFile(env.Abs(pf))
		}
		if err != nil {
			env.Errorf("awk", "can't open file %s: %s", pf, tools.Reason(err))
			readErr = 2
		}
		srcs, where = append(srcs, string(b)), append(where, pf)
		return nil
	})
	fset.Func('e', "source", func(text string) error {
		srcs, where = append(srcs, text), append(where, "cmd. line")
		return nil
	})
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if readErr != 0 {
		return readErr
	}
	var src string
	if len(srcs) > 0 {
		src = strings.Join(srcs, "\n") + "\n"
		if len(where) > 1 {
			where = []string{"cmd. line"}
		}
	} else {
		where = []string{"cmd. line"}
		if len(ops) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: %s\n", strings.SplitN(awkUsage, "\n", 2)[0])
			return 2
		}
		src, ops = ops[0], ops[1:]
	}
	prog, err := parseAwk(src, where[0])
	if err != nil {
		env.Errorf("awk", "%v", err)
		if e, ok := err.(*awkError); ok && e.status != 0 {
			return e.status
		}
		return 2
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	vm := &awkVM{ctx: ctx, env: env, prog: prog, globals: map[string]*awkCell{}, out: w,
		files: map[string]*os.File{}, readers: map[string]*bufio.Reader{}, reCache: map[string]*regexp.Regexp{},
		rnd: rand.New(rand.NewSource(0)), where: where[0]}
	defer func() {
		for _, f := range vm.files {
			f.Close()
		}
	}()
	defer vm.closePipes()
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
