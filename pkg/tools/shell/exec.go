package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// builtinFunc is a builtin the shell adds to the interpreter's (kill, jobs, umask, ...).
type builtinFunc func(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int

// builtin returns the builtin the shell implements itself under name, or nil; the call
// handler looks there before the interpreter's own builtins. A switch, not a map: the
// toolbox builds no table at start.
func builtin(name string) builtinFunc {
	switch name {
	case "kill":
		return builtinKill
	case "jobs":
		return builtinJobs
	case "wait":
		return builtinWait
	case "fg", "bg":
		return builtinFgBg
	case "disown":
		return builtinDisown
	case "umask":
		return builtinUmask
	case "ulimit":
		return builtinUlimit
	case "history":
		return builtinHistory
	case "help":
		return builtinHelp
	case "command":
		return builtinCommand
	case "type":
		return builtinType
	case "getopts":
		return builtinGetopts
	case "alias":
		return builtinAlias
	case "unalias":
		return builtinUnalias
	case "bgStmt":
		return builtinBgStmt // reachable only through internalPrefix
	case "execCmd":
		return builtinExecCmd // reachable only through internalPrefix
	case "readOpts":
		return builtinRead // reachable only through internalPrefix: read -n, -t, -d
	case "setList":
		return builtinSetList // reachable only through internalPrefix: set without operands
	case "lastBg":
		return builtinLastBg // reachable only through internalPrefix: $!
	case "readonlyList":
		return builtinReadonlyList // reachable only through internalPrefix: readonly without operands
	}
	return nil
}

// flowBuiltinFunc is a builtin that may change the interpreter's flow (exit, return,
// break): it returns what interp.HandlerContext.Builtin returned for that.
type flowBuiltinFunc func(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error

// flowBuiltin returns the flowBuiltinFunc the shell implements under name, or nil.
func flowBuiltin(name string) flowBuiltinFunc {
	switch name {
	case "shift":
		return builtinShift
	case "echo":
		return builtinEcho
	case "printf":
		return builtinPrintf
	case "trap":
		return builtinTrap
	case "localOutside":
		return builtinLocalOutside // reachable only through internalPrefix
	case "roCheck":
		return builtinROCheck // reachable only through internalPrefix
	case "redirFailed":
		return builtinRedirFailed // reachable only through internalPrefix
	case "runTraps", "trapPoint":
		return builtinRunTraps // reachable only through internalPrefix
	case "flowGuard":
		return builtinFlowGuard // reachable only through internalPrefix
	case "flowRestore":
		return builtinFlowRestore // reachable only through internalPrefix
	case "fdExec":
		return builtinFdExec // reachable only through internalPrefix
	case "fdPush":
		return builtinFdPush // reachable only through internalPrefix
	case "fdPop":
		return builtinFdPop // reachable only through internalPrefix
	case "traceAssign":
		return builtinTraceAssign // reachable only through internalPrefix
	case "sourcePush":
		return builtinSourcePush // reachable only through internalPrefix
	case "sourcePop":
		return builtinSourcePop // reachable only through internalPrefix
	case "subshellEnd":
		return builtinSubshellEnd // reachable only through internalPrefix
	case "subshellExit":
		return builtinSubshellExit // reachable only through internalPrefix
	}
	return nil
}

// call rewrites the names of the builtins the shell implements itself so that the
// interpreter hands them to execMiddleware instead of failing with "unsupported builtin".
func (s *Shell) call(ctx context.Context, args []string) ([]string, error) {
	s.traceCall(interp.HandlerCtx(ctx), args)
	if args[0] == "set" {
		rest, on := xtraceOptions(args)
		if on != 0 {
			s.xtrace.Store(on > 0) // the shell's, not the interpreter's (xtrace.go)
			if rest == nil {
				return []string{":"}, nil
			}
			args = rest
		}
	}
	if st, in := s.traps.trapStatus(); in && len(args) == 1 && (args[0] == "exit" || args[0] == "return") {
		// in a trap action, a bare exit or return uses $? as it was when the action started
		args = append(args, strconv.Itoa(st))
	}
	if s.traps.hasPending() && s.isMain(interp.HandlerCtx(ctx)) {
		return append([]string{internalPrefix + "runTraps"}, args...), nil
	}
	if j := jobOf(ctx); j != nil && j.traps.hasPending() && !s.isMain(interp.HandlerCtx(ctx)) {
		return append([]string{internalPrefix + "runTraps"}, args...), nil // the job's own
	}
	if args[0] == "exit" && s.subTraps.has(runnerID(interp.HandlerCtx(ctx))) {
		return append([]string{internalPrefix + "subshellExit"}, args...), nil
	}
	if s.aliases.any.Load() || strings.HasPrefix(args[0], noAliasPrefix) {
		args = s.aliases.expand(args)
	}
	if args[0] == "exec" && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		// the interpreter's exec runs the command through execMiddleware, which is told
		// that it is exec's (for its error messages)
		return append([]string{"exec", internalPrefix + "execCmd"}, args[1:]...), nil
	}
	if name, ok := strings.CutPrefix(args[0], evalPrefix); ok && (name == "fdPush" || name == "fdPop" || name == "fdExec") {
		return append([]string{internalPrefix + name}, args[1:]...), nil // from evalHighFds
	}
	if args[0] == "eval" && len(args) > 1 || args[0] == "command" && len(args) > 2 && args[1] == "eval" {
		if out, failed := s.checkEval(ctx, args); failed {
			return out, nil
		}
		args = lexEval(args)
	}
	if args[0] == "eval" && len(args) > 1 {
		if src, ok := evalHighFds(args[1:]); ok {
			return []string{"eval", src}, nil
		}
	}
	if args[0] == "read" && (wantsOwnRead(args) || splitsOnNonBlank(ctx, args)) {
		return append([]string{internalPrefix + "readOpts", "read"}, args[1:]...), nil
	}
	if flowBuiltin(args[0]) != nil && !internalOnly(args[0]) {
		return append([]string{internalPrefix + args[0]}, args[1:]...), nil
	}
	switch args[0] {
	case "set":
		if len(args) == 1 {
			return []string{internalPrefix + "setList"}, nil
		}
	case "unset":
		if hc := interp.HandlerCtx(ctx); unsetError(hc.Env, args) != "" {
			// an error of a special builtin ends a script, with status 2
			fmt.Fprintln(hc.Stderr, s.where(hc, "unset")+unsetError(hc.Env, args))
			if s.opts.Interactive {
				return []string{"false"}, nil
			}
			return []string{"exit", "2"}, nil
		}
	case "return":
		if len(args) == 1 {
			// a bare return returns $?, as in ash (the interpreter returns 0)
			return append(args, strconv.Itoa(interp.HandlerCtx(ctx).LastExitStatus)), nil
		}
	case "export", "readonly", "local", "declare", "typeset":
		// reached only when the name came from an expansion ($VAR NAME): the parser
		// takes a literal one as a declaration, which eval gets it to be
		words := []string{args[0]} // unquoted: a quoted name is no declaration
		for _, a := range args[1:] {
			words = append(words, quote(a))
		}
		return []string{"eval", strings.Join(words, " ")}, nil
	}
	if builtin(args[0]) != nil && !internalOnly(args[0]) {
		if args[0] == "command" && !commandOptions(args) {
			return args, nil // the interpreter's plain 'command NAME'
		}
		out := append([]string{internalPrefix + args[0]}, args[1:]...)
		return out, nil
	}
	return args, nil
}

// internalOnly reports whether name is a builtin reachable only through internalPrefix,
// never by its plain name.
func internalOnly(name string) bool {
	switch name {
	case "bgStmt", "execCmd", "readOpts", "setList", "runTraps", "trapPoint", "redirFailed", "localOutside", "roCheck", "readonlyList", "flowGuard", "flowRestore", "fdExec", "fdPush", "fdPop", "subshellEnd", "subshellExit", "sourcePush", "sourcePop", "traceAssign", "lastBg":
		return true
	}
	return false
}

// execMiddleware runs every simple command that is neither a function nor a builtin:
// a toolbox applet in-process when the name is one, else a program found on PATH.
func (s *Shell) execMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		if name, ok := strings.CutPrefix(args[0], internalPrefix); ok {
			args = append([]string{name}, args[1:]...)
			if name == "echo" || name == "printf" {
				return flowBuiltin(name)(ctx, s, hc, nil, args) // no tools.Env: echo is frequent, environ costs
			}
			env := handlerEnv(hc)
			if f := flowBuiltin(name); f != nil {
				return f(ctx, s, hc, env, args)
			}
			return exitError(builtin(name)(ctx, s, hc, env, args))
		}
		return exitError(s.runCommand(ctx, hc, handlerEnv(hc), args, s.where(hc, "")))
	}
}

