package sed

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

type sedRun struct {
	prog      *sedProg
	quiet     bool
	out       *sedOutput
	env       *tools.Env
	lineNo    int
	in        *sedInput
	hold      []byte
	lastRE    *regexp.Regexp
	appendQ   []string
	exit      int
	quit      bool
	wfiles    map[string]*sedOutput
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

// selects reports whether c applies to the pattern space. A range whose first address is
// a line number N starts on the first line it sees at or past N (so "1d;1,3p" prints lines
// 2 and 3, as GNU sed does) and, once ended, never starts again; "0,/RE/" may end on line 1.
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
				r.endRange(c)
			}
		case '+':
			if r.lineNo >= c.end {
				r.endRange(c)
			}
		default:
			if r.matchAddr(c.a2, ps) {
				r.endRange(c)
			}
		}
	case c.closed:
	default:
		start := false
		if c.a1.kind == 'n' {
			start = r.lineNo >= c.a1.n
		} else {
			start = r.matchAddr(c.a1, ps)
		}
		if start {
			ok = true
			c.active = true
			switch c.a2.kind {
			case 'n':
				if c.a2.n <= r.lineNo {
					r.endRange(c)
				}
			case '+':
				c.end = r.lineNo + c.a2.n
				if c.a2.n == 0 {
					r.endRange(c)
				}
			case '$':
				if r.in.last() {
					r.endRange(c)
				}
			case 'r':
				if c.a1.kind == 'n' && c.a1.n == 0 && r.matchAddr(c.a2, ps) {
					r.endRange(c)
				}
			}
		}
	}
	return ok != c.neg
}

// endRange ends c's range; one that started at a line number is over for good.
func (r *sedRun) endRange(c *sedCmd) {
	c.active = false
	c.closed = c.a1.kind == 'n'
}

// sedOutput is one of sed's outputs (standard output, a w FILE) as GNU sed keeps it: a
// pattern space is written with a newline unless the line last read had none, and a
// newline left off that way is written before anything else goes to the same output, so
// that only the very end of the output lacks one.
type sedOutput struct {
	w         io.Writer
	missingNL bool
}

// line writes b as a pattern space: its newline omitted when noNL.
func (o *sedOutput) line(b []byte, noNL bool) {
	o.text(b)
	if noNL {
		o.missingNL = true
	} else {
		o.w.Write([]byte{'\n'})
	}
}

// text writes b as is (a i c text, =, l), after any newline owed.
func (o *sedOutput) text(b []byte) {
	if o.missingNL {
		o.w.Write([]byte{'\n'})
		o.missingNL = false
	}
	o.w.Write(b)
}

// emit writes the pattern space to standard output, without a newline when the line last
// read had none.
func (r *sedRun) emit(b []byte) { r.out.line(b, r.in.noNL) }

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
			r.emit(ps)
		case 'P':
			if l, _, ok := bytes.Cut(ps, []byte{'\n'}); ok {
				r.out.line(l, false)
			} else {
				r.emit(ps)
			}
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
			r.out.text([]byte(strconv.Itoa(r.lineNo) + "\n"))
		case 'a':
			r.appendQ = append(r.appendQ, c.text+"\n")
		case 'r':
			if b, err := os.ReadFile(r.env.Abs(c.text)); err == nil {
				r.appendQ = append(r.appendQ, string(b))
			}
		case 'i':
			r.out.text([]byte(c.text + "\n"))
		case 'c':
			if c.a2 == nil || !c.active {
				r.out.text([]byte(c.text + "\n"))
			}
			deleted = true
			pc = len(cmds)
		case 's':
			var ok bool
			ps, ok = r.substitute(c, ps)
			if ok {
				substituted = true
				if c.print {
					r.emit(ps)
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
				r.emit(ps)
			}
			r.flushAppend()
			r.exit = c.exit
			return false
		case 'Q':
			r.exit = c.exit
			return false
		case 'n':
			if !r.quiet {
				r.emit(ps)
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
					r.emit(ps)
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
			r.out.text([]byte(r.in.name + "\n"))
		case 'l':
			r.out.text([]byte(strconv.Quote(string(ps))[1:len(strconv.Quote(string(ps)))-1] + "$\n"))
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
		r.emit(ps)
	}
	r.flushAppend()
	if restart && len(ps) > 0 {
		return r.cycle(ps)
	}
	return true
}

func (r *sedRun) writeFile(name string, b []byte) {
	if name == "/dev/stdout" {
		r.emit(b)
		return
	}
	o, ok := r.wfiles[name]
	if !ok {
		f, err := os.Create(r.env.Abs(name))
		if err != nil {
			return
		}
		o = &sedOutput{w: f}
		r.wfiles[name] = o
	}
	o.line(b, r.in.noNL)
}

func (r *sedRun) flushAppend() {
	for _, a := range r.appendQ {
		r.out.text([]byte(a))
	}
	r.appendQ = r.appendQ[:0]
}
