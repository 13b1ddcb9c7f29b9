package awk

import "slices"

func (p *awkParser) expr() (awkExpr, error) { return p.ternary() }

func isLvalue(e awkExpr) bool {
	switch e.(type) {
	case *exVar, *exIndex, *exField:
		return true
	}
	return false
}

func (p *awkParser) ternary() (awkExpr, error) {
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.is("?") {
		p.i++
		p.optNewlines()
		a, err := p.ternary()
		if err != nil {
			return nil, err
		}
		p.optNewlines()
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		p.optNewlines()
		b, err := p.ternary()
		if err != nil {
			return nil, err
		}
		return &exCond{c, a, b}, nil
	}
	if isLvalue(c) {
		for _, op := range []string{"=", "+=", "-=", "*=", "/=", "%=", "^="} {
			if p.is(op) {
				p.i++
				p.optNewlines()
				r, err := p.ternary()
				if err != nil {
					return nil, err
				}
				return &exAssign{op, c, r}, nil
			}
		}
	}
	return c, nil
}

// leftAssoc parses next (OP next)... for the operators ops, grouping to the left; with
// newlines, line breaks may follow an operator (as after && and ||).
func (p *awkParser) leftAssoc(next func() (awkExpr, error), newlines bool, ops ...string) (awkExpr, error) {
	l, err := next()
	if err != nil {
		return nil, err
	}
	for slices.ContainsFunc(ops, p.is) {
		op := p.tok().s
		p.i++
		if newlines {
			p.optNewlines()
		}
		r, err := next()
		if err != nil {
			return nil, err
		}
		l = &exBinary{op, l, r}
	}
	return l, nil
}

func (p *awkParser) or() (awkExpr, error) { return p.leftAssoc(p.and, true, "||") }

func (p *awkParser) and() (awkExpr, error) { return p.leftAssoc(p.in, true, "&&") }

func (p *awkParser) in() (awkExpr, error) {
	l, err := p.match()
	if err != nil {
		return nil, err
	}
	for p.is("in") && !p.noIn {
		p.i++
		if p.tok().kind != tName {
			return nil, p.errf("expected array after 'in'")
		}
		arr := p.varRef(p.tok().s)
		p.i++
		idx := []awkExpr{l}
		if g, ok := l.(*exGroup); ok {
			if lst, ok := g.e.([]awkExpr); ok {
				idx = lst
			}
		}
		l = &exIn{idx, arr}
	}
	return l, nil
}

func (p *awkParser) match() (awkExpr, error) {
	l, err := p.compare()
	if err != nil {
		return nil, err
	}
	for p.is("~") || p.is("!~") {
		neg := p.is("!~")
		p.i++
		r, err := p.compare()
		if err != nil {
			return nil, err
		}
		l = &exMatch{neg, l, r}
	}
	return l, nil
}

func (p *awkParser) compare() (awkExpr, error) {
	l, err := p.concat()
	if err != nil {
		return nil, err
	}
	// "cmd" | getline [var]: the command's output, a line at a time.
	for p.is("|") && p.toks[p.i+1].kind == tKeyword && p.toks[p.i+1].s == "getline" {
		p.i += 2
		g := &exGetline{cmd: l}
		if p.tok().kind == tName || p.is("$") {
			if g.lv, err = p.primary(); err != nil {
				return nil, err
			}
		}
		l = g
	}
	for _, op := range []string{"<", "<=", "==", "!=", ">", ">="} {
		if p.is(op) && !(p.noGT && op == ">") {
			p.i++
			r, err := p.concat()
			if err != nil {
				return nil, err
			}
			return &exBinary{op, l, r}, nil
		}
	}
	return l, nil
}

// startsOperand reports whether the current token can begin an operand of an implicit
// concatenation.
func (p *awkParser) startsOperand() bool {
	t := p.tok()
	switch t.kind {
	case tNumber, tString, tRegex, tName, tFuncName, tBuiltin:
		return true
	case tPunct:
		return t.s == "$" || t.s == "(" || t.s == "!" || t.s == "++" || t.s == "--" || t.s == "-"
	case tKeyword:
		return t.s == "getline"
	}
	return false
}

func (p *awkParser) concat() (awkExpr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	for p.startsOperand() && !p.is("-") && !(p.is("in")) {
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		l = &exBinary{"concat", l, r}
	}
	return l, nil
}

