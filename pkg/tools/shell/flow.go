package shell

import (
	"context"
	"reflect"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// The interpreter leaves a loop on break or continue only between the statements of the
// loop's own body: a break inside { }, an if or a case, or before && or ||, lets the rest
// of that list run first; break and continue in a loop's condition, or in a ( ) subshell
// inside a loop, are "only useful in a loop". loopFlow rewrites the program so that they
// act as in ash:
//   - a statement that may break or continue is followed, in the nested list that holds
//     it, by a guard: the rest of the list runs only when no break or continue is under
//     way ('if GUARD; then RESTORE && :; REST; fi', RESTORE giving $? back);
//   - 'while COND; do BODY; done' whose COND may break or continue becomes
//     'while :; do if ! COND; then break; fi; BODY; done' (until: 'if COND'), so that COND
//     runs inside the loop;
//   - break or continue in a subshell inside a loop (with no loop of its own around it)
//     ends the subshell with status 0, as in ash, where the subshell is a forked copy.

// loopFlow applies the rewrites above to node.
func loopFlow(node syntax.Node) {
	var walk func(n syntax.Node, inner int, outer bool)
	walk = func(n syntax.Node, inner int, outer bool) {
		syntax.Walk(n, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FuncDecl:
				walk(n.Body, 0, false)
				return false
			case *syntax.Subshell, *syntax.CmdSubst:
				boundary := outer || inner > 0
				var stmts []*syntax.Stmt
				if s, ok := n.(*syntax.Subshell); ok {
					stmts = s.Stmts
				} else {
					stmts = n.(*syntax.CmdSubst).Stmts
				}
				for _, st := range stmts {
					walk(st, 0, boundary)
				}
				return false
			case *syntax.WhileClause:
				if mayBreak(n.Cond) {
					condInLoop(n)
				}
				for _, st := range n.Cond {
					walk(st, inner, outer)
				}
				for _, st := range n.Do {
					walk(st, inner+1, outer)
				}
				return false
			case *syntax.ForClause:
				walk(n.Loop, inner, outer)
				for _, st := range n.Do {
					walk(st, inner+1, outer)
				}
				return false
			case *syntax.CallExpr:
				if inner == 0 && outer && isLoopFlow(n) {
					// break or continue of a loop outside this subshell: it ends the subshell
					pos := n.Args[0].Pos()
					n.Args = []*syntax.Word{litAt("exit", pos), litAt("0", pos)}
				}
			case *syntax.Block:
				if inner > 0 {
					n.Stmts = guardRest(n.Stmts)
				}
			case *syntax.IfClause:
				if inner > 0 {
					n.Cond = guardRest(n.Cond)
					n.Then = guardRest(n.Then)
					if mayBreak(n.Cond) {
						n.Then = guardAll(n.Then)
						if n.Else != nil && len(n.Else.Cond) == 0 {
							n.Else.Then = guardAll(n.Else.Then) // else, not elif
						}
					}
				}
			case *syntax.CaseClause:
				if inner > 0 {
					for _, it := range n.Items {
						it.Stmts = guardRest(it.Stmts)
					}
				}
			case *syntax.BinaryCmd:
				if inner > 0 && (n.Op == syntax.AndStmt || n.Op == syntax.OrStmt) && mayBreak([]*syntax.Stmt{n.X}) {
					n.Y = guardAll([]*syntax.Stmt{n.Y})[0]
				}
			}
			return true
		})
	}
	walk(node, 0, false)
}

// condInLoop moves the condition of loop w into its body (see loopFlow).
func condInLoop(w *syntax.WhileClause) {
	pos := w.Pos()
	cond := &syntax.Stmt{Position: pos, Cmd: &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: w.Cond}, Negated: !w.Until}
	exit := &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt("break", pos)}}}
	test := &syntax.Stmt{Position: pos, Cmd: &syntax.IfClause{Position: pos, ThenPos: pos, FiPos: pos, Cond: []*syntax.Stmt{cond}, Then: []*syntax.Stmt{exit}}}
	w.Cond = []*syntax.Stmt{{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(":", pos)}}}}
	w.Until = false
	w.Do = append([]*syntax.Stmt{test}, w.Do...)
}

