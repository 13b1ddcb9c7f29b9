//go:build linux

package proc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestMain lets a test run an applet in a child process (toolstest.Command).
func TestMain(m *testing.M) { toolstest.Main(m, Applets) }

// run runs the applet args[0] in-process and returns its stdout, stderr and status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runWith(t, nil, args...)
}

func runWith(t *testing.T, environ []string, args ...string) (string, string, int) {
	t.Helper()
	return runIn(t, t.TempDir(), environ, args...)
}

// runIn is runWith in the directory dir.
func runIn(t *testing.T, dir string, environ []string, args ...string) (string, string, int) {
	t.Helper()
	a, ok := tools.Lookup(args[0])
	if !ok {
		t.Fatalf("no applet %q", args[0])
	}
	var out, errb bytes.Buffer
	env := &tools.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: dir, Environ: environ}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := a.Run(ctx, env, args)
	return out.String(), errb.String(), code
}

// startSleep starts a real `sleep` child that the test kills in Cleanup.
func startSleep(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// requireTool skips the test when the reference tool is not installed.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install procps util-linux): %v", name, err)
	}
	return p
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func reference(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(requireTool(t, name), args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// runWithTimeout runs the applet args[0] in-process until it returns or d has passed (its
// context is then cancelled, as by Ctrl-C).
func runWithTimeout(t *testing.T, d time.Duration, args ...string) (string, string, int) {
	t.Helper()
	a, ok := tools.Lookup(args[0])
	if !ok {
		t.Fatalf("no applet %q", args[0])
	}
	var out, errb bytes.Buffer
	env := &tools.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: t.TempDir(), Environ: childEnviron}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	code := a.Run(ctx, env, args)
	return out.String(), errb.String(), code
}
