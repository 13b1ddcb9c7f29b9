package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// fdRedirects rewrites the redirections of and to descriptors above 2 in node for the
// shell's table of them (see fds.go); it reports whether there were any.
func fdRedirects(node syntax.Node) (changed bool) {
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok || len(st.Redirs) == 0 {
			return true
		}
		first := -1 // the first redirection of a descriptor above 2
		for i, rd := range st.Redirs {
			switch {
			case rd.N != nil && isHighFd(rd.N.Value):
				if first < 0 {
					first = i
				}
			case redirToFd(rd):
				changed = true
			}
		}
		if first < 0 {
			return true
		}
		changed = true
		pos := st.Pos()
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Assigns) == 0 && len(c.Args) == 1 && c.Args[0].Lit() == "exec" {
			// exec N>FILE ...: for good, each redirection in turn
			var stmts []*syntax.Stmt
			for _, rd := range st.Redirs {
				if rd.N != nil && isHighFd(rd.N.Value) {
					stmts = append(stmts, fdStmt(pos, rd, "fdExec"))
				} else {
					stmts = append(stmts, &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt("exec", pos)}}, Redirs: []*syntax.Redirect{rd}})
				}
			}
			st.Cmd, st.Redirs = &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: stmts}, nil
			return true
		}
		// CMD N>FILE: '{ fdPush ... && CMD; fdPop; }', the redirections before the first
		// of N applying to the whole (3>&1 after >FILE is a copy of that very file)
		tag := strconv.FormatInt(fdScopes.Add(1), 10)
		var stmts []*syntax.Stmt
		var low, between []*syntax.Redirect
		for _, rd := range st.Redirs[first:] {
			if rd.N == nil || !isHighFd(rd.N.Value) {
				low = append(low, rd)
				if rd.Op != syntax.Hdoc && rd.Op != syntax.DashHdoc && rd.Op != syntax.WordHdoc {
					between = append(between, rd)
				}
				continue
			}
			mode := "add"
			if len(stmts) == 0 {
				mode = "push"
			}
			fs := fdStmt(pos, rd, "fdPush", mode, tag)
			fs.Redirs = append(append([]*syntax.Redirect{}, between...), fs.Redirs...)
			stmts = append(stmts, fs)
		}
		chain := &syntax.Stmt{Position: pos, Cmd: st.Cmd, Redirs: low}
		for i := len(stmts) - 1; i >= 0; i-- {
			chain = &syntax.Stmt{Position: pos, Cmd: &syntax.BinaryCmd{OpPos: pos, Op: syntax.AndStmt, X: stmts[i], Y: chain}}
		}
		pop := &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(internalPrefix+"fdPop", pos), litAt(tag, pos)}}}
		st.Cmd, st.Redirs = &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: []*syntax.Stmt{chain, pop}}, st.Redirs[:first]
		return true
	})
	return changed
}

// fdScopes numbers the statements fdRedirects gives descriptors for their duration: fdPop
// ends the scope its fdPush started, not one around it when a redirection failed.
var fdScopes atomic.Int64

// redirToFd rewrites a redirection of descriptor 0, 1 or 2 to another that the
// interpreter does not know (>&N above 2, >&$fd, <&N) into one from or to a path of the
// open handler (fdPrefix + "N:LINE"). It leaves >&1, >&2, >&- and <&- to the interpreter.
func redirToFd(rd *syntax.Redirect) bool {
	if rd.Op != syntax.DplOut && rd.Op != syntax.DplIn {
		return false
	}
	switch w := rd.Word.Lit(); {
	case w == "-", rd.Op == syntax.DplOut && (w == "1" || w == "2"):
		return false
	}
	if (rd.N == nil && rd.Op == syntax.DplIn) || (rd.N != nil && rd.N.Value == "0") {
		rd.Op = syntax.RdrIn
	} else {
		rd.Op = syntax.AppOut
	}
	pos := rd.Word.Pos()
	parts := []syntax.WordPart{&syntax.Lit{ValuePos: pos, ValueEnd: pos, Value: fdPrefix}}
	parts = append(parts, rd.Word.Parts...)
	parts = append(parts, &syntax.Lit{ValuePos: pos, ValueEnd: pos, Value: ":" + strconv.Itoa(int(rd.Pos().Line()))})
	rd.Word = &syntax.Word{Parts: parts}
	return true
}

