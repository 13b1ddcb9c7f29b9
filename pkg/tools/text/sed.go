package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Sed is sed: stream editor.
var Sed = tools.Applet{Name: "sed", Summary: "stream editor", Run: runSed}

const sedUsage = `sed [-nEr] [-i[SUFFIX]] [-s] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]...
addresses: N  $  /RE/  \cREc  FIRST~STEP  A1,A2  A1,+N  A!
commands: s/RE/REPL/[gpIN] y/abc/xyz/ p P d D q Q = a i c TEXT n N h H g G x
          b t T :LABEL { } l w FILE   (RE is basic unless -E; \1..\9 and & in REPL)`

type sedAddr struct {
	kind  byte // 'n' line, '$' last, 'r' regexp, '~' step, '+' relative (addr2 only)
	n     int
	step  int
	re    *regexp.Regexp
	empty bool // "//": the last regexp used
}

type sedCmd struct {
	a1, a2  *sedAddr
	neg     bool
	name    byte
	text    string // a i c, label, file name
	re      *regexp.Regexp
	reEmpty bool
	repl    []replPart
	global  bool
	nth     int
	print   bool
	from    []rune // y
	to      []rune
	jump    int // for { (index of matching }), b, t
	exit    int
	wfile   string
	// range state
	active bool
	end    int
}

type replPart struct {
	lit   string
	group int // -1: literal, 0: &, 1..9
}

type sedProg struct {
	cmds []*sedCmd
	ere  bool
}

type sedParser struct {
	s   string
	i   int
	ere bool
}