// builtinExecCmd runs the command of 'exec COMMAND...' (the interpreter then exits).
func builtinExecCmd(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	return s.runCommand(ctx, hc, env, args[1:], s.where(hc, "exec"))
}

// runCommand runs an applet in-process, or else a program; where starts its error messages.
func (s *Shell) runCommand(ctx context.Context, hc interp.HandlerContext, env *tools.Env, args []string, where string) int {
	if a, ok := tools.Lookup(args[0]); ok {
		inProcess := func() int {
			if j := jobOf(ctx); j != nil {
				j.markStarted()
			}
			if f, ok := hc.Stdin.(*os.File); ok && s.ttySignal && f == s.stdin {
				env.Stdin = &tools.TerminalReader{Ctx: ctx, File: f}
			}
			return a.Run(ctx, env, args)
		}
		if j := jobOf(ctx); j != nil && a.Name == "sh" && j.fresh() {
			if self, err := os.Stat(selfExe); err == nil && self.Mode().IsRegular() {
				// 'sh ... &': a process of its own, whose $$ is $! and whose traps are
				// its own; in-process when the toolbox's binary cannot be started
				return s.startProgram(ctx, env, selfExe, args, where, s.fdFiles(hc.Env), inProcess)
			}
		}
		return inProcess()
	}
	return s.runProgram(ctx, env, args, false, where, s.fdFiles(hc.Env))
}

