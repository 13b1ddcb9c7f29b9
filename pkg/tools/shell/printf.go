package shell

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Printf is printf FORMAT [ARG]...
var Printf = tools.Applet{Name: "printf", Summary: "format and print data", Run: runPrintf}

func runPrintf(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "printf FORMAT [ARG]...\n\nPrint ARGs according to FORMAT, as POSIX printf(1) (%s %d %x %o %c %b %q %%, widths, escapes).")
}

// builtinPrintf is the interpreter's printf (expand.Format, the format reused while
// arguments are left), its output written through Shell.output (see echo.go).
func builtinPrintf(ctx context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	if len(args) < 2 {
		fmt.Fprintln(hc.Stderr, "usage: printf format [arguments]")
		return exitError(2)
	}
	format, rest := args[1], args[2:]
	var b strings.Builder
	for {
		text, n, err := expand.Format(&expand.Config{}, format, rest)
		if err != nil {
			if werr := s.output(ctx, hc, b.String()); werr != nil {
				return werr
			}
			fmt.Fprintln(hc.Stderr, err)
			return exitError(1)
		}
		b.WriteString(text)
		rest = rest[n:]
		if n == 0 || len(rest) == 0 {
			break
		}
	}
	return s.output(ctx, hc, b.String())
}
