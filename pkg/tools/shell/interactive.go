package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Interactive runs the read-eval loop of an interactive shell and returns the exit status.
//
// Ctrl-C: at the prompt, it clears the line. While a command runs, the terminal (in its
// normal mode) sends SIGINT to its foreground process group, which holds the shell and the
// programs it started, so external programs get it straight from the terminal; the shell
// catches it and cancels the context of the command line, which stops in-process applets.
// The shell itself never dies of it. Ctrl-D on an empty line exits 0.
func (s *Shell) Interactive(ctx context.Context) int {
	// The process-wide context of the toolbox is cancelled by the first SIGINT; an
	// interactive shell handles SIGINT itself, per command line.
	base := context.WithoutCancel(ctx)

	fd := -1
	var saved *term.State
	if isTTY(s.stdin) {
		fd = int(s.stdin.Fd())
		saved, _ = term.GetState(fd)
		s.termFd, s.ttySignal = fd, true
	}

	sigc := make(chan os.Signal, 8)
	// Caught, not ignored: a caught signal is reset to default in the programs we exec.
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigc)
	var (
		mu         sync.Mutex
		cancelLine context.CancelFunc
	)
	quit := make(chan os.Signal, 1)
	go func() {
		for sig := range sigc {
			mu.Lock()
			c := cancelLine
			mu.Unlock()
			switch sig {
			case syscall.SIGINT:
				if c != nil {
					c()
				}
			case syscall.SIGTSTP:
				if s.continueForeground() > 0 {
					io.WriteString(s.env.Stderr, "\nsh: no job control here: Ctrl-Z ignored (Ctrl-C stops the command; use 'cmd &' to run it in the background)\n")
				}
			case syscall.SIGTERM, syscall.SIGHUP:
				if c != nil {
					c()
				}
				select {
				case quit <- sig:
				default:
				}
			}
		}
	}()

	// Input is read one byte per read(2), only while the editor waits for a key, so that
	// what is typed while a command runs goes to that command.
	reqs, bytesc := make(chan struct{}), make(chan byteOrErr)
	go func() {
		var b [1]byte
		for range reqs {
			n, err := s.stdin.Read(b[:])
			if n == 1 {
				err = nil
			} else if err == nil {
				err = io.EOF
			}
			bytesc <- byteOrErr{b[0], err}
		}
	}()
	defer close(reqs)
	var quitSig os.Signal
	next := func() (byte, error) {
		select {
		case reqs <- struct{}{}:
		case sig := <-quit:
			quitSig = sig
			return 0, errQuit
		}
		select {
		case r := <-bytesc:
			return r.b, r.err
		case sig := <-quit:
			quitSig = sig
			return 0, errQuit
		}
	}
	out := s.env.Stderr // the prompt goes where sh writes its prompt: standard error
	ed := &editor{next: next, out: out, hist: s.hist, complete: s.completer}
	if fd < 0 {
		// no terminal (-i on a pipe): no editing, plain lines
		ed = nil
	}

	status := 0
	for {
		s.jobs.reportDone(s)
		src, err := s.readCommand(ed, fd, saved, next)
		if errors.Is(err, errInterrupted) {
			s.setStatus(base, 130)
			continue
		}
		if errors.Is(err, errQuit) {
			s.jobs.hangup()
			return 128 + int(quitSig.(syscall.Signal))
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(s.env.Stderr, "sh: %v\n", err)
				return 1
			}
			s.runner.Run(base, &syntax.File{}) // the EXIT trap
			s.jobs.hangup()
			if fd < 0 {
				return status
			}
			return 0
		}
		prog, perr := parseScript(src, "")
		if perr != nil {
			fmt.Fprintf(s.env.Stderr, "sh: %v\n", perr)
			s.setStatus(base, 2)
			continue
		}
		s.hist.add(strings.TrimRight(src, "\n"))
		s.prepare(prog)
		lctx, cancel := context.WithCancel(base)
		mu.Lock()
		cancelLine = cancel
		mu.Unlock()
		for _, st := range prog.Stmts {
			// statement by statement: running a whole File would fire the EXIT trap
			err = s.runner.Run(lctx, st)
			if s.runner.Exited() || lctx.Err() != nil {
				break
			}
		}
		mu.Lock()
		cancelLine = nil
		mu.Unlock()
		interrupted := lctx.Err() != nil
		cancel()
		status = statusOf(err)
		if fd >= 0 && saved != nil {
			term.Restore(fd, saved) // whatever the program did to the terminal
		}
		if interrupted {
			status = 130
			s.setStatus(base, status)
		}
		if status == 130 {
			// killed by Ctrl-C (the terminal's SIGINT may reach a program before the
			// shell): end the line that shows ^C
			io.WriteString(out, "\n")
		}
		if s.runner.Exited() {
			s.jobs.hangup()
			return status
		}
		select {
		case sig := <-quit:
			s.jobs.hangup()
			return 128 + int(sig.(syscall.Signal))
		default:
		}
	}
}

