package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// The interpreter knows file descriptors 0, 1 and 2 only: 'cmd >&9' and 'exec 9>&-' stop
// the script with "unhandled >& arg". The shell rewrites such redirections before they
// run: 'N>&M', 'N>&-' and 'N>FILE' on descriptors above 2 are dropped (a '>&N' in the
// same command then becomes '>&M', or '>>FILE'), and a '>&N' left over is a descriptor
// that is not open, reported as ash does ("N: Bad file descriptor") by the open handler.
// What the shell runs from PATH does not get these descriptors.

// badFdPrefix marks the path of a redirection to a descriptor that is not open:
// badFdPrefix + "N:LINE".
const badFdPrefix = "\x01ddebug:badfd:" // not NUL: the expansion of a redirection word ends there

// highFdRedirects rewrites the redirections to and of descriptors above 2 in node; it
// reports whether there were any.
func highFdRedirects(node syntax.Node) (changed bool) {
	var walk func(n syntax.Node, alias map[string]fdAlias)
	walk = func(n syntax.Node, alias map[string]fdAlias) {
		syntax.Walk(n, func(n syntax.Node) bool {
			st, ok := n.(*syntax.Stmt)
			if !ok {
				return true
			}
			local := alias
			var keep []*syntax.Redirect
			for _, rd := range st.Redirs {
				if rd.N == nil || !isHighFd(rd.N.Value) {
					keep = append(keep, rd)
					continue
				}
				switch rd.Op {
				case syntax.DplOut, syntax.DplIn:
					// N>&M, N>&-: dropped; M from 0 to 2 stands for N in this command
					if m := rd.Word.Lit(); m == "0" || m == "1" || m == "2" {
						local = copyAlias(local)
						local[rd.N.Value] = fdAlias{dup: m}
					}
				case syntax.RdrOut, syntax.AppOut, syntax.RdrIn, syntax.ClbOut:
					// N>FILE: dropped; a >&N in this command writes to FILE
					local = copyAlias(local)
					local[rd.N.Value] = fdAlias{file: rd.Word}
				default:
					keep = append(keep, rd)
				}
			}
			changed = changed || len(keep) != len(st.Redirs)
			st.Redirs = keep
			for _, rd := range st.Redirs {
				if rd.N != nil || (rd.Op != syntax.DplOut && rd.Op != syntax.DplIn) {
					continue
				}
				if w := rd.Word.Lit(); isHighFd(w) {
					changed = true
					if a, ok := local[w]; ok {
						switch {
						case a.file == nil:
							rd.Word = lit(a.dup)
						case rd.Op == syntax.DplOut:
							rd.Op, rd.Word = syntax.AppOut, a.file
						default:
							rd.Op, rd.Word = syntax.RdrIn, a.file
						}
						continue
					}
					if rd.Op == syntax.DplOut {
						rd.Op = syntax.AppOut
					} else {
						rd.Op = syntax.RdrIn
					}
					rd.Word = lit(badFdPrefix + w + ":" + strconv.Itoa(int(rd.Pos().Line())))
				}
			}
			if st.Cmd != nil {
				walk(st.Cmd, local)
			}
			return false
		})
	}
	walk(node, nil)
	return changed
}

// evalHighFds is the string of 'eval ARGS' with the redirections of descriptors above 2
// rewritten (see highFdRedirects), which the interpreter's eval would stop at; ok is
// false when there are none (or it does not parse: eval then says why).
func evalHighFds(args []string) (src string, ok bool) {
	src = strings.Join(args, " ")
	if !strings.ContainsAny(src, "<>") {
		return "", false
	}
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil || !highFdRedirects(f) {
		return "", false
	}
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

// fdAlias is what a descriptor above 2 stands for in a command: another one (dup), or a
// file its redirection named.
type fdAlias struct {
	dup  string
	file *syntax.Word
}

func copyAlias(m map[string]fdAlias) map[string]fdAlias {
	out := map[string]fdAlias{}
	for k, v := range m {
		out[k] = v
	}
	return out
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
		if l, ok := w.Parts[0].(*syntax.Lit); ok && (strings.HasPrefix(l.Value, "~") || strings.HasPrefix(l.Value, redirPrefix) || strings.HasPrefix(l.Value, badFdPrefix)) {
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
// descriptor that is not open fails as in ash.
func (s *Shell) open(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if rest, ok := strings.CutPrefix(path, badFdPrefix); ok {
		fd, line, _ := strings.Cut(rest, ":")
		n, _ := strconv.Atoi(line)
		return nil, &os.PathError{Op: strings.TrimSuffix(s.whereLine(n), " "), Path: fd, Err: errBadFd}
	}
	rest, marked := strings.CutPrefix(path, redirPrefix)
	if !marked {
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
