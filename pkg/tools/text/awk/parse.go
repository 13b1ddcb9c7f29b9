package awk

import (
	"fmt"
	"strings"
)

type awkParser struct {
	src    string
	where  string // "cmd. line" or the program file, for errors
	loops  int    // loops around the statement being parsed
	toks   []awkTok
	i      int
	locals map[string]int
	noIn   bool // inside for (... in ...) header
	noGT   bool // inside print arguments: '>' is a redirection
}

func (p *awkParser) tok() awkTok { return p.toks[p.i] }

func (p *awkParser) is(s string) bool {
	t := p.toks[p.i]
	return (t.kind == tPunct || t.kind == tKeyword) && t.s == s
}

// errf reports a syntax error at the current token, as BusyBox does: "Unexpected token"
// (format says what was expected, for the reader of this code).
func (p *awkParser) errf(format string, a ...any) error {
	_ = fmt.Sprintf(format, a...)
	return p.errAt(p.tok().pos, "Unexpected token")
}

func (p *awkParser) expect(s string) error {
	if !p.is(s) {
		return p.errf("expected '%s'", s)
	}
	p.i++
	return nil
}

func (p *awkParser) optNewlines() {
	for p.tok().kind == tNewline {
		p.i++
	}
}

func (p *awkParser) skipTerms() {
	for p.tok().kind == tNewline || p.is(";") {
		p.i++
	}
}

// parseAwk parses src, where naming it in errors ("cmd. line" or a -f file).
func parseAwk(src, where string) (*awkProgram, error) {
	toks, err := awkLex(src)
	if err != nil {
		return nil, err
	}
	p := &awkParser{toks: toks, src: src, where: where}
	prog := &awkProgram{funcs: map[string]*awkFunc{}}
	for {
		p.skipTerms()
		if p.tok().kind == tEOF {
			break
		}
		if p.is("function") {
			p.i++
			name := p.tok().s
			p.i++
			if err := p.expect("("); err != nil {
				return nil, err
			}
			f := &awkFunc{name: name}
			p.locals = map[string]int{}
			for !p.is(")") {
				if p.tok().kind != tName {
					return nil, p.errf("bad parameter")
				}
				p.locals[p.tok().s] = len(f.params)
				f.params = append(f.params, p.tok().s)
				p.i++
				if p.is(",") {
					p.i++
					p.optNewlines()
					if p.is(")") {
						return nil, p.errf("parameter after ','")
					}
				} else if !p.is(")") {
					return nil, p.errf("',' or ')'")
				}
			}
			p.i++
			p.optNewlines()
			body, err := p.block()
			if err != nil {
				return nil, err
			}
			f.body = body
			prog.funcs[name] = f
			p.locals = nil
			continue
		}
		it := &awkItem{}
		switch {
		case p.is("BEGIN"):
			it.begin = true
			p.i++
		case p.is("END"):
			it.end = true
			p.i++
		case !p.is("{"):
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			it.pat = e
			if p.is(",") {
				p.i++
				p.optNewlines()
				if it.pat2, err = p.expr(); err != nil {
					return nil, err
				}
			}
		}
		if p.is("{") {
			body, err := p.block()
			if err != nil {
				return nil, err
			}
			it.body = body
			if body == nil {
				it.body = stBlock{}
			}
		} else if it.begin || it.end {
			return nil, p.errf("BEGIN and END need an action")
		}
		prog.items = append(prog.items, it)
	}
	return prog, nil
}

func (p *awkParser) block() (stBlock, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var b stBlock
	for {
		p.skipTerms()
		if p.is("}") {
			p.i++
			return b, nil
		}
		if p.tok().kind == tEOF {
			return nil, p.errf("missing '}'")
		}
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		b = append(b, s)
	}
}

func (p *awkParser) simpleOrBlock() (awkStmt, error) {
	p.optNewlines()
	if p.is(";") {
		p.i++
		return stBlock{}, nil
	}
	return p.stmt()
}