// guardRest makes the statements that follow one that may break or continue run only
// when none is under way.
func guardRest(list []*syntax.Stmt) []*syntax.Stmt {
	for i, st := range list[:max(len(list)-1, 0)] {
		if mayBreak([]*syntax.Stmt{st}) {
			return append(list[:i+1:i+1], guardAll(list[i+1:])...) // the walk guards the rest in turn
		}
	}
	return list
}

// guardAll wraps list in one statement that runs it only when no break or continue is
// under way, with $? as it was.
func guardAll(list []*syntax.Stmt) []*syntax.Stmt {
	if len(list) == 0 {
		return list
	}
	pos := list[0].Pos()
	call := func(name string) *syntax.Stmt {
		return &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(internalPrefix+name, pos)}}}
	}
	restore := &syntax.Stmt{Position: pos, Cmd: &syntax.BinaryCmd{OpPos: pos, Op: syntax.AndStmt, X: call("flowRestore"),
		Y: &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(":", pos)}}}}}
	return []*syntax.Stmt{{Position: pos, Cmd: &syntax.IfClause{Position: pos, ThenPos: pos, FiPos: pos,
		Cond: []*syntax.Stmt{call("flowGuard")}, Then: append([]*syntax.Stmt{restore}, list...)}}}
}

// mayBreak reports whether list holds a break or continue that can reach a loop around
// it (not one inside a function or subshell of its own).
func mayBreak(list []*syntax.Stmt) bool {
	found := false
	for _, st := range list {
		syntax.Walk(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FuncDecl, *syntax.Subshell, *syntax.CmdSubst, *syntax.ProcSubst:
				return false
			case *syntax.CallExpr:
				found = found || isLoopFlow(n)
			}
			return !found
		})
	}
	return found
}

func isLoopFlow(c *syntax.CallExpr) bool {
	if len(c.Args) == 0 {
		return false
	}
	name := c.Args[0].Lit()
	return name == "break" || name == "continue"
}

func litAt(s string, pos syntax.Pos) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: pos, ValueEnd: pos, Value: s}}}
}

// flowPending reports whether a break or continue is under way in the runner of hc. The
// interpreter does not export its runner's state: the counts are read (never written)
// through reflection; an interpreter without them reads as none under way.
func flowPending(hc interp.HandlerContext) bool {
	r := reflect.ValueOf(hc).FieldByName("runner")
	if !r.IsValid() || r.Kind() != reflect.Pointer || r.IsNil() {
		return false
	}
	r = r.Elem()
	for _, name := range []string{"breakEnclosing", "contnEnclosing"} {
		if f := r.FieldByName(name); f.IsValid() && f.CanInt() && f.Int() > 0 {
			return true
		}
	}
	return false
}

// runnerID identifies the runner of hc (a subshell's differs from the shell's).
func runnerID(hc interp.HandlerContext) uintptr {
	r := reflect.ValueOf(hc).FieldByName("runner")
	if !r.IsValid() || r.Kind() != reflect.Pointer {
		return 0
	}
	return r.Pointer()
}

// builtinFlowGuard fails when a break or continue is under way; otherwise it keeps $? for
// builtinFlowRestore.
func builtinFlowGuard(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, _ []string) error {
	if flowPending(hc) {
		return exitError(1)
	}
	s.flowStatus.Store(runnerID(hc), hc.LastExitStatus)
	return nil
}

// builtinFlowRestore gives back the $? that builtinFlowGuard kept.
func builtinFlowRestore(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, _ []string) error {
	st, _ := s.flowStatus.LoadAndDelete(runnerID(hc))
	n, _ := st.(int)
	return exitError(n)
}