func (p *sedParser) eof() bool { return p.i >= len(p.s) }
func (p *sedParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}
func (p *sedParser) skipSpace() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// delimited reads up to the unescaped delim and returns the text with "\delim" unescaped
// (and "\n" as newline when newline is true).
func (p *sedParser) delimited(delim byte, isRE bool) (string, error) {
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		if c == delim {
			return b.String(), nil
		}
		if c == '\\' && !p.eof() {
			n := p.s[p.i]
			p.i++
			switch {
			case n == delim && delim != '&':
				b.WriteByte(n)
			case n == 'n':
				if isRE {
					b.WriteString(`\n`)
				} else {
					b.WriteByte('\n')
				}
			case n == '\n':
				b.WriteByte('\n')
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			continue
		}
		if c == '\n' && isRE {
			return "", fmt.Errorf("unterminated address regex")
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("unterminated `s' command")
}

func (p *sedParser) compileRE(src string, fold bool) (*regexp.Regexp, error) {
	var expr string
	var err error
	if p.ere {
		expr, err = ereFix(src)
	} else {
		expr, err = breToERE(src)
	}
	if err != nil {
		return nil, err
	}
	flagsPrefix := "(?s)"
	if fold {
		flagsPrefix = "(?si)"
	}
	re, err := regexp.Compile(flagsPrefix + expr)
	if err != nil {
		return nil, fmt.Errorf("-e expression: %s", cleanRegexpErr(err))
	}
	return re, nil
}

func (p *sedParser) addr() (*sedAddr, error) {
	c := p.peek()
	switch {
	case c >= '0' && c <= '9':
		j := p.i
		for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, _ := strconv.Atoi(p.s[j:p.i])
		if p.peek() == '~' {
			p.i++
			k := p.i
			for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			step, _ := strconv.Atoi(p.s[k:p.i])
			return &sedAddr{kind: '~', n: n, step: step}, nil
		}
		return &sedAddr{kind: 'n', n: n}, nil
	case c == '$':
		p.i++
		return &sedAddr{kind: '$'}, nil
	case c == '/' || c == '\\':
		p.i++
		delim := byte('/')
		if c == '\\' {
			delim = p.peek()
			p.i++
		}
		src, err := p.delimited(delim, true)
		if err != nil {
			return nil, err
		}
		fold := false
		for p.peek() == 'I' || p.peek() == 'M' {
			fold = fold || p.peek() == 'I'
			p.i++
		}
		if src == "" {
			return &sedAddr{kind: 'r', empty: true}, nil
		}
		re, err := p.compileRE(src, fold)
		if err != nil {
			return nil, err
		}
		return &sedAddr{kind: 'r', re: re}, nil
	}
	return nil, nil
}

// text reads the argument of a, i, c: "a text", "a\" newline "text", with "\" at a line
// end continuing the text.
func (p *sedParser) text() string {
	p.skipSpace()
	if p.peek() == '\\' {
		p.i++
		if p.peek() == '\n' {
			p.i++
		}
	}
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		if c == '\\' && !p.eof() {
			b.WriteByte(p.s[p.i])
			p.i++
			continue
		}
		if c == '\n' {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (p *sedParser) label() string {
	p.skipSpace()
	j := p.i
	for !p.eof() && p.s[p.i] != '\n' && p.s[p.i] != ';' {
		p.i++
	}
	return strings.TrimSpace(p.s[j:p.i])
}

func parseRepl(s string) []replPart {
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			n := s[i]
			switch {
			case n >= '0' && n <= '9':
				flush()
				parts = append(parts, replPart{group: int(n - '0')})
			case n == 'n':
				lit.WriteByte('\n')
			case n == 't':
				lit.WriteByte('\t')
			default:
				lit.WriteByte(n)
			}
		case c == '&':
			flush()
			parts = append(parts, replPart{group: 0})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

func parseSed(script string, ere bool) (*sedProg, error) {
	p := &sedParser{s: script, ere: ere}
	prog := &sedProg{ere: ere}
	var blocks []int
	for {
		for !p.eof() && strings.IndexByte(" \t\n;", p.peek()) >= 0 {
			p.i++
		}
		if p.eof() {
			break
		}
		if p.peek() == '#' {
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
			continue
		}
		cmd := &sedCmd{}
		var err error
		if cmd.a1, err = p.addr(); err != nil {
			return nil, err
		}
		if cmd.a1 != nil && p.peek() == ',' {
			p.i++
			p.skipSpace()
			if p.peek() == '+' {
				p.i++
				j := p.i
				for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
					p.i++
				}
				n, _ := strconv.Atoi(p.s[j:p.i])
				cmd.a2 = &sedAddr{kind: '+', n: n}
			} else if cmd.a2, err = p.addr(); err != nil {
				return nil, err
			} else if cmd.a2 == nil {
				return nil, fmt.Errorf("-e expression #1, char %d: unexpected `,'", p.i)
			}
		}
		p.skipSpace()
		for p.peek() == '!' {
			cmd.neg = true
			p.i++
			p.skipSpace()
		}
		if p.eof() {
			return nil, fmt.Errorf("-e expression #1, char %d: missing command", p.i)
		}
		cmd.name = p.s[p.i]
		p.i++
		switch cmd.name {
		case '{':
			blocks = append(blocks, len(prog.cmds))
		case '}':
			if len(blocks) == 0 {
				return nil, fmt.Errorf("-e expression #1, char %d: unexpected `}'", p.i)
			}
			prog.cmds[blocks[len(blocks)-1]].jump = len(prog.cmds) + 1
			blocks = blocks[:len(blocks)-1]
		case 'p', 'P', 'd', 'D', '=', 'n', 'N', 'h', 'H', 'g', 'G', 'x', 'l', 'z', 'F':
		case 'q', 'Q':
			p.skipSpace()
			j := p.i
			for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			cmd.exit, _ = strconv.Atoi(p.s[j:p.i])
		case 'a', 'i', 'c':
			cmd.text = p.text()
		case ':':
			cmd.text = p.label()
			if cmd.text == "" {
				return nil, fmt.Errorf("\":\" lacks a label")
			}
		case 'b', 't', 'T':
			cmd.text = p.label()
		case 'r', 'R', 'w', 'W':
			cmd.text = p.text()
		case 's':
			delim := p.peek()
			p.i++
			src, err := p.delimited(delim, true)
			if err != nil {
				return nil, err
			}
			repl, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			cmd.repl = parseRepl(repl)
			fold := false
			for !p.eof() {
				c := p.peek()
				if c >= '0' && c <= '9' {
					j := p.i
					for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
						p.i++
					}
					cmd.nth, _ = strconv.Atoi(p.s[j:p.i])
					continue
				}
				if c == 'g' {
					cmd.global = true
				} else if c == 'p' {
					cmd.print = true
				} else if c == 'I' || c == 'i' {
					fold = true
				} else if c == 'm' || c == 'M' || c == 'e' {
				} else if c == 'w' {
					p.i++
					cmd.wfile = p.text()
					break
				} else {
					break
				}
				p.i++
			}
			if src == "" {
				cmd.reEmpty = true
			} else if cmd.re, err = p.compileRE(src, fold); err != nil {
				return nil, err
			}
		case 'y':
			delim := p.peek()
			p.i++
			a, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			b, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			cmd.from, cmd.to = []rune(a), []rune(b)
			if len(cmd.from) != len(cmd.to) {
				return nil, fmt.Errorf("strings for `y' command are different lengths")
			}
		default:
			return nil, fmt.Errorf("-e expression #1, char %d: unknown command: `%c'", p.i, cmd.name)
		}
		prog.cmds = append(prog.cmds, cmd)
		p.skipSpace()
		if !p.eof() && p.peek() == '}' {
			continue
		}
		if !p.eof() && p.peek() != ';' && p.peek() != '\n' && p.peek() != '#' {
			if cmd.name != '}' && cmd.name != '{' {
				return nil, fmt.Errorf("-e expression #1, char %d: extra characters after command", p.i+1)
			}
		}
	}
	if len(blocks) > 0 {
		return nil, fmt.Errorf("-e expression #1, char 0: unmatched `{'")
	}
	// resolve labels
	labels := map[string]int{}
	for i, c := range prog.cmds {
		if c.name == ':' {
			labels[c.text] = i
		}
	}
	for _, c := range prog.cmds {
		if c.name == 'b' || c.name == 't' || c.name == 'T' {
			if c.text == "" {
				c.jump = len(prog.cmds)
			} else if j, ok := labels[c.text]; ok {
				c.jump = j
			} else {
				return nil, fmt.Errorf("can't find label for jump to `%s'", c.text)
			}
		}
	}
	return prog, nil
}

// sedInput yields lines across files, knowing whether the current one is the last.
type sedInput struct {
	env      *tools.Env
	files    []string
	fi       int
	r        *bufio.Reader
	closer   func()
	next     []byte
	hasNext  bool
	noNL     bool // the line just read had no trailing newline
	nextNoNL bool
	errs     int
	name     string
}

func (in *sedInput) open() bool {
	for in.fi < len(in.files) {
		f := in.files[in.fi]
		in.fi++
		if f == "-" {
			in.r, in.closer, in.name = bufio.NewReaderSize(in.env.Stdin, 64<<10), func() {}, "-"
			return true
		}
		fh, err := os.Open(in.env.Abs(f))
		if err != nil {
			in.env.Errorf("sed", "can't read %s: %s", f, tools.Reason(err))
			in.errs++
			continue
		}
		in.r, in.closer, in.name = bufio.NewReaderSize(fh, 64<<10), func() { fh.Close() }, f
		return true
	}
	return false
}

func (in *sedInput) readRaw() ([]byte, bool, bool) {
	for {
		if in.r == nil && !in.open() {
			return nil, false, false
		}
		l, err := in.r.ReadBytes('\n')
		if len(l) > 0 {
			noNL := l[len(l)-1] != '\n'
			if !noNL {
				l = l[:len(l)-1]
			}
			return l, noNL, true
		}
		if err != nil {
			in.closer()
			in.r = nil
		}
	}
}

func (in *sedInput) read() ([]byte, bool) {
	if !in.hasNext {
		l, noNL, ok := in.readRaw()
		if !ok {
			return nil, false
		}
		in.next, in.nextNoNL, in.hasNext = l, noNL, true
	}
	cur, curNoNL := in.next, in.nextNoNL
	in.next, in.nextNoNL, in.hasNext = in.readRaw()
	in.noNL = curNoNL
	return cur, true
}

func (in *sedInput) last() bool { return !in.hasNext }

type sedRun struct {
	prog      *sedProg
	quiet     bool
	out       *bufio.Writer
	env       *tools.Env
	lineNo    int
	in        *sedInput
	hold      []byte
	lastRE    *regexp.Regexp
	appendQ   []string
	exit      int
	quit      bool
	wfiles    map[string]*os.File
	unwrapped bool
}

func (r *sedRun) matchAddr(a *sedAddr, ps []byte) bool {
	switch a.kind {
	case 'n':
		return r.lineNo == a.n
	case '$':
		return r.in.last()
	case '~':
		if a.step <= 0 {
			return r.lineNo == a.n
		}
		return r.lineNo >= a.n && (r.lineNo-a.n)%a.step == 0
	case 'r':
		re := a.re
		if a.empty {
			re = r.lastRE
		}
		if re == nil {
			return false
		}
		r.lastRE = re
		return re.Match(ps)
	}
	return false
}

func (r *sedRun) selects(c *sedCmd, ps []byte) bool {
	var ok bool
	switch {
	case c.a1 == nil:
		ok = true
	case c.a2 == nil:
		ok = r.matchAddr(c.a1, ps)
	case c.active:
		ok = true
		switch c.a2.kind {
		case 'n':
			if r.lineNo >= c.a2.n {
				c.active = false
			}
		case '+':
			if r.lineNo >= c.end {
				c.active = false
			}
		default:
			if r.matchAddr(c.a2, ps) {
				c.active = false
			}
		}
	default:
		if r.matchAddr(c.a1, ps) {
			ok = true
			c.active = true
			switch c.a2.kind {
			case 'n':
				if c.a2.n <= r.lineNo {
					c.active = false
				}
			case '+':
				c.end = r.lineNo + c.a2.n
				if c.a2.n == 0 {
					c.active = false
				}
			case '$':
				if r.in.last() {
					c.active = false
				}
			}
		}
	}
	return ok != c.neg
}

func (r *sedRun) emit(b []byte, noNL bool) {
	r.out.Write(b)
	if !noNL {
		r.out.WriteByte('\n')
	}
}

func (r *sedRun) substitute(c *sedCmd, ps []byte) ([]byte, bool) {
	re := c.re
	if c.reEmpty {
		re = r.lastRE
		if re == nil {
			return ps, false
		}
	}
	r.lastRE = re
	matches := re.FindAllSubmatchIndex(ps, -1)
	if len(matches) == 0 {
		return ps, false
	}
	var out []byte
	last := 0
	done := false
	for i, m := range matches {
		n := i + 1
		if c.nth > 0 && n < c.nth {
			continue
		}
		if done {
			break
		}
		out = append(out, ps[last:m[0]]...)
		for _, p := range c.repl {
			if p.group < 0 {
				out = append(out, p.lit...)
			} else if 2*p.group+1 < len(m) && m[2*p.group] >= 0 {
				out = append(out, ps[m[2*p.group]:m[2*p.group+1]]...)
			}
		}
		last = m[1]
		if !c.global {
			done = true
		}
	}
	if out == nil && last == 0 {
		return ps, false
	}
	out = append(out, ps[last:]...)
	return out, true
}

// cycle runs the script on one pattern space and returns false when sed should stop.
func (r *sedRun) cycle(ps []byte) bool {
	deleted := false
	substituted := false
	cmds := r.prog.cmds
	restart := false
	for pc := 0; pc < len(cmds); pc++ {
		c := cmds[pc]
		if c.name == '}' || c.name == ':' {
			continue
		}
		if !r.selects(c, ps) {
			if c.name == '{' {
				pc = c.jump - 1
			}
			continue
		}
		switch c.name {
		case '{':
		case 'p':
			r.emit(ps, false)
		case 'P':
			l, _, _ := bytes.Cut(ps, []byte{'\n'})
			r.emit(l, false)
		case 'd':
			deleted = true
			pc = len(cmds)
		case 'D':
			if i := bytes.IndexByte(ps, '\n'); i >= 0 {
				ps = append([]byte(nil), ps[i+1:]...)
				restart = true
			}
			deleted = true
			pc = len(cmds)
		case '=':
			fmt.Fprintf(r.out, "%d\n", r.lineNo)
		case 'a':
			r.appendQ = append(r.appendQ, c.text+"\n")
		case 'r':
			if b, err := os.ReadFile(r.env.Abs(c.text)); err == nil {
				r.appendQ = append(r.appendQ, string(b))
			}
		case 'i':
			r.out.WriteString(c.text + "\n")
		case 'c':
			if c.a2 == nil || !c.active {
				r.out.WriteString(c.text + "\n")
			}
			deleted = true
			pc = len(cmds)
		case 's':
			var ok bool
			ps, ok = r.substitute(c, ps)
			if ok {
				substituted = true
				if c.print {
					r.emit(ps, false)
				}
				if c.wfile != "" {
					r.writeFile(c.wfile, ps)
				}
			}
		case 'y':
			s := []rune(string(ps))
			for i, ch := range s {
				for j, f := range c.from {
					if ch == f {
						s[i] = c.to[j]
						break
					}
				}
			}
			ps = []byte(string(s))
		case 'q':
			if !r.quiet {
				r.emit(ps, r.in.noNL && r.in.last())
			}
			r.flushAppend()
			r.exit = c.exit
			return false
		case 'Q':
			r.exit = c.exit
			return false
		case 'n':
			if !r.quiet {
				r.emit(ps, r.in.noNL && r.in.last())
			}
			r.flushAppend()
			l, ok := r.in.read()
			if !ok {
				return false
			}
			r.lineNo++
			ps = l
		case 'N':
			l, ok := r.in.read()
			if !ok {
				if !r.quiet {
					r.emit(ps, r.in.noNL)
				}
				return false
			}
			r.lineNo++
			ps = append(append(ps, '\n'), l...)
		case 'h':
			r.hold = append(r.hold[:0], ps...)
		case 'H':
			r.hold = append(append(r.hold, '\n'), ps...)
		case 'g':
			ps = append([]byte(nil), r.hold...)
		case 'G':
			ps = append(append(ps, '\n'), r.hold...)
		case 'x':
			ps, r.hold = r.hold, ps
			if ps == nil {
				ps = []byte{}
			}
		case 'z':
			ps = ps[:0]
		case 'F':
			r.out.WriteString(r.in.name + "\n")
		case 'l':
			r.out.WriteString(strconv.Quote(string(ps))[1:len(strconv.Quote(string(ps)))-1] + "$\n")
		case 'w':
			r.writeFile(c.text, ps)
		case 'b':
			pc = c.jump - 1
		case 't':
			if substituted {
				substituted = false
				pc = c.jump - 1
			}
		case 'T':
			if !substituted {
				pc = c.jump - 1
			} else {
				substituted = false
			}
		}
	}
	if !deleted && !r.quiet {
		r.emit(ps, r.in.noNL && r.in.last())
	}
	r.flushAppend()
	if restart && len(ps) > 0 {
		return r.cycle(ps)
	}
	return true
}

func (r *sedRun) writeFile(name string, b []byte) {
	if name == "/dev/stdout" {
		r.emit(b, false)
		return
	}
	f, ok := r.wfiles[name]
	if !ok {
		var err error
		f, err = os.Create(r.env.Abs(name))
		if err != nil {
			return
		}
		r.wfiles[name] = f
	}
	f.Write(append(append([]byte(nil), b...), '\n'))
}

func (r *sedRun) flushAppend() {
	for _, a := range r.appendQ {
		r.out.WriteString(a)
	}
	r.appendQ = r.appendQ[:0]
}

func runSed(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("sed", sedUsage)
	quiet := fset.Bool('n', "quiet")
	fset.BoolFunc(0, "silent", func() { *quiet = true })
	var scripts []string
	fset.Func('e', "expression", func(v string) error { scripts = append(scripts, v); return nil })
	fset.Func('f', "file", func(v string) error {
		b, err := os.ReadFile(env.Abs(v))
		if err != nil {
			return fmt.Errorf("couldn't open file %s: %s", v, tools.Reason(err))
		}
		scripts = append(scripts, strings.TrimSuffix(string(b), "\n"))
		return nil
	})
	ere := fset.Bool('E', "regexp-extended")
	fset.BoolFunc('r', "", func() { *ere = true })
	separate := fset.Bool('s', "separate")
	fset.Bool('u', "unbuffered")
	fset.Bool(0, "posix")
	inPlace := false
	suffix := ""
	a := args[1:]
	var rest []string
	for i := 0; i < len(a); i++ {
		s := a[i]
		switch {
		case s == "--":
			rest = append(rest, a[i:]...)
			i = len(a)
		case strings.HasPrefix(s, "--in-place"):
			inPlace = true
			_, suffix, _ = strings.Cut(s, "=")
		case len(s) > 1 && s[0] == '-' && s[1] != '-' && strings.Contains(s, "i") && !strings.ContainsAny(s[:strings.IndexByte(s, 'i')], "ef"):
			// -i[SUFFIX], possibly combined as -ni or -i.bak
			k := strings.IndexByte(s, 'i')
			inPlace = true
			suffix = s[k+1:]
			if pre := s[1:k]; pre != "" {
				rest = append(rest, "-"+pre)
			}
		default:
			rest = append(rest, s)
		}
	}
	ops, rc := fset.Parse(env, rest)
	if rc >= 0 {
		return rc
	}
	if len(scripts) == 0 {
		if len(ops) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: %s\n", sedUsage)
			return 1
		}
		scripts, ops = []string{ops[0]}, ops[1:]
	}
	prog, err := parseSed(strings.Join(scripts, "\n"), *ere)
	if err != nil {
		env.Errorf("sed", "%v", err)
		return 1
	}
	if len(ops) == 0 {
		if inPlace {
			env.Errorf("sed", "no input files")
			return 1
		}
		ops = []string{"-"}
	}
	if inPlace {
		st := 0
		for _, op := range ops {
			if ctx.Err() != nil {
				return 1
			}
			p := env.Abs(op)
			fi, err := os.Stat(p)
			if err != nil {
				env.Errorf("sed", "can't read %s: %s", op, tools.Reason(err))
				st = 2
				continue
			}
			tmp, err := os.CreateTemp(filepath.Dir(p), ".sed*")
			if err != nil {
				env.Errorf("sed", "couldn't open temporary file: %s", tools.Reason(err))
				return 4
			}
			w := bufio.NewWriter(tmp)
			ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, []string{op})
			w.Flush()
			tmp.Chmod(fi.Mode().Perm())
			tmp.Close()
			if errs > 0 {
				os.Remove(tmp.Name())
				st = 2
				continue
			}
			if suffix != "" {
				bak := suffix
				if strings.Contains(suffix, "*") {
					bak = strings.ReplaceAll(suffix, "*", filepath.Base(p))
				} else {
					bak = filepath.Base(p) + suffix
				}
				os.Link(p, filepath.Join(filepath.Dir(p), bak))
			}
			if err := os.Rename(tmp.Name(), p); err != nil {
				env.Errorf("sed", "cannot rename %s: %s", tmp.Name(), tools.Reason(err))
				os.Remove(tmp.Name())
				st = 4
			}
			if ex != 0 {
				return ex
			}
		}
		return st
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	if *separate {
		st := 0
		for _, op := range ops {
			ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, []string{op})
			if errs > 0 {
				st = 2
			}
			if ex != 0 {
				return ex
			}
		}
		return st
	}
	ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, ops)
	if ex != 0 {
		return ex
	}
	if errs > 0 {
		return 2
	}
	return 0
}

func sedRunFiles(ctx context.Context, env *tools.Env, prog *sedProg, quiet bool, w *bufio.Writer, files []string) (int, int) {
	for _, c := range prog.cmds {
		c.active = false
	}
	r := &sedRun{prog: prog, quiet: quiet, out: w, env: env, in: &sedInput{env: env, files: files}, wfiles: map[string]*os.File{}}
	defer func() {
		for _, f := range r.wfiles {
			f.Close()
		}
	}()
	for ctx.Err() == nil {
		l, ok := r.in.read()
		if !ok {
			break
		}
		r.lineNo++
		if !r.cycle(append([]byte(nil), l...)) {
			break
		}
	}
	_ = io.EOF
	return r.exit, r.in.errs
}
