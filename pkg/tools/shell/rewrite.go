package shell

import (
	"context"
	"fmt"
	"strconv"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// ashScoping rewrites what ash does differently from the interpreter with functions and
// loops, before the program runs:
//   - 'local NAME' without a value leaves NAME unset in the function, as in ash (the
//     interpreter keeps the value it had): an 'unset' follows it, unless NAME is local
//     already (an earlier 'local' in the function's text);
//   - 'local' outside any function is an error that ends a non-interactive shell with
//     status 2 ("local: line N: not in a function"), as in ash;
//   - 'break N' and 'continue N' with N above the number of enclosing loops act on the
//     outermost one, as in ash (the interpreter leaves every loop). Loops are counted
//     within a function's body only: ash's functions do not see their caller's loops.
func ashScoping(node syntax.Node) {
	var walk func(n syntax.Node, loops int, locals map[string]bool)
	walk = func(n syntax.Node, loops int, locals map[string]bool) {
		syntax.Walk(n, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FuncDecl:
				walk(n.Body, 0, map[string]bool{})
				return false
			case *syntax.WhileClause:
				for _, st := range n.Cond {
					walk(st, loops, locals)
				}
				for _, st := range n.Do {
					walk(st, loops+1, locals)
				}
				return false
			case *syntax.ForClause:
				walk(n.Loop, loops, locals)
				for _, st := range n.Do {
					walk(st, loops+1, locals)
				}
				return false
			case *syntax.CallExpr:
				clampLoopLevel(n, loops)
			case *syntax.Stmt:
				d, ok := n.Cmd.(*syntax.DeclClause)
				if !ok || d.Variant.Value != "local" {
					return true
				}
				if locals == nil {
					w := lit(internalPrefix + "localOutside")
					w.Parts[0].(*syntax.Lit).ValuePos = n.Position // the line of its message
					n.Cmd = &syntax.CallExpr{Args: []*syntax.Word{w}}
					return false
				}
				unsetLocals(n, d, locals)
				return false
			}
			return true
		})
	}
	walk(node, 0, nil)
}

// clampLoopLevel makes 'break N' or 'continue N' name at most loops enclosing loops.
func clampLoopLevel(c *syntax.CallExpr, loops int) {
	if loops == 0 || len(c.Args) != 2 {
		return
	}
	if name := c.Args[0].Lit(); name != "break" && name != "continue" {
		return
	}
	if n, err := strconv.Atoi(c.Args[1].Lit()); err == nil && n > loops {
		c.Args[1] = lit(strconv.Itoa(loops))
	}
}

// unsetLocals follows the statement st of 'local' d with an 'unset' of the names it
// declares without a value, but those an earlier 'local' of the function declared
// (locals): ash keeps the value of a variable that is local already.
func unsetLocals(st *syntax.Stmt, d *syntax.DeclClause, locals map[string]bool) {
	unset := []*syntax.Word{lit("unset"), lit("-v")}
	for _, a := range d.Args {
		if a.Name == nil {
			continue
		}
		if a.Naked && a.Value == nil && a.Array == nil && a.Index == nil && !locals[a.Name.Value] {
			unset = append(unset, lit(a.Name.Value))
		}
		locals[a.Name.Value] = true
	}
	if len(unset) == 2 {
		return
	}
	decl := &syntax.Stmt{Position: st.Position, Cmd: d}
	st.Cmd = &syntax.Block{Lbrace: st.Position, Rbrace: st.Position, Stmts: []*syntax.Stmt{
		decl, {Position: st.Position, Cmd: &syntax.CallExpr{Args: unset}},
	}}
}

// builtinLocalOutside stands for a 'local' outside any function (see ashScoping).
func builtinLocalOutside(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, _ []string) error {
	fmt.Fprintf(env.Stderr, "%snot in a function\n", s.where(hc, "local"))
	if s.opts.Interactive {
		return exitError(2)
	}
	return hc.Builtin(ctx, []string{"exit", "2"})
}
