package shell

import (
	"errors"
	"fmt"
	osuser "os/user"
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Parameter expansions where ash and the interpreter differ, bridged around it: the
// parser sees a repaired source, the interpreter a rewritten tree, and variables the
// shell names itself (never a name a user can assign) resolve through shellEnviron.Get.

// argcVar stands for $# where ash reads "${##1}" as $# less a prefix: mvdan's parser
// takes "${##" as the length of $# (syntax/parser.go, paramExp) and rejects the rest.
const argcVar = "DDEBUG_ARGC_"

// linenoPrefix+N stands for $LINENO at line N of a -c string, which ash counts from 0
// (the interpreter computes LINENO itself from the expansion's position: expand/param.go).
const linenoPrefix = internalPrefix + "lineno:"

// parseScript parses src as the shell does: mvdan.cc/sh's parser, on a source lexed as
// ash lexes it (ashLexing: backslash-newlines, here-document delimiters; a backslash-newline
// at the very end is an incomplete input) and repaired where ash accepts what the parser
// does not, then ash's checks on parameter expansions that the parser accepts and ash
// does not.
func parseScript(src, name string) (*syntax.File, error) {
	src, continued := ashLexing(src)
	if continued {
		return nil, syntax.ParseError{Filename: name, Text: "backslash-newline at the end of the input", Incomplete: true}
	}
	for range 64 { // each repair removes one error; a bound in case one does not
		prog, err := syntax.NewParser().Parse(strings.NewReader(src), name)
		if err == nil {
			return prog, badSubstitution(prog)
		}
		fixed, ok := repairSource(src, err)
		if !ok {
			return nil, err
		}
		src = fixed
	}
	return nil, errors.New("too many syntax errors")
}

// repairSource rewrites the part of src that err points at into something the parser
// reads as ash does, or reports false when err is not one it knows.
func repairSource(src string, err error) (string, bool) {
	var le syntax.LangError
	if errors.As(err, &le) && le.Feature == "multi-name functions" && le.Pos.IsValid() {
		// "function f for ...; done": ash's function body is any compound command, which
		// the parser takes for more names unless "()" follows the name
		return functionParens(src, int(le.Pos.Offset()))
	}
	var pe syntax.ParseError
	if !errors.As(err, &pe) || !pe.Pos.IsValid() {
		return "", false
	}
	off := int(pe.Pos.Offset())
	if off > len(src) {
		return "", false
	}
	switch {
	case pe.Text == "cannot combine multiple parameter expansion operators" && strings.HasSuffix(src[:off], "${##"):
		// "${##x}": $# less the prefix x
		return src[:off-4] + "${" + argcVar + "#" + src[off:], true
	case pe.Text == "`:` must be followed by an expression" && strings.HasPrefix(src[off:], ":}"):
		// "${v:1:}", "${v::}": an empty length is 0 (an empty offset, "${v:}", is an error)
		open := strings.LastIndex(src[:off], "${")
		if open < 0 || !strings.Contains(src[open:off], ":") {
			return "", false
		}
		return src[:off+1] + "0" + src[off+1:], true
	case (pe.Text == "`++` must follow a name" || pe.Text == "`--` must follow a name") &&
		(strings.HasPrefix(src[off:], "++") || strings.HasPrefix(src[off:], "--")):
		// "$((0++1))", "$(((a)+++3))": with no name before them, ash reads each sign on
		// its own ("0 + +1", "(a) + + + 3")
		run := len(src[off:]) - len(strings.TrimLeft(src[off:], src[off:off+1]))
		return src[:off] + strings.Join(strings.Split(src[off:off+run], ""), " ") + src[off+run:], true
	}
	return "", false
}

// functionParens adds "()" after the name of the "function NAME" at src[off:].
func functionParens(src string, off int) (string, bool) {
	rest, ok := strings.CutPrefix(src[off:], "function")
	if !ok {
		return "", false
	}
	name := strings.TrimLeft(rest, " \t")
	end := strings.IndexAny(name, " \t\n;&|<>(){}")
	if end <= 0 || strings.HasPrefix(name[end:], "(") {
		return "", false
	}
	at := len(src) - len(name) + end
	return src[:at] + "()" + src[at:], true
}

// badSubstitution reports the expansions ash rejects that the parser accepts: "${#+}" and
// "${#=}" (ash reads "${#" as a length and "+" or "=" as no parameter name).
func badSubstitution(prog *syntax.File) error {
	var err error
	syntax.Walk(prog, func(n syntax.Node) bool {
		pe, ok := n.(*syntax.ParamExp)
		if !ok || err != nil {
			return err == nil
		}
		if pe.Param != nil && pe.Param.Value == "#" && !pe.Length && pe.Exp != nil &&
			(pe.Exp.Op == syntax.AlternateUnset || pe.Exp.Op == syntax.AssignUnset) &&
			(pe.Exp.Word == nil || len(pe.Exp.Word.Parts) == 0) {
			err = syntax.ParseError{Pos: pe.Pos(), Text: "bad substitution"}
		}
		return true
	})
	return err
}

// rewriteParams adapts parameter expansions to ash's messages and values:
//   - ${v?word} and ${v:?word} say "$0: line N: v: word", or "v: parameter not set" (or
//     "... not set or null") with no word; the interpreter prints "v: word" (expand/param.go,
//     UnsetParameterError), so the parameter's name becomes the whole prefix, a variable
//     that shellEnviron.Get resolves as a reference to v;
//   - ${1=word} and ${1:=word} fail with "1: bad variable name" when they would assign;
//   - $LINENO in a -c string counts from 0.
func (s *Shell) rewriteParams(node syntax.Node) {
	unquoteValues(node)
	ashExpansions(node)
	syntax.Walk(node, func(n syntax.Node) bool {
		pe, ok := n.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Length || pe.Excl || pe.Index != nil {
			return true
		}
		name := pe.Param.Value
		if name == "LINENO" && pe.Exp == nil && pe.Repl == nil && pe.Slice == nil && s.opts.CommandString && !s.opts.Interactive {
			pe.Param = &syntax.Lit{ValuePos: pe.Param.ValuePos, ValueEnd: pe.Param.ValueEnd,
				Value: linenoPrefix + strconv.Itoa(int(pe.Pos().Line()))}
			return true
		}
		if pe.Exp == nil || name == "@" || name == "*" {
			return true
		}
		var msg string
		switch pe.Exp.Op {
		case syntax.ErrorUnset:
			msg = "parameter not set"
		case syntax.ErrorUnsetOrNull:
			msg = "parameter not set or null"
		case syntax.AssignUnset, syntax.AssignUnsetOrNull:
			if _, err := strconv.Atoi(name); err != nil {
				return true
			}
			// the same test as ${1?}, which ends the shell with the message
			if pe.Exp.Op == syntax.AssignUnset {
				pe.Exp.Op = syntax.ErrorUnset
			} else {
				pe.Exp.Op = syntax.ErrorUnsetOrNull
			}
			pe.Exp.Word = nil
			msg = "bad variable name"
		default:
			return true
		}
		if pe.Exp.Word == nil || len(pe.Exp.Word.Parts) == 0 {
			pe.Exp.Word = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: msg}}}
		}
		shown := s.whereLine(int(pe.Pos().Line())) + name
		s.errParams.Store(shown, name)
		pe.Param = &syntax.Lit{ValuePos: pe.Param.ValuePos, ValueEnd: pe.Param.ValueEnd, Value: shown}
		return true
	})
}

