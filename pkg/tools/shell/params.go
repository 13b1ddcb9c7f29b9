package shell

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// parseScript parses src as the shell does: mvdan.cc/sh's parser, on a source repaired
// where ash accepts what the parser does not, then ash's checks on parameter expansions
// that the parser accepts and ash does not.
func parseScript(src, name string) (*syntax.File, error) {
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
	}
	return "", false
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
	if l, ok := strings.CutPrefix(name, linenoPrefix); ok {
		n, _ := strconv.Atoi(l)
		return expand.Variable{Set: true, Kind: expand.String, Str: fmt.Sprint(max(n-1, 0))}, true
	}
	if target, ok := s.errParams.Load(name); ok {
		return expand.Variable{Kind: expand.NameRef, Str: target.(string)}, true
	}
	return expand.Variable{}, false
}
