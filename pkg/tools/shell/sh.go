package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/term"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Sh is sh (and ash): the toolbox shell.
var Sh = tools.Applet{
	Name:    "sh",
	Aliases: []string{"ash"},
	Summary: "POSIX shell; applets run in-process, anything else from PATH (sh --help)",
	Run:     Run,
}

const usage = `sh [-eux] [-o OPTION] [-i] [-c COMMAND [NAME [ARG]...] | -s [ARG]... | SCRIPT [ARG]...]

The toolbox shell: POSIX sh (with common bash extensions: [[ ]], arrays, local) run by
mvdan.cc/sh, with every toolbox applet run in-process, in the same process as the shell.

  -c COMMAND  run COMMAND; NAME becomes $0 and ARGs $1...
  -s          read the script from standard input (the default without -c or SCRIPT)
  -i          interactive: prompt, line editing, history (the default when stdin is a terminal)
  -e -u -x -f -n -a   set options as 'set' does (errexit, nounset, xtrace, noglob, noexec, allexport)
  -o OPTION   set a long option, e.g. -o pipefail

How a command name is found:
  1. shell functions, then builtins (cd, export, read [-n N -t SECS -d DELIM -u FD], test, echo, printf, kill, jobs, wait,
     trap, getopts, umask, ulimit, history, ...);
  2. toolbox applets (see 'help'): they run in-process and WIN over a file of the same name
     on PATH, so 'ls' is always the toolbox ls, even when the target ships its own /bin/ls;
  3. files found on PATH (PATH unset: ` + tools.DefaultPath + `), exec'd as new processes.
  To run the target's own program instead of an applet, give its path (/bin/ls) or use
  'command -p ls'; 'which -a NAME' shows both.

Interactive mode: the prompt is 'ddebug:$DDEBUG_TARGET <cwd> # ' ('$ ' when not root), or
PS1 if set. Keys: arrows, Home/End, Ctrl-A/E/B/F, Ctrl-U/K/W, Ctrl-L clears, Ctrl-R searches
history backwards, Tab completes applet names and paths, Ctrl-C cancels the running command
or the line, Ctrl-D on an empty line exits. History is kept in memory only (nothing is
written to the target's filesystem).
Traps: 'trap ACTION SIGNAL...' (EXIT, ERR, or a signal name or number); a trapped signal's
action runs before the next command of the main shell, or ends a 'wait' with 128+N.
Jobs: 'cmd &' starts a job; 'jobs -l' lists them with their real PIDs, 'kill %N' or
'kill PID' signals, 'wait [%N|PID]' waits; $! is the last job's PID (or %N when the job
runs only applets).`

// options is the parsed command line of sh.
type options struct {
	command     *string  // -c
	fromStdin   bool     // -s
	interactive *bool    // -i (nil: decide by whether stdin is a terminal)
	setOpts     []string // for interp.Params: -e, -x, -o pipefail, ...
	name        string   // $0
	script      string   // path of the script file, if any
	params      []string // $1...
}

