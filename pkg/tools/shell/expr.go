package shell

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

// Expr is expr EXPRESSION: evaluate an expression and print its value, as GNU expr.
// Exit 0 when the value is neither empty nor 0, 1 when it is, 2 when the expression is
// invalid, 3 on another error.
//
//	ARG1 | ARG2, ARG1 & ARG2, < <= = == != >= >, + - * / %, STRING : REGEXP,
//	match STRING REGEXP, substr STRING POS LENGTH, index STRING CHARS, length STRING,
//	+ TOKEN, ( EXPRESSION )
var Expr = tools.Applet{Name: "expr", Summary: "evaluate an expression", Run: runExpr}

const exprUsage = `expr EXPRESSION
  ARG1 | ARG2   ARG1 if it is neither null nor 0, otherwise ARG2
  ARG1 & ARG2   ARG1 if neither argument is null or 0, otherwise 0
  ARG1 < <= = == != >= > ARG2   comparison (numeric when both are integers)
  ARG1 + - * / % ARG2           integer arithmetic
  STRING : REGEXP, match STRING REGEXP   anchored match: \(..\) group or length matched
  substr STRING POS LENGTH, index STRING CHARS, length STRING, + TOKEN, ( EXPRESSION )
Exit status: 0 if EXPRESSION is neither null nor 0, 1 if it is, 2 if invalid, 3 on error.`

// exprError is a failure with its exit status.
type exprError struct {
	msg    string
	status int
}

func (e *exprError) Error() string { return e.msg }

type exprParser struct {
	args []string
	pos  int
}

func exprSyntax(format string, a ...any) *exprError {
	return &exprError{"syntax error: " + fmt.Sprintf(format, a...), 2}
}

func runExpr(ctx context.Context, env *tools.Env, args []string) int {
	args = args[1:]
	if len(args) == 1 && args[0] == "--help" {
		return tools.Usage(env, exprUsage)
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		env.Errorf("expr", "missing operand")
		fmt.Fprintln(env.Stderr, "Try 'expr --help' for more information.")
		return 2
	}
	p := &exprParser{args: args}
	v, err := p.run()
	if err != nil {
		env.Errorf("expr", "%s", err.msg)
		return err.status
	}
	fmt.Fprintln(env.Stdout, v)
	if exprNull(v) {
		return 1
	}
	return 0
}

func (p *exprParser) run() (v string, err *exprError) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*exprError)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	v = p.or(true)
	if p.pos < len(p.args) {
		panic(exprSyntax("unexpected argument '%s'", p.args[p.pos]))
	}
	return v, nil
}

func (p *exprParser) next(tok string) bool {
	if p.pos < len(p.args) && p.args[p.pos] == tok {
		p.pos++
		return true
	}
	return false
}

func (p *exprParser) requireMore() {
	if p.pos >= len(p.args) {
		panic(exprSyntax("missing argument after '%s'", p.args[p.pos-1]))
	}
}

// exprNull is GNU's null: the empty string, or an optional '-' and zeros.
func exprNull(s string) bool {
	if s == "" {
		return true
	}
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0") == ""
}

func exprInteger(s string) (*big.Int, bool) {
	t := strings.TrimPrefix(s, "-")
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, 10)
	return n, ok
}

func (p *exprParser) or(eval bool) string {
	l := p.and(eval)
	for p.next("|") {
		r := p.and(eval && exprNull(l))
		if exprNull(l) {
			l = r
			if exprNull(l) {
				l = "0"
			}
		}
	}
	return l
}

func (p *exprParser) and(eval bool) string {
	l := p.compare(eval)
	for p.next("&") {
		r := p.compare(eval && !exprNull(l))
		if exprNull(l) || exprNull(r) {
			l = "0"
		}
	}
	return l
}

func (p *exprParser) compare(eval bool) string {
	l := p.sum(eval)
	for {
		var op string
		for _, o := range []string{"<", "<=", "=", "==", "!=", ">=", ">"} {
			if p.next(o) {
				op = o
				break
			}
		}
		if op == "" {
			return l
		}
		r := p.sum(eval)
		c := 0
		a, aok := exprInteger(l)
		b, bok := exprInteger(r)
		if aok && bok {
			c = a.Cmp(b)
		} else {
			c = strings.Compare(l, r)
		}
		res := false
		switch op {
		case "<":
			res = c < 0
		case "<=":
			res = c <= 0
		case "=", "==":
			res = c == 0
		case "!=":
			res = c != 0
		case ">=":
			res = c >= 0
		case ">":
			res = c > 0
		}
		l = "0"
		if res {
			l = "1"
		}
	}
}

