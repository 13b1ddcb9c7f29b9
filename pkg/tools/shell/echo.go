package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Echo is echo [-neE] [ARG]...
var Echo = tools.Applet{Name: "echo", Summary: "print arguments", Run: runEcho}

func runEcho(ctx context.Context, env *tools.Env, args []string) int {
	return interpBuiltinApplet(ctx, env, args, "echo [-neE] [ARG]...\n\nPrint the arguments separated by spaces.\n  -n  no trailing newline\n  -e  interpret backslash escapes\n  -E  do not interpret them (default)")
}

// Inside the shell, echo and printf are the shell's own builtins (the interpreter's ignore
// write errors): what they print is the interpreter's (the same options, the same
// expand.Format), written at once, and a write that fails is reported as ash does.

// echoText is what the interpreter's echo prints for args: leading -n, -e and -E are
// options, -e interprets backslash escapes.
func echoText(args []string) string {
	newline, escapes := true, false
loop:
	for len(args) > 0 {
		switch args[0] {
		case "-n":
			newline = false
		case "-e":
			escapes = true
		case "-E":
			escapes = false
		default:
			break loop
		}
		args = args[1:]
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if escapes {
			a, _, _ = expand.Format(&expand.Config{}, a, nil)
		}
		b.WriteString(a)
	}
	if newline {
		b.WriteByte('\n')
	}
	return b.String()
}

func builtinEcho(ctx context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	return s.output(ctx, hc, echoText(args[1:]))
}

// output writes text to the command's standard output. A write that fails is reported
// ("sh: write error: Bad file descriptor") with status 1, as in ash; a reader that went
// away (EPIPE) ends the subshell that writes with 128+SIGPIPE, as the signal would, unless
// SIGPIPE is ignored ('trap "" PIPE'): then it is reported too.
func (s *Shell) output(ctx context.Context, hc interp.HandlerContext, text string) error {
	if text == "" {
		return nil
	}
	err := errBadFd
	if hc.Stdout != nil && hc.Stdout != io.Discard {
		_, err = io.WriteString(hc.Stdout, text)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EPIPE) && !s.traps.ignored(syscall.SIGPIPE) {
		return hc.Builtin(ctx, []string{"exit", fmt.Sprint(128 + int(syscall.SIGPIPE))})
	}
	why := err.Error()
	var errno syscall.Errno
	if errors.As(err, &errno) {
		why = strerror(errno)
	}
	if hc.Stderr != nil {
		fmt.Fprintf(hc.Stderr, "%s: write error: %s\n", s.opts.Applet, why)
	}
	return exitError(1)
}
