package shell

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// where is the start of an error message about the command at hc, in ash's form:
// "$0: line N: " ("$0: BUILTIN: line N: " for a builtin's own error). An interactive shell
// says "sh: ". ash counts the lines of a -c command string from 0.
func (s *Shell) where(hc interp.HandlerContext, builtin string) string {
	if s.opts.Interactive {
		if builtin != "" {
			return "sh: " + builtin + ": "
		}
		return "sh: "
	}
	line := 0
	if hc.Pos.IsValid() {
		line = int(hc.Pos.Line())
	}
	name := s.opts.Name
	if file := s.sourcing.current(runnerID(hc)); file != "" {
		name += ": " + file // a line of that file
	} else if s.opts.CommandString && line > 0 {
		line--
	}
	if builtin != "" {
		return fmt.Sprintf("%s: %s: line %d: ", name, builtin, line)
	}
	return fmt.Sprintf("%s: line %d: ", name, line)
}

// startFailed says why a program could not be started, as ash does ("NAME: not found",
// "NAME: Permission denied"), and returns the shell status: 127 for a name not found, 126
// for a file that cannot be executed.
func startFailed(stderr interface{ Write([]byte) (int, error) }, where, name string, err error) int {
	switch {
	case name == "":
		// ash tries to execute "" and reports EACCES, with the status of a name not found
		fmt.Fprintf(stderr, "%s: Permission denied\n", where)
		return 127
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(stderr, "%s%s: not found\n", where, name)
		return 127
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		fmt.Fprintf(stderr, "%s%s: %s\n", where, name, strerror(errno))
	} else {
		fmt.Fprintf(stderr, "%s%s: %v\n", where, name, err)
	}
	return 126
}

// strerror is the C library's text for errno: Go's, capitalised ("Permission denied").
func strerror(errno syscall.Errno) string {
	t := errno.Error()
	if t != "" && t[0] >= 'a' && t[0] <= 'z' {
		t = string(t[0]-'a'+'A') + t[1:]
	}
	return t
}

// syntaxError says what is wrong with a script that does not parse, in ash's form:
// "$0: line N: syntax error: unexpected ")"".
func (s *Shell) syntaxError(err error) string {
	msg, line, ok := syntaxMessage(err)
	if !ok {
		return "sh: " + err.Error()
	}
	return s.whereLine(line) + "syntax error: " + msg
}

// syntaxMessage is ash's words for a parse error, and the line it is on; ok is false for
// an error that is no parser's.
func syntaxMessage(err error) (msg string, line int, ok bool) {
	var le syntax.LangError
	if errors.As(err, &le) {
		msg = "unsupported " + le.Feature
		if le.Feature == "anonymous functions" {
			msg = `unexpected ")"` // if() { ...; }: ash takes "if" for the keyword
		}
		return msg, int(le.Pos.Line()), true
	}
	var pe syntax.ParseError
	if !errors.As(err, &pe) {
		return "", 0, false
	}
	msg = pe.Text
	switch {
	case strings.Contains(msg, "without closing quote"):
		msg = "unterminated quoted string"
	case msg == "invalid parameter name":
		msg = "bad substitution"
	case msg == "`:` must be followed by an expression":
		msg = "missing '}'" // ${v:}; parseScript makes ${v:1:} ${v:1:0}
	case strings.HasPrefix(msg, "`") && strings.Contains(msg, "` can only be used"):
		tok, _, _ := strings.Cut(msg[1:], "`")
		msg = fmt.Sprintf("unexpected %q", tok)
	}
	return msg, int(pe.Pos.Line()), true
}