func parseArgs(args []string) (*options, error) {
	o := &options{name: args[0]}
	rest := args[1:]
	var commandPending bool
loop:
	for len(rest) > 0 {
		a := rest[0]
		if a == "--" || a == "-" {
			rest = rest[1:]
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		rest = rest[1:]
		for _, c := range a[1:] {
			switch c {
			case 'c':
				commandPending = true
			case 's':
				o.fromStdin = true
			case 'i':
				v := a[0] == '-'
				o.interactive = &v
			case 'e', 'u', 'x', 'f', 'n', 'a':
				o.setOpts = append(o.setOpts, string(a[0])+string(c))
			case 'o':
				if len(rest) == 0 {
					return nil, fmt.Errorf("option %co needs an argument", a[0])
				}
				o.setOpts = append(o.setOpts, string(a[0])+"o", rest[0])
				rest = rest[1:]
			case 'l', 'm', 'h', 'v', 'b', 'C':
				// accepted for compatibility (login shell, monitor, ...), no effect
			default:
				if a == "--help" {
					return nil, errHelp
				}
				if a == "--version" {
					return nil, errHelp
				}
				return nil, fmt.Errorf("unknown option %q", a)
			}
			if a == "--help" {
				break loop
			}
		}
	}
	switch {
	case commandPending:
		if len(rest) == 0 {
			return nil, errors.New("option -c needs a command string")
		}
		o.command = &rest[0]
		rest = rest[1:]
		if len(rest) > 0 {
			o.name, rest = rest[0], rest[1:]
		}
	case !o.fromStdin && len(rest) > 0:
		o.script, o.name, rest = rest[0], rest[0], rest[1:]
	}
	o.params = rest
	return o, nil
}

var errHelp = errors.New("help")

// Run is the sh applet.
func Run(ctx context.Context, env *tools.Env, args []string) int {
	o, err := parseArgs(args)
	if errors.Is(err, errHelp) {
		return tools.Usage(env, usage)
	}
	if err != nil {
		env.Errorf("sh", "%v", err)
		fmt.Fprintln(env.Stderr, "Try 'sh --help'.")
		return 2
	}
	interactive := o.command == nil && o.script == "" && isTerminalStream(env.Stdin) && isTerminalStream(env.Stderr)
	if o.interactive != nil {
		interactive = *o.interactive
	}
	s, err := New(env, Options{Applet: args[0], Interactive: interactive, Name: o.name, Params: o.params, SetOpts: o.setOpts, CommandString: o.command != nil})
	if err != nil {
		env.Errorf("sh", "%v", err)
		return 2
	}
	defer s.Close()
	switch {
	case o.command != nil:
		return s.RunScript(ctx, strings.NewReader(*o.command), o.name)
	case o.script != "":
		f, err := os.Open(env.Abs(o.script))
		if err != nil {
			env.Errorf("sh", "%v", err)
			return 127
		}
		defer f.Close()
		return s.RunScript(ctx, f, o.script)
	case interactive:
		return s.Interactive(ctx)
	default:
		return s.RunStream(ctx, s.stdin)
	}
}

func isTerminalStream(r any) bool {
	f, ok := r.(*os.File)
	return ok && isTTY(f)
}

// isTTY reports whether f is a terminal. It looks at the file type first: Fd() puts a
// pipe into blocking mode, which would stop the interpreter from cancelling reads on it.
func isTTY(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// Options configure a Shell.
type Options struct {
	Interactive bool
	Applet      string   // the name sh was called by (sh, ash), which starts some messages; "sh" if empty
	Name        string   // $0
	Params      []string // $1...
	SetOpts     []string // as for 'set': "-e", "-o", "pipefail", ...
	// CommandString: the script is sh -c's argument (error messages count its lines from 0)
	CommandString bool
}

// Shell is one shell session: an interpreter whose commands run as applets in-process or
// as programs found on PATH, with a job table and (interactive) history.
type Shell struct {
	env    *tools.Env
	opts   Options
	runner *interp.Runner
	jobs   *jobTable

	mu      sync.Mutex
	bgStmts map[int]*syntax.Stmt // statements started with '&', by bgStmt id
	fgPids  map[int]bool         // programs running in the foreground
	nextBg  int

	hist       *history
	stdin      *os.File // what commands read; the pipe fed from env.Stdin when that is no file
	closeStdin bool
	termFd     int  // the terminal of an interactive shell, or -1
	ttySignal  bool // SIGINT reaches foreground children from the terminal

	getopts getoptsState
	traps   *trapTable
	// subTraps are the EXIT traps of subshells and jobs (subtrap.go)
	subTraps subTraps
	sourcing sourcing    // the files '.' runs, for messages (source.go)
	xtrace   atomic.Bool // set -x (xtrace.go)

	errParams sync.Map // ${v?} names shown in messages: the variable each stands for (params.go)

	aliases aliasTable

	fds        fdTables // descriptors above 2 (fds.go)
	flowStatus sync.Map // by runner: $? kept by a guard of loopFlow (flow.go)

	specialRedirFailed atomic.Bool // a special builtin's redirection failed (see markRedirects)

	readOnlySeen atomic.Bool // a program declared a read-only variable (see ashReadOnly)
	unexportSeen atomic.Bool // a program ran 'export -n' (see ashReadOnly)
}

// internal command names that the call handler rewrites builtins to; the NUL byte keeps
// them out of anything a user can type.
const internalPrefix = "\x00ddebug:"

// New builds a shell over env's streams, directory and environment.
func New(env *tools.Env, o Options) (*Shell, error) {
	if o.Applet == "" {
		o.Applet = "sh"
	}
	s := &Shell{env: env, opts: o, jobs: newJobTable(), bgStmts: map[int]*syntax.Stmt{}, hist: &history{}, termFd: -1, traps: newTrapTable(!o.Interactive)}
	// One *os.File for the commands (programs inherit it) and for reading the script
	// itself (sh -s), so that neither takes input meant for the other.
	switch in := env.Stdin.(type) {
	case *os.File:
		s.stdin = in
	default:
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("starting the shell: %w", err)
		}
		if in == nil {
			pw.Close()
		} else {
			go func() {
				io.Copy(pw, in)
				pw.Close()
			}()
		}
		s.stdin, s.closeStdin = pr, true
	}
	stdin := s.stdin
	setOpts, on := xtraceOptions(append([]string{"set"}, o.SetOpts...))
	s.xtrace.Store(on > 0)
	var params []string
	if setOpts != nil {
		params = append(params, setOpts[1:]...)
	}
	params = append(append(params, "--"), o.Params...)
	r, err := interp.New(
		interp.StdIO(stdin, env.Stdout, env.Stderr),
		interp.Env(&shellEnviron{Environ: expand.ListEnviron(env.Environ...), s: s}),
		interp.Dir(env.Dir),
		interp.Interactive(o.Interactive),
		interp.CallHandler(s.call),
		interp.OpenHandler(s.open),
		interp.ExecHandlers(s.execMiddleware),
		interp.Params(params...),
	)
	if err != nil {
		return nil, fmt.Errorf("starting the shell: %w", err)
	}
	s.runner = r
	return s, nil
}

// Close releases the shell. An interactive shell also ends the jobs it started (SIGHUP,
// as when a terminal closes): a debugging session leaves nothing running behind it. A
// script's background programs keep running after it, as with any POSIX shell.
func (s *Shell) Close() {
	s.traps.close()
	if s.opts.Interactive {
		s.jobs.hangup()
	}
	if s.closeStdin {
		s.stdin.Close()
	}
}

// RunScript parses a whole script and runs it; it returns the exit status.
func (s *Shell) RunScript(ctx context.Context, r io.Reader, name string) int {
	src, err := io.ReadAll(r)
	if err != nil {
		fmt.Fprintf(s.env.Stderr, "sh: %s: %v\n", name, err)
		return 2
	}
	if definesAlias().Match(src) {
		return s.runParsingAliases(ctx, string(src), name)
	}
	prog, err := parseToEnd(string(src), name)
	if err != nil {
		return s.runToSyntaxError(ctx, string(src), name, err)
	}
	s.prepare(prog)
	return statusOf(s.runner.Run(ctx, prog))
}

// runToSyntaxError runs the commands of a script that come before its syntax error err,
// as ash does (it reads and runs one command at a time), then reports the error and ends
// with status 2. Those commands are the longest run of whole lines before the error's
// line that parses (within 200 lines of it).
func (s *Shell) runToSyntaxError(ctx context.Context, src, name string, err error) int {
	_, line, _ := syntaxMessage(err)
	lines := strings.SplitAfter(src, "\n")
	for n := min(line-1, len(lines)); n > 0 && n >= line-200; n-- {
		head, herr := parseScript(strings.Join(lines[:n], ""), name) // not parseToEnd: a here-document cut by the error is no command
		if herr != nil {
			continue
		}
		s.prepare(head)
		for _, st := range head.Stmts {
			status := statusOf(s.runner.Run(ctx, st))
			if s.runner.Exited() {
				return status
			}
		}
		break
	}
	fmt.Fprintln(s.env.Stderr, s.syntaxError(err))
	s.runner.Run(ctx, &syntax.File{}) // the EXIT trap
	return 2
}

// RunStream reads a script line by line (sh -s, a pipe into sh) and runs each complete
// command as soon as it is read, so that what follows is still unread when it runs: read,
// cat and friends see the rest of the input, as with other shells.
func (s *Shell) RunStream(ctx context.Context, r io.Reader) int {
	status := 0
	one := &oneByteReader{r}
	var b [1]byte
	next := func() (byte, error) {
		n, err := one.Read(b[:])
		if n == 1 {
			return b[0], nil
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	var src strings.Builder
	for ctx.Err() == nil {
		line, err := readPlainLine(next)
		if err != nil && src.Len() == 0 {
			break
		}
		if err == nil || line != "" {
			src.WriteString(line + "\n")
		}
		parse := parseScript
		if err != nil {
			parse = parseToEnd // the end of the input ends its here-documents
		}
		prog, perr := parse(src.String(), s.opts.Name)
		if perr != nil && syntax.IsIncomplete(perr) && err == nil {
			continue
		}
		src.Reset()
		if perr != nil {
			fmt.Fprintln(s.env.Stderr, s.syntaxError(perr))
			return 2
		}
		s.prepare(prog)
		for _, st := range prog.Stmts {
			status = statusOf(s.runner.Run(ctx, st))
			if s.runner.Exited() {
				return status
			}
		}
		if err != nil {
			break
		}
	}
	s.runner.Run(ctx, &syntax.File{}) // the EXIT trap
	return status
}

// oneByteReader reads one byte at a time so that the parser never takes input meant for
// the commands of the script.
type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// ctxErr reports whether err comes from a cancelled or expired context.
func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// shellEnviron is the shell's base environment plus the variables the shell computes.
type shellEnviron struct {
	expand.Environ
	s *Shell
}

// lastBgVar stands for $!, which the shell rewrites to it (the interpreter's own $! names
// its goroutines, not processes).
const lastBgVar = "DDEBUG_LAST_BG_PID_"

func (e *shellEnviron) Get(name string) expand.Variable {
	if v, ok := e.s.paramVar(name); ok {
		return v
	}
	if name == lastBgVar {
		v := e.s.jobs.lastBg()
		if v == "" {
			return expand.Variable{}
		}
		return expand.Variable{Set: true, Kind: expand.String, Str: v}
	}
	return e.Environ.Get(name)
}