// paramVar is the value of a variable that rewriteParams or repairSource named, and
// false for any other name.
func (s *Shell) paramVar(name string) (expand.Variable, bool) {
	if name == argcVar {
		return expand.Variable{Kind: expand.NameRef, Str: "#"}, true
	}
	if user, ok := strings.CutPrefix(name, tildePrefix); ok {
		return homeVar(user), true
	}
	if l, ok := strings.CutPrefix(name, linenoPrefix); ok {
		n, _ := strconv.Atoi(l)
		return expand.Variable{Set: true, Kind: expand.String, Str: fmt.Sprint(max(n-1, 0))}, true
	}
	if target, ok := s.errParams.Load(name); ok {
		return expand.Variable{Kind: expand.NameRef, Str: target.(string)}, true
	}
	return expand.Variable{}, false
}

// The interpreter expands a word that is a value rather than a list of fields (an
// assignment's value, the word of ${v:-word}, the replacement of ${v/pat/repl}) with
// expand.Literal, which keeps unquoted backslashes ("b=x\\y" gives x\\y: expand/expand.go,
// wordField), expands a tilde in double quotes ("${v:-~}") and only at the start of an
// assignment (not after its colons). unquoteValues rewrites those words so that the
// interpreter sees what ash sees: each escaped character single-quoted, and a tilde prefix
// a variable that shellEnviron.Get resolves to the home directory.
func unquoteValues(node syntax.Node) {
	inDouble := map[*syntax.ParamExp]bool{}
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.DblQuoted:
			for _, p := range n.Parts {
				if pe, ok := p.(*syntax.ParamExp); ok {
					inDouble[pe] = true
				}
			}
		case *syntax.Assign:
			if n.Value != nil && n.Array == nil && n.Index == nil {
				n.Value.Parts = unescapeLits(tildePrefixes(n.Value.Parts), anyByte)
			}
		case *syntax.ParamExp:
			if n.Repl != nil && n.Repl.With != nil {
				n.Repl.With.Parts = unescapeLits(n.Repl.With.Parts, anyByte)
			}
			if n.Exp == nil || n.Exp.Word == nil {
				break
			}
			switch n.Exp.Op {
			case syntax.AlternateUnset, syntax.AlternateUnsetOrNull, syntax.DefaultUnset, syntax.DefaultUnsetOrNull,
				syntax.ErrorUnset, syntax.ErrorUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull:
			default:
				return true // a pattern: its backslashes are the pattern's
			}
			w := n.Exp.Word
			if inDouble[n] {
				w.Parts = unescapeLits(w.Parts, func(c byte) bool { return strings.IndexByte("\\$`\"}", c) >= 0 })
				if l, ok := firstLit(w.Parts); ok && strings.HasPrefix(l.Value, "~") {
					w.Parts = append([]syntax.WordPart{sglQuoted(l.Pos(), "~"), &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: l.Value[1:]}}, w.Parts[1:]...)
				}
			} else {
				// a glob character stays escaped: the value is a pattern for pathname expansion
				w.Parts = unescapeLits(w.Parts, func(c byte) bool { return strings.IndexByte("*?[", c) < 0 })
			}
		}
		return true
	})
}

