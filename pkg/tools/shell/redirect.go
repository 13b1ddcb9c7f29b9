package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
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

// highFdRedirects rewrites the redirections to and of descriptors above 2 in node.
func highFdRedirects(node syntax.Node) {
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
			st.Redirs = keep
			for _, rd := range st.Redirs {
				if rd.N != nil || (rd.Op != syntax.DplOut && rd.Op != syntax.DplIn) {
					continue
				}
				if w := rd.Word.Lit(); isHighFd(w) {
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
	return interp.DefaultOpenHandler()(ctx, path, flag, perm)
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