func (p *awkParser) endStmt() error {
	switch {
	case p.is(";"), p.tok().kind == tNewline:
		p.i++
	case p.is("}"), p.tok().kind == tEOF:
	default:
		return p.errf("unexpected '%s'", p.tok().s)
	}
	return nil
}

func (p *awkParser) stmt() (awkStmt, error) {
	t := p.tok()
	if t.kind == tPunct && t.s == "{" {
		return p.block()
	}
	if t.kind == tKeyword {
		switch t.s {
		case "if":
			p.i++
			if err := p.expect("("); err != nil {
				return nil, err
			}
			c, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			a, err := p.simpleOrBlock()
			if err != nil {
				return nil, err
			}
			// "else" may follow after newlines or a semicolon
			save := p.i
			p.skipTerms()
			if p.is("else") {
				p.i++
				b, err := p.simpleOrBlock()
				if err != nil {
					return nil, err
				}
				return &stIf{c, a, b}, nil
			}
			p.i = save
			return &stIf{c, a, nil}, nil
		case "while":
			p.i++
			if err := p.expect("("); err != nil {
				return nil, err
			}
			c, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if p.is(";") {
				p.i++
				return &stWhile{c: c, body: stBlock{}}, nil
			}
			body, err := p.loopBody()
			if err != nil {
				return nil, err
			}
			return &stWhile{c: c, body: body}, nil
		case "do":
			p.i++
			body, err := p.loopBody()
			if err != nil {
				return nil, err
			}
			p.skipTerms()
			if err := p.expect("while"); err != nil {
				return nil, err
			}
			if err := p.expect("("); err != nil {
				return nil, err
			}
			c, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return &stWhile{c: c, body: body, do: true}, p.endStmt()
		case "for":
			p.i++
			if err := p.expect("("); err != nil {
				return nil, err
			}
			// for (k in arr)
			if p.tok().kind == tName && p.toks[p.i+1].kind == tKeyword && p.toks[p.i+1].s == "in" && p.toks[p.i+2].kind == tName && p.toks[p.i+3].s == ")" {
				v := p.varRef(p.tok().s)
				arr := p.varRef(p.toks[p.i+2].s)
				p.i += 4
				body, err := p.loopBody()
				if err != nil {
					return nil, err
				}
				return &stForIn{v: v, arr: arr, body: body}, nil
			}
			var init, post awkStmt
			var c awkExpr
			if !p.is(";") {
				e, err := p.expr()
				if err != nil {
					return nil, err
				}
				init = &stExpr{e}
			}
			if err := p.expect(";"); err != nil {
				return nil, err
			}
			p.optNewlines()
			if !p.is(";") {
				e, err := p.expr()
				if err != nil {
					return nil, err
				}
				c = e
			}
			if err := p.expect(";"); err != nil {
				return nil, err
			}
			p.optNewlines()
			if !p.is(")") {
				e, err := p.expr()
				if err != nil {
					return nil, err
				}
				post = &stExpr{e}
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if p.is(";") {
				p.i++
				return &stFor{init, post, c, stBlock{}}, nil
			}
			body, err := p.loopBody()
			if err != nil {
				return nil, err
			}
			return &stFor{init, post, c, body}, nil
		case "next":
			p.i++
			return stNext{}, p.endStmt()
		case "nextfile":
			p.i++
			return stNextFile{}, p.endStmt()
		case "break", "continue":
			if p.loops == 0 {
				return nil, &awkError{where: p.where, line: p.line(t.pos), msg: "'" + t.s + "' not in a loop", status: 1}
			}
			p.i++
			if t.s == "break" {
				return stBreak{}, p.endStmt()
			}
			return stContinue{}, p.endStmt()
		case "exit", "return":
			p.i++
			var e awkExpr
			if !p.is(";") && !p.is("}") && p.tok().kind != tNewline && p.tok().kind != tEOF {
				var err error
				if e, err = p.expr(); err != nil {
					return nil, err
				}
			}
			if t.s == "exit" {
				return &stExit{e}, p.endStmt()
			}
			return &stReturn{e}, p.endStmt()
		case "delete":
			p.i++
			if p.tok().kind != tName {
				return nil, p.errAt(t.pos, "Too few arguments")
			}
			arr := p.varRef(p.tok().s)
			p.i++
			var idx []awkExpr
			if p.is("[") {
				p.i++
				var err error
				if idx, err = p.exprList("]"); err != nil {
					return nil, err
				}
			}
			return &stDelete{arr, idx}, p.endStmt()
		case "print", "printf":
			p.i++
			st := &stPrint{printf: t.s == "printf"}
			p.noGT = true
			if p.is("(") {
				// print (a, b) > "f"  or  print (a)(b)
				save := p.i
				p.i++
				args, err := p.exprList(")")
				if err == nil && len(args) == 0 {
					p.noGT = false
					return nil, p.errAt(t.pos, "Empty sequence")
				}
				if err == nil && (p.is(";") || p.is("}") || p.is(">") || p.is(">>") || p.is("|") || p.tok().kind == tNewline || p.tok().kind == tEOF) {
					st.args = args
				} else {
					p.i = save
					st.args = nil
					if st.args, err = p.printArgs(); err != nil {
						p.noGT = false
						return nil, err
					}
				}
			} else if !p.is(";") && !p.is("}") && p.tok().kind != tNewline && p.tok().kind != tEOF && !p.is(">") && !p.is(">>") && !p.is("|") {
				var err error
				if st.args, err = p.printArgs(); err != nil {
					p.noGT = false
					return nil, err
				}
			}
			p.noGT = false
			if p.is(">") || p.is(">>") || p.is("|") {
				st.redir = p.tok().s
				p.i++
				d, err := p.concat()
				if err != nil {
					return nil, err
				}
				st.dest = d
			}
			return st, p.endStmt()
		}
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &stExpr{e}, p.endStmt()
}

func (p *awkParser) printArgs() ([]awkExpr, error) {
	var out []awkExpr
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.is(",") {
			return out, nil
		}
		p.i++
		p.optNewlines()
	}
}

func (p *awkParser) exprList(end string) ([]awkExpr, error) {
	var out []awkExpr
	saveGT := p.noGT
	p.noGT = false
	defer func() { p.noGT = saveGT }()
	p.optNewlines()
	for !p.is(end) {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		p.optNewlines()
		if p.is(",") {
			p.i++
			p.optNewlines()
		} else if !p.is(end) {
			return nil, p.errf("expected ',' or '%s'", end)
		}
	}
	p.i++
	return out, nil
}

func (p *awkParser) varRef(name string) *exVar {
	if i, ok := p.locals[name]; ok {
		return &exVar{name: name, local: i}
	}
	return &exVar{name: name, local: -1}
}

// awkError is an error of the program, located as BusyBox and gawk locate it
// ("cmd. line:3: ..." or "FILE:3: ..."), worded as BusyBox words it.
type awkError struct {
	where  string // "cmd. line", or the -f file
	line   int
	msg    string
	status int // the exit status: 2 as mawk (0 meaning 2), 1 where gawk and BusyBox agree on it
}

func (e *awkError) Error() string { return fmt.Sprintf("%s:%d: %s", e.where, e.line, e.msg) }

// line is the source line of byte offset pos.
func (p *awkParser) line(pos int) int { return 1 + strings.Count(p.src[:min(pos, len(p.src))], "\n") }

func (p *awkParser) errAt(pos int, msg string) error {
	return &awkError{where: p.where, line: p.line(pos), msg: msg}
}

// loopBody parses the body of while, do and for, where break and continue belong.
func (p *awkParser) loopBody() (awkStmt, error) {
	p.loops++
	defer func() { p.loops-- }()
	return p.simpleOrBlock()
}
