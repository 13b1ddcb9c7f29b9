package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// ashAltValues gives an unquoted ${x:+WORD}, ${x+WORD}, ${x:-WORD} or ${x-WORD} in a
// command's words the fields ash gives it when WORD holds quotes or an escaped character:
// WORD's own, a quoted part staying one field ('b c' d is two fields, an empty quoted
// string an empty field, 't*' and t\* not globbed). The interpreter expands WORD to
// one string (expand.Literal, expand/param.go) that it then splits and globs as a whole.
// Such a command becomes
//
//	if [[ -n ${x:+set} ]]; then CMD with WORD's words; else CMD without them; fi
//
// (${x-W} tests ${x+set}; its then-branch has $x, its else-branch WORD's words). WORD's
// unquoted blanks separate words, as IFS's default would; a command that reads $? keeps
// the interpreter's expansion (the test would change it), and at most 3 such expansions
// of a command are rewritten.
func ashAltValues(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		if call, ok := st.Cmd.(*syntax.CallExpr); ok && !readsStatus(call) {
			if cmd := altValueCmd(call, 3); cmd != call {
				st.Cmd = cmd
				return false // its branches are rewritten already
			}
		}
		return true
	})
}

// readsStatus reports whether call expands $?.
func readsStatus(call *syntax.CallExpr) bool {
	found := false
	syntax.Walk(call, func(n syntax.Node) bool {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && pe.Param.Value == "?" {
			found = true
		}
		return !found
	})
	return found
}

// altValueCmd rewrites the first such expansion of call (see ashAltValues), then those of
// each branch, up to depth of them.
func altValueCmd(call *syntax.CallExpr, depth int) syntax.Command {
	if depth == 0 {
		return call
	}
	for i, w := range call.Args {
		for j, p := range w.Parts {
			pe, ok := p.(*syntax.ParamExp)
			if !ok || !quotedAltValue(pe) {
				continue
			}
			cond := "+"
			if pe.Exp.Op == syntax.AlternateUnsetOrNull || pe.Exp.Op == syntax.DefaultUnsetOrNull {
				cond = ":+"
			}
			set := []syntax.WordPart{&syntax.ParamExp{Dollar: pe.Dollar, Rbrace: pe.Rbrace, Param: pe.Param}}
			var unset []syntax.WordPart
			word := pe.Exp.Word.Parts
			if pe.Exp.Op == syntax.AlternateUnset || pe.Exp.Op == syntax.AlternateUnsetOrNull {
				set = word
			} else {
				unset = word
			}
			then := spliceArgs(call, i, j, set)
			els := spliceArgs(call, i, j, unset)
			test := &syntax.TestClause{Left: pe.Pos(), Right: pe.Pos(), X: &syntax.UnaryTest{OpPos: pe.Pos(), Op: syntax.TsNempStr,
				X: &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Left: pe.Pos(), Right: pe.Pos(), Parts: []syntax.WordPart{
					&syntax.ParamExp{Dollar: pe.Dollar, Rbrace: pe.Rbrace, Param: pe.Param,
						Exp: &syntax.Expansion{Op: altOp(cond), Word: lit("set")}},
				}}}}}}
			pos := call.Pos()
			return &syntax.IfClause{Position: pos, ThenPos: pos, FiPos: pos,
				Cond: []*syntax.Stmt{{Position: pos, Cmd: test}},
				Then: []*syntax.Stmt{{Position: pos, Cmd: altValueCmd(then, depth-1)}},
				Else: &syntax.IfClause{Position: pos, ThenPos: pos, FiPos: pos,
					Then: []*syntax.Stmt{{Position: pos, Cmd: altValueCmd(els, depth-1)}}},
			}
		}
	}
	return call
}

func altOp(cond string) syntax.ParExpOperator {
	if cond == ":+" {
		return syntax.AlternateUnsetOrNull
	}
	return syntax.AlternateUnset
}

// quotedAltValue reports whether pe is ${x:+W}, ${x+W}, ${x:-W} or ${x-W} of a plain
// parameter with a quoted part or an escaped character in W.
func quotedAltValue(pe *syntax.ParamExp) bool {
	if pe.Param == nil || pe.Exp == nil || pe.Exp.Word == nil || pe.Excl || pe.Length || pe.Width ||
		pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 {
		return false
	}
	switch pe.Exp.Op {
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull, syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
	default:
		return false
	}
	if v := pe.Param.Value; v == "@" || v == "*" || v == "?" {
		return false
	}
	for _, p := range pe.Exp.Word.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, `\`) {
				return true // an escaped character is quoted too
			}
		}
	}
	return false
}

// spliceArgs is a copy of call whose word i has its part j replaced by parts, unquoted
// blanks of their literals separating words; a word left with no part is dropped.
func spliceArgs(call *syntax.CallExpr, i, j int, parts []syntax.WordPart) *syntax.CallExpr {
	w := call.Args[i]
	var words []*syntax.Word
	cur := append([]syntax.WordPart{}, w.Parts[:j]...)
	for _, p := range parts {
		l, ok := p.(*syntax.Lit)
		if !ok || !strings.ContainsAny(l.Value, " \t\n") {
			cur = append(cur, p)
			continue
		}
		pieces := strings.FieldsFunc(l.Value, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
		starts := strings.IndexAny(l.Value[:1], " \t\n") == 0
		ends := strings.ContainsAny(l.Value[len(l.Value)-1:], " \t\n")
		for k, piece := range pieces {
			if k > 0 || starts {
				words = appendWord(words, cur)
				cur = nil
			}
			cur = append(cur, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: piece})
		}
		if ends || len(pieces) == 0 {
			words = appendWord(words, cur)
			cur = nil
		}
	}
	cur = append(cur, w.Parts[j+1:]...)
	words = appendWord(words, cur)
	args := append(append(append([]*syntax.Word{}, call.Args[:i]...), words...), call.Args[i+1:]...)
	if len(args) == 0 && len(call.Assigns) == 0 {
		args = []*syntax.Word{lit(":")} // no command: status 0, as in ash
	}
	return &syntax.CallExpr{Assigns: call.Assigns, Args: args}
}

func appendWord(words []*syntax.Word, parts []syntax.WordPart) []*syntax.Word {
	if len(parts) == 0 {
		return words
	}
	return append(words, &syntax.Word{Parts: parts})
}