// fdStmt is the statement that opens descriptor rd.N as rd says: builtin (fdExec, or
// fdPush with its mode), N, and in or out with the redirection of its stdin or stdout, or
// dup WORD (WORD '-' closes).
func fdStmt(pos syntax.Pos, rd *syntax.Redirect, builtin ...string) *syntax.Stmt {
	args := []*syntax.Word{litAt(internalPrefix+builtin[0], pos)}
	for _, a := range builtin[1:] {
		args = append(args, litAt(a, pos))
	}
	args = append(args, litAt(rd.N.Value, pos))
	st := &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: args}}
	own := &syntax.Redirect{OpPos: rd.OpPos, Op: rd.Op, Word: rd.Word, Hdoc: rd.Hdoc}
	switch rd.Op {
	case syntax.DplOut, syntax.DplIn:
		args = append(args, litAt("dup", pos), rd.Word)
		own = nil
	case syntax.RdrOut, syntax.AppOut, syntax.ClbOut:
		args = append(args, litAt("out", pos))
	default: // <, <>, <<, <<-, <<<
		args = append(args, litAt("in", pos))
	}
	st.Cmd.(*syntax.CallExpr).Args = args
	if own != nil {
		st.Redirs = []*syntax.Redirect{own}
	}
	return st
}

// evalPrefix names the builtins of fdRedirects in the text evalHighFds gives eval.
const evalPrefix = "\x01ddebug:eval:"

// evalHighFds is the string of 'eval ARGS' with the redirections of descriptors above 2
// rewritten (see fdRedirects), which the interpreter's eval would stop at; ok is false
// when there are none (or it does not parse: eval then says why).
func evalHighFds(args []string) (src string, ok bool) {
	src = strings.Join(args, " ")
	if !strings.ContainsAny(src, "<>") {
		return "", false
	}
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil || !fdRedirects(f) {
		return "", false
	}
	// the parser drops NUL bytes: the builtins of fdRedirects are named by evalPrefix
	syntax.Walk(f, func(n syntax.Node) bool {
		if l, ok := n.(*syntax.Lit); ok {
			if name, ok := strings.CutPrefix(l.Value, internalPrefix); ok {
				l.Value = evalPrefix + name
			}
		}
		return true
	})
	var b strings.Builder
	if syntax.NewPrinter().Print(&b, f) != nil {
		return "", false
	}
	return b.String(), true
}

func isHighFd(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 2 && s[0] != '-' && s[0] != '+'
}

// redirPrefix starts the path of a file redirection, which markRedirects prefixes with
// what the open handler needs: redirPrefix + FLAGS + ":" + LINE + ":" + the path, FLAGS
// holding 'w' for '<>' (read and write, no truncation) and 's' for a redirection of a
// special builtin (its failure ends a non-interactive shell, as in ash).
const redirPrefix = "\x01ddebug:rd:"

// markRedirects prefixes the words of the file redirections in node with redirPrefix,
// the line and flags, and rewrites the operators the interpreter lacks: '<>' becomes '<'
// or '>' with the 'w' flag, '>|' becomes '>'. A statement of a special builtin with
// redirections (exec >FILE, : <FILE, eval ... >FILE) is followed by a check that ends a
// non-interactive shell when one of them failed.
func markRedirects(node syntax.Node, interactive bool) {
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok || len(st.Redirs) == 0 {
			return true
		}
		if st.Cmd == nil {
			return true // '$(<FILE)' is the interpreter's, which looks for '<' and a plain word
		}
		special := false
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 && !interactive && !st.Background && !st.Negated && !st.Coprocess && !st.Disown {
			special = isSpecialBuiltin(c.Args[0].Lit())
		}
		marked := false
		for _, rd := range st.Redirs {
			flags := ""
			switch rd.Op {
			case syntax.RdrInOut:
				flags = "w"
				if rd.N == nil || rd.N.Value == "0" {
					rd.Op = syntax.RdrIn
				} else {
					rd.Op = syntax.RdrOut
				}
			case syntax.ClbOut:
				rd.Op = syntax.RdrOut
			case syntax.RdrOut, syntax.AppOut, syntax.RdrIn, syntax.RdrAll, syntax.AppAll:
			default:
				continue
			}
			if special {
				flags += "s"
			}
			if markWord(rd.Word, flags, rd.Pos().Line()) && special {
				marked = true
			}
		}
		if marked {
			inner := *st
			*st = syntax.Stmt{Position: st.Position, Cmd: &syntax.BinaryCmd{
				Op: syntax.OrStmt, OpPos: st.Position, X: &inner,
				Y: &syntax.Stmt{Position: st.Position, Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(internalPrefix + "redirFailed")}}},
			}}
			return false
		}
		return true
	})
}