// handlerEnv is the tools.Env of one command: the interpreter's current streams and
// directory and its exported variables.
func handlerEnv(hc interp.HandlerContext) *tools.Env {
	env := &tools.Env{Stdin: hc.Stdin, Stdout: hc.Stdout, Stderr: hc.Stderr, Dir: hc.Dir, Environ: environ(hc.Env)}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	return env
}

// environ lists the exported, set string variables of env as KEY=VALUE.
func environ(env expand.Environ) []string {
	idx := map[string]int{}
	var list []string
	gone := env.Get(unexportedVar).Str // 'export -n' (readonly.go)
	env.Each(func(name string, vr expand.Variable) bool {
		i, seen := idx[name]
		if !vr.IsSet() || !vr.Exported || vr.Kind != expand.String || gone != "" && strings.Contains(gone, " "+name+" ") {
			if seen {
				list[i] = ""
			}
			return true
		}
		kv := name + "=" + vr.Str
		if seen {
			list[i] = kv
		} else {
			idx[name] = len(list)
			list = append(list, kv)
		}
		return true
	})
	out := list[:0]
	for _, kv := range list {
		if kv != "" {
			out = append(out, kv)
		}
	}
	return out
}

// exitError turns an exit status into what an interp.ExecHandlerFunc returns.
func exitError(status int) error {
	if status == 0 {
		return nil
	}
	return interp.ExitStatus(uint8(status))
}

// runProgram runs a program found on PATH (or by its path) as a child process and returns
// its exit status. skipApplets is for 'command -p', which also searches the default PATH.
// where starts the message of a program that cannot be started (see Shell.where).
func (s *Shell) runProgram(ctx context.Context, env *tools.Env, args []string, defaultPath bool, where string, extra []*os.File) int {
	path, err := tools.LookPath(env, args[0])
	if err != nil && defaultPath && !strings.Contains(args[0], "/") {
		path, err = tools.LookPath(&tools.Env{Dir: env.Dir, Environ: []string{"PATH=" + tools.DefaultPath}}, args[0])
	}
	if err != nil {
		return startFailed(env.Stderr, where, args[0], err)
	}
	return s.startProgram(ctx, env, path, args, where, extra, nil)
}

// selfExe is the toolbox's own binary, which a background sh runs as (see runCommand).
const selfExe = "/proc/self/exe"

