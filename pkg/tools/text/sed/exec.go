package sed

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

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
