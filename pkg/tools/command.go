package tools

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// DefaultPath is the PATH used when the environment has none (a FROM-scratch target often
// has none at all).
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// LookPath finds an executable file called file on env's PATH (or DefaultPath), resolving
// relative directories against env.Dir. A name containing a slash is resolved against
// env.Dir and checked as is.
func LookPath(env *Env, file string) (string, error) {
	if strings.Contains(file, "/") {
		p := env.Abs(file)
		if err := isExecutable(p); err != nil {
			return "", err
		}
		return p, nil
	}
	path, ok := env.LookupEnv("PATH")
	if !ok {
		path = DefaultPath
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(env.Abs(dir), file)
		if isExecutable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", file, exec.ErrNotFound)
}

func isExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return &os.PathError{Op: "exec", Path: p, Err: syscall.EACCES}
	}
	return nil
}

// RunCommand runs args the way a shell would: an applet in-process, anything else as a
// program found through LookPath, with env's streams, directory and environment. It returns
// the exit status: 127 when nothing is found, 126 when it cannot be executed, 128+N when the
// program died of signal N. xargs, find -exec and the shell share it.
func RunCommand(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		return 0
	}
	if a, ok := Lookup(args[0]); ok {
		return a.Run(ctx, env, args)
	}
	path, err := LookPath(env, args[0])
	if err != nil {
		return LookPathFailed(env, args[0], err)
	}
	return RunProgram(ctx, env, path, args)
}

// LookPathFailed says why LookPath found no program name, as a shell does, and returns the
// shell's status for it: 127 when there is none, 126 when it cannot be run.
func LookPathFailed(env *Env, name string, err error) int {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(env.Stderr, "%s: command not found (neither a toolbox applet nor on PATH)\n", name)
		return 127
	}
	fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
	return 126
}

// RunProgram runs the program at path with args (args[0] is its name) and env's streams,
// directory and environment, and returns its shell exit status; a cancelled ctx
// interrupts it.
func RunProgram(ctx context.Context, env *Env, path string, args []string) int {
	cmd := exec.CommandContext(ctx, path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Dir, cmd.Env = env.Dir, env.Environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	return ExitStatus(cmd.Run(), env, args[0])
}

// ExitStatus turns the error of exec.Cmd.Run into a shell exit status, printing why a
// program could not be started.
func ExitStatus(err error, env *Env, name string) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
	if errors.Is(err, os.ErrNotExist) {
		return 127
	}
	return 126
}
