package shell

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// checkEval is what ash reports before 'eval STRING' runs and the interpreter does not (it
// parses and runs STRING in its own eval builtin, interp/builtin.go): a syntax error
// ("eval: line N: syntax error: ...") and a first command that assigns a read-only
// variable ("eval: line N: NAME: is read only"). Either is an error of a special builtin,
// which ends a non-interactive shell with status 2; after 'command' (args[0]), eval only
// fails with 2. It returns the command to run instead, or false when eval may run.
func (s *Shell) checkEval(ctx context.Context, args []string) ([]string, bool) {
	special := args[0] == "eval"
	if !special {
		args = args[1:]
	}
	hc := interp.HandlerCtx(ctx)
	var msg string
	prog, err := parseScript(strings.Join(args[1:], " "), "")
	if err != nil {
		text, _, ok := syntaxMessage(err)
		if !ok {
			return nil, false
		}
		msg = "syntax error: " + text
	} else if name := readOnlyAssign(prog, hc.Env); name != "" {
		msg = name + ": is read only"
	} else {
		return nil, false
	}
	fmt.Fprintln(hc.Stderr, s.where(hc, "eval")+msg)
	if special && !s.opts.Interactive {
		return []string{"exit", "2"}, true
	}
	return []string{"eval", "(exit 2)"}, true
}

// readOnlyAssign is the read-only variable that the first command of prog assigns
// (NAME=value, alone or before a command), or "".
func readOnlyAssign(prog *syntax.File, env expand.Environ) string {
	if len(prog.Stmts) == 0 {
		return ""
	}
	call, ok := prog.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok {
		return ""
	}
	for _, as := range call.Assigns {
		if as.Name != nil && env.Get(as.Name.Value).ReadOnly {
			return as.Name.Value
		}
	}
	return ""
}

// lexEval gives 'eval STRING' (or 'command eval STRING') the string as ash lexes it
// (ashLexing): the interpreter's eval parses it as it is.
func lexEval(args []string) []string {
	i := 1
	if args[0] == "command" {
		i = 2
	}
	src := strings.Join(args[i:], " ")
	lexed, _ := ashLexing(src)
	if lexed == src {
		return args
	}
	return append(slices.Clip(args[:i]), lexed)
}
