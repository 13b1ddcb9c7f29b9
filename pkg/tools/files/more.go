package files

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// More is more: page through text.
var More = tools.Applet{Name: "more", Summary: "page through text", Run: runMore}

// runMore is a pager that needs nothing from the terminal but line input: it shows a
// screenful, then waits for Enter (next screen), q (quit). When stdout is not a terminal
// it copies its input.
func runMore(ctx context.Context, env *tools.Env, args []string) int {
	name := filepath.Base(args[0])
	fs := gnuflag.New(name, name+" [FILE]...  (Enter or space+Enter: next page, q: quit)")
	fs.Bool('R', "RAW-CONTROL-CHARS")
	fs.Bool('S', "chop-long-lines")
	fs.Bool('N', "LINE-NUMBERS")
	fs.Bool('X', "no-init")
	fs.Bool('F', "quit-if-one-screen")
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	out, ok := env.Stdout.(*os.File)
	if !ok || !tools.IsTerminal(out) {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	// Keys come from the terminal, not from stdin (which may be the text).
	tty, err := openKeys(out)
	if err != nil {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	defer tty.Close()
	rows := pageRows(out, env)
	prompt := "\x1b[7m--More--\x1b[0m "
	if t := env.Getenv("TERM"); t == "" || t == "dumb" {
		prompt = "--More-- "
	}
	keys := bufio.NewReader(&tools.TerminalReader{Ctx: ctx, File: tty})
	st := tools.Operands{Name: name}.Each(ctx, env, ops, func(_ string, r io.Reader) error {
		br := bufio.NewReader(r)
		shown := 0
		for ctx.Err() == nil {
			l, err := br.ReadString('\n')
			io.WriteString(env.Stdout, l)
			if err != nil {
				break
			}
			shown++
			if shown >= rows-1 {
				io.WriteString(env.Stdout, prompt)
				k, kerr := keys.ReadString('\n')
				if ctx.Err() != nil {
					break
				}
				if kerr != nil || strings.HasPrefix(strings.TrimSpace(k), "q") {
					return tools.ErrStop
				}
				shown = 0
			}
		}
		return nil
	})
	if ctx.Err() != nil {
		return 130 // Ctrl-C, as the shell reports an interrupted command
	}
	return st
}

// openKeys opens, for reading, the terminal the pager writes to (through /proc/self/fd,
// as it may have been opened write-only), else the controlling terminal.
func openKeys(out *os.File) (*os.File, error) {
	if f, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(out.Fd())), os.O_RDONLY|syscall.O_NOCTTY, 0); err == nil {
		return f, nil
	}
	return os.Open("/dev/tty")
}

// pageRows is the height of the terminal out, else $LINES, else 24.
func pageRows(out *os.File, env *tools.Env) int {
	if _, h, err := term.GetSize(int(out.Fd())); err == nil && h > 2 {
		return h
	}
	if r, err := strconv.Atoi(env.Getenv("LINES")); err == nil && r > 2 {
		return r
	}
	return 24
}
