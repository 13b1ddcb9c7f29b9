package shell

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
)

// trapTable holds the traps on signals, which the shell runs itself (the interpreter's
// trap knows EXIT and ERR only; those two are still given to it, and recorded here for
// 'trap' to print). A trapped signal that arrives is pending until the main shell starts
// its next simple command (or ends a wait): then its action runs first, as ash runs
// traps between commands.
type trapTable struct {
	signalTraps
	exit    *string       // the EXIT trap given to the interpreter
	err     *string       // the ERR trap
	wake    chan struct{} // closed (and replaced) when a trapped signal arrives
	sigc    chan os.Signal
	inTrap  int  // actions running now
	status  int  // $? when the running action started
	claimed bool // this table catches fatalSignals (fatalClaimed)
}

// close gives the signals back to their default (the process may run on: an in-process
// sh ended inside another shell or applet).
func (t *trapTable) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	signal.Stop(t.sigc)
	close(t.sigc) // no signal is sent on it after Stop: this ends its goroutine
	for sig := range t.actions {
		signal.Reset(sig)
	}
	t.actions = map[syscall.Signal]string{}
	if t.claimed {
		t.claimed = false
		fatalClaimed.Store(false)
	}
}

var fatalClaimed atomic.Bool

func isFatal(sig syscall.Signal) bool {
	for _, f := range fatalSignals {
		if f == sig {
			return true
		}
	}
	return false
}

func newTrapTable(catchFatal bool) *trapTable {
	t := &trapTable{signalTraps: signalTraps{actions: map[syscall.Signal]string{}}, wake: make(chan struct{}), sigc: make(chan os.Signal, 16)}
	// only the first shell of the process: one run in-process by another leaves them to it
	if catchFatal && fatalClaimed.CompareAndSwap(false, true) {
		t.claimed = true
		for _, sig := range fatalSignals {
			if !signal.Ignored(sig) {
				signal.Notify(t.sigc, sig)
			}
		}
	}
	go func() {
		for sig := range t.sigc {
			n := sig.(syscall.Signal)
			t.mu.Lock()
			_, ok := t.actions[n]
			if ok {
				t.pending = append(t.pending, n)
				close(t.wake)
				t.wake = make(chan struct{})
			}
			die := !ok && isFatal(n) && t.claimed
			t.mu.Unlock()
			if die {
				dieOf(n)
			}
		}
	}()
	return t
}

// waiter returns a channel closed when the next trapped signal arrives.
func (t *trapTable) waiter() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wake
}

// signalTraps are signal traps and the trapped signals that arrived and wait for their
// action: the shell's own (trapTable) and those set inside a job (jobTraps). mu also
// guards the fields of the table that embeds it.
type signalTraps struct {
	mu      sync.Mutex
	actions map[syscall.Signal]string // "" ignores the signal
	pending []syscall.Signal
}

func (t *signalTraps) hasPending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending) > 0
}

// takePending returns the pending signals' actions, oldest first.
func (t *signalTraps) takePending() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, sig := range t.pending {
		if a := t.actions[sig]; a != "" {
			out = append(out, a)
		}
	}
	t.pending = nil
	return out
}

// lastPending is the last signal that arrived and is still pending, or 0.
func (t *trapTable) lastPending() syscall.Signal {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.pending) == 0 {
		return 0
	}
	return t.pending[len(t.pending)-1]
}

// caught reports whether sig has an action (not ignored, not the default).
func (t *trapTable) caught(sig syscall.Signal) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.actions[sig]
	return ok && a != ""
}

func (t *trapTable) ignored(sig syscall.Signal) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.actions[sig]
	return ok && a == ""
}

func (t *trapTable) set(sig syscall.Signal, action string, reset bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case reset:
		delete(t.actions, sig)
		signal.Notify(t.sigc, sig) // Reset alone leaves an ignored signal ignored
		if !isFatal(sig) {
			signal.Reset(sig)
		}
	case action == "":
		t.actions[sig] = ""
		signal.Ignore(sig)
	default:
		t.actions[sig] = action
		signal.Notify(t.sigc, sig)
	}
}