var errQuit = errors.New("terminated")

type byteOrErr struct {
	b   byte
	err error
}

// readCommand reads one complete command: more lines (with PS2) while it is incomplete.
func (s *Shell) readCommand(ed *editor, fd int, saved *term.State, next func() (byte, error)) (string, error) {
	var src strings.Builder
	prompt := s.prompt()
	for {
		var line string
		var err error
		if ed != nil {
			if src.Len() == 0 {
				freshLine(s.env.Stderr, fd)
			}
			if _, rerr := term.MakeRaw(fd); rerr != nil {
				return "", fmt.Errorf("terminal: %w", rerr)
			}
			line, err = ed.readLine(prompt)
			if saved != nil {
				term.Restore(fd, saved)
			}
		} else {
			io.WriteString(s.env.Stderr, prompt)
			line, err = readPlainLine(next)
		}
		if err != nil {
			if errors.Is(err, io.EOF) && src.Len() > 0 {
				return "", fmt.Errorf("unexpected end of input in %q", src.String())
			}
			return "", err
		}
		src.WriteString(line)
		src.WriteString("\n")
		_, perr := parseScript(src.String(), "")
		if perr == nil || !syntax.IsIncomplete(perr) {
			return src.String(), nil
		}
		prompt = s.varOr("PS2", "> ")
	}
}

func readPlainLine(next func() (byte, error)) (string, error) {
	var b []byte
	for {
		c, err := next()
		if err != nil {
			if len(b) > 0 && errors.Is(err, io.EOF) {
				return string(b), nil
			}
			return "", err
		}
		if c == '\n' {
			return string(b), nil
		}
		b = append(b, c)
	}
}

// setStatus makes $? be status, as after a command that ended so.
func (s *Shell) setStatus(ctx context.Context, status int) {
	prog, err := syntax.NewParser().Parse(strings.NewReader(fmt.Sprintf("(exit %d)", status)), "")
	if err == nil {
		s.runner.Run(ctx, prog)
	}
}

func (s *Shell) varOr(name, def string) string {
	if v, ok := s.runner.Vars[name]; ok && v.IsSet() {
		return v.String()
	}
	if v := s.runner.Env.Get(name); v.IsSet() {
		return v.String()
	}
	return def
}