func (p *awkParser) additive() (awkExpr, error) { return p.leftAssoc(p.mult, false, "+", "-") }

func (p *awkParser) mult() (awkExpr, error) { return p.leftAssoc(p.unary, false, "*", "/", "%") }

func (p *awkParser) unary() (awkExpr, error) {
	if p.is("!") || p.is("-") || p.is("+") {
		op := p.tok().s
		p.i++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &exUnary{op, e}, nil
	}
	return p.power()
}

func (p *awkParser) power() (awkExpr, error) {
	l, err := p.postfix()
	if err != nil {
		return nil, err
	}
	if p.is("^") {
		p.i++
		r, err := p.unary() // right associative, binds tighter than unary minus on the left
		if err != nil {
			return nil, err
		}
		return &exBinary{"^", l, r}, nil
	}
	return l, nil
}

func (p *awkParser) postfix() (awkExpr, error) {
	if p.is("++") || p.is("--") {
		op := p.tok().s
		p.i++
		e, err := p.postfix()
		if err != nil {
			return nil, err
		}
		if !isLvalue(e) {
			return nil, p.errf("%s needs a variable", op)
		}
		return &exIncDec{op, true, e}, nil
	}
	e, err := p.primary()
	if err != nil {
		return nil, err
	}
	if isLvalue(e) && (p.is("++") || p.is("--")) {
		op := p.tok().s
		p.i++
		return &exIncDec{op, false, e}, nil
	}
	return e, nil
}

func (p *awkParser) primary() (awkExpr, error) {
	t := p.tok()
	switch t.kind {
	case tNumber:
		p.i++
		return &exNum{t.n}, nil
	case tString:
		p.i++
		return &exStr{t.s}, nil
	case tRegex:
		p.i++
		re, err := awkRegex(t.s)
		if err != nil {
			return nil, err
		}
		return &exRegex{re}, nil
	case tName:
		p.i++
		v := p.varRef(t.s)
		if p.is("[") {
			p.i++
			idx, err := p.exprList("]")
			if err != nil {
				return nil, err
			}
			return &exIndex{v, idx}, nil
		}
		return v, nil
	case tFuncName:
		p.i += 2
		args, err := p.exprList(")")
		if err != nil {
			return nil, err
		}
		return &exUser{t.s, args, p.line(t.pos)}, nil
	case tBuiltin:
		p.i++
		var args []awkExpr
		if p.is("(") {
			p.i++
			var err error
			if args, err = p.exprList(")"); err != nil {
				return nil, err
			}
		} else if t.s != "length" {
			return nil, p.errf("%s needs arguments", t.s)
		}
		return &exCall{t.s, args}, nil
	case tKeyword:
		if t.s == "getline" {
			p.i++
			g := &exGetline{}
			if p.tok().kind == tName || p.is("$") {
				lv, err := p.primary()
				if err != nil {
					return nil, err
				}
				g.lv = lv
			}
			if p.is("<") {
				p.i++
				f, err := p.primary()
				if err != nil {
					return nil, err
				}
				g.file = f
			}
			return g, nil
		}
	case tPunct:
		switch t.s {
		case "$":
			p.i++
			e, err := p.postfixNoIncField()
			if err != nil {
				return nil, err
			}
			return &exField{e, p.line(t.pos)}, nil
		case "(":
			p.i++
			saveIn, saveGT := p.noIn, p.noGT
			p.noIn, p.noGT = false, false
			list, err := p.exprList(")")
			p.noIn, p.noGT = saveIn, saveGT
			if err != nil {
				return nil, err
			}
			if len(list) == 1 {
				return &exGroup{list[0]}, nil
			}
			if p.is("in") {
				return &exGroup{list}, nil
			}
			return nil, p.errf("unexpected list")
		case "-", "+", "!":
			return p.unary()
		}
	}
	return nil, p.errf("unexpected '%s'", t.s)
}

// postfixNoIncField parses the operand of $: $i++ increments the field, not i.
func (p *awkParser) postfixNoIncField() (awkExpr, error) {
	if p.is("++") || p.is("--") || p.is("-") || p.is("!") {
		return p.postfix()
	}
	return p.primary()
}