func anyByte(byte) bool { return true }

func firstLit(parts []syntax.WordPart) (*syntax.Lit, bool) {
	if len(parts) == 0 {
		return nil, false
	}
	l, ok := parts[0].(*syntax.Lit)
	return l, ok
}

func sglQuoted(pos syntax.Pos, s string) *syntax.SglQuoted {
	return &syntax.SglQuoted{Left: pos, Right: pos, Value: s}
}

// unescapeLits splits each literal part at its backslashes: "\c" becomes 'c' when escapes(c).
func unescapeLits(parts []syntax.WordPart, escapes func(byte) bool) []syntax.WordPart {
	var out []syntax.WordPart
	for _, p := range parts {
		l, ok := p.(*syntax.Lit)
		if !ok || !strings.Contains(l.Value, `\`) {
			out = append(out, p)
			continue
		}
		s, start := l.Value, 0
		for i := 0; i+1 < len(s); i++ {
			if s[i] != '\\' || !escapes(s[i+1]) {
				continue
			}
			if i > start {
				out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: s[start:i]})
			}
			_, size := utf8.DecodeRuneInString(s[i+1:])
			out = append(out, sglQuoted(l.Pos(), s[i+1:i+1+size]))
			start = i + 1 + size
			i = start - 1
		}
		if start < len(s) {
			out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: s[start:]})
		}
	}
	return out
}

// tildePrefixes expands the tilde prefixes of an assignment's value, at its start and
// after each unquoted colon: "~" becomes $HOME, "~USER" a variable that shellEnviron.Get
// resolves to USER's home directory.
func tildePrefixes(parts []syntax.WordPart) []syntax.WordPart {
	var out []syntax.WordPart
	for i, p := range parts {
		l, ok := p.(*syntax.Lit)
		if !ok || !strings.Contains(l.Value, "~") {
			out = append(out, p)
			continue
		}
		s := l.Value
		atStart := i == 0
		for s != "" {
			seg, rest, colon := strings.Cut(s, ":")
			if name, ok := strings.CutPrefix(seg, "~"); ok && atStart {
				user, tail, slash := strings.Cut(name, "/")
				// "~user" ends at a slash, a colon or the end of the word ("~$x" is no prefix)
				if (slash || colon || i == len(parts)-1) && !strings.Contains(user, `\`) {
					param := "HOME" // the current value, which only the interpreter knows
					if user != "" {
						param = tildePrefix + user
					}
					out = append(out, &syntax.ParamExp{Dollar: l.ValuePos, Rbrace: l.ValuePos,
						Param: &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: param}})
					seg = ""
					if slash {
						seg = "/" + tail
					}
				}
			}
			if colon {
				seg += ":"
			}
			if seg != "" {
				out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: seg})
			}
			s, atStart = rest, colon
		}
	}
	return out
}

// tildePrefix+USER names USER's home directory, for tildePrefixes.
const tildePrefix = internalPrefix + "home:"

// homeVar is the value of tildePrefix+user: "~user" as it was for an unknown user.
func homeVar(user string) expand.Variable {
	home := "~" + user
	if u, err := osuser.Lookup(user); err == nil {
		home = u.HomeDir
	}
	return expand.Variable{Set: true, Kind: expand.String, Str: home}
}

// ashExpansions rewrites the expansions where the interpreter's result differs from ash's:
//   - ${v/*/r} of an unset v is empty (the interpreter matches "*" against ""): such a
//     replacement becomes ${v+${v/*/r}};
//   - ${v///p/r} and ${v////r} replace a pattern that starts with "/" (the parser takes the
//     slash for the separator and the pattern for empty);
//   - v=$@ and v="$@" join the parameters as $* does, with IFS's first character;
//   - 'VAR=x exec >file': exec, a special builtin, keeps VAR (as POSIX says), assigned
//     after the redirections as in ash.
func ashExpansions(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Repl == nil || n.Param == nil || n.Index != nil || n.Excl || n.Length {
				break
			}
			if (n.Repl.Orig == nil || len(n.Repl.Orig.Parts) == 0) && n.Repl.With != nil {
				n.Repl.Orig, n.Repl.With = slashPattern(n.Repl.With)
			}
			if n.Repl.Orig == nil {
				break
			}
			if pat := strings.TrimLeft(n.Repl.Orig.Lit(), "#%"); pat != "" && strings.Trim(pat, "*") == "" && n.Param.Value != "@" && n.Param.Value != "*" {
				inner := *n
				*n = syntax.ParamExp{Dollar: n.Dollar, Rbrace: n.Rbrace, Param: n.Param,
					Exp: &syntax.Expansion{Op: syntax.AlternateUnset, Word: &syntax.Word{Parts: []syntax.WordPart{&inner}}}}
				return false
			}
		case *syntax.Assign:
			if n.Value != nil && n.Array == nil {
				joinAtParams(n.Value.Parts)
			}
		case *syntax.Stmt:
			call, ok := n.Cmd.(*syntax.CallExpr)
			if ok && len(call.Assigns) > 0 && len(call.Args) == 1 && call.Args[0].Lit() == "exec" {
				// the redirections first: when one fails, the shell ends before the
				// assignments are expanded (v=`cmd` exec >/bad/file does not run cmd)
				n.Cmd = &syntax.Block{Lbrace: call.Pos(), Rbrace: call.End(), Stmts: []*syntax.Stmt{
					{Position: call.Args[0].Pos(), Cmd: &syntax.CallExpr{Args: call.Args}, Redirs: n.Redirs},
					{Position: call.Pos(), Cmd: &syntax.CallExpr{Assigns: call.Assigns}},
				}}
				n.Redirs = nil
			}
		}
		return true
	})
}

// slashPattern splits what the parser read as the replacement of ${v//} into ash's pattern
// ("/" and what follows up to the next slash) and replacement.
func slashPattern(with *syntax.Word) (*syntax.Word, *syntax.Word) {
	orig := &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: with.Pos(), ValueEnd: with.Pos(), Value: "/"}}}
	for i, p := range with.Parts {
		l, ok := p.(*syntax.Lit)
		if !ok {
			continue
		}
		before, after, found := strings.Cut(l.Value, "/")
		if !found {
			continue
		}
		orig.Parts = append(orig.Parts, with.Parts[:i]...)
		orig.Parts = append(orig.Parts, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: before})
		rest := append([]syntax.WordPart{&syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: after}}, with.Parts[i+1:]...)
		return orig, &syntax.Word{Parts: rest}
	}
	orig.Parts = append(orig.Parts, with.Parts...)
	return orig, nil
}

// joinAtParams makes each plain $@ of an assignment's value (quoted or not) a $*.
func joinAtParams(parts []syntax.WordPart) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			joinAtParams(p.Parts)
		case *syntax.ParamExp:
			if p.Param != nil && p.Param.Value == "@" && p.Exp == nil && p.Repl == nil && p.Slice == nil && !p.Length && p.Index == nil {
				p.Param = &syntax.Lit{ValuePos: p.Param.ValuePos, ValueEnd: p.Param.ValueEnd, Value: "*"}
			}
		}
	}
}

// unsetError is what ash says of an unset it refuses ("illegal option -m", "-: bad
// variable name", "v: is read only"), or "" when the interpreter's unset may run: it
// reports neither a bad option nor a bad name, and a read-only variable with its own words.
func unsetError(env expand.Environ, args []string) string {
	funcs := false
	names := args[1:]
	for len(names) > 0 && strings.HasPrefix(names[0], "-") && names[0] != "-" {
		opt := names[0]
		names = names[1:]
		if opt == "--" {
			break
		}
		for _, c := range opt[1:] {
			switch c {
			case 'f':
				funcs = true
			case 'v':
				funcs = false
			default:
				return fmt.Sprintf("illegal option -%c", c)
			}
		}
	}
	if funcs {
		return ""
	}
	for _, n := range names {
		if !syntax.ValidName(n) {
			return n + ": bad variable name"
		}
		if env.Get(n).ReadOnly {
			return n + ": is read only"
		}
	}
	return ""
}
