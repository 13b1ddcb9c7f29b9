//go:build linux

package proc

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// selfExe is this very binary: an applet that must run as a process of its own (to be
// signalled, timed, or started with a niceness, an affinity or credentials) runs as it,
// called by the applet's name, as its link in the image would call it.
const selfExe = "/proc/self/exe"

// commandProcess returns args as a process of its own, as a shell would start them: an
// applet as this binary called by its name, anything else found on env's PATH. On failure
// it has said why and returns the shell's status (127, 126).
func commandProcess(env *tools.Env, args []string) (*exec.Cmd, int) {
	path := selfExe
	if _, ok := tools.Lookup(args[0]); !ok {
		p, err := tools.LookPath(env, args[0])
		if err != nil {
			return nil, tools.LookPathFailed(env, args[0], err)
		}
		path = p
	}
	return &exec.Cmd{Path: path, Args: args, Dir: env.Dir, Env: env.Environ,
		Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr}, 0
}

// startOnThread starts cmd from an OS thread of its own after prep has changed that
// thread: Linux keeps niceness, I/O priority, CPU affinity, capabilities, no_new_privs and
// namespaces per thread, and a child is born with those of the thread that forked it. The
// thread is never unlocked, so it ends with the goroutine and nothing else runs on it.
//
// That thread must not be the main one: Go cannot end the main thread and only parks it,
// and what /proc/self shows (ns/*, root, cwd, status) is the main thread's. A changed main
// thread would leave an in-process applet run later by the shell (nsenter -a comparing
// its namespaces with the target's, ps, ls -l /proc/self) seeing the target's. So a
// goroutine that lands on the main thread keeps it, locked and idle, while another one,
// which cannot land there, does the work.
func startOnThread(cmd *exec.Cmd, prep func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			errc <- startOnThread(cmd, prep)
			runtime.UnlockOSThread()
			return
		}
		if err := prep(); err != nil {
			errc <- err
			return
		}
		errc <- cmd.Start()
	}()
	return <-errc
}

// waitStatus waits for a started cmd and returns its shell status (128+N for signal N); a
// cancelled ctx (the user's Ctrl-C) is passed on to it as SIGINT.
func waitStatus(ctx context.Context, env *tools.Env, cmd *exec.Cmd) int {
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Signal(os.Interrupt)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	return tools.ExitStatus(err, env, cmd.Args[0])
}

// startFailed says why cmd could not be started and returns 126, or 127 when the program
// is gone.
func startFailed(env *tools.Env, applet string, cmd *exec.Cmd, err error) int {
	env.Errorf(applet, "%s: %v", cmd.Args[0], err)
	if pe, ok := err.(*os.PathError); ok && pe.Err == syscall.ENOENT {
		return 127
	}
	return 126
}