// isMain reports whether hc is the handler context of the shell's own runner, not of a
// subshell or a background job: only there do traps run. The runner is not exported by
// interp.HandlerContext; its identity is read (never used) through reflection.
func (s *Shell) isMain(hc interp.HandlerContext) bool {
	f := reflect.ValueOf(hc).FieldByName("runner")
	return f.IsValid() && f.Kind() == reflect.Pointer && f.Pointer() == reflect.ValueOf(s.runner).Pointer()
}

// builtinTrap is trap: on EXIT and ERR (given to the interpreter too) and on signals.
func builtinTrap(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	t := s.traps
	rest := args[1:]
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) == 0 || (len(rest) == 1 && rest[0] == "-p") {
		t.print(env)
		return nil
	}
	if rest[0] == "-l" {
		for _, sig := range signals.List() {
			fmt.Fprintf(env.Stdout, "%2d) SIG%s\n", int(sig.Num), sig.Name)
		}
		return nil
	}
	action, reset := rest[0], false
	if action == "-" {
		reset, rest = true, rest[1:]
	} else if len(rest) == 1 || isUnsigned(action) {
		// 'trap SIG' and 'trap 0 INT' reset (POSIX: a first operand that is a number)
		reset = true
	} else {
		rest = rest[1:]
	}
	status := 0
	for _, name := range rest {
		switch up := strings.TrimPrefix(strings.ToUpper(name), "SIG"); {
		case (up == "EXIT" || name == "0") && !s.isMain(hc):
			s.subTraps.set(runnerID(hc), action, reset) // a subshell's or job's own
		case up == "EXIT" || name == "0", up == "ERR":
			which := "EXIT"
			p := &t.exit
			if up == "ERR" {
				which, p = "ERR", &t.err
			}
			var err error
			if reset {
				*p = nil
				err = hc.Builtin(ctx, []string{"trap", "-", which})
			} else {
				a := action
				*p = &a
				err = hc.Builtin(ctx, []string{"trap", action, which})
			}
			if err != nil {
				status = 1
			}
		default:
			sig, ok := signals.Parse(name)
			if !ok || sig == 0 || sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
				fmt.Fprintf(env.Stderr, "%s%s: invalid signal specification\n", s.where(hc, "trap"), name)
				status = 1
				continue
			}
			if j := jobOf(ctx); j != nil && !s.isMain(hc) {
				j.traps.set(sig, action, reset) // the job's own
				continue
			}
			t.set(sig, action, reset)
		}
	}
	return exitError(status)
}

func isUnsigned(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// print lists the traps as ash does: trap -- 'ACTION' NAME, EXIT first.
func (t *trapTable) print(env *tools.Env) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.exit != nil {
		fmt.Fprintf(env.Stdout, "trap -- %s EXIT\n", quote(*t.exit))
	}
	var sigs []int
	for sig := range t.actions {
		sigs = append(sigs, int(sig))
	}
	sort.Ints(sigs)
	for _, n := range sigs {
		fmt.Fprintf(env.Stdout, "trap -- %s %s\n", quote(t.actions[syscall.Signal(n)]), signals.Name(syscall.Signal(n)))
	}
	if t.err != nil {
		fmt.Fprintf(env.Stdout, "trap -- %s ERR\n", quote(*t.err))
	}
}

// builtinRunTraps runs the actions of the pending signals, then the command that was
// about to start (args[1:]); an action that exits or returns skips that command.
func builtinRunTraps(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	if err := s.runTraps(ctx, hc); err != nil {
		return err
	}
	if len(args) < 2 {
		return exitError(hc.LastExitStatus) // a trap point: $? stays
	}
	args, err := s.call(ctx, args[1:])
	if err != nil {
		return err
	}
	if name, ok := strings.CutPrefix(args[0], internalPrefix); ok {
		args = append([]string{name}, args[1:]...)
		if f := flowBuiltin(name); f != nil {
			return f(ctx, s, hc, env, args)
		}
		return exitError(builtin(name)(ctx, s, hc, env, args))
	}
	if _, fn := s.runner.Funcs[args[0]]; fn {
		words := make([]string, len(args))
		for i, a := range args {
			words[i] = quote(a)
		}
		return hc.Builtin(ctx, []string{"eval", strings.Join(words, " ")})
	}
	if interp.IsBuiltin(args[0]) {
		return hc.Builtin(ctx, args)
	}
	return exitError(s.runCommand(ctx, hc, env, args, s.where(hc, "")))
}

