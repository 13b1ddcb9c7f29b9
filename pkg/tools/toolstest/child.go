package toolstest

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// childEnv makes the test binary run one applet (Main) instead of the tests.
const childEnv = "DDEBUG_TOOLSTEST_APPLET"

// Main is the TestMain of an applet family's tests: it installs the family's applets (its
// Applets table) and runs the tests. A test may also run an applet in a child process of
// its own (on a terminal of its own, or as another user): started by Command, the test
// binary runs the applet named by its arguments as the toolbox would, stopping on SIGINT
// and SIGTERM, and exits with its status instead of running the tests. Started by an
// applet that runs another as /proc/self/exe called by its name (timeout, nice), with
// ChildEnv in the environment it hands down, it runs that applet the same way.
func Main(m *testing.M, applets []*tools.Applet) {
	tools.Install(applets)
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		args := os.Args[1:]
		if _, ok := tools.Lookup(filepath.Base(os.Args[0])); ok {
			args = os.Args
		}
		code := tools.Main(ctx, args)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// ChildEnv is the environment entry that makes the test binary run an applet (see Main):
// a test puts it in the Environ of an applet that starts applets as processes.
const ChildEnv = childEnv + "=1"

// Command returns a command that runs the applet args[0] in a child process: the test
// binary itself, which must call Main from its TestMain.
func Command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatalf("finding the test binary: %v", err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return cmd
}

// CommandAs is Command for a child that runs as uid:gid. The test binary lies in a
// directory that only its owner may enter, so it is copied to one that every user may
// read. It needs root, and skips the test otherwise.
func CommandAs(t *testing.T, uid, gid uint32, args ...string) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("running an applet as another user needs root")
	}
	cmd := Command(t, args...)
	dir, err := os.MkdirTemp("", "toolstest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(cmd.Path))
	if err := copyFile(cmd.Path, bin, 0o755); err != nil {
		t.Fatalf("copying the test binary: %v", err)
	}
	cmd.Path, cmd.Args[0], cmd.Dir = bin, bin, dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	return cmd
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Status runs cmd and returns its stdout, stderr and exit status; it fails the test when
// cmd cannot be run at all.
func Status(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, status int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return o.String(), e.String(), 0
}