// startProgram runs the program at path as runProgram does; extra are its descriptors
// from 3 on (nil: not open). When it cannot be started, fallback (if not nil) runs
// instead.
func (s *Shell) startProgram(ctx context.Context, env *tools.Env, path string, args []string, where string, extra []*os.File, fallback func() int) int {
	job := jobOf(ctx)
	cmd := &exec.Cmd{Path: path, Args: args, Dir: env.Dir, Env: env.Environ, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr, ExtraFiles: extra}
	if job != nil {
		// A background job gets its own process group: Ctrl-C at the terminal must not
		// reach it, and kill %N signals the group.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		if fallback != nil {
			return fallback()
		}
		if job != nil {
			job.markStarted()
		}
		if st, ok := s.runShellScript(ctx, env, path, args, err); ok {
			return st
		}
		return startFailed(env.Stderr, where, args[0], err)
	}
	if job != nil {
		job.addProcess(cmd.Process.Pid)
		defer job.removeProcess(cmd.Process.Pid)
	} else {
		s.foreground(cmd.Process.Pid, true)
		defer s.foreground(cmd.Process.Pid, false)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			// In an interactive shell the terminal has already sent SIGINT to the
			// foreground process group, which holds the child; anywhere else (a script
			// being cancelled, a background job being killed) the shell sends it.
			if (job != nil && !job.wasSignaled()) || (job == nil && !s.ttySignal) {
				cmd.Process.Signal(os.Interrupt)
			}
		case <-done:
		}
	}()
	err := cmd.Wait()
	if err != nil && ctxErr(err) {
		return 130
	}
	if job == nil {
		reportKilled(env, err)
	}
	return tools.ExitStatus(err, env, args[0])
}

// reportKilled says what signal killed a foreground program, as ash does ("Hangup",
// "Killed", "Segmentation fault (core dumped)"); not for SIGINT and SIGPIPE, which a
// user or a pipeline sent on purpose.
func reportKilled(env *tools.Env, err error) {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() == syscall.SIGINT || ws.Signal() == syscall.SIGPIPE {
		return
	}
	msg := ws.Signal().String()
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	if ws.CoreDump() {
		msg += " (core dumped)"
	}
	fmt.Fprintln(env.Stderr, msg)
}

// shellInterpreters are the #! lines that the toolbox shell runs itself when the kernel
// cannot (a FROM-scratch target has no /bin/sh).
var shellInterpreters = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"/bin/sh": true, "/bin/ash": true, "/bin/bash": true, "/usr/bin/sh": true, "/usr/bin/bash": true,
		"/usr/bin/env sh": true, "/usr/bin/env bash": true,
	}
})

