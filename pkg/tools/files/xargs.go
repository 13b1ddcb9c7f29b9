package files

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Xargs is xargs: build and run commands from standard input.
var Xargs = tools.Applet{Name: "xargs", Summary: "build and run commands from standard input", Run: runXargs}

func runXargs(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("xargs", `xargs [-0rt] [-n MAX] [-I REPL] [-d DELIM] [-s SIZE] [-E EOF] [COMMAND [ARG]...]
  -0 items end with NUL  -d DELIM items end with DELIM  -n MAX at most MAX items per command
  -I REPL one command per line, REPL in ARGs replaced by it  -r do not run when input is empty
  -t print each command to stderr first  -E EOF (-eEOF) input ends at an item EOF`)
	fset.StopAtOperand = true
	nul := fset.Bool('0', "null")
	delim := fset.String('d', "delimiter", "")
	maxArgs := fset.Int('n', "max-args", 0)
	repl, hasRepl := fset.StringSet('I', "", "")
	fset.Func('i', "replace", func(v string) error { *repl, *hasRepl = "{}", true; return nil })
	noEmpty := fset.Bool('r', "no-run-if-empty")
	trace := fset.Bool('t', "verbose")
	maxSize := fset.Int('s', "max-chars", 128<<10)
	fset.Int('P', "max-procs", 1)
	fset.Int('L', "max-lines", 0)
	eof := fset.String('E', "", "")
	ops, rc := fset.Parse(env, eofOption(args[1:]))
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"echo"}
	}
	// Commands read nothing from our stdin (it is the list of items).
	cmdEnv := *env
	cmdEnv.Stdin = strings.NewReader("")
	br := bufio.NewReaderSize(env.Stdin, 64<<10)
	var next func() (string, bool)
	switch {
	case *nul || *delim != "":
		d := byte(0)
		if *delim != "" {
			d = unescape(*delim)[0]
		}
		next = func() (string, bool) {
			s, err := br.ReadString(d)
			if err != nil && s == "" {
				return "", false
			}
			return strings.TrimSuffix(s, string(d)), true
		}
	case *hasRepl:
		next = func() (string, bool) {
			for {
				s, err := br.ReadString('\n')
				if err != nil && s == "" {
					return "", false
				}
				s = strings.TrimLeft(strings.TrimSuffix(s, "\n"), " \t\v\f\r")
				if s != "" {
					return s, true
				}
			}
		}
	default:
		next = func() (string, bool) { return shellWord(br) }
	}
	if *eof != "" && !*nul && *delim == "" {
		// GNU xargs: the input ends at an item that is the EOF string; -0 and -d have none.
		item, ended := next, false
		next = func() (string, bool) {
			if ended {
				return "", false
			}
			s, ok := item()
			if ok && s == *eof {
				ended = true
				return "", false
			}
			return s, ok
		}
	}
	status := 0
	run := func(argv []string) bool {
		if *trace {
			fmt.Fprintln(env.Stderr, strings.Join(argv, " "))
		}
		switch st := tools.RunCommand(ctx, &cmdEnv, argv); {
		case st == 0:
		case st == 255:
			env.Errorf("xargs", "%s: exited with status 255; aborting", argv[0])
			status = 124
			return false
		case st == 126 || st == 127:
			status = st
			return false
		case st > 128:
			status = 125
			return false
		default:
			status = 123
		}
		return true
	}
	if *hasRepl {
		for ctx.Err() == nil {
			item, ok := next()
			if !ok {
				break
			}
			argv := make([]string, len(ops))
			for i, a := range ops {
				argv[i] = strings.ReplaceAll(a, *repl, item)
			}
			if !run(argv) {
				break
			}
		}
		return status
	}
	ran := false
	var batch []string
	// -s bounds the whole command line, as GNU xargs counts it: each word and its NUL.
	base := 0
	for _, op := range ops {
		base += len(op) + 1
	}
	size := base
	flush := func() bool {
		ran = true
		argv := append(append([]string{}, ops...), batch...)
		batch, size = batch[:0], base
		return run(argv)
	}
	for ctx.Err() == nil {
		item, ok := next()
		if !ok {
			break
		}
		if len(batch) > 0 && size+len(item)+1 > *maxSize {
			if !flush() {
				return status
			}
		}
		if size+len(item)+1 > *maxSize {
			env.Errorf("xargs", "argument line too long")
			return 1
		}
		batch = append(batch, item)
		size += len(item) + 1
		if *maxArgs > 0 && len(batch) >= *maxArgs {
			if !flush() {
				return status
			}
		}
	}
	if len(batch) > 0 || (!ran && !*noEmpty) {
		flush()
	}
	if ctx.Err() != nil {
		return 130
	}
	return status
}

// eofOption rewrites GNU's -e[EOF] and --eof[=EOF], whose argument is optional, before
// the options are parsed: -eEOF and --eof=EOF become -E EOF; -e and --eof alone, none.
func eofOption(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--" || !strings.HasPrefix(a, "-") || a == "-":
			return append(out, args[i:]...)
		case len(a) == 2 && strings.ContainsRune("nIdsPLE", rune(a[1])) && i+1 < len(args):
			out = append(out, a, args[i+1]) // an option and its value
			i++
		case a == "-e" || a == "--eof":
		case strings.HasPrefix(a, "--eof="):
			out = append(out, "-E", strings.TrimPrefix(a, "--eof="))
		case strings.HasPrefix(a, "-e"):
			out = append(out, "-E", a[2:])
		default:
			out = append(out, a)
		}
	}
	return out
}

// shellWord reads the next blank-separated item, honouring quotes and backslashes as
// xargs does.
func shellWord(br *bufio.Reader) (string, bool) {
	var b strings.Builder
	started := false
	quote := rune(0)
	for {
		r, _, err := br.ReadRune()
		if err == io.EOF || err != nil {
			return b.String(), started
		}
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				b.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, started = r, true
		case r == '\\':
			n, _, err := br.ReadRune()
			if err == nil {
				b.WriteRune(n)
			}
			started = true
		case r == ' ' || r == '\t' || r == '\n':
			if started {
				return b.String(), true
			}
		default:
			b.WriteRune(r)
			started = true
		}
	}
}