// markWord prefixes w with redirPrefix, flags and line; not a word that starts with '~'
// (the prefix would stop its tilde expansion) nor one marked already.
func markWord(w *syntax.Word, flags string, line uint) bool {
	if len(w.Parts) > 0 {
		if l, ok := w.Parts[0].(*syntax.Lit); ok && (strings.HasPrefix(l.Value, "~") || strings.HasPrefix(l.Value, redirPrefix) || strings.HasPrefix(l.Value, fdPrefix)) {
			return false
		}
	}
	w.Parts = append([]syntax.WordPart{&syntax.Lit{ValuePos: w.Pos(), ValueEnd: w.Pos(), Value: redirPrefix + flags + ":" + strconv.FormatUint(uint64(line), 10) + ":"}}, w.Parts...)
	return true
}

// isSpecialBuiltin reports whether name is one of POSIX's special builtins, whose
// redirection errors end a non-interactive shell.
func isSpecialBuiltin(name string) bool {
	switch name {
	case internalPrefix + "fdExec": // exec N>FILE
		return true
	case ":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset":
		return true
	}
	return false
}

// builtinRedirFailed follows a special builtin with redirections: it ends the shell with
// status 1 when one of them could not be opened, and else keeps the builtin's status.
func builtinRedirFailed(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, _ []string) error {
	if s.specialRedirFailed.Swap(false) {
		return hc.Builtin(context.Background(), []string{"exit", "1"})
	}
	return exitError(hc.LastExitStatus)
}

// errBadFd is EBADF as the C library words it.
var errBadFd = errors.New("Bad file descriptor")

// open is the interpreter's open handler: the default one, but a redirection to a
// descriptor is the shell's (fds.go), and a failure is worded as in ash.
func (s *Shell) open(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if rest, ok := strings.CutPrefix(path, fdPrefix); ok {
		return s.openFd(ctx, rest)
	}
	rest, marked := strings.CutPrefix(path, redirPrefix)
	if !marked {
		if flag == os.O_RDONLY && s.sourcing.takeReading(runnerID(interp.HandlerCtx(ctx))) {
			return openSourced(ctx, path)
		}
		return interp.DefaultOpenHandler()(ctx, path, flag, perm)
	}
	flags, rest, _ := strings.Cut(rest, ":")
	line, path, _ := strings.Cut(rest, ":")
	if strings.Contains(flags, "w") {
		flag = os.O_RDWR | os.O_CREATE
	}
	f, err := interp.DefaultOpenHandler()(ctx, path, flag, perm)
	if err == nil {
		return f, nil
	}
	if strings.Contains(flags, "s") {
		s.specialRedirFailed.Store(true)
	}
	// ash's words: "can't create FILE: nonexistent directory", "can't open FILE: no such file"
	n, _ := strconv.Atoi(line)
	op, why := "can't open", "no such file"
	if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		op, why = "can't create", "nonexistent directory"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) && errno != syscall.ENOENT && errno != syscall.ENOTDIR {
		why = strerror(errno)
	}
	return nil, &os.PathError{Op: s.whereLine(n) + op, Path: path, Err: errors.New(why)}
}

// whereLine is Shell.where for a line of the script.
func (s *Shell) whereLine(line int) string {
	if s.opts.Interactive {
		return "sh: "
	}
	if s.opts.CommandString && line > 0 {
		line--
	}
	return fmt.Sprintf("%s: line %d: ", s.opts.Name, line)
}
