package shell

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// set -x. The interpreter traces commands in bash's quoting (interp/trace.go), with no
// hook; the shell traces them itself, as ash does, and keeps the option from the
// interpreter:
//   - 'set -x', 'set -o xtrace' (and sh -x) set the shell's own flag (Shell.xtrace), never
//     the interpreter's: the call handler strips them (xtraceOptions);
//   - a simple command is traced by the call handler, once its words are expanded:
//     PS4 ("+ ") and each word, single-quoted when ash would quote it (a character that is
//     special to the shell, or a reserved word such as 'if');
//   - an assignment alone (v=x) runs no handler: when the program may trace, each is
//     followed by traceAssign NAME..., which prints "+ v=x" with the values assigned.
//
// Not traced: the assignments before a command (v=x cmd), export, local and readonly
// (declarations, not calls). $- and 'set -o' do not show the option (the interpreter's).

// xtraceOptions removes x (and -o xtrace) from the options of set; on reports the last
// setting it held (0: none, 1: -x, -1: +x). rest is nil when nothing is left for set to do.
func xtraceOptions(args []string) (rest []string, on int) {
	rest = []string{args[0]}
	opts := true
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case !opts || len(a) < 2 || (a[0] != '-' && a[0] != '+'):
			opts = false
		case a == "--" || a == "-":
			opts = false
		case a[1] == 'o' && len(a) == 2:
			if i+1 < len(args) && args[i+1] == "xtrace" {
				on = map[byte]int{'-': 1, '+': -1}[a[0]]
				i++
				continue
			}
			if i+1 < len(args) {
				rest = append(rest, a) // -o OPTION
				i++
				a = args[i]
			}
		case strings.ContainsRune(a[1:], 'x') && strings.Trim(a[1:], "abCefhimnuvx") == "":
			on = map[byte]int{'-': 1, '+': -1}[a[0]]
			a = a[:1] + strings.ReplaceAll(a[1:], "x", "")
			if len(a) == 1 {
				continue
			}
		}
		rest = append(rest, a)
	}
	if on != 0 && len(rest) == 1 {
		return nil, on
	}
	return rest, on
}

// traceCall prints the trace of a simple command (see above), when set -x is on.
func (s *Shell) traceCall(hc interp.HandlerContext, args []string) {
	if !s.xtrace.Load() || strings.HasPrefix(args[0], internalPrefix) || strings.HasPrefix(args[0], evalPrefix) || hc.Stderr == nil {
		return
	}
	var b strings.Builder
	b.WriteString(ps4(hc.Env))
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if ashKeyword(a) {
			b.WriteString(ashSingleQuote(a))
		} else {
			b.WriteString(ashMaybeQuote(a))
		}
	}
	b.WriteByte('\n')
	fmt.Fprint(hc.Stderr, b.String())
}

// ashKeyword reports whether s is one of ash's reserved words, which set -x always quotes.
func ashKeyword(s string) bool {
	switch s {
	case "!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "then", "until", "while", "{", "}":
		return true
	}
	return false
}

func ps4(env expand.Environ) string {
	if v := env.Get("PS4"); v.IsSet() {
		return v.String()
	}
	return "+ "
}

// builtinTraceAssign traces the assignments of a statement that is nothing else:
// traceAssign NAME...; $? stays.
func builtinTraceAssign(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	if s.xtrace.Load() && hc.Stderr != nil {
		var b strings.Builder
		b.WriteString(ps4(hc.Env))
		for i, name := range args[1:] {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(name + "=" + ashMaybeQuote(hc.Env.Get(name).String()))
		}
		b.WriteByte('\n')
		fmt.Fprint(hc.Stderr, b.String())
	}
	return exitError(hc.LastExitStatus)
}

// traceAssigns follows each statement of node that only assigns with a traceAssign of
// its names (see above).
func traceAssigns(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		c, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(c.Args) > 0 || len(c.Assigns) == 0 {
			return true
		}
		pos := st.Pos()
		args := []*syntax.Word{litAt(internalPrefix+"traceAssign", pos)}
		for _, a := range c.Assigns {
			if a.Name != nil {
				args = append(args, litAt(a.Name.Value, pos))
			}
		}
		inner := *st
		inner.Negated, inner.Background, inner.Coprocess, inner.Disown = false, false, false, false
		st.Cmd = &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: []*syntax.Stmt{
			&inner, {Position: pos, Cmd: &syntax.CallExpr{Args: args}},
		}}
		st.Redirs = nil
		return false
	})
}

// mayTrace reports whether node can turn set -x on (a set or sh with x among its
// options).
func mayTrace(node syntax.Node) bool {
	found := false
	syntax.Walk(node, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if ok && len(c.Args) > 1 && c.Args[0].Lit() == "set" {
			for _, w := range c.Args[1:] {
				if l := w.Lit(); l == "xtrace" || (strings.HasPrefix(l, "-") && strings.Contains(l, "x")) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// ashMaybeQuote is s as ash's set -x prints a word: single-quoted when it holds a
// character other than + , - . / 0-9 : @ A-Z ] ^ _ a-z (ash.c, maybe_single_quote).
func ashMaybeQuote(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '+' || (c >= ';' && c <= '?') || c == '`' || c == '[' || c == '\\' || c > 'z' {
			return ashSingleQuote(s)
		}
	}
	return s
}

// ashSingleQuote quotes s in single quotes, a ' as "'" between them (ash.c, single_quote).
func ashSingleQuote(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			i = len(s)
		}
		b.WriteString("'" + s[:i] + "'")
		s = s[i:]
		if s == "" {
			return b.String()
		}
		j := len(s) - len(strings.TrimLeft(s, "'"))
		b.WriteString(`"` + s[:j] + `"`)
		s = s[j:]
		if s == "" {
			return b.String()
		}
	}
}