func (p *exprParser) arith(l, r, op string, eval bool) string {
	if !eval {
		return "0"
	}
	a, aok := exprInteger(l)
	b, bok := exprInteger(r)
	if !aok || !bok {
		panic(&exprError{"non-integer argument", 2})
	}
	z := new(big.Int)
	switch op {
	case "+":
		z.Add(a, b)
	case "-":
		z.Sub(a, b)
	case "*":
		z.Mul(a, b)
	case "/", "%":
		if b.Sign() == 0 {
			panic(&exprError{"division by zero", 2})
		}
		if op == "/" {
			z.Quo(a, b)
		} else {
			z.Rem(a, b)
		}
	}
	return z.String()
}

func (p *exprParser) sum(eval bool) string {
	l := p.product(eval)
	for {
		op := ""
		if p.next("+") {
			op = "+"
		} else if p.next("-") {
			op = "-"
		} else {
			return l
		}
		l = p.arith(l, p.product(eval), op, eval)
	}
}

func (p *exprParser) product(eval bool) string {
	l := p.colon(eval)
	for {
		op := ""
		switch {
		case p.next("*"):
			op = "*"
		case p.next("/"):
			op = "/"
		case p.next("%"):
			op = "%"
		default:
			return l
		}
		l = p.arith(l, p.colon(eval), op, eval)
	}
}

func (p *exprParser) colon(eval bool) string {
	l := p.unary(eval)
	for p.next(":") {
		r := p.unary(eval)
		if eval {
			l = exprMatch(l, r)
		}
	}
	return l
}

func (p *exprParser) unary(eval bool) string {
	switch {
	case p.next("+"):
		p.requireMore()
		p.pos++
		return p.args[p.pos-1]
	case p.next("length"):
		return fmt.Sprint(len(p.unary(eval)))
	case p.next("match"):
		l := p.unary(eval)
		r := p.unary(eval)
		if !eval {
			return "0"
		}
		return exprMatch(l, r)
	case p.next("index"):
		l := p.unary(eval)
		r := p.unary(eval)
		if i := strings.IndexAny(l, r); i >= 0 && r != "" {
			return fmt.Sprint(i + 1)
		}
		return "0"
	case p.next("substr"):
		s := p.unary(eval)
		pos, pok := exprInteger(p.unary(eval))
		n, nok := exprInteger(p.unary(eval))
		if !pok || !nok || !pos.IsInt64() || !n.IsInt64() {
			return ""
		}
		i, k := pos.Int64(), n.Int64()
		if i <= 0 || k <= 0 || i > int64(len(s)) {
			return ""
		}
		return s[i-1 : i-1+min(k, int64(len(s))-i+1)]
	}
	return p.primary(eval)
}

func (p *exprParser) primary(eval bool) string {
	p.requireMore()
	if p.next("(") {
		v := p.or(eval)
		if p.pos >= len(p.args) {
			panic(exprSyntax("expecting ')' after '%s'", p.args[p.pos-1]))
		}
		if !p.next(")") {
			panic(exprSyntax("expecting ')' instead of '%s'", p.args[p.pos]))
		}
		return v
	}
	if p.next(")") {
		panic(exprSyntax("unexpected ')'"))
	}
	p.pos++
	return p.args[p.pos-1]
}

// exprMatch is STRING : REGEXP: the BRE anchored at the start of s; the first group's
// text when it has one, otherwise the length matched.
func exprMatch(s, pattern string) string {
	expr, err := posixre.Translate(pattern, false)
	var re *regexp.Regexp
	if err == nil {
		re, err = regexp.Compile("^(?:" + expr + ")")
	}
	if err != nil {
		panic(&exprError{posixre.ErrorText(err), 2})
	}
	re.Longest()
	m := re.FindStringSubmatchIndex(s)
	if re.NumSubexp() > 0 {
		if m == nil || m[2] < 0 {
			return ""
		}
		return s[m[2]:m[3]]
	}
	if m == nil {
		return "0"
	}
	return fmt.Sprint(m[1])
}