// prompt is PS1 (with \w \W \u \h \$ \n escapes) or 'ddebug:TARGET CWD # '.
func (s *Shell) prompt() string {
	dir := s.runner.Dir
	sign := "#"
	if os.Geteuid() != 0 {
		sign = "$"
	}
	if ps1 := s.varOr("PS1", ""); ps1 != "" {
		r := strings.NewReplacer(`\w`, dir, `\W`, filepath.Base(dir), `\u`, s.varOr("USER", userName()),
			`\h`, hostName(), `\$`, sign, `\n`, "\n", `\\`, `\`)
		return r.Replace(ps1)
	}
	p := "ddebug"
	if t := s.varOr("DDEBUG_TARGET", ""); t != "" {
		p += ":" + t
	}
	return p + " " + dir + " " + sign + " "
}

func userName() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return fmt.Sprint(os.Geteuid())
}

func hostName() string {
	h, _ := os.Hostname()
	return h
}

// shellWords are the builtins offered by completion besides the applets.
var shellWords = []string{
	"alias", "break", "cd", "command", "continue", "declare", "echo", "eval", "exec", "exit", "export",
	"false", "history", "jobs", "kill", "local", "popd", "printf", "pushd", "pwd", "read", "readonly",
	"return", "set", "shift", "source", "test", "trap", "true", "type", "ulimit", "umask", "unalias",
	"unset", "wait",
}

// completer completes the first word of a command with applet, builtin and PATH names,
// and any other word (or a word with a slash) with paths.
func (s *Shell) completer(line string, pos int) (int, []string) {
	start := pos
	for start > 0 && !strings.ContainsRune(" \t;|&<>()=", rune(line[start-1])) {
		start--
	}
	word := line[start:pos]
	before := strings.TrimRight(line[:start], " \t")
	first := before == "" || strings.ContainsRune(";|&(", rune(before[len(before)-1]))
	env := &tools.Env{Dir: s.runner.Dir, Environ: environ(s.runner.Env)}
	if v, ok := s.runner.Vars["PATH"]; ok {
		env.Environ = append(env.Environ, "PATH="+v.String())
	}
	if first && !strings.Contains(word, "/") {
		seen := map[string]bool{}
		var out []string
		addIf := func(n string) {
			if strings.HasPrefix(n, word) && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		for _, n := range tools.Names() {
			addIf(n)
		}
		for _, n := range shellWords {
			addIf(n)
		}
		for n := range s.runner.Funcs {
			addIf(n)
		}
		path, ok := env.LookupEnv("PATH")
		if !ok {
			path = tools.DefaultPath
		}
		if word != "" {
			for _, dir := range filepath.SplitList(path) {
				ents, _ := os.ReadDir(env.Abs(dir))
				for _, e := range ents {
					if strings.HasPrefix(e.Name(), word) && !e.IsDir() {
						if info, err := e.Info(); err == nil && info.Mode()&0o111 != 0 || e.Type()&os.ModeSymlink != 0 {
							addIf(e.Name())
						}
					}
				}
			}
		}
		sort.Strings(out)
		return start, out
	}
	dir, base := filepath.Split(word)
	ents, err := os.ReadDir(env.Abs(expandTilde(dir, env)))
	if dir == "" {
		ents, err = os.ReadDir(env.Dir)
	}
	if err != nil {
		return start, nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		full := dir + n
		if e.IsDir() {
			full += "/"
		} else if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(env.Abs(expandTilde(dir, env)), n)); err == nil && fi.IsDir() {
				full += "/"
			}
		}
		out = append(out, full)
	}
	sort.Strings(out)
	return start, out
}

func expandTilde(dir string, env *tools.Env) string {
	if strings.HasPrefix(dir, "~/") {
		if h := env.Getenv("HOME"); h != "" {
			return h + dir[1:]
		}
	}
	if dir == "" {
		return "."
	}
	return dir
}

// freshLine makes sure the prompt starts at the beginning of a line without erasing what
// a command printed without a final newline (zsh's PROMPT_SP): it prints a marker and
// enough spaces to wrap to a new line unless the cursor was already at column 0, where
// the carriage return and erase leave a clean line.
func freshLine(w io.Writer, fd int) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col < 2 {
		return
	}
	io.WriteString(w, "\x1b[7m%\x1b[m"+strings.Repeat(" ", int(ws.Col)-1)+"\r\x1b[K")
}
