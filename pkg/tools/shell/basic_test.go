package shell

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

func newTestEnv(dir string) *tools.Env {
	return &tools.Env{Stdin: strings.NewReader(""), Stdout: &toolstest.SyncBuffer{}, Stderr: &toolstest.SyncBuffer{}, Dir: dir, Environ: hostEnv()}
}

// runApplet runs a registered applet directly, as `ddebug exec app -- NAME ARGS` does
// without any shell.
func runApplet(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	a, ok := tools.Lookup(args[0])
	if !ok {
		t.Fatalf("no applet %q", args[0])
	}
	env := newTestEnv("/tmp")
	status := a.Run(context.Background(), env, args)
	return env.Stdout.(*toolstest.SyncBuffer).String(), env.Stderr.(*toolstest.SyncBuffer).String(), status
}

func TestBasicApplets(t *testing.T) {
	tests := []struct {
		args   []string
		want   string
		status int
	}{
		{[]string{"true"}, "", 0},
		{[]string{"false"}, "", 1},
		{[]string{"echo", "a", "b"}, "a b\n", 0},
		{[]string{"echo", "-n", "a"}, "a", 0},
		{[]string{"echo", "-e", `a\tb`}, "a\tb\n", 0},
		{[]string{"printf", "%s=%03d\\n", "x", "7", "y", "12"}, "x=007\ny=012\n", 0},
		{[]string{"test", "-d", "/"}, "", 0},
		{[]string{"test", "-f", "/"}, "", 1},
		{[]string{"[", "1", "-lt", "2", "]"}, "", 0},
		{[]string{"[", "a", "=", "b", "]"}, "", 1},
		{[]string{"[", "a", "="}, "", 2},
		{[]string{"pwd"}, "/tmp\n", 0},
		{[]string{"seq", "3"}, "1\n2\n3\n", 0},
		{[]string{"seq", "2", "4"}, "2\n3\n4\n", 0},
		{[]string{"seq", "5", "-2", "1"}, "5\n3\n1\n", 0},
		{[]string{"seq", "-s", ",", "3"}, "1,2,3\n", 0},
		{[]string{"seq", "-w", "8", "10"}, "08\n09\n10\n", 0},
		{[]string{"seq", "1", "0.5", "2"}, "1.0\n1.5\n2.0\n", 0},
		{[]string{"seq", "-f", "%.2f", "1", "2"}, "1.00\n2.00\n", 0},
		{[]string{"seq", "3", "1"}, "", 0},
		{[]string{"seq", "x"}, "", 1},
		{[]string{"which", "seq", "sh"}, "seq: applet\nsh: applet\n", 0},
		{[]string{"which", "no-such-cmd-xyz"}, "", 1},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, status := runApplet(t, tc.args...)
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s\nstderr: %s", diff, errOut)
			}
			if status != tc.status {
				t.Errorf("status = %d, want %d", status, tc.status)
			}
		})
	}
}

func TestBasicAppletsHelp(t *testing.T) {
	for _, name := range []string{"true", "false", "echo", "printf", "test", "[", "pwd", "yes", "seq", "which", "sh"} {
		out, _, status := runApplet(t, name, "--help")
		if status != 0 || !strings.HasPrefix(out, "Usage: ") {
			t.Errorf("%s --help: status %d, output %q", name, status, out)
		}
	}
}

func TestYesStopsOnCancel(t *testing.T) {
	a, _ := tools.Lookup("yes")
	ctx, cancel := context.WithCancel(context.Background())
	env := newTestEnv("/")
	w := &cancelAfter{n: 3, cancel: cancel}
	env.Stdout = w
	if status := a.Run(ctx, env, []string{"yes", "abc"}); status != 130 {
		t.Errorf("status = %d, want 130", status)
	}
	if !strings.HasPrefix(w.b.String(), "abc\nabc\n") {
		t.Errorf("output starts %q", w.b.String()[:20])
	}
}

// cancelAfter cancels a context after n writes.
type cancelAfter struct {
	b      strings.Builder
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.b.Write(p)
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return len(p), nil
}

// TestWhichToolboxLink: an applet whose first file on PATH is a link to the toolbox itself
// is that path (the same program runs either way), as GNU which prints; an applet shadowing
// another program stays "NAME: applet". BusyBox's readlink and realpath suites take
// `which pwd` for a program to run.
func TestWhichToolboxLink(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(self, filepath.Join(bin, "pwd")); err != nil {
		t.Fatal(err)
	}
	fakeBin(t, bin, "seq")
	env := newTestEnv("/tmp")
	env.Environ = []string{"PATH=" + bin}
	if st := runWhich(context.Background(), env, []string{"which", "pwd", "seq"}); st != 0 {
		t.Fatalf("which: status %d, %s", st, env.Stderr)
	}
	if diff := cmp.Diff(filepath.Join(bin, "pwd")+"\nseq: applet\n", env.Stdout.(*toolstest.SyncBuffer).String()); diff != "" {
		t.Errorf("which pwd seq (-want +got):\n%s", diff)
	}
}