// runShellScript runs path as a script of this shell when exec failed because it is a
// script without #! (ENOEXEC) or a #! shell script whose interpreter is missing.
func (s *Shell) runShellScript(ctx context.Context, env *tools.Env, path string, args []string, startErr error) (int, bool) {
	if !errors.Is(startErr, syscall.ENOEXEC) && !errors.Is(startErr, syscall.ENOENT) {
		return 0, false
	}
	// Only a regular file, opened without blocking: the target may have swapped a FIFO in
	// since exec looked.
	f, err := tools.OpenRegular(path, nil)
	if err != nil {
		return 0, false
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return 0, false
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.HasPrefix(first, []byte("#!")) {
		interp := strings.Join(strings.Fields(string(first[2:])), " ")
		if !errors.Is(startErr, syscall.ENOENT) || !shellInterpreters()[interp] {
			return 0, false
		}
	} else if !errors.Is(startErr, syscall.ENOEXEC) || bytes.IndexByte(first, 0) >= 0 {
		return 0, false
	}
	sub, err := New(env, Options{Name: args[0], Params: args[1:]})
	if err != nil {
		return 0, false
	}
	defer sub.Close()
	return sub.RunScript(ctx, bytes.NewReader(b), args[0]), true
}

// prepare rewrites a parsed program before it runs: statements ending in '&' become
// jobs of this shell (with real PIDs), and $! names the last one.
func (s *Shell) prepare(node syntax.Node) {
	ashAltValues(node)
	ashQuoting(node)
	s.rewriteParams(node)
	s.ashReadOnly(node)
	s.addTrapPoints(node)
	pipelineSubshells(node)
	loopFlow(node)
	addSubshellEnds(node)
	sourceNames(node)
	if s.xtrace.Load() || mayTrace(node) {
		traceAssigns(node)
	}
	fdRedirects(node)
	markRedirects(node, s.opts.Interactive)
	ashScoping(node)
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Subshell, *syntax.CmdSubst, *syntax.ProcSubst:
			// These run on a copy of the interpreter; leave '&' in them to it.
			return false
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
				return false
			}
		case *syntax.Stmt:
			if n.Background && !n.Coprocess && !n.Disown {
				s.mu.Lock()
				s.nextBg++
				id := s.nextBg
				st := *n
				st.Background = false
				s.bgStmts[id] = &st
				s.mu.Unlock()
				*n = syntax.Stmt{
					Position: n.Position,
					Cmd: &syntax.CallExpr{Args: []*syntax.Word{
						lit(internalPrefix + "bgStmt"), lit(fmt.Sprint(id)),
					}},
				}
				return false
			}
		}
		return true
	})
	// $! everywhere, including inside subshells, reads the job table: a plain $! through
	// lastBg (a subshell that runs beside the shell, as a pipeline's left side, has a copy
	// of the variables, where lastBgVar would read as unset), ${!...} through lastBgVar.
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Word:
			n.Parts = lastBgParts(n.Parts)
		case *syntax.DblQuoted:
			n.Parts = lastBgParts(n.Parts)
		case *syntax.ParamExp:
			if n.Param != nil && n.Param.Value == "!" && n.Index == nil {
				n.Param = &syntax.Lit{ValuePos: n.Param.ValuePos, ValueEnd: n.Param.ValueEnd, Value: lastBgVar}
			}
		}
		return true
	})
}

// lastBgParts replaces each plain $! of parts with $(lastBg).
func lastBgParts(parts []syntax.WordPart) []syntax.WordPart {
	for i, p := range parts {
		pe, ok := p.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Param.Value != "!" || pe.Index != nil || pe.Exp != nil || pe.Repl != nil || pe.Slice != nil || pe.Length || pe.Width || pe.Excl ||
			pe.IsSet || pe.Names != 0 || pe.Flags != nil || pe.NestedParam != nil || len(pe.Modifiers) > 0 {
			continue
		}
		pos := pe.Pos()
		parts[i] = &syntax.CmdSubst{Left: pos, Right: pos, Stmts: []*syntax.Stmt{
			{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(internalPrefix+"lastBg", pos)}}},
		}}
	}
	return parts
}

// builtinLastBg prints $!: the last job's PID, or %N when it runs only applets.
func builtinLastBg(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, _ []string) int {
	if v := s.jobs.lastBg(); v != "" {
		fmt.Fprint(env.Stdout, v)
	}
	return 0
}

// pipelineSubshells makes the last command of each pipeline run in a subshell, as every
// command of a pipeline does in ash: the interpreter runs it in the shell itself, where
// 'exit' in 'a | exit 3' would end the script and 'x | read v' would set v.
func pipelineSubshells(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		b, ok := n.(*syntax.BinaryCmd)
		if !ok || (b.Op != syntax.Pipe && b.Op != syntax.PipeAll) {
			return true
		}
		y := b.Y
		switch c := y.Cmd.(type) {
		case *syntax.Subshell:
			return true
		case *syntax.BinaryCmd:
			if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
				return true
			}
		}
		b.Y = &syntax.Stmt{Position: y.Pos(), Cmd: &syntax.Subshell{Lparen: y.Pos(), Rparen: y.End(), Stmts: []*syntax.Stmt{y}}}
		return true
	})
}

func lit(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// foreground records the programs running in the foreground (for Ctrl-Z, see Interactive).
func (s *Shell) foreground(pid int, running bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fgPids == nil {
		s.fgPids = map[int]bool{}
	}
	if running {
		s.fgPids[pid] = true
	} else {
		delete(s.fgPids, pid)
	}
}

// continueForeground resumes the foreground programs that a Ctrl-Z stopped: this shell
// has no job control, and a stopped foreground program would hang the session.
func (s *Shell) continueForeground() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pid := range s.fgPids {
		syscall.Kill(pid, syscall.SIGCONT)
	}
	return len(s.fgPids)
}