// runTraps runs the pending actions with $? as it was; it returns the error of an action
// that changes the flow (exit, return), else nil.
func (s *Shell) runTraps(ctx context.Context, hc interp.HandlerContext) error {
	t := s.traps
	var actions []string
	if s.isMain(hc) {
		actions = t.takePending()
	} else if j := jobOf(ctx); j != nil {
		actions = j.traps.takePending() // traps of the main shell run there only
	}
	if len(actions) == 0 {
		return nil
	}
	// the actions leave the interpreter's status set; the command that follows (whose
	// status a nil error leaves alone) starts from 0 again
	defer hc.Builtin(ctx, []string{"eval", ":"})
	for _, action := range actions {
		t.mu.Lock()
		t.inTrap++
		t.status = hc.LastExitStatus
		t.mu.Unlock()
		// the action sees $? of the command before it
		err := hc.Builtin(ctx, []string{"eval", fmt.Sprintf("(exit %d); %s", hc.LastExitStatus, action)})
		t.mu.Lock()
		t.inTrap--
		t.mu.Unlock()
		if flowChanged(err) {
			return err
		}
	}
	return nil
}

// flowChanged reports whether err, from interp.HandlerContext.Builtin, says that the
// builtin exits the shell or returns from a function, rather than only failing.
func flowChanged(err error) bool {
	if err == nil {
		return false
	}
	v := reflect.ValueOf(err)
	if v.Kind() != reflect.Struct {
		return true
	}
	for _, f := range []string{"exiting", "returning"} {
		if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.Bool && fv.Bool() {
			return true
		}
	}
	return false
}

// trapStatus is the status that 'exit' and 'return' without a number use inside a trap
// action: $? when the action started.
func (t *trapTable) trapStatus() (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status, t.inTrap > 0
}

// waitForOwnSignal gives a signal sent to the shell itself the time to act: a terminating
// one kills the process during the wait; a trapped one is pending once it returns.
// arrived is the trap table's waiter taken before the signal was sent.
func (s *Shell) waitForOwnSignal(sig syscall.Signal, arrived <-chan struct{}) {
	switch {
	case s.traps.ignored(sig):
	case s.traps.caught(sig):
		select {
		case <-arrived:
		case <-time.After(time.Second):
		}
	default:
		waitForOwnSignal(sig)
	}
}

// addTrapPoints makes the main shell look for pending traps where no simple command of
// its own would: after each subshell (a loop of subshells alone would never run them) and
// at the end of the program. Only programs that set traps, or run after one was set.
func (s *Shell) addTrapPoints(node syntax.Node) {
	s.traps.mu.Lock()
	has := len(s.traps.actions) > 0
	s.traps.mu.Unlock()
	syntax.Walk(node, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 && c.Args[0].Lit() == "trap" {
			has = true
		}
		return !has
	})
	if !has {
		return
	}
	point := func(pos syntax.Pos) *syntax.Stmt {
		return &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{lit(internalPrefix + "trapPoint")}}}
	}
	fix := func(list []*syntax.Stmt) []*syntax.Stmt {
		var out []*syntax.Stmt
		for _, st := range list {
			out = append(out, st)
			if _, ok := st.Cmd.(*syntax.Subshell); ok && !st.Background {
				out = append(out, point(st.Pos()))
			}
		}
		return out
	}
	if f, ok := node.(*syntax.File); ok && len(f.Stmts) > 0 {
		f.Stmts = append(f.Stmts, point(f.Stmts[len(f.Stmts)-1].Pos()))
	}
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Subshell, *syntax.CmdSubst, *syntax.ProcSubst:
			return false
		case *syntax.File:
			n.Stmts = fix(n.Stmts)
		case *syntax.Block:
			n.Stmts = fix(n.Stmts)
		case *syntax.IfClause:
			n.Cond, n.Then = fix(n.Cond), fix(n.Then)
		case *syntax.WhileClause:
			n.Cond, n.Do = fix(n.Cond), fix(n.Do)
		case *syntax.ForClause:
			n.Do = fix(n.Do)
		case *syntax.CaseClause:
			for _, it := range n.Items {
				it.Stmts = fix(it.Stmts)
			}
		}
		return true
	})
}
