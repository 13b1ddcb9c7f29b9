package shell

import (
	"context"
	"fmt"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Traps of subshells and jobs. A ( ) subshell and a job started with & run on copies of
// the interpreter in this process (no fork): a trap set there must not become the
// shell's, and the interpreter runs no EXIT trap when a copy ends. The shell keeps them
// itself:
//   - 'trap ACTION EXIT' in a subshell or job is kept by runner (subTraps); its action
//     runs when the subshell's 'exit' runs, or at its end: a subshell that sets a trap
//     ends with a call of subshellEnd (addSubshellEnds), a job always does;
//   - 'trap ACTION SIG' in a job is the job's: 'kill %N' (or its PID) with SIG makes the
//     action pending in the job instead of ending it, and the job runs it before its next
//     command or at its end, as ash's forked subshell does.

// subTraps are the EXIT actions of subshells and jobs, by runner.
type subTraps struct {
	mu   sync.Mutex
	exit map[uintptr]string
}

func (t *subTraps) set(id uintptr, action string, reset bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if reset {
		delete(t.exit, id)
		return
	}
	if t.exit == nil {
		t.exit = map[uintptr]string{}
	}
	t.exit[id] = action
}

// take removes and returns the EXIT action of runner id.
func (t *subTraps) take(id uintptr) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.exit[id]
	delete(t.exit, id)
	return a, ok
}

func (t *subTraps) has(id uintptr) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.exit[id]
	return ok
}

// jobTraps are the signal traps set inside a job, and the signals sent to it that are
// pending.
type jobTraps struct {
	signalTraps
}

func (t *jobTraps) set(sig syscall.Signal, action string, reset bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if reset {
		delete(t.actions, sig)
		return
	}
	if t.actions == nil {
		t.actions = map[syscall.Signal]string{}
	}
	t.actions[sig] = action
}

// catch reports whether the job traps sig (an ignored one included), and makes its action
// pending.
func (t *jobTraps) catch(sig syscall.Signal) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.actions[sig]
	if ok && a != "" {
		t.pending = append(t.pending, sig)
	}
	return ok
}

func (t *jobTraps) hasActions() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.actions) > 0
}

// runSubExitTrap runs the EXIT action of the runner of hc, if it set one, with $? as
// status; it returns what exit or return in it returned, else nil.
func (s *Shell) runSubExitTrap(ctx context.Context, hc interp.HandlerContext, status int) error {
	action, ok := s.subTraps.take(runnerID(hc))
	if !ok || action == "" {
		return nil
	}
	return s.runAction(ctx, hc, action, status)
}

// runAction runs a trap's action with $? as status, which a bare exit or return in it
// uses; it returns the error of an action that changes the flow, else nil.
func (s *Shell) runAction(ctx context.Context, hc interp.HandlerContext, action string, status int) error {
	t := s.traps
	t.mu.Lock()
	t.inTrap++
	t.status = status
	t.mu.Unlock()
	err := hc.Builtin(ctx, []string{"eval", fmt.Sprintf("(exit %d); %s", status, action)})
	t.mu.Lock()
	t.inTrap--
	t.mu.Unlock()
	if flowChanged(err) {
		return err
	}
	return nil
}

// builtinSubshellEnd ends a subshell or a job: its pending job traps, then its EXIT trap;
// $? stays, unless an action exits.
func builtinSubshellEnd(ctx context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, _ []string) error {
	status := hc.LastExitStatus
	if err := s.runTraps(ctx, hc); err != nil {
		return err
	}
	if err := s.runSubExitTrap(ctx, hc, status); err != nil {
		return err
	}
	return exitError(status)
}

// builtinSubshellExit is exit in a subshell or job that set an EXIT trap: the action
// runs first.
func builtinSubshellExit(ctx context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	args = args[1:] // exit [N]
	status := hc.LastExitStatus
	if len(args) > 1 {
		fmt.Sscan(args[1], &status)
	}
	if err := s.runSubExitTrap(ctx, hc, status); err != nil {
		return err
	}
	return hc.Builtin(ctx, args)
}

// addSubshellEnds ends each subshell that may set a trap with a call of subshellEnd: a
// ( ) subshell, a command substitution, and a command on the left of a pipe (the one
// on the right is a ( ) subshell already: pipelineSubshells).
func addSubshellEnds(node syntax.Node) {
	end := func(list []*syntax.Stmt) []*syntax.Stmt {
		if len(list) == 0 || !setsTrap(list) {
			return list
		}
		pos := list[len(list)-1].End()
		return append(list, &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(internalPrefix+"subshellEnd", pos)}}})
	}
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Subshell:
			n.Stmts = end(n.Stmts)
		case *syntax.CmdSubst:
			n.Stmts = end(n.Stmts)
		case *syntax.ProcSubst:
			n.Stmts = end(n.Stmts)
		case *syntax.BinaryCmd:
			if (n.Op == syntax.Pipe || n.Op == syntax.PipeAll) && setsTrap([]*syntax.Stmt{n.X}) {
				if _, ok := n.X.Cmd.(*syntax.Subshell); !ok {
					pos := n.X.Pos()
					inner := *n.X
					n.X = &syntax.Stmt{Position: pos, Cmd: &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: end([]*syntax.Stmt{&inner})}}
				}
			}
		}
		return true
	})
}

// setsTrap reports whether list runs trap (outside functions it defines).
func setsTrap(list []*syntax.Stmt) bool {
	found := false
	for _, st := range list {
		syntax.Walk(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FuncDecl:
				return false
			case *syntax.CallExpr:
				found = found || (len(n.Args) > 0 && n.Args[0].Lit() == "trap")
			}
			return !found
		})
	}
	return found
}
