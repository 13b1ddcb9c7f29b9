package shell

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// unexportedVar lists, between spaces, the variables 'export -n' took out of the
// environment: the interpreter has no way to unexport one (interp/runner.go sets
// Exported, never clears it), so environ leaves them out.
const unexportedVar = "DDEBUG_UNEXPORTED_"

// ashReadOnly rewrites what ash does differently from the interpreter with read-only and
// exported variables, before the program runs:
//   - an assignment to a read-only variable ('a=A', 'a=A cmd', 'readonly a=A',
//     'export a=Z') is an error that ends a non-interactive shell with status 2
//     ("line N: a: is read only"); the interpreter says "a: readonly variable" and goes
//     on with status 1. Once a program declares a variable read-only, each assignment
//     of this and later programs is preceded by a check (roCheck) of its names;
//   - 'readonly' and 'readonly -p' list the read-only variables as ash does
//     ("readonly a='A'"), which the interpreter does not;
//   - 'export -n NAME' unexports NAME (the interpreter reads -n as a nameref); once a
//     program uses it, a later 'export NAME' exports NAME again.
func (s *Shell) ashReadOnly(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.DeclClause); ok {
			switch {
			case d.Variant.Value == "readonly" || declFlag(d, 'r'):
				s.readOnlySeen.Store(true)
			case d.Variant.Value == "export" && declFlag(d, 'n'):
				s.unexportSeen.Store(true)
			}
		}
		return true
	})
	checks, unexports := s.readOnlySeen.Load(), s.unexportSeen.Load()
	if !checks && !unexports {
		return
	}
	done := map[*syntax.Stmt]bool{} // the statements moved into a group: checked already
	prefix := func(st *syntax.Stmt, pre ...*syntax.Stmt) {
		done[prefixStmt(st, pre...)] = true
	}
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok || done[st] {
			return true
		}
		switch c := st.Cmd.(type) {
		case *syntax.CallExpr:
			if checks && len(c.Assigns) > 0 {
				prefix(st, roCheck(st.Position, "", c.Assigns))
			}
		case *syntax.DeclClause:
			variant := c.Variant.Value
			if variant == "readonly" && declListing(c) {
				st.Cmd = &syntax.CallExpr{Args: []*syntax.Word{lit(internalPrefix + "readonlyList")}}
				return false
			}
			if variant == "export" && declFlag(c, 'n') {
				st.Cmd = unexport(c)
				return false
			}
			var pre []*syntax.Stmt
			if checks && (variant == "readonly" || variant == "export") {
				pre = append(pre, roCheck(st.Position, variant, c.Args))
			}
			if unexports && variant == "export" {
				pre = append(pre, reexport(c)...)
			}
			if len(pre) > 0 {
				prefix(st, pre...)
			}
		}
		return true
	})
}

// declFlag reports whether declaration d has the option -c among its literal options.
func declFlag(d *syntax.DeclClause, c byte) bool {
	for _, a := range d.Args {
		if a.Name == nil && a.Value != nil {
			if l := a.Value.Lit(); len(l) > 1 && l[0] == '-' && strings.IndexByte(l[1:], c) >= 0 {
				return true
			}
		}
	}
	return false
}

// declListing reports whether d names no variable: 'readonly', 'readonly -p'.
func declListing(d *syntax.DeclClause) bool {
	for _, a := range d.Args {
		if a.Name != nil || a.Value == nil || a.Value.Lit() != "-p" {
			return false
		}
	}
	return true
}

// prefixStmt makes st run pre first, in a group, and returns the statement that holds
// st's command and redirections now.
func prefixStmt(st *syntax.Stmt, pre ...*syntax.Stmt) *syntax.Stmt {
	inner := &syntax.Stmt{Position: st.Position, Cmd: st.Cmd, Redirs: st.Redirs}
	st.Redirs = nil
	st.Cmd = &syntax.Block{Lbrace: st.Position, Rbrace: st.Position, Stmts: append(pre, inner)}
	return inner
}

// roCheck is the statement that checks the names assigned a value in as, for builtin
// ("" for plain assignments).
func roCheck(pos syntax.Pos, builtin string, as []*syntax.Assign) *syntax.Stmt {
	name := lit(internalPrefix + "roCheck")
	name.Parts[0].(*syntax.Lit).ValuePos = pos // the line of its message
	args := []*syntax.Word{name, lit(builtin)}
	for _, a := range as {
		if a.Name != nil && !a.Naked {
			args = append(args, lit(a.Name.Value))
		}
	}
	return &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: args}}
}

// unexport is what 'export -n NAME...' becomes: NAME... added to unexportedVar.
func unexport(d *syntax.DeclClause) syntax.Command {
	src := unexportedVar + `="$` + unexportedVar
	for _, a := range d.Args {
		if a.Name != nil && syntax.ValidName(a.Name.Value) {
			src += " " + a.Name.Value
		}
	}
	return parseInternal(src + ` "`)[0].Cmd
}

// reexport is what precedes 'export NAME...': NAME... taken out of unexportedVar.
func reexport(d *syntax.DeclClause) []*syntax.Stmt {
	var out []*syntax.Stmt
	for _, a := range d.Args {
		if a.Name != nil && syntax.ValidName(a.Name.Value) {
			out = append(out, parseInternal(fmt.Sprintf(`%s="${%s// %s / }"`, unexportedVar, unexportedVar, a.Name.Value))...)
		}
	}
	return out
}

// parseInternal parses source the shell writes itself.
func parseInternal(src string) []*syntax.Stmt {
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil {
		panic(fmt.Sprintf("parsing the shell's own %q: %v", src, err))
	}
	return f.Stmts
}

// builtinROCheck stands for the check before an assignment (see ashReadOnly): args are
// the builtin that assigns ("" for none) and the names it assigns.
func builtinROCheck(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	for _, name := range args[2:] {
		if hc.Env.Get(name).ReadOnly {
			fmt.Fprintf(env.Stderr, "%s%s: is read only\n", s.where(hc, args[1]), name)
			if s.opts.Interactive {
				return exitError(2)
			}
			return hc.Builtin(ctx, []string{"exit", "2"})
		}
	}
	return nil
}

// builtinReadonlyList lists the read-only variables as ash does: readonly a='A'.
func builtinReadonlyList(_ context.Context, _ *Shell, hc interp.HandlerContext, env *tools.Env, _ []string) int {
	seen := map[string]expand.Variable{}
	hc.Env.Each(func(name string, vr expand.Variable) bool {
		seen[name] = vr
		return true
	})
	var lines []string
	for name, vr := range seen {
		if !vr.ReadOnly || name == "UID" || name == "EUID" || name == "GID" {
			continue // the interpreter's own, which ash does not have
		}
		if vr.IsSet() && vr.Kind == expand.String {
			lines = append(lines, "readonly "+name+"='"+strings.ReplaceAll(vr.Str, "'", `'"'"'`)+"'")
		} else {
			lines = append(lines, "readonly "+name)
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(env.Stdout, l)
	}
	return 0
}
